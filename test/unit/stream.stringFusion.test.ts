import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Spike } from '../../src/stream/stringDecoder';
import { fuseSpike } from '../../src/stream/stringFusion';

function spikeOf(digit: number, p: number): Spike {
  const probs = new Float32Array(11).fill((1 - p) / 10);
  probs[digit] = p;
  return { digit, prob: p, probs, frame: 40 };
}
function user(digit: number, p: number): Float32Array {
  const probs = new Float32Array(10).fill((1 - p) / 9);
  probs[digit] = p;
  return probs;
}

test('weight 0 leaves the string model alone', () => {
  const s = spikeOf(3, 0.6);
  assert.equal(fuseSpike(s, user(8, 0.99), 0), s);
});

test('a confident enrolled classifier overrules a hesitant string model', () => {
  const fused = fuseSpike(spikeOf(3, 0.55), user(8, 0.98), 1);
  assert.equal(fused.digit, 8);
  assert.ok(fused.prob > 0.5 && fused.prob <= 1, `prob ${fused.prob}`);
  const sum = Array.from(fused.probs.subarray(0, 10)).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-5, `sum ${sum}`);
  assert.equal(fused.frame, 40);
});

test('a hesitant classifier does not overrule a confident string model', () => {
  const s = spikeOf(3, 0.97);
  assert.equal(fuseSpike(s, user(8, 0.4), 1), s);
});

test('an "impossible" from one model is floored, not a veto', () => {
  const s = spikeOf(5, 0.999);
  const u = new Float32Array(10).fill(0.1);
  u[5] = 0;
  assert.equal(fuseSpike(s, u, 1).digit, 5);
});
