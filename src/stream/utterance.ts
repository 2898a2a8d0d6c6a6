/**
 * One utterance as the engine hears it: its log-mel frames from the pre-roll on, the voiced time
 * measured as they arrive, its state in the word and string paths, and the model inputs cut from it.
 */
import type { FeatureConfig } from '../features/config';
import { logMelFrame, toModelInput } from '../features/logmel';
import { UtteranceDecoder } from './decoder';
import type { FrameBuffer } from './frames';
import type { MelRing } from './melRing';
import type { EngineOptions } from './options';
import type { StringGate } from './stringGate';
import type { Decision, UtteranceEvent } from './types';
import { periodicity } from './voicing';

/**
 * Frames kept after the last speech frame in the final decision: the 30 ms margin trimSilence
 * leaves on training clips, so end-of-word features look like what the model was trained on.
 */
export const TAIL_FRAMES = 3;

/**
 * Periodicity is measured on every frame (until the rule is met): sampling every third frame
 * missed the short vowel of "six" (measured: 6_lucas_2 rejected with 30 ms voiced).
 */
const VOICING_STRIDE = 1;
/** Normalised autocorrelation above which a frame counts as voiced. */
const VOICED_PERIODICITY = 0.5;

export interface Utterance {
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
  /** Which of its words were confirmed (by index), so a word asked again (stringConfirmDefer) counts once. */
  wordConfirmed?: boolean[];
  /** Its words can no longer confirm it as a string (sure spikes still may). */
  wordsRefused?: boolean;
  /** Set once the utterance lasted stringStartMs: the string decoder hears it from then on. */
  stringHeard?: boolean;
}

/** Where an utterance's frames come from: the stream's samples, and the shared log-mel ring when there is one. */
export interface StreamFrames {
  readonly cfg: FeatureConfig;
  readonly hopMs: number;
  readonly samples: FrameBuffer;
  /** With a string model: the log-mel is shared with the string decoder (computed once). */
  readonly mels: MelRing | undefined;
}

/** A new utterance heard from `onsetFrame`, its features from `startFrame`; no frame added yet. */
export function createUtterance(startFrame: number, onsetFrame: number, options: () => EngineOptions, s: StreamFrames): Utterance {
  const maxFrames = Math.ceil(options().reject.maxWordMs / s.hopMs) + s.cfg.frames + 8;
  return {
    startFrame,
    onsetFrame,
    data: new Float32Array(maxFrames * s.cfg.melBands),
    count: 0,
    decoder: new UtteranceDecoder(options),
    voicedMs: 0,
  };
}

/** Log-mel of one more frame; frames past the buffer's capacity (over-long utterances) are not needed. */
export function addFrame(u: Utterance, index: number, s: StreamFrames, minVoicedMs: number): void {
  const bands = s.cfg.melBands;
  if ((u.count + 1) * bands > u.data.length) return;
  const frame = s.samples.frame(index);
  const into = u.data.subarray(u.count * bands, (u.count + 1) * bands);
  // With a string model the log-mel is shared with the string decoder (computed once).
  if (s.mels) into.set(s.mels.of(index));
  else logMelFrame(frame, s.cfg, into);
  u.count++;
  // Once there is enough voice to pass the rejection rule, more measuring changes nothing.
  const needVoice = u.voicedMs < minVoicedMs;
  // Only "voiced or not" matters here, so the lag search may stop at the first peak over the threshold.
  if (
    needVoice &&
    index % VOICING_STRIDE === 0 &&
    periodicity(frame, s.cfg.sampleRate, undefined, undefined, VOICED_PERIODICITY) >= VOICED_PERIODICITY
  )
    u.voicedMs += VOICING_STRIDE * s.hopMs;
}

/** Model input for the utterance so far (an early-exit check). */
export function inputSoFar(u: Utterance, cfg: FeatureConfig): Float32Array {
  return toModelInput(u.data, u.count, cfg);
}

/** Model input for the utterance up to its last speech frame plus the trained-on tail. */
export function wholeUtterance(u: Utterance, lastSpeechFrame: number, cfg: FeatureConfig): Float32Array {
  return toModelInput(u.data, Math.min(lastSpeechFrame + TAIL_FRAMES - u.startFrame + 1, u.count), cfg);
}

/** Model input for one word of the utterance: frames `from` … `spikeFrame` plus the tail; undefined under 5 frames. */
export function wordInput(u: Utterance, from: number, spikeFrame: number, cfg: FeatureConfig): Float32Array | undefined {
  const bands = cfg.melBands;
  const a = Math.max(0, from - u.startFrame);
  const b = Math.min(spikeFrame + TAIL_FRAMES - u.startFrame + 1, u.count);
  if (b - a < 5) return undefined;
  return toModelInput(u.data.subarray(a * bands, b * bands), b - a, cfg);
}
