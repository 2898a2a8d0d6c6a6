import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { FEATURE_CONFIG, FeatureConfig } from '../features/config';
import { ModelLoadError, ModelMismatchError } from '../errors';
import { ModelMeta, readMeta } from './meta';

export interface Classification {
  /** Softmax over the ten digits. */
  probs: Float32Array;
  /** L2-normalised embedding for the prototype head. */
  embedding: Float32Array;
}

export const INPUT_NAME = 'features';
export const PROBS_NAME = 'probs';
export const EMBEDDING_NAME = 'embedding';

/**
 * The model shipped with the extension: `models/` at the package root, found from wherever the
 * calling bundle sits (dist/, dist/bench/, out/test/unit/).
 */
export function bundledModelPath(): string {
  const candidates = [1, 2, 3].map((up) => join(__dirname, ...Array<string>(up).fill('..'), 'models', 'digits.onnx'));
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

/**
 * The ONNX classifier: log-mel features in [frames × bands] → probabilities and embedding.
 * Loading checks the feature config baked into the file against this build's features.
 */
export class Classifier {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly meta: ModelMeta,
    readonly path: string,
  ) {}

  static async load(path: string = bundledModelPath(), cfg: FeatureConfig = FEATURE_CONFIG): Promise<Classifier> {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      throw new ModelLoadError('MODEL_NOT_FOUND', `${path}: model file cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`, { cause: err });
    }
    const meta = readMeta(bytes, path, cfg);
    let session: ort.InferenceSession;
    try {
      // One intra-op thread: the model is tiny and the editor shares the machine.
      session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
    } catch (err) {
      throw new ModelLoadError('MODEL_INVALID', `${path}: onnxruntime cannot load the model (${(err as Error).message})`, { cause: err });
    }
    for (const name of [PROBS_NAME, EMBEDDING_NAME]) {
      if (!session.outputNames.includes(name)) {
        throw new ModelMismatchError('MODEL_OUTPUTS', `${path}: model lacks the "${name}" output (has ${session.outputNames.join(', ')})`);
      }
    }
    return new Classifier(session, meta, path);
  }

  get frames(): number {
    return this.meta.featureConfig.frames;
  }
  get bands(): number {
    return this.meta.featureConfig.melBands;
  }

  /** Classifies one utterance's model input (see features/logmel `toModelInput`). */
  async classify(features: Float32Array): Promise<Classification> {
    const [one] = await this.classifyBatch([features]);
    return one;
  }

  async classifyBatch(batch: Float32Array[]): Promise<Classification[]> {
    const size = this.frames * this.bands;
    const input = new Float32Array(batch.length * size);
    batch.forEach((f, i) => {
      if (f.length !== size) throw new RangeError(`classify: input has ${f.length} values, expected ${size} (${this.frames} frames × ${this.bands} bands)`);
      input.set(f, i * size);
    });
    const out = await this.session.run({ [INPUT_NAME]: new ort.Tensor('float32', input, [batch.length, this.frames, this.bands]) });
    const probs = out[PROBS_NAME].data as Float32Array;
    const emb = out[EMBEDDING_NAME].data as Float32Array;
    const d = this.meta.embeddingDim;
    return batch.map((_, i) => ({ probs: probs.slice(i * 10, i * 10 + 10), embedding: emb.slice(i * d, i * d + d) }));
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
