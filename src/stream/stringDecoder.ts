/**
 * The digit-string decoder of the stream: runs the string model (model/sequenceModel.ts) on a
 * window of the latest log-mel frames each time a new output step is complete, and decodes the
 * steps greedily as CTC does — a digit is heard where its class first beats the blank (its
 * "spike"); a repeat of the same class is the same digit until a blank or another class comes.
 *
 * The window is the model's receptive field rounded up to whole steps and aligned to the step
 * grid, so each step's output is exactly what the model computes over the whole stream (tested).
 * A model whose steps also hear frames past their end (metadata `lookahead`) is run on that many
 * more, and each step is decoded once they have arrived.
 * During silence the model need not run (its steps are blank there); nor while an utterance is
 * still too short to hold two digits ('wait'): those steps are kept and decoded by the first run
 * once it is longer ('on'), so a lone short word never costs a string-model run.
 */
import type { SequenceMeta } from '../model/sequenceModel';

export interface SequenceModelLike {
  readonly meta: SequenceMeta;
  probs(features: Float32Array, frames: number): Promise<Float32Array>;
}

export interface Spike {
  digit: number;
  /** The digit's probability at the step that decided it. */
  prob: number;
  /** Probabilities of the ten digits and the blank at that step. */
  probs: Float32Array;
  /** Index of the last input frame of the step (the decision time). */
  frame: number;
  /**
   * Set when this spike replaces the one before it: the model went straight from one digit to
   * another without a blank between, i.e. it changed its mind about the same sound.
   */
  revises?: Spike;
}

/** What the stream is doing: silence, speech the model need not hear yet, speech it must hear. */
export type StringListen = 'off' | 'wait' | 'on';

export class StringDecoder {
  readonly stride: number;
  readonly window: number;
  /** Frames a step waits for past its own end (model metadata `lookahead`; 0 for a causal model). */
  readonly lookahead: number;
  private readonly bands: number;
  private readonly input: Float32Array;
  private frames = 0;
  /** Steps completed since the last run that no run has decoded yet. */
  private pending = 0;
  private readonly maxPending: number;
  private prevClass: number;
  private lastSpike: Spike | undefined;
  private stepsSinceSpike = Infinity;
  /** Probabilities of the last step the model ran for (panel, tests). */
  lastStep: Float32Array | undefined;

  constructor(
    private readonly model: SequenceModelLike,
    /** A spike's digit must reach this probability, or the step counts as blank. */
    private minProb = 0.5,
    /**
     * Output steps computed per model run. 2 halves the runs (onnxruntime's per-run overhead
     * dominates a model this small) for 40 ms more delay on every other step.
     */
    readonly stepsPerRun = 2,
    /** Steps of 'wait' the first run may have to catch up on. */
    catchUpSteps = 0,
    /**
     * The blank's probability is multiplied by this before the greedy choice: under 1, a digit
     * the model is unsure of beats the blank sooner (fewer dropped digits, more spurious ones).
     */
    private blankScale = 1,
  ) {
    const m = model.meta;
    this.stride = m.stride;
    this.maxPending = Math.max(1, stepsPerRun + catchUpSteps);
    this.lookahead = m.lookahead ?? 0;
    this.window = Math.ceil(m.receptiveField / m.stride) * m.stride + this.lookahead + (this.maxPending - 1) * m.stride;
    this.bands = m.featureConfig.melBands;
    this.input = new Float32Array(this.window * this.bands);
    this.prevClass = m.blank;
  }

  get blank(): number {
    return this.model.meta.blank;
  }

  /** Changes the spike rule (minimum probability, blank scale) for the steps decoded from now on. */
  setRule(minProb: number, blankScale: number): void {
    this.minProb = minProb;
    this.blankScale = blankScale;
  }

  /** Frames received so far. */
  get received(): number {
    return this.frames;
  }

  /**
   * Counts the next frame of the stream (every frame, in order). Once `stepsPerRun` steps are
   * complete while `listen` is 'on', runs the model on the frames those steps (and any kept from
   * 'wait') need, asked of `melOf` (so silence costs no features), and returns their spikes,
   * oldest first. Steps heard 'off' count as blank (silence).
   */
  async push(melOf: (frame: number) => Float32Array, listen: StringListen): Promise<Spike[]> {
    const B = this.bands;
    const index = this.frames++;
    if (this.frames % this.stride !== 0) return [];
    if (listen === 'off') {
      this.pending = 0;
      this.prevClass = this.blank;
      this.stepsSinceSpike++;
      return [];
    }
    if (this.pending === this.maxPending) {
      // Waited longer than the window holds: the oldest kept step is dropped as blank.
      this.pending--;
      this.prevClass = this.blank;
      this.stepsSinceSpike++;
    }
    this.pending++;
    if (listen === 'wait' || this.pending < this.stepsPerRun) return [];
    const steps = this.pending;
    this.pending = 0;
    const span = this.window - (this.maxPending - steps) * this.stride;
    // Oldest frame first; before the stream has a window's worth, the first frame stands in for the past.
    const first = this.frames - span;
    for (let k = 0; k < span; k++) this.input.set(melOf(Math.max(first + k, 0)), k * B);
    const out = await this.model.probs(this.input, span);
    const C = this.model.meta.labels.length;
    const spikes: Spike[] = [];
    // The newest steps still wait for their look-ahead: the ones decoded end that much earlier.
    const total = out.length / C - this.lookahead / this.stride;
    for (let k = steps - 1; k >= 0; k--) {
      const frame = index - k * this.stride - this.lookahead;
      if (frame < 0) continue;
      this.lastStep = Float32Array.from(out.subarray((total - 1 - k) * C, (total - k) * C));
      const s = this.step(this.lastStep, frame);
      if (s) spikes.push(s);
    }
    return spikes;
  }

  /** Greedy CTC over one step's probabilities. */
  step(probs: Float32Array, frame: number): Spike | undefined {
    const blank = this.blank;
    let best = 0;
    let bestScore = best === blank ? probs[0] * this.blankScale : probs[0];
    for (let k = 1; k < probs.length; k++) {
      const score = k === blank ? probs[k] * this.blankScale : probs[k];
      if (score > bestScore) {
        best = k;
        bestScore = score;
      }
    }
    // Written so that NaN fails: a broken model's output is blank, never a typed digit.
    if (best !== this.blank && !(probs[best] >= this.minProb)) best = this.blank;
    const prev = this.prevClass;
    this.prevClass = best;
    this.stepsSinceSpike++;
    if (best === this.blank || best === prev) return undefined;
    const spike: Spike = { digit: best, prob: probs[best], probs, frame };
    // Straight from one digit to another (no blank between, the step right after): a revision.
    if (prev !== this.blank && this.lastSpike && this.stepsSinceSpike <= 1) spike.revises = this.lastSpike;
    this.lastSpike = spike;
    this.stepsSinceSpike = 0;
    return spike;
  }
}
