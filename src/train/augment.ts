import { FEATURE_CONFIG, FeatureConfig } from '../features/config';
import { Rng, gaussian } from './rng';

/** Other clips to build babble from (other speakers' words summed); empty → no babble. */
export interface AugmentContext {
  babblePool: Float32Array[];
  /** How many talkers a babble sums, drawn uniformly from [min, max]; training's default 3–6. */
  babbleTalkers?: readonly [number, number];
}

export type NoiseKind = 'white' | 'pink' | 'brown' | 'babble' | 'hum' | 'clicks';
const NOISE_KINDS: NoiseKind[] = ['white', 'pink', 'brown', 'babble', 'hum', 'clicks'];

function rms(x: Float32Array): number {
  let p = 0;
  for (let i = 0; i < x.length; i++) p += x[i] * x[i];
  return Math.sqrt(p / Math.max(1, x.length));
}

/** Linear-interpolation resampling by `factor` (> 1 faster): tempo, pitch and formants move together. */
export function changeSpeed(x: Float32Array, factor: number): Float32Array {
  const n = Math.max(1, Math.floor(x.length / factor));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i * factor;
    const j = Math.floor(t);
    const f = t - j;
    out[i] = (x[j] ?? 0) * (1 - f) + (x[j + 1] ?? x[j] ?? 0) * f;
  }
  return out;
}

/**
 * A noise signal of `n` samples and unit RMS. Pink is Paul Kellet's economy filter, brown a leaky
 * integrator; hum is a 50/60 Hz fan-or-mains fundamental with harmonics; clicks are sparse
 * decaying impulses like keys; babble is other talkers' words (ctx.babbleTalkers, 3–6 by
 * default) summed at random offsets.
 */
export function makeNoise(
  kind: NoiseKind,
  n: number,
  rng: Rng,
  ctx?: AugmentContext,
  sampleRate = FEATURE_CONFIG.sampleRate,
): Float32Array {
  const out = new Float32Array(n);
  if (kind === 'white') for (let i = 0; i < n; i++) out[i] = gaussian(rng);
  else if (kind === 'pink') {
    let b0 = 0,
      b1 = 0,
      b2 = 0;
    for (let i = 0; i < n; i++) {
      const w = gaussian(rng);
      b0 = 0.99765 * b0 + w * 0.099046;
      b1 = 0.963 * b1 + w * 0.2965164;
      b2 = 0.57 * b2 + w * 1.0526913;
      out[i] = b0 + b1 + b2 + w * 0.1848;
    }
  } else if (kind === 'brown') {
    let b = 0;
    for (let i = 0; i < n; i++) out[i] = b = 0.995 * b + 0.1 * gaussian(rng);
  } else if (kind === 'hum') {
    const f0 = rng() < 0.5 ? 50 : 60 + 60 * rng();
    const phases = [rng(), rng(), rng(), rng()].map((p) => p * 2 * Math.PI);
    for (let i = 0; i < n; i++) {
      const t = i / sampleRate;
      let v = 0;
      for (let h = 0; h < 4; h++) v += Math.sin(2 * Math.PI * f0 * (h + 1) * t + phases[h]) / (h + 1);
      out[i] = v + 0.05 * gaussian(rng);
    }
  } else if (kind === 'clicks') {
    const rate = (3 + 8 * rng()) / sampleRate;
    let env = 0;
    for (let i = 0; i < n; i++) {
      if (rng() < rate) env = 0.5 + rng();
      env *= 0.97;
      out[i] = env * gaussian(rng) + 0.01 * gaussian(rng);
    }
  } else {
    const pool = ctx?.babblePool ?? [];
    if (pool.length === 0) return makeNoise('pink', n, rng, ctx, sampleRate);
    const [lo, hi] = ctx?.babbleTalkers ?? [3, 6];
    const voices = lo + Math.floor(rng() * (hi - lo + 1));
    for (let v = 0; v < voices; v++) {
      const w = pool[Math.floor(rng() * pool.length)];
      const g = 1 / Math.max(1e-4, rms(w));
      // Loop each word along the whole noise so babble never stops mid-clip.
      const offset = Math.floor(rng() * w.length);
      for (let i = 0; i < n; i++) out[i] += g * w[(i + offset) % w.length];
    }
  }
  const r = rms(out);
  if (r > 0) for (let i = 0; i < n; i++) out[i] /= r;
  return out;
}

/** A synthetic room: exponentially decaying noise (RT60 `rt60` s) after a direct path, convolved sparsely. */
export function reverberate(x: Float32Array, rt60: number, wet: number, rng: Rng, sampleRate = FEATURE_CONFIG.sampleRate): Float32Array {
  const len = Math.floor(rt60 * sampleRate);
  const decay = Math.log(1000) / Math.max(1, len); // −60 dB at rt60
  const ir = new Float32Array(len);
  let norm = 0;
  for (let i = 0; i < len; i++) {
    ir[i] = gaussian(rng) * Math.exp(-decay * i);
    norm += ir[i] * ir[i];
  }
  const g = wet / Math.sqrt(Math.max(norm, 1e-12));
  const out = new Float32Array(x.length + len);
  for (let i = 0; i < x.length; i++) out[i] += x[i];
  // Direct convolution: clips are < 1.5 s and rooms < 0.6 s, a few ms per clip at 8 kHz with stride.
  for (let k = 1; k < len; k += 2) {
    const h = 2 * g * ir[k];
    for (let i = 0; i < x.length; i++) out[i + k] += h * x[i];
  }
  return out.subarray(0, x.length + Math.floor(len / 3));
}

/** One-pole high-pass and low-pass: a cheap microphone or telephone channel. */
export function colour(x: Float32Array, highHz: number, lowHz: number, sampleRate = FEATURE_CONFIG.sampleRate): Float32Array {
  const out = new Float32Array(x.length);
  const ah = Math.exp((-2 * Math.PI * highHz) / sampleRate);
  const al = Math.exp((-2 * Math.PI * lowHz) / sampleRate);
  let hpPrevIn = 0,
    hpPrevOut = 0,
    lp = 0;
  for (let i = 0; i < x.length; i++) {
    const hp = ah * (hpPrevOut + x[i] - hpPrevIn);
    hpPrevIn = x[i];
    hpPrevOut = hp;
    lp = (1 - al) * hp + al * lp;
    out[i] = lp;
  }
  return out;
}

/**
 * Waveform-domain augmentation, applied once per variant before feature extraction (features are
 * too slow to recompute every epoch): speed, room, channel, level, noise, clipping. The ranges
 * are the "any voice in any room" issue's: speed 0.85–1.15, words at −45 to −3 dBFS, noise at
 * 0–30 dB SNR of six kinds. Silence of 0–150 ms is added around the word before the noise, as the
 * detector's pre-roll and tail give the classifier noise around a word in a stream.
 */
export function augmentWaveform(samples: Float32Array, rng: Rng, ctx?: AugmentContext): Float32Array {
  let x = samples;
  if (rng() < 0.8) x = changeSpeed(x, 0.85 + 0.3 * rng());
  if (rng() < 0.3) x = reverberate(x, 0.15 + 0.45 * rng(), 0.2 + 0.5 * rng(), rng);
  if (rng() < 0.15) x = colour(x, 300, 3400);
  else if (rng() < 0.3) x = colour(x, 50 + 250 * rng(), 1800 + 2200 * rng());
  const sr = FEATURE_CONFIG.sampleRate;
  const before = Math.floor(rng() * 0.15 * sr);
  const after = Math.floor(rng() * 0.15 * sr);
  const padded = new Float32Array(before + x.length + after);
  padded.set(x, before);
  const speechRms = Math.max(rms(x), 1e-6);
  const level = Math.pow(10, (-45 + 42 * rng()) / 20) / speechRms;
  for (let i = 0; i < padded.length; i++) padded[i] *= level;
  if (rng() < 0.6) {
    const kind = NOISE_KINDS[Math.floor(rng() * NOISE_KINDS.length)];
    // SNR uniform in 0–30 dB, but low SNRs less often: most rooms are not that loud.
    const snr = 30 * Math.sqrt(rng());
    const noise = makeNoise(kind, padded.length, rng, ctx);
    const g = (speechRms * level) / Math.pow(10, snr / 20);
    for (let i = 0; i < padded.length; i++) padded[i] += g * noise[i];
  }
  const clip = rng() < 0.05 ? 0.3 + 0.6 * rng() : 1;
  for (let i = 0; i < padded.length; i++) padded[i] = Math.max(-clip, Math.min(clip, padded[i])) / clip;
  return padded;
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
