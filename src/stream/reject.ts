/**
 * The rejection rule: what must hold for an utterance to type a digit. Noise, coughs, clicks and
 * non-digit speech fail one of these; each failure names its reason for the panel and the logs.
 */
import type { RejectOptions, VadOptions } from './options';

export interface RejectInput {
  confidence: number;
  /** Utterance length so far (early exit) or in full (end). */
  durationMs: number;
  /** Voiced (periodic) audio in the utterance so far, ms. */
  voicedMs?: number;
  /** Highest Silero speech probability over the utterance (VAD kind 'silero' only). */
  speechProb?: number;
  /** True when the utterance is over: only then can it be too long. */
  final: boolean;
  /** Cosine to the decided digit's prototype, when prototypes are loaded for that digit. */
  prototypeCosine?: number;
}

/** The reason to reject, or undefined to accept. */
export function rejectReason(x: RejectInput, o: RejectOptions, vad?: Pick<VadOptions, 'sileroThreshold'>): string | undefined {
  // Every rule is written as "!(value passes)", so a NaN anywhere rejects instead of slipping through.
  if (!Number.isFinite(x.confidence)) return 'the model gave no usable probability (not a number): broken model or audio';
  if (!(x.durationMs >= o.minWordMs)) return `too short (${Math.round(x.durationMs)} ms < ${o.minWordMs} ms)`;
  if (x.final && !(x.durationMs <= o.maxWordMs)) return `too long for one digit (${Math.round(x.durationMs)} ms > ${o.maxWordMs} ms)`;
  if (x.voicedMs !== undefined && !(x.voicedMs >= o.minVoicedMs))
    return `no voice in it (${Math.round(x.voicedMs)} ms voiced < ${o.minVoicedMs} ms): noise, not a word`;
  if (vad && x.speechProb !== undefined && !(x.speechProb >= vad.sileroThreshold))
    return `Silero hears no speech (${x.speechProb.toFixed(2)} < ${vad.sileroThreshold})`;
  if (!(x.confidence >= o.minConfidence)) return `low confidence (${x.confidence.toFixed(2)} < ${o.minConfidence})`;
  // A missing cosine (NaN: the digit has no prototype) is no objection; a present one must pass.
  if (x.prototypeCosine !== undefined && !Number.isNaN(x.prototypeCosine) && !(x.prototypeCosine >= o.minPrototypeCosine)) {
    return `far from the enrolled voice (cosine ${x.prototypeCosine.toFixed(2)} < ${o.minPrototypeCosine})`;
  }
  return undefined;
}
