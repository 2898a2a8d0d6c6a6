import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignDigits } from '../../src/shared/stringScore';
import { mulberry32 } from '../../src/train/rng';
import { changeSpeed } from '../../src/audio/effects';
import { digitText, spliceDigits } from '../../src/train/strings';
import { HELDOUT_VOICES, TRAIN_VOICES } from '../../src/train/ttsVoices';

test('alignDigits counts substitutions, deletions and insertions of a typed string', () => {
  assert.deepEqual(alignDigits([4, 2, 7], [4, 2, 7]), {
    sub: 0,
    del: 0,
    ins: 0,
    matches: [
      [0, 0],
      [1, 1],
      [2, 2],
    ],
  });
  const a = alignDigits([4, 2, 7, 9], [4, 3, 7]);
  assert.equal(a.sub + a.del + a.ins, 2);
  assert.equal(alignDigits([1, 2, 3], []).del, 3);
  assert.equal(alignDigits([], [5, 5]).ins, 2);
  assert.deepEqual(alignDigits([1, 2, 3], [1, 9, 2, 3]).matches, [
    [0, 0],
    [1, 2],
    [2, 3],
  ]);
});

test('spliceDigits places words with the drawn gaps and reports where they sit', () => {
  const rate = 8000;
  const word = (d: number) => ({ digit: d, samples: new Float32Array(2400).fill(0.5) });
  const s = spliceDigits([word(1), word(2), word(3)], mulberry32(1), { gapMs: [-40, -40], edgeMs: [100, 100] }, rate);
  assert.deepEqual(s.digits, [1, 2, 3]);
  const w = s.words!;
  assert.equal(w[0].startMs, 100);
  assert.equal(w[0].endMs, 400);
  // 40 ms overlap, cross-faded: the sum stays at the words' level inside the overlap.
  assert.ok(Math.abs(w[1].startMs - 360) < 1e-9);
  const mid = Math.round(0.38 * rate);
  assert.ok(Math.abs(s.samples[mid] - 0.5) < 0.02, `cross-fade level ${s.samples[mid]}`);
  assert.equal(s.samples.length, Math.round(0.1 * rate) * 2 + 3 * 2400 - 2 * 320);
});

test('changeSpeed shortens by the speed factor; digitText says zero as "zero" or "oh"', () => {
  assert.equal(changeSpeed(new Float32Array(1000), 1.25).length, 800);
  const texts = new Set(Array.from({ length: 20 }, (_, i) => digitText([0, 4], mulberry32(i))));
  assert.deepEqual([...texts].sort(), ['oh four', 'zero four']);
});

test('string voices follow the project split: 90 training and 10 held-out families, none shared', () => {
  const key = (v: { engine: string; voice: string }) => `${v.engine}:${v.voice}`;
  assert.equal(TRAIN_VOICES.length, 90);
  assert.equal(HELDOUT_VOICES.length, 10);
  const train = new Set(TRAIN_VOICES.map(key));
  assert.ok(HELDOUT_VOICES.every((v) => !train.has(key(v))));
  assert.deepEqual(HELDOUT_VOICES.slice(-2).map(key), ['flite:awb', 'festival:ked_diphone']);
});
