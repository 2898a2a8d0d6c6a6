import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../atomicWrite';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { FEATURE_CONFIG } from '../features/config';
import { logMelFrames, toModelInput, utteranceFeatures } from '../features/logmel';
import { DIGIT_LABELS, OTHER_LABEL } from '../model/meta';
import { DatasetError, TrainingError } from '../errors';
import { initBackend } from './backend';
import { Clip, describeSkipped, loadClips, splitOf } from './dataset';
import {
  AugmentContext,
  augmentFrames,
  augmentWaveform,
  DEFAULT_FRAME_AUGMENT,
  DEFAULT_NOISE_MIX,
  FrameAugmentOptions,
  NoiseMix,
  NOISY_MIX,
} from './augment';
import { recipeDevSpeaker, trainedOnSpeaker, verifierDevSpeaker } from './folds';
import { argmax, confusionMatrix, formatConfusion, summarize } from './metrics';
import { DEFAULT_NET, DigitNet, NetSpec, Weights, describeNet, prototypeLoss } from './network';
import { exportOnnx } from './export';
import { Rng, mulberry32, shuffle } from './rng';
import { applyInitModel, readInitModel } from './initWeights';
import { EpochMetrics, TrainHooks, TrainOptions, TrainResult } from './types';
import { checkTrainOutput, installCheckedModel } from './outputTarget';
import { refuseOtherLabel } from './labels';

const cfg = FEATURE_CONFIG;
const FRAME_SIZE = cfg.frames * cfg.melBands;

interface Example {
  digit: number;
  /** Feature variants: [clean, augmented…], each unpadded frames. */
  variants: Array<{ data: Float32Array; frames: number }>;
}

function featurize(
  clips: Clip[],
  variants: number,
  rng: Rng,
  vtlp: number,
  noise: NoiseMix,
  onProgress?: (done: number) => void,
): Example[] {
  const ctx: AugmentContext = { babblePool: clips.map((c) => c.samples) };
  return clips.map((c, i) => {
    const v = [logMelFrames(c.samples)];
    for (let k = 0; k < variants; k++) {
      const x = augmentWaveform(c.samples, rng, ctx, noise);
      v.push(logMelFrames(x, cfg, vtlp > 0 ? 1 - vtlp + 2 * vtlp * rng() : 1));
    }
    onProgress?.(i + 1);
    return { digit: c.digit, variants: v };
  });
}

/** Per-band mean and std over the real (unpadded) frames of the clean training clips. */
export function bandStatistics(examples: Example[]): { mean: number[]; std: number[] } {
  const B = cfg.melBands;
  const sum = new Float64Array(B);
  const sq = new Float64Array(B);
  let n = 0;
  for (const e of examples) {
    const { data, frames } = e.variants[0];
    for (let f = 0; f < frames; f++) {
      for (let b = 0; b < B; b++) {
        const v = data[f * B + b];
        sum[b] += v;
        sq[b] += v * v;
      }
    }
    n += frames;
  }
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sq, (s, b) => Math.sqrt(Math.max(s / n - mean[b] * mean[b], 1e-6)));
  return { mean, std };
}

export function normalisedBatch(inputs: Float32Array[], norm: { mean: number[]; std: number[] }): tf.Tensor3D {
  const B = cfg.melBands;
  const out = new Float32Array(inputs.length * FRAME_SIZE);
  inputs.forEach((x, i) => {
    const o = i * FRAME_SIZE;
    for (let j = 0; j < FRAME_SIZE; j++) out[o + j] = (x[j] - norm.mean[j % B]) / norm.std[j % B];
  });
  return tf.tensor3d(out, [inputs.length, cfg.frames, B]);
}

/** Eval-mode probabilities from the tfjs network (the reference the ONNX export is checked against). */
export function predictProbs(
  net: DigitNet,
  inputs: Float32Array[],
  norm: { mean: number[]; std: number[] },
  batch = 100,
  classes = 10,
): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < inputs.length; i += batch) {
    const probs = tf.tidy(() => tf.softmax(net.forward(normalisedBatch(inputs.slice(i, i + batch), norm), false).logits));
    const data = probs.dataSync() as Float32Array;
    probs.dispose();
    for (let j = 0; j < data.length; j += classes) out.push(data.slice(j, j + classes));
  }
  return out;
}

function scoreSet(probs: Float32Array[], digits: number[], classes: number) {
  const confusion = confusionMatrix(digits, probs.map(argmax), classes);
  return { confusion, ...summarize(confusion) };
}

/** Running mean of weight snapshots (stochastic weight averaging), in double precision. */
class WeightAverage {
  private sum: Record<string, { shape: number[]; values: Float64Array }> = {};
  private n = 0;

  add(w: Weights): void {
    for (const [name, { shape, values }] of Object.entries(w)) {
      const acc = (this.sum[name] ??= { shape, values: new Float64Array(values.length) });
      for (let i = 0; i < values.length; i++) acc.values[i] += values[i];
    }
    this.n++;
  }

  mean(): Weights {
    const out: Weights = {};
    for (const [name, { shape, values }] of Object.entries(this.sum))
      out[name] = { shape, values: Float32Array.from(values, (v) => v / this.n) };
    return out;
  }
}

/**
 * The teacher's probabilities on a batch and a mask of the examples it gets right (learning
 * without forgetting): where the started model agrees with the label its soft outputs are kept,
 * and where it is wrong (the material the run is meant to teach) the label alone decides.
 */
export function distillTargets(teacher: DigitNet, x: tf.Tensor3D, labels: number[]): { probs: tf.Tensor2D; mask: tf.Tensor1D } {
  const probs = tf.softmax<tf.Tensor2D>(teacher.forward(x, false).logits);
  const mask = tf.cast(tf.equal(tf.argMax(probs, 1), tf.tensor1d(labels, 'int32')), 'float32') as tf.Tensor1D;
  return { probs, mask };
}

/** Mean over the batch of the masked cross-entropy of the student's logits against the teacher's probabilities. */
export function distillLoss(soft: { probs: tf.Tensor2D; mask: tf.Tensor1D }, logits: tf.Tensor2D): tf.Scalar {
  const ce = tf.neg(tf.sum(tf.mul(soft.probs, tf.logSoftmax(logits)), 1));
  return tf.div<tf.Scalar>(tf.sum(tf.mul(ce, soft.mask)), logits.shape[0]);
}

/** Learning rate: one warm-up epoch, then cosine decay to 1 % of the peak. */
function learningRate(epoch: number, step: number, stepsPerEpoch: number, epochs: number, peak: number): number {
  const t = epoch + step / stepsPerEpoch;
  if (t < 1) return peak * Math.max(0.05, t);
  return peak * (0.01 + 0.99 * 0.5 * (1 + Math.cos((Math.PI * (t - 1)) / Math.max(1, epochs - 1))));
}

export async function train(opts: TrainOptions, hooks: TrainHooks = {}, baseSpec: NetSpec = DEFAULT_NET): Promise<TrainResult> {
  const log = (line: string) => hooks.onLog?.(line);
  const startedAt = Date.now();
  // Before any work: a bad --out must not cost the user every epoch first.
  const { modelPath } = checkTrainOutput(opts.out);
  if (opts.distill && !opts.init)
    throw new TrainingError('TRAIN_DISTILL_WITHOUT_INIT', 'distill needs init: it keeps the outputs of the model a run starts from');
  await initBackend();
  const rng = mulberry32(opts.seed);
  const { clips, skipped } = loadClips(opts.data, undefined, undefined, { labels: opts.labels });
  refuseOtherLabel(opts.data, skipped);
  const skippedNote = describeSkipped(skipped);
  if (skippedNote) log(skippedNote);
  if (opts.loso && !clips.some((c) => c.speaker === opts.loso)) {
    const speakers = [...new Set(clips.map((c) => c.speaker))].join(', ');
    throw new DatasetError(
      'LOSO_UNKNOWN_SPEAKER',
      `--loso ${opts.loso}: no recordings of that speaker in ${opts.data} (speakers: ${speakers})`,
    );
  }
  let trainClips = clips.filter((c) => splitOf(c, opts.loso) === 'train');
  const valClips = clips.filter((c) => splitOf(c, opts.loso) === 'val');
  for (const dir of opts.extra ?? []) {
    const more = loadClips(dir, undefined, undefined, { labels: opts.labels });
    refuseOtherLabel(dir, more.skipped);
    const note = describeSkipped(more.skipped);
    if (note) log(`${dir}: ${note}`);
    for (const c of more.clips) ((c.take + c.digit) % 8 === 0 ? valClips : trainClips).push(c);
    log(`${dir}: ${more.clips.length} clips of ${new Set(more.clips.map((c) => c.speaker)).size} voices`);
  }
  if (opts.real) {
    const { dir, fold, repeat, holdDev } = opts.real;
    const held = (speaker: string) =>
      ((holdDev === 'recipe' || holdDev === 'all') && recipeDevSpeaker(speaker)) ||
      ((holdDev === 'verifier' || holdDev === 'all') && verifierDevSpeaker(speaker));
    const real = loadClips(dir, undefined, (c) => trainedOnSpeaker(fold, c.speaker) && !held(c.speaker), {
      labels: opts.labels,
    });
    refuseOtherLabel(dir, real.skipped);
    const note = describeSkipped(real.skipped);
    if (note) log(`${dir}: ${note}`);
    for (let r = 0; r < repeat; r++) trainClips.push(...real.clips);
    log(
      `${dir}: ${real.clips.length} clips of ${new Set(real.clips.map((c) => c.speaker)).size} speakers (fold${fold === 'both' ? 's 0 and 1' : ` ${fold}`}${holdDev ? `, ${holdDev}-dev speakers left out` : ''}), ${repeat}× each`,
    );
  }
  const testClips = clips.filter((c) => splitOf(c, opts.loso) === 'test');
  if (opts.limit) trainClips = shuffle(trainClips.slice(), mulberry32(opts.seed ^ 0x5eed)).slice(0, opts.limit);
  if (!trainClips.length || !testClips.length) {
    throw new DatasetError(
      'DATASET_SPLIT_EMPTY',
      `${opts.data}: split has ${trainClips.length} training and ${testClips.length} test files; need both (takes 0–4 are test, 5–49 train)`,
    );
  }
  // Data with "other" clips (label 10) makes an eleven-class verifier; FSDD makes the ten-digit model.
  const width = opts.width ?? 1;
  const spec: NetSpec = {
    ...baseSpec,
    convs: width === 1 ? baseSpec.convs : baseSpec.convs.map((c) => ({ ...c, out: Math.max(1, Math.round(c.out * width)) })),
    classes: opts.labels === 11 ? OTHER_LABEL + 1 : baseSpec.classes,
  };
  // Read before the features' minutes, so a wrong file fails at once; the run keeps its normalisation.
  const init = opts.init ? readInitModel(opts.init, spec) : undefined;
  const predict = (inputs: Float32Array[]) => predictProbs(net, inputs, norm, 100, spec.classes);
  log(
    `data: ${trainClips.length} train, ${valClips.length} validation, ${testClips.length} test${opts.loso ? ` (speaker ${opts.loso} held out)` : ''}`,
  );
  log(`model: ${describeNet(spec)}`);

  const variants = opts.augment ? (opts.variants ?? 2) : 0;
  const t0 = Date.now();
  const trainEx = featurize(trainClips, variants, rng, opts.vtlp ?? 0, opts.noisy ? NOISY_MIX : DEFAULT_NOISE_MIX, (d) =>
    hooks.onProgress?.(0, d, trainClips.length),
  );
  const norm = init?.normalization ?? bandStatistics(trainEx);
  const valInputs = valClips.map((c) => utteranceFeatures(c.samples));
  const testInputs = testClips.map((c) => utteranceFeatures(c.samples));
  log(`features: ${((Date.now() - t0) / 1000).toFixed(1)} s (${variants} augmented variant(s) per training clip)`);

  const frameAugment: FrameAugmentOptions = { ...DEFAULT_FRAME_AUGMENT, masks: opts.specAugment ? { fill: norm.mean } : undefined };
  const net = new DigitNet(spec, rng);
  log(`parameters: ${net.parameterCount()}`);
  const peakLr = opts.learningRate ?? 3e-3;
  const optimizer = tf.train.adam(peakLr);
  const history: EpochMetrics[] = [];
  let best: { metrics: EpochMetrics; weights: Weights; valAcc: number; valLoss: number } | undefined;
  const stepsPerEpoch = Math.ceil(trainEx.length / opts.batchSize);
  const dropoutSeedBase = Math.floor(rng() * 1e9);

  /** The net as it stands on validation (accuracy, loss) and on the test split. */
  const measure = () => {
    const valProbs = valInputs.length ? predict(valInputs) : [];
    const valScore = scoreSet(
      valProbs,
      valClips.map((c) => c.digit),
      spec.classes,
    );
    const valLoss = valProbs.reduce((a, p, i) => a - Math.log(Math.max(p[valClips[i].digit], 1e-9)), 0) / Math.max(1, valProbs.length);
    const test = scoreSet(
      predict(testInputs),
      testClips.map((c) => c.digit),
      spec.classes,
    );
    return { valScore, valLoss, test };
  };
  const swa = opts.swaFrom ? new WeightAverage() : undefined;
  const trainBatch = (idx: number[]) =>
    idx.map((i) => {
      const ex = trainEx[i];
      const v = ex.variants[Math.floor(rng() * ex.variants.length)];
      const a = opts.augment ? augmentFrames(v.data, v.frames, rng, cfg, frameAugment) : v;
      return toModelInput(a.data, a.frames);
    });
  /** With --distill: the started model, frozen, whose outputs the run keeps where they are right. */
  let teacher: DigitNet | undefined;
  if (init) {
    // Clean variants of a fixed draw (its own generator, so runs without --init are unchanged).
    const order = shuffle(
      trainEx.map((_, i) => i),
      mulberry32(opts.seed ^ 0x1a17),
    );
    const batches: tf.Tensor3D[] = [];
    for (let s = 0; s < Math.min(20, stepsPerEpoch); s++) {
      const idx = order.slice(s * opts.batchSize, (s + 1) * opts.batchSize);
      batches.push(
        normalisedBatch(
          idx.map((i) => toModelInput(trainEx[i].variants[0].data, trainEx[i].variants[0].frames)),
          norm,
        ),
      );
    }
    applyInitModel(net, init, batches);
    if (opts.distill) {
      const t = new DigitNet(spec, mulberry32(opts.seed ^ 0x7eac), 'teacher/');
      t.all.forEach((v, i) => v.assign(net.all[i]));
      teacher = t;
    }
    const { valScore, test } = measure();
    log(
      `started from ${init.path} (model id ${init.meta.modelId}): val ${(valScore.accuracy * 100).toFixed(2)}%  test ${(test.accuracy * 100).toFixed(2)}%`,
    );
  }

  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    if (hooks.signal?.aborted) throw new DatasetError('TRAINING_CANCELLED', 'training cancelled');
    const started = Date.now();
    const order = shuffle(
      trainEx.map((_, i) => i),
      rng,
    );
    let lossSum = 0;
    let correct = 0;
    for (let s = 0; s < stepsPerEpoch; s++) {
      const idx = order.slice(s * opts.batchSize, (s + 1) * opts.batchSize);
      const inputs = trainBatch(idx);
      const labels = idx.map((i) => trainEx[i].digit);
      (optimizer as unknown as { learningRate: number }).learningRate = learningRate(epoch - 1, s, stepsPerEpoch, opts.epochs, peakLr);
      const stats: Array<{ mean: tf.Tensor; variance: tf.Tensor }> = [];
      const result = tf.tidy(() => {
        const x = normalisedBatch(inputs, norm);
        const y = tf.oneHot(tf.tensor1d(labels, 'int32'), spec.classes);
        let predicted: tf.Tensor | undefined;
        const soft = teacher && distillTargets(teacher, x, labels);
        const loss = optimizer.minimize(
          () => {
            const { logits, embedding } = net.forward(x, true, dropoutSeedBase + epoch * 100003 + s, stats);
            predicted = tf.keep(tf.argMax(logits, 1));
            let ce: tf.Scalar = tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(y, logits);
            if (soft) ce = tf.add(ce, tf.mul(distillLoss(soft, logits), opts.distill!));
            return opts.protoLoss ? tf.add(ce, tf.mul(prototypeLoss(embedding as tf.Tensor2D, y as tf.Tensor2D), opts.protoLoss)) : ce;
          },
          true,
          net.trainable,
        )!;
        return { loss, predicted: predicted! };
      });
      net.updateRunningStats(stats);
      lossSum += (await result.loss.data())[0] * idx.length;
      const pred = result.predicted.dataSync();
      labels.forEach((l, i) => (correct += pred[i] === l ? 1 : 0));
      result.loss.dispose();
      result.predicted.dispose();
      hooks.onProgress?.(epoch, Math.min(trainEx.length, (s + 1) * opts.batchSize), trainEx.length);
      if (hooks.signal?.aborted) throw new DatasetError('TRAINING_CANCELLED', 'training cancelled');
    }
    const { valScore, valLoss, test } = measure();
    const better = !best || valScore.accuracy > best.valAcc || (valScore.accuracy === best.valAcc && valLoss < best.valLoss);
    const metrics: EpochMetrics = {
      epoch,
      epochs: opts.epochs,
      trainLoss: lossSum / trainEx.length,
      trainAccuracy: correct / trainEx.length,
      testAccuracy: test.accuracy,
      macroF1: test.macroF1,
      confusion: test.confusion,
      seconds: (Date.now() - started) / 1000,
      best: better,
    };
    history.push(metrics);
    if (better) best = { metrics, weights: net.snapshot(), valAcc: valScore.accuracy, valLoss };
    if (swa && epoch >= opts.swaFrom!) swa.add(net.snapshot());
    log(
      `epoch ${epoch}/${opts.epochs}  loss ${metrics.trainLoss.toFixed(4)}  train ${(metrics.trainAccuracy * 100).toFixed(2)}%  ` +
        `val ${(valScore.accuracy * 100).toFixed(2)}%  test ${(test.accuracy * 100).toFixed(2)}%  macro-F1 ${test.macroF1.toFixed(4)}  ` +
        `${metrics.seconds.toFixed(1)} s${better ? '  * best (validation)' : ''}\n${formatConfusion(test.confusion)}`,
    );
    hooks.onEpoch?.(metrics);
  }

  if (swa) {
    // The averaged weights replace the chosen epoch: their BatchNorm statistics belong to no
    // epoch, so they are measured again on 100 training batches in training mode (as SWA's bn_update).
    net.restore(swa.mean());
    const order = shuffle(
      trainEx.map((_, i) => i),
      rng,
    );
    const batches: number[][] = [];
    for (let s = 0; s < Math.min(100, stepsPerEpoch); s++) batches.push(order.slice(s * opts.batchSize, (s + 1) * opts.batchSize));
    net.recomputeRunningStats(batches.map((idx) => normalisedBatch(trainBatch(idx), norm)));
    const { valScore, test } = measure();
    const metrics: EpochMetrics = {
      ...best!.metrics,
      epoch: opts.epochs,
      testAccuracy: test.accuracy,
      macroF1: test.macroF1,
      confusion: test.confusion,
      best: true,
    };
    log(
      `weight average of epochs ${opts.swaFrom}–${opts.epochs}: val ${(valScore.accuracy * 100).toFixed(2)}% (epoch ${best!.metrics.epoch}: ${(best!.valAcc * 100).toFixed(2)}%)  test ${(test.accuracy * 100).toFixed(2)}%  macro-F1 ${test.macroF1.toFixed(4)}`,
    );
    best = { metrics, weights: net.snapshot(), valAcc: valScore.accuracy, valLoss: best!.valLoss };
  }
  net.restore(best!.weights);
  const refProbs = predict(testInputs);
  const { bytes, modelId } = exportOnnx(spec, best!.weights, {
    featureConfig: { ...cfg },
    normalization: norm,
    labels: [...DIGIT_LABELS, ...(spec.classes > DIGIT_LABELS.length ? ['other'] : [])],
    embeddingDim: spec.embedding,
    role: opts.role ?? (spec.classes > DIGIT_LABELS.length ? 'verifier' : 'digits'),
    architecture: describeNet(spec),
    parameters: net.parameterCount(),
    training: {
      data: opts.data,
      extra: opts.extra ?? [],
      real: opts.real ?? null,
      epochs: opts.epochs,
      batchSize: opts.batchSize,
      augment: opts.augment,
      variants,
      vtlp: opts.vtlp ?? 0,
      specAugment: opts.specAugment ?? false,
      noisy: opts.noisy ?? false,
      // Recorded only when on, so that a default run still rebuilds the shipped file byte for byte.
      ...(opts.swaFrom ? { swaFrom: opts.swaFrom } : {}),
      ...(width !== 1 ? { width } : {}),
      ...(opts.protoLoss ? { protoLoss: opts.protoLoss } : {}),
      ...(init ? { init: { path: init.path, modelId: init.meta.modelId } } : {}),
      ...(opts.learningRate ? { learningRate: opts.learningRate } : {}),
      ...(opts.distill ? { distill: opts.distill } : {}),
      seed: opts.seed,
      loso: opts.loso ?? null,
      bestEpoch: best!.metrics.epoch,
      testAccuracy: best!.metrics.testAccuracy,
      macroF1: best!.metrics.macroF1,
    },
  });
  net.dispose();
  teacher?.dispose();
  optimizer.dispose();
  mkdirSync(opts.out, { recursive: true });
  // Replaces the old model only if the new one has finite weights and matches the trainer.
  const exportMaxAbsDiff = await installCheckedModel(modelPath, bytes, testInputs, refProbs);
  log(
    `exported ${modelPath} (${bytes.length} bytes, model id ${modelId}); ONNX vs trainer max |Δp| = ${exportMaxAbsDiff.toExponential(2)}`,
  );
  const result: TrainResult = {
    modelPath,
    best: best!.metrics,
    history,
    exportMaxAbsDiff,
    skipped: { count: skipped.count, examples: skipped.examples },
    totalSeconds: (Date.now() - startedAt) / 1000,
  };
  writeFileAtomic(
    join(opts.out, 'training.json'),
    JSON.stringify(
      {
        options: opts,
        modelId,
        bytes: bytes.length,
        ...result,
        history: history.map(({ confusion: _confusion, ...h }) => h),
        bestConfusion: best!.metrics.confusion,
      },
      null,
      2,
    ) + '\n',
  );
  return result;
}
