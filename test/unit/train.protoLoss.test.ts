import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/train/backend';
import { PROTO_LOSS_TEMPERATURE, prototypeLoss } from '../../src/train/network';
import { mulberry32 } from '../../src/train/rng';

before(() => initBackend());

const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

/** The loss written out example by example, as the doc comment of prototypeLoss states it. */
function reference(emb: number[][], labels: number[], classes: number): number {
  let sum = 0;
  let count = 0;
  emb.forEach((e, i) => {
    const logits: Array<number | undefined> = [];
    for (let c = 0; c < classes; c++) {
      const others = emb.filter((_, j) => j !== i && labels[j] === c);
      if (others.length === 0) continue;
      const mean = e.map((_, d) => others.reduce((a, o) => a + o[d], 0));
      const cos = e.reduce((a, x, d) => a + x * mean[d], 0) / Math.hypot(...mean);
      logits[c] = cos / PROTO_LOSS_TEMPERATURE;
    }
    if (logits[labels[i]] === undefined) return;
    const max = Math.max(...logits.filter((x): x is number => x !== undefined));
    const z = logits.reduce((a: number, x) => (x === undefined ? a : a + Math.exp(x - max)), 0);
    sum += -(logits[labels[i]]! - max - Math.log(z));
    count++;
  });
  return sum / count;
}

const loss = (emb: number[][], labels: number[], classes: number) =>
  tf.tidy(() => prototypeLoss(tf.tensor2d(emb), tf.oneHot(tf.tensor1d(labels, 'int32'), classes) as tf.Tensor2D).dataSync()[0]);

test('prototypeLoss equals the loss written out example by example, leaving each example out of its own prototype', () => {
  const rng = mulberry32(5);
  const labels = [0, 0, 1, 1, 1, 2, 2, 3, 0, 2];
  const emb = labels.map(() => unit(Array.from({ length: 8 }, () => rng() - 0.5)));
  const got = loss(emb, labels, 5);
  assert.ok(Math.abs(got - reference(emb, labels, 5)) < 1e-4, `${got} vs ${reference(emb, labels, 5)}`);
});

test('prototypeLoss is lower when each digit clusters, and is 0 (not NaN) when no digit has a second example', () => {
  const rng = mulberry32(9);
  const labels = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3];
  const centre = [0, 1, 2, 3].map(() => unit(Array.from({ length: 8 }, () => rng() - 0.5)));
  const clustered = labels.map((l) => unit(centre[l].map((x) => x + 0.1 * (rng() - 0.5))));
  const scattered = labels.map(() => unit(Array.from({ length: 8 }, () => rng() - 0.5)));
  assert.ok(loss(clustered, labels, 4) < loss(scattered, labels, 4));
  // A batch where no digit has two examples gives no prototype of anyone's own digit: nothing to learn, and no NaN.
  const lone = loss(clustered.slice(2, 5), [0, 1, 2], 4);
  assert.equal(lone, 0);
});

test('prototypeLoss has a gradient that pulls a digit together (one step lowers it)', () => {
  const rng = mulberry32(3);
  const labels = [0, 0, 1, 1, 2, 2];
  const x = tf.variable(tf.tensor2d(labels.map(() => Array.from({ length: 6 }, () => rng() - 0.5))));
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 3) as tf.Tensor2D;
  const f = () => prototypeLoss(tf.div<tf.Tensor2D>(x, tf.norm(x, 2, 1, true)), y);
  const before = f().dataSync()[0];
  const { grads } = tf.variableGrads(f);
  x.assign(tf.sub(x, tf.mul(grads[x.name], 0.1)));
  assert.ok(f().dataSync()[0] < before);
  tf.dispose([x, y, grads[x.name]]);
});
