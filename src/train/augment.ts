import { FEATURE_CONFIG, FeatureConfig } from '../features/config';
import { Rng } from './rng';
import { AugmentContext, changeSpeed, colour, makeNoise, NOISE_KINDS, reverberate, rms } from '../audio/effects';

export type { AugmentContext } from '../audio/effects';

/**
 * Waveform-domain augmentation, applied once per variant before feature extraction (features are
 * too slow to recompute every epoch): speed, room, channel, level, noise, clipping. The ranges
 * are the "any voice in any room" issue's: speed 0.85–1.15, words at −45 to −3 dBFS, noise at
 * 0–30 dB SNR of six kinds. Silence of 0–150 ms is added around the word before the noise, as the
 * detector's pre-roll and tail give the classifier noise around a word in a stream.
 */
export interface NoiseMix {
  /** Share of variants with added noise. */
  prob: number;
  /** 'sqrt': SNR 30·√u dB (low SNRs rarer: 11 % of noisy variants at ≤ 10 dB); 'uniform': 0–30 dB (33 %). */
  snr: 'sqrt' | 'uniform';
}

export const DEFAULT_NOISE_MIX: NoiseMix = { prob: 0.6, snr: 'sqrt' };
/** `train --noisy`: for rooms at 10 dB, where the default mix gives white noise ≤ 10 dB to ~1 % of variants. */
export const NOISY_MIX: NoiseMix = { prob: 0.75, snr: 'uniform' };

/** A noisy variant's SNR (dB). By default low SNRs less often: most rooms are not that loud. */
export function drawSnrDb(mix: NoiseMix, rng: Rng): number {
  return mix.snr === 'sqrt' ? 30 * Math.sqrt(rng()) : 30 * rng();
}

export function augmentWaveform(samples: Float32Array, rng: Rng, ctx?: AugmentContext, noise: NoiseMix = DEFAULT_NOISE_MIX): Float32Array {
  let x = samples;
  if (rng() < 0.8) x = changeSpeed(x, 0.85 + 0.3 * rng());
  const sr = FEATURE_CONFIG.sampleRate;
  if (rng() < 0.3) x = reverberate(x, 0.15 + 0.45 * rng(), 0.2 + 0.5 * rng(), rng, sr);
  if (rng() < 0.15) x = colour(x, 300, 3400, sr);
  else if (rng() < 0.3) x = colour(x, 50 + 250 * rng(), 1800 + 2200 * rng(), sr);
  const before = Math.floor(rng() * 0.15 * sr);
  const after = Math.floor(rng() * 0.15 * sr);
  const padded = new Float32Array(before + x.length + after);
  padded.set(x, before);
  const speechRms = Math.max(rms(x), 1e-6);
  const level = Math.pow(10, (-45 + 42 * rng()) / 20) / speechRms;
  for (let i = 0; i < padded.length; i++) padded[i] *= level;
  // Draws in this order (noise or not, kind, SNR), so that the default mix reproduces the shipped model.
  if (rng() < noise.prob) {
    const kind = NOISE_KINDS[Math.floor(rng() * NOISE_KINDS.length)];
    const snr = drawSnrDb(noise, rng);
    const n = makeNoise(kind, padded.length, rng, sr, ctx);
    const g = (speechRms * level) / Math.pow(10, snr / 20);
    for (let i = 0; i < padded.length; i++) padded[i] += g * n[i];
  }
  const clip = rng() < 0.05 ? 0.3 + 0.6 * rng() : 1;
  for (let i = 0; i < padded.length; i++) padded[i] = Math.max(-clip, Math.min(clip, padded[i])) / clip;
  return padded;
}

export interface FrameAugmentOptions {
  maxShiftFrames: number;
  prefixProb: number;
  minPrefix: number;
  /**
   * SpecAugment-style masks (Park et al. 2019), sized for 40 bands and words of 30–80 frames: with
   * probability ½ each, one band mask of 1–6 bands and one time mask of 1–8 frames, filled with
   * each band's training mean (0 after the model's normalisation, as in the paper).
   */
  masks?: { fill: ArrayLike<number> };
}

export const DEFAULT_FRAME_AUGMENT: FrameAugmentOptions = { maxShiftFrames: 10, prefixProb: 0.35, minPrefix: 0.15 };

const MAX_BAND_MASK = 6;
const MAX_TIME_MASK = 8;

/**
 * Frame-domain augmentation, applied every epoch on precomputed frames. Shifting by whole hops
 * is exact: prepending k·hop zero samples prepends k silent frames. A prefix crop teaches the
 * model what the first part of a word looks like, which the early-exit decoder relies on.
 */
export function augmentFrames(
  data: Float32Array,
  frames: number,
  rng: Rng,
  cfg: FeatureConfig = FEATURE_CONFIG,
  opts: FrameAugmentOptions = DEFAULT_FRAME_AUGMENT,
): { data: Float32Array; frames: number } {
  const bands = cfg.melBands;
  let n = frames;
  if (rng() < opts.prefixProb) n = Math.max(3, Math.round(frames * (opts.minPrefix + (1 - opts.minPrefix) * rng())));
  const shift = Math.floor(rng() * (opts.maxShiftFrames + 1));
  const total = Math.min(cfg.frames, shift + n);
  const out = new Float32Array(total * bands);
  out.set(data.subarray(0, (total - shift) * bands), shift * bands);
  if (opts.masks) {
    const { fill } = opts.masks;
    if (rng() < 0.5) {
      const width = 1 + Math.floor(rng() * MAX_BAND_MASK);
      const first = Math.floor(rng() * (bands - width + 1));
      for (let f = shift; f < total; f++) for (let b = first; b < first + width; b++) out[f * bands + b] = fill[b];
    }
    const word = total - shift;
    if (rng() < 0.5 && word > 2 * MAX_TIME_MASK) {
      const width = 1 + Math.floor(rng() * MAX_TIME_MASK);
      const first = shift + Math.floor(rng() * (word - width + 1));
      for (let f = first; f < first + width; f++) for (let b = 0; b < bands; b++) out[f * bands + b] = fill[b];
    }
  }
  return { data: out, frames: total };
}
