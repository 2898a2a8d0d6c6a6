import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { train } from '../../src/train/train';
import { evaluate } from '../../src/train/evaluate';
import { Classifier } from '../../src/model/classifier';
import { FSDD } from './helpers';

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
      assert.equal(m.confusion.flat().reduce((s, v) => s + v, 0), 300, 'confusion covers the 300 test files');
    }
    const model = await Classifier.load(a.modelPath);
    assert.equal(model.meta.training.seed, 11);
    await model.dispose();

    const report = await evaluate(FSDD, 'test', a.modelPath);
    assert.equal(report.n, 300);
    assert.ok(Math.abs(report.accuracy - a.best.testAccuracy) < 1e-9, `eval ${report.accuracy} vs trainer ${a.best.testAccuracy}`);

    const b = await train({ ...opts, out: join(dir, 'b'), epochs: 1 });
    assert.equal(b.history[0].trainLoss, a.history[0].trainLoss, 'same seed, same first epoch');
    const info = JSON.parse(readFileSync(join(dir, 'a', 'training.json'), 'utf8'));
    assert.equal(info.options.seed, 11);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
