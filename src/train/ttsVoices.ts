/**
 * The voice split of train/voices.ts as synthesiser settings for the string trainer and the string
 * benchmark: a voice family, and the same family at another tempo.
 */
import type { TtsSpec } from './tts';
import { HELD_OUT_VOICES, TRAIN_VOICES as TRAIN, TtsVoice, UNSEEN_ENGINE_VOICES } from './voices';

export interface VoiceFamily {
  engine: TtsSpec['engine'];
  voice: string;
}

/** A voice of the split as synthesiser settings. */
export const voiceFamily = (v: TtsVoice): VoiceFamily => ({ engine: v.engine === 'espeak-ng' ? 'espeak' : v.engine, voice: v.name });

export const TRAIN_VOICES: readonly VoiceFamily[] = TRAIN.map(voiceFamily);
export const HELDOUT_VOICES: readonly VoiceFamily[] = HELD_OUT_VOICES.map(voiceFamily);
/** Measurement only: synthesisers no model trains on (train/voices.ts UNSEEN_ENGINE_VOICES). */
export const UNSEEN_ENGINE_FAMILIES: readonly VoiceFamily[] = UNSEEN_ENGINE_VOICES.map(voiceFamily);

/**
 * A voice family at a tempo: `speed` 1 is the engine's normal rate, 1.3 is 30 % faster (espeak
 * 175 wpm × speed; the others divide their duration stretch by it).
 */
export function atSpeed(f: VoiceFamily, speed: number, pitch?: number): TtsSpec {
  if (f.engine === 'espeak') return { engine: 'espeak', voice: f.voice, wpm: Math.round(175 * speed), pitch };
  return { engine: f.engine, voice: f.voice, stretch: +(1 / speed).toFixed(3) };
}
