/**
 * Speaker folds of a many-speaker set (gsc-digits): a speaker's fold comes from its name alone
 * (FNV-1a hash), so training and every benchmark agree on who is held out without a list, and
 * no speaker is ever on both sides.
 */
export type Fold = 0 | 1;
/** The real folds a model trains on: one (the other is its measure), or both (measured by 2-fold cross-validation). */
export type RealFolds = Fold | 'both';

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function speakerFold(speaker: string): Fold {
  return (fnv1a(speaker) & 1) as Fold;
}

/**
 * About a quarter of the training fold's speakers, which a verifier can be trained without
 * (`train --real-hold-dev`), so that verifier members are chosen on real speakers they never
 * heard without touching the held-out fold the model card reports (`bench:reject --real-dev`).
 */
export function verifierDevSpeaker(speaker: string): boolean {
  // The hash's top two bits, far from bit 0 that decides the fold.
  return speakerFold(speaker) === TRAINING_FOLD && fnv1a(speaker) >>> 30 === 0;
}

/**
 * About half of the training fold's clips (68 clips of 39 speakers of gsc-digits), which a
 * candidate recipe can be trained without (`train --real-hold-dev recipe`) and compared on
 * (`bench:recipe`), so that training choices never look at the held-out fold.
 */
export function recipeDevSpeaker(speaker: string): boolean {
  return speakerFold(speaker) === TRAINING_FOLD && ((fnv1a(speaker) >>> 24) & 1) === 1;
}

/** The fold the shipped model trains on; the other is its speaker-disjoint real measure. */
export const TRAINING_FOLD: Fold = 0;
export const HELD_OUT_FOLD: Fold = 1;

/** Whether a model trained on `trained` heard `speaker`. */
export function trainedOnSpeaker(trained: RealFolds, speaker: string): boolean {
  return trained === 'both' || speakerFold(speaker) === trained;
}

/** The fold a model trained on `trained` never heard, or undefined when it heard both. */
export function unheardFold(trained: RealFolds | null | undefined): Fold | undefined {
  if (trained === 'both') return undefined;
  if (trained === null || trained === undefined) return HELD_OUT_FOLD;
  return trained === 0 ? 1 : 0;
}
