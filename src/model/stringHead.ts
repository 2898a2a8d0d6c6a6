/**
 * A user's string head (enroll/stringAdapt.ts learns it) applied to the string model's output;
 * here, below the engine, so the stream can use it without knowing how it was learned.
 */
import { LOG_FLOOR, type StringHead } from './types';

/** The adapted per-step probabilities ([steps × classes], as the model gives them). */
export function stringHeadProbs(head: StringHead, probs: Float32Array, classes: number): Float32Array {
  const out = new Float32Array(probs.length);
  const l = new Float64Array(classes);
  const z = new Float64Array(classes);
  for (let t = 0; t < probs.length / classes; t++) {
    for (let j = 0; j < classes; j++) l[j] = Math.max(LOG_FLOOR, Math.log(Math.max(probs[t * classes + j], 1e-30)));
    let max = -Infinity;
    for (let k = 0; k < classes; k++) {
      let acc = head.bias[k];
      for (let j = 0; j < classes; j++) acc += head.weights[k * classes + j] * l[j];
      z[k] = acc;
      if (acc > max) max = acc;
    }
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += z[k] = Math.exp(z[k] - max);
    for (let k = 0; k < classes; k++) out[t * classes + k] = z[k] / sum;
  }
  return out;
}
