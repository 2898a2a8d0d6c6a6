/**
 * The digit CNN in tfjs-core. Convolutions over time (mel bands as channels) are written as
 * im2col — pad, shifted slices, concat, matMul — because the tfjs wasm backend registers no
 * Conv2DBackpropFilter kernel, while pad/slice/concat/matMul all have gradients there.
 * Measured here: ~3 GFLOP/s on one core, ~380 samples/s for a model of this size.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, gaussian } from './rng';

export interface ConvSpec {
  kernel: number;
  out: number;
  /** Max-pool by 2 over time after this layer. */
  pool: boolean;
}

export interface NetSpec {
  frames: number;
  bands: number;
  convs: ConvSpec[];
  /** Width of the hidden dense layer, which is also the embedding. */
  embedding: number;
  classes: number;
  dropout: number;
}

export const DEFAULT_NET: NetSpec = {
  frames: 80,
  bands: 40,
  convs: [
    { kernel: 3, out: 48, pool: false },
    { kernel: 3, out: 48, pool: true },
    { kernel: 3, out: 64, pool: true },
    { kernel: 3, out: 64, pool: false },
  ],
  embedding: 64,
  classes: 10,
  dropout: 0.2,
};

export const BN_EPS = 1e-5;
const BN_MOMENTUM = 0.9;

export function describeNet(spec: NetSpec): string {
  const convs = spec.convs.map((c) => `conv${c.kernel}×${c.out}+BN+ReLU${c.pool ? '+maxpool2' : ''}`).join(' → ');
  return `log-mel ${spec.frames}×${spec.bands} → ${convs} → [mean‖max over time] → dense ${spec.embedding}+ReLU (embedding, L2-normalised) → dense ${spec.classes} → softmax`;
}

interface ConvParams {
  w: tf.Variable; // [kernel * in, out], row = tap * in + channel
  gamma: tf.Variable;
  beta: tf.Variable;
  runMean: tf.Variable;
  runVar: tf.Variable;
}

/** Plain-array snapshot of every parameter, for checkpoints and export. */
export type Weights = Record<string, { shape: number[]; values: Float32Array }>;

export class DigitNet {
  readonly convs: ConvParams[] = [];
  readonly d1w: tf.Variable;
  readonly d1b: tf.Variable;
  readonly d2w: tf.Variable;
  readonly d2b: tf.Variable;

  constructor(
    readonly spec: NetSpec,
    rng: Rng,
    /** Prefixed to every variable's name: tfjs refuses two live variables of one name (a second net, e.g. a frozen teacher). */
    scope = '',
  ) {
    // He-normal initialisation from our own seeded generator, so a seed reproduces a run exactly.
    const he = (shape: number[], fanIn: number, name: string) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const v = new Float32Array(size);
      const sd = Math.sqrt(2 / fanIn);
      for (let i = 0; i < size; i++) v[i] = gaussian(rng) * sd;
      return tf.variable(tf.tensor(v, shape), true, scope + name);
    };
    let cin = spec.bands;
    spec.convs.forEach((c, i) => {
      this.convs.push({
        w: he([c.kernel * cin, c.out], c.kernel * cin, `conv${i}_w`),
        gamma: tf.variable(tf.ones([c.out]), true, `${scope}conv${i}_gamma`),
        beta: tf.variable(tf.zeros([c.out]), true, `${scope}conv${i}_beta`),
        runMean: tf.variable(tf.zeros([c.out]), false, `${scope}conv${i}_mean`),
        runVar: tf.variable(tf.ones([c.out]), false, `${scope}conv${i}_var`),
      });
      cin = c.out;
    });
    this.d1w = he([2 * cin, spec.embedding], 2 * cin, 'dense1_w');
    this.d1b = tf.variable(tf.zeros([spec.embedding]), true, scope + 'dense1_b');
    this.d2w = he([spec.embedding, spec.classes], spec.embedding, 'dense2_w');
    this.d2b = tf.variable(tf.zeros([spec.classes]), true, scope + 'dense2_b');
  }

  get trainable(): tf.Variable[] {
    return [...this.convs.flatMap((c) => [c.w, c.gamma, c.beta]), this.d1w, this.d1b, this.d2w, this.d2b];
  }

  get all(): tf.Variable[] {
    return [...this.convs.flatMap((c) => [c.w, c.gamma, c.beta, c.runMean, c.runVar]), this.d1w, this.d1b, this.d2w, this.d2b];
  }

  parameterCount(): number {
    return this.trainable.reduce((a, v) => a + v.size, 0);
  }

  /**
   * x: [batch, frames, bands], already normalised. In training mode BatchNorm uses batch
   * statistics and `batchStats` receives them (kept tensors) for the running averages.
   */
  forward(x: tf.Tensor3D, training: boolean, dropoutSeed = 0, batchStats?: BatchStats[]) {
    const h = this.encode(x, training, batchStats);
    const pooled = tf.concat([tf.mean(h, 1), tf.max(h, 1)], 1);
    const z = tf.relu(tf.add(tf.matMul(pooled, this.d1w), this.d1b)) as tf.Tensor2D;
    const embedding = tf.div(z, tf.sqrt(tf.add(tf.sum(tf.square(z), 1, true), 1e-6)));
    const zd = training && this.spec.dropout > 0 ? tf.dropout(z, this.spec.dropout, undefined, dropoutSeed) : z;
    const logits = tf.add<tf.Tensor2D>(tf.matMul(zd, this.d2w), this.d2b);
    return { logits, embedding };
  }

  /**
   * The convolutions alone: [batch, frames / 4, channels] before the pooling over time, each step
   * seeing about 100 ms either side of its own 40 ms (the string head of encoderHead.ts reads them).
   */
  encode(x: tf.Tensor3D, training: boolean, batchStats?: BatchStats[]): tf.Tensor3D {
    let h: tf.Tensor3D = x;
    this.spec.convs.forEach((c, i) => {
      const p = this.convs[i];
      h = conv1dSame(h, p.w, c.kernel);
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (training) {
        const m = tf.moments(h, [0, 1]);
        mean = m.mean;
        variance = m.variance;
        batchStats?.push({ mean: tf.keep(mean), variance: tf.keep(variance) });
      } else {
        mean = p.runMean;
        variance = p.runVar;
      }
      h = tf.relu(tf.add(tf.mul(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, BN_EPS))), p.gamma), p.beta)) as tf.Tensor3D;
      if (c.pool) {
        const [b, t, ch] = h.shape;
        h = tf.max<tf.Tensor3D>(tf.reshape(h, [b, Math.floor(t / 2), 2, ch]), 2);
      }
    });
    return h;
  }

  updateRunningStats(stats: BatchStats[]): void {
    updateRunningStats(this.convs, stats, BN_MOMENTUM);
  }

  /**
   * Sets every BatchNorm's running statistics to the mean of its batch statistics over `batches`
   * (normalised inputs, disposed here), as for weights that no training step produced (an average).
   */
  recomputeRunningStats(batches: tf.Tensor3D[]): void {
    const sums = this.convs.map((c) => ({ mean: new Float64Array(c.runMean.size), variance: new Float64Array(c.runVar.size) }));
    for (const x of batches) {
      const stats: BatchStats[] = [];
      tf.tidy(() => {
        this.forward(x, true, 0, stats);
      });
      stats.forEach((st, i) => {
        const m = st.mean.dataSync();
        const v = st.variance.dataSync();
        for (let j = 0; j < m.length; j++) {
          sums[i].mean[j] += m[j];
          sums[i].variance[j] += v[j];
        }
        st.mean.dispose();
        st.variance.dispose();
      });
      x.dispose();
    }
    const n = Math.max(1, batches.length);
    tf.tidy(() =>
      this.convs.forEach((c, i) => {
        c.runMean.assign(
          tf.tensor(
            Float32Array.from(sums[i].mean, (v) => v / n),
            c.runMean.shape,
          ),
        );
        c.runVar.assign(
          tf.tensor(
            Float32Array.from(sums[i].variance, (v) => v / n),
            c.runVar.shape,
          ),
        );
      }),
    );
  }

  snapshot(): Weights {
    return snapshotVariables(this.all);
  }

  restore(w: Weights): void {
    restoreVariables(this.all, w);
  }

  dispose(): void {
    for (const v of this.all) v.dispose();
  }
}

/** Batch statistics of one BatchNorm layer, kept out of tidy until the running averages take them. */
export type BatchStats = { mean: tf.Tensor; variance: tf.Tensor };

/** Softmax temperature of prototypeLoss over cosines (the enrollment head uses 0.05 at inference). */
export const PROTO_LOSS_TEMPERATURE = 0.1;

/**
 * Prototypical loss (Snell et al. 2017) within a batch: example i is scored against every digit's
 * mean embedding over the rest of the batch (its own embedding left out of its digit's mean), by
 * cosine / PROTO_LOSS_TEMPERATURE, and the cross-entropy of its digit is averaged over the examples
 * whose digit has another example in the batch. The batch mixes voices, so a digit's prototype is
 * mostly other voices' takes: the loss pulls one digit's embeddings together across voices, which
 * is what the prototypes of an enrolled voice rely on. `embedding`: [B, D], L2-normalised;
 * `onehot`: [B, K].
 */
export function prototypeLoss(embedding: tf.Tensor2D, onehot: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const sums = tf.matMul(onehot, embedding, true, false); // [K, D]
    const counts = tf.sum(onehot, 0); // [K]
    // Leave-one-out sums for each example and digit: [B, K, D].
    const loo = tf.sub(tf.expandDims(sums, 0), tf.mul(tf.expandDims(onehot, 2), tf.expandDims(embedding, 1)));
    const looCounts = tf.sub(tf.expandDims(counts, 0), onehot); // [B, K]
    const norms = tf.sqrt(tf.add(tf.sum(tf.square(loo), 2), 1e-8)); // [B, K]
    const dots = tf.sum(tf.mul(loo, tf.expandDims(embedding, 1)), 2); // [B, K]
    const valid = tf.cast(tf.greater(looCounts, 0), 'float32');
    // Digits with no other example in the batch are out of the softmax (a large negative logit).
    const logits = tf.add(tf.div(tf.div(dots, norms), PROTO_LOSS_TEMPERATURE), tf.mul(tf.sub(valid, 1), 1e4));
    const weights = tf.sum(tf.mul(onehot, valid), 1); // [B]: 1 where the example's own digit has a prototype
    const perExample = tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1));
    return tf.div<tf.Scalar>(tf.sum(tf.mul(perExample, weights)), tf.maximum(tf.sum(weights), 1));
  });
}

/** Moves each layer's running mean and variance toward its batch statistics, then frees them. */
export function updateRunningStats(
  layers: Array<{ runMean: tf.Variable; runVar: tf.Variable }>,
  stats: BatchStats[],
  momentum: number,
): void {
  tf.tidy(() => {
    stats.forEach((s, i) => {
      const p = layers[i];
      p.runMean.assign(tf.add(tf.mul(p.runMean, momentum), tf.mul(s.mean, 1 - momentum)));
      p.runVar.assign(tf.add(tf.mul(p.runVar, momentum), tf.mul(s.variance, 1 - momentum)));
    });
  });
  for (const s of stats) {
    s.mean.dispose();
    s.variance.dispose();
  }
}

/** Plain-array copy of variables, keyed by name (checkpoints and export). */
export function snapshotVariables(vars: tf.Variable[]): Weights {
  const out: Weights = {};
  for (const v of vars) out[v.name] = { shape: v.shape.slice(), values: v.dataSync().slice() as Float32Array };
  return out;
}

export function restoreVariables(vars: tf.Variable[], w: Weights): void {
  for (const v of vars) v.assign(tf.tensor(w[v.name].values, w[v.name].shape));
}

/** Convolution weights in ONNX layout [out, in, kernel] as this file's im2col matrix [kernel · in, out] (row = tap · in + channel). */
export function im2colFromOnnx(W: ArrayLike<number>, cout: number, cin: number, kernel: number): Float32Array {
  const w = new Float32Array(kernel * cin * cout);
  for (let o = 0; o < cout; o++)
    for (let c = 0; c < cin; c++) for (let k = 0; k < kernel; k++) w[(k * cin + c) * cout + o] = W[(o * cin + c) * kernel + k];
  return w;
}

/** 'Same'-padded 1-D convolution over time as im2col + matMul (see the file comment). */
export function conv1dSame(x: tf.Tensor3D, w: tf.Tensor, kernel: number): tf.Tensor3D {
  const [b, t, c] = x.shape;
  const p = Math.floor(kernel / 2);
  const xp = tf.pad(x, [
    [0, 0],
    [p, kernel - 1 - p],
    [0, 0],
  ]);
  const taps: tf.Tensor[] = [];
  for (let i = 0; i < kernel; i++) taps.push(tf.slice(xp, [0, i, 0], [b, t, c]));
  const cols = tf.reshape(tf.concat(taps, 2), [b * t, kernel * c]);
  return tf.reshape<tf.Rank.R3>(tf.matMul(cols, w), [b, t, -1]);
}
