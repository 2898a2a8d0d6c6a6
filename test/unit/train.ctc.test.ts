import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctcLoss, greedyDecode } from '../../src/train/ctc';
import { gaussian, mulberry32 } from '../../src/train/rng';

/** Every frame-level path that collapses to `labels`, summed by brute force (tiny cases only). */
function bruteForceLoss(logits: number[], T: number, C: number, labels: number[], blank: number): number {
  const lp = (t: number, k: number) => {
    const row = logits.slice(t * C, (t + 1) * C);
    const m = Math.max(...row);
    return row[k] - m - Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
  };
  let p = 0;
  const path: number[] = [];
  const walk = (t: number) => {
    if (t === T) {
      const collapsed = path.filter((k, i) => k !== blank && (i === 0 || path[i - 1] !== k));
      if (collapsed.length === labels.length && collapsed.every((k, i) => k === labels[i]))
        p += Math.exp(path.reduce((a, k, i) => a + lp(i, k), 0));
      return;
    }
    for (let k = 0; k < C; k++) {
      path.push(k);
      walk(t + 1);
      path.pop();
    }
  };
  walk(0);
  return -Math.log(p);
}

const randomLogits = (n: number, seed: number) => {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, () => 2 * gaussian(rng));
};

test('CTC loss equals the brute-force sum over all alignments (repeats and blanks)', () => {
  const C = 3;
  const blank = 2;
  for (const [labels, T, seed] of [
    [[0, 1], 4, 1],
    [[1, 1], 5, 2],
    [[0], 3, 3],
    [[], 3, 4],
    [[0, 1, 0], 6, 5],
  ] as Array<[number[], number, number]>) {
    const logits = randomLogits(T * C, seed);
    const r = ctcLoss(logits, T, C, labels, blank);
    const ref = bruteForceLoss(logits, T, C, labels, blank);
    assert.ok(Math.abs(r.loss - ref) < 1e-9, `labels ${labels.join(',')}, T ${T}: ${r.loss} vs ${ref}`);
  }
});

test('CTC gradient matches central finite differences of the loss', () => {
  const T = 12;
  const C = 11;
  const labels = [3, 3, 7, 0];
  const logits = randomLogits(T * C, 9);
  const { grad, loss } = ctcLoss(logits, T, C, labels, 10);
  assert.ok(Number.isFinite(loss));
  const h = 1e-5;
  let worst = 0;
  for (let i = 0; i < T * C; i++) {
    const up = logits.slice();
    const down = logits.slice();
    up[i] += h;
    down[i] -= h;
    const numeric = (ctcLoss(up, T, C, labels, 10).loss - ctcLoss(down, T, C, labels, 10).loss) / (2 * h);
    worst = Math.max(worst, Math.abs(numeric - grad[i]));
  }
  assert.ok(worst < 1e-6, `largest gradient error ${worst}`);
});

test('CTC loss is infinite (and its gradient zero) when the labels cannot fit the frames', () => {
  // Two equal labels need a blank between them: three frames at least.
  const r = ctcLoss(randomLogits(2 * 3, 1), 2, 3, [1, 1], 2);
  assert.equal(r.loss, Infinity);
  assert.ok(r.grad.every((g) => g === 0));
});

test('greedy decoding merges repeats and drops blanks', () => {
  const B = 2;
  const frames = [0, 0, B, 0, 1, 1, B, B, 1];
  const probs = frames.flatMap((k) => [0, 1, 2].map((c) => (c === k ? 0.9 : 0.05)));
  assert.deepEqual(greedyDecode(probs, frames.length, 3, B), [0, 0, 1, 1]);
});
