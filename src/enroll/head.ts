/**
 * The prototype head: scores an utterance's embedding against the user's per-digit prototypes,
 * and blends those scores with the base model's probabilities (mode hybrid).
 */
import type { ModeProbs, PrototypeSet, RecognitionMode } from '../model/types';
import { headProbs } from './adapt';
import { cosine } from './store';

/**
 * Softmax temperature over cosine similarities. Cosines of different digits' embeddings differ by
 * tenths, so 0.05 turns a 0.15 lead into a ~20:1 odds ratio — comparable to the base model's
 * confidence scale, which the early-exit threshold is tuned on.
 */
export const PROTOTYPE_TEMPERATURE = 0.05;

export interface PrototypeScores {
  probs: Float32Array;
  /** Cosine to each digit's prototype (NaN where not enrolled). */
  cosines: Float32Array;
}

/**
 * Probabilities from the prototypes. The base model's probability mass on the enrolled digits is
 * redistributed among them by similarity; digits without a prototype keep their base
 * probability, so a partly enrolled user still gets every digit.
 */
export function prototypeScores(
  embedding: Float32Array,
  store: PrototypeSet,
  baseProbs: Float32Array,
  temperature = PROTOTYPE_TEMPERATURE,
): PrototypeScores {
  const protos = store.prototypes();
  const cosines = new Float32Array(10).fill(NaN);
  let enrolledMass = 0;
  let max = -Infinity;
  for (let d = 0; d < 10; d++) {
    const p = protos[d];
    if (!p) continue;
    cosines[d] = cosine(embedding, p);
    enrolledMass += baseProbs[d];
    max = Math.max(max, cosines[d]);
  }
  const probs = Float32Array.from(baseProbs);
  if (max === -Infinity) return { probs, cosines };
  // With every digit enrolled the mass is 1 and this is a plain softmax over cosines.
  const mass = store.isComplete ? 1 : enrolledMass;
  let z = 0;
  const e = new Float32Array(10);
  for (let d = 0; d < 10; d++) {
    if (Number.isNaN(cosines[d])) continue;
    e[d] = Math.exp((cosines[d] - max) / temperature);
    z += e[d];
  }
  for (let d = 0; d < 10; d++) if (!Number.isNaN(cosines[d])) probs[d] = (mass * e[d]) / z;
  return { probs, cosines };
}

/**
 * Probabilities for a mode; without prototypes every mode is the base model. Mode 'adapted'
 * needs the head learned at enrollment; prototypes without one (a file from before heads, or
 * changed since) are used in hybrid mode, and the result says so.
 */
export function modeProbs(
  mode: RecognitionMode,
  baseProbs: Float32Array,
  embedding: Float32Array,
  store: PrototypeSet | undefined,
  hybridWeight: number,
): ModeProbs {
  if (mode === 'base' || !store || store.enrolled().length === 0) return { probs: baseProbs, mode: 'base' };
  const proto = prototypeScores(embedding, store, baseProbs);
  if (mode === 'proto') return { probs: proto.probs, mode, cosines: proto.cosines };
  if (mode === 'adapted' && store.head) return { probs: headProbs(store.head, baseProbs, embedding), mode, cosines: proto.cosines };
  const w = hybridWeight;
  const probs = new Float32Array(10);
  for (let d = 0; d < 10; d++) probs[d] = (1 - w) * baseProbs[d] + w * proto.probs[d];
  return { probs, mode: 'hybrid', cosines: proto.cosines };
}
