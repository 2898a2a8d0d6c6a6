/**
 * Connectionist temporal classification (Graves et al. 2006): the loss of a label sequence under
 * per-frame class scores, summed over every alignment, by the forward–backward recursions in log
 * space (products of hundreds of probabilities underflow float64 otherwise). tfjs has no CTC op,
 * so the loss and its gradient are computed here on the CPU and handed to tfjs as a custom
 * gradient (ctcLossTensor).
 */
import * as tf from '@tensorflow/tfjs-core';

const NEG_INF = -Infinity;

function logAdd(a: number, b: number): number {
  if (a === NEG_INF) return b;
  if (b === NEG_INF) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

export interface CtcResult {
  /** −log P(labels | scores); Infinity when no alignment fits in the frames. */
  loss: number;
  /** d loss / d logits, [frames × classes] (zero when the loss is infinite). */
  grad: Float64Array;
}

/**
 * CTC loss of `labels` under `logits` ([frames × classes], row-major, unnormalised: a softmax
 * over each frame's classes is taken here) with `blank` as the blank class.
 */
export function ctcLoss(logits: ArrayLike<number>, frames: number, classes: number, labels: readonly number[], blank: number): CtcResult {
  const T = frames;
  const C = classes;
  // Log-softmax of each frame.
  const lp = new Float64Array(T * C);
  for (let t = 0; t < T; t++) {
    let m = NEG_INF;
    for (let k = 0; k < C; k++) m = Math.max(m, logits[t * C + k]);
    let s = 0;
    for (let k = 0; k < C; k++) s += Math.exp(logits[t * C + k] - m);
    const z = m + Math.log(s);
    for (let k = 0; k < C; k++) lp[t * C + k] = logits[t * C + k] - z;
  }
  // The extended sequence: blank, l1, blank, l2, …, blank.
  const S = 2 * labels.length + 1;
  const ext = Array.from({ length: S }, (_, s) => (s % 2 === 0 ? blank : labels[(s - 1) / 2]));
  // A skip over a blank is allowed between two different labels only.
  const canSkip = ext.map((l, s) => s >= 2 && l !== blank && l !== ext[s - 2]);
  const alpha = new Float64Array(T * S).fill(NEG_INF);
  const beta = new Float64Array(T * S).fill(NEG_INF);
  alpha[0] = lp[ext[0]];
  if (S > 1) alpha[1] = lp[ext[1]];
  for (let t = 1; t < T; t++) {
    for (let s = 0; s < S; s++) {
      let a = alpha[(t - 1) * S + s];
      if (s >= 1) a = logAdd(a, alpha[(t - 1) * S + s - 1]);
      if (canSkip[s]) a = logAdd(a, alpha[(t - 1) * S + s - 2]);
      alpha[t * S + s] = a === NEG_INF ? NEG_INF : a + lp[t * C + ext[s]];
    }
  }
  // beta[t][s]: log-probability of the rest (frames after t) given state s at frame t.
  beta[(T - 1) * S + S - 1] = 0;
  if (S > 1) beta[(T - 1) * S + S - 2] = 0;
  for (let t = T - 2; t >= 0; t--) {
    for (let s = 0; s < S; s++) {
      const next = (q: number) => beta[(t + 1) * S + q] + lp[(t + 1) * C + ext[q]];
      let b = next(s);
      if (s + 1 < S) b = logAdd(b, next(s + 1));
      if (s + 2 < S && canSkip[s + 2]) b = logAdd(b, next(s + 2));
      beta[t * S + s] = b;
    }
  }
  let logP = alpha[(T - 1) * S + S - 1];
  if (S > 1) logP = logAdd(logP, alpha[(T - 1) * S + S - 2]);
  const grad = new Float64Array(T * C);
  if (logP === NEG_INF) return { loss: Infinity, grad };
  // d(−log P)/d logit[t][k] = softmax[t][k] − Σ_{s: ext[s] = k} α_t(s) β_t(s) / P.
  const occ = new Float64Array(C);
  for (let t = 0; t < T; t++) {
    occ.fill(NEG_INF);
    for (let s = 0; s < S; s++) occ[ext[s]] = logAdd(occ[ext[s]], alpha[t * S + s] + beta[t * S + s]);
    for (let k = 0; k < C; k++) grad[t * C + k] = Math.exp(lp[t * C + k]) - Math.exp(occ[k] - logP);
  }
  return { loss: -logP, grad };
}

/**
 * Mean CTC loss of a batch as a tfjs scalar whose gradient flows into `logits` [batch, frames,
 * classes]. Examples whose labels cannot fit their frames add nothing (loss and gradient 0) and
 * are counted in `skipped`.
 */
export function ctcLossTensor(
  logits: tf.Tensor3D,
  labels: readonly (readonly number[])[],
  blank: number,
  stats?: { skipped: number },
): tf.Scalar {
  const f = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const [B, T, C] = x.shape as [number, number, number];
    const data = x.dataSync();
    const grad = new Float32Array(B * T * C);
    let total = 0;
    for (let b = 0; b < B; b++) {
      const r = ctcLoss(data.subarray(b * T * C, (b + 1) * T * C), T, C, labels[b], blank);
      if (!Number.isFinite(r.loss)) {
        if (stats) stats.skipped++;
        continue;
      }
      total += r.loss;
      for (let i = 0; i < T * C; i++) grad[b * T * C + i] = r.grad[i] / B;
    }
    const g = tf.tensor(grad, [B, T, C]);
    save([g]);
    return {
      value: tf.scalar(total / B),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(logits) as tf.Scalar;
}

/** Greedy CTC decoding: the best class of each frame, repeats merged, blanks dropped. */
export function greedyDecode(probs: ArrayLike<number>, frames: number, classes: number, blank: number): number[] {
  const out: number[] = [];
  let prev = blank;
  for (let t = 0; t < frames; t++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probs[t * classes + k] > probs[t * classes + best]) best = k;
    if (best !== blank && best !== prev) out.push(best);
    prev = best;
  }
  return out;
}
