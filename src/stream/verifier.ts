/**
 * The digit/non-digit verifier: small networks (the project's own CNN, trained by the project's
 * trainer on tools/verifierData.ts) that answer the one question the closed-set digit model
 * cannot — is this a digit word at all? Binary members: output 1 is "a digit", output 0 "anything
 * else" (the other eight outputs are unused and near zero). Eleven-class members: the ten digits
 * and "other", so they can be asked about the one digit the classifier decided.
 *
 * The shipped verifier is a product of four experts: the members' log-odds of "this digit, not
 * anything else" are summed, so a word passes only if no member is sure it is not that digit.
 * Each member alone traded digits for rejections, and where one errs on a true digit the others
 * rarely do. The members run as one joined ONNX graph (verifierGraph.ts). On the held-out clips
 * (takes 0 and 5) of `verifierData.js DATA --digit-labels` (`npm run bench:reject -- DATA`, never
 * on bench:stream material), at reject.minDigitProbEarly 0.03 / reject.minDigitProb 0.02 (low
 * because a product of experts is far more decided than one network; the early default is now
 * 0.5, options.ts):
 *   the first three (binary) members: digits kept 564/564 clean, 557/564 at 20 dB;
 *     non-digits typed 13.0 (clean) and 30.5 (20 dB) per 10 min, 26.0 withdrawn
 *   all four:                         562/564 and 554/564; 7.0 and 17.1 per 10 min, 14.8 withdrawn
 *   (the eleven-class member with only the two newer binary ones lost 8 and 9 more digits)
 * Not shipped, by the same held-out rule (no fewer digits kept), at 0.5 / 0.02: a fifth member, a
 * second eleven-class network (seed 2, 10 epochs): 5.6 and 12.7 per 10 min, but 557/564 and
 * 552/564 digits against 562 and 554; it in place of verifier-digits.onnx: 563 and 556 digits,
 * 7.5 and 16.7 per 10 min, noisy digits decided 10 ms later — no clear gain.
 *
 * Members (models/, 92 KB each; each checks the feature config on load). Each was trained as
 * below and then stored in half precision (train/float16.ts), which moved no decision on either
 * benchmark and no member's log-odds by more than 0.05 on the FSDD test split:
 *     node dist/tools/float16Weights.js DIR/digits.onnx models/NAME.onnx
 * - verifier.onnx (id bc51c0a2122f8c1a): the first generator (espeak-ng only), 8 epochs, best at 3:
 *     node dist/tools/verifierData.js DATA1 && node dist/cli.js train --data DATA1 --out DIR --epochs 8 --seed 1
 * - verifier-mined.onnx (id 86a678f2291c69e6): today's generator (espeak-ng and flite, ~10k words,
 *   sentences, reversed FSDD) plus 600 hard negatives mined with a first verifier (FIRST, trained
 *   20 epochs on an earlier run of the same generator):
 *     node dist/tools/verifierData.js DATA2 --mine-with FIRST/digits.onnx
 *     node dist/cli.js train --data DATA2 --out DIR --epochs 16 --seed 1       (best epoch 16)
 * - verifier-noisy.onnx (id 932f3c7afdffb3f9): the same generator with mined negatives and
 *   `--add-noise` (a third of the clips again under pink noise at 5–30 dB SNR), 14 epochs, best 13.
 * - verifier-digits.onnx (id 3309ccedcde60804), eleven-class: the same generator with digit labels,
 *   600 hard negatives mined with verifier-mined.onnx (words it still takes for digits), and noise
 *   (46,429 clips); 8 epochs, best 8 (96.5 % on its held-out clips):
 *     node dist/tools/verifierData.js DATA3 --digit-labels
 *     node dist/tools/verifierData.js DATA3 --digit-labels --mine-with models/verifier-mined.onnx
 *     node dist/tools/verifierData.js DATA3 --digit-labels --add-noise
 *     node dist/cli.js train --data DATA3 --out DIR --epochs 8 --batch-size 64 --seed 1
 * Retrain them whenever the feature config changes; they are independent of the digit model's
 * weights. Measured effect in `npm run bench:stream`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ModelLoadError } from '../errors';
import * as ort from 'onnxruntime-node';
import { Classifier, INPUT_NAME, inputTensor, SESSION_OPTIONS } from '../model/classifier';
import type { Classification } from '../model/types';
import { OTHER_LABEL as OTHER } from '../model/meta';
import { joinMembers, memberOutput } from './verifierGraph';
import type { ClassifierLike } from '../model/types';

export const VERIFIER_FILE = 'verifier.onnx';
/** The bundled experts, first to last; VERIFIER_FILE decides whether a verifier is shipped at all. */
export const VERIFIER_FILES = [VERIFIER_FILE, 'verifier-mined.onnx', 'verifier-noisy.onnx', 'verifier-digits.onnx'] as const;

/** models/verifier.onnx at the package root, found from wherever the calling bundle sits. */
export function bundledVerifierPath(): string {
  const candidates = [1, 2, 3].map((up) => join(__dirname, ...Array<string>(up).fill('..'), 'models', VERIFIER_FILE));
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

/** All bundled members' paths, beside models/verifier.onnx. */
export function bundledVerifierPaths(): string[] {
  const dir = dirname(bundledVerifierPath());
  return VERIFIER_FILES.map((f) => join(dir, f));
}

/** Log-odds of p, clamped at ±13.8 so one certain member cannot outvote the rest without bound. */
export const logOdds = (p: number) => Math.log(Math.max(p, 1e-6) / Math.max(1 - p, 1e-6));

/**
 * One or more verifier networks as one. Members are binary (output 1 = a digit, 0 = anything else)
 * or eleven-class (the ten digits and "other" last, which can say which digit it heard). For each
 * digit d the members' log-odds of "digit d, not other" are summed (a product of experts), so a
 * word passes only if no member is sure it is not that digit. The result is itself eleven-class:
 * output d ∝ exp(summed log-odds of d), "other" ∝ 1, so `digitProbability(v, x, d)` is the
 * sigmoid of the sum, and the engine and its tests see one verifier whatever the members.
 */
export class Verifier implements ClassifierLike {
  private constructor(
    /** Each member's file and metadata (checked against the feature config on load). */
    readonly members: ReadonlyArray<Pick<Classifier, 'meta' | 'path' | 'classes'>>,
    private readonly session: ort.InferenceSession,
  ) {}

  /** Loads every member or none, checks each, and runs them as one joined graph (verifierGraph.ts). */
  static async load(paths: readonly string[]): Promise<Verifier> {
    if (!paths.length) throw new ModelLoadError('MODEL_NOT_FOUND', 'a verifier needs at least one model file');
    const loaded = await Promise.allSettled(paths.map((p) => Classifier.load(p, undefined, 'verifier')));
    try {
      const failed = loaded.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      const members = loaded.map((r) => (r as PromiseFulfilledResult<Classifier>).value);
      let session: ort.InferenceSession;
      try {
        session = await ort.InferenceSession.create(joinMembers(members.map((m) => m.bytes)), SESSION_OPTIONS);
      } catch (err) {
        throw new ModelLoadError(
          'MODEL_INVALID',
          `verifier ${paths.join(', ')}: its members cannot be run together (${(err as Error).message})`,
          { cause: err },
        );
      }
      return new Verifier(
        members.map(({ meta, path, classes }) => ({ meta, path, classes })),
        session,
      );
    } finally {
      // The members' own sessions are not needed once joined (or when one failed to load).
      await Promise.all(loaded.map((r) => (r.status === 'fulfilled' ? r.value.dispose() : undefined)));
    }
  }

  get meta(): ClassifierLike['meta'] {
    const first = this.members[0].meta;
    // No embedding: prototypes live in the digit classifier's space, never the verifier's.
    return { modelId: this.members.map((m) => m.meta.modelId).join('+'), embeddingDim: 0, featureConfig: first.featureConfig };
  }

  /** The member files, for logs. */
  get path(): string {
    return this.members.map((m) => m.path).join(', ');
  }

  async classify(features: Float32Array): Promise<Classification> {
    return (await this.classifyBatch([features]))[0];
  }

  /** Each member's own output for each input, in member order (what the product combines). */
  async memberProbs(batch: Float32Array[]): Promise<Float32Array[][]> {
    const { frames, melBands } = this.members[0].meta.featureConfig;
    const out = await this.session.run({ [INPUT_NAME]: inputTensor(batch, frames, melBands) });
    return this.members.map((m, k) => {
      const probs = out[memberOutput(k)].data as Float32Array;
      return batch.map((_, i) => probs.slice(i * m.classes, (i + 1) * m.classes));
    });
  }

  async classifyBatch(batch: Float32Array[]): Promise<Classification[]> {
    const outs = await this.memberProbs(batch);
    return batch.map((_, i) => {
      const logits = new Float64Array(OTHER);
      for (const out of outs) for (let d = 0; d < OTHER; d++) logits[d] += logOdds(memberDigitProb(out[i], d));
      // Softmax over [logits…, 0]: output d over (d + other) is then sigmoid(logits[d]).
      const top = Math.max(0, ...logits);
      const e = Array.from(logits, (l) => Math.exp(l - top));
      const other = Math.exp(-top);
      const z = e.reduce((a, b) => a + b, other);
      const probs = new Float32Array(OTHER + 1);
      e.forEach((v, d) => (probs[d] = v / z));
      probs[OTHER] = other / z;
      return { probs, embedding: new Float32Array(0) };
    });
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/**
 * One member's probability of "digit d rather than anything else": binary members ignore d;
 * eleven-class ones weigh d against "other" alone (mass on the other digits says nothing about
 * whether the word is a digit at all).
 */
function memberDigitProb(probs: Float32Array, digit: number): number {
  if (probs.length > OTHER) {
    const z = probs[digit] + probs[OTHER];
    return z > 0 ? probs[digit] / z : 0;
  }
  const z = probs[0] + probs[1];
  return z > 0 ? probs[1] / z : 0;
}

/**
 * Loads a verifier: the given files as experts, or the bundled ones. Undefined when nothing is
 * bundled (models/verifier.onnx absent; the engine then relies on its other rules); a bundled
 * member missing beside it is a broken install and fails loudly.
 */
export async function loadVerifier(paths?: string | readonly string[]): Promise<Verifier | undefined> {
  if (paths === undefined) {
    if (!existsSync(bundledVerifierPath())) return undefined;
    return Verifier.load(bundledVerifierPaths());
  }
  const list = typeof paths === 'string' ? paths.split(',').map((p) => p.trim()) : [...paths];
  const empty = list.findIndex((p) => p === '');
  if (empty >= 0) {
    throw new ModelLoadError(
      'VERIFIER_EMPTY_PATH',
      `--verifier: entry ${empty + 1} of ${list.length} is empty; give model files separated by single commas`,
    );
  }
  return Verifier.load(list);
}

/**
 * Probability that the input is the digit word `digit` (a digit at all, for binary verifiers);
 * without `digit`, that it is the digit the verifier finds likeliest.
 */
export async function digitProbability(verifier: ClassifierLike, features: Float32Array, digit?: number): Promise<number> {
  const { probs } = await verifier.classify(features);
  if (digit !== undefined || probs.length <= OTHER) return memberDigitProb(probs, digit ?? 1);
  let best = 0;
  for (let d = 0; d < OTHER; d++) best = Math.max(best, memberDigitProb(probs, d));
  return best;
}

/**
 * Log-odds of a verifier probability, barely clamped: the summed experts reach −55, and a user's
 * shift (model/types.ts UserHead) is measured and applied on this same scale.
 */
export function probabilityLogOdds(p: number): number {
  return Math.log(Math.max(p, 1e-30)) - Math.log(Math.max(1 - p, 1e-30));
}

/** A probability with `shift` added to its log-odds. */
export function shiftProbability(p: number, shift: number): number {
  if (shift === 0) return p;
  return 1 / (1 + Math.exp(-(probabilityLogOdds(p) + shift)));
}

/** The verifier as enrollment measures it (enroll/adapt.ts VerifierScore), or undefined without one. */
export function verifierLogOdds(verifier: ClassifierLike | undefined) {
  return (
    verifier && (async (features: Float32Array, digit: number) => probabilityLogOdds(await digitProbability(verifier, features, digit)))
  );
}
