/** What counts as audio: finite samples of a sane magnitude. Anything else is damage, never sound. */
import { AudioFormatError } from '../errors';

/**
 * Largest sample magnitude accepted (60 dB over full scale). Float WAVs may exceed 1.0 a little
 * after mixing; 1e30 or the like is not a recording, and squared in float32 it overflows the
 * features to Infinity.
 */
export const MAX_SAMPLE_MAGNITUDE = 1000;

/** Index of the first sample that is NaN, ±Infinity or beyond MAX_SAMPLE_MAGNITUDE; -1 if none. */
export function firstBadSample(x: ArrayLike<number>, from = 0, to = x.length): number {
  for (let i = from; i < to; i++) {
    const v = x[i];
    // Written so that NaN fails the test.
    if (!(v >= -MAX_SAMPLE_MAGNITUDE && v <= MAX_SAMPLE_MAGNITUDE)) return i;
  }
  return -1;
}

/** The coded error for a bad sample at `index` (per channel) of `name`. */
export function badSampleError(name: string, index: number, value: number, sampleRate?: number): AudioFormatError {
  const at = sampleRate ? ` (${(index / sampleRate).toFixed(3)} s)` : '';
  if (!Number.isFinite(value)) {
    return new AudioFormatError(
      'AUDIO_NOT_FINITE',
      `${name}: sample ${index}${at} is ${value}; the file is damaged or not audio, and was not used`,
    );
  }
  return new AudioFormatError(
    'AUDIO_OUT_OF_RANGE',
    `${name}: sample ${index}${at} is ${value.toExponential(2)}, beyond ±${MAX_SAMPLE_MAGNITUDE} (full scale is ±1); the file is damaged or not audio, and was not used`,
  );
}

/** Throws badSampleError for the first bad sample of `x` (offset by `base` for messages). */
export function assertFiniteAudio(x: ArrayLike<number>, name: string, base = 0, sampleRate?: number): void {
  const i = firstBadSample(x);
  if (i >= 0) throw badSampleError(name, base + i, x[i], sampleRate);
}
