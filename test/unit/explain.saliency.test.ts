import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { loadFsdd } from '../fixtures/corpus';
import { FEATURE_CONFIG } from '../../src/features/config';
import { logMelFrames, toModelInput, utteranceFeatures } from '../../src/features/logmel';
import { bandSaliency, maskBands, topBands } from '../../src/explain/saliency';
import { occlusionCrop, utteranceFrames } from '../../src/model/occlusionModel';
import { bundledModelPath, Classifier } from '../../src/model/classifier';
import { argmax } from '../../src/model/types';
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
  assert.deepEqual(
    top.map((t) => t.band),
    [12, 30, 39],
  );
  assert.ok(top[0].hz < top[1].hz && top[0].hz > 0 && top[1].hz < FEATURE_CONFIG.sampleRate / 2);
});

test("masking the top-5 salient bands lowers the decided digit's confidence more than masking 5 random bands", { skip }, async (t) => {
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
    t.diagnostic(
      `mean confidence drop: top-5 bands ${topDrop.toFixed(3)}, random 5 bands ${randDrop.toFixed(3)}; top worse in ${wins}/${clips.length}`,
    );
    assert.ok(topDrop > randDrop + 0.05, `mean confidence drop: top bands ${topDrop.toFixed(3)}, random bands ${randDrop.toFixed(3)}`);
    assert.ok(wins >= 0.8 * clips.length, `top bands hurt more in ${wins}/${clips.length} words`);
  } finally {
    await classifier.dispose();
  }
});

test('occlusionCrop: the copies run on every frame an output that can differ depends on, and no more than needed', () => {
  // The exporter's net: conv3 → conv3 → pool2 → conv3 → pool2 → conv3 gives windows [4j − 8, 4j + 11].
  const m = { frames: 80, stride: 4, lo: -8, hi: 11 };
  for (let n = 0; n <= 80; n++) {
    const { tc, cut } = occlusionCrop(m, n);
    assert.equal(tc % m.stride, 0);
    assert.ok(tc <= m.frames && cut <= m.frames / m.stride);
    if (cut < m.frames / m.stride)
      assert.ok(m.stride * cut + m.lo >= n, `n ${n}: position ${cut} (window from ${m.stride * cut + m.lo}) may differ`);
    // (Cropped copies only: on all 80 frames the copies are the classifier's own input.)
    if (cut > 0 && tc < m.frames)
      assert.ok(
        m.stride * (cut - 1) + m.hi < tc,
        `n ${n}: position ${cut - 1} needs frames up to ${m.stride * (cut - 1) + m.hi}, has ${tc}`,
      );
  }
  assert.deepEqual(occlusionCrop(m, 40), { tc: 56, cut: 12 });
  assert.deepEqual(occlusionCrop(m, 80), { tc: 80, cut: 20 });
  assert.equal(utteranceFrames(toModelInput(new Float32Array(7 * bands).fill(1), 7), bands), 7);
  assert.equal(utteranceFrames(new Float32Array(80 * bands), bands), 0);
});

test('the occlusion model gives the same probabilities and embeddings as classifying the 40 masked copies', { skip }, async () => {
  const classifier = await Classifier.load(MODEL);
  try {
    assert.ok(await classifier.hasOcclusionModel(), 'the bundled model has an occlusion model');
    // Whole words and early-exit-like prefixes (short, mid-word, past the 80-frame input).
    const clips = loadFsdd(FSDD, 'test').filter((c) => c.take === 0 && c.digit % 3 === 0);
    let inputs = 0;
    let maxDiff = 0;
    for (const c of clips) {
      const { data, frames } = logMelFrames(c.samples);
      for (const n of new Set([3, 17, 30, 41, 58, 63, frames])) {
        if (n > frames) continue;
        const x = toModelInput(data, n);
        const fast = await classifier.classifyOccluded(x);
        const slow = await classifier.classifyBatch([x, ...Array.from({ length: bands }, (_, b) => maskBands(x, bands, [b]))]);
        assert.equal(fast.length, bands + 1);
        for (let i = 0; i <= bands; i++) {
          for (let k = 0; k < 10; k++) maxDiff = Math.max(maxDiff, Math.abs(fast[i].probs[k] - slow[i].probs[k]));
          for (let k = 0; k < fast[i].embedding.length; k++)
            maxDiff = Math.max(maxDiff, Math.abs(fast[i].embedding[k] - slow[i].embedding[k]));
        }
        inputs++;
      }
    }
    assert.ok(inputs >= 100, `${inputs} inputs`);
    assert.ok(maxDiff < 1e-4, `max difference ${maxDiff}`);
  } finally {
    await classifier.dispose();
  }
});
