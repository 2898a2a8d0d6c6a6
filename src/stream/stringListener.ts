/**
 * The engine's fluent-string path: feeds every frame to the string decoder (stringDecoder.ts),
 * hands each spike to the string gate (stringGate.ts) of the utterance it belongs to (the one in
 * progress, or the last one during its tail), asks the word classifier and verifier to confirm a
 * string's first words, types a string's digits, and holds back the last utterance's 'utterance'
 * events until its tail is over.
 */
import type { FeatureConfig } from '../features/config';
import { stringHeadProbs } from '../model/stringHead';
import { argmax, StringHead, topN } from '../model/types';
import type { EngineOptions } from './options';
import { SequenceModelLike, Spike, StringDecoder } from './stringDecoder';
import { fuseSpike } from './stringFusion';
import { StringGate } from './stringGate';
import type { Decision, Retraction, UtteranceEvent } from './types';
import { Utterance, wordInput } from './utterance';

const DIGIT_COUNT = 10;

/** The engine's events this path emits. */
export interface StringEvents {
  decision: [Decision];
  retraction: [Retraction];
  utterance: [UtteranceEvent];
}

/** What the string path needs of the engine. */
export interface StringListenerHost {
  readonly cfg: FeatureConfig;
  readonly hopMs: number;
  /** The engine's options as they are now (they change live). */
  options(): Readonly<EngineOptions>;
  /** The newest frame the engine has heard. */
  lastFrame(): number;
  frameStartMs(i: number): number;
  frameEndMs(i: number): number;
  /** Log-mel of frame `i` (the ring shared with the utterance). */
  melOf(i: number): Float32Array;
  /** The word classifier in the engine's mode. */
  classify(features: Float32Array): Promise<{ probs: Float32Array }>;
  /** Whether the user is enrolled and the mode uses it (the classifier then knows the user's voice). */
  enrolled(): boolean;
  /** The user's string head (enroll/stringAdapt.ts) when the mode uses it and it fits the string model. */
  stringHead(): StringHead | undefined;
  /** The "why" of taking the input for `digit` (saliency), or undefined when the engine does not explain. */
  explain(features: Float32Array, digit: number): Promise<Pick<Decision, 'saliency' | 'why'> | undefined>;
  /** The verifier's objection to taking the input for `digit` at probability `min`, if any (an enrolled user's lift capped at `maxShift`). */
  verify(features: Float32Array, digit: number, min: number, maxShift?: number): Promise<string | undefined>;
  emit<K extends keyof StringEvents>(event: K, ...args: StringEvents[K]): void;
}

export class StringListener {
  private readonly strings: StringDecoder;
  /** The "why" of spikes that may be typed as string digits (explainString). */
  private readonly why = new WeakMap<Spike, Pick<Decision, 'saliency' | 'why'>>();
  /** The utterance that ended last, while the string decoder may still hear its last digit. */
  private tail: { u: Utterance; untilFrame: number } | undefined;

  constructor(
    model: SequenceModelLike,
    private readonly host: StringListenerHost,
  ) {
    const o = host.options();
    const classes = model.meta.labels.length;
    // Asked at every run, so a new enrollment or mode takes effect at once.
    const adapted: SequenceModelLike = {
      meta: model.meta,
      probs: async (features, frames) => {
        const p = await model.probs(features, frames);
        const head = host.stringHead();
        return head ? stringHeadProbs(head, p, classes) : p;
      },
    };
    this.strings = new StringDecoder(
      adapted,
      o.stringMinProb,
      o.stringStepsPerRun,
      Math.ceil(o.stringStartMs / (host.hopMs * model.meta.stride)) + 1,
      o.stringBlankScale,
    );
  }

  /** Frames the string decoder looks back from wherever speech starts. */
  get window(): number {
    return this.strings.window;
  }

  /** Feeds the frame to the string decoder; a spike goes to the utterance it belongs to (`u`, in progress, or the tail's). */
  async hear(index: number, u: Utterance | undefined): Promise<void> {
    if (this.tail && index > this.tail.untilFrame) await this.closeTail();
    const owner = u ?? this.tail?.u;
    if (u && !u.stringHeard && (index - u.onsetFrame + 1) * this.host.hopMs >= this.host.options().stringStartMs) u.stringHeard = true;
    // After the utterance (its tail), only a decoder that already heard it goes on.
    const listen = owner?.stringHeard ? 'on' : owner === u && u ? 'wait' : 'off';
    // Within a confirmed string the decoder may take unsure digits (a repeat's second peak); a lone
    // word never, since live the looser rule spiked a 5 on the /f/ of "four" (options.ts).
    const o = this.host.options();
    if (owner?.gate?.string) this.strings.setRule(o.stringInMinProb, o.stringInBlankScale);
    else this.strings.setRule(o.stringMinProb, o.stringBlankScale);
    for (const spike of await this.strings.push((i) => this.host.melOf(i), listen)) if (owner?.gate) await this.onSpike(owner, spike);
  }

  /**
   * The utterance `u` ended at `nowFrame`: the string decoder may still hear its last digit for
   * stringTailMs. Returns the tail's length in frames (0: no tail, its events go out now).
   */
  holdTail(u: Utterance, nowFrame: number): number {
    // An utterance the string decoder never heard has no spike to wait for.
    // A model with look-ahead decodes each step that many frames later, so the tail lasts as much longer.
    const tailFrames = u.stringHeard ? Math.round(this.host.options().stringTailMs / this.host.hopMs) + this.strings.lookahead : 0;
    if (tailFrames > 0) this.tail = { u, untilFrame: nowFrame + tailFrames };
    return tailFrames;
  }

  /** Emits the held-back 'utterance' events of the last utterance: one per digit for a string. */
  async closeTail(): Promise<void> {
    const t = this.tail;
    this.tail = undefined;
    if (!t) return;
    const { u } = t;
    const h = this.host;
    if (await this.confirmAtEnd(u)) u.gate?.reconsider();
    if (u.gate?.string) {
      const typed = u.gate.typed;
      const ends = typed.map(({ decision, spike }) => (spike ? h.frameEndMs(spike.frame) : decision.endMs));
      typed.forEach(({ decision }, i) => {
        const startMs = i > 0 ? ends[i - 1] : h.frameStartMs(u.onsetFrame);
        const endMs = ends[i];
        h.emit('utterance', { startMs, endMs, decision: { ...decision, startMs, endMs, stringIndex: i } });
      });
      return;
    }
    for (const e of u.summary ?? []) h.emit('utterance', e);
  }

  /** The string gate of a new utterance. */
  newGate(u: Utterance): StringGate {
    const h = this.host;
    return new StringGate(
      {
        typeDigit: (spike, index) => this.typeStringDigit(u, spike, index),
        withdraw: (decision, reason) => {
          if (decision === u.decision && !u.retracted) u.retracted = reason;
          h.emit('retraction', { decision, timeMs: h.frameEndMs(h.lastFrame()), reason });
        },
        mayBeString: () => {
          const o = h.options();
          return (
            u.stringConfirmed === true &&
            u.voicedMs >= o.reject.minVoicedMs &&
            (o.vad.kind !== 'silero' || (u.speechProb ?? 0) >= o.vad.sileroThreshold)
          );
        },
      },
      {
        minSpikeGapMs: h.options().stringMinGapMs,
        firstGapMs: h.options().stringFirstGapMs,
        keepClose: h.options().stringKeepClose === 1,
        hopMs: h.hopMs,
      },
    );
  }

  /** Why a long utterance with a string model is not a string, for the withdrawal's reason (logs). */
  notAString(u: Utterance): string {
    if (!u.gate) return '';
    const heard = u.gate.heard.map((s) => s.digit).join('');
    if (!u.stringHeard) return '; the string decoder had not started';
    if (heard.length < 2) return `; the string decoder heard ${heard ? `only "${heard}"` : 'no digit'}`;
    return `; the string decoder heard "${heard}", ${u.confirmedWords ?? 0} of its words confirmed (${this.host.options().stringConfirmWords} needed)`;
  }

  private async onSpike(owner: Utterance, heardSpike: Spike): Promise<void> {
    if (!owner.gate) return;
    const spike = await this.forUser(owner, heardSpike);
    // Asked only once a further digit makes a string possible: isolated words never pay for it.
    const heard = owner.gate.heard;
    const prev = heard[heard.length - 1];
    if (
      prev &&
      owner.stringConfirmed === undefined &&
      !owner.gate.string &&
      (spike.frame - prev.frame) * this.host.hopMs >= owner.gate.spikeGapMs
    )
      owner.stringConfirmed = await this.confirmString(owner, heard.length, prev, spike);
    await this.explainString(owner, spike);
    owner.gate.onSpike(spike);
  }

  /** Model input for a spike's own frames: from the last digit heard at least stringMinGapMs before it (or the utterance's start). */
  private ownFrames(u: Utterance, spike: Spike): Float32Array | undefined {
    const h = this.host;
    const gap = h.options().stringMinGapMs;
    const before = u.gate!.heard.filter((s) => (spike.frame - s.frame) * h.hopMs >= gap).at(-1);
    return wordInput(u, before ? before.frame + 1 : u.startFrame, spike.frame, h.cfg);
  }

  /** The spike with an enrolled user's classifier joined in (stringFusion.ts), heard on the digit's own frames. */
  private async forUser(u: Utterance, spike: Spike): Promise<Spike> {
    const h = this.host;
    const o = h.options();
    if (!(o.stringUserWeight > 0) || !h.enrolled()) return spike;
    const features = this.ownFrames(u, spike);
    if (!features) return spike;
    return fuseSpike(spike, (await h.classify(features)).probs, o.stringUserWeight);
  }

  /**
   * The "why" of each digit of a string, on the digit's own frames: asked once the string is
   * confirmed (then for the digits heard before too), so words that stay words, which the word path
   * explains, cost nothing more.
   */
  private async explainString(u: Utterance, spike?: Spike): Promise<void> {
    if (u.stringConfirmed !== true || !this.host.options().explain) return;
    for (const s of u.gate!.candidates(spike)) {
      if (this.why.has(s)) continue;
      const features = this.ownFrames(u, s);
      const e = features && (await this.host.explain(features, s.digit));
      if (e) this.why.set(s, e);
    }
  }

  /**
   * Whether the utterance may become a string now that word `k + 1` spiked: `stringConfirmWords`
   * of its first `stringConfirmTries + 1` words must be confirmed by the classifier and verifier
   * (with `stringConfirmFirst`, the first word among them). Undefined: not decided yet.
   */
  private async confirmString(u: Utterance, k: number, prev: Spike, spike: Spike): Promise<boolean | undefined> {
    const o = this.host.options();
    if (o.stringConfirmWords === 0) return true;
    const sure = this.sureSpikes(u, spike);
    if (sure === true) return true;
    const byWords = u.wordsRefused ? false : await this.confirmByWords(u, k, prev, spike);
    if (byWords === false) u.wordsRefused = true;
    // Refused by its words, a string may still be confirmed by sure spikes still to come.
    return byWords === false && sure === undefined ? undefined : byWords;
  }

  /**
   * The other way to confirm a string (stringConfirmSure): stringConfirmSure of its first
   * stringConfirmSureOf spikes at stringConfirmSureProb or more. The verifier hears a fluent string's words cut between
   * spikes and scores most of them as no digit (dev voices never trained on: 58 % of their fluent
   * digits typed gated, 73 % by the string model alone), while non-digit phrases rarely give
   * several sure spikes in a row. Undefined: not decided yet.
   */
  private sureSpikes(u: Utterance, spike: Spike): boolean | undefined {
    const o = this.host.options();
    const n = o.stringConfirmSure;
    if (n === 0) return false;
    // Of the first stringConfirmSureOf spikes (at least n), n must be sure.
    const of = Math.max(n, o.stringConfirmSureOf);
    const first = (o.stringSureClose ? u.gate!.candidates(spike) : [...u.gate!.heard, spike]).slice(0, of);
    const sure = first.filter((s) => s.prob >= o.stringConfirmSureProb).length;
    if (sure >= n) return true;
    return n - sure > of - first.length ? false : undefined;
  }

  private async confirmByWords(u: Utterance, k: number, prev: Spike, spike: Spike): Promise<boolean | undefined> {
    const o = this.host.options();
    const heard = u.gate!.heard;
    const marks = (u.wordConfirmed ??= []);
    if (u.confirmedWords === undefined) {
      u.confirmedWords = 0;
      if (await this.firstWordIsDigit(u, heard[0])) markWord(u, 0);
      if (!marks[0] && o.stringConfirmFirst) return false;
    }
    if (u.confirmedWords < o.stringConfirmWords && (await this.wordIsDigit(u, this.wordStart(prev, spike), spike.frame, spike.digit)))
      markWord(u, k);
    // The previous word, cut early at its own spike, is asked again now that its end is heard.
    const defer = o.stringConfirmDefer;
    if (defer > 0 && u.confirmedWords < o.stringConfirmWords && !marks[k - 1]) {
      const from = k >= 2 ? this.between(heard[k - 2], prev, defer) : u.startFrame;
      if (await this.wordIsDigit(u, from, this.between(prev, spike, defer), prev.digit)) markWord(u, k - 1);
    }
    const confirmed = u.confirmedWords;
    if (confirmed >= o.stringConfirmWords) return true;
    // Words still to be asked: the early cuts of words k + 1 … stringConfirmTries, and word k again.
    const left = o.stringConfirmTries - k + (defer > 0 && !marks[k] && k <= o.stringConfirmTries ? 1 : 0);
    return o.stringConfirmWords - confirmed > left ? false : undefined;
  }

  /**
   * Whether the utterance, now over, is a string after all (stringConfirmAtEnd): its last word,
   * which its early cut could not confirm (the cut is mostly the word before), is asked again on
   * its whole span, from stringConfirmAtEnd of the way past the spike before to the utterance's end.
   * Without it a fluent pair has no way to be confirmed but that cut (3 sure spikes need 3 words).
   */
  private async confirmAtEnd(u: Utterance): Promise<boolean> {
    const o = this.host.options();
    const gate = u.gate;
    const f = o.stringConfirmAtEnd;
    if (!(f > 0) || !gate || gate.string || u.stringConfirmed !== undefined || u.confirmedWords === undefined) return false;
    const heard = gate.heard;
    const last = Math.min(heard.length - 1, o.stringConfirmTries);
    const marks = (u.wordConfirmed ??= []);
    // The last word alone, or (stringConfirmAtEndAll) every word not confirmed yet, each on its span.
    const first = o.stringConfirmAtEndAll ? 0 : heard.length - 1;
    if (heard.length < 2 || first > last) return false;
    // A lone word's onset can spike a digit of its own 160-200 ms before the word's (theo's "four"
    // heard 5 4): the end confirmation is only for a last spike far enough after the one before.
    if ((heard[heard.length - 1].frame - heard[heard.length - 2].frame) * this.host.hopMs < o.stringConfirmAtEndGapMs) return false;
    if (heard.slice(-2).some((s) => !(s.prob >= o.stringConfirmAtEndProb))) return false;
    const bar = o.stringConfirmAtEndVerifierProb >= 0 ? o.stringConfirmAtEndVerifierProb : undefined;
    for (let k = first; k <= last && u.confirmedWords < o.stringConfirmWords; k++) {
      if (marks[k]) continue;
      // Confirmed so far, plus every word from this one on: too few can no longer confirm it.
      if (u.confirmedWords + (last - k + 1) < o.stringConfirmWords) return false;
      const from = k === 0 ? u.startFrame : this.between(heard[k - 1], heard[k], f);
      const to = k === heard.length - 1 ? u.startFrame + u.count : this.between(heard[k], heard[k + 1], f);
      if (await this.wordIsDigit(u, from, to, heard[k].digit, bar)) markWord(u, k);
    }
    if (u.confirmedWords < o.stringConfirmWords) return false;
    u.stringConfirmed = true;
    await this.explainString(u);
    return true;
  }

  /** The frame `fraction` of the way from spike `a` to spike `b`, where word `a` is taken to end (stringConfirmDefer). */
  private between(a: Spike, b: Spike, fraction: number): number {
    return a.frame + 1 + Math.round(fraction * (b.frame - a.frame - 1));
  }

  /**
   * Where the word of `spike` starts, for its confirmation: past the previous spike by
   * stringConfirmSkipMs, since a spike comes part-way into its word (the string model is causal)
   * and the frames right after it are still the previous word; never closer than 5 frames to the spike.
   */
  private wordStart(prev: Spike, spike: Spike): number {
    const skip = Math.round(this.host.options().stringConfirmSkipMs / this.host.hopMs);
    return Math.max(prev.frame + 1, Math.min(prev.frame + 1 + skip, spike.frame - 5));
  }

  /**
   * The word classifier's second opinion on the first digit the string decoder hears, which a
   * string needs: the string model alone spikes on ordinary sentences (the first trained model
   * typed 160 digits per 10 min of bench:stream's sentences), while the classifier and the
   * verifier reject most of them. An early digit of the classifier counts as yes (it passed the
   * verifier) — with stringConfirmAgree, only if it is the spike's digit, and as no otherwise (the
   * classifier heard the word and named another digit); without an early digit, the classifier hears the utterance up to the spike and must name the same
   * digit, confidently, and the verifier agree.
   */
  private async firstWordIsDigit(u: Utterance, spike: Spike): Promise<boolean> {
    if (u.decision && !u.retracted) return !this.host.options().stringConfirmAgree || u.decision.digit === spike.digit;
    return this.wordIsDigit(u, u.startFrame, spike.frame, spike.digit);
  }

  /**
   * Whether frames `from` … `to` are `digit`: the verifier at
   * stringConfirmVerifierProb, and the classifier (naming it at stringConfirmProb) unless that is 0.
   * Two words are asked, not one: two digit words in a row are rarer in ordinary speech than one
   * (bench:stream's noisy sentences still typed strings with the first word checked alone).
   */
  private async wordIsDigit(u: Utterance, from: number, to: number, digit: number, verifierProb?: number): Promise<boolean> {
    const features = wordInput(u, from, to, this.host.cfg);
    if (!features) return false;
    const p = this.host.options().stringConfirmProb;
    if (p > 0) {
      const r = await this.host.classify(features);
      if (argmax(r.probs) !== digit || r.probs[digit] < p) return false;
    }
    // Like an early check, the verifier hears a word cut where the next begins.
    const o = this.host.options();
    return (await this.host.verify(features, digit, verifierProb ?? o.stringConfirmVerifierProb, o.stringConfirmMaxShift)) === undefined;
  }

  private typeStringDigit(u: Utterance, spike: Spike, index: number): Decision {
    const h = this.host;
    const prev = index > 0 ? u.gate?.typed[index - 1]?.decision : undefined;
    // Typed now, not at the step that heard it: a run covers several steps, and a string's first
    // digits wait for its confirmation.
    const decisionMs = h.frameEndMs(Math.max(spike.frame, h.lastFrame()));
    const d: Decision = {
      digit: spike.digit,
      confidence: spike.prob,
      startMs: prev ? prev.endMs : h.frameStartMs(u.onsetFrame),
      decisionMs,
      endMs: h.frameEndMs(spike.frame),
      earlyExit: false,
      top: topN(spike.probs.subarray(0, DIGIT_COUNT), 3),
      why: [],
      mode: h.options().stringUserWeight > 0 && h.enrolled() ? h.options().mode : 'base',
      stringIndex: index,
      ...this.why.get(spike),
    };
    h.emit('decision', d);
    return d;
  }
}

/** Word `k` of `u` is confirmed; confirmedWords counts each word once, however often it was asked. */
function markWord(u: Utterance, k: number): void {
  const marks = (u.wordConfirmed ??= []);
  marks[k] = true;
  u.confirmedWords = marks.filter(Boolean).length;
}
