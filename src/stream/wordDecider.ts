/**
 * The engine's isolated-word path: early-exit checks on an utterance in progress, the decision
 * (or rejection, or withdrawal of an early digit) at its end, each through the word classifier in
 * the engine's mode, the rejection rules (reject.ts) and the verifier; a decision's saliency "why"
 * with `explain`.
 */
import type { FeatureConfig } from '../features/config';
import { bandSaliency, topBands } from '../explain/saliency';
import { argmax, topN, type ClassifierLike, type DigitVerifier, type ModeHead, type PrototypeSet } from '../model/types';
import type { EngineOptions } from './options';
import { rejectReason } from './reject';
import type { Decision, Hypothesis, Rejection, Retraction, UtteranceEvent } from './types';
import { inputSoFar, Utterance, wholeUtterance } from './utterance';
import { shiftProbability } from './verifier';

/** The engine's events this path emits. */
export interface WordEvents {
  decision: [Decision];
  hypothesis: [Hypothesis];
  rejection: [Rejection];
  retraction: [Retraction];
}

/** What the word path needs of the engine. */
export interface WordDeciderHost {
  readonly cfg: FeatureConfig;
  readonly classifier: ClassifierLike;
  /** The prototype head (enroll/head.ts `modeProbs`), or the base model's. */
  readonly modeProbs: ModeHead;
  /** The engine's options as they are now (they change live). */
  options(): Readonly<EngineOptions>;
  /** The user's prototypes, if installed. */
  prototypes(): PrototypeSet | undefined;
  /** The digit/non-digit verifier, if installed. */
  verifier(): DigitVerifier | undefined;
  frameStartMs(i: number): number;
  frameEndMs(i: number): number;
  emit<K extends keyof WordEvents>(event: K, ...args: WordEvents[K]): void;
}

export class WordDecider {
  constructor(private readonly host: WordDeciderHost) {}

  /** The word classifier in the engine's mode. */
  async classify(features: Float32Array) {
    const c = await this.host.classifier.classify(features);
    const o = this.host.options();
    const m = this.host.modeProbs(o.mode, c.probs, c.embedding, this.host.prototypes(), o.hybridWeight);
    return { ...m, embedding: c.embedding, baseProbs: c.probs };
  }

  /** One early-exit check on the utterance so far. */
  async check(u: Utterance, frame: number): Promise<void> {
    const h = this.host;
    const features = inputSoFar(u, h.cfg);
    const r = await this.classify(features);
    const digit = argmax(r.probs);
    const durationMs = h.frameEndMs(frame) - h.frameStartMs(u.onsetFrame);
    let reason = this.ruleReason(u, r, digit, durationMs, false);
    // The verifier hears only the check that would decide (the last of eeConsec confident ones): a
    // veto there is a miss and the run starts over. Asking it on every confident check cost a third
    // of the engine's CPU for the same decisions.
    if (!reason && u.decoder.wouldDecide(r.probs)) reason = await this.verify(features, digit, h.options().reject.minDigitProbEarly);
    const out = u.decoder.check(r.probs, reason === undefined);
    h.emit('hypothesis', { timeMs: h.frameEndMs(frame), probs: Array.from(r.probs), consecutive: out.consecutive });
    if (out.type !== 'decide') return;
    u.decision = await this.decision(u, features, r.probs, r.mode, frame, frame, true, r.cosines);
    u.gate?.classifierTyped(u.decision);
    h.emit('decision', u.decision);
  }

  /** Why the rejection rules (reject.ts: confidence, duration, voicing, Silero, prototype distance) refuse `digit`, if they do. */
  private ruleReason(
    u: Utterance,
    r: { probs: Float32Array; cosines?: Float32Array },
    digit: number,
    durationMs: number,
    final: boolean,
  ): string | undefined {
    const o = this.host.options();
    // Silero's score counts only with vad.kind 'silero'.
    const speechProb = o.vad.kind === 'silero' ? (u.speechProb ?? 0) : undefined;
    return rejectReason(
      { confidence: r.probs[digit], durationMs, voicedMs: u.voicedMs, speechProb, final, prototypeCosine: r.cosines?.[digit] },
      o.reject,
      o.vad,
    );
  }

  /** The verifier's objection to taking the input for `digit`, if any (the user's lift capped at `maxShift`). */
  async verify(
    features: Float32Array,
    digit: number,
    min = this.host.options().reject.minDigitProb,
    maxShift = Infinity,
  ): Promise<string | undefined> {
    const verifier = this.host.verifier();
    if (!verifier) return undefined;
    // An enrolled user's adapted head lifts the verifier for their own voice (enroll/adapt.ts).
    const lift = this.host.options().mode === 'adapted' ? (this.host.prototypes()?.head?.verifierShift[digit] ?? 0) : 0;
    const shift = Math.min(lift, maxShift);
    const p = shiftProbability(await verifier.digitProbability(features, digit), shift);
    return !(p >= min) ? `not a digit word (verifier ${p.toFixed(2)} < ${min})` : undefined;
  }

  /** The word classifier's part at an utterance's end: the second look at an early digit, or the final decision. */
  async decideUtterance(
    u: Utterance,
    lastSpeechFrame: number,
    tooShort: boolean,
    nowFrame: number,
    emitUtterance: (e: UtteranceEvent) => void,
  ): Promise<void> {
    if (u.gate?.string) return;
    const h = this.host;
    const startMs = h.frameStartMs(u.onsetFrame);
    const endMs = h.frameEndMs(lastSpeechFrame);
    if (u.decision && !u.retracted && h.options().reject.retract) {
      // The early decision heard a few hundred ms; now the verifier hears the whole utterance.
      const objection = await this.verify(wholeUtterance(u, lastSpeechFrame, h.cfg), u.decision.digit);
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
      h.emit('rejection', rejection);
      emitUtterance({ startMs, endMs, rejection });
    };
    if (tooShort) return reject(`too short for a word (click or noise)`, []);
    const features = wholeUtterance(u, lastSpeechFrame, h.cfg);
    const r = await this.classify(features);
    const digit = argmax(r.probs);
    const reason = this.ruleReason(u, r, digit, endMs - startMs, true) ?? (await this.verify(features, digit));
    if (reason) return reject(reason, topN(r.probs, 3));
    const decision = await this.decision(u, features, r.probs, r.mode, lastSpeechFrame, nowFrame, false, r.cosines);
    decision.endMs = endMs;
    u.decoder.markDecided(decision.digit);
    u.decision = decision;
    u.gate?.classifierTyped(decision);
    h.emit('decision', decision);
    emitUtterance({ startMs, endMs, decision });
  }

  /** Withdraws an early-exit decision (once per utterance). */
  retract(u: Utterance, frame: number, reason: string): void {
    if (!u.decision || u.retracted || !this.host.options().reject.retract) return;
    u.retracted = reason;
    u.gate?.classifierWithdrawn();
    this.host.emit('retraction', { decision: u.decision, timeMs: this.host.frameEndMs(frame), reason });
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
    const h = this.host;
    const digit = argmax(probs);
    const decisionMs = h.frameEndMs(decisionFrame);
    const d: Decision = {
      digit,
      confidence: probs[digit],
      startMs: h.frameStartMs(u.onsetFrame),
      decisionMs,
      endMs: earlyExit ? decisionMs : h.frameEndMs(lastFrame),
      earlyExit,
      top: topN(probs, 3),
      why: [],
      mode,
    };
    if (cosines && !Number.isNaN(cosines[digit])) d.prototypeCosine = cosines[digit];
    const e = await this.explain(features, digit);
    if (e) Object.assign(d, e);
    return d;
  }

  /** The "why" of taking `features` for `digit` (saliency over the bands, in the engine's mode); undefined without `explain`. */
  async explain(features: Float32Array, digit: number): Promise<Pick<Decision, 'saliency' | 'why'> | undefined> {
    const h = this.host;
    if (!h.options().explain) return undefined;
    const probsOf = (c: { probs: Float32Array; embedding: Float32Array }) =>
      h.modeProbs(h.options().mode, c.probs, c.embedding, h.prototypes(), h.options().hybridWeight).probs;
    const saliency = await bandSaliency(h.classifier, features, digit, probsOf);
    return { saliency, why: topBands(saliency, h.options().whyBands, h.cfg.melBands) };
  }
}
