/**
 * `npm run bench:reject -- DATA_DIR [--verifier FILE[,FILE…]] [--grid E/F,E/F,…] [--real-dev GSC_DIR] [--set key=value]`: how the verifier's two
 * thresholds (reject.minDigitProbEarly / reject.minDigitProb) trade digits kept against non-digit
 * words typed, on the verifier's own held-out clips — never on the streaming benchmark's material,
 * so the defaults are not tuned on the figures `npm run bench:stream` reports.
 *
 * DATA_DIR is a folder written by `node dist/tools/verifierData.js` (see models/MODEL_CARD.md). Its test and
 * validation clips (takes 0 and 5), which the verifier never trained on, become streams: FSDD digit
 * words (clean, and levelled with pink noise at 20 dB SNR for every word), and non-digit audio (synthetic words, sentence
 * pieces, reversed FSDD words; clean and at 20 dB).
 *
 * --grid lists early/final pairs (each in [0, 1]; default 0.03/0.02,0.1/0.02,0.3/0.02,0.5/0.02,0.8/0.02,0.5/0.05),
 * --real-dev GSC_DIR adds gsc-digits' verifier-dev speakers as whole clips. --real-streams GSC_DIR (with
 * --real-fold F and a --model and --verifier that never heard fold F) streams every clip of that fold
 * trimmed and levelled, clean and at 10 dB in white, pink and babble noise: real speakers no model
 * heard, the dev measure of rules 81–84 in docs/EXPERIMENTS.md. --set key=value (repeatable) sets an
 * engine option under the grid's two bars. --spelled adds spelled letters and phonetic-alphabet words
 * said by the dev TTS voices (bench/voiceTakes.ts), each alone through the engine with the string
 * model: how many type a digit (rule 95); --klettres, likewise, KLettres' real voices of the dev
 * languages (bench/klettres.ts, rule 98). `--help` lists the options; no DATA_DIR, an unknown option or a bad
 * value stops with `error [CODE]: …` and exit 2.
 */
import { readdirSync } from 'node:fs';
import { KLETTRES_DIR, KLETTRES_INSTALL, klettresClips } from './klettres';
import { readWithSox } from './soxRead';
import { join } from 'node:path';
import { fileSource } from '../src/audio/source';
import { colour, reverberate } from '../src/audio/effects';
import { readWav } from '../src/audio/wav';
import { FEATURE_CONFIG } from '../src/features/config';
import { trimSilence } from '../src/features/logmel';
import { bundledModelPath, Classifier } from '../src/model/classifier';
import { DictationEngine } from '../src/stream/engine';
import { loadVerifier } from '../src/stream/verifier';
import { loadClips } from '../src/train/dataset';
import { recipeDevSpeaker, speakerFold, verifierDevSpeaker } from '../src/train/folds';
import { mulberry32, shuffle } from '../src/train/rng';
import { lostWords, patchOver, runStream, wholeClipsRight, withNoise, withQuietEdges } from './streamScoring';
import { FSDD_DIR } from '../test/fixtures/fsddDir';
import { Option } from 'commander';
import { shown } from '../src/cli/args';
import { OptionError } from '../src/errors';
import { OPTION_RULES, type EngineOptionsPatch } from '../src/stream/options';
import { benchCommand, engineSetArg, listArg, numberArg, numberListArg, parseBench, pathArg, refuse } from './args';
import { atLevel, Clip, concatWithGaps, digitStream, pinkNoise } from '../test/fixtures/corpus';
import { SPELLED_WORDS } from '../test/fixtures/nonDigitText';
import { loadBundledSequenceModel } from '../src/model/sequenceModel';
import { DEV_VOICES, voiceWords } from './voiceTakes';

const RATE = FEATURE_CONFIG.sampleRate;

/** --grid E/F,E/F,…: pairs of reject.minDigitProbEarly / reject.minDigitProb, each in the engine's range. */
function gridArg(v: string): Array<[number, number]> {
  return listArg('--grid')(v).map((pair) => {
    const parts = pair.split('/');
    if (parts.length !== 2) throw new OptionError('CLI_BAD_OPTION', `--grid must be E/F pairs separated by commas, got ${shown(pair)}`);
    const early = numberArg('--grid (early)', OPTION_RULES['reject.minDigitProbEarly'])(parts[0]);
    const final = numberArg('--grid (final)', OPTION_RULES['reject.minDigitProb'])(parts[1]);
    return [early, final];
  });
}

interface Options {
  verifier?: string;
  verifierWeights?: number[];
  grid: Array<[number, number]>;
  realDev?: string;
  realDevSet: 'verifier' | 'all';
  realStreams?: string;
  realFold: '0' | '1';
  model?: string;
  set?: EngineOptionsPatch;
  spelled?: boolean;
  klettres?: boolean;
}

const { opts, args } = parseBench<Options>(
  benchCommand('reject', "the verifier's two thresholds: digits kept against non-digit words typed (npm run bench:reject -- DATA_DIR)")
    .argument('<dataDir>', 'a folder written by node dist/tools/verifierData.js', pathArg('DATA_DIR'))
    .option('--verifier <files>', 'the verifier (comma-separated model files; default: the bundled one)', pathArg('--verifier'))
    .addOption(
      new Option('--grid <E/F,…>', 'early/final threshold pairs to measure').argParser(gridArg).default(
        [
          [0.03, 0.02],
          [0.1, 0.02],
          [0.3, 0.02],
          [0.5, 0.02],
          [0.8, 0.02],
          [0.5, 0.05],
        ],
        '0.03/0.02,0.1/0.02,0.3/0.02,0.5/0.02,0.8/0.02,0.5/0.05',
      ),
    )
    .option(
      '--verifier-weights <list>',
      "each verifier member's weight in the summed log-odds, in member order (default: 1 each)",
      numberListArg('--verifier-weights', { min: 0 }),
    )
    .option('--real-dev <dir>', 'gsc-digits recordings: its verifier-dev speakers as whole clips', pathArg('--real-dev'))
    .addOption(
      new Option(
        '--real-dev-set <set>',
        "--real-dev's speakers: the verifier-dev quarter, or all (with the recipe-dev half: for a member trained with --real-hold-dev all, measured alone)",
      )
        .choices(['verifier', 'all'])
        .default('verifier'),
    )
    .option(
      '--real-streams <dir>',
      'gsc-digits recordings: every clip of --real-fold trimmed, levelled to −26 dBFS and streamed alone, clean and at 10 dB in white, pink and babble noise (rules 81–84)',
      pathArg('--real-streams'),
    )
    .addOption(new Option('--real-fold <fold>', 'the gsc-digits fold --real-streams reads').choices(['0', '1']).default('0'))
    .option(
      '--model <file>',
      'the digit classifier (default: the bundled one; with --real-streams, one that never heard --real-fold)',
      pathArg('--model'),
    )
    .option('--set <key=value>', "an engine option (stream/options.ts) under the grid's two bars, repeatable", engineSetArg('--set'))
    .option(
      '--spelled',
      'also spelled letters and phonetic-alphabet words said by the dev TTS voices, each alone through the engine with the string model (rule 95): words that type a digit',
    )
    .option(
      '--klettres',
      "also KLettres' real voices of the dev languages (bench/klettres.ts), each clip alone through the engine with the string model (rule 98): clips that type a digit",
    ),
);
/** `--set key=value` (repeatable): engine options under the grid's two bars. */
const SET: EngineOptionsPatch = opts.set ?? {};

async function main(): Promise<void> {
  const dir = args[0];
  // Checked before any model loads: without the package there is nothing to measure.
  const klettresDev = opts.klettres
    ? (klettresClips('dev') ?? refuse(`--klettres: no KLettres recordings at ${KLETTRES_DIR} (${KLETTRES_INSTALL})`, 'KLETTRES_MISSING'))
    : [];
  const grid = opts.grid;
  const classifier = await Classifier.load(opts.model ?? bundledModelPath());
  const verifier = await loadVerifier(opts.verifier, opts.verifierWeights);
  if (!verifier) throw new Error('no verifier bundled in models/; name one with --verifier');

  // Noisy copies (--add-noise) are left out: the streams get their own noise.
  const held = readdirSync(dir).filter((f) => /_(0|5)\.wav$/.test(f) && !f.includes('noisy'));
  const load = (f: string) => trimSilence(readWav(join(dir, f), RATE).samples);
  // Labels: 1 / 0 (binary data) or the digit / 10 (`--digit-labels`); the source names the kind.
  const digits: Clip[] = held
    .filter((f) => /^\d_fsdd[a-z]+d/.test(f))
    .map((f) => ({ name: f, digit: -1, speaker: '', take: 0, samples: load(f) }));
  // Whole words and sentence pieces only (prefixes are what early exit sees inside these anyway).
  // Mined hard negatives are left out: each mined word is spread over every split in five voices,
  // so its held-out clips are not held-out words.
  const others = held
    .filter((f) => /^(0|10)_(ttsw|ttss|fsdd[a-z]+r)[a-z]*\d/.test(f) && !/^(0|10)_(ttswp|fsdd[a-z]+rp)/.test(f))
    .map((f) => atLevel(load(f), -26));
  const rng = mulberry32(3);
  const other = concatWithGaps(shuffle(others, rng), [300, 1500], 6);
  const noise = pinkNoise(other.length, -46, rng);
  // Digits in a room: each word reverberated (RT60 0.2–0.7 s) through a cheap microphone, levelled,
  // under pink noise at 15 dB: what real speakers in rooms sound like, from takes never trained on.
  const roomRng = mulberry32(11);
  const inRooms: Clip[] = digits.map((c) => ({
    ...c,
    samples: colour(reverberate(c.samples, 0.2 + roomRng() * 0.5, 0.3 + roomRng() * 0.4, roomRng, RATE), 150, 3400, RATE),
  }));
  const streams = {
    digits: digitStream(digits, { seed: 5 }).samples,
    'digits 20 dB': digitStream(digits, { seed: 6, snrDb: 20, wordLevelDb: -26 }).samples,
    'digits room': digitStream(inRooms, { seed: 7, snrDb: 15, wordLevelDb: -26 }).samples,
    'non-digit': other,
    'non-digit 20 dB': other.map((v, i) => v + noise[i]),
  };
  const minutes = other.length / RATE / 60;
  const realDev = opts.realDev;
  // Real speakers no verifier member trained on when the newest is trained with --real-hold-dev
  // (the old members never heard gsc-digits at all), whole clips (bench/streamScoring.ts). The digit
  // model did train on these speakers, so only the difference with and without the verifier (its
  // vetoes) means anything here.
  const devSpeaker = (speaker: string) => verifierDevSpeaker(speaker) || (opts.realDevSet === 'all' && recipeDevSpeaker(speaker));
  const realClips = realDev ? loadClips(realDev, undefined, (c) => devSpeaker(c.speaker)).clips : [];
  const streamClips = opts.realStreams
    ? loadClips(opts.realStreams, undefined, (c) => speakerFold(c.speaker) === Number(opts.realFold)).clips.map((c) => ({
        ...c,
        name: c.file,
        samples: trimSilence(c.samples),
      }))
    : [];
  // Babble from FSDD training takes, as bench:robust's streams.
  const babble = opts.realStreams
    ? loadClips(FSDD_DIR, undefined, (c) => c.take >= 10 && c.take % 5 === 0).clips.map((c) => c.samples)
    : [];
  // Each clip alone, clean and at 10 dB in three noises: built once, run under every grid point.
  const realStreams = (['clean', 'white', 'pink', 'babble'] as const).map((kind) =>
    streamClips.map((c, i) => {
      const s = digitStream([c], { seed: 900 + i, wordLevelDb: -26 });
      return kind === 'clean' ? s : withNoise(s, kind, 10, -26, 900 + i, babble);
    }),
  );
  /** Trials right (one decision, the right digit), per condition. */
  const realStreamsRight = async (bars: EngineOptionsPatch, withVerifier: boolean): Promise<number[]> => {
    const right: number[] = [];
    for (const streams of realStreams) {
      let n = 0;
      for (const s of streams) {
        const r = await runStream(classifier, s.samples, bars, withVerifier ? verifier : undefined, undefined, false);
        if (!lostWords(s, r.utterances).size && r.utterances.filter((u) => u.decision).length === 1) n++;
      }
      right.push(n);
    }
    return right;
  };
  // Each spelled word alone, levelled, with half a second of a −70 dBFS floor either side, through
  // the engine as the product runs it (with the string model).
  const strings = opts.spelled || opts.klettres ? await loadBundledSequenceModel() : undefined;
  const floorRng = mulberry32(29);
  const spelled = opts.spelled
    ? DEV_VOICES.flatMap((v) =>
        voiceWords(v, SPELLED_WORDS).map((x, i) => ({
          word: `${v.name}:${SPELLED_WORDS[i]}`,
          samples: withQuietEdges(atLevel(x, -26), floorRng),
        })),
      )
    : [];
  const realWords = klettresDev.map((c) => ({
    word: `${c.language}:${c.name}`,
    samples: withQuietEdges(readWithSox(c.path, RATE), floorRng),
  }));
  const wordsTyped = async (set: Array<{ word: string; samples: Float32Array }>, bars: EngineOptionsPatch): Promise<string[]> => {
    const typed: string[] = [];
    for (const c of set) {
      const t = (await runStream(classifier, c.samples, bars, verifier, strings, false)).utterances.filter((u) => u.decision);
      if (t.length) typed.push(`${c.word}→${t.map((u) => u.decision!.digit).join('')}`);
    }
    return typed;
  };
  const trials = (r: number[]) => `${r.reduce((a, b) => a + b, 0)}/${r.length * streamClips.length} (${r.join(' / ')})`;
  console.log(
    `verifier ${verifier.path} (id ${verifier.modelId}); held-out clips of ${dir}: ${digits.length} FSDD digit words, ${others.length} non-digit clips (${minutes.toFixed(1)} min)`,
  );
  console.log(
    `early/final   digits kept (clean, 20 dB, room)  median decision − word end (clean, 20 dB, room)  non-digit typed per 10 min (clean, 20 dB)   withdrawn per 10 min${realDev ? '  real dev right' : ''}${opts.realStreams ? `  fold ${opts.realFold} streams right (clean / white / pink / babble 10 dB)` : ''}`,
  );
  for (const [early, final] of grid) {
    const bars = patchOver(SET, { reject: { minDigitProbEarly: early, minDigitProb: final } });
    const cells: string[] = [];
    let withdrawn = 0;
    for (const [name, samples] of Object.entries(streams)) {
      const engine = new DictationEngine(classifier, { ...bars, explain: false });
      engine.setVerifier(verifier);
      let typed = 0;
      const latencies: number[] = [];
      let earlyExits = 0;
      engine.on('utterance', (u) => {
        if (u.decision) {
          typed++;
          latencies.push(u.decision.decisionMs - u.endMs);
          if (u.decision.earlyExit) earlyExits++;
        } else if (u.retracted && name.startsWith('non')) withdrawn++;
      });
      await engine.run(await fileSource(samples, RATE));
      engine.dispose();
      if (name.startsWith('digits'))
        cells.push(
          `${typed}/${digits.length}`,
          `${latencies.sort((a, b) => a - b)[latencies.length >> 1]?.toFixed(0)} ms (${Math.round((earlyExits / Math.max(1, typed)) * 100)} % early)`,
        );
      else cells.push(((typed / minutes) * 10).toFixed(1));
    }
    const real =
      (realDev ? `  ${await wholeClipsRight(classifier, realDev, realClips, verifier, undefined, bars)}/${realClips.length}` : '') +
      (opts.realStreams ? `  ${trials(await realStreamsRight(bars, true))}` : '');
    const spelledRow = opts.spelled ? await wordsTyped(spelled, bars) : [];
    const klettresRow = opts.klettres ? await wordsTyped(realWords, bars) : [];
    console.log(
      `${`${early}/${final}`.padEnd(13)} ${`${cells[0]}, ${cells[2]}, ${cells[4]}`.padEnd(33)} ${`${cells[1]}, ${cells[3]}, ${cells[5]}`.padEnd(47)} ${`${cells[6]}, ${cells[7]}`.padEnd(43)} ${((withdrawn / 2 / minutes) * 10).toFixed(1).padEnd(20)}${real}`,
    );
    if (opts.spelled) console.log(`  spelled words typed: ${spelledRow.length}/${spelled.length} (${spelledRow.join(' ')})`);
    if (opts.klettres) console.log(`  KLettres dev clips typed: ${klettresRow.length}/${realWords.length} (${klettresRow.join(' ')})`);
  }
  if (realDev) {
    const speakers = new Set(realClips.map((c) => c.speaker)).size;
    console.log(
      `real dev (${realClips.length} gsc-digits clips, ${speakers} speakers of the training fold's ${opts.realDevSet === 'all' ? 'verifier-dev quarter and recipe-dev half' : 'verifier-dev quarter'}): ${await wholeClipsRight(classifier, realDev, realClips, undefined, undefined, SET)} right without the verifier`,
    );
  }
  if (opts.realStreams)
    console.log(
      `fold ${opts.realFold} streams (${streamClips.length} gsc-digits clips, classifier ${classifier.meta.modelId}): ${trials(await realStreamsRight(SET, false))} right without the verifier`,
    );
  await verifier.dispose();
  await classifier.dispose();
  await strings?.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
