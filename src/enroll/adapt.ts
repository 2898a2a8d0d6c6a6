/**
 * The adapted head: a per-user correction of the base classifier, learned from the enrollment
 * takes in a second or two. It reads what every model exposes (probabilities and the
 * L2-normalised embedding), so it works on any digit model with that interface:
 *
 *   logits = scale · max(log p_base, LOG_FLOOR) + weights · embedding + bias
 *
 * At scale 1 and zero weights and bias it is the base model; training pulls it back there (L2
 * toward the start) while cross-entropy on augmented copies of the takes pulls it toward the
 * user's voice. The weights start at the prototypes (times PROTO_START), so with little evidence
 * the head behaves like a blend of classifier and prototypes, and with more it learns which
 * directions of the embedding separate this user's digits.
 */
import { trimSilence, utteranceFeatures } from '../features/logmel';
import { LOG_FLOOR, type ClassifierLike, type UserHead } from '../model/types';
import { Adam } from './adam';
import { augmentTake } from './augment';
import { mulberry32 } from '../shared/rng';
import type { Take } from './embed';

/**
 * The verifier's log-odds that `features` are the word `digit` (stream/verifier.ts
 * `verifierLogOdds` makes one from a verifier): how the shift of a user's head is measured.
 */
export type VerifierScore = (features: Float32Array, digit: number) => Promise<number>;

export { LOG_FLOOR };

/** The head as enroll/ names it; its shape lives in model/types.ts so the engine can read the verifier shift. */
export type AdaptedHead = UserHead;

export interface AdaptOptions {
  /** Augmented copies made of all takes together (spread evenly; at least minViewsPerTake each). */
  totalViews: number;
  minViewsPerTake: number;
  /** Share of the copies cut to the word's start (what the early-exit checks see). */
  prefixCrops: number;
  /** The copies' speaking rate varies by up to this fraction either way (enroll/augment.ts). */
  speedSpread: number;
  /** Weights start (and are pulled back) at PROTO_START·prototype. */
  protoStart: number;
  /** L2 strengths toward the start: weights, bias, and scale toward 1. */
  l2Weights: number;
  l2Bias: number;
  l2Scale: number;
  steps: number;
  learningRate: number;
  seed: number;
  /** Verifier shift: this quantile of a digit's takes (and copies) is lifted to `verifierTarget` log-odds … */
  verifierQuantile: number;
  verifierTarget: number;
  /** … by at most this much. */
  verifierMaxShift: number;
}

/** Chosen on the bench's development voices (bench/enroll.ts --dev), never on the reported ones. */
export const DEFAULT_ADAPT_OPTIONS: Readonly<AdaptOptions> = Object.freeze({
  totalViews: 360,
  minViewsPerTake: 12,
  prefixCrops: 0.3,
  speedSpread: 0.08,
  protoStart: 10,
  l2Weights: 1e-4,
  l2Bias: 1e-2,
  l2Scale: 1e-2,
  steps: 150,
  learningRate: 0.05,
  seed: 1,
  verifierQuantile: 0,
  verifierTarget: 3,
  verifierMaxShift: 20,
});

export interface AdaptExample {
  digit: number;
  /** Index of the take it was made from. */
  take: number;
  /** Base log-probabilities, floored at LOG_FLOOR. */
  logProbs: Float32Array;
  embedding: Float32Array;
  /** The verifier's log-odds that this is `digit` (when a verifier was given). */
  verifierLogOdds?: number;
}

/**
 * The takes and augmented copies of them (enroll/augment.ts), through the base model (and the
 * verifier, when given). Each take's first copy is the take itself.
 */
export async function adaptationExamples(
  classifier: ClassifierLike,
  takes: readonly Take[],
  opts: Pick<AdaptOptions, 'totalViews' | 'minViewsPerTake' | 'seed' | 'prefixCrops' | 'speedSpread'> = DEFAULT_ADAPT_OPTIONS,
  verifier?: VerifierScore,
): Promise<AdaptExample[]> {
  const cfg = classifier.meta.featureConfig;
  const rng = mulberry32(opts.seed);
  const views = Math.max(opts.minViewsPerTake, Math.ceil(opts.totalViews / Math.max(1, takes.length)));
  const inputs: Array<{ digit: number; take: number; features: Float32Array }> = [];
  takes.forEach((t, take) => {
    const word = trimSilence(t.samples, cfg);
    inputs.push({ digit: t.digit, take, features: utteranceFeatures(word, cfg) });
    for (let v = 1; v < views; v++)
      inputs.push({ digit: t.digit, take, features: augmentTake(word, rng, cfg, opts.prefixCrops, opts.speedSpread) });
  });
  const out: AdaptExample[] = [];
  const BATCH = 64;
  for (let i = 0; i < inputs.length; i += BATCH) {
    const part = inputs.slice(i, i + BATCH);
    const cs = await classifier.classifyBatch(part.map((p) => p.features));
    cs.forEach((c, j) =>
      out.push({ digit: part[j].digit, take: part[j].take, logProbs: floorLog(c.probs), embedding: Float32Array.from(c.embedding) }),
    );
  }
  if (verifier) {
    for (let i = 0; i < inputs.length; i++) out[i].verifierLogOdds = await verifier(inputs[i].features, inputs[i].digit);
  }
  return out;
}

/** Per digit: how far the verifier's log-odds must rise for this user's takes (see AdaptedHead). */
export function verifierShift(examples: readonly AdaptExample[], opts: AdaptOptions = DEFAULT_ADAPT_OPTIONS): Float32Array {
  const shift = new Float32Array(10);
  for (let d = 0; d < 10; d++) {
    const lo = examples.filter((e) => e.digit === d && e.verifierLogOdds !== undefined).map((e) => e.verifierLogOdds!);
    if (lo.length === 0) continue;
    lo.sort((a, b) => a - b);
    const q = lo[Math.min(lo.length - 1, Math.floor(opts.verifierQuantile * lo.length))];
    shift[d] = Math.max(0, Math.min(opts.verifierMaxShift, opts.verifierTarget - q));
  }
  return shift;
}

function floorLog(p: ArrayLike<number>): Float32Array {
  return Float32Array.from({ length: p.length }, (_, i) => Math.max(LOG_FLOOR, Math.log(Math.max(p[i], 1e-30))));
}

/**
 * Full-batch Adam on mean cross-entropy plus L2 toward the start. Rows of digits without takes
 * stay at their start, so a partial enrollment does not learn to avoid the missing digits.
 */
export function trainHead(
  examples: readonly AdaptExample[],
  prototypes: ReadonlyArray<Float32Array | undefined>,
  dim: number,
  opts: AdaptOptions = DEFAULT_ADAPT_OPTIONS,
): AdaptedHead {
  const K = 10;
  const start = new Float32Array(K * dim);
  prototypes.forEach((p, d) => {
    if (p) for (let j = 0; j < dim; j++) start[d * dim + j] = opts.protoStart * p[j];
  });
  const W = Float32Array.from(start);
  const b = new Float32Array(K);
  let s = 1;
  const trainable = Array.from({ length: K }, (_, d) => examples.some((e) => e.digit === d));
  const n = examples.length;
  if (n === 0) return { scale: s, weights: W, bias: b, verifierShift: new Float32Array(10) };
  // Parameters [W, b, s].
  const P = K * dim + K + 1;
  const adam = new Adam(P, opts.learningRate);
  const g = new Float64Array(P);
  const z = new Float64Array(K);
  for (let step = 1; step <= opts.steps; step++) {
    g.fill(0);
    for (const ex of examples) {
      let max = -Infinity;
      for (let k = 0; k < K; k++) {
        let acc = s * ex.logProbs[k] + b[k];
        const row = k * dim;
        for (let j = 0; j < dim; j++) acc += W[row + j] * ex.embedding[j];
        z[k] = acc;
        if (acc > max) max = acc;
      }
      let sum = 0;
      for (let k = 0; k < K; k++) sum += z[k] = Math.exp(z[k] - max);
      for (let k = 0; k < K; k++) {
        const gk = (z[k] / sum - (k === ex.digit ? 1 : 0)) / n;
        const row = k * dim;
        for (let j = 0; j < dim; j++) g[row + j] += gk * ex.embedding[j];
        g[K * dim + k] += gk;
        g[P - 1] += gk * ex.logProbs[k];
      }
    }
    for (let k = 0; k < K; k++) {
      const row = k * dim;
      for (let j = 0; j < dim; j++) g[row + j] = trainable[k] ? g[row + j] + 2 * opts.l2Weights * (W[row + j] - start[row + j]) : 0;
      g[K * dim + k] = trainable[k] ? g[K * dim + k] + 2 * opts.l2Bias * b[k] : 0;
    }
    g[P - 1] += 2 * opts.l2Scale * (s - 1);
    const delta = adam.step(g);
    for (let i = 0; i < P; i++) {
      if (i < K * dim) W[i] -= delta[i];
      else if (i < P - 1) b[i - K * dim] -= delta[i];
      else s -= delta[i];
    }
  }
  return { scale: s, weights: W, bias: b, verifierShift: verifierShift(examples, opts) };
}

/** The adapted probabilities of one utterance. */
export function headProbs(head: AdaptedHead, baseProbs: ArrayLike<number>, embedding: ArrayLike<number>): Float32Array {
  const K = baseProbs.length;
  const dim = embedding.length;
  const z = new Float64Array(K);
  let max = -Infinity;
  for (let k = 0; k < K; k++) {
    let acc = head.scale * Math.max(LOG_FLOOR, Math.log(Math.max(baseProbs[k], 1e-30))) + head.bias[k];
    const row = k * dim;
    for (let j = 0; j < dim; j++) acc += head.weights[row + j] * embedding[j];
    z[k] = acc;
    if (acc > max) max = acc;
  }
  let sum = 0;
  for (let k = 0; k < K; k++) sum += z[k] = Math.exp(z[k] - max);
  return Float32Array.from(z, (x) => x / sum);
}

export interface Adaptation {
  head: AdaptedHead;
  examples: number;
  /** Wall time of the whole adaptation (augmentation, features, model runs, training). */
  seconds: number;
}

/** Learns a user's head from their takes (see the file comment); with a verifier, its shift too. */
export async function adapt(
  classifier: ClassifierLike,
  takes: readonly Take[],
  prototypes: ReadonlyArray<Float32Array | undefined>,
  opts: AdaptOptions = DEFAULT_ADAPT_OPTIONS,
  verifier?: VerifierScore,
): Promise<Adaptation> {
  const t0 = performance.now();
  const examples = await adaptationExamples(classifier, takes, opts, verifier);
  const head = trainHead(examples, prototypes, classifier.meta.embeddingDim, opts);
  return { head, examples: examples.length, seconds: (performance.now() - t0) / 1000 };
}
