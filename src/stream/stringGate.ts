/**
 * The string gate of one utterance: decides when the digits of the string decoder
 * (stringDecoder.ts) are typed, and reconciles them with the word classifier's decision.
 *
 * An utterance starts as one word: the early-exit classifier decides it, as before (its figures
 * are the isolated-word bars). Once the string decoder has heard a second digit well apart from
 * the first, the utterance is a string: the classifier is no longer asked, and every digit the
 * decoder hears is typed at its spike. The classifier's digit, if one was typed, stands for the
 * string's first digit when the two agree and is withdrawn otherwise (the decoder hears the word
 * with its neighbours, the classifier without them). A digit the decoder revises right away is
 * withdrawn and replaced while it is the last one typed.
 */
import type { Decision } from './types';
import type { Spike } from './stringDecoder';

export interface StringGateHost {
  /** Types `spike` as digit `index` of the string; returns the decision emitted. */
  typeDigit(spike: Spike, index: number): Decision;
  /** Withdraws a typed digit (the engine's retraction). */
  withdraw(decision: Decision, reason: string): void;
  /** Whether the utterance may become a string (rejection rules: voicing, Silero). */
  mayBeString(): boolean;
}

export interface StringGateOptions {
  /**
   * Spikes closer than this are one sound heard twice (or revised), not two digits (the engine's
   * stringMinGapMs, 60 ms: fast fluent speech has digit spikes closer than 150 ms, see options.ts).
   */
  minSpikeGapMs: number;
  /** The same before the utterance is a string: a lone word's two close spikes stay one word. */
  firstGapMs: number;
  /**
   * Once the utterance is a string, the spikes merged before it (closer than firstGapMs) count
   * again at minSpikeGapMs: fluent speech has digits closer than 150 ms (dev TTS strings: a
   * decoder that heard 7 0 5 5 typed 7 5 5, the 0 replaced by the 5 120 ms after it).
   */
  keepClose?: boolean;
  hopMs: number;
}

/**
 * A decoder's first digit this long after the classifier decided is the next word's (seen live:
 * the decoder missed the first word). 150 ms, the spike gap this rule was made with; it stays when
 * the gap between two digits' spikes went to 60 ms (options.ts stringMinGapMs), since a digit
 * the classifier decided and the decoder spiked 60–150 ms later is one word more often than two.
 */
const NEXT_WORD_MS = 150;

export class StringGate {
  private readonly spikes: Spike[] = [];
  /** Every spike heard before the utterance is a string, none merged (keepClose). */
  private readonly all: Spike[] = [];
  /** Digits typed for this utterance, in order, each with the spike it came from (none: the classifier's). */
  readonly typed: Array<{ decision: Decision; spike?: Spike }> = [];
  private isString = false;

  constructor(
    private readonly host: StringGateHost,
    private readonly opts: StringGateOptions,
  ) {}

  get string(): boolean {
    return this.isString;
  }

  get heard(): readonly Spike[] {
    return this.spikes;
  }

  /** The spikes that would be typed if the utterance became a string with `next` (for their "why", sure spikes). */
  candidates(next?: Spike): readonly Spike[] {
    const heard = next ? [...this.spikes, next] : this.spikes;
    if (this.isString || !this.opts.keepClose) return heard;
    return this.atGap(next ? [...this.all, next] : this.all, this.opts.minSpikeGapMs);
  }

  /** The classifier typed its digit for this utterance. */
  classifierTyped(d: Decision): void {
    if (!this.isString) this.typed.splice(0, this.typed.length, { decision: d });
  }

  /** The classifier's digit was withdrawn (too long, verifier). */
  classifierWithdrawn(): void {
    if (!this.isString) this.typed.length = 0;
  }

  /** How far apart (ms) two spikes must be to be two digits, now: closer ones are one sound. */
  get spikeGapMs(): number {
    return this.isString ? this.opts.minSpikeGapMs : Math.max(this.opts.minSpikeGapMs, this.opts.firstGapMs);
  }

  onSpike(s: Spike): void {
    if (!this.isString && this.opts.keepClose) this.all.push(s);
    const last = this.spikes[this.spikes.length - 1];
    if (last && (s.frame - last.frame) * this.opts.hopMs < this.spikeGapMs) {
      if (s.digit === last.digit) return;
      this.spikes[this.spikes.length - 1] = s;
      const t = this.typed[this.typed.length - 1];
      if (this.isString && t?.spike === last) {
        this.host.withdraw(t.decision, `the string decoder heard ${s.digit}, not ${last.digit}`);
        this.typed.pop();
        this.type(s);
      }
      return;
    }
    this.spikes.push(s);
    if (this.isString) return this.type(s);
    this.reconsider();
  }

  /** Becomes a string if it may now (two digits heard, mayBeString): after a spike, or once the utterance's end confirmed it. */
  reconsider(): void {
    if (this.isString || this.spikes.length < 2 || !this.host.mayBeString()) return;
    this.isString = true;
    if (this.opts.keepClose) this.spikes.splice(0, this.spikes.length, ...this.atGap(this.all, this.opts.minSpikeGapMs));
    const first = this.spikes[0];
    const classic = this.typed[0];
    if (!classic) this.type(first);
    else if (classic.decision.digit === first.digit) classic.spike = first;
    // A first spike this long after the classifier decided is the next word's: the decoder missed
    // the first word (seen live), which the classifier's digit then stands for.
    else if (first.frame * this.opts.hopMs - classic.decision.decisionMs >= NEXT_WORD_MS) this.type(first);
    else {
      this.host.withdraw(classic.decision, `the string decoder heard ${first.digit} first`);
      this.typed.length = 0;
      this.type(first);
    }
    for (const sp of this.spikes.slice(1)) this.type(sp);
  }

  /** `spikes` as onSpike keeps them at `gapMs`: a closer spike of another digit replaces the one before, of the same digit is dropped. */
  private atGap(spikes: readonly Spike[], gapMs: number): Spike[] {
    const out: Spike[] = [];
    for (const s of spikes) {
      const last = out[out.length - 1];
      if (last && (s.frame - last.frame) * this.opts.hopMs < gapMs) {
        if (s.digit !== last.digit) out[out.length - 1] = s;
      } else out.push(s);
    }
    return out;
  }

  private type(s: Spike): void {
    this.typed.push({ decision: this.host.typeDigit(s, this.typed.length), spike: s });
  }
}
