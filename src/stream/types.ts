import type { BandSaliency, RecognitionMode } from '../model/types';

/** One recognised digit, as emitted by the streaming engine (CLI JSON line, editor, panel). */
export interface Decision {
  digit: number;
  confidence: number;
  /** Times in ms from the start of the stream. */
  startMs: number;
  decisionMs: number;
  endMs: number;
  /** True when the decoder decided while the word was still being spoken. */
  earlyExit: boolean;
  /** Top three [digit, probability] pairs, best first. */
  top: Array<[number, number]>;
  /** Most salient feature bands, best first. */
  why: BandSaliency[];
  /** Full per-band saliency (one score per feature band), for the heat strip. */
  saliency?: number[];
  mode: RecognitionMode;
  /** With prototypes loaded: cosine between this utterance's embedding and the digit's prototype. */
  prototypeCosine?: number;
  /**
   * Position in a fluent string (0 = its first digit) when the string decoder typed it; the
   * editor makes a string one undo step. Times of such digits are estimates: `endMs` is the spike
   * (CTC decides near a word's end), `startMs` the previous digit's spike or the utterance onset.
   */
  stringIndex?: number;
}

/** Live progress while a word is being spoken (panel confidence bars). */
export interface Hypothesis {
  timeMs: number;
  probs: number[];
  consecutive: number;
}

export type VadState = 'silence' | 'speech';

export interface LevelEvent {
  timeMs: number;
  /** RMS in dBFS. */
  rmsDb: number;
  vad: VadState;
}

/** An utterance the rejection rule threw away (noise, cough, non-digit speech). */
export interface Rejection {
  startMs: number;
  endMs: number;
  reason: string;
  top: Array<[number, number]>;
}

/**
 * An early-exit digit withdrawn once the rest of the utterance showed it was no digit: the
 * utterance ran on past a word's length, or the verifier, hearing the whole of it, said it was not
 * a digit word. The editor deletes the digit it typed (if the text is still as it left it).
 */
export interface Retraction {
  decision: Decision;
  /** When the engine withdrew it, ms from the start of the stream. */
  timeMs: number;
  reason: string;
}

/** Engine state for the status bar: not started, waiting for speech, hearing speech. */
export type EngineState = 'idle' | 'listening' | 'speech';

/**
 * One utterance, reported when it ends. A 'decision' event fires as soon as the digit is known
 * (before the word ends, on early exit), when the word's end is not yet known: its `endMs` then
 * equals `decisionMs`. This event repeats the decision with the true `endMs`, or carries the
 * rejection; file transcription prints these.
 */
export interface UtteranceEvent {
  startMs: number;
  endMs: number;
  decision?: Decision;
  rejection?: Rejection;
  /** Set (with `rejection`) when an early-exit decision was typed and then withdrawn. */
  retracted?: Decision;
}
