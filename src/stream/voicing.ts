/**
 * Periodicity of a frame: the highest normalised autocorrelation at lags of a voice's pitch
 * (60–400 Hz). Every digit carries a vowel, so an utterance without voiced frames is a cough, a
 * click or hiss, whatever the classifier says about it. Hand-written because it is a dozen lines
 * and runs only on utterance frames; pitch libraries would add a dependency for a ratio.
 */

/** Centred samples and prefix sums of their squares, reused across calls (no per-frame garbage). */
let centred = new Float64Array(0);
let prefix = new Float64Array(0);
const lags = new Float64Array(4);

/**
 * `enough`: stop as soon as a peak reaches it and return that peak. The engine only asks whether a
 * frame reaches the voicing threshold, and voiced frames reach it at their pitch lag, long before
 * the last lag; the value returned is then a lower bound of the full search's (still ≥ enough).
 */
export function periodicity(frame: Float32Array, sampleRate: number, minHz = 60, maxHz = 400, enough = Infinity): number {
  const n = frame.length;
  const lo = Math.max(1, Math.floor(sampleRate / maxHz));
  const hi = Math.min(n - 1, Math.ceil(sampleRate / minHz));
  if (centred.length < n) {
    centred = new Float64Array(n);
    prefix = new Float64Array(n + 1);
  }
  const a = centred;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += frame[i];
  mean /= n;
  // prefix[k] = Σ_{i<k} a[i]²: the energies of both windows of every lag come from it, which leaves
  // one multiply-add per sample and lag instead of three (the cost was 10 % of the streaming engine).
  prefix[0] = 0;
  for (let i = 0; i < n; i++) {
    a[i] = frame[i] - mean;
    prefix[i + 1] = prefix[i] + a[i] * a[i];
  }
  const e0 = prefix[n];
  if (e0 <= 0) return 0;
  // Only peaks after the autocorrelation has first turned down count: low-frequency noise (pink,
  // rumble) is strongly correlated at short lags without being periodic.
  let best = 0;
  let prev = Infinity;
  let falling = true;
  const r = lags;
  for (let lag0 = lo; lag0 <= hi; lag0 += 4) {
    // Four lags per pass share the loads of a[i]; each lag's sum still runs over i in order, so
    // the values are those of one lag at a time.
    const m3 = n - lag0 - 3;
    let r0 = 0,
      r1 = 0,
      r2 = 0,
      r3 = 0;
    let i = 0;
    for (; i < m3; i++) {
      const x = a[i];
      r0 += x * a[i + lag0];
      r1 += x * a[i + lag0 + 1];
      r2 += x * a[i + lag0 + 2];
      r3 += x * a[i + lag0 + 3];
    }
    // Tails: the shorter lags have up to three more products.
    for (let j = i; j < n - lag0; j++) r0 += a[j] * a[j + lag0];
    for (let j = i; j < n - lag0 - 1; j++) r1 += a[j] * a[j + lag0 + 1];
    for (let j = i; j < n - lag0 - 2; j++) r2 += a[j] * a[j + lag0 + 2];
    r[0] = r0;
    r[1] = r1;
    r[2] = r2;
    r[3] = r3;
    for (let k = 0; k < 4 && lag0 + k <= hi; k++) {
      const lag = lag0 + k;
      // Windows a[0, n − lag) and a[lag, n).
      const ea = prefix[n - lag];
      const eb = e0 - prefix[lag];
      const c = ea > 0 && eb > 0 ? r[k] / Math.sqrt(ea * eb) : 0;
      if (falling && c > prev) falling = false;
      if (!falling && c > best) {
        best = c;
        if (best >= enough) return best;
      }
      prev = c;
    }
  }
  return best;
}
