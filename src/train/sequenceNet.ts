/**
 * The digit-string network: a causal convolutional encoder over log-mel frames with a CTC head
 * (ten digits + blank). Causal so that the stream can run it as the frames arrive: an output
 * frame depends only on input frames up to its own time. Two stride-2 layers bring the 10 ms
 * frames to 40 ms steps; three residual layers with dilations 1, 2, 4 widen the view to 690 ms,
 * a whole digit word behind each step. Convolutions are im2col + matMul as in network.ts (the
 * tfjs wasm backend has no conv gradient kernels).
 */
import * as tf from '@tensorflow/tfjs-core';
import { BatchStats, BN_EPS, restoreVariables, snapshotVariables, updateRunningStats, Weights } from './network';
import { gaussian, Rng } from './rng';

export interface SeqLayer {
  kernel: number;
  out: number;
  /** 1 or 2 (time subsampling). */
  stride: 1 | 2;
  dilation: number;
  /** Adds the layer's input to its output (same width, stride 1 only). */
  residual: boolean;
}

export interface SeqSpec {
  bands: number;
  layers: SeqLayer[];
  /** Ten digits and the blank (last). */
  classes: number;
}

export const BLANK = 10;

export const DEFAULT_SEQ_NET: SeqSpec = {
  bands: 40,
  layers: [
    { kernel: 5, out: 48, stride: 2, dilation: 1, residual: false },
    { kernel: 5, out: 48, stride: 2, dilation: 1, residual: false },
    { kernel: 3, out: 48, stride: 1, dilation: 1, residual: true },
    { kernel: 3, out: 48, stride: 1, dilation: 2, residual: true },
    { kernel: 3, out: 48, stride: 1, dilation: 4, residual: true },
  ],
  classes: 11,
};

/** Input frames per output step. */
export function totalStride(spec: SeqSpec): number {
  return spec.layers.reduce((a, l) => a * l.stride, 1);
}

/** Input frames (10 ms) one output step depends on. */
export function receptiveField(spec: SeqSpec): number {
  let rf = 1;
  let step = 1;
  for (const l of spec.layers) {
    rf += (l.kernel - 1) * l.dilation * step;
    step *= l.stride;
  }
  return rf;
}

export function describeSeqNet(spec: SeqSpec): string {
  const layers = spec.layers
    .map(
      (l) =>
        `causal conv${l.kernel}×${l.out}${l.stride > 1 ? `/${l.stride}` : ''}${l.dilation > 1 ? ` dil ${l.dilation}` : ''}+BN+ReLU${l.residual ? ' (residual)' : ''}`,
    )
    .join(' → ');
  return `log-mel ${spec.bands} bands, 10 ms frames → ${layers} → dense ${spec.classes} (10 digits + blank) per ${totalStride(spec) * 10} ms, CTC; receptive field ${receptiveField(spec) * 10} ms`;
}

interface LayerParams {
  w: tf.Variable;
  gamma: tf.Variable;
  beta: tf.Variable;
  runMean: tf.Variable;
  runVar: tf.Variable;
}

export type SeqWeights = Weights;

const BN_MOMENTUM = 0.95;

/** What the string trainer needs of a network: SequenceNet, or a head on a frozen encoder (encoderHead.ts). */
export interface StringNet {
  readonly spec: SeqSpec;
  /** Logits [batch, frames / stride, classes] of normalised frames. */
  forward(x: tf.Tensor3D, training: boolean, batchStats?: BatchStats[]): tf.Tensor3D;
  readonly trainable: tf.Variable[];
  updateRunningStats(stats: BatchStats[]): void;
  snapshot(): SeqWeights;
  restore(w: SeqWeights): void;
  parameterCount(): number;
  dispose(): void;
}

export class SequenceNet implements StringNet {
  readonly layers: LayerParams[] = [];
  readonly outW: tf.Variable;
  readonly outB: tf.Variable;

  constructor(
    readonly spec: SeqSpec,
    rng: Rng,
  ) {
    const he = (shape: number[], fanIn: number, name: string, gain = 2) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const v = new Float32Array(size);
      const sd = Math.sqrt(gain / fanIn);
      for (let i = 0; i < size; i++) v[i] = gaussian(rng) * sd;
      return tf.variable(tf.tensor(v, shape), true, name);
    };
    let cin = spec.bands;
    spec.layers.forEach((l, i) => {
      if (l.residual && (l.stride !== 1 || l.out !== cin)) throw new RangeError(`layer ${i}: a residual layer keeps width and rate`);
      this.layers.push({
        w: he([l.kernel * cin, l.out], l.kernel * cin, `seq${i}_w`),
        gamma: tf.variable(tf.ones([l.out]), true, `seq${i}_gamma`),
        beta: tf.variable(tf.zeros([l.out]), true, `seq${i}_beta`),
        runMean: tf.variable(tf.zeros([l.out]), false, `seq${i}_mean`),
        runVar: tf.variable(tf.ones([l.out]), false, `seq${i}_var`),
      });
      cin = l.out;
    });
    this.outW = he([cin, spec.classes], cin, 'out_w', 1);
    // The blank starts likely, as it is at almost every step of real speech.
    this.outB = tf.variable(tf.tensor1d(Array.from({ length: spec.classes }, (_, k) => (k === BLANK ? 3 : 0))), true, 'out_b');
  }

  get trainable(): tf.Variable[] {
    return [...this.layers.flatMap((p) => [p.w, p.gamma, p.beta]), this.outW, this.outB];
  }

  get all(): tf.Variable[] {
    return [...this.layers.flatMap((p) => [p.w, p.gamma, p.beta, p.runMean, p.runVar]), this.outW, this.outB];
  }

  parameterCount(): number {
    return this.trainable.reduce((a, v) => a + v.size, 0);
  }

  /**
   * x: [batch, frames, bands], normalised, frames a multiple of the total stride. Returns logits
   * [batch, frames / stride, classes]. Output step j depends on input frames ≤ stride·(j+1) − 1.
   */
  forward(x: tf.Tensor3D, training: boolean, batchStats?: BatchStats[]): tf.Tensor3D {
    let h: tf.Tensor3D = x;
    this.spec.layers.forEach((l, i) => {
      const p = this.layers[i];
      let y = causalConv(h, p.w, l.kernel, l.dilation, l.stride);
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (training) {
        const m = tf.moments(y, [0, 1]);
        mean = m.mean;
        variance = m.variance;
        batchStats?.push({ mean: tf.keep(mean), variance: tf.keep(variance) });
      } else {
        mean = p.runMean;
        variance = p.runVar;
      }
      y = tf.relu(tf.add(tf.mul(tf.div(tf.sub(y, mean), tf.sqrt(tf.add(variance, BN_EPS))), p.gamma), p.beta)) as tf.Tensor3D;
      h = l.residual ? tf.add<tf.Tensor3D>(h, y) : y;
    });
    const [b, t, c] = h.shape;
    return tf.reshape<tf.Rank.R3>(tf.add(tf.matMul(tf.reshape(h, [b * t, c]), this.outW), this.outB), [b, t, this.spec.classes]);
  }

  updateRunningStats(stats: BatchStats[]): void {
    updateRunningStats(this.layers, stats, BN_MOMENTUM);
  }

  snapshot(): SeqWeights {
    return snapshotVariables(this.all);
  }

  restore(w: SeqWeights): void {
    restoreVariables(this.all, w);
  }

  dispose(): void {
    for (const v of this.all) v.dispose();
  }
}

/**
 * Causal 1-D convolution: output t sees inputs t − (kernel−1)·dilation … t. With stride 2 only
 * the odd outputs (the later frame of each pair) are computed, so an output step never waits for
 * a frame past its own end.
 */
export function causalConv(x: tf.Tensor3D, w: tf.Tensor, kernel: number, dilation: number, stride: 1 | 2): tf.Tensor3D {
  const [b, t, c] = x.shape;
  const left = (kernel - 1) * dilation;
  const xp = tf.pad(x, [
    [0, 0],
    [left, 0],
    [0, 0],
  ]);
  const taps: tf.Tensor[] = [];
  for (let i = 0; i < kernel; i++) {
    let tap: tf.Tensor3D = tf.slice(xp, [0, i * dilation, 0], [b, t, c]);
    if (stride === 2) tap = tf.slice(tf.reshape(tap, [b, t / 2, 2 * c]), [0, 0, c], [b, t / 2, c]) as tf.Tensor3D;
    taps.push(tap);
  }
  const tOut = t / stride;
  const cols = tf.reshape(tf.concat(taps, 2), [b * tOut, kernel * c]);
  return tf.reshape<tf.Rank.R3>(tf.matMul(cols, w), [b, tOut, -1]);
}
