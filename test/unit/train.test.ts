import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { train } from '../../src/train/train';
import { evaluate } from '../../src/train/evaluate';
import { Classifier } from '../../src/model/classifier';
import { FSDD } from './helpers';
import { encodeWav } from '../../src/audio/wav';
import { loadFsdd } from '../fixtures/corpus';
import { ModelMismatchError } from '../../src/errors';
import { utteranceFeatures } from '../../src/features/logmel';
import { Verifier } from '../../src/stream/verifier';

import { augmentFrames, DEFAULT_FRAME_AUGMENT, DEFAULT_NOISE_MIX, drawSnrDb, NoiseMix, NOISY_MIX } from '../../src/train/augment';
import { FEATURE_CONFIG } from '../../src/features/config';
import { mulberry32 } from '../../src/train/rng';
test('smoke training on a small FSDD subset learns, exports a checked model, and is reproducible', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dd-train-'));
  try {
    const epochs: number[] = [];
    const opts = { data: FSDD, out: join(dir, 'a'), epochs: 3, batchSize: 32, augment: true, seed: 11, limit: 240 };
    const a = await train(opts, { onEpoch: (m) => epochs.push(m.trainLoss) });
    assert.equal(a.history.length, 3);
    assert.ok(epochs[2] < epochs[0], `loss ${epochs.join(' → ')}`);
    assert.ok(a.exportMaxAbsDiff <= 1e-4, `export diff ${a.exportMaxAbsDiff}`);
    for (const m of a.history) {
      assert.equal(
        m.confusion.flat().reduce((s, v) => s + v, 0),
        300,
        'confusion covers the 300 test files',
      );
    }
    const model = await Classifier.load(a.modelPath);
    assert.equal(model.meta.training.seed, 11);
    await model.dispose();

    const report = await evaluate(FSDD, 'test', a.modelPath);
    assert.equal(report.n, 300);
    assert.ok(Math.abs(report.accuracy - a.best.testAccuracy) < 1e-9, `eval ${report.accuracy} vs trainer ${a.best.testAccuracy}`);

    const b = await train({ ...opts, out: join(dir, 'b'), epochs: 1 });
    assert.equal(b.history[0].trainLoss, a.history[0].trainLoss, 'same seed, same first epoch');
    const info = JSON.parse(readFileSync(join(dir, 'a', 'training.json'), 'utf8')) as { options: { seed: number } };
    assert.equal(info.options.seed, 11);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('data with "other" clips (label 10) and --labels 11 trains an eleven-class verifier: refused as the digit model, asked about one digit by the engine', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dd-train11-'));
  try {
    const data = join(dir, 'data');
    mkdirSync(data);
    // Real FSDD words, and the same words played backwards as "other" (a human voice saying no word).
    const clips = loadFsdd(FSDD, 'train').filter((c) => c.speaker === 'jackson' && c.take < 20);
    for (const c of clips) {
      const take = c.take - 5; // 0–4 test, 5–9 validation, 10–14 train
      writeFileSync(join(data, `${c.digit}_jackson_${take}.wav`), encodeWav(c.samples, 8000));
      if (c.digit < 5) writeFileSync(join(data, `10_rev${c.digit}_${take}.wav`), encodeWav(c.samples.slice().reverse(), 8000));
    }
    const r = await train({ data, out: join(dir, 'out'), epochs: 2, batchSize: 32, augment: false, seed: 5, labels: 11 });
    assert.equal(r.best.confusion.length, 11, 'confusion matrix has the "other" row');
    assert.ok(r.exportMaxAbsDiff <= 1e-4, `export diff ${r.exportMaxAbsDiff}`);
    await assert.rejects(
      Classifier.load(r.modelPath),
      (err: unknown) => err instanceof ModelMismatchError && err.code === 'MODEL_NOT_DIGITS' && /verifier model/.test(err.message),
    );
    const member = await Classifier.load(r.modelPath, undefined, 'any');
    const verifier = await Verifier.load([r.modelPath]);
    try {
      assert.equal(member.classes, 11);
      assert.equal(member.meta.labels[10], 'other');
      const f = utteranceFeatures(clips[0].samples);
      const { probs } = await member.classify(f);
      for (const d of [0, 3, 7]) {
        const p = await verifier.digitProbability(f, d);
        assert.ok(Math.abs(p - probs[d] / (probs[d] + probs[10])) < 1e-4, `digit ${d}: ${p} vs ${probs[d]} against other ${probs[10]}`);
      }
    } finally {
      await member.dispose();
      await verifier.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SpecAugment masks: off draws nothing extra; on, a masked band or span holds the fill value', () => {
  const B = FEATURE_CONFIG.melBands;
  const frames = 60;
  const data = new Float32Array(frames * B).map((_, i) => 5 + (i % 7));
  const fill = Array.from({ length: B }, (_, b) => -1 - b);
  const plain = augmentFrames(data, frames, mulberry32(3));
  assert.deepEqual(augmentFrames(data, frames, mulberry32(3), FEATURE_CONFIG, { ...DEFAULT_FRAME_AUGMENT }), plain);
  let bandMasks = 0;
  let timeMasks = 0;
  for (let seed = 0; seed < 40; seed++) {
    const out = augmentFrames(data, frames, mulberry32(seed), FEATURE_CONFIG, { ...DEFAULT_FRAME_AUGMENT, masks: { fill } });
    const filled = (f: number, b: number) => out.data[f * B + b] === fill[b];
    const last = out.frames - 1;
    for (let b = 0; b < B; b++) if (filled(last, b) && filled(last - 1, b)) bandMasks++;
    for (let f = 0; f < out.frames; f++) if ([0, B >> 1, B - 1].every((b) => filled(f, b))) timeMasks++;
    for (let i = 0; i < out.data.length; i++) assert.ok(out.data[i] === 0 || out.data[i] >= 5 || out.data[i] === fill[i % B]);
  }
  assert.ok(bandMasks > 0 && timeMasks > 0, `${bandMasks} masked bands, ${timeMasks} masked frames`);
});

test('the noisy mix draws SNRs uniformly in 0–30 dB, the default weights them to the high end', () => {
  const lowShare = (mix: NoiseMix) => {
    const rng = mulberry32(3);
    let low = 0;
    const n = 20_000;
    for (let k = 0; k < n; k++) {
      const snr = drawSnrDb(mix, rng);
      assert.ok(snr >= 0 && snr <= 30, `SNR ${snr} dB out of 0–30`);
      if (snr <= 10) low++;
    }
    return low / n;
  };
  // √-weighted: (1/3)² of noisy variants at ≤ 10 dB; uniform: 1/3.
  const plain = lowShare(DEFAULT_NOISE_MIX);
  const heavy = lowShare(NOISY_MIX);
  assert.ok(Math.abs(plain - 1 / 9) < 0.01 && Math.abs(heavy - 1 / 3) < 0.015, JSON.stringify({ plain, heavy }));
  assert.ok(NOISY_MIX.prob > DEFAULT_NOISE_MIX.prob);
});

test('weight averaging (swaFrom) exports the averaged weights, checked like any export, and records it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dd-swa-'));
  try {
    const opts = { data: FSDD, out: join(dir, 'plain'), epochs: 3, batchSize: 32, augment: false, seed: 12, limit: 240 };
    const plain = await train(opts);
    const lines: string[] = [];
    const avg = await train({ ...opts, out: join(dir, 'avg'), swaFrom: 2 }, { onLog: (l) => lines.push(l) });
    // The same seed trains the same epochs; only what is exported differs.
    assert.deepEqual(
      avg.history.map((h) => h.trainLoss),
      plain.history.map((h) => h.trainLoss),
    );
    assert.ok(
      lines.some((l) => /weight average of epochs 2–3/.test(l)),
      lines.join('\n'),
    );
    assert.ok(avg.exportMaxAbsDiff <= 1e-4, `export diff ${avg.exportMaxAbsDiff}`);
    const a = await Classifier.load(avg.modelPath);
    const p = await Classifier.load(plain.modelPath);
    try {
      assert.equal(a.meta.training.swaFrom, 2);
      assert.notEqual(a.meta.modelId, p.meta.modelId, 'the average is not any single epoch');
      const report = await evaluate(FSDD, 'test', avg.modelPath);
      assert.ok(Math.abs(report.accuracy - avg.best.testAccuracy) < 1e-9, `eval ${report.accuracy} vs trainer ${avg.best.testAccuracy}`);
      // With its BatchNorm statistics recomputed the averaged net is a working classifier (chance is
      // 10 %), about as good as the chosen epoch.
      assert.ok(
        report.accuracy >= 0.2 && report.accuracy >= plain.best.testAccuracy - 0.15,
        `averaged ${report.accuracy}, chosen epoch ${plain.best.testAccuracy}`,
      );
    } finally {
      await a.dispose();
      await p.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a wider network (width) trains, exports and loads, with its channels and width recorded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dd-width-'));
  try {
    const r = await train({ data: FSDD, out: dir, epochs: 1, batchSize: 32, augment: false, seed: 3, limit: 120, width: 1.5 });
    assert.ok(r.exportMaxAbsDiff <= 1e-4, `export diff ${r.exportMaxAbsDiff}`);
    const c = await Classifier.load(r.modelPath);
    try {
      assert.equal(c.meta.training.width, 1.5);
      assert.match(
        String(c.meta.architecture),
        /conv3×72\+BN\+ReLU → conv3×72\+BN\+ReLU\+maxpool2 → conv3×96\+BN\+ReLU\+maxpool2 → conv3×96/,
      );
    } finally {
      await c.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
