import { FEATURE_CONFIG, FeatureConfig } from '../features/config';
import { Rng, gaussian } from './rng';

/**
 * Waveform-domain augmentation, applied once per variant before feature extraction (meyda costs
 * ~4 ms per clip, too slow to redo every epoch): light noise, gain and speed.
 */
export function augmentWaveform(samples: Float32Array, rng: Rng): Float32Array {
  let out = samples;
  if (rng() < 0.5) {
    // Speed ±10 % by linear-interpolation resampling: shifts pitch and tempo together, like a
    // faster or slower speaker; the mel bands absorb the small spectral shift.
    const factor = 0.9 + 0.2 * rng();
    const n = Math.max(1, Math.floor(out.length / factor));
    const res = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const x = i * factor;
      const j = Math.floor(x);
      const f = x - j;
      res[i] = (out[j] ?? 0) * (1 - f) + (out[j + 1] ?? out[j] ?? 0) * f;
    }
    out = res;
  }
  const gain = Math.pow(10, (-6 + 12 * rng()) / 20);
  let power = 0;
  for (let i = 0; i < out.length; i++) power += out[i] * out[i];
  power /= out.length;
  // Noise at 15–40 dB SNR half of the time; white noise low-passed by a one-pole filter so it is
  // not all hiss (room noise is mostly low-frequency).
  const noisy = rng() < 0.5;
  const snrDb = 15 + 25 * rng();
  const noiseRms = Math.sqrt(power / Math.pow(10, snrDb / 10));
  const res = new Float32Array(out.length);
  let lp = 0;
  for (let i = 0; i < out.length; i++) {
    let v = out[i];
    if (noisy) {
      lp = 0.7 * lp + 0.3 * gaussian(rng);
      v += noiseRms * 1.8 * lp;
    }
    res[i] = Math.max(-1, Math.min(1, v * gain));
  }
  return res;
}

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
  opts = { maxShiftFrames: 10, prefixProb: 0.35, minPrefix: 0.15 },
): { data: Float32Array; frames: number } {
  const bands = cfg.melBands;
  let n = frames;
  if (rng() < opts.prefixProb) n = Math.max(3, Math.round(frames * (opts.minPrefix + (1 - opts.minPrefix) * rng())));
  const shift = Math.floor(rng() * (opts.maxShiftFrames + 1));
  const total = Math.min(cfg.frames, shift + n);
  const out = new Float32Array(total * bands);
  out.set(data.subarray(0, (total - shift) * bands), shift * bands);
  return { data: out, frames: total };
}
