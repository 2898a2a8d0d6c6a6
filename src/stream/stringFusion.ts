/**
 * An enrolled user's say in a fluent string's digits. The string model never learns a user's
 * voice; the word classifier does, through the user's head (enroll/adapt.ts) or prototypes. So
 * for an enrolled user each digit the string decoder hears is asked of the classifier in the
 * user's mode too, on the digit's own frames, and the two opinions are joined as a product of
 * experts: log p_string(d) + weight · log p_user(d), over the ten digits.
 */
import type { Spike } from './stringDecoder';

const DIGITS = 10;
/**
 * Probabilities are floored here before the logarithm, so that neither model's near-certainty
 * counts for more than 1000 : 1 and one model's "impossible" cannot veto the other's near-certainty.
 */
const FLOOR = 1e-3;

/**
 * The spike as the joined opinion hears it: the same object when the digit stands, otherwise a
 * copy naming the joined digit, with the joined probabilities (ten digits, then a zero blank).
 */
export function fuseSpike(spike: Spike, userProbs: Float32Array, weight: number): Spike {
  if (!(weight > 0)) return spike;
  const logits = new Float64Array(DIGITS);
  let stringSum = 0;
  for (let d = 0; d < DIGITS; d++) stringSum += spike.probs[d];
  let best = 0;
  for (let d = 0; d < DIGITS; d++) {
    const ps = Math.max(spike.probs[d] / (stringSum || 1), FLOOR);
    const pu = Math.max(userProbs[d], FLOOR);
    logits[d] = Math.log(ps) + weight * Math.log(pu);
    if (logits[d] > logits[best]) best = d;
  }
  if (best === spike.digit) return spike;
  const probs = new Float32Array(spike.probs.length);
  let z = 0;
  for (let d = 0; d < DIGITS; d++) z += Math.exp(logits[d] - logits[best]);
  for (let d = 0; d < DIGITS; d++) probs[d] = Math.exp(logits[d] - logits[best]) / z;
  return { ...spike, digit: best, prob: probs[best], probs };
}
