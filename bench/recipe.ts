/**
 * `npm run bench:recipe -- A.onnx B.onnx …`: compares training recipes on real speakers that no
 * reported figure uses, so that a recipe can be chosen without looking at the held-out fold.
 *
 * Each model must have been trained with `--real-hold-dev recipe`, which leaves out the recipe-dev
 * half of gsc-digits' training fold (src/train/folds.ts recipeDevSpeaker). Those clips are scored
 * isolated (clean, and with pink and white noise at 10 dB below the word), and as whole 1 s
 * recordings through the streaming engine without a verifier. FSDD validation takes 5–9 (speakers
 * trained on, takes not) are a sanity row. The held-out fold, the held-out TTS voices and LOSO
 * stay untouched for bench:robust.
 */
import { resolve } from 'node:path';
import { makeNoise, rms } from '../src/audio/effects';
import { utteranceFeatures } from '../src/features/logmel';
import { Classifier } from '../src/model/classifier';
import { Clip, loadClips } from '../src/train/dataset';
import { recipeDevSpeaker } from '../src/train/folds';
import { argmax } from '../src/train/metrics';
import { mulberry32 } from '../src/train/rng';
import { FSDD_DIR } from '../test/fixtures/fsddDir';
import { wholeClipsRight } from './streamScoring';

const GSC_DIR = resolve(FSDD_DIR, '..', '..', 'gsc-digits', 'recordings');
const models = process.argv.slice(2).filter((a) => !a.startsWith('--'));

function noisy(clips: Clip[], kind: 'pink' | 'white', snrDb: number, seed: number): Clip[] {
  const rng = mulberry32(seed);
  return clips.map((c) => {
    const noise = makeNoise(kind, c.samples.length, rng, 8000);
    const g = Math.max(rms(c.samples), 1e-6) / Math.max(rms(noise), 1e-9) / Math.pow(10, snrDb / 20);
    return { ...c, samples: c.samples.map((v, i) => v + g * noise[i]) };
  });
}

async function right(model: Classifier, clips: Clip[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < clips.length; i += 64) {
    const batch = clips.slice(i, i + 64);
    const out = await model.classifyBatch(batch.map((c) => utteranceFeatures(c.samples)));
    out.forEach((o, j) => (n += argmax(o.probs) === batch[j].digit ? 1 : 0));
  }
  return n;
}

async function main() {
  if (!models.length) throw new Error('usage: bench:recipe -- MODEL.onnx [MODEL.onnx …]');
  const dev = loadClips(GSC_DIR, undefined, (c) => recipeDevSpeaker(c.speaker)).clips;
  const fsddVal = loadClips(FSDD_DIR, undefined, (c) => c.take >= 5 && c.take <= 9).clips;
  const speakers = new Set(dev.map((c) => c.speaker)).size;
  const sets: Array<[string, Clip[]]> = [
    ['clean', dev],
    ['pink 10 dB', noisy(dev, 'pink', 10, 1)],
    ['white 10 dB', noisy(dev, 'white', 10, 2)],
  ];
  console.log(`recipe dev: ${dev.length} gsc-digits clips of ${speakers} training-fold speakers; FSDD takes 5–9 (${fsddVal.length})`);
  console.log(
    `${'model'.padEnd(44)} ${sets.map(([n]) => n.padStart(12)).join('')} ${'stream'.padStart(8)} ${'total'.padStart(7)} ${'FSDD val'.padStart(9)}`,
  );
  for (const path of models) {
    const model = await Classifier.load(path);
    const iso: number[] = [];
    for (const [, clips] of sets) iso.push(await right(model, clips));
    const stream = await wholeClipsRight(model, GSC_DIR, dev);
    const val = await right(model, fsddVal);
    const total = iso.reduce((a, b) => a + b, 0) + stream;
    console.log(
      `${path.slice(-44).padEnd(44)} ${iso.map((k) => `${k}/${dev.length}`.padStart(12)).join('')} ${`${stream}`.padStart(8)} ${`${total}`.padStart(7)} ${`${val}/${fsddVal.length}`.padStart(9)}`,
    );
    await model.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
