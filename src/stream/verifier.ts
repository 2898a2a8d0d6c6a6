/**
 * The digit/non-digit verifier: a second small network (models/verifier.onnx, the project's own
 * CNN trained by the project's trainer on src/bench/verifierData.ts) that answers one question
 * the closed-set digit model cannot — is this a digit word at all? Output 1 is "a digit", output 0
 * "anything else" (the other eight outputs are unused and near zero).
 *
 * The engine asks it on each early-exit check (reject.minDigitProbEarly; below it the decoder keeps
 * listening) and on the whole utterance (reject.minDigitProb; below it a word is rejected, or an
 * early digit withdrawn).
 *
 * The shipped file (id bc51c0a2122f8c1a, 178 KB) was made by an earlier version of the generator
 * (espeak-ng only); retrains on today's richer data lost more noisy digits on held-out clips
 * (`npm run bench:reject`), so it stays. It was made with
 *   node dist/bench/verifierData.js /tmp/dd-verifier-data      (4240 digit, 2374 non-digit clips)
 *   node dist/cli.js train --data /tmp/dd-verifier-data --out /tmp/dd-verifier --epochs 8 --seed 1
 * and chosen at epoch 3 on validation: 88.3 % on its held-out clips (which include 240–500 ms
 * prefixes, the hard case). Retrain it whenever the feature config changes; it is independent of
 * the digit model's weights. Measured effect in `npm run bench:stream`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Classifier } from '../model/classifier';
import type { ClassifierLike } from './classifierLike';

export const VERIFIER_FILE = 'verifier.onnx';

/** models/verifier.onnx at the package root, found from wherever the calling bundle sits. */
export function bundledVerifierPath(): string {
  const candidates = [1, 2, 3].map((up) => join(__dirname, ...Array<string>(up).fill('..'), 'models', VERIFIER_FILE));
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

/** Loads the verifier; undefined when the file is absent (the engine then relies on its other rules). */
export async function loadVerifier(path: string = bundledVerifierPath()): Promise<Classifier | undefined> {
  if (!existsSync(path)) return undefined;
  return Classifier.load(path);
}

/** Probability that the input is a digit word. */
export async function digitProbability(verifier: ClassifierLike, features: Float32Array): Promise<number> {
  const { probs } = await verifier.classify(features);
  const z = probs[0] + probs[1];
  return z > 0 ? probs[1] / z : 0;
}
