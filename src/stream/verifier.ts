/**
 * The digit/non-digit verifier: small networks (the project's own CNN, trained by the project's
 * trainer on tools/verifierData.ts) that answer the one question the closed-set digit model
 * cannot — is this a digit word at all? Binary members: output 1 is "a digit", output 0 "anything
 * else" (the other eight outputs are unused and near zero). Eleven-class members: the ten digits
 * and "other", so they can be asked about the one digit the classifier decided.
 *
 * The shipped verifier is a product of two eleven-class experts: the members' log-odds of "this
 * digit, not anything else" are summed, so a word passes only if neither is sure it is not that
 * digit. verifier.onnx is trained by the digit model's own recipe (corpus voices, gsc-digits'
 * training fold, FSDD, the full augmentation) with non-digit audio added; verifier-digits.onnx by
 * the older synthetic generator, with many more words. The old binary members, which never heard
 * a real speaker outside FSDD, vetoed real digits in rooms and were dropped. The members run as
 * one joined ONNX graph (verifierGraph.ts). How each was made and the dev figures that chose the
 * pair are in models/MODEL_CARD.md (written by `npm run bench`, bench/core.ts). Retrain them
 * whenever the feature config changes; they are independent of the digit model's weights.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ModelLoadError } from '../errors';
import * as ort from 'onnxruntime-node';
import type { FeatureConfig } from '../features/config';
import { Classifier, INPUT_NAME, inputTensor, SESSION_OPTIONS } from '../model/classifier';
import { OTHER_LABEL as OTHER } from '../model/meta';
import type { DigitVerifier } from '../model/types';
import { joinMembers, memberOutput } from './verifierGraph';

export const VERIFIER_FILE = 'verifier.onnx';
/** The bundled experts, first to last; VERIFIER_FILE decides whether a verifier is shipped at all. */
export const VERIFIER_FILES = [VERIFIER_FILE, 'verifier-digits.onnx'] as const;
/** Each bundled member's weight in the summed log-odds, in VERIFIER_FILES' order. */
export const VERIFIER_WEIGHTS: readonly number[] = [1, 1];

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
 * word passes only if no member is sure it is not that digit; the engine sees one verifier
 * whatever the members.
 */
export class Verifier implements DigitVerifier {
  private constructor(
    /** Each member's file and metadata (checked against the feature config on load). */
    readonly members: ReadonlyArray<Pick<Classifier, 'meta' | 'path' | 'classes'>>,
    private readonly session: ort.InferenceSession,
    /** Each member's weight in the summed log-odds. */
    readonly weights: readonly number[],
  ) {}

  /**
   * Loads every member or none, checks each, and runs them as one joined graph (verifierGraph.ts).
   * `weights` scale each member's log-odds in the sum (default: 1 each).
   */
  static async load(paths: readonly string[], weights: readonly number[] = paths.map(() => 1)): Promise<Verifier> {
    if (!paths.length) throw new ModelLoadError('MODEL_NOT_FOUND', 'a verifier needs at least one model file');
    checkWeights(weights, paths.length);
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
        [...weights],
      );
    } finally {
      // The members' own sessions are not needed once joined (or when one failed to load).
      await Promise.all(loaded.flatMap((r) => (r.status === 'fulfilled' ? [r.value.dispose()] : [])));
    }
  }

  /** The members' ids joined by '+' (each with its weight when that is not 1). */
  get modelId(): string {
    return this.members.map((m, k) => m.meta.modelId + (this.weights[k] === 1 ? '' : `*${this.weights[k]}`)).join('+');
  }

  /** The feature config every member was checked against on load. */
  get featureConfig(): FeatureConfig {
    return this.members[0].meta.featureConfig;
  }

  /** The member files, for logs. */
  get path(): string {
    return this.members.map((m) => m.path).join(', ');
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

  /** The summed log-odds of "digit d, not anything else" for each input, d = 0…9. */
  async logOdds(batch: Float32Array[]): Promise<Float64Array[]> {
    const outs = await this.memberProbs(batch);
    return batch.map((_, i) => {
      const sum = new Float64Array(OTHER);
      outs.forEach((out, k) => {
        const w = this.weights[k];
        if (w !== 0) for (let d = 0; d < OTHER; d++) sum[d] += w * logOdds(memberDigitProb(out[i], d));
      });
      return sum;
    });
  }

  /**
   * Probability that the input is the digit word `digit` (a digit at all, for binary members): the
   * sigmoid of the summed log-odds. Without `digit`, that of the digit the members find likeliest.
   */
  async digitProbability(features: Float32Array, digit?: number): Promise<number> {
    const [sum] = await this.logOdds([features]);
    return sigmoid(digit === undefined ? Math.max(...sum) : sum[digit]);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/** Refuses member weights that are not one finite, non-negative number per member with one above 0. */
function checkWeights(weights: readonly number[], members: number): void {
  const bad = (why: string) => {
    throw new ModelLoadError('VERIFIER_BAD_WEIGHTS', `verifier weights ${weights.join(',')}: ${why}`);
  };
  if (weights.length !== members) bad(`${members} member(s) need ${members} weight(s)`);
  if (weights.some((w) => !Number.isFinite(w) || w < 0)) bad('each must be a finite number ≥ 0');
  if (!weights.some((w) => w > 0)) bad('at least one must be above 0');
}

/**
 * One member's probability of "digit d rather than anything else": binary members ignore d;
 * eleven-class ones weigh d against "other" alone (mass on the other digits says nothing about
 * whether the word is a digit at all).
 */
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

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
export async function loadVerifier(paths?: string | readonly string[], weights?: readonly number[]): Promise<Verifier | undefined> {
  if (paths === undefined) {
    if (!existsSync(bundledVerifierPath())) return undefined;
    return Verifier.load(bundledVerifierPaths(), weights ?? VERIFIER_WEIGHTS);
  }
  const list = typeof paths === 'string' ? paths.split(',').map((p) => p.trim()) : [...paths];
  const empty = list.findIndex((p) => p === '');
  if (empty >= 0) {
    throw new ModelLoadError(
      'VERIFIER_EMPTY_PATH',
      `--verifier: entry ${empty + 1} of ${list.length} is empty; give model files separated by single commas`,
    );
  }
  return Verifier.load(list, weights);
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
export function verifierLogOdds(verifier: DigitVerifier | undefined) {
  return (
    verifier && (async (features: Float32Array, digit: number) => probabilityLogOdds(await verifier.digitProbability(features, digit)))
  );
}
