/**
 * Periodicity of a frame: the highest normalised autocorrelation at lags of a voice's pitch
 * (60–400 Hz). Every digit carries a vowel, so an utterance without voiced frames is a cough, a
 * click or hiss, whatever the classifier says about it. Hand-written because it is a dozen lines
 * and runs only on utterance frames; pitch libraries would add a dependency for a ratio.
 */
export function periodicity(frame: Float32Array, sampleRate: number, minHz = 60, maxHz = 400): number {
  const n = frame.length;
  const lo = Math.max(1, Math.floor(sampleRate / maxHz));
  const hi = Math.min(n - 1, Math.ceil(sampleRate / minHz));
  let mean = 0;
  for (let i = 0; i < n; i++) mean += frame[i];
  mean /= n;
  let e0 = 0;
  for (let i = 0; i < n; i++) e0 += (frame[i] - mean) ** 2;
  if (e0 <= 0) return 0;
  // Only peaks after the autocorrelation has first turned down count: low-frequency noise (pink,
  // rumble) is strongly correlated at short lags without being periodic.
  let best = 0;
  let prev = Infinity;
  let falling = true;
  for (let lag = lo; lag <= hi; lag++) {
    let r = 0;
    let ea = 0;
    let eb = 0;
    for (let i = 0; i + lag < n; i++) {
      const a = frame[i] - mean;
      const b = frame[i + lag] - mean;
      r += a * b;
      ea += a * a;
      eb += b * b;
    }
    const c = ea > 0 && eb > 0 ? r / Math.sqrt(ea * eb) : 0;
    if (falling && c > prev) falling = false;
    if (!falling && c > best) best = c;
    prev = c;
  }
  return best;
}
