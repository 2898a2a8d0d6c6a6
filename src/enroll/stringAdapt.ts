/**
 * The string model adapted to one user: a correction of its per-step output learned from the
 * enrollment takes, spliced into strings, with the CTC loss.
 *
 *   logits_t = weights · max(log p_t, LOG_FLOOR) + bias      (11 × 11 and 11: ten digits, blank)
 *
 * At identity weights and zero bias it is the shipped model. For a voice the string model does not
 * know, its errors are deletions (bench:enroll: the digit's class never beats the blank), which no
 * second opinion on the digits it does hear can fix (stringFusion.ts); this head can, by learning
 * how much of the blank is really this voice's digit. It reads only the model's output, so it works
 * on any string model, and its 132 values train in well under a second. The L2 pull toward the
 * identity keeps it from learning more than the takes show.
 */
import { logMelFrames, trimSilence } from '../features/logmel';
import type { SequenceMeta } from '../model/sequenceModel';
import { LOG_FLOOR, type StringHead } from '../model/types';
import { mulberry32, Rng } from '../shared/rng';
import { ctcLoss, greedyDecode } from '../model/ctcLoss';
import { alignDigits } from '../shared/stringScore';
import { spliceDigits } from '../audio/splice';
import { Adam } from './adam';
import type { Take } from './embed';

/** What adaptation needs of the string model (model/sequenceModel.ts `SequenceModel`). */
export interface StringModelLike {
  readonly meta: Pick<SequenceMeta, 'modelId' | 'stride' | 'blank' | 'labels' | 'featureConfig'>;
  probs(features: Float32Array, frames: number): Promise<Float32Array>;
}

export interface StringAdaptOptions {
  /** Strings spliced from the takes. */
  strings: number;
  /**
   * Phrases of 1–3 time-reversed takes, which must type nothing: the user's own voice saying no
   * digit (the enrollment has no other), so the head cannot simply lift every digit over the blank.
   */
  negatives: number;
  digits: [number, number];
  /** Gaps between the spliced takes, ms (negative: cross-faded overlap, as in fluent speech). */
  gapMs: [number, number];
  speed: [number, number];
  gainDb: [number, number];
  steps: number;
  learningRate: number;
  /** L2 strengths toward the identity (weights) and zero (bias). */
  l2Weights: number;
  l2Bias: number;
  /** Train only each class's own weight (and the bias): no class learns from another's probability. */
  diagonal: number;
  seed: number;
}

/** Chosen on the bench's development voices (bench/enroll.ts --dev), never on the reported ones. */
export const DEFAULT_STRING_ADAPT_OPTIONS: Readonly<StringAdaptOptions> = Object.freeze({
  strings: 60,
  // Rule 28 (bench:enroll --dev): diagonal weights are what keep isolated words (a full head typed
  // Lee's "three" as 3 8: 98.1 % isolated against 99.0 % without a head, 8 more false digits);
  // single takes among the strings and 5 reversed phrases cost nothing measurable.
  negatives: 5,
  digits: [1, 5] as [number, number],
  gapMs: [-40, 80] as [number, number],
  speed: [0.9, 1.12] as [number, number],
  gainDb: [-4, 4] as [number, number],
  steps: 80,
  learningRate: 0.05,
  l2Weights: 1e-2,
  l2Bias: 1e-2,
  diagonal: 1,
  seed: 1,
});

export interface StringAdaptation {
  head: StringHead;
  /** Digit errors (S + D + I) of the greedy decode on the spliced strings, before and after, over `digits`. */
  errorsBefore: number;
  errorsAfter: number;
  digits: number;
  seconds: number;
}

interface Example {
  /** Floored log-probabilities, [steps × classes]. */
  logProbs: Float64Array;
  steps: number;
  labels: number[];
}

function draw(rng: Rng, [a, b]: [number, number]): number {
  return a + Math.floor(rng() * (b - a + 1));
}

/** Learns the user's string head from their takes (see the file comment). */
export async function adaptStrings(
  model: StringModelLike,
  takes: readonly Take[],
  opts: StringAdaptOptions = DEFAULT_STRING_ADAPT_OPTIONS,
): Promise<StringAdaptation> {
  const t0 = performance.now();
  const cfg = model.meta.featureConfig;
  const C = model.meta.labels.length;
  const stride = model.meta.stride;
  const rng = mulberry32(opts.seed);
  const words = takes.map((t) => ({ digit: t.digit, samples: trimSilence(t.samples, cfg) })).filter((w) => w.samples.length > 0);
  const examples: Example[] = [];
  for (let i = 0; i < opts.strings + opts.negatives && words.length > 0; i++) {
    const negative = i >= opts.strings;
    const chosen = Array.from({ length: draw(rng, negative ? [1, 3] : opts.digits) }, () => words[Math.floor(rng() * words.length)]);
    const audio = spliceDigits(
      negative ? chosen.map((w) => ({ ...w, samples: w.samples.slice().reverse() })) : chosen,
      rng,
      { gapMs: opts.gapMs, speed: opts.speed, gainDb: opts.gainDb, edgeMs: [150, 400] },
      cfg.sampleRate,
    );
    const { data, frames } = logMelFrames(audio.samples, cfg);
    const usable = frames - (frames % stride);
    if (usable < stride) continue;
    const p = await model.probs(data, usable);
    const steps = p.length / C;
    const lp = new Float64Array(p.length);
    for (let k = 0; k < p.length; k++) lp[k] = Math.max(LOG_FLOOR, Math.log(Math.max(p[k], 1e-30)));
    examples.push({ logProbs: lp, steps, labels: negative ? [] : audio.digits });
  }
  const W = new Float64Array(C * C);
  for (let k = 0; k < C; k++) W[k * C + k] = 1;
  const b = new Float64Array(C);
  const errors = () => examples.reduce((a, e) => a + digitErrors(e, W, b, C, model.meta.blank), 0);
  const errorsBefore = errors();
  train(examples, W, b, C, model.meta.blank, opts);
  return {
    head: { modelId: model.meta.modelId, weights: Float32Array.from(W), bias: Float32Array.from(b) },
    errorsBefore,
    errorsAfter: errors(),
    digits: examples.reduce((a, e) => a + e.labels.length, 0),
    seconds: (performance.now() - t0) / 1000,
  };
}

function logits(e: Example, W: Float64Array, b: Float64Array, C: number): Float64Array {
  const z = new Float64Array(e.steps * C);
  for (let t = 0; t < e.steps; t++)
    for (let k = 0; k < C; k++) {
      let acc = b[k];
      for (let j = 0; j < C; j++) acc += W[k * C + j] * e.logProbs[t * C + j];
      z[t * C + k] = acc;
    }
  return z;
}

/** Digit errors (S + D + I) of the greedy decode against the labels. */
function digitErrors(e: Example, W: Float64Array, b: Float64Array, C: number, blank: number): number {
  const a = alignDigits(e.labels, greedyDecode(logits(e, W, b, C), e.steps, C, blank));
  return a.sub + a.del + a.ins;
}

/** Full-batch Adam on the mean CTC loss plus the L2 pull toward the identity. */
function train(examples: Example[], W: Float64Array, b: Float64Array, C: number, blank: number, opts: StringAdaptOptions): void {
  const n = examples.length;
  if (n === 0) return;
  const P = C * C + C;
  const adam = new Adam(P, opts.learningRate);
  const g = new Float64Array(P);
  for (let step = 1; step <= opts.steps; step++) {
    g.fill(0);
    for (const e of examples) {
      const r = ctcLoss(logits(e, W, b, C), e.steps, C, e.labels, blank);
      if (!Number.isFinite(r.loss)) continue;
      for (let t = 0; t < e.steps; t++)
        for (let k = 0; k < C; k++) {
          const gz = r.grad[t * C + k] / n;
          if (gz === 0) continue;
          for (let j = 0; j < C; j++) g[k * C + j] += gz * e.logProbs[t * C + j];
          g[C * C + k] += gz;
        }
    }
    for (let k = 0; k < C; k++) {
      for (let j = 0; j < C; j++)
        g[k * C + j] = opts.diagonal && j !== k ? 0 : g[k * C + j] + 2 * opts.l2Weights * (W[k * C + j] - (k === j ? 1 : 0));
      g[C * C + k] += 2 * opts.l2Bias * b[k];
    }
    const delta = adam.step(g);
    for (let i = 0; i < P; i++) {
      if (i < C * C) W[i] -= delta[i];
      else b[i - C * C] -= delta[i];
    }
  }
}

/** "string model: 12 → 3 digit errors on 160 digits of strings spliced from the takes", for logs. */
export function stringAdaptationSummary(a: StringAdaptation): string {
  return `string model: ${a.errorsBefore} → ${a.errorsAfter} digit errors on ${a.digits} digits of strings spliced from the takes (${a.seconds.toFixed(1)} s)`;
}

/**
 * Why the enrollment's string head is not used with string model `modelId` (undefined: it is, or
 * there is none): a head learned on another string model's outputs means nothing for this one.
 */
export function staleStringHead(head: StringHead | undefined, modelId: string | undefined): string | undefined {
  if (!head || !modelId || head.modelId === modelId) return undefined;
  return `the enrollment adapted string model ${head.modelId.slice(0, 64)}, not the current ${modelId}; fluent strings use the shipped string model until you enroll again`;
}
