import { onnx } from 'onnx-proto';
import { FEATURE_CONFIG, FeatureConfig, featureConfigDiff } from '../features/config';
import { ModelLoadError, ModelMismatchError } from '../errors';
import { DIGIT_WORDS } from '../shared/constants';

/** What travels inside the ONNX file (metadata_props) so a model can never meet the wrong features. */
export interface ModelMeta {
  /** sha256 of the weights, shortened: prototypes are tied to it. */
  modelId: string;
  featureConfig: FeatureConfig;
  /** Per-band log-mel statistics of the training set; the graph itself subtracts and divides. */
  normalization: { mean: number[]; std: number[] };
  labels: string[];
  embeddingDim: number;
  architecture: string;
  parameters: number;
  training: Record<string, unknown>;
  /** 'digits' (the classifier) or 'verifier' (a digit/non-digit member); absent in files from before roles. */
  role?: ModelRole;
}

export const META_KEY = 'digit_dictation';

/** The digit model's labels, in output order. */
export const DIGIT_LABELS = DIGIT_WORDS;
/**
 * Index (and file label) of "anything but a digit": the last output of an eleven-class verifier,
 * trained on data that names such clips 10 (tools/verifierData.ts --digit-labels).
 */
export const OTHER_LABEL = DIGIT_LABELS.length;

export function encodeMeta(meta: ModelMeta): onnx.IStringStringEntryProto[] {
  return [{ key: META_KEY, value: JSON.stringify(meta) }];
}

/** What a model file is for; a file is loaded only where its role belongs. */
export type ModelRole = 'digits' | 'verifier';
export const MODEL_ROLES: readonly ModelRole[] = ['digits', 'verifier'];

/** The role a file declares; files from before roles were recorded are digit models unless eleven-class. */
export function roleOf(meta: Pick<ModelMeta, 'role' | 'labels'>): ModelRole {
  return meta.role ?? (meta.labels.length > DIGIT_LABELS.length ? 'verifier' : 'digits');
}

/** Reads and checks the metadata of an ONNX model's bytes against the code's feature config and the graph itself. */
export function readMeta(
  bytes: Uint8Array,
  source: string,
  expected: FeatureConfig | readonly FeatureConfig[] = FEATURE_CONFIG,
): ModelMeta {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new ModelLoadError('MODEL_UNREADABLE', `${source}: not an ONNX model (${(err as Error).message})`, { cause: err });
  }
  const entry = model.metadataProps.find((p) => p.key === META_KEY);
  if (!entry?.value) {
    throw new ModelMismatchError(
      'MODEL_NO_METADATA',
      `${source}: ONNX model carries no Digit Dictation metadata (feature config and normalization); retrain it with "digit-dictation train"`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(entry.value);
  } catch (err) {
    throw new ModelLoadError('MODEL_BAD_METADATA', `${source}: model metadata is not valid JSON`, { cause: err });
  }
  const meta = checkMeta(parsed, source, expected);
  checkGraph(model, meta, source);
  return meta;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every field of the metadata, by type and range; MODEL_BAD_METADATA names the first one wrong. */
export function checkMeta(parsed: unknown, source: string, accepted: FeatureConfig | readonly FeatureConfig[] = FEATURE_CONFIG): ModelMeta {
  const bad = (field: string, why: string) =>
    new ModelMismatchError(
      'MODEL_BAD_METADATA',
      `${source}: metadata field ${field} ${why}; retrain the model with "digit-dictation train"`,
    );
  if (!isObject(parsed)) throw bad('(root)', `is ${parsed === null ? 'null' : typeof parsed}, not an object`);
  const m = parsed;
  if (!isObject(m.featureConfig)) throw bad('featureConfig', 'is missing or not an object');
  // A caller that computes one config passes it; the engine, which computes any known one, passes them all.
  const configs = Array.isArray(accepted) ? (accepted as readonly FeatureConfig[]) : [accepted as FeatureConfig];
  const declared = m.featureConfig as unknown as FeatureConfig;
  const expected = configs.find((c) => c.sampleRate === declared.sampleRate) ?? configs[0];
  const diff = featureConfigDiff(declared, expected);
  if (diff.length) {
    throw new ModelMismatchError(
      'MODEL_FEATURE_MISMATCH',
      `${source}: model was trained on different features than this version computes (${diff.join('; ').slice(0, 300)}); retrain the model or use a matching version`,
    );
  }
  const bands = expected.melBands;
  const norm = m.normalization;
  const finiteList = (v: unknown, positive: boolean) =>
    Array.isArray(v) && v.length === bands && v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0));
  if (!isObject(norm) || !finiteList(norm.mean, false) || !finiteList(norm.std, true)) {
    throw new ModelMismatchError(
      'MODEL_BAD_NORMALIZATION',
      `${source}: normalization statistics are not ${bands} finite means and ${bands} positive standard deviations`,
    );
  }
  const labels = m.labels;
  if (
    !Array.isArray(labels) ||
    (labels.length !== DIGIT_LABELS.length && labels.length !== OTHER_LABEL + 1) ||
    !labels.every((l) => typeof l === 'string' && l.length > 0 && l.length <= 64)
  ) {
    throw bad('labels', 'must name the ten digits, optionally followed by "other" (10 or 11 short strings)');
  }
  if (!(typeof m.embeddingDim === 'number' && Number.isInteger(m.embeddingDim) && m.embeddingDim > 0 && m.embeddingDim <= 4096)) {
    throw bad('embeddingDim', 'must be an integer from 1 to 4096');
  }
  if (!(typeof m.modelId === 'string' && /^[0-9a-f]{8,64}$/.test(m.modelId))) throw bad('modelId', 'must be a hexadecimal id');
  if (typeof m.architecture !== 'string') throw bad('architecture', 'must be a string');
  if (!(typeof m.parameters === 'number' && Number.isInteger(m.parameters) && m.parameters >= 0)) {
    throw bad('parameters', 'must be a whole number');
  }
  if (!isObject(m.training)) throw bad('training', 'must be an object');
  if (m.role !== undefined && !MODEL_ROLES.includes(m.role as ModelRole)) throw bad('role', `must be one of ${MODEL_ROLES.join(', ')}`);
  if (m.role === 'digits' && labels.length !== DIGIT_LABELS.length) throw bad('role', 'is "digits" but the model has an "other" output');
  return m as unknown as ModelMeta;
}

/** A graph output's size along its last axis, when the file states it. */
function outputWidth(model: onnx.ModelProto, name: string): number | undefined {
  const out = model.graph?.output?.find((o) => o.name === name);
  const dims = out?.type?.tensorType?.shape?.dim;
  // onnx-proto types int64 fields as `number | Long` without shipping Long's type.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
  const last = dims?.[dims.length - 1]?.dimValue;
  if (last === undefined || last === null) return undefined;
  const n = Number(last);
  return n > 0 ? n : undefined;
}

const FLOAT = 1;
const FLOAT16 = 10;
const DOUBLE = 11;

/** Outputs agree with the metadata (probs = labels, embedding = embeddingDim) and every weight is finite. */
function checkGraph(model: onnx.ModelProto, meta: ModelMeta, source: string): void {
  const probs = outputWidth(model, 'probs');
  if (probs !== undefined && probs !== meta.labels.length) {
    throw new ModelMismatchError(
      'MODEL_SHAPE_MISMATCH',
      `${source}: the graph gives ${probs} probabilities but the metadata names ${meta.labels.length} labels`,
    );
  }
  const emb = outputWidth(model, 'embedding');
  if (emb !== undefined && emb !== meta.embeddingDim) {
    throw new ModelMismatchError(
      'MODEL_SHAPE_MISMATCH',
      `${source}: the graph's embedding has ${emb} values but the metadata says embeddingDim ${meta.embeddingDim}`,
    );
  }
  for (const t of model.graph?.initializer ?? []) {
    if (!finiteTensor(t)) {
      throw new ModelLoadError(
        'MODEL_NOT_FINITE',
        `${source}: weight "${String(t.name).slice(0, 80)}" holds NaN or Infinity; the model is broken — retrain it`,
      );
    }
  }
}

function finiteTensor(t: onnx.ITensorProto): boolean {
  const raw = t.rawData && t.rawData.length ? Buffer.from(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength) : undefined;
  if (t.dataType === FLOAT) {
    if (raw) {
      for (let i = 0; i + 4 <= raw.length; i += 4) if (!Number.isFinite(raw.readFloatLE(i))) return false;
      return true;
    }
    return (t.floatData ?? []).every(Number.isFinite);
  }
  if (t.dataType === DOUBLE) {
    if (raw) {
      for (let i = 0; i + 8 <= raw.length; i += 8) if (!Number.isFinite(raw.readDoubleLE(i))) return false;
      return true;
    }
    return (t.doubleData ?? []).every(Number.isFinite);
  }
  if (t.dataType === FLOAT16) {
    // Exponent bits all set: Infinity or NaN in half precision.
    if (raw) {
      for (let i = 0; i + 2 <= raw.length; i += 2) if ((raw.readUInt16LE(i) & 0x7c00) === 0x7c00) return false;
      return true;
    }
    return (t.int32Data ?? []).every((v) => (v & 0x7c00) !== 0x7c00);
  }
  return true;
}
