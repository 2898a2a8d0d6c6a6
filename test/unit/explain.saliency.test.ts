import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { loadFsdd } from '../../src/bench/corpus';
import { FEATURE_CONFIG } from '../../src/features/config';
import { utteranceFeatures } from '../../src/features/logmel';
import { bandSaliency, maskBands, topBands } from '../../src/explain/saliency';
import { bundledModelPath, Classifier } from '../../src/model/classifier';
import { argmax } from '../../src/stream/decoder';
import { mulberry32 } from '../../src/train/rng';
import { FSDD } from './helpers';

const MODEL = bundledModelPath();
const skip = !existsSync(MODEL) && 'models/digits.onnx not trained yet';
const bands = FEATURE_CONFIG.melBands;

test('maskBands silences exactly the chosen bands in every frame', () => {
  const x = Float32Array.from({ length: 80 * bands }, (_, i) => 1 + (i % 7));
  const m = maskBands(x, bands, [3, 17]);
  for (let f = 0; f < 80; f++) {
    for (let b = 0; b < bands; b++) {
      const v = m[f * bands + b];
      if (b === 3 || b === 17) assert.equal(v, 0);
      else assert.equal(v, x[f * bands + b]);
    }
  }
  assert.notEqual(m, x);
});

test('topBands sorts by score and names each band by its centre frequency', () => {
  const s = Array.from({ length: bands }, (_, b) => (b === 12 ? 0.9 : b === 30 ? 0.5 : b / 1000));
  const top = topBands(s, 3);
  assert.deepEqual(top.map((t) => t.band), [12, 30, 39]);
  assert.ok(top[0].hz < top[1].hz && top[0].hz > 0 && top[1].hz < FEATURE_CONFIG.sampleRate / 2);
});

test('masking the top-5 salient bands lowers the decided digit\'s confidence more than masking 5 random bands', { skip }, async (t) => {
  const classifier = await Classifier.load(MODEL);
  const rng = mulberry32(12);
  try {
    // Two takes of every digit from every speaker: 120 words.
    const clips = loadFsdd(FSDD, 'test').filter((c) => c.take < 2);
    let topDrop = 0;
    let randDrop = 0;
    let wins = 0;
    for (const c of clips) {
      const x = utteranceFeatures(c.samples);
      const { probs } = await classifier.classify(x);
      const digit = argmax(probs);
      const sal = await bandSaliency(classifier, x, digit);
      assert.equal(sal.length, bands);
      const top = topBands(sal, 5).map((b) => b.band);
      const dTop = probs[digit] - (await classifier.classify(maskBands(x, bands, top))).probs[digit];
      let dRand = 0;
      const draws = 8;
      for (let k = 0; k < draws; k++) {
        const pool = Array.from({ length: bands }, (_, b) => b);
        const chosen = Array.from({ length: 5 }, () => pool.splice(Math.floor(rng() * pool.length), 1)[0]);
        dRand += (probs[digit] - (await classifier.classify(maskBands(x, bands, chosen))).probs[digit]) / draws;
      }
      topDrop += dTop / clips.length;
      randDrop += dRand / clips.length;
      if (dTop > dRand) wins++;
    }
    t.diagnostic(`mean confidence drop: top-5 bands ${topDrop.toFixed(3)}, random 5 bands ${randDrop.toFixed(3)}; top worse in ${wins}/${clips.length}`);
    assert.ok(topDrop > randDrop + 0.05, `mean confidence drop: top bands ${topDrop.toFixed(3)}, random bands ${randDrop.toFixed(3)}`);
    assert.ok(wins >= 0.8 * clips.length, `top bands hurt more in ${wins}/${clips.length} words`);
  } finally {
    await classifier.dispose();
  }
});
