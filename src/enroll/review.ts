/**
 * Enrollment end to end, with the check the user sees: builds the prototypes and the adapted head
 * from the takes, and judges each take by a head adapted to the *other* takes (leave one take
 * out), so the user learns which takes disagree with the rest and how much enrollment changed the
 * recognition of their own speech, measured on takes it did not learn from (before → after).
 */
import type { ClassifierLike } from '../model/types';
import { AdaptedHead, adaptationExamples, AdaptOptions, DEFAULT_ADAPT_OPTIONS, headProbs, trainHead, VerifierScore } from './adapt';
import type { Take } from './embed';
import { PrototypeStore } from './store';
import { adaptStrings, DEFAULT_STRING_ADAPT_OPTIONS, StringAdaptation, StringAdaptOptions, StringModelLike } from './stringAdapt';

/**
 * Each leave-one-out head trains on this many copies per take, for this many steps: the check
 * trains one head per take, and this keeps 30 takes within about two seconds.
 */
const CHECK_VIEWS = 8;
const CHECK_STEPS = 50;

export interface TakeCheck {
  /** Index into the takes given. */
  take: number;
  digit: number;
  /** What the base model hears in it. */
  before: number;
  /** What a head adapted to the other takes hears in it. */
  after: number;
  /**
   * Whether the other takes include this digit. Without (one take per digit) the held-out head
   * never heard the digit from the user and leans away from it (measured: 10 of 10 FSDD takes
   * → 7 of 10), so such a take is neither counted in before → after nor called disagreeing.
   */
  judged: boolean;
}

export interface EnrollmentCheck {
  takes: TakeCheck[];
  /** Judged takes (see TakeCheck.judged) recognised as their digit by the base model, and by heads adapted to the other takes. */
  judged: number;
  before: number;
  after: number;
  /** Takes the other takes' head hears as another digit: worth recording again. */
  disagreeing: TakeCheck[];
}

export interface Enrollment {
  store: PrototypeStore;
  head: AdaptedHead;
  /** The string head, when a string model was given. */
  stringAdaptation?: StringAdaptation;
  check: EnrollmentCheck;
  /** Wall time of the adaptation proper (examples and head), and of the check. */
  adaptSeconds: number;
  checkSeconds: number;
}

/** Normalised mean embedding of each digit's takes (undefined for a digit without takes). */
export function prototypesOf(embeddings: Array<{ digit: number; embedding: Float32Array }>, dim: number): Array<Float32Array | undefined> {
  const sums = Array.from({ length: 10 }, () => undefined as Float32Array | undefined);
  for (const e of embeddings) {
    const s = (sums[e.digit] ??= new Float32Array(dim));
    for (let j = 0; j < dim; j++) s[j] += e.embedding[j];
  }
  return sums.map((s) => {
    if (!s) return undefined;
    const n = Math.hypot(...s) || 1;
    return s.map((x) => x / n);
  });
}

const argmax = (p: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
};

/** Prototypes, adapted head and check from the takes (all of one user, with the current model). */
export async function enrollTakes(
  classifier: ClassifierLike,
  takes: readonly Take[],
  verifier?: VerifierScore,
  opts: AdaptOptions = DEFAULT_ADAPT_OPTIONS,
  strings?: { model: StringModelLike; opts?: StringAdaptOptions },
): Promise<Enrollment> {
  const dim = classifier.meta.embeddingDim;
  const t0 = performance.now();
  const examples = await adaptationExamples(classifier, takes, opts, verifier);
  // Each take's first example is the take itself: its embedding is the one prototypes are made of.
  const clean = takes.map((_, i) => examples.find((e) => e.take === i)!);
  const store = new PrototypeStore(classifier.meta.modelId, dim);
  for (let d = 0; d < 10; d++) {
    const own = clean.filter((e) => e.digit === d).map((e) => e.embedding);
    if (own.length) store.setTakes(d, own);
  }
  const head = trainHead(examples, store.prototypes(), dim, opts);
  store.setHead(head);
  const stringAdaptation = strings && (await adaptStrings(strings.model, takes, strings.opts ?? DEFAULT_STRING_ADAPT_OPTIONS));
  store.setStringHead(stringAdaptation?.head);
  const t1 = performance.now();
  const seen = new Map<number, number>();
  const few = examples.filter((e) => {
    const n = seen.get(e.take) ?? 0;
    seen.set(e.take, n + 1);
    return n < CHECK_VIEWS;
  });
  const checks: TakeCheck[] = clean.map((c, i) => {
    const others = few.filter((e) => e.take !== i);
    const protos = prototypesOf(
      clean.filter((e) => e.take !== i),
      dim,
    );
    const h = trainHead(others, protos, dim, { ...opts, steps: Math.min(opts.steps, CHECK_STEPS) });
    const base = c.logProbs.map(Math.exp);
    const judged = clean.some((o) => o.take !== i && o.digit === c.digit);
    return { take: i, digit: c.digit, before: argmax(base), after: argmax(headProbs(h, base, c.embedding)), judged };
  });
  const judged = checks.filter((c) => c.judged);
  const check: EnrollmentCheck = {
    takes: checks,
    judged: judged.length,
    before: judged.filter((c) => c.before === c.digit).length,
    after: judged.filter((c) => c.after === c.digit).length,
    disagreeing: judged.filter((c) => c.after !== c.digit),
  };
  return { store, head, stringAdaptation, check, adaptSeconds: (t1 - t0) / 1000, checkSeconds: (performance.now() - t1) / 1000 };
}

/** "7 of 10 → 10 of 10": the check's before → after, as the CLI and the panel say it. */
export function checkSummary(check: EnrollmentCheck): string {
  const n = check.judged;
  if (n === 0)
    return 'with one take per digit no take can be judged by another of its digit; record 2–3 takes per digit to see what enrollment changes';
  return `your takes, each judged by what the others taught: ${check.before} of ${n} recognised before enrollment → ${check.after} of ${n} after`;
}

/** Why a take disagrees with the rest, for the user. */
export function disagreement(c: TakeCheck): string {
  return `sounds like "${c.after}" given your other takes; record it again`;
}
