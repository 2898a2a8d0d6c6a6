/**
 * The heavy half of the extension, loaded on first use. onnxruntime-node and decibri are native
 * addons (loaded from node_modules at run time) and meyda's feature code is large: activation
 * must load none of them, so the only path to them is this dynamic import, which esbuild keeps
 * lazy inside the bundle. Everything else in src/editor refers to these modules with
 * `import type` only.
 */
import { DigitDictationError } from '../errors';

export async function loadRuntime() {
  const [engine, classifier, microphone, store, head, review, record, logmel, verifier, sequenceModel, stringAdapt] = await Promise.all([
    import('../stream/engine'),
    import('../model/classifier'),
    import('../audio/microphone'),
    import('../enroll/store'),
    import('../enroll/head'),
    import('../enroll/review'),
    import('../stream/record'),
    import('../features/logmel'),
    import('../stream/verifier'),
    import('../model/sequenceModel'),
    import('../enroll/stringAdapt'),
  ]);
  return {
    DictationEngine: engine.DictationEngine,
    Classifier: classifier.Classifier,
    bundledModelPath: classifier.bundledModelPath,
    openMicrophone: microphone.openMicrophone,
    listMicrophones: microphone.listMicrophones,
    PrototypeStore: store.PrototypeStore,
    pairwiseQuality: store.pairwiseQuality,
    modeProbs: head.modeProbs,
    enrollTakes: review.enrollTakes,
    checkSummary: review.checkSummary,
    disagreement: review.disagreement,
    stringAdaptationSummary: stringAdapt.stringAdaptationSummary,
    staleStringHead: stringAdapt.staleStringHead,
    recordUtterance: record.recordUtterance,
    utteranceFeatures: logmel.utteranceFeatures,
    loadVerifier: verifier.loadVerifier,
    loadStringModel: sequenceModel.loadBundledSequenceModel,
    verifierLogOdds: verifier.verifierLogOdds,
  };
}

export type Runtime = Awaited<ReturnType<typeof loadRuntime>>;

export class RuntimeLoadError extends DigitDictationError {}

let cached: Promise<Runtime> | undefined;

/** Loads the runtime once; a failed load (e.g. a missing native binary) is retried next time. */
export function runtime(): Promise<Runtime> {
  cached ??= loadRuntime().catch((err: unknown) => {
    cached = undefined;
    throw new RuntimeLoadError(
      'RUNTIME_LOAD_FAILED',
      `the speech runtime (onnxruntime-node, decibri) cannot be loaded: ${(err as Error)?.message ?? err}. ` +
        `Install the Digit Dictation build made for ${process.platform}-${process.arch}.`,
      { cause: err },
    );
  });
  return cached;
}
