/**
 * Speaker folds of a many-speaker set (gsc-digits): a speaker's fold comes from its name alone
 * (FNV-1a hash), so training and every benchmark agree on who is held out without a list, and
 * no speaker is ever on both sides.
 */
export type Fold = 0 | 1;

export function speakerFold(speaker: string): Fold {
  let h = 0x811c9dc5;
  for (let i = 0; i < speaker.length; i++) {
    h ^= speaker.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h & 1) as Fold;
}

/** The fold the shipped model trains on; the other is its speaker-disjoint real measure. */
export const TRAINING_FOLD: Fold = 0;
export const HELD_OUT_FOLD: Fold = 1;
