/**
 * Trains the digit-string model (sequenceNet.ts) with the CTC loss (ctc.ts) on examples drawn
 * afresh at every step (stringData.ts), for a time budget rather than a number of epochs: the
 * machine is shared, so the step count adapts to its speed. The checkpoint kept is the one with
 * the fewest digit errors on validation strings (FSDD takes 5–9 and fluent strings of other seeds),
 * never on benchmark material.
 */
import { join } from 'node:path';
import { mkdirSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '../atomicWrite';
import { OptionError } from '../errors';
import { FEATURE_CONFIG } from '../features/config';
import { logMelFrames } from '../features/logmel';
import { onnx } from 'onnx-proto';
import { readSequenceMeta, SEQUENCE_LABELS, SequenceModel } from '../model/sequenceModel';
import { floatInitializers } from '../model/onnxTensors';
import { BN_EPS } from './network';
import { initBackend } from './backend';
import { ctcLossTensor, greedyDecode } from './ctc';
import { loadClips } from './dataset';
import { recipeDevSpeaker, speakerFold, TRAINING_FOLD } from './folds';
import { exportSequenceOnnx } from './exportSequence';
import { withFloat16Weights } from './float16';
import { gaussian, mulberry32 } from './rng';
import { buildSources, Example, sampleExample } from './stringData';
import { alignDigits } from '../shared/stringScore';
import {
  BLANK,
  DEFAULT_SEQ_NET,
  describeSeqNet,
  receptiveField,
  SeqSpec,
  SeqWeights,
  SequenceNet,
  StringNet,
  totalStride,
} from './sequenceNet';
import { describeEncoderHead, EncoderHeadNet, encoderHeadGeometry, ENCODER_HEAD_SPEC } from './encoderHead';
import { DEFAULT_NET, im2colFromOnnx } from './network';
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
  /** Seed of the examples drawn at each step (default from `seed`; a continued run changes it). */
  drawSeed?: number;
  /** Peak learning rate (default 3e-3; lower for a continued run). */
  peakLr?: number;
  /** Continue from the weights (and normalisation) a previous run left in its `out` folder. */
  init?: string;
  /**
   * A word classifier (digits.onnx) whose convolutions, frozen, feed a causal CTC head
   * (encoderHead.ts) instead of the string network; its normalisation is the run's.
   */
  encoder?: string;
  /**
   * Real recordings of many speakers (gsc-digits): its training fold less the recipe-dev half
   * trains (pooled, stringData.ts), the recipe-dev half joins validation (folds.ts).
   */
  realDir?: string;
  /** Half the examples through the digit model's waveform augmentation. */
  augment?: boolean;
  /**
   * Non-digit clips (label 10, verifierData --negatives' training folder): phrases of them train
   * the empty string; every tenth clip validates instead.
   */
  negativesDir?: string;
  /** Share of examples with an empty target when `negativesDir` is set (default 0.15). */
  nonDigitShare?: number;
  /**
   * With `init` and `negativesDir`: before training, find the non-digit clips and phrases in which
   * the starting model hears a digit; half of the non-digit words are then drawn from those.
   */
  mineHardNegatives?: boolean;
  /**
   * Store the exported weights in half precision (train/float16.ts): a 64-channel network is
   * 289 KB in float32. The export check below then measures the rounding too.
   */
  half?: boolean;
  log?: (line: string) => void;
}

/** The trainer's own checkpoint beside the ONNX file (unfolded weights, for --init; not shipped). */
const CHECKPOINT = 'digit-strings.checkpoint.json';

function saveCheckpoint(path: string, weights: SeqWeights, norm: { mean: number[]; std: number[] }): void {
  const w = Object.fromEntries(
    Object.entries(weights).map(([k, v]) => [
      k,
      { shape: v.shape, values: Buffer.from(v.values.buffer, v.values.byteOffset, v.values.byteLength).toString('base64') },
    ]),
  );
  writeFileAtomic(path, JSON.stringify({ norm, weights: w }));
}

/**
 * A start from an exported model (BatchNorm already folded into the convolutions): each layer's
 * BatchNorm starts as the identity (γ 1, β 0, running mean 0, variance 1 − ε) around the folded
 * weights, so the network starts out computing what the export computes in eval mode.
 */
function checkpointFromOnnx(
  path: string,
  spec: SeqSpec,
): { weights: SeqWeights; norm: { mean: number[]; std: number[] }; folded?: boolean } {
  const bytes = readFileSync(path);
  const meta = readSequenceMeta(bytes, path);
  const init = floatInitializers(onnx.ModelProto.decode(bytes));
  const get = (name: string) => {
    const v = init.get(name);
    if (!v) throw new Error(`${path}: no initializer ${name}; not a model of this architecture`);
    return v;
  };
  const weights: SeqWeights = {};
  let cin = spec.bands;
  spec.layers.forEach((l, i) => {
    weights[`seq${i}_w`] = { shape: [l.kernel * cin, l.out], values: im2colFromOnnx(get(`seq${i}_W`), l.out, cin, l.kernel) };
    weights[`seq${i}_gamma`] = { shape: [l.out], values: new Float32Array(l.out).fill(1) };
    weights[`seq${i}_beta`] = { shape: [l.out], values: Float32Array.from(get(`seq${i}_B`)) };
    weights[`seq${i}_mean`] = { shape: [l.out], values: new Float32Array(l.out) };
    weights[`seq${i}_var`] = { shape: [l.out], values: new Float32Array(l.out).fill(1 - BN_EPS) };
    cin = l.out;
  });
  weights.out_w = { shape: [cin, spec.classes], values: get('out_W') };
  weights.out_b = { shape: [spec.classes], values: get('out_B') };
  return { weights, norm: meta.normalization, folded: true };
}

function loadCheckpoint(path: string): { weights: SeqWeights; norm: { mean: number[]; std: number[] }; folded?: boolean } {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as {
    norm: { mean: number[]; std: number[] };
    weights: Record<string, { shape: number[]; values: string }>;
  };
  const weights: SeqWeights = {};
  for (const [k, v] of Object.entries(raw.weights)) {
    const b = Buffer.from(v.values, 'base64');
    weights[k] = { shape: v.shape, values: new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)) };
  }
  return { weights, norm: raw.norm };
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

/** Greedy CTC decodes (and the frame probabilities) of featurised examples, 16 at a time. */
function decodeAll(net: StringNet, xs: Featurised[], norm: { mean: number[]; std: number[] }, stride: number) {
  const hyps: number[][] = [];
  const probs: Float32Array[] = [];
  for (let i = 0; i < xs.length; i += 16) {
    const chunk = xs.slice(i, i + 16);
    const p = tf.tidy(() => tf.softmax(net.forward(batchTensor(chunk, norm, stride), false)));
    const [, steps, C] = p.shape;
    const data = p.dataSync() as Float32Array;
    p.dispose();
    chunk.forEach((_, j) => {
      const own = data.subarray(j * steps * C, (j + 1) * steps * C);
      probs.push(own.slice());
      hyps.push(greedyDecode(own, steps, C, BLANK));
    });
  }
  return { hyps, probs };
}

function evaluate(net: StringNet, val: Featurised[], norm: { mean: number[]; std: number[] }, stride: number) {
  let errors = 0;
  let n = 0;
  let exact = 0;
  const { hyps, probs } = decodeAll(net, val, norm, stride);
  val.forEach((x, i) => {
    const a = alignDigits(x.digits, hyps[i]);
    const e = a.sub + a.del + a.ins;
    errors += e;
    n += Math.max(1, x.digits.length);
    if (e === 0) exact++;
  });
  return { errorRate: errors / n, exact: exact / val.length, probs };
}

/**
 * The non-digit audio in which a network hears a digit (hard-negative mining): each clip or phrase
 * alone, with 0.2 s of a −70 dBFS white floor either side, as the stream would cut it.
 */
export function mineHard(net: StringNet, xs: Float32Array[], norm: { mean: number[]; std: number[] }, stride: number): Float32Array[] {
  const pad = Math.round(0.2 * cfg.sampleRate);
  const rng = mulberry32(0);
  const floor = Math.pow(10, -70 / 20);
  const padded = xs.map((x) => {
    const out = new Float32Array(x.length + 2 * pad);
    for (let i = 0; i < out.length; i++) out[i] = floor * gaussian(rng);
    for (let i = 0; i < x.length; i++) out[pad + i] += x[i];
    return featurise({ samples: out, digits: [] });
  });
  const { hyps } = decodeAll(net, padded, norm, stride);
  return xs.filter((_, i) => hyps[i].length > 0);
}

/**
 * Refuses option values and combinations before any work. Messages name the option and its
 * bench/trainStrings.ts flag, which reports them as one line (this is its only check).
 */
export function checkStringTrainOptions(o: StringTrainOptions): void {
  if (o.nonDigitShare !== undefined && !(o.nonDigitShare > 0 && o.nonDigitShare < 0.97))
    throw new OptionError('TRAIN_BAD_OPTION', `nonDigitShare (--non-digit-share) must be above 0 and below 0.97 (got ${o.nonDigitShare})`);
  if (o.nonDigitShare !== undefined && !o.negativesDir)
    throw new OptionError(
      'TRAIN_CONFLICTING_OPTIONS',
      'nonDigitShare (--non-digit-share) needs negativesDir (--negatives): it sets the share of their phrases',
    );
  if (o.encoder && o.init?.endsWith('.onnx'))
    throw new OptionError(
      'TRAIN_CONFLICTING_OPTIONS',
      'encoder (--encoder) continues only from a run folder (--init DIR), not from an exported FILE.onnx',
    );
  if (o.mineHardNegatives && !(o.init && o.negativesDir))
    throw new OptionError(
      'TRAIN_CONFLICTING_OPTIONS',
      'mineHardNegatives (--hard-negatives) needs init (--init, the model that mines) and negativesDir (--negatives)',
    );
}

export async function trainStrings(o: StringTrainOptions): Promise<StringTrainResult> {
  const started = Date.now();
  const log = o.log ?? (() => undefined);
  checkStringTrainOptions(o);
  await initBackend();
  const spec = o.spec ?? (o.encoder ? ENCODER_HEAD_SPEC : DEFAULT_SEQ_NET);
  const encoderNet = o.encoder ? EncoderHeadNet.fromModel(o.encoder, mulberry32(o.seed + 3), spec) : undefined;
  const geometry = encoderNet
    ? encoderHeadGeometry(DEFAULT_NET, spec)
    : { stride: totalStride(spec), receptiveField: receptiveField(spec), lookahead: 0 };
  const stride = geometry.stride;
  const { clips } = loadClips(o.fsddDir, cfg, (c) => c.take >= 5);
  const trainClips = clips.filter((c) => c.take >= 10);
  const valClips = clips.filter((c) => c.take < 10);
  log(`FSDD: ${trainClips.length} training words (takes 10–49), ${valClips.length} validation words (takes 5–9)`);
  const real = o.realDir ? loadClips(o.realDir, cfg, (c) => speakerFold(c.speaker) === TRAINING_FOLD).clips : [];
  const realTrain = real.filter((c) => !recipeDevSpeaker(c.speaker));
  const realVal = real.filter((c) => recipeDevSpeaker(c.speaker));
  if (o.realDir) log(`${o.realDir}: ${realTrain.length} training words, ${realVal.length} validation words (recipe-dev speakers)`);
  const neg = o.negativesDir ? loadClips(o.negativesDir, cfg, (c) => c.digit === 10, { labels: 11 }).clips.map((c) => c.samples) : [];
  const negTrain = neg.filter((_, i) => i % 10 !== 0);
  const negVal = neg.filter((_, i) => i % 10 === 0);
  if (o.negativesDir) log(`${o.negativesDir}: ${negTrain.length} non-digit clips for training, ${negVal.length} for validation`);
  const src = buildSources({
    fsdd: trainClips,
    pooled: realTrain,
    negatives: negTrain,
    augment: o.augment,
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
    pooled: realVal,
    negatives: negVal,
    augment: o.augment,
    voices: o.voices,
    nonDigitTexts: o.nonDigitTexts,
    fluentCount: Math.max(20, Math.round(o.valCount / 3)),
    nonDigitCount: Math.max(5, Math.round(o.valCount / 10)),
    seed: o.seed + 7919,
  });
  const valRng = mulberry32(o.seed + 1);
  const val = Array.from({ length: o.valCount }, () => featurise(sampleExample(valSrc, valRng)));
  // A continued run draws other examples from the same sources (the synthesised pool is the slow part).
  const rng = mulberry32(o.drawSeed ?? o.seed + 2 + (o.init ? 1009 : 0));
  const init = o.init
    ? o.init.endsWith('.onnx')
      ? checkpointFromOnnx(o.init, spec)
      : loadCheckpoint(join(o.init, CHECKPOINT))
    : undefined;
  const norm =
    encoderNet?.source.normalization ?? init?.norm ?? bandStats(Array.from({ length: 200 }, () => featurise(sampleExample(src, rng))));
  const net: StringNet = encoderNet ?? new SequenceNet(spec, mulberry32(o.seed + 3));
  const architecture = encoderNet ? describeEncoderHead(spec, encoderNet.source.meta.modelId) : describeSeqNet(spec);
  if (init) {
    net.restore(init.weights);
    log(`continuing from ${o.init!.endsWith('.onnx') ? o.init : join(o.init!, CHECKPOINT)}`);
  }
  log(`model: ${architecture}; ${net.parameterCount()} parameters`);
  if (o.nonDigitShare !== undefined) src.nonDigitShare = o.nonDigitShare;
  if (o.mineHardNegatives && init && src.negatives) {
    const t = Date.now();
    src.hard = { clips: mineHard(net, src.negatives, norm, stride), phrases: mineHard(net, src.nonDigit, norm, stride) };
    log(
      `hard negatives: the starting model hears digits in ${src.hard.clips.length} of ${src.negatives.length} non-digit clips and ${src.hard.phrases.length} of ${src.nonDigit.length} phrases (${((Date.now() - t) / 1000).toFixed(0)} s)`,
    );
  }
  const peak = o.peakLr ?? 3e-3;
  const optimizer = tf.train.adam(peak);
  let totalSteps = o.steps ?? 1_000_000;
  let best: { step: number; errorRate: number; exact: number; weights: SeqWeights } | undefined;
  let lossSum = 0;
  let lossN = 0;
  if (init) {
    // A continued run keeps its starting point unless a step beats it on validation.
    const v = evaluate(net, val, norm, stride);
    best = { step: 0, errorRate: v.errorRate, exact: v.exact, weights: net.snapshot() };
    log(`start: val digit errors ${(v.errorRate * 100).toFixed(2)} %  exact ${(v.exact * 100).toFixed(1)} %`);
  }
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
            // From a folded export BatchNorm stays the identity it starts as: batch statistics
            // would rescale every channel the export relies on.
            net.forward(x, !init?.folded, stats),
            batch.map((b) => b.digits),
            BLANK,
            lossStats,
          ),
        true,
        net.trainable,
      )!;
    });
    if (stats.length) net.updateRunningStats(stats);
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
  const exported = exportSequenceOnnx(
    spec,
    best!.weights,
    {
      featureConfig: { ...cfg },
      normalization: norm,
      labels: [...SEQUENCE_LABELS],
      blank: BLANK,
      stride,
      receptiveField: geometry.receptiveField,
      ...(geometry.lookahead ? { lookahead: geometry.lookahead } : {}),
      architecture,
      parameters: net.parameterCount(),
      training: {
        seed: o.seed,
        steps: totalSteps,
        batchSize: o.batchSize,
        bestStep: best!.step,
        valDigitErrorRate: best!.errorRate,
        valExact: best!.exact,
        continuedFrom: o.init ? 'a previous run (--init)' : null,
        ...(encoderNet ? { encoder: { path: o.encoder, modelId: encoderNet.source.meta.modelId } } : {}),
        ...(o.half ? { weights: 'float16' } : {}),
        data: `FSDD takes 10–49 (5–9 validation), training TTS voices (COMMON split)${o.realDir ? ', gsc-digits training fold pooled (its recipe-dev half validation)' : ''}, spliced −40…150 ms and fluent; non-digit phrases → empty${o.negativesDir ? ` (also phrases of verifierData --negatives clips${o.nonDigitShare !== undefined ? `, ${Math.round(o.nonDigitShare * 100)} % of examples empty` : ''}${o.mineHardNegatives ? ', half their words and phrases mined where the starting model heard digits' : ''})` : ''}${o.augment ? '; half through the waveform augmentation' : ''}`,
      },
    },
    encoderNet ? { model: encoderNet.source, spec: DEFAULT_NET } : undefined,
  );
  const { modelId } = exported;
  const bytes = o.half ? withFloat16Weights(exported.bytes) : exported.bytes;
  net.dispose();
  optimizer.dispose();
  mkdirSync(o.out, { recursive: true });
  const modelPath = join(o.out, 'digit-strings.onnx');
  writeFileAtomic(modelPath, bytes);
  saveCheckpoint(join(o.out, CHECKPOINT), best!.weights, norm);
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
  log(
    `exported ${modelPath} (${bytes.length} bytes${o.half ? ', float16 weights' : ''}, id ${modelId}); ONNX vs trainer max |Δp| ${exportMaxAbsDiff.toExponential(2)}`,
  );
  writeFileAtomic(join(o.out, 'digit-strings.training.json'), JSON.stringify(result, null, 2) + '\n');
  return result;
}
