/**
 * `npm run bench:recipe -- A.onnx B.onnx …`: compares training recipes on real speakers that no
 * reported figure uses, so that a recipe can be chosen without looking at the held-out fold.
 *
 * Each model must have been trained with `--real-hold-dev recipe`, which leaves out the recipe-dev
 * half of gsc-digits' training fold (src/train/folds.ts recipeDevSpeaker). Those clips are scored
 * isolated (clean, and with pink and white noise at 10 dB below the word), and as whole 1 s
 * recordings through the streaming engine without a verifier. Each model hears the clips at its own
 * feature rate (8 or 16 kHz), the noise mixed once at the recordings' 16 kHz (rule 93: until the
 * sixteenth session it was mixed at each model's rate, which favoured 16 kHz models in white noise). FSDD validation takes 5–9 (speakers
 * trained on, takes not) are a sanity row. The held-out fold, the held-out TTS voices and LOSO
 * stay untouched for bench:robust. With --ensemble, also every pair and the whole set of the given
 * models averaged (mean log-probability), on the isolated rows. With --noise-streams, also FSDD
 * validation takes (30 per speaker) streamed at −26 dBFS under white and babble noise at 10 dB
 * through the engine with the bundled verifier: words decided right, of 180 each. `--help` lists the
 * options; no model, an unknown option or a bad value stops with `error [CODE]: …` and exit 2.
 */
import { resolve } from 'node:path';
import { decodeWav, encodeWav } from '../src/audio/wav';
import { FEATURE_CONFIG_16K, FEATURE_CONFIGS, FeatureConfig } from '../src/features/config';
import { makeNoise, rms } from '../src/audio/effects';
import { utteranceFeatures } from '../src/features/logmel';
import { Classifier } from '../src/model/classifier';
import { Clip, loadClips } from '../src/train/dataset';
import { recipeDevSpeaker } from '../src/train/folds';
import { argmax } from '../src/train/metrics';
import { mulberry32, shuffle } from '../src/train/rng';
import { loadVerifier, Verifier } from '../src/stream/verifier';
import { FSDD_DIR } from '../test/fixtures/fsddDir';
import { Clip as NamedClip, digitStream, loadFsdd } from '../test/fixtures/corpus';
import { runStream, score, wholeClipsRight, withNoise } from './streamScoring';
import { benchCommand, parseBench, pathArg } from './args';

const GSC_DIR = resolve(FSDD_DIR, '..', '..', 'gsc-digits', 'recordings');
const { opts, args: models } = parseBench<{ ensemble?: boolean; noiseStreams?: boolean }>(
  benchCommand('recipe', 'compares training recipes on real speakers no reported figure uses (npm run bench:recipe -- A.onnx B.onnx …)')
    .argument('<models...>', 'models trained with --real-hold-dev recipe', pathArg('model'))
    .option('--ensemble', 'also every pair and the whole set of the models averaged (mean log-probability), isolated rows')
    .option('--noise-streams', 'also FSDD validation takes streamed under white and babble noise at 10 dB, with the bundled verifier'),
);

/**
 * The recordings' own rate. Noise is mixed there once, and each model hears the noisy recording at
 * its own rate, as a product at that rate hears a noisy room: mixed at each model's rate, white
 * noise at 16 kHz put half its power above 4 kHz, which an 8 kHz model never hears (rule 93).
 */
const RECORDING_RATE = 16000;

function noisy(clips: Clip[], kind: 'pink' | 'white', snrDb: number, seed: number): Clip[] {
  const rng = mulberry32(seed);
  return clips.map((c) => {
    const noise = makeNoise(kind, c.samples.length, rng, RECORDING_RATE);
    const g = Math.max(rms(c.samples), 1e-6) / Math.max(rms(noise), 1e-9) / Math.pow(10, snrDb / 20);
    return { ...c, samples: c.samples.map((v, i) => v + g * noise[i]) };
  });
}

/** The clips as a model at `rate` hears them (wavefile's sinc resampler, as readWav). */
function atRate(clips: Clip[], rate: number): Clip[] {
  if (rate === RECORDING_RATE) return clips;
  return clips.map((c) => ({ ...c, samples: decodeWav(encodeWav(c.samples, RECORDING_RATE), c.file, rate).samples }));
}

/** The model's outputs for recordings at RECORDING_RATE, each heard at the model's own rate. */
async function probsOf(model: Classifier, clips: Clip[]): Promise<Float32Array[]> {
  return probsOfAtRate(model, atRate(clips, model.meta.featureConfig.sampleRate));
}

/** Clips right under the mean log-probability of the given models' outputs. */
function rightOf(probs: Float32Array[][], clips: Clip[]): number {
  return clips.filter((c, j) => {
    const avg = Array.from({ length: probs[0][j].length }, (_, d) => probs.reduce((a, p) => a + Math.log(Math.max(p[j][d], 1e-9)), 0));
    return argmax(avg) === c.digit;
  }).length;
}

/** The model's outputs for clips already at its rate. */
async function probsOfAtRate(model: Classifier, clips: Clip[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < clips.length; i += 64)
    for (const o of await model.classifyBatch(clips.slice(i, i + 64).map((c) => utteranceFeatures(c.samples, model.meta.featureConfig))))
      out.push(o.probs);
  return out;
}

const SPEAKERS = ['george', 'jackson', 'lucas', 'nicolas', 'theo', 'yweweler'];

/** FSDD validation takes streamed under `kind` noise at 10 dB: words decided right. */
async function noiseStreamsRight(
  model: Classifier,
  verifier: Verifier | undefined,
  kind: 'white' | 'babble',
  fsdd: NamedClip[],
): Promise<number> {
  let right = 0;
  for (const [si, sp] of SPEAKERS.entries()) {
    const own = shuffle(
      fsdd.filter((x) => x.speaker === sp && x.take <= 9),
      mulberry32(7 + si),
    ).slice(0, 30);
    // Babble of the other speakers' training takes, as bench:robust builds it.
    const babble = fsdd.filter((x) => x.speaker !== sp && x.take >= 10 && x.take % 5 === 0).map((x) => x.samples);
    const stream = withNoise(digitStream(own, { seed: 500 + si, wordLevelDb: -26 }), kind, 10, -26, 900 + si, babble);
    const run = await runStream(model, stream.samples, {}, verifier);
    right += score(stream, run.utterances).correct;
  }
  return right;
}

async function main() {
  const dev = loadClips(GSC_DIR, FEATURE_CONFIG_16K, (c) => recipeDevSpeaker(c.speaker)).clips;
  // FSDD validation takes, read once per feature rate the models use.
  const fsddValByRate = new Map<number, Clip[]>();
  const fsddVal = (cfg: FeatureConfig) => {
    if (!fsddValByRate.has(cfg.sampleRate))
      fsddValByRate.set(cfg.sampleRate, loadClips(FSDD_DIR, cfg, (c) => c.take >= 5 && c.take <= 9).clips);
    return fsddValByRate.get(cfg.sampleRate)!;
  };
  const streams = opts.noiseStreams === true;
  const fsddStreams = streams ? loadFsdd(FSDD_DIR, 'train') : [];
  const verifier = streams ? await loadVerifier() : undefined;
  const speakers = new Set(dev.map((c) => c.speaker)).size;
  const sets: Array<[string, Clip[]]> = [
    ['clean', dev],
    ['pink 10 dB', noisy(dev, 'pink', 10, 1)],
    ['white 10 dB', noisy(dev, 'white', 10, 2)],
  ];
  console.log(`recipe dev: ${dev.length} gsc-digits clips of ${speakers} training-fold speakers; FSDD takes 5–9`);
  console.log(
    `${'model'.padEnd(44)} ${sets.map(([n]) => n.padStart(12)).join('')} ${'stream'.padStart(8)} ${'total'.padStart(7)} ${'FSDD val'.padStart(9)}${streams ? '  FSDD-val streams white / babble 10 dB' : ''}`,
  );
  const kept: Float32Array[][][] = [];
  for (const path of models) {
    const model = await Classifier.load(path, FEATURE_CONFIGS);
    const probs: Float32Array[][] = [];
    for (const [, clips] of sets) probs.push(await probsOf(model, clips));
    if (opts.ensemble) kept.push(probs);
    const iso = sets.map(([, clips], k) => rightOf([probs[k]], clips));
    const stream = await wholeClipsRight(model, GSC_DIR, dev);
    const valClips = fsddVal(model.meta.featureConfig);
    const val = rightOf([await probsOfAtRate(model, valClips)], valClips);
    const total = iso.reduce((a, b) => a + b, 0) + stream;
    const noiseRow = streams
      ? `  ${await noiseStreamsRight(model, verifier, 'white', fsddStreams)}/180 / ${await noiseStreamsRight(model, verifier, 'babble', fsddStreams)}/180`
      : '';
    console.log(
      `${path.slice(-44).padEnd(44)} ${iso.map((k) => `${k}/${dev.length}`.padStart(12)).join('')} ${`${stream}`.padStart(8)} ${`${total}`.padStart(7)} ${`${val}/${valClips.length}`.padStart(9)}${noiseRow}`,
    );
    await model.dispose();
  }
  if (kept.length > 1) {
    const combos = [
      ...kept.flatMap((_, a) => kept.slice(a + 1).map((__, k) => [a, a + 1 + k])),
      ...(kept.length > 2 ? [kept.map((_, i) => i)] : []),
    ];
    console.log('\nensembles (mean log-probability), isolated rows:');
    for (const combo of combos) {
      const iso = sets.map(([, clips], k) =>
        rightOf(
          combo.map((m) => kept[m][k]),
          clips,
        ),
      );
      console.log(`  ${combo.map((m) => models[m].slice(-30)).join(' + ')}: ${iso.join(' / ')} = ${iso.reduce((a, b) => a + b, 0)}`);
    }
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
