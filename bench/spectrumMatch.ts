/**
 * Rule 89's dev measure (docs/EXPERIMENTS.md): does moving an enrolled voice's mean spectrum onto a
 * reference help the classifier, alone and under the adapted head? For each `--loso SPEAKER=MODEL`
 * (an FSDD speaker and the model that never heard them):
 *   u = the mean log-mel over the speech frames of the speaker's enrolled takes (take 0, or 0–2);
 *   R = the mean over take 10 of each digit of the other five FSDD speakers;
 *   every classifier input's non-silent frames get R − u added (silence padding is exactly 0).
 * Isolated takes 10–49 (400 words) are scored in modes base and adapted (enroll/adapt.ts, learnt on
 * the same, matched or plain, classifier), plain against matched. A dev tool: nothing is shipped by
 * it, and the speakers measured with it are no longer blind.
 *   node dist/bench/spectrumMatch.js --loso jackson=M1 --loso theo=M2 [--takes 1|3]
 */
import { join } from 'node:path';
import { readWav } from '../src/audio/wav';
import { adapt, headProbs } from '../src/enroll/adapt';
import type { Take } from '../src/enroll/embed';
import { prototypesOf } from '../src/enroll/review';
import { FEATURE_CONFIG } from '../src/features/config';
import { logMelFrames, toModelInput, trimSilence } from '../src/features/logmel';
import { Classifier } from '../src/model/classifier';
import { argmax, type ClassifierLike } from '../src/model/types';
import { FSDD_DIR } from '../test/fixtures/fsddDir';
import { reportFailure } from '../src/cli/failure';
import { OptionError } from '../src/errors';
import { benchCommand, intArg, keyValue, parseBench, pathArg } from './args';

const SPEAKERS = ['george', 'jackson', 'lucas', 'nicolas', 'theo', 'yweweler'];

interface Options {
  loso?: Array<[speaker: string, file: string]>;
  takes: number;
}

const { opts } = parseBench<Options>(
  benchCommand('spectrumMatch', "rule 89's dev measure: an enrolled voice's spectrum moved onto a reference, isolated FSDD takes")
    .option(
      '--loso <speaker=file>',
      'an FSDD speaker with its leave-one-speaker-out model, repeatable',
      (v: string, prev: Options['loso']): NonNullable<Options['loso']> => {
        const [speaker, file] = keyValue('--loso', v, 'speaker=FILE');
        if (!SPEAKERS.includes(speaker))
          throw new OptionError('CLI_BAD_OPTION', `--loso ${speaker}: not an FSDD speaker (${SPEAKERS.join(', ')})`);
        return [...(prev ?? []), [speaker, pathArg('--loso')(file)]];
      },
    )
    .option('--takes <n>', 'enrolled takes per digit (takes 0 … n − 1)', intArg('--takes', 1, 10), 1),
);

const BANDS = FEATURE_CONFIG.melBands;
const wav = (digit: number, speaker: string, take: number) =>
  readWav(join(FSDD_DIR, `${digit}_${speaker}_${take}.wav`), FEATURE_CONFIG.sampleRate).samples;
const input = (x: Float32Array) => {
  const { data, frames } = logMelFrames(trimSilence(x));
  return toModelInput(data, frames);
};

/** Mean log-mel per band over the trimmed speech frames of `clips`. */
function meanSpectrum(clips: readonly Float32Array[]): number[] {
  const sum = new Float64Array(BANDS);
  let n = 0;
  for (const x of clips) {
    const { data, frames } = logMelFrames(trimSilence(x));
    for (let i = 0; i < frames * BANDS; i++) sum[i % BANDS] += data[i];
    n += frames;
  }
  return Array.from(sum, (v) => v / n);
}

/** `c` hearing every non-silent frame moved by `shift` (the silence padding, all zeros, stays). */
function shifted(c: Classifier, shift: readonly number[]): ClassifierLike {
  const move = (x: Float32Array) => {
    const y = Float32Array.from(x);
    for (let f = 0; f < y.length / BANDS; f++) {
      const frame = y.subarray(f * BANDS, (f + 1) * BANDS);
      if (frame.some((v) => v !== 0)) for (let b = 0; b < BANDS; b++) frame[b] += shift[b];
    }
    return y;
  };
  return { meta: c.meta, classify: (x) => c.classify(move(x)), classifyBatch: (batch) => c.classifyBatch(batch.map(move)) };
}

/** Base and adapted accuracy on takes 10–49 with `c`, the head learnt on `takes` through `c`. */
async function score(c: ClassifierLike, speaker: string, takes: Take[]): Promise<{ base: number; adapted: number }> {
  const embeddings = await c.classifyBatch(takes.map((t) => input(t.samples)));
  const prototypes = prototypesOf(
    embeddings.map((e, i) => ({ digit: takes[i].digit, embedding: e.embedding })),
    c.meta.embeddingDim,
  );
  const { head } = await adapt(c, takes, prototypes);
  let base = 0;
  let adapted = 0;
  for (let d = 0; d < 10; d++)
    for (let take = 10; take < 50; take++) {
      const r = await c.classify(input(wav(d, speaker, take)));
      if (argmax(r.probs) === d) base++;
      if (argmax(headProbs(head, r.probs, r.embedding)) === d) adapted++;
    }
  return { base: base / 400, adapted: adapted / 400 };
}

async function main() {
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
  console.log(`k=${opts.takes}: isolated takes 10–49 (400 words a voice), plain → matched`);
  for (const [speaker, file] of opts.loso ?? []) {
    const classifier = await Classifier.load(file);
    const reference = meanSpectrum(
      SPEAKERS.filter((s) => s !== speaker).flatMap((s) => Array.from({ length: 10 }, (_, d) => wav(d, s, 10))),
    );
    const takes: Take[] = [];
    for (let d = 0; d < 10; d++)
      for (let k = 0; k < opts.takes; k++) takes.push({ digit: d, name: `${d}_${speaker}_${k}.wav`, samples: wav(d, speaker, k) });
    const user = meanSpectrum(takes.map((t) => t.samples));
    const plain = await score(classifier, speaker, takes);
    const matched = await score(
      shifted(
        classifier,
        reference.map((r, b) => r - user[b]),
      ),
      speaker,
      takes,
    );
    console.log(
      `${speaker.padEnd(10)} base ${pct(plain.base)} → ${pct(matched.base)}   adapted ${pct(plain.adapted)} → ${pct(matched.adapted)}`,
    );
    await classifier.dispose();
  }
}

main().catch((err) => reportFailure(err, false));
