/** The adapted head (enroll/adapt.ts) on controlled examples: it starts as the base model and learns what the takes show. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptExample, DEFAULT_ADAPT_OPTIONS, headProbs, LOG_FLOOR, trainHead, verifierShift } from '../../src/enroll/adapt';
import { argmax } from '../../src/model/types';
import { shiftProbability } from '../../src/stream/verifier';
import { gaussian, mulberry32 } from '../../src/shared/rng';

const dim = 12;
const rng = mulberry32(7);
const unit = (v: Float32Array) => {
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
};
const centres = Array.from({ length: 10 }, () => unit(Float32Array.from({ length: dim }, () => gaussian(rng))));

/** A voice the base model hears one digit off (d → d + 1), with embeddings clustered per digit. */
function example(digit: number, noise = 0.15): AdaptExample {
  const embedding = unit(centres[digit].map((c) => c + noise * gaussian(rng)));
  const probs = new Float32Array(10).fill(0.01);
  probs[(digit + 1) % 10] = 0.91;
  return { digit, take: 0, embedding, logProbs: probs.map((p) => Math.max(LOG_FLOOR, Math.log(p))) };
}

test('without training the head is the base model', () => {
  const head = trainHead([], [], dim, { ...DEFAULT_ADAPT_OPTIONS, protoStart: 0 });
  const base = Float32Array.from([0.05, 0.6, 0.05, 0.05, 0.05, 0.05, 0.05, 0.04, 0.03, 0.03]);
  const p = headProbs(head, base, centres[0]);
  for (let d = 0; d < 10; d++) assert.ok(Math.abs(p[d] - base[d]) < 1e-5);
});

test('one take per digit (augmented) corrects a voice the base model hears wrong, and new takes of it', () => {
  const train = Array.from({ length: 10 }, (_, d) => Array.from({ length: 20 }, () => example(d))).flat();
  const head = trainHead(train, centres, dim);
  let right = 0;
  for (let i = 0; i < 100; i++) {
    const ex = example(i % 10);
    const base = ex.logProbs.map(Math.exp);
    assert.notEqual(argmax(base), ex.digit);
    if (argmax(headProbs(head, base, ex.embedding)) === ex.digit) right++;
  }
  assert.ok(right >= 95, `adapted head right on ${right}/100`);
});

test('digits without takes keep their start; the verifier shift lifts only digits whose takes the verifier doubts', () => {
  const train = [0, 1, 2].flatMap((d) => Array.from({ length: 10 }, () => ({ ...example(d), verifierLogOdds: d === 1 ? -9 : 5 })));
  const head = trainHead(train, [], dim);
  for (let d = 3; d < 10; d++) {
    assert.equal(head.bias[d], 0);
    assert.ok(head.weights.subarray(d * dim, (d + 1) * dim).every((w) => w === 0));
  }
  const shift = verifierShift(train);
  assert.equal(shift[0], 0);
  assert.equal(shift[2], 0);
  assert.ok(Math.abs(shift[1] - (DEFAULT_ADAPT_OPTIONS.verifierTarget + 9)) < 1e-6);
  assert.ok(Math.abs(shiftProbability(1 / (1 + Math.exp(9)), shift[1]) - 1 / (1 + Math.exp(-DEFAULT_ADAPT_OPTIONS.verifierTarget))) < 1e-6);
  // Capped, so a voice the verifier rejects outright does not switch it off.
  assert.equal(verifierShift([{ ...example(4), verifierLogOdds: -80 }])[4], DEFAULT_ADAPT_OPTIONS.verifierMaxShift);
});
