/**
 * Types shared by everything above the model (explain, enroll, stream, editor, cli), with the two
 * helpers every reader of probabilities needs. Kept here, not in stream/, so lower folders never
 * import from higher ones.
 */
import type { RecognitionMode } from '../shared/constants';
import type { ModelMeta } from './meta';

export type { RecognitionMode } from '../shared/constants';

export interface Classification {
  /** Softmax over the model's labels: the ten digits (an eleven-class verifier adds "other" last). */
  probs: Float32Array;
  /** L2-normalised embedding for the prototype head. */
  embedding: Float32Array;
}

/**
 * What the engine needs of a classifier. `Classifier` satisfies it; the shape (rather than the
 * class, whose constructor is private) lets tests script probabilities for the state machine.
 */
export interface ClassifierLike {
  classify(features: Float32Array): Promise<Classification>;
  classifyBatch(batch: Float32Array[]): Promise<Classification[]>;
  readonly meta: Pick<ModelMeta, 'modelId' | 'embeddingDim' | 'featureConfig'>;
}

/**
 * What the engine asks of the digit/non-digit verifier (stream/verifier.ts `Verifier`): how likely
 * the input is the word for `digit`; without `digit`, the likeliest digit word.
 */
export interface DigitVerifier {
  digitProbability(features: Float32Array, digit?: number): Promise<number>;
}

export interface BandSaliency {
  band: number;
  /** Centre frequency of the band in Hz. */
  hz: number;
  score: number;
}

/**
 * Log-probabilities below this are treated as this by the user heads (enroll/adapt.ts, model/stringHead.ts): the base model's "impossible" (log 1e-30)
 * would otherwise need an unbounded correction, and for a voice the model gets wrong it is wrong.
 */
export const LOG_FLOOR = Math.log(1e-6);
/**
 * A head adapted to one user at enrollment (enroll/adapt.ts): logits = scale · log p_base +
 * weights · embedding + bias, and a per-digit shift of the verifier's log-odds.
 */
export interface UserHead {
  scale: number;
  /** [10 × embeddingDim], row d = digit d. */
  weights: Float32Array;
  bias: Float32Array;
  /** Added to the verifier's log-odds that the word is digit d, in mode 'adapted' (0 = as shipped). */
  verifierShift: Float32Array;
}

/**
 * The string model adapted to one user at enrollment (enroll/stringAdapt.ts): each step's
 * logits = weights · log p + bias, over the string model's classes (ten digits and the blank).
 */
export interface StringHead {
  /** The string model it was learned on; another model's outputs mean something else. */
  modelId: string;
  /** [classes × classes], row k = class k. */
  weights: Float32Array;
  bias: Float32Array;
}

/** The user's prototypes as the mode head reads them (enroll/store.ts `PrototypeStore` is one). */
export interface PrototypeSet {
  /** The model whose embeddings the prototypes are. */
  readonly modelId: string;
  readonly isComplete: boolean;
  enrolled(): number[];
  prototypes(): Array<Float32Array | undefined>;
  /** The head adapted to the same takes, when one was learned. */
  readonly head?: UserHead;
  /** The string head learned from the same takes, when one was (used in mode 'adapted'). */
  readonly stringHead?: StringHead;
}

export interface ModeProbs {
  probs: Float32Array;
  /** The mode in effect (proto and hybrid fall back to base without prototypes). */
  mode: RecognitionMode;
  /** Cosine to each digit's prototype (NaN where not enrolled), when prototypes were used. */
  cosines?: Float32Array;
}

/** Probabilities for a recognition mode (enroll/head.ts `modeProbs`); handed to the engine, which stays free of enroll/. */
export type ModeHead = (
  mode: RecognitionMode,
  baseProbs: Float32Array,
  embedding: Float32Array,
  prototypes: PrototypeSet | undefined,
  hybridWeight: number,
) => ModeProbs;

/** The head of an engine without prototypes: every mode is the base model. */
export const baseModeHead: ModeHead = (_mode, baseProbs) => ({ probs: baseProbs, mode: 'base' });

/** Index of the largest value (the predicted class). */
export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

/** The `n` best [digit, probability] pairs, best first. */
export function topN(probs: ArrayLike<number>, n = 3): Array<[number, number]> {
  return Array.from(probs, (p, d) => [d, p] as [number, number])
    .sort((a, b) => b[1] - a[1])
    .slice(0, n);
}
