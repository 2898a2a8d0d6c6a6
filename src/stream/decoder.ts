/**
 * The early-exit decoder for one utterance, as a small state machine:
 * listening (checks running) → decided (early, nothing more is emitted for this utterance) or
 * → ended (decide on the whole utterance). It only counts; the engine runs the classifier.
 */
import { argmax } from '../model/types';

export interface EarlyExitPolicy {
  eeThresh: number;
  eeConsec: number;
  eeEvery: number;
  earlyExit: boolean;
}

export type CheckOutcome =
  /** Not enough evidence yet. */
  | { type: 'continue'; consecutive: number }
  /** Confident for `consec` checks running: decide now. */
  | { type: 'decide'; digit: number; consecutive: number };

export class UtteranceDecoder {
  private consecutive = 0;
  private lastDigit = -1;
  private decidedDigit: number | undefined;
  private framesSeen = 0;

  constructor(private readonly policy: () => EarlyExitPolicy) {}

  get decided(): boolean {
    return this.decidedDigit !== undefined;
  }

  /** Counts one more frame of the utterance; true when a check is due on this frame. */
  frameArrived(): boolean {
    this.framesSeen++;
    const p = this.policy();
    return p.earlyExit && !this.decided && this.framesSeen % p.eeEvery === 0;
  }

  /** Whether this check, if allowed, would complete a run and decide (the engine then asks the verifier). */
  wouldDecide(probs: ArrayLike<number>): boolean {
    if (this.decided) return false;
    const p = this.policy();
    const digit = argmax(probs);
    if (!(probs[digit] >= p.eeThresh)) return false;
    return (digit === this.lastDigit ? this.consecutive + 1 : 1) >= p.eeConsec;
  }

  /**
   * Feeds one check's probabilities. The same digit must lead with ≥ eeThresh on `eeConsec`
   * checks in a row; a different leader restarts the count. `allowed` = false (the rejection
   * rule objects) counts as a miss.
   */
  check(probs: ArrayLike<number>, allowed = true): CheckOutcome {
    if (this.decided) throw new Error('UtteranceDecoder: already decided; one digit per utterance');
    const p = this.policy();
    const digit = argmax(probs);
    if (allowed && probs[digit] >= p.eeThresh) {
      this.consecutive = digit === this.lastDigit ? this.consecutive + 1 : 1;
      this.lastDigit = digit;
    } else {
      this.consecutive = 0;
      this.lastDigit = -1;
    }
    if (this.consecutive >= p.eeConsec) {
      this.decidedDigit = digit;
      return { type: 'decide', digit, consecutive: this.consecutive };
    }
    return { type: 'continue', consecutive: this.consecutive };
  }

  /** At the end of the utterance: true when a final decision is still owed. */
  needsFinalDecision(): boolean {
    return !this.decided;
  }

  markDecided(digit: number): void {
    this.decidedDigit = digit;
  }
}
