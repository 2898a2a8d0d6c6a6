/**
 * Training material for the string model, from training speakers and voices only:
 * - FSDD words (takes 10–49; 5–9 validate) and isolated digit words of the training TTS voices,
 *   joined into strings with −40 to +150 ms gaps (spliceDigits: cross-faded, speed and level
 *   varied), one speaker or voice a string;
 * - fluent strings said by the training TTS voices at several tempos ("four two seven", zero
 *   sometimes "oh");
 * - non-digit speech (phrases of ordinary words in the same voices) and noise, whose target is the
 *   empty string: the model must learn that speech is not digits by default.
 * - with `negatives`, phrases of 1–6 non-digit clips (verifierData's --negatives: other words,
 *   sentence pieces, near-digit words, reversed digits), also with the empty string as target;
 * - with `pooled`, the words of many speakers with a few clips each (gsc-digits' training fold):
 *   one pool whose strings mix speakers, each word levelled to −26 dBFS first (as bench:strings
 *   builds its gsc strings), since one speaker rarely says more than two digits there.
 * Every example gets a level, a noise floor and sometimes pink noise; with `augment`, half of them
 * first go through the digit model's waveform augmentation (speed, room, channel, level, noise).
 */
import { trimSilence } from '../features/logmel';
import { FEATURE_CONFIG } from '../features/config';
import type { Clip } from './dataset';
import { gaussian, mulberry32, Rng } from './rng';
import { digitText, DIGIT_WORDS, randomDigits, spliceDigits, SpokenDigit } from './strings';
import { tts, TtsSpec } from './tts';
import { atSpeed, VoiceFamily } from './ttsVoices';
import { AugmentContext, augmentWaveform } from './augment';
import { rms } from '../audio/effects';

const RATE = FEATURE_CONFIG.sampleRate;

export interface Example {
  samples: Float32Array;
  digits: number[];
}

export interface StringSources {
  /** Isolated digit words by speaker or voice. */
  speakers: Array<{ name: string; words: SpokenDigit[]; real: boolean }>;
  fluent: Example[];
  nonDigit: Float32Array[];
  /** Non-digit clips, levelled to −26 dBFS, joined into phrases whose target is empty. */
  negatives?: Float32Array[];
  /**
   * Non-digit clips and phrases in which the starting model heard a digit (trainStrings.ts
   * mineHardNegatives): with them, half of the non-digit words are drawn from here.
   */
  hard?: { clips: Float32Array[]; phrases: Float32Array[] };
  /** Share of examples whose target is empty, with `negatives` (default 0.15). */
  nonDigitShare?: number;
  /** Set: half of the examples go through augmentWaveform (babble from these words). */
  augment?: AugmentContext;
}

export interface SourceOptions {
  fsdd: Clip[];
  /** Words of many speakers with a few clips each, pooled into one mixed "speaker". */
  pooled?: Clip[];
  augment?: boolean;
  /** Non-digit clips (label "other") for phrases that must stay empty. */
  negatives?: Float32Array[];
  voices: readonly VoiceFamily[];
  /** Ordinary phrases for the non-digit examples (none may sound like a digit string). */
  nonDigitTexts: string[];
  fluentCount: number;
  nonDigitCount: number;
  seed: number;
  log?: (line: string) => void;
}

const pick = <T>(xs: readonly T[], rng: Rng): T => xs[Math.floor(rng() * xs.length)];

/** A training voice at a random tempo; espeak voices also at a random pitch. */
function randomSpec(voices: readonly VoiceFamily[], rng: Rng): TtsSpec {
  // Engines by share rather than by voice count (84 espeak voices against 6 others).
  const wanted = rng() < 0.6 ? 'espeak' : rng() < 0.6 ? 'flite' : 'festival';
  const own = voices.filter((v) => v.engine === wanted);
  const family = pick(own.length ? own : voices, rng);
  return atSpeed(family, 0.75 + rng() * 0.6, family.engine === 'espeak' ? Math.round(25 + rng() * 50) : undefined);
}

export function buildSources(o: SourceOptions): StringSources {
  const rng = mulberry32(o.seed);
  const log = o.log ?? (() => undefined);
  const speakers: StringSources['speakers'] = [];
  for (const sp of [...new Set(o.fsdd.map((c) => c.speaker))].sort())
    speakers.push({
      name: `fsdd ${sp}`,
      real: true,
      words: o.fsdd.filter((c) => c.speaker === sp).map((c) => ({ digit: c.digit, samples: c.samples })),
    });
  const level = (x: Float32Array) => {
    const g = Math.pow(10, -26 / 20) / Math.max(rms(x), 1e-6);
    return x.map((v) => v * g);
  };
  if (o.pooled?.length)
    speakers.push({
      name: 'pooled real speakers',
      real: true,
      words: o.pooled.map((c) => ({ digit: c.digit, samples: level(c.samples) })),
    });
  const t0 = Date.now();
  for (const family of o.voices) {
    const words: SpokenDigit[] = [];
    for (const speed of [0.85, 1.15]) {
      const spec = atSpeed(family, speed);
      DIGIT_WORDS.forEach((w, d) => words.push({ digit: d, samples: trimSilence(tts(w, spec)) }));
      words.push({ digit: 0, samples: trimSilence(tts('oh', spec)) });
    }
    speakers.push({ name: `${family.engine} ${family.voice}`, real: false, words });
  }
  log(`isolated TTS words: ${o.voices.length} voices (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  const t1 = Date.now();
  const fluent: Example[] = [];
  for (let i = 0; i < o.fluentCount; i++) {
    const digits = randomDigits(rng, 1, 8);
    fluent.push({ digits, samples: trimSilence(tts(digitText(digits, rng), randomSpec(o.voices, rng))) });
  }
  const nonDigit: Float32Array[] = [];
  for (let i = 0; i < o.nonDigitCount; i++) nonDigit.push(trimSilence(tts(pick(o.nonDigitTexts, rng), randomSpec(o.voices, rng))));
  log(`fluent TTS strings: ${fluent.length}, non-digit phrases: ${nonDigit.length} (${((Date.now() - t1) / 1000).toFixed(0)} s)`);
  const augment = o.augment ? { babblePool: speakers.filter((s) => s.real).flatMap((s) => s.words.map((w) => w.samples)) } : undefined;
  const negatives = o.negatives?.length ? o.negatives.map(level) : undefined;
  return { speakers, fluent, nonDigit, negatives, augment };
}

function meanPower(x: Float32Array): number {
  let p = 0;
  for (let i = 0; i < x.length; i++) p += x[i] * x[i];
  return p / Math.max(1, x.length);
}

/** Silence before and after, a level, a noise floor, sometimes pink background noise. */
function dress(x: Float32Array, rng: Rng): Float32Array {
  const lead = Math.round((0.1 + rng() * 0.4) * RATE);
  const tail = Math.round((0.2 + rng() * 0.4) * RATE);
  const out = new Float32Array(lead + x.length + tail);
  const p = meanPower(x);
  const g = p > 0 ? Math.sqrt(Math.pow(10, (-26 + (rng() * 2 - 1) * 10) / 10) / p) : 1;
  for (let i = 0; i < x.length; i++) out[lead + i] = x[i] * g;
  const floor = Math.pow(10, (-75 + rng() * 25) / 20);
  for (let i = 0; i < out.length; i++) out[i] += floor * gaussian(rng);
  if (rng() < 0.3) {
    const speech = p * g * g;
    const level = Math.sqrt(speech / Math.pow(10, (10 + rng() * 25) / 10));
    let b0 = 0,
      b1 = 0,
      b2 = 0;
    const pink = new Float32Array(out.length);
    for (let i = 0; i < out.length; i++) {
      const w = gaussian(rng);
      b0 = 0.99765 * b0 + w * 0.099046;
      b1 = 0.963 * b1 + w * 0.2965164;
      b2 = 0.57 * b2 + w * 1.0526913;
      pink[i] = b0 + b1 + b2 + w * 0.1848;
    }
    const s = level / Math.sqrt(meanPower(pink));
    for (let i = 0; i < out.length; i++) out[i] += pink[i] * s;
  }
  return out;
}

/** One random training example. */
export function sampleExample(src: StringSources, rng: Rng): Example {
  const e = plainExample(src, rng);
  if (src.augment && rng() < 0.5) return { ...e, samples: augmentWaveform(e.samples, rng, src.augment) };
  return e;
}

function plainExample(src: StringSources, rng: Rng): Example {
  const r = rng();
  if (r < 0.5) {
    const sp =
      rng() < 0.5
        ? pick(
            src.speakers.filter((s) => s.real),
            rng,
          )
        : pick(src.speakers, rng);
    // Single words too: the model also hears isolated digits in the stream.
    const digits = rng() < 0.12 ? [Math.floor(rng() * 10)] : randomDigits(rng, 2, 8);
    const words = digits.map((d) =>
      pick(
        sp.words.filter((w) => w.digit === d),
        rng,
      ),
    );
    const s = spliceDigits(words, rng, { gapMs: [-40, 150], edgeMs: [0, 0], speed: [0.9, 1.1], gainDb: [-3, 3] });
    return { samples: dress(s.samples, rng), digits };
  }
  const fluentEnd = src.negatives ? 0.97 - (src.nonDigitShare ?? 0.15) : 0.85;
  if (r < fluentEnd) {
    const f = pick(src.fluent, rng);
    return { samples: dress(f.samples, rng), digits: f.digits };
  }
  const hard = src.hard;
  // With non-digit clips, a fifth more non-digit examples, half of them phrases of those clips.
  if (r < 0.97 && src.negatives && rng() < 0.5) {
    const word = () => (hard?.clips.length && rng() < 0.5 ? pick(hard.clips, rng) : pick(src.negatives!, rng));
    const words = Array.from({ length: 1 + Math.floor(rng() * 6) }, () => ({ digit: 0, samples: word() }));
    const s = spliceDigits(words, rng, { gapMs: [-40, 150], edgeMs: [0, 0], speed: [0.9, 1.1], gainDb: [-3, 3] });
    return { samples: dress(s.samples, rng), digits: [] };
  }
  if (r < 0.97) {
    const phrase = hard?.phrases.length && rng() < 0.5 ? pick(hard.phrases, rng) : pick(src.nonDigit, rng);
    return { samples: dress(phrase, rng), digits: [] };
  }
  // Silence with a noise burst or nothing.
  const n = Math.round((0.3 + rng() * 0.7) * RATE);
  const burst = new Float32Array(n);
  for (let i = 0; i < n; i++) burst[i] = gaussian(rng) * Math.exp((-3 * i) / n) * (rng() < 0.5 ? 1 : 0);
  return { samples: dress(burst, rng), digits: [] };
}
