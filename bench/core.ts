/**
 * `npm run bench`: the recognizer-core figures of issue 2, measured now on this machine.
 * - accuracy / macro-F1 of the shipped model on the FSDD test split
 * - ONNX size, parameter count
 * - onnxruntime-node latency per utterance on one core (features excluded, batch 1)
 * - the recorded from-scratch training time (models/training.json) and LOSO figures
 *   (models/loso.json, from `npm run bench:loso`)
 *
 *   node dist/bench/core.js [MODEL.onnx] [--card]
 * MODEL.onnx defaults to the bundled model; --card regenerates MODEL_CARD.md beside the model
 * from these measurements (`npm run bench -- --card`). `--help` lists the options; an unknown
 * option or a second model stops with `error [CODE]: …` and exit 2.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { utteranceFeatures } from '../src/features/logmel';
import { Classifier, bundledModelPath } from '../src/model/classifier';
import { evaluate } from '../src/train/evaluate';
import { loadClips, selectSplit } from '../src/train/dataset';
import { formatConfusion } from '../src/train/metrics';
import { FSDD_DIR as DATA } from '../test/fixtures/fsddDir';
import { VERIFIER_PROVENANCE } from './verifierProvenance';
import { RECIPE_TRIALS } from './recipeTrials';
import { STRING_PROVENANCE } from './stringProvenance';

/** What bench reads of models/training.json (written by `npm run train`). */
interface TrainingRecord {
  totalSeconds: number;
  best: { epoch: number };
  options: { epochs: number; batchSize: number; augment: boolean; seed: number; variants?: number; extra?: string[]; real?: unknown };
}
import { VERIFIER_FILE, VERIFIER_FILES } from '../src/stream/verifier';
import { unheardFold } from '../src/train/folds';
import { benchCommand, parseBench, pathArg } from './args';

const { opts, args } = parseBench<{ card?: boolean }>(
  benchCommand('core', 'the recognizer-core figures of the shipped (or given) model, measured on this machine (npm run bench)')
    .argument('[model]', 'the model to measure (default: the bundled one)', pathArg('model'))
    .option('--card', 'regenerate MODEL_CARD.md beside the model from these measurements'),
);

/** The gsc-digits folds a training record trained on (0 when it predates the choice). */
function realFold(real: unknown): 0 | 1 | 'both' | undefined {
  if (!real || typeof real !== 'object') return undefined;
  const f = (real as { fold?: unknown }).fold;
  return f === 'both' || f === 1 ? f : 0;
}

/** What the card says of gsc-digits in training and in measurement, by the folds trained on. */
function gscTrainingText(real: unknown): { trained: string; held: string; licence: string; voices: string } {
  const f = realFold(real);
  if (f === 'both')
    return {
      trained: 'every speaker of `../shared/gsc-digits` (both folds of `src/train/folds.ts`; 115 speakers, 231 clips)',
      held: 'gsc-digits speakers are measured by 2-fold cross-validation instead (`npm run train:cv`: the same recipe on each fold alone, each measured on the fold it never heard, pooled; bench/gscFolds.ts)',
      licence: 'all 231 clips of `../shared/gsc-digits`',
      voices: 'about 115 Speech Commands speakers',
    };
  return {
    trained: `the speakers of \`../shared/gsc-digits\` in fold ${f ?? 0} (\`src/train/folds.ts\`, by a hash of the speaker id)`,
    held: `gsc-digits fold ${unheardFold(f ?? 0)}`,
    licence: `fold ${f ?? 0} of \`../shared/gsc-digits\``,
    voices: `about ${f === 1 ? 50 : 65} Speech Commands speakers`,
  };
}

/** The training command a recorded run's options reproduce. */
function trainCommand(o: {
  epochs: number;
  batchSize: number;
  augment: boolean;
  seed: number;
  variants?: number;
  extra?: string[];
  real?: unknown;
}): string {
  // Fold 0 is the CLI's default, so it is left out of the command.
  const fold = realFold(o.real);
  return [
    'node dist/cli.js train --data ../shared/fsdd/recordings',
    o.extra?.length ? '--corpus' : '',
    o.real ? '--real ../shared/gsc-digits/recordings' : '',
    fold === 'both' || fold === 1 ? `--real-fold ${fold}` : '',
    `--out models --epochs ${o.epochs} --batch-size ${o.batchSize} --augment ${o.augment ? 1 : 0}`,
    o.variants !== undefined ? `--variants ${o.variants}` : '',
    `--seed ${o.seed}`,
  ]
    .filter(Boolean)
    .join(' ');
}

/** Lines quoting models/robust.json, the last full bench:robust run, if it measured this model. */
function robustLines(modelsDir: string, modelId: string): string[] {
  const path = join(modelsDir, 'robust.json');
  if (!existsSync(path)) return ['not measured yet.'];
  type Row = { name: string; n: number; accuracy: number };
  type StreamRow = {
    condition: string;
    score: { sub: number; del: number; ins: number; n: number; accuracy: number };
    medianMs: number;
    insPer10Min: number;
  };
  const r = JSON.parse(readFileSync(path, 'utf8')) as {
    model: string;
    isolated: Row[];
    loso?: { mean: number; worst: number; recipe: string; per: Array<{ speaker: string; accuracy: number }> };
    gscStream?: { n: number; accuracy: number };
    firstFrame?: { n: number; accuracy: number };
    gscStreamNoVerifier?: { n: number; accuracy: number };
    prompts?: { digits: number; isolatedRight: number; streamRight: number; misses: string[]; words: number; insertions: string[] };
    klettres?: { clips: number; insertions: string[] };
    streams: StreamRow[];
  };
  if (r.model !== modelId) return [`models/robust.json measured model ${r.model}, not this one: run \`npm run bench:robust\`.`];
  const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
  return [
    ...r.isolated.map((x) => `- ${x.name}: ${pct(x.accuracy)} (n=${x.n})`),
    r.loso
      ? `- FSDD leave-one-speaker-out (${r.loso.recipe}; ${r.loso.per.length} of 6 folds): mean ${pct(r.loso.mean)}, worst ${pct(r.loso.worst)} (${r.loso.per.map((p) => `${p.speaker} ${pct(p.accuracy)}`).join(', ')})`
      : '- FSDD leave-one-speaker-out: not measured for this recipe',
    ...(r.gscStream
      ? [
          `- gsc-digits speakers not trained on${r.isolated.some((x) => x.name.includes('cross-validation')) ? ' (2-fold cross-validation, each fold by the model that never heard it)' : ''}, whole 1 s clips through the streaming engine (one digit typed, the right one): ${pct(r.gscStream.accuracy)} (n=${r.gscStream.n})`,
        ]
      : []),
    ...(r.prompts
      ? [
          `- A real voice no model trained on, Asterisk's English prompts (Allison Smith, Debian asterisk-core-sounds-en-wav, 8 kHz): her 10 digits and "oh" ${r.prompts.isolatedRight} of ${r.prompts.digits} right isolated, ${r.prompts.streamRight} of ${r.prompts.digits} as whole recordings through the streaming engine (missed, heard isolated / typed streaming: ${r.prompts.misses.join(', ') || 'none'}); of her ${r.prompts.words} non-digit words (letters, phonetic alphabet, months, weekdays and the like), ${r.prompts.insertions.length} typed a digit (${r.prompts.insertions.join(', ') || 'none'})`,
        ]
      : []),
    ...(r.klettres
      ? [
          `- Real voices no model trained on saying no digit, KLettres' English speakers (US and GB; Debian klettres-data, GPL-2+): of their ${r.klettres.clips} letters and short words, ${r.klettres.insertions.length} typed a digit (${r.klettres.insertions.join(', ') || 'none'})`,
        ]
      : []),
    ...(r.firstFrame
      ? [
          `- FSDD test words alone, from their first sample, through the streaming engine: ${pct(r.firstFrame.accuracy)} (n=${r.firstFrame.n})`,
        ]
      : []),
    '',
    'Streams of FSDD test words levelled to −26 dBFS (one per speaker, 150–800 ms pauses); babble is eight talkers. They run as the product does by default, with the string model (fluent strings on). Without it (`--no-sequence`, measured last session with the same word models) the rows differ only in white 20 dB (94.67 %, no insertion), babble 20 dB (93.67 %, 14 deletions, no insertion) and babble 10 dB (73.00 %, 4 insertions): the string path recovers a few noisy words and adds a few insertions — with this session’s looser string confirmation 1, 2 and 7 of them (last session’s gate: 0, 1 and 6).',
    '',
    '| condition | accuracy | S | D | I | median decision − word end | insertions / 10 min |',
    '|---|---|---|---|---|---|---|',
    ...r.streams.map(
      (x) =>
        `| ${x.condition} | ${pct(x.score.accuracy)} | ${x.score.sub} | ${x.score.del} | ${x.score.ins} | ${x.medianMs.toFixed(0)} ms | ${x.insPer10Min.toFixed(2)} |`,
    ),
  ];
}

async function main() {
  const modelPath = args[0] ?? bundledModelPath();
  const modelsDir = join(modelPath, '..');
  const report = await evaluate(DATA, 'test', modelPath);
  const bytes = statSync(modelPath).size;
  const model = await Classifier.load(modelPath);
  const clips = selectSplit(loadClips(DATA).clips, 'test');
  const inputs = clips.map((c) => utteranceFeatures(c.samples));
  for (let i = 0; i < 50; i++) await model.classify(inputs[i % inputs.length]);
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    for (const x of inputs) {
      const t = process.hrtime.bigint();
      await model.classify(x);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  times.sort((a, b) => a - b);
  const featT0 = process.hrtime.bigint();
  for (const c of clips) utteranceFeatures(c.samples);
  const featMs = Number(process.hrtime.bigint() - featT0) / 1e6 / clips.length;
  await model.dispose();

  const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
  const line = (k: string, v: string, bar?: boolean) =>
    console.log(`${k.padEnd(44)} ${v}${bar === undefined ? '' : bar ? '   [meets bar]' : '   [MISSES BAR]'}`);
  console.log(`model ${modelPath} (id ${model.meta.modelId})`);
  console.log(model.meta.architecture);
  line('FSDD test split accuracy (n=' + report.n + ')', pct(report.accuracy), report.accuracy >= 0.995);
  line('FSDD test split macro-F1', report.macroF1.toFixed(4), report.macroF1 >= 0.995);
  line('ONNX size', `${(bytes / 1024).toFixed(1)} KB (${bytes} bytes), ${model.meta.parameters} parameters`, bytes <= 200 * 1024);
  line(
    'inference per utterance, 1 thread, median',
    `${times[Math.floor(times.length / 2)].toFixed(3)} ms`,
    times[Math.floor(times.length / 2)] <= 1,
  );
  line('inference per utterance, 1 thread, p95', `${times[Math.floor(times.length * 0.95)].toFixed(3)} ms`);
  line('log-mel features per utterance (meyda)', `${featMs.toFixed(2)} ms`);
  const trainingJson = join(modelsDir, 'training.json');
  if (existsSync(trainingJson)) {
    const t = JSON.parse(readFileSync(trainingJson, 'utf8')) as TrainingRecord;
    line(
      'recorded training run (from scratch)',
      `${(t.totalSeconds / 60).toFixed(1)} min, best epoch ${t.best.epoch}/${t.options.epochs}`,
      t.totalSeconds <= 15 * 60,
    );
  }
  const losoJson = join(modelsDir, 'loso.json');
  if (existsSync(losoJson)) {
    const l = JSON.parse(readFileSync(losoJson, 'utf8')) as { speaker: string; accuracy: number; macroF1: number; n: number }[];
    for (const s of l) line(`leave-one-speaker-out: ${s.speaker} (n=${s.n})`, `${pct(s.accuracy)}, macro-F1 ${s.macroF1.toFixed(4)}`);
    line('leave-one-speaker-out: mean', pct(l.reduce((a, s) => a + s.accuracy, 0) / l.length));
  } else {
    console.log('leave-one-speaker-out: not measured yet (npm run bench:loso)');
  }
  console.log(formatConfusion(report.confusion));

  // `--card`: regenerate models/MODEL_CARD.md from these measurements, so the card never
  // quotes a figure this script did not print.
  if (opts.card) {
    const t = existsSync(trainingJson) ? (JSON.parse(readFileSync(trainingJson, 'utf8')) as TrainingRecord) : undefined;
    const loso = existsSync(losoJson)
      ? (JSON.parse(readFileSync(losoJson, 'utf8')) as { speaker: string; accuracy: number; macroF1: number; n: number; epochs: number }[])
      : [];
    const cfg = model.meta.featureConfig;
    const gsc = gscTrainingText(t?.options.real);
    const card = [
      '# Digit Dictation model card — `digits.onnx`',
      '',
      `Model id \`${model.meta.modelId}\` · ${bytes} bytes · ${model.meta.parameters} parameters · generated by \`npm run bench -- --card\`.`,
      '',
      '## Architecture',
      model.meta.architecture + '.',
      'Two outputs: `probs` (softmax over 0–9) and `embedding` (64-d, L2-normalised, for enrollment prototypes).',
      'BatchNorm is folded into the convolutions; the per-band normalisation is the first two graph ops.',
      '',
      '## Features (checked on load; a mismatch is refused)',
      `log-mel via meyda: ${cfg.sampleRate} Hz, frame ${cfg.frameSize} (${(cfg.frameSize / cfg.sampleRate) * 1000} ms, ${cfg.window}), hop ${cfg.hopSize} (${(cfg.hopSize / cfg.sampleRate) * 1000} ms), ${cfg.melBands} mel bands, log(1 + power) on int16-scaled input, ${cfg.frames} frames left-aligned and padded with silence.`,
      '',
      '## Training',
      t
        ? `\`${trainCommand(t.options)}\` (\`npm run train\`): ${(t.totalSeconds / 60).toFixed(1)} min on this 2-core machine, best epoch ${t.best.epoch} chosen on validation (FSDD takes 5–9 and a fixed eighth of the synthetic clips; never on test material). Adam, one warm-up epoch then cosine decay, dropout 0.2.\n\n` +
          'Data: FSDD takes 10–49 of its 6 speakers; the synthetic voices of `node dist/cli.js corpus` (`src/train/voices.ts`: 84 espeak-ng accent × variant voices, flite kal, kal16, rms, slt, festival kal_diphone and cmu_us_slt_arctic_hts, each digit at seeded pitches and rates, "oh" for a quarter of the zeros); with `--real`, ' +
          gsc.trained +
          ', 4 copies of each clip. Held out from training and only measured: FSDD takes 0–4 and 10 whole voices (espeak-ng en-gb-x-gbclan and en-gb-x-gbcwmd with variants m4 f3 klatt4 m8, flite awb, festival ked_diphone); ' +
          gsc.held +
          '.' +
          '\n\n' +
          'Augmentation (`src/train/augment.ts`), a clean copy and `variants` augmented copies of every clip: speed 0.85–1.15 (80 %), a synthetic room of RT60 0.15–0.6 s (30 %), a telephone band or a random microphone colouring (15 % / 25 %), 0–150 ms of padding either side, the word at −45 to −3 dBFS, noise at 0–30 dB SNR (60 %: white, pink, brown, babble of 3–6 other training clips, hum, clicks), clipping (5 %); per epoch, a time shift up to 100 ms and prefix crops (for early exit).'
        : 'not recorded',
      '',
      ...RECIPE_TRIALS,
      '',
      '## Results (FSDD, official split: takes 0–4 of every speaker = 300 test files)',
      `- accuracy ${pct(report.accuracy)}, macro-F1 ${report.macroF1.toFixed(4)}`,
      `- onnxruntime-node, one thread: median ${times[Math.floor(times.length / 2)].toFixed(3)} ms per utterance`,
      '',
      '```',
      formatConfusion(report.confusion),
      '```',
      '',
      '## Leave-one-speaker-out (train on five speakers, test on all 500 files of the sixth)',
      loso.length
        ? `\`npm run bench:loso\` (${(loso[0] as { recipe?: string }).recipe ?? `${loso[0].epochs} epochs, FSDD only: the earlier recipe, not this model's`}):`
        : 'not measured yet (`npm run bench:loso`).',
      ...loso.map((s) => `- ${s.speaker}: ${pct(s.accuracy)}, macro-F1 ${s.macroF1.toFixed(4)}`),
      ...(loso.length
        ? [`- mean of the ${loso.length} fold(s) measured (of 6): ${pct(loso.reduce((a, s) => a + s.accuracy, 0) / loso.length)}`]
        : []),
      '',
      '## Companion models: the digit/non-digit verifier',
      existsSync(join(modelsDir, VERIFIER_FILE))
        ? `${VERIFIER_FILES.map((f) => `\`${f}\` (${existsSync(join(modelsDir, f)) ? `${statSync(join(modelsDir, f)).size} bytes` : 'missing'})`).join(', ')}: two eleven-class networks of the digit model's architecture (the ten digits and "other"), trained by the same trainer, weights stored in half precision. \`verifier.onnx\` learned from the digit model's own training material (synthetic corpus voices, gsc-digits fold 0 less its verifier-dev quarter, FSDD takes ≥ 10) and, as "other", non-digit audio from \`tools/verifierData.ts --negatives\` (3,500 words, sentence pieces, reversed FSDD words, 600 mined near-digits, all in the corpus's training voices), all through the full augmentation (rooms, channels, levels, six noises). \`verifier-digits.onnx\` learned from the older synthetic generator (FSDD takes ≥ 5, espeak-ng and flite digits, ~10k words, sentences, mined hard negatives, pink noise). Both are asked about the digit the classifier decided; the engine sums their log-odds of that digit against "other" (a product of experts, run as one joined graph), rejects words they together score as not that digit, and withdraws early digits they reject once they hear the whole utterance. Words, sentences and voices of the streaming benchmark are never used. Each load check refuses a feature config that differs from the code's, like this model's.`
        : 'not present.',
      ...(existsSync(join(modelsDir, VERIFIER_FILE)) ? ['', ...VERIFIER_PROVENANCE] : []),
      '',
      ...STRING_PROVENANCE,
      '',
      '## Measured on material the model never trained on (`npm run bench:robust`)',
      ...robustLines(modelsDir, model.meta.modelId),
      '',
      '## Data and licence',
      `Free Spoken Digit Dataset (Zohar Jackson and contributors), CC BY-SA 4.0; Speech Commands digits (Google LLC, Speech Commands dataset), CC BY 4.0, ${gsc.licence}; synthetic voices of espeak-ng, flite and festival (festvox voices), made on this machine. Real human voices in training: FSDD's 6 adult men and ${gsc.voices}; expect lower accuracy for other voices until you enroll.`,
      '',
    ].join('\n');
    writeFileSync(join(modelsDir, 'MODEL_CARD.md'), card);
    console.log(`wrote ${join(modelsDir, 'MODEL_CARD.md')}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
