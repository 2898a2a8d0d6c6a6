/**
 * The string model end to end at smoke size: CTC through tfjs, a few training steps on real FSDD
 * words and two TTS voices, ONNX export, and the stream's windowed decoding against the model
 * run over the whole utterance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { encodeWav } from '../../src/audio/wav';
import { FEATURE_CONFIG } from '../../src/features/config';
import { logMelFrames } from '../../src/features/logmel';
import { readSequenceMeta, SequenceModel } from '../../src/model/sequenceModel';
import { Classifier } from '../../src/model/classifier';
import { StringDecoder } from '../../src/stream/stringDecoder';
import { initBackend } from '../../src/train/backend';
import { ctcLoss, ctcLossTensor } from '../../src/train/ctc';
import { loadClips } from '../../src/train/dataset';
import { gaussian, mulberry32 } from '../../src/train/rng';
import { spliceDigits } from '../../src/train/strings';
import { trainStrings } from '../../src/train/trainStrings';
import { TRAIN_VOICES } from '../../src/train/ttsVoices';
import { readFileSync } from 'node:fs';
import { FSDD, REPO } from './helpers';

const GSC = join(REPO, '..', 'shared', 'gsc-digits', 'recordings');

test('ctcLossTensor: its tfjs gradient is the CTC gradient, averaged over the batch', async () => {
  await initBackend();
  const rng = mulberry32(3);
  const [B, T, C] = [2, 7, 11];
  const values = Float32Array.from({ length: B * T * C }, () => gaussian(rng));
  const labels = [[1, 2], [5]];
  const g = tf.grad((x: tf.Tensor) => ctcLossTensor(x as tf.Tensor3D, labels, 10))(tf.tensor3d(values, [B, T, C]));
  const got = g.dataSync();
  for (let b = 0; b < B; b++) {
    const ref = ctcLoss(values.subarray(b * T * C, (b + 1) * T * C), T, C, labels[b], 10).grad;
    for (let i = 0; i < T * C; i++) assert.ok(Math.abs(got[b * T * C + i] - ref[i] / B) < 1e-5);
  }
});

test('smoke training writes a string model whose streamed steps equal the model over the whole utterance', async () => {
  const out = mkdtempSync(join(tmpdir(), 'dd-strings-'));
  try {
    // Non-digit clips as verifierData --negatives writes them (label 10): reversed FSDD words.
    const negDir = join(out, 'negatives');
    mkdirSync(negDir);
    const words = loadClips(FSDD, FEATURE_CONFIG, (c) => c.take === 20 && c.speaker === 'lucas').clips;
    words.forEach((c, i) =>
      writeFileSync(join(negDir, `10_rev_${i}.wav`), encodeWav(Float32Array.from(c.samples).reverse(), FEATURE_CONFIG.sampleRate)),
    );
    const lines: string[] = [];
    const r = await trainStrings({
      fsddDir: FSDD,
      out,
      voices: [TRAIN_VOICES[0], TRAIN_VOICES[20]],
      nonDigitTexts: ['hello there', 'open the window'],
      minutes: 1,
      steps: 4,
      batchSize: 4,
      seed: 1,
      fluentCount: 6,
      nonDigitCount: 2,
      valCount: 8,
      evalEvery: 2,
      realDir: GSC,
      augment: true,
      negativesDir: negDir,
      log: (l) => lines.push(l),
    });
    assert.ok(
      lines.some((l) => l.includes(`${negDir}: 9 non-digit clips for training, 1 for validation`)),
      lines.join('\n'),
    );
    assert.ok(r.exportMaxAbsDiff < 1e-4, `ONNX vs trainer ${r.exportMaxAbsDiff}`);
    assert.ok(r.bytes <= 200 * 1024, `${r.bytes} bytes`);
    const bytes = readFileSync(r.modelPath);
    const meta = readSequenceMeta(bytes, r.modelPath);
    assert.equal(meta.blank, 10);
    assert.deepEqual(meta.featureConfig, { ...FEATURE_CONFIG });
    assert.match(String(meta.training.data), /gsc-digits training fold pooled.*verifierData --negatives.*waveform augmentation/);
    // The word classifier refuses it: it is not a digit classifier.
    await assert.rejects(Classifier.load(r.modelPath), /metadata/);

    await assertStreamedStepsEqualWhole(r.modelPath);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

/**
 * The stream decoder's steps, one or two a run, equal the model run over the whole utterance
 * ("4 2 7 9" spliced from one speaker), each step compared once its look-ahead has arrived.
 */
async function assertStreamedStepsEqualWhole(modelPath: string, tolerance = 1e-4): Promise<void> {
  const model = await SequenceModel.load(modelPath);
  try {
    const meta = model.meta;
    const { clips } = loadClips(FSDD, FEATURE_CONFIG, (c) => c.take === 0 && c.speaker === 'jackson');
    const s = spliceDigits(
      [4, 2, 7, 9].map((d) => ({ digit: d, samples: clips.find((c) => c.digit === d)!.samples })),
      mulberry32(2),
      { gapMs: [0, 80], floorDb: -70 },
    );
    const { data, frames } = logMelFrames(s.samples);
    const stride = meta.stride;
    const lookahead = meta.lookahead ?? 0;
    const usable = Math.floor(frames / stride) * stride;
    const whole = await model.probs(data, usable);
    const C = meta.labels.length;
    for (const stepsPerRun of [1, 2]) {
      const decoder = new StringDecoder(model, 0.5, stepsPerRun);
      let compared = 0;
      for (let f = 0; f < usable; f++) {
        await decoder.push((i) => data.subarray(i * 40, i * 40 + 40), 'on');
        const step = (f + 1 - lookahead) / stride - 1;
        if ((f + 1) % (stride * stepsPerRun) !== 0 || f + 1 < decoder.window) continue;
        const ref = whole.subarray(step * C, step * C + C);
        decoder.lastStep!.forEach((p, k) => assert.ok(Math.abs(p - ref[k]) < tolerance, `step ${step} class ${k}: ${p} vs ${ref[k]}`));
        compared++;
      }
      assert.ok(compared > 10, `${compared} steps compared (${stepsPerRun} a run)`);
    }
  } finally {
    await model.dispose();
  }
}

/** The smallest string training there is: one step of two examples, one voice. */
const ONE_STEP = {
  fsddDir: FSDD,
  voices: [TRAIN_VOICES[0]],
  nonDigitTexts: ['hello there'],
  minutes: 1,
  steps: 1,
  batchSize: 2,
  seed: 1,
  fluentCount: 2,
  nonDigitCount: 2,
  valCount: 4,
  evalEvery: 1,
};

test('hard-negative mining: the shipped string model hears digits in real digit words filed as non-digit, not in faint noise', async () => {
  const out = mkdtempSync(join(tmpdir(), 'dd-strings-hard-'));
  try {
    const words = loadClips(FSDD, FEATURE_CONFIG, (c) => c.take === 30 && c.speaker === 'jackson').clips;
    const rng = mulberry32(5);
    const dirs = { digits: join(out, 'digits'), noise: join(out, 'noise') };
    for (const d of Object.values(dirs)) mkdirSync(d);
    words.forEach((c, i) => {
      writeFileSync(join(dirs.digits, `10_word_${i}.wav`), encodeWav(c.samples, FEATURE_CONFIG.sampleRate));
      const noise = Float32Array.from({ length: 4000 }, () => 0.002 * gaussian(rng));
      writeFileSync(join(dirs.noise, `10_noise_${i}.wav`), encodeWav(noise, FEATURE_CONFIG.sampleRate));
    });
    const mined = async (negativesDir: string) => {
      const lines: string[] = [];
      await trainStrings({
        ...ONE_STEP,
        out: join(out, 'model'),
        init: join(REPO, 'models', 'digit-strings.onnx'),
        negativesDir,
        nonDigitShare: 0.3,
        mineHardNegatives: true,
        log: (l) => lines.push(l),
      });
      const line = lines.find((l) => l.startsWith('hard negatives:'));
      assert.ok(line, lines.join('\n'));
      return Number(/in (\d+) of 9 non-digit clips/.exec(line)![1]);
    };
    // Nine of the ten files train (every tenth validates); the digits are the last take's ten words.
    assert.ok((await mined(dirs.digits)) >= 7);
    assert.equal(await mined(dirs.noise), 0);
    const meta = readSequenceMeta(readFileSync(join(out, 'model', 'digit-strings.onnx')), 'model');
    assert.match(String(meta.training.data), /30 % of examples empty, half their words and phrases mined/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('string trainer: bad non-digit options are refused by name', async () => {
  const base = { ...ONE_STEP, out: tmpdir() };
  await assert.rejects(
    trainStrings({ ...base, negativesDir: tmpdir(), nonDigitShare: 1.2 }),
    /nonDigitShare \(--non-digit-share\) must be above 0 and below 0\.97 \(got 1\.2\)/,
  );
  await assert.rejects(trainStrings({ ...base, nonDigitShare: 0.3 }), /nonDigitShare \(--non-digit-share\) needs negativesDir/);
  await assert.rejects(
    trainStrings({ ...base, negativesDir: tmpdir(), mineHardNegatives: true }),
    /mineHardNegatives \(--hard-negatives\) needs init/,
  );
});

test('string trainer --half: the same step stored in half the bytes, its export check measuring the rounding', async () => {
  const out = mkdtempSync(join(tmpdir(), 'dd-strings-half-'));
  try {
    const run = (half: boolean) =>
      trainStrings({ ...ONE_STEP, out: join(out, half ? 'half' : 'full'), init: join(REPO, 'models', 'digit-strings.onnx'), half });
    const full = await run(false);
    const half = await run(true);
    assert.equal(half.modelId, full.modelId, 'the same weights before storage');
    assert.ok(half.bytes < 0.6 * full.bytes, `${half.bytes} of ${full.bytes} bytes`);
    assert.ok(full.exportMaxAbsDiff < 1e-4, `float32 export off by ${full.exportMaxAbsDiff}`);
    // Half precision rounds each weight by up to 2⁻¹¹ relative: visible, yet far below a spike's 0.5 margin.
    assert.ok(
      half.exportMaxAbsDiff > full.exportMaxAbsDiff && half.exportMaxAbsDiff < 2e-2,
      `float16 export off by ${half.exportMaxAbsDiff}`,
    );
    const meta = readSequenceMeta(readFileSync(half.modelPath), 'model');
    assert.equal(meta.training.weights, 'float16');
    assert.equal(readSequenceMeta(readFileSync(full.modelPath), 'model').training.weights, undefined);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('a string head on the frozen word classifier: its look-ahead in the metadata, the export equal to the trainer, streamed steps equal to the whole', async () => {
  const out = mkdtempSync(join(tmpdir(), 'dd-strings-encoder-'));
  try {
    const lines: string[] = [];
    const classifier = join(REPO, 'models', 'digits.onnx');
    const r = await trainStrings({ ...ONE_STEP, steps: 2, out, encoder: classifier, half: true, log: (l) => lines.push(l) });
    const meta = readSequenceMeta(readFileSync(r.modelPath), r.modelPath);
    // The classifier's convolutions reach 8 frames past a 40 ms step (three centred conv3 layers
    // and two pools); the head's four causal layers 30 steps back (encoderHead.ts).
    assert.equal(meta.stride, 4);
    assert.equal(meta.lookahead, 8);
    assert.equal(meta.receptiveField, 132);
    assert.match(meta.architecture, /word classifier's convolutions \(frozen, model cd2eadd80b61c8bc\)/);
    assert.ok(r.bytes <= 200 * 1024, `${r.bytes} bytes`);
    assert.ok(r.exportMaxAbsDiff < 2e-2, `export off by ${r.exportMaxAbsDiff}`);
    assert.ok(
      lines.some((l) => l.includes('look-ahead 80 ms')),
      lines.join('\n'),
    );
    await assertStreamedStepsEqualWhole(r.modelPath, 1e-4);
    await assert.rejects(
      trainStrings({ ...ONE_STEP, out, encoder: classifier, init: join(REPO, 'models', 'digit-strings.onnx') }),
      /encoder \(--encoder\) continues only from a run folder/,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
