/**
 * Which classifier dictation and enrollment use: the bundled model, or the one "Train Model"
 * wrote to globalStorage. The bundled model stays the fallback: a trained model that is missing
 * or broken is reported once and the bundled one is used instead.
 */
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { Classifier } from '../model/classifier';
import type { Verifier } from '../stream/verifier';
import type { SequenceModel } from '../model/sequenceModel';
import { Disposable } from '../dispose';
import type { LoadedPrototypes, PrototypeFile } from './enrollment/prototypes';
import type { ModelChoice } from './settings/config';
import { runtime } from './runtime';

export interface LoadedModel {
  classifier: Classifier;
  choice: ModelChoice;
  /** Set when the trained model was asked for but the bundled one is used. */
  fallbackReason?: string;
}

/** The classifier and the user's prototypes made with it: what dictation runs on. */
export type Recognizer = LoadedModel & LoadedPrototypes;

/** Loads the configured classifier, then the prototypes enrolled with it (none if they were made with another model). */
export async function loadRecognizer(models: ModelProvider, prototypes: PrototypeFile, choice: ModelChoice): Promise<Recognizer> {
  const model = await models.get(choice);
  const { classifier } = model;
  return { ...model, ...(await prototypes.load(classifier.meta.modelId, classifier.meta.embeddingDim)) };
}

export class ModelProvider extends Disposable {
  private loaded: { choice: ModelChoice; model: Promise<LoadedModel> } | undefined;
  private verifierModel: Promise<Verifier | undefined> | undefined;
  private sequenceModel: Promise<SequenceModel | undefined> | undefined;

  constructor(
    private readonly storageDir: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
  }

  /** Where "Train Model" installs its result. */
  get trainedModelPath(): string {
    return join(this.storageDir, 'models', 'trained', 'digits.onnx');
  }

  get(choice: ModelChoice): Promise<LoadedModel> {
    if (this.loaded?.choice !== choice) {
      this.release();
      const model = this.load(choice);
      this.loaded = { choice, model };
      model.catch(() => {
        if (this.loaded?.model === model) this.loaded = undefined;
      });
    }
    return this.loaded.model;
  }

  /**
   * The digit/non-digit verifier shipped in models/ (independent of the digit model's weights, so
   * it serves the trained model too). Undefined when absent or unloadable: the engine then rejects
   * non-digit sounds by confidence, duration and voicing alone.
   */
  verifier(): Promise<Verifier | undefined> {
    this.verifierModel ??= runtime()
      .then((rt) => rt.loadVerifier())
      .then((v) => {
        this.log.info(
          v
            ? `verifier: ${v.modelId} from ${v.path}`
            : 'verifier: none shipped; non-digit words are caught by confidence, duration and voicing',
        );
        return v;
      })
      .catch((err: unknown) => {
        this.log.warn(`verifier: ${(err as Error).message}; non-digit words are caught only by confidence, duration and voicing`);
        return undefined;
      });
    return this.verifierModel;
  }

  /**
   * The digit-string model shipped in models/ (fluent strings: "four two seven" types 427).
   * Undefined when absent or unloadable: the engine then hears one digit per utterance.
   */
  stringModel(): Promise<SequenceModel | undefined> {
    this.sequenceModel ??= runtime()
      .then((rt) => rt.loadStringModel())
      .then((m) => {
        this.log.info(m ? `string model: ${m.meta.modelId} from ${m.path}` : 'string model: none shipped; one digit per utterance');
        return m;
      })
      .catch((err: unknown) => {
        this.log.warn(`string model: ${(err as Error).message}; one digit per utterance`);
        return undefined;
      });
    return this.sequenceModel;
  }

  /** Drops the cached classifier (a new model was trained, or the choice changed). */
  release(): void {
    const old = this.loaded;
    this.loaded = undefined;
    // A session still running on it keeps working: onnxruntime frees it once released here and
    // no longer referenced; callers restart dictation after a model change.
    void old?.model.then((m) => m.classifier.dispose()).catch(() => undefined);
  }

  private async load(choice: ModelChoice): Promise<LoadedModel> {
    const rt = await runtime();
    if (choice === 'trained') {
      try {
        const classifier = await rt.Classifier.load(this.trainedModelPath);
        this.log.info(`model: trained ${classifier.meta.modelId} from ${this.trainedModelPath}`);
        return { classifier, choice };
      } catch (err) {
        const reason = `The trained model cannot be used (${(err as Error).message}); using the bundled model. Run "Train Model" again or set digitDictation.model to "bundled".`;
        this.log.warn(reason);
        const classifier = await rt.Classifier.load(rt.bundledModelPath());
        return { classifier, choice, fallbackReason: reason };
      }
    }
    const classifier = await rt.Classifier.load(rt.bundledModelPath());
    this.log.info(`model: bundled ${classifier.meta.modelId}`);
    return { classifier, choice };
  }

  override dispose(): void {
    this.release();
    void this.verifierModel?.then((v) => v?.dispose()).catch(() => undefined);
    this.verifierModel = undefined;
    void this.sequenceModel?.then((m) => m?.dispose()).catch(() => undefined);
    this.sequenceModel = undefined;
    super.dispose();
  }
}
