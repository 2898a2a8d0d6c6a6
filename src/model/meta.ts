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

/** Reads and checks the metadata of an ONNX model's bytes against the code's feature config. */
export function readMeta(bytes: Uint8Array, source: string, expected: FeatureConfig = FEATURE_CONFIG): ModelMeta {
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
  let meta: ModelMeta;
  try {
    meta = JSON.parse(entry.value) as ModelMeta;
  } catch (err) {
    throw new ModelLoadError('MODEL_BAD_METADATA', `${source}: model metadata is not valid JSON`, { cause: err });
  }
  const diff = featureConfigDiff(meta.featureConfig ?? ({} as FeatureConfig), expected);
  if (diff.length) {
    throw new ModelMismatchError(
      'MODEL_FEATURE_MISMATCH',
      `${source}: model was trained on different features than this version computes (${diff.join('; ')}); retrain the model or use a matching version`,
    );
  }
  const bands = expected.melBands;
  if (meta.normalization?.mean?.length !== bands || meta.normalization?.std?.length !== bands) {
    throw new ModelMismatchError('MODEL_BAD_NORMALIZATION', `${source}: normalization statistics do not cover ${bands} bands`);
  }
  // Ten digits, or ten and "other" (an eleven-class verifier).
  if (
    !Array.isArray(meta.labels) ||
    (meta.labels.length !== DIGIT_LABELS.length && meta.labels.length !== OTHER_LABEL + 1) ||
    !(meta.embeddingDim > 0) ||
    !meta.modelId
  ) {
    throw new ModelMismatchError('MODEL_BAD_METADATA', `${source}: metadata lacks labels, embedding size or model id`);
  }
  return meta;
}
