/**
 * Band-wise energy voice-activity detection, as an explicit frame-by-frame state machine (after
 * ricky0123/vad's FrameProcessor): silence → speech → hangover → end. Fed each frame's band
 * levels (frames.ts); returns what happened at that frame.
 *
 * Each band keeps its own noise floor, the minimum of its smoothed level over the last
 * `floorWindowMs` (minimum statistics), tracked in every phase, so a noise that starts during a
 * word or a microphone opened in a noisy room is learnt within one window. A frame is speech
 * when its two most-above-floor bands are, on average, `thresholdMultiplier` over their floors:
 * a word lifts two or more bands, while a narrow-band noise (hum, a whistle) lifts one. Before
 * a band has been heard for PRIOR_MS its floor is capped by a quiet-room prior, so a word that
 * begins at the first frame is still heard.
 */
import type { FrameInfo } from './frames';
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
 * Band floor (dB mean square) of a quiet room before the band has been heard long enough: a
 * −70 dBFS hiss (the benches' floor) spreads −76 to −80 dB over these bands.
 */
const PRIOR_FLOOR_DB = -72;
const PRIOR_MS = 200;
/**
 * Band level (dB) above which a steady start is taken for a held vowel, not room noise: −40 dB
 * in a band is about −34 dBFS over the whole band, a fan next to the microphone; FSDD's words
 * that begin on a vowel have bands at −18 to −30 dB.
 */
const STEADY_NOISE_MAX_DB = -40;
/**
 * A lone band must be this much further over its floor than a pair: fricative onsets ("six",
 * "seven") lift only the top band (heard 130 ms late on the pair alone), while a lone band is
 * also what a narrow noise lifts.
 */
const SINGLE_BAND_EXTRA_DB = 2;
/** Smoothing of band levels before the minimum is taken (minimum statistics needs a smoothed track). */
const SMOOTH_MS = 30;
/**
 * The minimum of a noisy track lies below its median: by 1.5 dB for 30 ms smoothed band levels
 * of stationary white and pink noise over 1.5 s windows (measured: with 3 dB added back, the
 * median frame scored −1.5 dB), added back so stationary noise scores about 0 dB.
 */
const MIN_BIAS_DB = 1.5;
/** Time constant of the quiet frames' mean level. */
const QUIET_MEAN_MS = 1000;

export type FrameLevels = Pick<FrameInfo, 'emphasised' | 'bands'>;

export interface VadTiming {
  /** Duration of one hop in ms. */
  hopMs: number;
}

export class EnergyVad {
  private phase: VadPhase = 'silence';
  private startFrame = 0;
  private lastSpeechFrame = 0;
  private speechFrames = 0;
  private silentRun = 0;
  private framesSeen = 0;
  /** Smoothed band levels (dB). */
  private smooth: Float64Array | undefined;
  /** Per band, the minima of consecutive blocks of the smoothed level (block minimum, cheap sliding minimum). */
  private blockMin: Float64Array[] = [];
  private blockFill = 0;
  private floors: Float64Array | undefined;
  private lastScoreDb = 0;
  /** Speech opened while a floor was still the prior: checked once against the learnt floors. */
  private provisional = false;
  /** Whether the last frame's floors were still capped by the prior. */
  private usingPrior = true;
  /** Highest smoothed level of each band while the prior applied. */
  private priorMax: Float64Array | undefined;
  /** Per band, the running mean (dB) of the smoothed level over quiet frames. */
  private quietMean: Float64Array | undefined;

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

  /** Current noise floor of each band in dB (mean square), for diagnostics and tests. */
  get bandFloorsDb(): number[] {
    return Array.from(this.floors ?? []);
  }

  /** The last frame's speech score: mean dB over floor of its two most-above-floor bands. */
  get scoreDb(): number {
    return this.lastScoreDb;
  }

  /** Score (dB) a frame must exceed to start speech. */
  get onsetThresholdDb(): number {
    return 10 * Math.log10(this.opts.thresholdMultiplier);
  }

  reset(): void {
    this.phase = 'silence';
    this.speechFrames = 0;
    this.silentRun = 0;
  }

  /**
   * One frame's levels. Boundaries come from band energy alone; decibri's Silero score arrives
   * per chunk (200 ms from a file), too coarse for word boundaries, so the engine applies it per
   * utterance instead (reject rule).
   */
  push(frame: number, level: FrameLevels): VadEvent {
    const { hopMs } = this.timing;
    const score = this.track(level.bands);
    this.lastScoreDb = score;
    const fullDb = 10 * Math.log10(level.emphasised + 1e-12);
    const onset = this.onsetThresholdDb;
    const loud = fullDb > this.opts.minLevelDb && score > (this.phase === 'silence' ? onset : onset + 10 * Math.log10(STAY_RATIO));

    if (this.provisional && !this.usingPrior) {
      // Opened on the prior. If the floors learnt meanwhile are those of a room (no louder than
      // STEADY_NOISE_MAX_DB) and the bands stayed steady, it was the room (a microphone opened in
      // noise), a misfire; detection starts afresh against the learnt floors. A word the
      // microphone opened into rises and falls, or is louder than rooms are. Ending the segment
      // also when a room-level frame is no longer loud: FSDD test words from their first sample
      // 98.0 → 82.0 %, gsc-digits whole clips 56.0 → 57.1 % (bench:robust --quick, model e6a876e9).
      this.provisional = false;
      const room = this.loudestFloorDb() < STEADY_NOISE_MAX_DB;
      if (this.phase !== 'silence' && room && this.priorSpreadDb() < this.onsetThresholdDb) {
        return this.end(true);
      }
    }
    if (this.phase === 'silence') {
      if (!loud) return { type: 'none' };
      this.provisional = this.usingPrior;
      this.phase = 'speech';
      this.startFrame = Math.max(0, frame - Math.round(this.opts.preRollMs / hopMs));
      this.lastSpeechFrame = frame;
      this.speechFrames = 1;
      this.silentRun = 0;
      return { type: 'start', startFrame: this.startFrame };
    }

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
    return this.end();
  }

  /**
   * Ends an utterance in progress at the end of the stream, as if silence followed.
   * Returns undefined when no speech was in progress.
   */
  flush(): Extract<VadEvent, { type: 'end' }> | undefined {
    if (this.phase === 'silence') return undefined;
    return this.end();
  }

  /** Back to silence; the utterance's end event (a misfire when forced, or when shorter than minSpeechMs). */
  private end(misfire = false): Extract<VadEvent, { type: 'end' }> {
    this.phase = 'silence';
    const minFrames = Math.ceil(this.opts.minSpeechMs / this.timing.hopMs);
    return {
      type: 'end',
      startFrame: this.startFrame,
      lastSpeechFrame: this.lastSpeechFrame,
      speechFrames: this.speechFrames,
      tooShort: misfire || this.speechFrames < minFrames,
    };
  }

  private loudestFloorDb(): number {
    return Math.max(...(this.floors ?? [-Infinity])) - MIN_BIAS_DB;
  }

  /** How far the two most-varying bands rose over their minimum while the prior applied (dB). */
  private priorSpreadDb(): number {
    if (!this.priorMax || !this.floors) return 0;
    const spread = Array.from(this.priorMax, (mx, b) => mx - (this.floors![b] - MIN_BIAS_DB)).sort((x, y) => y - x);
    return (spread[0] + (spread[1] ?? spread[0])) / 2;
  }

  /**
   * Updates the band floors with this frame and returns its score. The sliding minimum over
   * floorWindowMs is kept as minima of BLOCKS blocks (the last one filling), so each frame costs
   * a few comparisons per band instead of a scan of the window.
   */
  private track(bands: Float64Array): number {
    const { hopMs } = this.timing;
    const n = bands.length;
    const blocks = 6;
    const blockFrames = Math.max(1, Math.round(this.opts.floorWindowMs / hopMs / blocks));
    if (!this.smooth || this.smooth.length !== n) {
      this.smooth = new Float64Array(n);
      for (let b = 0; b < n; b++) this.smooth[b] = 10 * Math.log10(bands[b] + 1e-12);
      this.blockMin = Array.from({ length: n }, () => new Float64Array(blocks).fill(Infinity));
      this.floors = new Float64Array(n);
      this.priorMax = new Float64Array(n).fill(-Infinity);
      this.quietMean = new Float64Array(n).fill(NaN);
      this.blockFill = 0;
    }
    const a = 1 - Math.exp(-hopMs / SMOOTH_MS);
    const aq = 1 - Math.exp(-hopMs / QUIET_MEAN_MS);
    // Frames after one heard as not loud (the last score under the onset threshold) count as quiet.
    const quiet = this.framesSeen > 0 && this.lastScoreDb < this.onsetThresholdDb;
    const prior = this.framesSeen * hopMs < PRIOR_MS;
    this.usingPrior = prior;
    this.framesSeen++;
    if (this.blockFill === blockFrames) {
      for (const m of this.blockMin) {
        m.copyWithin(0, 1);
        m[blocks - 1] = Infinity;
      }
      this.blockFill = 0;
    }
    this.blockFill++;
    // The two highest bands over their floors, tracked as we go: this runs on every frame.
    let first = -Infinity;
    let second = -Infinity;
    for (let b = 0; b < n; b++) {
      const db = 10 * Math.log10(bands[b] + 1e-12);
      this.smooth[b] += a * (db - this.smooth[b]);
      const m = this.blockMin[b];
      if (this.smooth[b] < m[blocks - 1]) m[blocks - 1] = this.smooth[b];
      if (prior) this.priorMax![b] = Math.max(this.priorMax![b], this.smooth[b]);
      let floor = Infinity;
      for (let k = 0; k < blocks; k++) if (m[k] < floor) floor = m[k];
      floor += MIN_BIAS_DB;
      // The mean level of frames heard as not speech: above the minimum for noise that rises and
      // falls (babble), where the minimum alone let every babble peak open the detector.
      const q = this.quietMean![b];
      if (quiet) this.quietMean![b] = Number.isFinite(q) ? q + aq * (this.smooth[b] - q) : this.smooth[b];
      if (Number.isFinite(this.quietMean![b])) floor = Math.max(floor, this.quietMean![b]);
      if (prior) floor = Math.min(floor, PRIOR_FLOOR_DB);
      this.floors![b] = floor;
      const d = db - floor;
      if (d > first) {
        second = first;
        first = d;
      } else if (d > second) second = d;
    }
    return Math.max(first - SINGLE_BAND_EXTRA_DB, (first + second) / 2);
  }
}
