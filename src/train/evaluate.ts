import { utteranceFeatures } from '../features/logmel';
import { Classifier } from '../model/classifier';
import { loadClips, selectSplit, SplitName } from './dataset';
import { argmax, confusionMatrix, summarize } from './metrics';
import { EvalReport } from './types';
import { DatasetError } from '../errors';

/**
 * Accuracy, macro-F1, per-class precision/recall and confusion of a model on a dataset folder
 * (only the speakers `keepSpeaker` accepts, when given: a held-out fold).
 */
export async function evaluate(
  data: string,
  split: SplitName,
  modelPath?: string,
  keepSpeaker: (speaker: string) => boolean = () => true,
): Promise<EvalReport & { modelId: string }> {
  const { clips, skipped } = loadClips(data, undefined, (c) => keepSpeaker(c.speaker));
  const chosen = selectSplit(clips, split);
  if (!chosen.length)
    throw new DatasetError(
      'DATASET_SPLIT_EMPTY',
      `${data}: no files in the ${split} split (takes 0–4 are test, 5–49 train; use --split all for other recordings)`,
    );
  const model = await Classifier.load(modelPath);
  try {
    const preds: number[] = [];
    for (let i = 0; i < chosen.length; i += 64) {
      const out = await model.classifyBatch(chosen.slice(i, i + 64).map((c) => utteranceFeatures(c.samples)));
      for (const o of out) preds.push(argmax(o.probs));
    }
    const confusion = confusionMatrix(
      chosen.map((c) => c.digit),
      preds,
    );
    return {
      ...summarize(confusion),
      confusion,
      skipped: { count: skipped.count, examples: skipped.examples, reasons: skipped.reasons },
      modelId: model.meta.modelId,
    };
  } finally {
    await model.dispose();
  }
}
