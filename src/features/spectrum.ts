/**
 * Meyda's power spectrum, computed the way meyda computes it but without its garbage.
 *
 * meyda 5.6 (Hann window from `hanning()`, fftjs radix-2 FFT, `ampSpectrum` and `powerSpectrum`
 * rounded to Float32) builds a JS object per butterfly and calls Math.cos/Math.sin for every
 * twiddle of every frame: a quarter of the streaming engine's CPU. This module performs the same
 * floating-point operations in the same order — same window values, same twiddle expressions,
 * same butterfly formulas, same Float32 roundings — on preallocated typed arrays, so its output is
 * bit-identical to `Meyda.extract('powerSpectrum', …)`. The unit tests check that equality on FSDD
 * frames: the trained model must see exactly the features it was trained on.
 */

interface Plan {
  n: number;
  window: Float32Array;
  /** Bit-reversed position of each index (fftjs bitReverseArray). */
  reversed: Int32Array;
  /** Twiddles per stage, stage s (currN = 2^s) at offset currN/2 − 1: k = 0 … currN/2 − 1. */
  twRe: Float64Array;
  twIm: Float64Array;
  re: Float64Array;
  im: Float64Array;
}

const plans = new Map<number, Plan>();

function plan(n: number): Plan {
  let p = plans.get(n);
  if (p) return p;
  const logN = Math.log2(n);
  if (Math.round(logN) !== logN) throw new RangeError(`powerSpectrum: ${n} samples is not a power of two`);
  // meyda's hanning(size): Float32Array of 0.5 − 0.5·cos(2π·i/(size − 1)).
  const window = new Float32Array(n);
  for (let i = 0; i < n; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
  const reversed = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0, v = i; b < logN; b++, v >>= 1) r = (r << 1) | (v & 1);
    reversed[i] = r;
  }
  const twRe = new Float64Array(n);
  const twIm = new Float64Array(n);
  for (let s = 1; s <= logN; s++) {
    const currN = Math.pow(2, s);
    for (let k = 0; k < currN / 2; k++) {
      // fftjs euler(k, currN): x = -2 * Math.PI * k / currN, evaluated left to right.
      const x = (-2 * Math.PI * k) / currN;
      twRe[currN / 2 - 1 + k] = Math.cos(x);
      twIm[currN / 2 - 1 + k] = Math.sin(x);
    }
  }
  p = { n, window, reversed, twRe, twIm, re: new Float64Array(n), im: new Float64Array(n) };
  plans.set(n, p);
  return p;
}

/**
 * Power spectrum (bins 0 … n/2 − 1) of a Hann-windowed frame, into `out` (length ≥ n/2); returns
 * `out`. Equal bit for bit to meyda's `powerSpectrum` extractor with windowingFunction 'hanning'.
 */
export function hannPowerSpectrum(signal: Float32Array, out: Float32Array = new Float32Array(signal.length / 2)): Float32Array {
  const n = signal.length;
  const { window, reversed, twRe, twIm, re, im } = plan(n);
  // Window (meyda pointwiseBufferMult: a double product of two Float32 values) in bit-reversed order.
  for (let i = 0; i < n; i++) {
    re[reversed[i]] = signal[i] * window[i];
    im[reversed[i]] = 0;
  }
  for (let currN = 2; currN <= n; currN *= 2) {
    const half = currN / 2;
    for (let k = 0; k < half; k++) {
      const wr = twRe[half - 1 + k];
      const wi = twIm[half - 1 + k];
      for (let even = k; even < n; even += currN) {
        const odd = even + half;
        const or = re[odd];
        const oi = im[odd];
        // fftjs multiply(twiddle, odd), subtract(even, t), add(t, even).
        const tr = wr * or - wi * oi;
        const ti = wr * oi + wi * or;
        const er = re[even];
        const ei = im[even];
        re[odd] = er - tr;
        im[odd] = ei - ti;
        re[even] = tr + er;
        im[even] = ti + ei;
      }
    }
  }
  // meyda: ampSpectrum = Float32(sqrt(re² + im²)), powerSpectrum = Float32(amp²), both via Math.pow.
  const bins = n / 2;
  for (let i = 0; i < bins; i++) {
    const amp = Math.fround(Math.sqrt(Math.pow(re[i], 2) + Math.pow(im[i], 2)));
    out[i] = Math.pow(amp, 2);
  }
  return out;
}
