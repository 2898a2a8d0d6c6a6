/**
 * The live dictation engine: audio source → frames → VAD → utterance (utterance.ts) → the
 * isolated-word path (wordDecider.ts: early-exit classifier, rejection and verifier → decisions);
 * beside it, with a string model, the fluent-string path (stringListener.ts). The same object
 * serves the microphone, files and tests; it has no editor dependency.
 */
import { EventEmitter } from 'node:events';
import type { AudioSource } from '../audio/source';
import { DigitDictationError, PrototypeStoreError } from '../errors';
import { FeatureConfig, featureConfigDiff } from '../features/config';
import { baseModeHead, type ClassifierLike, type DigitVerifier, type ModeHead, type PrototypeSet } from '../model/types';
import { FrameBuffer, FrameInfo } from './frames';
import { MelRing } from './melRing';
import { DEFAULT_ENGINE_OPTIONS, EngineOptions, EngineOptionsPatch, mergeOptions } from './options';
import type { SequenceModelLike } from './stringDecoder';
import { StringListener, StringListenerHost } from './stringListener';
import type { Decision, EngineState, Hypothesis, LevelEvent, Rejection, Retraction, UtteranceEvent } from './types';
import { addFrame, createUtterance, StreamFrames, Utterance } from './utterance';
import { EnergyVad } from './vad';
import { WordDecider, WordDeciderHost } from './wordDecider';

export type { EngineOptions, EngineOptionsPatch } from './options';

export class EngineError extends DigitDictationError {}

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
  private strings: StringListener | undefined;
  private readonly words: WordDecider;
  /** The stream's samples and, with a string model, the log-mel ring shared by the utterance and the string decoder. */
  private streamFrames: StreamFrames | undefined;

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
    this.frames = new FrameBuffer(this.cfg.frameSize, this.cfg.hopSize, undefined, this.cfg.sampleRate);
    this.words = new WordDecider(this.wordHost());
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
    this.frames = new FrameBuffer(this.cfg.frameSize, this.cfg.hopSize, undefined, this.cfg.sampleRate);
    this.utt = undefined;
    this.strings = this.stringModel && new StringListener(this.stringModel, this.stringHost());
    const slots = (this.strings?.window ?? 0) + Math.ceil(this.opts.vad.preRollMs / this.hopMs) + this.cfg.frames + 16;
    const mels = this.strings && new MelRing(this.frames, this.cfg, slots);
    this.streamFrames = { cfg: this.cfg, hopMs: this.hopMs, samples: this.frames, mels };
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
      await this.strings?.closeTail();
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

  /** What the string path needs of the engine. */
  private stringHost(): StringListenerHost {
    return {
      cfg: this.cfg,
      hopMs: this.hopMs,
      options: () => this.opts,
      lastFrame: () => this.lastFrame,
      frameStartMs: (i) => this.frameStartMs(i),
      frameEndMs: (i) => this.frameEndMs(i),
      melOf: (i) => this.streamFrames!.mels!.of(i),
      classify: (features) => this.words.classify(features),
      enrolled: () => this.store !== undefined && this.opts.mode !== 'base',
      stringHead: () => {
        const h = this.store?.stringHead;
        return this.opts.mode === 'adapted' && h && h.modelId === this.stringModel?.meta.modelId ? h : undefined;
      },
      verify: (features, digit, min, maxShift) => this.words.verify(features, digit, min, maxShift),
      explain: (features, digit) => this.words.explain(features, digit),
      emit: this.emit.bind(this),
    };
  }

  /** What the word path needs of the engine. */
  private wordHost(): WordDeciderHost {
    return {
      cfg: this.cfg,
      classifier: this.classifier,
      modeProbs: this.modeProbs,
      options: () => this.opts,
      prototypes: () => this.store,
      verifier: () => this.verifier,
      frameStartMs: (i) => this.frameStartMs(i),
      frameEndMs: (i) => this.frameEndMs(i),
      emit: this.emit.bind(this),
    };
  }

  private async onFrame(f: FrameInfo): Promise<void> {
    this.lastFrame = f.index;
    const ev = this.vad.push(f.index, f);
    this.level(f);
    if (ev.type === 'start') {
      await this.strings?.closeTail();
      this.utt = createUtterance(ev.startFrame, f.index, () => this.opts, this.streamFrames!);
      if (this.strings) this.utt.gate = this.strings.newGate(this.utt);
      for (let i = ev.startFrame; i < f.index; i++) addFrame(this.utt, i, this.streamFrames!, this.opts.reject.minVoicedMs);
      this.setState('speech');
    }
    if (this.strings) await this.strings.hear(f.index, this.utt);
    const u = this.utt;
    if (!u) return;
    if (f.speechProb !== undefined) u.speechProb = Math.max(u.speechProb ?? 0, f.speechProb);
    addFrame(u, f.index, this.streamFrames!, this.opts.reject.minVoicedMs);
    const elapsedMs = this.frameEndMs(f.index) - this.frameStartMs(u.onsetFrame);
    if (u.decoder.frameArrived() && u.count <= this.cfg.frames && elapsedMs >= this.opts.eeMinMs && !u.gate?.string)
      await this.words.check(u, f.index);
    // A digit is over by now: speech running on past a word's length was a phrase, not a digit,
    // unless it may still become a string (its confirmation undecided), for stringWaitMs more.
    const wait = u.gate && u.stringConfirmed === undefined ? this.opts.stringWaitMs : 0;
    if (u.decision && !u.retracted && !u.gate?.string && elapsedMs > this.opts.reject.maxWordMs + wait)
      this.words.retract(
        u,
        f.index,
        `too long for one digit (over ${this.opts.reject.maxWordMs + wait} ms)${this.strings?.notAString(u) ?? ''}`,
      );
    if (ev.type === 'end') await this.finishUtterance(ev.lastSpeechFrame, ev.tooShort, f.index);
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

  private async finishUtterance(lastSpeechFrame: number, tooShort: boolean, nowFrame: number): Promise<void> {
    const u = this.utt;
    this.utt = undefined;
    this.setState(this.stopping ? this.currentState : 'listening');
    if (!u) return;
    u.summary = [];
    const tailFrames = this.strings?.holdTail(u, nowFrame) ?? 0;
    const emitUtterance = (e: UtteranceEvent) => {
      if (tailFrames > 0) u.summary!.push(e);
      else this.emit('utterance', e);
    };
    await this.words.decideUtterance(u, lastSpeechFrame, tooShort, nowFrame, emitUtterance);
  }
}
