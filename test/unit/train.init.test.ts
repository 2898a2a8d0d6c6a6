import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readWav } from '../../src/audio/wav';
import { utteranceFeatures } from '../../src/features/logmel';
import { Classifier } from '../../src/model/classifier';
import { ModelMismatchError } from '../../src/errors';
import { initBackend } from '../../src/train/backend';
import { applyInitModel, readInitModel } from '../../src/train/initWeights';
import { DEFAULT_NET, DigitNet } from '../../src/train/network';
import { mulberry32 } from '../../src/train/rng';
import { distillLoss, distillTargets, predictProbs } from '../../src/train/train';
import { fsddFile, REPO } from './helpers';

// The older verifier member: eleven classes, weights stored in half precision (float16.ts).
const MEMBER = join(REPO, 'models', 'verifier-digits.onnx');
// Dropout off, so that training mode can be compared with eval mode.
const VERIFIER_NET = { ...DEFAULT_NET, classes: 11, dropout: 0 };

function inputs(): Float32Array[] {
  const out: Float32Array[] = [];
  for (const speaker of ['jackson', 'theo', 'george'])
    for (let d = 0; d < 10; d++) out.push(utteranceFeatures(readWav(fsddFile(`${d}_${speaker}_${d}.wav`)).samples));
  return out;
}

function normalised(x: Float32Array[], norm: { mean: number[]; std: number[] }): tf.Tensor3D {
  const B = norm.mean.length;
  const data = new Float32Array(x.length * x[0].length);
  x.forEach((v, i) => v.forEach((y, j) => (data[i * v.length + j] = (y - norm.mean[j % B]) / norm.std[j % B])));
  return tf.tensor3d(data, [x.length, x[0].length / B, B]);
}

test('a network started from an exported model computes what the file computes', async () => {
  await initBackend();
  const init = readInitModel(MEMBER, VERIFIER_NET);
  const net = new DigitNet(VERIFIER_NET, mulberry32(1));
  const x = inputs();
  const before = predictProbs(net, x, init.normalization, 100, 11);
  applyInitModel(net, init, [normalised(x, init.normalization)]);
  const mine = predictProbs(net, x, init.normalization, 100, 11);
  const member = await Classifier.load(MEMBER, undefined, 'verifier');
  const file = await member.classifyBatch(x);
  await member.dispose();
  let maxDiff = 0;
  let randomDiff = 0;
  file.forEach((c, i) =>
    c.probs.forEach((p, k) => {
      maxDiff = Math.max(maxDiff, Math.abs(p - mine[i][k]));
      randomDiff = Math.max(randomDiff, Math.abs(p - before[i][k]));
    }),
  );
  assert.ok(randomDiff > 0.1, `random weights should differ from the file (max |Δp| ${randomDiff})`);
  assert.ok(maxDiff < 1e-4, `eval mode: max |Δp| ${maxDiff}`);
  // Training mode renormalises each batch; with the statistics it was calibrated on, it agrees too.
  const batch = normalised(x, init.normalization);
  const trainMode = tf.tidy(() => tf.softmax(net.forward(batch, true).logits).arraySync());
  batch.dispose();
  const trainDiff = Math.max(...trainMode.flatMap((row, i) => row.map((p, k) => Math.abs(p - mine[i][k]))));
  assert.ok(trainDiff < 1e-3, `training mode on a calibration batch: max |Δp| ${trainDiff}`);
  net.dispose();
});

test('a model of another network or class count is refused by name', () => {
  assert.throws(
    () => readInitModel(MEMBER, DEFAULT_NET),
    (e: unknown) =>
      e instanceof ModelMismatchError && e.code === 'MODEL_LABELS_MISMATCH' && /11 classes and this run trains 10/.test(e.message),
  );
  const narrow = { ...VERIFIER_NET, convs: VERIFIER_NET.convs.map((c) => ({ ...c, out: c.out / 2 })) };
  assert.throws(
    () => readInitModel(MEMBER, narrow),
    (e: unknown) => e instanceof ModelMismatchError && e.code === 'MODEL_ARCHITECTURE_MISMATCH',
  );
});

test('the distillation loss is the masked cross-entropy against the teacher, and a wrong teacher is left out', async () => {
  await initBackend();
  const teacher = new DigitNet(VERIFIER_NET, mulberry32(5));
  const x = normalised(inputs().slice(0, 6), { mean: new Array<number>(40).fill(0), std: new Array<number>(40).fill(10) });
  const teacherProbs = tf.tidy(() => tf.softmax(teacher.forward(x, false).logits).arraySync());
  const argmax = (p: number[]) => p.indexOf(Math.max(...p));
  // Labels: the teacher's own answer for the first three examples, another class for the rest.
  const labels = teacherProbs.map((p, i) => (i < 3 ? argmax(p) : (argmax(p) + 1) % 11));
  const soft = distillTargets(teacher, x, labels);
  assert.deepEqual(Array.from(soft.mask.dataSync()), [1, 1, 1, 0, 0, 0]);
  const logits = tf.tensor2d(labels.map((_, i) => Array.from({ length: 11 }, (_, k) => Math.sin(i + 2 * k))));
  const got = distillLoss(soft, logits).dataSync()[0];
  const logSoftmax = logits.arraySync().map((row) => {
    const m = Math.max(...row);
    const z = Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)) + m;
    return row.map((v) => v - z);
  });
  let want = 0;
  for (let i = 0; i < 3; i++) want -= teacherProbs[i].reduce((a, p, k) => a + p * logSoftmax[i][k], 0);
  assert.ok(Math.abs(got - want / 6) < 1e-5, `${got} vs ${want / 6}`);
  tf.dispose([x, logits, soft.probs, soft.mask]);
  teacher.dispose();
});
