/**
 * Log-mel of the stream's recent frames, shared by the utterance and the string decoder: each
 * frame's log-mel is computed once, and only when one of them asks for it (silence costs none).
 */
import type { FeatureConfig } from '../features/config';
import { logMelFrame } from '../features/logmel';
import type { FrameBuffer } from './frames';

export class MelRing {
  private readonly frame: Int32Array;
  private readonly data: Float32Array;

  /** `slots` must cover the oldest frame either reader may still ask for. */
  constructor(
    private readonly frames: FrameBuffer,
    private readonly cfg: FeatureConfig,
    slots: number,
  ) {
    this.frame = new Int32Array(slots).fill(-1);
    this.data = new Float32Array(slots * cfg.melBands);
  }

  /** Log-mel of frame `i`, computed on first use (a view valid until reuse of its slot). */
  of(i: number): Float32Array {
    const B = this.cfg.melBands;
    const slot = i % this.frame.length;
    const out = this.data.subarray(slot * B, (slot + 1) * B);
    if (this.frame[slot] !== i) {
      logMelFrame(this.frames.frame(i), this.cfg, out);
      this.frame[slot] = i;
    }
    return out;
  }
}
