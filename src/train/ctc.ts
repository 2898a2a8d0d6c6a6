/**
 * The CTC loss (ctcLoss.ts) as a tfjs scalar, for training the string model.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ctcLoss } from '../model/ctcLoss';

export { ctcLoss, greedyDecode } from '../model/ctcLoss';
export type { CtcResult } from '../model/ctcLoss';

/**
 * Mean CTC loss of a batch as a tfjs scalar whose gradient flows into `logits` [batch, frames,
 * classes]. Examples whose labels cannot fit their frames add nothing (loss and gradient 0) and
 * are counted in `skipped`.
 */
export function ctcLossTensor(
  logits: tf.Tensor3D,
  labels: readonly (readonly number[])[],
  blank: number,
  stats?: { skipped: number },
): tf.Scalar {
  const f = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const [B, T, C] = x.shape as [number, number, number];
    const data = x.dataSync();
    const grad = new Float32Array(B * T * C);
    let total = 0;
    for (let b = 0; b < B; b++) {
      const r = ctcLoss(data.subarray(b * T * C, (b + 1) * T * C), T, C, labels[b], blank);
      if (!Number.isFinite(r.loss)) {
        if (stats) stats.skipped++;
        continue;
      }
      total += r.loss;
      for (let i = 0; i < T * C; i++) grad[b * T * C + i] = r.grad[i] / B;
    }
    const g = tf.tensor(grad, [B, T, C]);
    save([g]);
    return {
      value: tf.scalar(total / B),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(logits) as tf.Scalar;
}
