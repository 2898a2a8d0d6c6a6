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
  /** Silero score of the chunk that completed this frame, when the source provides one. */
  speechProb?: number;
}

const PRE_EMPHASIS = 0.97;

export class FrameBuffer {
  private buf: Float32Array;
  /** Absolute index of buf[0]. */
  private base = 0;
  /** Samples held (from buf[0]). */
  private length = 0;
  /** Next frame to emit. */
  private nextFrame = 0;

  constructor(
    readonly frameSize: number,
    readonly hop: number,
    initialCapacity = 1 << 15,
  ) {
    this.buf = new Float32Array(initialCapacity);
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
      yield { index: this.nextFrame++, power: power / frame.length, emphasised: emphasised / (frame.length - 1), speechProb };
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
