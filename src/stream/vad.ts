/**
 * Energy voice-activity detection with an adaptive noise floor, as an explicit frame-by-frame
 * state machine (after ricky0123/vad's FrameProcessor): silence → speech → hangover → end.
 * Fed one frame energy per hop; returns what happened at that frame.
 */
import type { VadOptions } from './options';

export type VadPhase = 'silence' | 'speech' | 'hangover';

export type VadEvent =
  | { type: 'none' }
  /** Speech began; the utterance starts at `startFrame` (pre-roll included). */
  | { type: 'start'; startFrame: number }
  /** The utterance ended: its last speech frame is `lastSpeechFrame`. `tooShort` = a misfire, not a word. */
  | { type: 'end'; startFrame: number; lastSpeechFrame: number; speechFrames: number; tooShort: boolean };

/** Once speaking, frames stay speech down to half the onset threshold (−3 dB): hysteresis against flicker. */
const STAY_RATIO = 0.5;
/**
 * After speech has lasted this long the floor creeps up anyway (STUCK_RISE_DB_PER_S), so a noise
 * that switches on and stays cannot hold the detector open for ever.
 */
const STUCK_FLOOR_MS = 3000;
const STUCK_RISE_DB_PER_S = 6;

export interface VadTiming {
  /** Duration of one hop in ms. */
  hopMs: number;
}

export class EnergyVad {
  private phase: VadPhase = 'silence';
  /** Noise floor in dB (mean power); NaN until the first frame. */
  private floorDb = NaN;
  private startFrame = 0;
  private lastSpeechFrame = 0;
  private speechFrames = 0;
  private silentRun = 0;

  constructor(
    private opts: VadOptions,
    private readonly timing: VadTiming,
  ) {}

  setOptions(opts: VadOptions): void {
    this.opts = opts;
  }

  get state(): VadPhase {
    return this.phase;
  }

  /** Current noise floor in dB (mean power), for diagnostics and tests. */
  get noiseFloorDb(): number {
    return this.floorDb;
  }

  /** Level (dB) a frame must exceed to start speech. */
  get onsetThresholdDb(): number {
    return Math.max(this.floorDb + 10 * Math.log10(this.opts.thresholdMultiplier), this.opts.minLevelDb);
  }

  reset(): void {
    this.phase = 'silence';
    this.speechFrames = 0;
    this.silentRun = 0;
  }

  /**
   * One frame: `power` is the frame's (pre-emphasised) mean square. Boundaries come from energy
   * alone; decibri's Silero score arrives per chunk (200 ms from a file), too coarse for word
   * boundaries, so the engine applies it per utterance instead (reject rule).
   */
  push(frame: number, power: number): VadEvent {
    const { hopMs } = this.timing;
    const db = 10 * Math.log10(power + 1e-12);
    if (Number.isNaN(this.floorDb)) this.floorDb = db;
    const onset = this.onsetThresholdDb;
    const loud = db > (this.phase === 'silence' ? onset : onset + 10 * Math.log10(STAY_RATIO));

    if (this.phase === 'silence') {
      this.adaptFloor(db);
      if (!loud) return { type: 'none' };
      this.phase = 'speech';
      this.startFrame = Math.max(0, frame - Math.round(this.opts.preRollMs / hopMs));
      this.lastSpeechFrame = frame;
      this.speechFrames = 1;
      this.silentRun = 0;
      return { type: 'start', startFrame: this.startFrame };
    }

    if ((frame - this.startFrame) * hopMs > STUCK_FLOOR_MS) this.floorDb += (STUCK_RISE_DB_PER_S * hopMs) / 1000;
    if (loud) {
      this.phase = 'speech';
      this.lastSpeechFrame = frame;
      this.speechFrames++;
      this.silentRun = 0;
      return { type: 'none' };
    }
    this.phase = 'hangover';
    this.silentRun++;
    if (this.silentRun * hopMs < this.opts.hangoverMs) return { type: 'none' };
    this.phase = 'silence';
    const minFrames = Math.ceil(this.opts.minSpeechMs / hopMs);
    return {
      type: 'end',
      startFrame: this.startFrame,
      lastSpeechFrame: this.lastSpeechFrame,
      speechFrames: this.speechFrames,
      tooShort: this.speechFrames < minFrames,
    };
  }

  /**
   * Ends an utterance in progress at the end of the stream, as if silence followed.
   * Returns undefined when no speech was in progress.
   */
  flush(): Extract<VadEvent, { type: 'end' }> | undefined {
    if (this.phase === 'silence') return undefined;
    this.phase = 'silence';
    const minFrames = Math.ceil(this.opts.minSpeechMs / this.timing.hopMs);
    return {
      type: 'end',
      startFrame: this.startFrame,
      lastSpeechFrame: this.lastSpeechFrame,
      speechFrames: this.speechFrames,
      tooShort: this.speechFrames < minFrames,
    };
  }

  /**
   * Exponential tracking of the level in dB during silence, falling 8× faster than it rises: a
   * floor that drops quickly and rises slowly follows the quiet parts, which is what a noise
   * floor is. Tracking in dB keeps one loud frame from dragging it up by orders of magnitude.
   */
  private adaptFloor(db: number): void {
    const hop = this.timing.hopMs;
    const tc = Math.max(this.opts.floorAdaptMs, hop);
    const alpha = 1 - Math.exp(-hop / (db < this.floorDb ? tc / 8 : tc));
    this.floorDb += alpha * (db - this.floorDb);
  }
}
