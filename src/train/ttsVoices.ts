/**
 * The synthetic-voice split of COMMON.md as TTS settings for the string trainer and benchmark
 * the training voices only and are measured on the held-out ones.
 */
import type { TtsSpec } from './tts';

const ESPEAK_TRAIN_LANGS = ['en-us', 'en-gb', 'en-gb-x-rp', 'en-gb-scotland', 'en-029', 'en-us-nyc'];
const ESPEAK_TRAIN_VARIANTS = ['', 'm1', 'm2', 'm3', 'm5', 'm6', 'm7', 'f1', 'f2', 'f4', 'f5', 'klatt', 'klatt2', 'klatt3'];
const ESPEAK_HELDOUT_LANGS = ['en-gb-x-gbclan', 'en-gb-x-gbcwmd'];
const ESPEAK_HELDOUT_VARIANTS = ['m4', 'f3', 'klatt4', 'm8'];

export interface VoiceFamily {
  engine: TtsSpec['engine'];
  voice: string;
}

const withVariants = (langs: string[], variants: string[]): VoiceFamily[] =>
  langs.flatMap((l) => variants.map((v) => ({ engine: 'espeak' as const, voice: v ? `${l}+${v}` : l })));

export const TRAIN_VOICES: readonly VoiceFamily[] = [
  ...withVariants(ESPEAK_TRAIN_LANGS, ESPEAK_TRAIN_VARIANTS),
  ...['kal', 'kal16', 'rms', 'slt'].map((voice) => ({ engine: 'flite' as const, voice })),
  ...['kal_diphone', 'cmu_us_slt_arctic_hts'].map((voice) => ({ engine: 'festival' as const, voice })),
];

export const HELDOUT_VOICES: readonly VoiceFamily[] = [
  ...withVariants(ESPEAK_HELDOUT_LANGS, ESPEAK_HELDOUT_VARIANTS),
  { engine: 'flite', voice: 'awb' },
  { engine: 'festival', voice: 'ked_diphone' },
];

/**
 * A voice family at a tempo: `speed` 1 is the engine's normal rate, 1.3 is 30 % faster (espeak
 * 175 wpm × speed; flite and festival divide their duration stretch by it).
 */
export function atSpeed(f: VoiceFamily, speed: number, pitch?: number): TtsSpec {
  if (f.engine === 'espeak') return { engine: 'espeak', voice: f.voice, wpm: Math.round(175 * speed), pitch };
  return { engine: f.engine, voice: f.voice, stretch: +(1 / speed).toFixed(3) };
}
