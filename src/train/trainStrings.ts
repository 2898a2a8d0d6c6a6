/**
 * Trains the digit-string model (sequenceNet.ts) with the CTC loss (ctc.ts) on examples drawn
 * afresh at every step (stringData.ts), for a time budget rather than a number of epochs: the
 * machine is shared, so the step count adapts to its speed. The checkpoint kept is the one with
 * the fewest digit errors on validation strings (FSDD takes 5–9 and fluent strings of other seeds),
 * never on benchmark material.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '../atomicWrite';
import { FEATURE_CONFIG } from '../features/config';
import { logMelFrames } from '../features/logmel';
import { SEQUENCE_LABELS, SequenceModel } from '../model/sequenceModel';
import { initBackend } from './backend';
import { ctcLossTensor, greedyDecode } from './ctc';
import { loadClips } from './dataset';
import { exportSequenceOnnx } from './exportSequence';
import { mulberry32 } from './rng';
import { buildSources, Example, sampleExample } from './stringData';
import { alignDigits } from './stringScore';
import { BLANK, DEFAULT_SEQ_NET, describeSeqNet, receptiveField, SeqSpec, SeqWeights, SequenceNet, totalStride } from './sequenceNet';
import type { VoiceFamily } from './ttsVoices';

const cfg = FEATURE_CONFIG;
const B = cfg.melBands;

export interface StringTrainOptions {
  fsddDir: string;
  out: string;
  voices: readonly VoiceFamily[];
  nonDigitTexts: string[];
  /** Training time budget (minutes of steps; data preparation comes on top). */
  minutes: number;
  /** Or an exact number of steps (tests). */
  steps?: number;
  batchSize: number;
  seed: number;
  fluentCount: number;
  nonDigitCount: number;
  valCount: number;
  evalEvery: number;
  spec?: SeqSpec;
  log?: (line: string) => void;
}

export interface StringTrainResult {
  modelPath: string;
  modelId: string;
  bytes: number;
  steps: number;
  bestStep: number;
  valDigitErrorRate: number;
  valExact: number;
  exportMaxAbsDiff: number;
  seconds: number;
}

interface Featurised {
  data: Float32Array;
  frames: number;
  digits: number[];
}

function featurise(e: Example): Featurised {
  const { data, frames } = logMelFrames(e.samples, cfg);
  return { data, frames, digits: e.digits };
}

/** Normalised batch, every example padded (with copies of its last frame, its noise floor) to a common length. */
function batchTensor(xs: Featurised[], norm: { mean: number[]; std: number[] }, stride: number): tf.Tensor3D {
  const T = Math.ceil(Math.max(...xs.map((x) => x.frames)) / stride) * stride;
  const out = new Float32Array(xs.length * T * B);
  xs.forEach((x, i) => {
    for (let t = 0; t < T; t++) {
      const src = Math.min(t, x.frames - 1) * B;
      for (let b = 0; b < B; b++) out[(i * T + t) * B + b] = (x.data[src + b] - norm.mean[b]) / norm.std[b];
    }
  });
  return tf.tensor3d(out, [xs.length, T, B]);
}

function bandStats(xs: Featurised[]): { mean: number[]; std: number[] } {
  const sum = new Float64Array(B);
  const sq = new Float64Array(B);
  let n = 0;
  for (const x of xs)
    for (let i = 0; i < x.frames * B; i++) {
      sum[i % B] += x.data[i];
      sq[i % B] += x.data[i] * x.data[i];
      if (i % B === 0) n++;
    }
  const mean = Array.from(sum, (s) => s / n);
  return { mean, std: Array.from(sq, (s, b) => Math.sqrt(Math.max(s / n - mean[b] * mean[b], 1e-6))) };
}

function evaluate(net: SequenceNet, val: Featurised[], norm: { mean: number[]; std: number[] }, stride: number) {
  let errors = 0;
  let n = 0;
  let exact = 0;
  const probs: Float32Array[] = [];
  for (let i = 0; i < val.length; i += 16) {
    const chunk = val.slice(i, i + 16);
    const p = tf.tidy(() => tf.softmax(net.forward(batchTensor(chunk, norm, stride), false)));
    const [, steps, C] = p.shape;
    const data = p.dataSync() as Float32Array;
    p.dispose();
    chunk.forEach((x, j) => {
      const own = data.subarray(j * steps * C, (j + 1) * steps * C);
      probs.push(own.slice());
      const hyp = greedyDecode(own, steps, C, BLANK);
      const a = alignDigits(x.digits, hyp);
      const e = a.sub + a.del + a.ins;
      errors += e;
      n += Math.max(1, x.digits.length);
      if (e === 0) exact++;
    });
  }
  return { errorRate: errors / n, exact: exact / val.length, probs };
}

export async function trainStrings(o: StringTrainOptions): Promise<StringTrainResult> {
  const started = Date.now();
  const log = o.log ?? (() => undefined);
  await initBackend();
  const spec = o.spec ?? DEFAULT_SEQ_NET;
  const stride = totalStride(spec);
  const { clips } = loadClips(o.fsddDir, cfg, (c) => c.take >= 5);
  const trainClips = clips.filter((c) => c.take >= 10);
  const valClips = clips.filter((c) => c.take < 10);
  log(`FSDD: ${trainClips.length} training words (takes 10–49), ${valClips.length} validation words (takes 5–9)`);
  const src = buildSources({
    fsdd: trainClips,
    voices: o.voices,
    nonDigitTexts: o.nonDigitTexts,
    fluentCount: o.fluentCount,
    nonDigitCount: o.nonDigitCount,
    seed: o.seed,
    log,
  });
  // Validation: real words of other takes, and TTS strings and phrases of other seeds.
  const valSrc = buildSources({
    fsdd: valClips,
    voices: o.voices,
    nonDigitTexts: o.nonDigitTexts,
    fluentCount: Math.max(20, Math.round(o.valCount / 3)),
    nonDigitCount: Math.max(5, Math.round(o.valCount / 10)),
    seed: o.seed + 7919,
  });
  const valRng = mulberry32(o.seed + 1);
  const val = Array.from({ length: o.valCount }, () => featurise(sampleExample(valSrc, valRng)));
  const rng = mulberry32(o.seed + 2);
  const norm = bandStats(Array.from({ length: 200 }, () => featurise(sampleExample(src, rng))));
  const net = new SequenceNet(spec, mulberry32(o.seed + 3));
  log(`model: ${describeSeqNet(spec)}; ${net.parameterCount()} parameters`);
  const optimizer = tf.train.adam(3e-3);
  const peak = 3e-3;
  let totalSteps = o.steps ?? 1_000_000;
  let best: { step: number; errorRate: number; exact: number; weights: SeqWeights } | undefined;
  let lossSum = 0;
  let lossN = 0;
  const tTrain = Date.now();
  const lossStats = { skipped: 0 };
  for (let step = 1; step <= totalSteps; step++) {
    // The budget sets the step count once the speed is known (after 20 steps).
    if (o.steps === undefined && step === 21) {
      const perStep = (Date.now() - tTrain) / 20 / 1000;
      totalSteps = Math.max(40, Math.floor((o.minutes * 60) / (perStep * 1.08)));
      log(`${perStep.toFixed(2)} s a step: ${totalSteps} steps in ${o.minutes} min`);
    }
    const warm = Math.min(200, totalSteps / 10);
    const lr =
      step < warm
        ? (peak * step) / warm
        : peak * (0.02 + 0.98 * 0.5 * (1 + Math.cos((Math.PI * (step - warm)) / Math.max(1, totalSteps - warm))));
    (optimizer as unknown as { learningRate: number }).learningRate = lr;
    const batch = Array.from({ length: o.batchSize }, () => featurise(sampleExample(src, rng)));
    const stats: Array<{ mean: tf.Tensor; variance: tf.Tensor }> = [];
    const loss = tf.tidy(() => {
      const x = batchTensor(batch, norm, stride);
      return optimizer.minimize(
        () =>
          ctcLossTensor(
            net.forward(x, true, stats),
            batch.map((b) => b.digits),
            BLANK,
            lossStats,
          ),
        true,
        net.trainable,
      )!;
    });
    net.updateRunningStats(stats);
    lossSum += loss.dataSync()[0];
    lossN++;
    loss.dispose();
    if (step % o.evalEvery === 0 || step === totalSteps) {
      const v = evaluate(net, val, norm, stride);
      const better = !best || v.errorRate < best.errorRate;
      if (better) best = { step, errorRate: v.errorRate, exact: v.exact, weights: net.snapshot() };
      log(
        `step ${step}/${totalSteps}  lr ${lr.toExponential(1)}  loss ${(lossSum / lossN).toFixed(3)}  val digit errors ${(v.errorRate * 100).toFixed(2)} %  exact ${(v.exact * 100).toFixed(1)} %  ${((Date.now() - tTrain) / 60000).toFixed(1)} min${better ? '  * best' : ''}${lossStats.skipped ? `  (${lossStats.skipped} examples too short for their labels)` : ''}`,
      );
      lossSum = 0;
      lossN = 0;
    }
  }
  net.restore(best!.weights);
  const ref = evaluate(net, val.slice(0, 16), norm, stride).probs;
  const { bytes, modelId } = exportSequenceOnnx(spec, best!.weights, {
    featureConfig: { ...cfg },
    normalization: norm,
    labels: [...SEQUENCE_LABELS],
    blank: BLANK,
    stride,
    receptiveField: receptiveField(spec),
    architecture: describeSeqNet(spec),
    parameters: net.parameterCount(),
    training: {
      seed: o.seed,
      steps: totalSteps,
      batchSize: o.batchSize,
      bestStep: best!.step,
      valDigitErrorRate: best!.errorRate,
      valExact: best!.exact,
      data: 'FSDD takes 10–49 (5–9 validation), training TTS voices (COMMON split), spliced −40…150 ms and fluent; non-digit phrases → empty',
    },
  });
  net.dispose();
  optimizer.dispose();
  mkdirSync(o.out, { recursive: true });
  const modelPath = join(o.out, 'digit-strings.onnx');
  writeFileAtomic(modelPath, bytes);
  // The exported graph must reproduce the trainer's probabilities (padding as in batchTensor).
  const model = await SequenceModel.load(modelPath);
  let exportMaxAbsDiff = 0;
  try {
    for (let i = 0; i < Math.min(16, val.length); i++) {
      const x = val[i];
      const T = Math.ceil(Math.max(...val.slice(0, 16).map((v) => v.frames)) / stride) * stride;
      const padded = new Float32Array(T * B);
      for (let t = 0; t < T; t++) padded.set(x.data.subarray(Math.min(t, x.frames - 1) * B, Math.min(t, x.frames - 1) * B + B), t * B);
      const got = await model.probs(padded, T);
      for (let k = 0; k < got.length; k++) exportMaxAbsDiff = Math.max(exportMaxAbsDiff, Math.abs(got[k] - ref[i][k]));
    }
  } finally {
    await model.dispose();
  }
  const result: StringTrainResult = {
    modelPath,
    modelId,
    bytes: bytes.length,
    steps: totalSteps,
    bestStep: best!.step,
    valDigitErrorRate: best!.errorRate,
    valExact: best!.exact,
    exportMaxAbsDiff,
    seconds: (Date.now() - started) / 1000,
  };
  log(`exported ${modelPath} (${bytes.length} bytes, id ${modelId}); ONNX vs trainer max |Δp| ${exportMaxAbsDiff.toExponential(2)}`);
  writeFileAtomic(join(o.out, 'digit-strings.training.json'), JSON.stringify(result, null, 2) + '\n');
  return result;
}
