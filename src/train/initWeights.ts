/**
 * Starting a training run from an exported model (`train --init FILE`): its ONNX weights become the
 * network's, and its normalisation the run's, so a member can be taught new material (real voices)
 * without losing what it learnt from data that no longer exists (rule 103: the older verifier
 * member's generator is gone). The export folds BatchNorm into the convolutions, and training-mode
 * BatchNorm renormalises each batch, so each layer's scale and shift are re-derived from the batch
 * statistics of the new data: at the first step the network computes what the file computes.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { onnx } from 'onnx-proto';
import { ModelMismatchError } from '../errors';
import { ModelMeta, readMeta } from '../model/meta';
import { floatInitializers } from '../model/onnxTensors';
import { BN_EPS, BatchStats, DigitNet, NetSpec, describeNet, im2colFromOnnx } from './network';

export interface InitModel {
  path: string;
  meta: ModelMeta;
  normalization: { mean: number[]; std: number[] };
  /** Initializers by name, float16 ones (`X_float16`, float16.ts) decoded under their float name. */
  tensors: Map<string, Float32Array>;
}

/** Reads `path` and checks it is a model of `spec`'s architecture and class count. */
export function readInitModel(path: string, spec: NetSpec, bytes: Uint8Array = readFileSync(path)): InitModel {
  const meta = readMeta(bytes, path);
  if (meta.labels.length !== spec.classes)
    throw new ModelMismatchError(
      'MODEL_LABELS_MISMATCH',
      `--init ${path}: it has ${meta.labels.length} classes and this run trains ${spec.classes} (--labels)`,
    );
  if (meta.architecture !== describeNet(spec))
    throw new ModelMismatchError(
      'MODEL_ARCHITECTURE_MISMATCH',
      `--init ${path}: its network (${meta.architecture}) is not the one this run trains (${describeNet(spec)})`,
    );
  const tensors = floatInitializers(onnx.ModelProto.decode(bytes));
  // The graph's own normalisation (stored at the weights' precision), which is what the file computes.
  const mean = tensors.get('norm_mean');
  const scale = tensors.get('norm_scale');
  const normalization =
    mean?.length === spec.bands && scale?.length === spec.bands
      ? { mean: Array.from(mean), std: Array.from(scale, (s) => 1 / s) }
      : meta.normalization;
  return { path, meta, normalization, tensors };
}

/**
 * Sets `net` to `init`'s weights. `batches` (normalised training inputs, disposed here) give each
 * layer's batch statistics of the folded convolution's output y, one layer per pass (a layer's
 * statistics depend on the layers below being set): with γ = √(var + ε), β = mean + b and running
 * statistics mean and var, both BatchNorm modes compute y + b, the exported layer. Without
 * batches the network is for eval mode only (a frozen encoder, encoderHead.ts).
 */
export function applyInitModel(net: DigitNet, init: InitModel, batches: tf.Tensor3D[]): void {
  const { spec } = net;
  const get = (name: string, size: number) => {
    const v = init.tensors.get(name);
    if (v?.length !== size)
      throw new ModelMismatchError('MODEL_ARCHITECTURE_MISMATCH', `--init ${init.path}: weight ${name} is missing or has the wrong size`);
    return v;
  };
  let cin = spec.bands;
  const biases: Float32Array[] = [];
  tf.tidy(() => {
    spec.convs.forEach((c, i) => {
      const w = im2colFromOnnx(get(`conv${i}_W`, c.out * cin * c.kernel), c.out, cin, c.kernel);
      net.convs[i].w.assign(tf.tensor(w, net.convs[i].w.shape));
      biases.push(get(`conv${i}_B`, c.out));
      cin = c.out;
    });
    net.d1w.assign(tf.tensor(get('dense1_W', 2 * cin * spec.embedding), net.d1w.shape));
    net.d1b.assign(tf.tensor(get('dense1_B', spec.embedding), net.d1b.shape));
    net.d2w.assign(tf.tensor(get('dense2_W', spec.embedding * spec.classes), net.d2w.shape));
    net.d2b.assign(tf.tensor(get('dense2_B', spec.classes), net.d2b.shape));
  });
  if (!batches.length) {
    // A frozen network (eval mode only): BatchNorm as the identity around the folded bias.
    tf.tidy(() =>
      net.convs.forEach((p, i) => {
        p.gamma.assign(tf.onesLike(p.gamma));
        p.beta.assign(tf.tensor(biases[i], p.beta.shape));
        p.runMean.assign(tf.zerosLike(p.runMean));
        p.runVar.assign(tf.fill(p.runVar.shape, 1 - BN_EPS));
      }),
    );
    return;
  }
  spec.convs.forEach((c, i) => {
    const mean = new Float64Array(c.out);
    const variance = new Float64Array(c.out);
    for (const x of batches) {
      const stats: BatchStats[] = [];
      tf.tidy(() => {
        net.forward(x, true, 0, stats);
      });
      const m = stats[i].mean.dataSync();
      const v = stats[i].variance.dataSync();
      for (let j = 0; j < c.out; j++) {
        mean[j] += m[j] / batches.length;
        variance[j] += v[j] / batches.length;
      }
      for (const s of stats) {
        s.mean.dispose();
        s.variance.dispose();
      }
    }
    const b = biases[i];
    const p = net.convs[i];
    tf.tidy(() => {
      p.gamma.assign(
        tf.tensor(
          Float32Array.from(variance, (v) => Math.sqrt(v + BN_EPS)),
          p.gamma.shape,
        ),
      );
      p.beta.assign(
        tf.tensor(
          Float32Array.from(mean, (m, j) => m + b[j]),
          p.beta.shape,
        ),
      );
      p.runMean.assign(tf.tensor(Float32Array.from(mean), p.runMean.shape));
      p.runVar.assign(tf.tensor(Float32Array.from(variance), p.runVar.shape));
    });
  });
  for (const x of batches) x.dispose();
}
