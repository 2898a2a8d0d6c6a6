import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { FEATURE_CONFIG, FeatureConfig } from '../features/config';
import { ModelLoadError, ModelMismatchError } from '../errors';
import { DIGIT_LABELS, ModelMeta, ModelRole, readMeta, roleOf } from './meta';
import { buildOcclusionModel, OCCLUSION_INPUTS, occlusionCrop, OcclusionModel, utteranceFrames } from './occlusionModel';

import type { Classification } from './types';

export const INPUT_NAME = 'features';
/** One intra-op thread: the models are tiny and the editor shares the machine. */
export const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
};

/** A batch of model inputs (features/logmel `toModelInput`) as the one tensor a model reads. */
export function inputTensor(batch: readonly Float32Array[], frames: number, bands: number): ort.Tensor {
  const size = frames * bands;
  const input = new Float32Array(batch.length * size);
  batch.forEach((f, i) => {
    if (f.length !== size)
      throw new RangeError(`classify: input has ${f.length} values, expected ${size} (${frames} frames × ${bands} bands)`);
    input.set(f, i * size);
  });
  return new ort.Tensor('float32', input, [batch.length, frames, bands]);
}
export const PROBS_NAME = 'probs';
export const EMBEDDING_NAME = 'embedding';

/** Largest model file read (the shipped ones are 90–180 KB). */
const MAX_MODEL_BYTES = 64 * 1024 * 1024;

/**
 * Runs the model once on silence: the outputs must have the sizes the metadata promises (labels,
 * embeddingDim) and be finite. This catches what the file's declared shapes cannot (symbolic
 * dimensions, weights that overflow to NaN only when multiplied).
 */
async function checkOutputs(session: ort.InferenceSession, meta: ModelMeta, path: string): Promise<void> {
  const { frames, melBands } = meta.featureConfig;
  let out: ort.InferenceSession.OnnxValueMapType;
  try {
    out = await session.run({ [INPUT_NAME]: new ort.Tensor('float32', new Float32Array(frames * melBands), [1, frames, melBands]) });
  } catch (err) {
    throw new ModelLoadError('MODEL_INVALID', `${path}: the model fails on a test input (${(err as Error).message.slice(0, 200)})`, {
      cause: err,
    });
  }
  const probs = out[PROBS_NAME].data as Float32Array;
  const emb = out[EMBEDDING_NAME].data as Float32Array;
  if (probs.length !== meta.labels.length || emb.length !== meta.embeddingDim) {
    throw new ModelMismatchError(
      'MODEL_SHAPE_MISMATCH',
      `${path}: the model gives ${probs.length} probabilities and an embedding of ${emb.length} values, but its metadata says ${meta.labels.length} labels and embeddingDim ${meta.embeddingDim}`,
    );
  }
  if (![...probs, ...emb].every(Number.isFinite)) {
    throw new ModelLoadError('MODEL_NOT_FINITE', `${path}: the model outputs NaN or Infinity on silence; it is broken — retrain it`);
  }
}

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
  /** The band-occlusion model (model/occlusionModel.ts), made on first use: only the "why" needs it. */
  private occlusionSession: Promise<{ session: ort.InferenceSession; model: OcclusionModel } | undefined> | undefined;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly meta: ModelMeta,
    readonly path: string,
    /** The model file as loaded, from which the occlusion model (and a joined verifier) is derived (not re-read: it may have changed on disk). */
    readonly bytes: Uint8Array,
  ) {}

  /**
   * `kind` 'digits' (the default) accepts only the digit classifier; 'verifier' only a verifier
   * member (binary or eleven-class), which must never be mistaken for the digit model, nor the
   * digit model for one; 'any' either (tools that inspect a file they just wrote).
   */
  static async load(
    path: string = bundledModelPath(),
    cfg: FeatureConfig | readonly FeatureConfig[] = FEATURE_CONFIG,
    kind: ModelRole | 'any' = 'digits',
  ): Promise<Classifier> {
    let bytes: Buffer;
    try {
      // A FIFO or device would block or never end; a model is a regular file of a few hundred KB.
      const st = statSync(path);
      if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not a regular file' });
      if (st.size > MAX_MODEL_BYTES) {
        throw Object.assign(new Error('too large'), { code: `${(st.size / 1e6).toFixed(0)} MB, more than any model of this project` });
      }
      bytes = readFileSync(path);
    } catch (err) {
      throw new ModelLoadError(
        'MODEL_NOT_FOUND',
        `${path}: model file cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
        {
          cause: err,
        },
      );
    }
    const meta = readMeta(bytes, path, cfg);
    const role = roleOf(meta);
    if (kind === 'digits' && (role !== 'digits' || meta.labels.length !== DIGIT_LABELS.length)) {
      throw new ModelMismatchError(
        'MODEL_NOT_DIGITS',
        `${path}: a verifier model (${meta.labels.length} outputs${meta.labels.length > DIGIT_LABELS.length ? `: the digits and "${meta.labels.at(-1)}"` : ''}), not a digit classifier; use it with --verifier`,
      );
    }
    if (kind === 'verifier' && role !== 'verifier') {
      throw new ModelMismatchError(
        'MODEL_NOT_VERIFIER',
        `${path}: a digit classifier, not a digit/non-digit verifier member; use it with --model (or train a verifier with "train --role verifier")`,
      );
    }
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
    } catch (err) {
      throw new ModelLoadError('MODEL_INVALID', `${path}: onnxruntime cannot load the model (${(err as Error).message})`, { cause: err });
    }
    for (const name of [PROBS_NAME, EMBEDDING_NAME]) {
      if (!session.outputNames.includes(name)) {
        throw new ModelMismatchError('MODEL_OUTPUTS', `${path}: model lacks the "${name}" output (has ${session.outputNames.join(', ')})`);
      }
    }
    await checkOutputs(session, meta, path);
    return new Classifier(session, meta, path, bytes);
  }

  /** Number of outputs: 10, or 11 for a verifier with an "other" class. */
  get classes(): number {
    return this.meta.labels.length;
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
    const out = await this.session.run({ [INPUT_NAME]: inputTensor(batch, this.frames, this.bands) });
    const probs = out[PROBS_NAME].data as Float32Array;
    const emb = out[EMBEDDING_NAME].data as Float32Array;
    const d = this.meta.embeddingDim;
    const k = this.classes;
    return batch.map((_, i) => ({ probs: probs.slice(i * k, i * k + k), embedding: emb.slice(i * d, i * d + d) }));
  }

  /**
   * Classifications of `features` and of each copy with one band silenced (all frames set to the
   * log-mel of silence, 0): [reference, band 0, …, band bands − 1]. One run of the occlusion model;
   * classifyBatch on the masked copies when the graph has no occlusion model (not the exporter's).
   */
  async classifyOccluded(features: Float32Array): Promise<Classification[]> {
    const bands = this.bands;
    this.occlusionSession ??= this.createOcclusionSession();
    const occl = await this.occlusionSession;
    if (!occl) {
      const batch = [features];
      for (let b = 0; b < bands; b++) {
        const masked = Float32Array.from(features);
        for (let i = b; i < masked.length; i += bands) masked[i] = 0;
        batch.push(masked);
      }
      return this.classifyBatch(batch);
    }
    const size = this.frames * bands;
    if (features.length !== size)
      throw new RangeError(`classify: input has ${features.length} values, expected ${size} (${this.frames} frames × ${bands} bands)`);
    const { tc, cut } = occlusionCrop(occl.model, utteranceFrames(features, bands));
    const out = await occl.session.run({
      [OCCLUSION_INPUTS.features]: new ort.Tensor('float32', features, [1, this.frames, bands]),
      [OCCLUSION_INPUTS.head]: new ort.Tensor('float32', features.slice(0, tc * bands), [1, tc, bands]),
      [OCCLUSION_INPUTS.cut]: new ort.Tensor('int64', BigInt64Array.of(BigInt(cut)), [1]),
    });
    return this.split(out, bands + 1);
  }

  private async createOcclusionSession(): Promise<{ session: ort.InferenceSession; model: OcclusionModel } | undefined> {
    try {
      const model = buildOcclusionModel(this.bytes);
      if (!model || model.frames !== this.frames || model.bands !== this.bands) return undefined;
      const session = await ort.InferenceSession.create(model.bytes, SESSION_OPTIONS);
      return { session, model };
    } catch {
      // A graph the builder misread must not cost the user the "why": the masked copies still work.
      return undefined;
    }
  }

  /** Whether classifyOccluded runs the occlusion model (true for every model the exporter writes). */
  async hasOcclusionModel(): Promise<boolean> {
    this.occlusionSession ??= this.createOcclusionSession();
    return (await this.occlusionSession) !== undefined;
  }

  private split(out: ort.InferenceSession.OnnxValueMapType, n: number): Classification[] {
    const probs = out[PROBS_NAME].data as Float32Array;
    const emb = out[EMBEDDING_NAME].data as Float32Array;
    const d = this.meta.embeddingDim;
    const k = this.classes;
    return Array.from({ length: n }, (_, i) => ({ probs: probs.subarray(i * k, i * k + k), embedding: emb.subarray(i * d, i * d + d) }));
  }

  async dispose(): Promise<void> {
    await this.session.release();
    const occl = await this.occlusionSession?.catch(() => undefined);
    await occl?.session.release();
  }
}
