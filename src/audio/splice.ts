/**
 * Digit strings as audio: isolated words joined end to end, as the string trainer's data, the
 * string benchmark's spliced sets and a user's enrollment takes (enroll/stringAdapt.ts) make them.
 */
import { changeSpeed } from './effects';
import { gaussian, Rng } from '../shared/rng';

export interface SpokenDigit {
  digit: number;
  samples: Float32Array;
}

export interface WordSpan {
  digit: number;
  /** Where the word sits in the string's audio, ms. */
  startMs: number;
  endMs: number;
}

export interface StringAudio {
  samples: Float32Array;
  digits: number[];
  /** Word spans, where known (spliced strings; synthesised fluent strings have none). */
  words?: WordSpan[];
}

export interface SpliceOptions {
  /** Gap between words drawn uniformly from this range, ms; negative values overlap the words. */
  gapMs: [number, number];
  /** Silence before the first and after the last word, ms. */
  edgeMs?: [number, number];
  /** Playback speed of each word drawn from this range (1 = as recorded; resampling moves pitch too). */
  speed?: [number, number];
  /** Each word's level: a gain drawn uniformly in dB from this range. */
  gainDb?: [number, number];
  /** White noise floor under everything, dBFS mean power. */
  floorDb?: number;
}

const uniform = (rng: Rng, [a, b]: [number, number]) => a + rng() * (b - a);

/**
 * Words joined with random gaps. Overlapping words (negative gaps) are cross-faded over the
 * overlap, as coarticulated speech runs one word into the next; every word gets 5 ms fades at its
 * edges so a cut never clicks.
 */
export function spliceDigits(words: SpokenDigit[], rng: Rng, o: SpliceOptions, rate: number): StringAudio {
  const toS = (ms: number) => Math.round((ms / 1000) * rate);
  const pieces = words.map((w) => {
    let s = changeSpeed(w.samples, o.speed ? uniform(rng, o.speed) : 1);
    const g = o.gainDb ? Math.pow(10, uniform(rng, o.gainDb) / 20) : 1;
    s = s.map((v) => v * g);
    const fade = Math.min(toS(5), Math.floor(s.length / 4));
    for (let i = 0; i < fade; i++) {
      s[i] *= i / fade;
      s[s.length - 1 - i] *= i / fade;
    }
    return s;
  });
  const lead = toS(o.edgeMs ? uniform(rng, o.edgeMs) : 300);
  const tail = toS(o.edgeMs ? uniform(rng, o.edgeMs) : 300);
  const starts: number[] = [];
  let pos = lead;
  pieces.forEach((p, i) => {
    if (i > 0) {
      const prev = pieces[i - 1];
      // An overlap never swallows more than a third of either word.
      const gap = Math.max(toS(uniform(rng, o.gapMs)), -Math.floor(Math.min(prev.length, p.length) / 3));
      pos = starts[i - 1] + prev.length + gap;
    }
    starts.push(pos);
  });
  const total = starts[starts.length - 1] + pieces[pieces.length - 1].length + tail;
  const out = new Float32Array(total);
  pieces.forEach((p, i) => {
    const s = starts[i];
    const prevEnd = i > 0 ? starts[i - 1] + pieces[i - 1].length : 0;
    const overlap = Math.max(0, prevEnd - s);
    if (overlap > 0) {
      // Fade the previous word out over the overlap, the new one in.
      for (let k = 0; k < overlap; k++) out[s + k] *= 1 - k / overlap;
    }
    for (let k = 0; k < p.length; k++) out[s + k] += overlap > 0 && k < overlap ? p[k] * (k / overlap) : p[k];
  });
  if (o.floorDb !== undefined) {
    const a = Math.pow(10, o.floorDb / 20);
    for (let i = 0; i < out.length; i++) out[i] += a * gaussian(rng);
  }
  return {
    samples: out,
    digits: words.map((w) => w.digit),
    words: words.map((w, i) => ({
      digit: w.digit,
      startMs: (starts[i] / rate) * 1000,
      endMs: ((starts[i] + pieces[i].length) / rate) * 1000,
    })),
  };
}
