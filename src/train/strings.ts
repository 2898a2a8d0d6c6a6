/**
 * Digit strings as audio (audio/splice.ts, at the features' rate by default) and the text a
 * synthesiser says for a digit string.
 */
import { FEATURE_CONFIG } from '../features/config';
import { spliceDigits as splice, SpliceOptions, SpokenDigit, StringAudio } from '../audio/splice';
import type { Rng } from './rng';

export type { SpliceOptions, SpokenDigit, StringAudio, WordSpan } from '../audio/splice';

export const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;

/** Words joined with random gaps (audio/splice.ts), at the model's rate unless told. */
export function spliceDigits(words: SpokenDigit[], rng: Rng, o: SpliceOptions, rate = FEATURE_CONFIG.sampleRate): StringAudio {
  return splice(words, rng, o, rate);
}

/** What a speaker says for `digits`: digit words, zero sometimes as "oh" (phone-number style). */
export function digitText(digits: number[], rng: Rng, ohShare = 0.3): string {
  return digits.map((d) => (d === 0 && rng() < ohShare ? 'oh' : DIGIT_WORDS[d])).join(' ');
}

/** A random digit string of `min`–`max` digits. */
export function randomDigits(rng: Rng, min: number, max: number): number[] {
  const n = min + Math.floor(rng() * (max - min + 1));
  return Array.from({ length: n }, () => Math.floor(rng() * 10));
}
