import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { onnx } from 'onnx-proto';
import { readWav } from '../../src/audio/wav';
import { FEATURE_CONFIG, FEATURE_CONFIG_16K, FEATURE_CONFIGS } from '../../src/features/config';
import { utteranceFeatures } from '../../src/features/logmel';
import { bundledModelPath, Classifier } from '../../src/model/classifier';
import { META_KEY, type ModelMeta } from '../../src/model/meta';
import { ModelLoadError, ModelMismatchError } from '../../src/errors';
import { initBackend } from '../../src/train/backend';
import { exportOnnx } from '../../src/train/export';
import { DEFAULT_NET, DigitNet, conv1dSame } from '../../src/train/network';
import { mulberry32 } from '../../src/train/rng';
import { predictProbs } from '../../src/train/train';
import { FSDD, fsddFile } from './helpers';
import { loadFsdd } from '../fixtures/corpus';
import { withFloat16Weights } from '../../src/train/float16';
import { argmax } from '../../src/model/types';

const norm = { mean: Array.from({ length: 40 }, (_, i) => 8 + i * 0.1), std: Array.from({ length: 40 }, (_, i) => 3 + (i % 5) * 0.2) };

test('im2col convolution equals a direct 1-D convolution', async () => {
  await initBackend();
  const rng = mulberry32(3);
  const [B, T, C, O, K] = [2, 7, 3, 4, 3];
  const x = Float32Array.from({ length: B * T * C }, () => rng() - 0.5);
  const w = Float32Array.from({ length: K * C * O }, () => rng() - 0.5);
  const got = tf.tidy(() => conv1dSame(tf.tensor3d(x, [B, T, C]), tf.tensor2d(w, [K * C, O]), K).dataSync());
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++)
      for (let o = 0; o < O; o++) {
        let want = 0;
        for (let k = 0; k < K; k++) {
          const tt = t + k - 1;
          if (tt < 0 || tt >= T) continue;
          for (let c = 0; c < C; c++) want += x[(b * T + tt) * C + c] * w[(k * C + c) * O + o];
        }
        assert.ok(Math.abs(got[(b * T + t) * O + o] - want) < 1e-5, `b${b} t${t} o${o}: ${got[(b * T + t) * O + o]} vs ${want}`);
      }
});

async function exportRandomModel(dir: string) {
  await initBackend();
  const net = new DigitNet(DEFAULT_NET, mulberry32(7));
  // Non-trivial BatchNorm statistics so folding is actually exercised.
  net.convs.forEach((c, i) => {
    c.runMean.assign(tf.randomUniform(c.runMean.shape, -0.5, 0.5, 'float32', 10 + i));
    c.runVar.assign(tf.randomUniform(c.runVar.shape, 0.5, 2, 'float32', 20 + i));
    c.gamma.assign(tf.randomUniform(c.gamma.shape, 0.5, 1.5, 'float32', 30 + i));
    c.beta.assign(tf.randomUniform(c.beta.shape, -0.2, 0.2, 'float32', 40 + i));
  });
  const { bytes } = exportOnnx(DEFAULT_NET, net.snapshot(), {
    featureConfig: { ...FEATURE_CONFIG },
    normalization: norm,
    labels: Array.from({ length: 10 }, (_, i) => String(i)),
    embeddingDim: DEFAULT_NET.embedding,
    architecture: 'test',
    parameters: net.parameterCount(),
    training: {},
  });
  const path = join(dir, 'digits.onnx');
  writeFileSync(path, bytes);
  return { net, path, bytes };
}

test('ONNX export reproduces the trainer on real recordings (max |Δp| ≤ 1e-4) and stays ≤ 200 KB', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dd-export-'));
  try {
    const { net, path, bytes } = await exportRandomModel(dir);
    assert.ok(bytes.length <= 200 * 1024, `${bytes.length} bytes`);
    const inputs = ['0_george_1.wav', '3_yweweler_2.wav', '8_lucas_4.wav', '6_theo_0.wav'].map((f) =>
      utteranceFeatures(readWav(fsddFile(f), 8000).samples),
    );
    const ref = predictProbs(net, inputs, norm);
    const model = await Classifier.load(path);
    const got = await model.classifyBatch(inputs);
    let maxDiff = 0;
    got.forEach((g, i) => g.probs.forEach((p, k) => (maxDiff = Math.max(maxDiff, Math.abs(p - ref[i][k])))));
    assert.ok(maxDiff <= 1e-4, `max |Δp| ${maxDiff}`);
    for (const g of got) {
      const norm2 = g.embedding.reduce((a, v) => a + v * v, 0);
      assert.ok(Math.abs(norm2 - 1) < 1e-3 || norm2 < 1e-6, `embedding norm² ${norm2}`);
      assert.ok(Math.abs(g.probs.reduce((a, v) => a + v, 0) - 1) < 1e-5);
    }
    await model.dispose();
    net.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a model whose feature config differs from the code is refused with a clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dd-meta-'));
  try {
    const { net, path } = await exportRandomModel(dir);
    net.dispose();
    const model = onnx.ModelProto.decode(readFileSync(path));
    const entry = model.metadataProps.find((p) => p.key === META_KEY)!;
    const meta = JSON.parse(entry.value ?? '{}') as ModelMeta;
    meta.featureConfig.hopSize = 128;
    entry.value = JSON.stringify(meta);
    const changed = join(dir, 'hop128.onnx');
    writeFileSync(changed, onnx.ModelProto.encode(model).finish());
    await assert.rejects(
      Classifier.load(changed),
      (e: unknown) => e instanceof ModelMismatchError && e.code === 'MODEL_FEATURE_MISMATCH' && /hopSize: 128 vs 80/.test(e.message),
    );

    // A 16 kHz model loads only where the caller computes 16 kHz features; a config that is neither is refused by both.
    const at16k = (fields: Partial<ModelMeta['featureConfig']>, name: string) => {
      meta.featureConfig = { ...FEATURE_CONFIG_16K, ...fields };
      entry.value = JSON.stringify(meta);
      writeFileSync(join(dir, name), onnx.ModelProto.encode(model).finish());
      return join(dir, name);
    };
    const m16 = at16k({}, 'r16.onnx');
    await assert.rejects(
      Classifier.load(m16),
      (e: unknown) => e instanceof ModelMismatchError && /sampleRate: 16000 vs 8000/.test(e.message),
    );
    assert.equal((await Classifier.load(m16, FEATURE_CONFIGS)).meta.featureConfig.sampleRate, 16000);
    await assert.rejects(
      Classifier.load(at16k({ hopSize: 80 }, 'r16hop.onnx'), FEATURE_CONFIGS),
      (e: unknown) => e instanceof ModelMismatchError && e.code === 'MODEL_FEATURE_MISMATCH' && /hopSize: 80 vs 160/.test(e.message),
    );

    model.metadataProps = [];
    const bare = join(dir, 'bare.onnx');
    writeFileSync(bare, onnx.ModelProto.encode(model).finish());
    await assert.rejects(Classifier.load(bare), (e: unknown) => e instanceof ModelMismatchError && e.code === 'MODEL_NO_METADATA');

    const junk = join(dir, 'junk.onnx');
    writeFileSync(junk, 'not a model at all');
    await assert.rejects(Classifier.load(junk), (e: unknown) => e instanceof ModelLoadError);
    await assert.rejects(
      Classifier.load(join(dir, 'missing.onnx')),
      (e: unknown) => e instanceof ModelLoadError && e.code === 'MODEL_NOT_FOUND',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('float16 weight storage halves a model file and moves its probabilities by well under 1 %', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dd-fp16-'));
  const original = readFileSync(bundledModelPath());
  const path = join(dir, 'half.onnx');
  writeFileSync(path, withFloat16Weights(original));
  const full = await Classifier.load(bundledModelPath());
  const half = await Classifier.load(path);
  try {
    assert.ok(statSync(path).size < original.length * 0.6, `${statSync(path).size} of ${original.length} bytes`);
    assert.equal(half.meta.modelId, full.meta.modelId, 'metadata travels unchanged');
    const inputs = loadFsdd(FSDD, 'test')
      .filter((c) => c.take === 3)
      .map((c) => utteranceFeatures(c.samples));
    const [a, b] = await Promise.all([full.classifyBatch(inputs), half.classifyBatch(inputs)]);
    let worst = 0;
    a.forEach((x, i) => x.probs.forEach((p, k) => (worst = Math.max(worst, Math.abs(p - b[i].probs[k])))));
    assert.ok(worst > 0 && worst < 1e-2, `max |Δp| ${worst}`);
    assert.deepEqual(
      b.map((x) => argmax(x.probs)),
      a.map((x) => argmax(x.probs)),
    );
  } finally {
    await full.dispose();
    await half.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
