/**
 * Signal effects for augmentation and synthetic test audio: speed change, noises, a synthetic room,
 * a channel. Shared by training (train/augment.ts), enrollment (enroll/augment.ts), spliced strings
 * (train/strings.ts) and the benchmarks, so each effect is written once.
 */
import { gaussian, Rng } from '../shared/rng';

/** Other clips to build babble from (other speakers' words summed); empty → no babble. */
export interface AugmentContext {
  babblePool: Float32Array[];
  /** How many talkers a babble sums, drawn uniformly from [min, max]; training's default 3–6. */
  babbleTalkers?: readonly [number, number];
}

export type NoiseKind = 'white' | 'pink' | 'brown' | 'babble' | 'hum' | 'clicks';
export const NOISE_KINDS: readonly NoiseKind[] = ['white', 'pink', 'brown', 'babble', 'hum', 'clicks'];

export function rms(x: Float32Array): number {
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
export function makeNoise(kind: NoiseKind, n: number, rng: Rng, sampleRate: number, ctx?: AugmentContext): Float32Array {
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
    if (pool.length === 0) return makeNoise('pink', n, rng, sampleRate, ctx);
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
export function reverberate(x: Float32Array, rt60: number, wet: number, rng: Rng, sampleRate: number): Float32Array {
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
export function colour(x: Float32Array, highHz: number, lowHz: number, sampleRate: number): Float32Array {
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
