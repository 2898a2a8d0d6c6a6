/**
 * Connectionist temporal classification (Graves et al. 2006): the loss of a label sequence under
 * per-frame class scores, summed over every alignment, by the forward–backward recursions in log
 * space (products of hundreds of probabilities underflow float64 otherwise). tfjs has no CTC op,
 * so the loss and its gradient are computed here on the CPU, free of tfjs: training hands them to
 * tfjs as a custom gradient (train/ctc.ts ctcLossTensor), enrollment uses them as they are
 * (enroll/stringAdapt.ts).
 */

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
