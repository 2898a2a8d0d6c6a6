/**
 * The live dictation engine: audio source → frames → VAD → early-exit decoder → decisions.
 * The same object serves the microphone, files and tests; it has no editor dependency.
 */
import { EventEmitter } from 'node:events';
import type { AudioSource } from '../audio/source';
import { DigitDictationError, PrototypeStoreError } from '../errors';
import { logMelFrame, toModelInput } from '../features/logmel';
import { FeatureConfig, featureConfigDiff } from '../features/config';
import { bandSaliency, topBands } from '../explain/saliency';
import { argmax, baseModeHead, topN, type ClassifierLike, type DigitVerifier, type ModeHead, type PrototypeSet } from '../model/types';
import { UtteranceDecoder } from './decoder';
import { FrameBuffer, FrameInfo } from './frames';
import { DEFAULT_ENGINE_OPTIONS, EngineOptions, EngineOptionsPatch, mergeOptions } from './options';
import { rejectReason } from './reject';
import type { Decision, EngineState, Hypothesis, LevelEvent, Rejection, Retraction, UtteranceEvent } from './types';
import { EnergyVad } from './vad';
import { SequenceModelLike, Spike, StringDecoder } from './stringDecoder';
import { StringGate } from './stringGate';
import { shiftProbability } from './verifier';
import { periodicity } from './voicing';

export type { EngineOptions, EngineOptionsPatch } from './options';

export class EngineError extends DigitDictationError {}

const DIGIT_COUNT = 10;

export interface EngineEvents {
  decision: [Decision];
  hypothesis: [Hypothesis];
  level: [LevelEvent];
  rejection: [Rejection];
  retraction: [Retraction];
  utterance: [UtteranceEvent];
  state: [EngineState];
  error: [DigitDictationError];
  /** The source ended (end of file, or stop()). */
  end: [];
}

/**
 * Frames kept after the last speech frame in the final decision: the 30 ms margin trimSilence
 * leaves on training clips, so end-of-word features look like what the model was trained on.
 */
const TAIL_FRAMES = 3;

interface Utterance {
  /** First frame of the features (pre-roll included). */
  startFrame: number;
  /** Frame where the VAD heard speech. */
  onsetFrame: number;
  /** Log-mel frames so far, frame-major. */
  data: Float32Array;
  count: number;
  decoder: UtteranceDecoder;
  decision?: Decision;
  /** Why the early decision was withdrawn, once it has been. */
  retracted?: string;
  /** Milliseconds of voiced audio heard so far (VOICING_STRIDE-frame resolution). */
  voicedMs: number;
  /** Highest Silero speech probability of the chunks carrying this utterance (silero sources). */
  speechProb?: number;
  /** Fluent-string state (string model loaded): spikes heard, string or not, digits typed. */
  gate?: StringGate;
  /** The 'utterance' events, held back until the string decoder's tail is over. */
  summary?: UtteranceEvent[];
  /** Whether the utterance may be a string: enough of its first words confirmed (confirmString); undefined while undecided. */
  stringConfirmed?: boolean;
  /** Words of this utterance confirmed so far; undefined until the first word is asked (confirmString). */
  confirmedWords?: number;
  /** Set once the utterance lasted stringStartMs: the string decoder hears it from then on. */
  stringHeard?: boolean;
}

/**
 * Periodicity is measured on every frame (until the rule is met): sampling every third frame
 * missed the short vowel of "six" (measured: 6_lucas_2 rejected with 30 ms voiced).
 */
const VOICING_STRIDE = 1;
/** Normalised autocorrelation above which a frame counts as voiced. */
const VOICED_PERIODICITY = 0.5;

export class DictationEngine extends EventEmitter<EngineEvents> {
  private opts: EngineOptions;
  private store: PrototypeSet | undefined;
  private verifier: DigitVerifier | undefined;
  private readonly cfg: FeatureConfig;
  private vad: EnergyVad;
  private frames: FrameBuffer;
  private utt: Utterance | undefined;
  private source: AudioSource | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;
  private failure: DigitDictationError | undefined;
  private levelPeak = 0;
  private levelFrames = 0;
  private currentState: EngineState = 'idle';
  private lastFrame = 0;
  private stringModel: SequenceModelLike | undefined;
  private strings: StringDecoder | undefined;
  /** The utterance that ended last, while the string decoder may still hear its last digit. */
  private tail: { u: Utterance; untilFrame: number } | undefined;
  /** Log-mel of recent frames, shared by the utterance and the string decoder (computed once, only when asked). */
  private mels: { frame: Int32Array; data: Float32Array } | undefined;

  /**
   * `modeProbs` is the prototype head (enroll/head.ts `modeProbs`); without it the engine runs the
   * base model only and refuses prototypes.
   */
  constructor(
    private readonly classifier: ClassifierLike,
    options: EngineOptionsPatch = {},
    private readonly modeProbs: ModeHead = baseModeHead,
  ) {
    super();
    this.cfg = classifier.meta.featureConfig;
    this.opts = mergeOptions(DEFAULT_ENGINE_OPTIONS, options);
    this.vad = new EnergyVad(this.opts.vad, { hopMs: this.hopMs });
    this.frames = new FrameBuffer(this.cfg.frameSize, this.cfg.hopSize);
  }

  get options(): Readonly<EngineOptions> {
    return this.opts;
  }

  get state(): EngineState {
    return this.currentState;
  }

  get prototypes(): PrototypeSet | undefined {
    return this.store;
  }

  /** Applies option changes live (the next frame sees them). */
  setOptions(patch: EngineOptionsPatch): void {
    this.opts = mergeOptions(this.opts, patch);
    this.vad.setOptions(this.opts.vad);
  }

  /**
   * Installs the user's prototypes (or removes them: modes proto and hybrid then fall back to the
   * base model). Prototypes made with another model are refused.
   */
  setPrototypes(store: PrototypeSet | undefined): void {
    if (store && store.modelId !== this.classifier.meta.modelId) {
      throw new PrototypeStoreError(
        'PROTOTYPES_OTHER_MODEL',
        `prototypes were made with model ${store.modelId}, the engine runs ${this.classifier.meta.modelId}; enroll again`,
      );
    }
    if (store && this.modeProbs === baseModeHead)
      throw new Error('DictationEngine: prototypes need a mode head (enroll/head.ts modeProbs)');
    this.store = store;
  }

  /**
   * Installs the digit/non-digit verifier (see verifier.ts; `loadVerifier()`), or removes it.
   * Without it, non-digit words are only caught by confidence, duration and voicing.
   */
  setVerifier(verifier: DigitVerifier | undefined): void {
    this.verifier = verifier;
  }

  /**
   * Installs the digit-string model (model/sequenceModel.ts), or removes it: without it the
   * engine hears one digit per utterance, as before. Takes effect at the next start().
   */
  setStringModel(model: SequenceModelLike | undefined): void {
    const diff = model ? featureConfigDiff(model.meta.featureConfig, this.cfg) : [];
    if (diff.length)
      throw new EngineError(
        'ENGINE_STRING_MODEL_FEATURES',
        `the string model was trained on other features (${diff.join('; ')}); retrain it`,
      );
    this.stringModel = model;
  }

  /** Starts listening to `source`; resolves once running. Decisions arrive as events. */
  async start(source: AudioSource): Promise<void> {
    if (this.running) throw new EngineError('ENGINE_BUSY', 'the engine is already listening; stop it first');
    if (source.sampleRate !== this.cfg.sampleRate) {
      source.stop();
      throw new EngineError(
        'ENGINE_RATE_MISMATCH',
        `${source.label}: delivers ${source.sampleRate} Hz, the model needs ${this.cfg.sampleRate} Hz; open the source at the model's rate`,
      );
    }
    this.source = source;
    this.stopping = false;
    this.failure = undefined;
    this.vad = new EnergyVad(this.opts.vad, { hopMs: this.hopMs });
    this.frames = new FrameBuffer(this.cfg.frameSize, this.cfg.hopSize);
    this.utt = undefined;
    this.tail = undefined;
    this.strings =
      this.stringModel &&
      new StringDecoder(
        this.stringModel,
        this.opts.stringMinProb,
        this.opts.stringStepsPerRun,
        Math.ceil(this.opts.stringStartMs / (this.hopMs * this.stringModel.meta.stride)) + 1,
      );
    const slots = (this.strings?.window ?? 0) + Math.ceil(this.opts.vad.preRollMs / this.hopMs) + this.cfg.frames + 16;
    this.mels = this.strings && { frame: new Int32Array(slots).fill(-1), data: new Float32Array(slots * this.cfg.melBands) };
    this.setState('listening');
    this.running = this.loop(source).finally(() => {
      this.running = undefined;
      this.source = undefined;
    });
  }

  /** Resolves when the current source has ended (end of file or stop()); rejects with its error. */
  async finished(): Promise<void> {
    await this.running;
    if (this.failure) throw this.failure;
  }

  /** start() + finished(): processes a whole file source. */
  async run(source: AudioSource): Promise<void> {
    await this.start(source);
    await this.finished();
  }

  /** Stops listening and releases the source; an utterance in progress is decided first. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.source?.stop();
    await this.running;
  }

  dispose(): void {
    this.stopping = true;
    this.source?.stop();
    this.removeAllListeners();
  }

  private get hopMs(): number {
    return (this.cfg.hopSize / this.cfg.sampleRate) * 1000;
  }

  private frameStartMs(i: number): number {
    return ((i * this.cfg.hopSize) / this.cfg.sampleRate) * 1000;
  }

  private frameEndMs(i: number): number {
    return ((i * this.cfg.hopSize + this.cfg.frameSize) / this.cfg.sampleRate) * 1000;
  }

  private setState(s: EngineState): void {
    if (s === this.currentState) return;
    this.currentState = s;
    this.emit('state', s);
  }

  private async loop(source: AudioSource): Promise<void> {
    try {
      for await (const chunk of source.chunks()) {
        this.frames.push(chunk.samples);
        for (const f of this.frames.frames(chunk.speechProb)) await this.onFrame(f);
        this.frames.discardBefore(this.keepFrom());
        if (this.stopping) break;
      }
      const end = this.vad.flush();
      if (end && this.utt) await this.finishUtterance(end.lastSpeechFrame, end.tooShort, this.lastFrame);
      this.closeTail();
    } catch (err) {
      this.failure =
        err instanceof DigitDictationError
          ? err
          : new EngineError('ENGINE_FAILED', `dictation stopped: ${(err as Error)?.message ?? err}`, { cause: err });
      if (this.listenerCount('error') > 0) this.emit('error', this.failure);
    } finally {
      source.stop();
      this.utt = undefined;
      this.setState('idle');
      this.emit('end');
    }
  }

  /** Oldest frame still needed: the utterance's start, or the pre-roll before the next onset. */
  private keepFrom(): number {
    const next = Math.floor((this.frames.received - this.cfg.frameSize) / this.cfg.hopSize) + 1;
    // The string decoder looks back a window of frames from wherever speech starts.
    const strings = this.strings ? next - this.strings.window - 2 : Infinity;
    if (this.utt) return Math.max(0, Math.min(this.utt.startFrame, strings));
    return Math.max(0, Math.min(next - Math.ceil(this.opts.vad.preRollMs / this.hopMs) - 2, strings));
  }

  /** Log-mel of frame `i`, computed on first use (with a string model; a view valid until reuse of its slot). */
  private melOf(i: number): Float32Array {
    const m = this.mels!;
    const B = this.cfg.melBands;
    const slot = i % m.frame.length;
    const out = m.data.subarray(slot * B, (slot + 1) * B);
    if (m.frame[slot] !== i) {
      logMelFrame(this.frames.frame(i), this.cfg, out);
      m.frame[slot] = i;
    }
    return out;
  }

  private async onFrame(f: FrameInfo): Promise<void> {
    this.lastFrame = f.index;
    const ev = this.vad.push(f.index, f);
    this.level(f);
    if (ev.type === 'start') {
      this.closeTail();
      const maxFrames = Math.ceil(this.opts.reject.maxWordMs / this.hopMs) + this.cfg.frames + 8;
      this.utt = {
        startFrame: ev.startFrame,
        onsetFrame: f.index,
        data: new Float32Array(maxFrames * this.cfg.melBands),
        count: 0,
        decoder: new UtteranceDecoder(() => this.opts),
        voicedMs: 0,
      };
      if (this.strings) this.utt.gate = this.newGate(this.utt);
      for (let i = ev.startFrame; i < f.index; i++) this.addFrame(this.utt, i);
      this.setState('speech');
    }
    await this.hearString(f.index);
    const u = this.utt;
    if (!u) return;
    if (f.speechProb !== undefined) u.speechProb = Math.max(u.speechProb ?? 0, f.speechProb);
    this.addFrame(u, f.index);
    const elapsedMs = this.frameEndMs(f.index) - this.frameStartMs(u.onsetFrame);
    if (u.decoder.frameArrived() && u.count <= this.cfg.frames && elapsedMs >= this.opts.eeMinMs && !u.gate?.string)
      await this.check(u, f.index);
    // A digit is over by now: speech running on past a word's length was a phrase, not a digit,
    // unless it may still become a string (its confirmation undecided), for stringWaitMs more.
    const wait = u.gate && u.stringConfirmed === undefined ? this.opts.stringWaitMs : 0;
    if (u.decision && !u.retracted && !u.gate?.string && elapsedMs > this.opts.reject.maxWordMs + wait)
      this.retract(u, f.index, `too long for one digit (over ${this.opts.reject.maxWordMs + wait} ms)${this.notAString(u)}`);
    if (ev.type === 'end') await this.finishUtterance(ev.lastSpeechFrame, ev.tooShort, f.index);
  }

  /** Why a long utterance with a string model is not a string, for the withdrawal's reason (logs). */
  private notAString(u: Utterance): string {
    if (!u.gate) return '';
    const heard = u.gate.heard.map((s) => s.digit).join('');
    if (!u.stringHeard) return '; the string decoder had not started';
    if (heard.length < 2) return `; the string decoder heard ${heard ? `only "${heard}"` : 'no digit'}`;
    return `; the string decoder heard "${heard}", ${u.confirmedWords ?? 0} of its words confirmed (${this.opts.stringConfirmWords} needed)`;
  }

  /** Feeds the frame to the string decoder; a spike goes to the utterance it belongs to. */
  private async hearString(index: number): Promise<void> {
    if (!this.strings) return;
    if (this.tail && index > this.tail.untilFrame) this.closeTail();
    const owner = this.utt ?? this.tail?.u;
    const u = this.utt;
    if (u && !u.stringHeard && (index - u.onsetFrame + 1) * this.hopMs >= this.opts.stringStartMs) u.stringHeard = true;
    // After the utterance (its tail), only a decoder that already heard it goes on.
    const listen = owner?.stringHeard ? 'on' : owner === u && u ? 'wait' : 'off';
    for (const spike of await this.strings.push((i) => this.melOf(i), listen)) if (owner?.gate) await this.onSpike(owner, spike);
  }

  private async onSpike(owner: Utterance, spike: Spike): Promise<void> {
    if (!owner.gate) return;
    // Asked only once a further digit makes a string possible: isolated words never pay for it.
    const heard = owner.gate.heard;
    const prev = heard[heard.length - 1];
    if (
      prev &&
      owner.stringConfirmed === undefined &&
      !owner.gate.string &&
      (spike.frame - prev.frame) * this.hopMs >= this.opts.stringMinGapMs
    )
      owner.stringConfirmed = await this.confirmString(owner, heard.length, prev, spike);
    owner.gate.onSpike(spike);
  }

  /**
   * Whether the utterance may become a string now that word `k + 1` spiked: `stringConfirmWords`
   * of its first `stringConfirmTries + 1` words must be confirmed by the classifier and verifier
   * (with `stringConfirmFirst`, the first word among them). Undefined: not decided yet.
   */
  private async confirmString(u: Utterance, k: number, prev: Spike, spike: Spike): Promise<boolean | undefined> {
    const o = this.opts;
    if (o.stringConfirmWords === 0) return true;
    if (u.confirmedWords === undefined) {
      u.confirmedWords = (await this.firstWordIsDigit(u, u.gate!.heard[0])) ? 1 : 0;
      if (u.confirmedWords === 0 && o.stringConfirmFirst) return false;
    }
    if (u.confirmedWords < o.stringConfirmWords && (await this.wordIsDigit(u, prev.frame + 1, spike))) u.confirmedWords++;
    const confirmed = u.confirmedWords;
    if (confirmed >= o.stringConfirmWords) return true;
    // Words asked so far: k + 1 of the first stringConfirmTries + 1.
    return o.stringConfirmWords - confirmed > o.stringConfirmTries - k ? false : undefined;
  }

  /**
   * The word classifier's second opinion on the first digit the string decoder hears, which a
   * string needs: the string model alone spikes on ordinary sentences (the first trained model
   * typed 160 digits per 10 min of bench:stream's sentences), while the classifier and the
   * verifier reject most of them. An early digit of the classifier counts as yes (it passed the
   * verifier); otherwise the classifier hears the utterance up to the spike and must name the same
   * digit, confidently, and the verifier agree.
   */
  private async firstWordIsDigit(u: Utterance, spike: Spike): Promise<boolean> {
    if (u.decision && !u.retracted) return true;
    return this.wordIsDigit(u, u.startFrame, spike);
  }

  /**
   * Whether frames `from` … the spike are the spike's digit: the verifier at
   * stringConfirmVerifierProb, and the classifier (naming it at stringConfirmProb) unless that is 0.
   * Two words are asked, not one: two digit words in a row are rarer in ordinary speech than one
   * (bench:stream's noisy sentences still typed strings with the first word checked alone).
   */
  private async wordIsDigit(u: Utterance, from: number, spike: Spike): Promise<boolean> {
    const bands = this.cfg.melBands;
    const a = Math.max(0, from - u.startFrame);
    const b = Math.min(spike.frame + TAIL_FRAMES - u.startFrame + 1, u.count);
    if (b - a < 5) return false;
    const features = toModelInput(u.data.subarray(a * bands, b * bands), b - a, this.cfg);
    const p = this.opts.stringConfirmProb;
    if (p > 0) {
      const r = await this.classify(features);
      if (argmax(r.probs) !== spike.digit || r.probs[spike.digit] < p) return false;
    }
    // Like an early check, the verifier hears a word cut where the next begins.
    return (await this.verify(features, spike.digit, this.opts.stringConfirmVerifierProb)) === undefined;
  }

  private newGate(u: Utterance): StringGate {
    return new StringGate(
      {
        typeDigit: (spike, index) => this.typeStringDigit(u, spike, index),
        withdraw: (decision, reason) => {
          if (decision === u.decision && !u.retracted) u.retracted = reason;
          this.emit('retraction', { decision, timeMs: this.frameEndMs(this.lastFrame), reason });
        },
        mayBeString: () =>
          u.stringConfirmed === true &&
          u.voicedMs >= this.opts.reject.minVoicedMs &&
          (this.opts.vad.kind !== 'silero' || (u.speechProb ?? 0) >= this.opts.vad.sileroThreshold),
      },
      { minSpikeGapMs: this.opts.stringMinGapMs, hopMs: this.hopMs },
    );
  }

  private typeStringDigit(u: Utterance, spike: Spike, index: number): Decision {
    const prev = index > 0 ? u.gate?.typed[index - 1]?.decision : undefined;
    // Typed now, not at the step that heard it: a run covers several steps, and a string's first
    // digits wait for its confirmation.
    const decisionMs = this.frameEndMs(Math.max(spike.frame, this.lastFrame));
    const d: Decision = {
      digit: spike.digit,
      confidence: spike.prob,
      startMs: prev ? prev.endMs : this.frameStartMs(u.onsetFrame),
      decisionMs,
      endMs: this.frameEndMs(spike.frame),
      earlyExit: false,
      top: topN(spike.probs.subarray(0, DIGIT_COUNT), 3),
      why: [],
      mode: 'base',
      stringIndex: index,
    };
    this.emit('decision', d);
    return d;
  }

  /** Emits the held-back 'utterance' events of the last utterance: one per digit for a string. */
  private closeTail(): void {
    const t = this.tail;
    this.tail = undefined;
    if (!t) return;
    const { u } = t;
    if (u.gate?.string) {
      const typed = u.gate.typed;
      const ends = typed.map(({ decision, spike }) => (spike ? this.frameEndMs(spike.frame) : decision.endMs));
      typed.forEach(({ decision }, i) => {
        const startMs = i > 0 ? ends[i - 1] : this.frameStartMs(u.onsetFrame);
        const endMs = ends[i];
        this.emit('utterance', { startMs, endMs, decision: { ...decision, startMs, endMs, stringIndex: i } });
      });
      return;
    }
    for (const e of u.summary ?? []) this.emit('utterance', e);
  }

  /** Log-mel of one more frame; frames past the buffer's capacity (over-long utterances) are not needed. */
  private addFrame(u: Utterance, index: number): void {
    const bands = this.cfg.melBands;
    if ((u.count + 1) * bands > u.data.length) return;
    const frame = this.frames.frame(index);
    const into = u.data.subarray(u.count * bands, (u.count + 1) * bands);
    // With a string model the log-mel is shared with the string decoder (computed once).
    if (this.mels) into.set(this.melOf(index));
    else logMelFrame(frame, this.cfg, into);
    u.count++;
    // Once there is enough voice to pass the rejection rule, more measuring changes nothing.
    const needVoice = u.voicedMs < this.opts.reject.minVoicedMs;
    // Only "voiced or not" matters here, so the lag search may stop at the first peak over the threshold.
    if (
      needVoice &&
      index % VOICING_STRIDE === 0 &&
      periodicity(frame, this.cfg.sampleRate, undefined, undefined, VOICED_PERIODICITY) >= VOICED_PERIODICITY
    )
      u.voicedMs += VOICING_STRIDE * this.hopMs;
  }

  private level(f: FrameInfo): void {
    this.levelPeak = Math.max(this.levelPeak, f.power);
    if (++this.levelFrames * this.hopMs < this.opts.levelEveryMs) return;
    const event: LevelEvent = {
      timeMs: this.frameEndMs(f.index),
      rmsDb: 10 * Math.log10(this.levelPeak + 1e-12),
      vad: this.vad.state === 'silence' ? 'silence' : 'speech',
    };
    this.levelPeak = 0;
    this.levelFrames = 0;
    this.emit('level', event);
  }

  private async classify(features: Float32Array) {
    const c = await this.classifier.classify(features);
    const m = this.modeProbs(this.opts.mode, c.probs, c.embedding, this.store, this.opts.hybridWeight);
    return { ...m, embedding: c.embedding, baseProbs: c.probs };
  }

  /** One early-exit check on the utterance so far. */
  private async check(u: Utterance, frame: number): Promise<void> {
    const features = toModelInput(u.data, u.count, this.cfg);
    const r = await this.classify(features);
    const digit = argmax(r.probs);
    const durationMs = this.frameEndMs(frame) - this.frameStartMs(u.onsetFrame);
    let reason = rejectReason(
      {
        confidence: r.probs[digit],
        durationMs,
        voicedMs: u.voicedMs,
        speechProb: this.sileroProb(u),
        final: false,
        prototypeCosine: r.cosines?.[digit],
      },
      this.opts.reject,
      this.opts.vad,
    );
    // The verifier hears only the check that would decide (the last of eeConsec confident ones): a
    // veto there is a miss and the run starts over. Asking it on every confident check cost a third
    // of the engine's CPU for the same decisions.
    if (!reason && u.decoder.wouldDecide(r.probs)) reason = await this.verify(features, digit, this.opts.reject.minDigitProbEarly);
    const out = u.decoder.check(r.probs, reason === undefined);
    this.emit('hypothesis', { timeMs: this.frameEndMs(frame), probs: Array.from(r.probs), consecutive: out.consecutive });
    if (out.type !== 'decide') return;
    u.decision = await this.decision(u, features, r.probs, r.mode, frame, frame, true, r.cosines);
    u.gate?.classifierTyped(u.decision);
    this.emit('decision', u.decision);
  }

  /** The Silero score that counts for this utterance: only with vad.kind 'silero'. */
  private sileroProb(u: Utterance): number | undefined {
    return this.opts.vad.kind === 'silero' ? (u.speechProb ?? 0) : undefined;
  }

  /** The verifier's objection to taking the input for `digit`, if any. */
  private async verify(features: Float32Array, digit: number, min = this.opts.reject.minDigitProb): Promise<string | undefined> {
    if (!this.verifier) return undefined;
    // An enrolled user's adapted head lifts the verifier for their own voice (enroll/adapt.ts).
    const shift = this.opts.mode === 'adapted' ? (this.store?.head?.verifierShift[digit] ?? 0) : 0;
    const p = shiftProbability(await this.verifier.digitProbability(features, digit), shift);
    return !(p >= min) ? `not a digit word (verifier ${p.toFixed(2)} < ${min})` : undefined;
  }

  private async finishUtterance(lastSpeechFrame: number, tooShort: boolean, nowFrame: number): Promise<void> {
    const u = this.utt;
    this.utt = undefined;
    this.setState(this.stopping ? this.currentState : 'listening');
    if (!u) return;
    u.summary = [];
    // An utterance the string decoder never heard has no spike to wait for.
    const tailFrames = this.strings && u.stringHeard ? Math.round(this.opts.stringTailMs / this.hopMs) : 0;
    this.tail = { u, untilFrame: nowFrame + tailFrames };
    const emitUtterance = (e: UtteranceEvent) => {
      if (tailFrames > 0) u.summary!.push(e);
      else this.emit('utterance', e);
    };
    try {
      await this.decideUtterance(u, lastSpeechFrame, tooShort, nowFrame, emitUtterance);
    } finally {
      if (tailFrames === 0) this.tail = undefined;
    }
  }

  /** The word classifier's part at an utterance's end: the second look at an early digit, or the final decision. */
  private async decideUtterance(
    u: Utterance,
    lastSpeechFrame: number,
    tooShort: boolean,
    nowFrame: number,
    emitUtterance: (e: UtteranceEvent) => void,
  ): Promise<void> {
    if (u.gate?.string) return;
    const startMs = this.frameStartMs(u.onsetFrame);
    const endMs = this.frameEndMs(lastSpeechFrame);
    if (u.decision && !u.retracted && this.opts.reject.retract) {
      // The early decision heard a few hundred ms; now the verifier hears the whole utterance.
      const objection = await this.verify(this.wholeUtterance(u, lastSpeechFrame), u.decision.digit);
      if (objection) this.retract(u, nowFrame, objection);
    }
    if (u.decision && u.retracted) {
      const rejection: Rejection = {
        startMs,
        endMs,
        reason: `withdrew the early "${u.decision.digit}": ${u.retracted}`,
        top: u.decision.top,
      };
      emitUtterance({ startMs, endMs, rejection, retracted: { ...u.decision, endMs } });
      return;
    }
    if (u.decision) {
      emitUtterance({ startMs, endMs, decision: { ...u.decision, endMs } });
      return;
    }
    const reject = (reason: string, top: Array<[number, number]>) => {
      const rejection: Rejection = { startMs, endMs, reason, top };
      this.emit('rejection', rejection);
      emitUtterance({ startMs, endMs, rejection });
    };
    if (tooShort) return reject(`too short for a word (click or noise)`, []);
    const features = this.wholeUtterance(u, lastSpeechFrame);
    const r = await this.classify(features);
    const digit = argmax(r.probs);
    const reason =
      rejectReason(
        {
          confidence: r.probs[digit],
          durationMs: endMs - startMs,
          voicedMs: u.voicedMs,
          speechProb: this.sileroProb(u),
          final: true,
          prototypeCosine: r.cosines?.[digit],
        },
        this.opts.reject,
        this.opts.vad,
      ) ?? (await this.verify(features, digit));
    if (reason) return reject(reason, topN(r.probs, 3));
    const decision = await this.decision(u, features, r.probs, r.mode, lastSpeechFrame, nowFrame, false, r.cosines);
    decision.endMs = endMs;
    u.decoder.markDecided(decision.digit);
    u.decision = decision;
    u.gate?.classifierTyped(decision);
    this.emit('decision', decision);
    emitUtterance({ startMs, endMs, decision });
  }

  /** Model input for the utterance up to its last speech frame plus the trained-on tail. */
  private wholeUtterance(u: Utterance, lastSpeechFrame: number): Float32Array {
    return toModelInput(u.data, Math.min(lastSpeechFrame + TAIL_FRAMES - u.startFrame + 1, u.count), this.cfg);
  }

  /** Withdraws an early-exit decision (once per utterance). */
  private retract(u: Utterance, frame: number, reason: string): void {
    if (!u.decision || u.retracted || !this.opts.reject.retract) return;
    u.retracted = reason;
    u.gate?.classifierWithdrawn();
    this.emit('retraction', { decision: u.decision, timeMs: this.frameEndMs(frame), reason });
  }

  private async decision(
    u: Utterance,
    features: Float32Array,
    probs: Float32Array,
    mode: Decision['mode'],
    lastFrame: number,
    decisionFrame: number,
    earlyExit: boolean,
    cosines: Float32Array | undefined,
  ): Promise<Decision> {
    const digit = argmax(probs);
    const decisionMs = this.frameEndMs(decisionFrame);
    const d: Decision = {
      digit,
      confidence: probs[digit],
      startMs: this.frameStartMs(u.onsetFrame),
      decisionMs,
      endMs: earlyExit ? decisionMs : this.frameEndMs(lastFrame),
      earlyExit,
      top: topN(probs, 3),
      why: [],
      mode,
    };
    if (cosines && !Number.isNaN(cosines[digit])) d.prototypeCosine = cosines[digit];
    if (this.opts.explain) {
      const probsOf = (c: { probs: Float32Array; embedding: Float32Array }) =>
        this.modeProbs(this.opts.mode, c.probs, c.embedding, this.store, this.opts.hybridWeight).probs;
      d.saliency = await bandSaliency(this.classifier, features, digit, probsOf);
      d.why = topBands(d.saliency, this.opts.whyBands, this.cfg.melBands);
    }
    return d;
  }
}
