/**
 * Augmentation of enrollment takes. The takes come from the user's own microphone and room, so the
 * copies vary only what changes between one take and the next: speaking rate (±8 % by default, AdaptOptions.speedSpread), level
 * (±6 dB), a little noise (25–45 dB SNR, half of the copies) and where the word starts (0–10
 * frames of shift), plus prefix crops for the early-exit checks, which see a word's beginning.
 * Training augmentation (train/augment.ts) is far rougher, for voices and rooms never heard.
 */
import type { FeatureConfig } from '../features/config';
import { logMelFrames, toModelInput, trimSilence } from '../features/logmel';
import { changeSpeed } from '../audio/effects';
import { gaussian, Rng } from '../shared/rng';

/** One augmented copy of a (trimmed) take as model input. */
export function augmentTake(word: Float32Array, rng: Rng, cfg: FeatureConfig, prefixCrops = 0.3, speedSpread = 0.08): Float32Array {
  let x = changeSpeed(word, 1 - speedSpread + 2 * speedSpread * rng());
  const gain = Math.pow(10, (-6 + 12 * rng()) / 20);
  let power = 0;
  for (const v of x) power += v * v;
  power /= Math.max(1, x.length);
  const noise = rng() < 0.5 ? Math.sqrt(power / Math.pow(10, (25 + 20 * rng()) / 10)) : 0;
  x = x.map((v) => Math.max(-1, Math.min(1, (v + noise * gaussian(rng)) * gain)));
  const { data, frames } = logMelFrames(trimSilence(x, cfg), cfg);
  const bands = cfg.melBands;
  const n = rng() < prefixCrops ? Math.max(3, Math.round(frames * (0.3 + 0.7 * rng()))) : frames;
  const shift = Math.floor(rng() * 11);
  const total = Math.min(cfg.frames, shift + n);
  const out = new Float32Array(total * bands);
  out.set(data.subarray(0, (total - shift) * bands), shift * bands);
  return toModelInput(out, total, cfg);
}
