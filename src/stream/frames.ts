/**
 * Cuts an incoming sample stream into the feature module's frames (frame i = samples
 * [i·hop, i·hop + frameSize)), keeping only a bounded window of recent samples.
 */
export interface FrameInfo {
  index: number;
  /** Mean square of the frame's samples (level meter). */
  power: number;
  /**
   * Mean square after pre-emphasis (x[n] − 0.97·x[n−1]), what the VAD listens to: it lifts the
   * weak high-frequency onsets of fricatives ("six", "seven") above low-frequency room noise.
   */
  emphasised: number;
  /**
   * Mean square in each of BAND_EDGES_HZ's bands over the last ~30 ms (three hops), for the
   * band-wise speech detector (a view, valid until the next frame).
   */
  bands: Float64Array;
  /** Silero score of the chunk that completed this frame, when the source provides one. */
  speechProb?: number;
}

const PRE_EMPHASIS = 0.97;

/**
 * Bands of the speech detector: voicing, first formant, second formant, fricatives. Comparing
 * each band with its own noise floor finds a word in coloured noise (hum, fans, pink) that
 * drowns one band but not the others; whole-band energy only sees the loudest band.
 */
export const BAND_EDGES_HZ: ReadonlyArray<readonly [number, number]> = [
  [150, 500],
  [500, 1000],
  [1000, 2000],
  [2000, 3900],
];
/** Hops summed into one band level: 30 ms, about one frame. */
const BAND_HOPS = 3;

/**
 * Constant-peak-gain band-pass biquads (RBJ cookbook) over the sample stream, each sample once.
 * Written here rather than taken from a DSP package: four second-order sections are a few lines,
 * and every sample of the live stream passes them.
 */
class BandSplitter {
  private readonly coef: Float64Array[];
  private readonly state: Float64Array[];
  /** Per band, the energy of each of the last BAND_HOPS hops (ring). */
  private readonly ring: Float64Array[];
  private slot = 0;
  readonly levels: Float64Array;

  constructor(sampleRate: number) {
    this.coef = BAND_EDGES_HZ.map(([lo, hi]) => {
      const w0 = (2 * Math.PI * Math.sqrt(lo * hi)) / sampleRate;
      const bw = Math.log2(hi / lo);
      const alpha = Math.sin(w0) * Math.sinh(((Math.LN2 / 2) * bw * w0) / Math.sin(w0));
      const a0 = 1 + alpha;
      return Float64Array.of(alpha / a0, -alpha / a0, (-2 * Math.cos(w0)) / a0, (1 - alpha) / a0);
    });
    this.state = BAND_EDGES_HZ.map(() => new Float64Array(4));
    this.ring = BAND_EDGES_HZ.map(() => new Float64Array(BAND_HOPS));
    this.levels = new Float64Array(BAND_EDGES_HZ.length);
  }

  /** Filters the new samples of one frame and updates `levels`. */
  push(samples: Float32Array, frameSize: number): void {
    for (let b = 0; b < this.coef.length; b++) {
      // Indexed reads, not destructuring: a typed array destructures through an iterator, which
      // allocated 2.3 GB per hour of audio here and grew the young generation by 9 MB.
      const c = this.coef[b];
      const b0 = c[0],
        b2 = c[1],
        a1 = c[2],
        a2 = c[3];
      const st = this.state[b];
      let x1 = st[0],
        x2 = st[1],
        y1 = st[2],
        y2 = st[3];
      let e = 0;
      for (let i = 0; i < samples.length; i++) {
        const x = samples[i];
        const y = b0 * x + b2 * x2 - a1 * y1 - a2 * y2;
        x2 = x1;
        x1 = x;
        y2 = y1;
        y1 = y;
        e += y * y;
      }
      st[0] = x1;
      st[1] = x2;
      st[2] = y1;
      st[3] = y2;
      this.ring[b][this.slot] = e;
      let sum = 0;
      for (let k = 0; k < BAND_HOPS; k++) sum += this.ring[b][k];
      this.levels[b] = sum / Math.max(1, Math.min(frameSize, BAND_HOPS * samples.length));
    }
    this.slot = (this.slot + 1) % BAND_HOPS;
  }
}

export class FrameBuffer {
  private buf: Float32Array;
  /** Absolute index of buf[0]. */
  private base = 0;
  /** Samples held (from buf[0]). */
  private length = 0;
  /** Next frame to emit. */
  private nextFrame = 0;
  private readonly splitter: BandSplitter;

  constructor(
    readonly frameSize: number,
    readonly hop: number,
    initialCapacity = 1 << 15,
    sampleRate = 8000,
  ) {
    this.buf = new Float32Array(initialCapacity);
    this.splitter = new BandSplitter(sampleRate);
  }

  /** Absolute number of samples received. */
  get received(): number {
    return this.base + this.length;
  }

  push(samples: Float32Array): void {
    if (this.length + samples.length > this.buf.length) {
      const grown = new Float32Array(Math.max(this.buf.length * 2, this.length + samples.length));
      grown.set(this.buf.subarray(0, this.length));
      this.buf = grown;
    }
    this.buf.set(samples, this.length);
    this.length += samples.length;
  }

  /** Frames completed by the samples pushed so far, each once. */
  *frames(speechProb?: number): Generator<FrameInfo> {
    while (this.nextFrame * this.hop + this.frameSize <= this.received) {
      const frame = this.frame(this.nextFrame);
      let power = frame[0] * frame[0];
      let emphasised = 0;
      for (let i = 1; i < frame.length; i++) {
        power += frame[i] * frame[i];
        const e = frame[i] - PRE_EMPHASIS * frame[i - 1];
        emphasised += e * e;
      }
      // Each sample passes the band filters once: the first frame all of it, later frames their newest hop.
      this.splitter.push(this.nextFrame === 0 ? frame : frame.subarray(frame.length - this.hop), frame.length);
      yield {
        index: this.nextFrame++,
        power: power / frame.length,
        emphasised: emphasised / (frame.length - 1),
        bands: this.splitter.levels,
        speechProb,
      };
    }
  }

  /** Samples of frame `index` (a view, valid until the next push or discard). */
  frame(index: number): Float32Array {
    const start = index * this.hop - this.base;
    if (start < 0 || start + this.frameSize > this.length) throw new RangeError(`frame ${index} is no longer (or not yet) buffered`);
    return this.buf.subarray(start, start + this.frameSize);
  }

  /** Samples [from, to) in absolute indices (copy), clipped to what is buffered. */
  samples(from: number, to: number): Float32Array {
    const a = Math.max(from - this.base, 0);
    const b = Math.min(to - this.base, this.length);
    return this.buf.slice(a, Math.max(a, b));
  }

  /** Drops samples before frame `index`, so memory stays bounded however long the stream runs. */
  discardBefore(index: number): void {
    const cut = Math.min(index * this.hop - this.base, this.length);
    if (cut <= 0) return;
    this.buf.copyWithin(0, cut, this.length);
    this.base += cut;
    this.length -= cut;
  }
}
