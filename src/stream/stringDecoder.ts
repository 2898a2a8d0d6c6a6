/**
 * The digit-string decoder of the stream: runs the string model (model/sequenceModel.ts) on a
 * window of the latest log-mel frames each time a new output step is complete, and decodes the
 * steps greedily as CTC does — a digit is heard where its class first beats the blank (its
 * "spike"); a repeat of the same class is the same digit until a blank or another class comes.
 *
 * The window is the model's receptive field rounded up to whole steps and aligned to the step
 * grid, so each step's output is exactly what the model computes over the whole stream (tested).
 * During silence the model need not run (its steps are blank there); `active` says when it must.
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

export class StringDecoder {
  readonly stride: number;
  readonly window: number;
  private readonly bands: number;
  private readonly input: Float32Array;
  private frames = 0;
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
  ) {
    const m = model.meta;
    this.stride = m.stride;
    this.window = Math.ceil(m.receptiveField / m.stride) * m.stride + (stepsPerRun - 1) * m.stride;
    this.bands = m.featureConfig.melBands;
    this.input = new Float32Array(this.window * this.bands);
    this.prevClass = m.blank;
  }

  get blank(): number {
    return this.model.meta.blank;
  }

  /** Frames received so far. */
  get received(): number {
    return this.frames;
  }

  /**
   * Counts the next frame of the stream (every frame, in order); when it completes `stepsPerRun`
   * steps and `active` is true, runs the model on the window's frames (asked of `melOf`, so
   * silence costs no features) and returns those steps' spikes, oldest first. Inactive steps count
   * as blank (silence).
   */
  async push(melOf: (frame: number) => Float32Array, active: boolean): Promise<Spike[]> {
    const B = this.bands;
    const index = this.frames++;
    if (this.frames % (this.stride * this.stepsPerRun) !== 0) return [];
    if (!active) {
      this.prevClass = this.blank;
      this.stepsSinceSpike += this.stepsPerRun;
      return [];
    }
    // Oldest frame first; before the stream has a window's worth, the first frame stands in for the past.
    const first = this.frames - this.window;
    for (let k = 0; k < this.window; k++) {
      const f = Math.max(first + k, 0);
      this.input.set(melOf(f), k * B);
    }
    const out = await this.model.probs(this.input, this.window);
    const C = this.model.meta.labels.length;
    const spikes: Spike[] = [];
    const steps = out.length / C;
    for (let k = this.stepsPerRun - 1; k >= 0; k--) {
      this.lastStep = Float32Array.from(out.subarray((steps - 1 - k) * C, (steps - k) * C));
      const s = this.step(this.lastStep, index - k * this.stride);
      if (s) spikes.push(s);
    }
    return spikes;
  }

  /** Greedy CTC over one step's probabilities. */
  step(probs: Float32Array, frame: number): Spike | undefined {
    let best = 0;
    for (let k = 1; k < probs.length; k++) if (probs[k] > probs[best]) best = k;
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
