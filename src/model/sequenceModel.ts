/**
 * The digit-string model (train/sequenceNet.ts, CTC over ten digits + blank) in onnxruntime. Its
 * metadata says how far it looks back (receptive field) and how many frames make one output step,
 * so the stream knows how large a window of frames reproduces what the model saw in training; the
 * feature config is checked on load, as for the word classifier.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { ModelLoadError, ModelMismatchError } from '../errors';
import { FEATURE_CONFIG, FeatureConfig, featureConfigDiff } from '../features/config';
import { SESSION_OPTIONS } from './classifier';

export const SEQUENCE_INPUT = 'features';
export const SEQUENCE_OUTPUT = 'probs';
/** A key of its own, so the word classifier's loader refuses a string model and vice versa. */
export const SEQUENCE_META_KEY = 'digit_dictation_sequence';
export const SEQUENCE_LABELS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'blank'] as const;

export interface SequenceMeta {
  modelId: string;
  featureConfig: FeatureConfig;
  normalization: { mean: number[]; std: number[] };
  labels: string[];
  /** Index of the CTC blank in `labels`. */
  blank: number;
  /** Input frames per output step. */
  stride: number;
  /** Input frames one output step depends on, up to its own end. */
  receptiveField: number;
  /**
   * Frames past its own end that an output step also depends on (a string head on the word
   * classifier's centred convolutions, train/encoderHead.ts); absent or 0 for a causal model.
   */
  lookahead?: number;
  architecture: string;
  parameters: number;
  training: Record<string, unknown>;
}

/** models/digit-strings.onnx beside the bundle (dist/, dist/bench/, out/test/unit/). */
export function bundledSequenceModelPath(): string {
  const candidates = [1, 2, 3].map((up) => join(__dirname, ...Array<string>(up).fill('..'), 'models', 'digit-strings.onnx'));
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

export function readSequenceMeta(bytes: Uint8Array, source: string, expected: FeatureConfig = FEATURE_CONFIG): SequenceMeta {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new ModelLoadError('MODEL_UNREADABLE', `${source}: not an ONNX model (${(err as Error).message})`, { cause: err });
  }
  const entry = model.metadataProps.find((p) => p.key === SEQUENCE_META_KEY);
  if (!entry?.value)
    throw new ModelMismatchError(
      'MODEL_NOT_SEQUENCE',
      `${source}: not a digit-string model (no ${SEQUENCE_META_KEY} metadata); train one with "npm run train:strings"`,
    );
  let meta: SequenceMeta;
  try {
    meta = JSON.parse(entry.value) as SequenceMeta;
  } catch (err) {
    throw new ModelLoadError('MODEL_BAD_METADATA', `${source}: model metadata is not valid JSON`, { cause: err });
  }
  const diff = featureConfigDiff(meta.featureConfig ?? ({} as FeatureConfig), expected);
  if (diff.length)
    throw new ModelMismatchError(
      'MODEL_FEATURE_MISMATCH',
      `${source}: model was trained on different features than this version computes (${diff.join('; ')}); retrain it`,
    );
  if (meta.normalization?.mean?.length !== expected.melBands || meta.normalization?.std?.length !== expected.melBands)
    throw new ModelMismatchError('MODEL_BAD_NORMALIZATION', `${source}: normalization statistics do not cover ${expected.melBands} bands`);
  if (
    meta.labels?.length !== SEQUENCE_LABELS.length ||
    meta.blank !== SEQUENCE_LABELS.length - 1 ||
    !(meta.stride >= 1) ||
    !(meta.receptiveField >= 1) ||
    !(meta.lookahead === undefined || (Number.isInteger(meta.lookahead) && meta.lookahead >= 0 && meta.lookahead % meta.stride === 0))
  )
    throw new ModelMismatchError(
      'MODEL_BAD_METADATA',
      `${source}: metadata lacks the eleven labels, blank, stride or receptive field, or its look-ahead is not whole steps`,
    );
  return meta;
}

/** The bundled string model, or undefined when the package ships none (the engine then hears one digit per utterance). */
export async function loadBundledSequenceModel(): Promise<SequenceModel | undefined> {
  const path = bundledSequenceModelPath();
  return existsSync(path) ? SequenceModel.load(path) : undefined;
}

export class SequenceModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly meta: SequenceMeta,
    readonly path: string,
  ) {}

  static async load(path: string = bundledSequenceModelPath(), cfg: FeatureConfig = FEATURE_CONFIG): Promise<SequenceModel> {
    let bytes: Buffer;
    try {
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
    const meta = readSequenceMeta(bytes, path, cfg);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
    } catch (err) {
      throw new ModelLoadError('MODEL_INVALID', `${path}: onnxruntime cannot load the model (${(err as Error).message})`, { cause: err });
    }
    return new SequenceModel(session, meta, path);
  }

  get classes(): number {
    return this.meta.labels.length;
  }

  /**
   * Per-step class probabilities of `frames` log-mel frames (frame-major, a multiple of the
   * stride): [frames / stride × classes].
   */
  async probs(features: Float32Array, frames: number): Promise<Float32Array> {
    const bands = this.meta.featureConfig.melBands;
    const out = await this.session.run({
      [SEQUENCE_INPUT]: new ort.Tensor('float32', features.subarray(0, frames * bands), [1, frames, bands]),
    });
    return out[SEQUENCE_OUTPUT].data as Float32Array;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
