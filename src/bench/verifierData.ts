/**
 * Training data for the digit/non-digit verifier (models/verifier.onnx), written as a folder the
 * project's own trainer reads (`{label}_{source}_{take}.wav`, label 1 = a digit, 0 = anything else):
 *   node dist/bench/verifierData.js OUT_DIR
 *   node dist/cli.js train --data OUT_DIR --out DIR --epochs 8 --seed 1   (then DIR/digits.onnx → models/verifier.onnx)
 *
 * Why a verifier: the digit model is closed-set — it spreads all its probability over ten digits,
 * so "hello" comes out as a confident 6, and neither its embedding nor the prototypes separate
 * non-digit words from digits (measured: 85–89 % rejection at 95 % acceptance at best).
 *
 * Digits: FSDD takes ≥ 5 only (takes 0–4 stay unseen for the benchmark), whole and as 240–500 ms
 * prefixes (what early exit sees); espeak-ng digits in several voices. Non-digits: espeak-ng words
 * and sentence openings. The voices, words and sentences here are disjoint from the benchmark's
 * (src/bench/stream.ts), so the benchmark measures held-out material.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeWav } from '../audio/wav';
import { FEATURE_CONFIG } from '../features/config';
import { mulberry32 } from '../train/rng';
import { espeak, loadFsdd, meanPower } from './corpus';
import { BENCH_SENTENCES, BENCH_VOICES, BENCH_WORDS } from './nonDigitText';
import { FSDD_DIR as DATA } from './fsddDir';

const RATE = FEATURE_CONFIG.sampleRate;

export const VERIFIER_VOICES = ['en-gb-x-rp+Andy', 'en-us+m3', 'en-gb+f2', 'en+klatt', 'en-gb-x-gbclan+steph', 'en-us+f4', 'en-gb-x-gbcwmd+m5', 'en-us+grandpa'];
const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const WORDS = (
  'apple banana orange purple yellow orange silver golden bottle kettle pencil paper folder screen mouse ' +
  'monday tuesday friday summer winter autumn spring morning evening night today never always sometimes ' +
  'goodbye hey hi sure wrong true false null undefined return import export const class function ' +
  'yeah nope escape tab shift control alt backspace home end insert ' +
  'first second third last hundred thousand million dozen twenty thirty forty fifty sixty seventy eighty ninety ' +
  'eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen ' +
  'zebra nothing fun won ton tree free fix sick seven-up heaven eighty-ish ate fort fine nice sieve oven ' +
  'mine line wine vine sign tin done gone sun son run fun hero zero-sum throne phone bone ' +
  'cat dog bird fish horse chicken cow sheep goat lion tiger bear ' +
  'run walk jump swim read write speak listen think build test debug deploy commit push pull merge ' +
  'water coffee tea milk bread butter cheese salt pepper sugar rice soup ' +
  'window door table chair floor wall roof house garden street city country river mountain ocean'
).split(' ');
const SENTENCES = [
  'I would like a cup of tea please.',
  'The build failed because of a missing semicolon.',
  'Can you hear me clearly now?',
  'Open a new terminal and run the script.',
  'That is not what I meant at all.',
  'Let us go for a walk in the park.',
  'The dog barked at the mail carrier.',
  'Type the password and press enter.',
  'My sister lives in a small town by the sea.',
  'We should rename this variable.',
  'It is raining again this afternoon.',
  'Hold on, somebody is at the door.',
  'Please read the documentation first.',
  'This looks good to me, ship it.',
  'Where is the nearest train station?',
  'They painted the fence bright green.',
  'Delete the last line and save.',
  'I forgot to bring my umbrella.',
  'The birds are singing outside.',
  'Show me the previous version of the file.',
];

function level(x: Float32Array, db: number): Float32Array {
  const g = Math.sqrt(Math.pow(10, db / 10) / Math.max(meanPower(x), 1e-12));
  return x.map((v) => v * g);
}

function main(): void {
  const held = new Set(BENCH_WORDS);
  const clash = [...WORDS.filter((w) => held.has(w)), ...SENTENCES.filter((x) => BENCH_SENTENCES.includes(x)), ...VERIFIER_VOICES.filter((v) => BENCH_VOICES.includes(v))];
  if (clash.length) throw new Error(`verifier data overlaps the benchmark's held-out material: ${clash.join(', ')}`);
  const out = process.argv[2];
  if (!out) throw new Error('usage: node dist/bench/verifierData.js OUT_DIR');
  mkdirSync(out, { recursive: true });
  const rng = mulberry32(2024);
  const counters = new Map<string, number>();
  const counts = [0, 0];
  // Takes 0–4 are the trainer's test split and 5–9 its validation split: spread every source over them.
  const write = (label: 0 | 1, source: string, samples: Float32Array) => {
    const k = counters.get(source) ?? 0;
    counters.set(source, k + 1);
    const r = rng();
    const src = source.replace(/[^A-Za-z0-9-]/g, '');
    // The take number alone decides the split, so test and validation clips get a source of their own.
    const name = r < 0.1 ? `${label}_${src}x${k}_0.wav` : r < 0.2 ? `${label}_${src}y${k}_5.wav` : `${label}_${src}_${10 + k}.wav`;
    writeFileSync(join(out, name), encodeWav(samples, RATE));
    counts[label]++;
  };
  const prefix = (x: Float32Array) => x.subarray(0, Math.min(x.length, Math.round(((240 + rng() * 260) / 1000) * RATE)));

  // FSDD digits outside the test split.
  for (const c of loadFsdd(DATA, 'train')) {
    write(1, `${c.speaker}d${c.digit}`, c.samples);
    if (c.take % 3 === 0) write(1, `${c.speaker}p${c.digit}`, prefix(c.samples));
  }
  for (const [vi, voice] of VERIFIER_VOICES.entries()) {
    for (const [d, w] of DIGIT_WORDS.entries()) {
      for (const wpm of [120, 150, 180, 210]) {
        const x = level(espeak(w, voice, wpm), -20 - rng() * 16);
        write(1, `v${vi}d${d}`, x);
        write(1, `v${vi}p${d}`, prefix(x));
      }
    }
    for (const w of WORDS) {
      const x = level(espeak(w.replace('-', ' '), voice, 130 + Math.floor(rng() * 80)), -20 - rng() * 16);
      write(0, `v${vi}w`, x);
      if (rng() < 0.5) write(0, `v${vi}q`, prefix(x));
    }
    for (const s of SENTENCES) {
      const x = level(espeak(s, voice, 140 + Math.floor(rng() * 60)), -20 - rng() * 16);
      // Openings as the VAD would cut them, 300–1200 ms.
      for (let k = 0; k < 2; k++) write(0, `v${vi}s`, x.subarray(0, Math.min(x.length, Math.round(((300 + rng() * 900) / 1000) * RATE))));
    }
  }
  console.log(`wrote ${counts[1]} digit and ${counts[0]} non-digit clips to ${out}`);
}

if (require.main === module) main();

