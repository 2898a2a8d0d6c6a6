/**
 * A string model on the word classifier's own convolutions (rule 106): the classifier's encoder,
 * frozen, with a causal CTC head (sequenceNet.ts layers) on its 40 ms steps. The classifier learnt
 * many more voices as words than the string network learns as strings; on unseen real speakers'
 * spliced strings this head beat the string network trained as long by 9 points
 * (docs/EXPERIMENTS.md, rule 106). The encoder's convolutions are centred, so a step also hears
 * `lookahead` frames past its own end; the stream waits for them (stream/stringDecoder.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { applyInitModel, InitModel, readInitModel } from './initWeights';
import { BatchStats, DEFAULT_NET, DigitNet, NetSpec } from './network';
import type { Rng } from './rng';
import { receptiveField, SeqSpec, SeqWeights, SequenceNet, StringNet } from './sequenceNet';

/** The head of rule 106: four causal conv3 layers of 48 channels, dilations 1, 2, 4, 8 (1.2 s behind each step). */
export const ENCODER_HEAD_SPEC: SeqSpec = {
  bands: DEFAULT_NET.convs[DEFAULT_NET.convs.length - 1].out,
  layers: [
    { kernel: 3, out: 48, stride: 1, dilation: 1, residual: false },
    { kernel: 3, out: 48, stride: 1, dilation: 2, residual: true },
    { kernel: 3, out: 48, stride: 1, dilation: 4, residual: true },
    { kernel: 3, out: 48, stride: 1, dilation: 8, residual: true },
  ],
  classes: 11,
};

/**
 * Which input frames encoder step m depends on, as offsets from its first frame stride·m:
 * [first, last]. Centred convolutions (network.ts conv1dSame) widen both sides; a pool by 2
 * doubles the step.
 */
export function encoderSpan(spec: NetSpec): { stride: number; first: number; last: number } {
  let stride = 1;
  let first = 0;
  let last = 0;
  for (const c of spec.convs) {
    const p = Math.floor(c.kernel / 2);
    first -= p * stride;
    last += (c.kernel - 1 - p) * stride;
    if (c.pool) {
      last += stride;
      stride *= 2;
    }
  }
  return { stride, first, last };
}

/** The stride, receptive field (frames up to a step's own end) and look-ahead of encoder + head. */
export function encoderHeadGeometry(
  spec: NetSpec = DEFAULT_NET,
  head: SeqSpec = ENCODER_HEAD_SPEC,
): { stride: number; receptiveField: number; lookahead: number } {
  const { stride, first, last } = encoderSpan(spec);
  // The head's receptive field counts its input steps; each reaches `first` frames before its start.
  const steps = receptiveField(head);
  return { stride, receptiveField: (steps - 1) * stride + stride - first, lookahead: last - (stride - 1) };
}

export function describeEncoderHead(head: SeqSpec, encoderId: string): string {
  const g = encoderHeadGeometry(DEFAULT_NET, head);
  const layers = head.layers
    .map((l) => `causal conv${l.kernel}×${l.out}${l.dilation > 1 ? ` dil ${l.dilation}` : ''}+BN+ReLU${l.residual ? ' (residual)' : ''}`)
    .join(' → ');
  return `log-mel ${DEFAULT_NET.bands} bands, 10 ms frames → the word classifier's convolutions (frozen, model ${encoderId}) → ${layers} → dense ${head.classes} (10 digits + blank) per ${g.stride * 10} ms, CTC; receptive field ${g.receptiveField * 10} ms, look-ahead ${g.lookahead * 10} ms`;
}

export class EncoderHeadNet implements StringNet {
  readonly encoder: DigitNet;
  readonly head: SequenceNet;

  constructor(
    readonly source: InitModel,
    rng: Rng,
    readonly spec: SeqSpec = ENCODER_HEAD_SPEC,
  ) {
    this.encoder = new DigitNet(DEFAULT_NET, rng, 'encoder/');
    applyInitModel(this.encoder, source, []);
    this.head = new SequenceNet(spec, rng);
  }

  /** The classifier at `path` as the frozen encoder (its normalisation is the model's input's). */
  static fromModel(path: string, rng: Rng, spec: SeqSpec = ENCODER_HEAD_SPEC): EncoderHeadNet {
    return new EncoderHeadNet(readInitModel(path, DEFAULT_NET), rng, spec);
  }

  /** x: [batch, frames, 40], normalised by the encoder's statistics. The encoder always runs in eval mode. */
  forward(x: tf.Tensor3D, training: boolean, batchStats?: BatchStats[]): tf.Tensor3D {
    return this.head.forward(this.encoder.encode(x, false), training, batchStats);
  }

  get trainable(): tf.Variable[] {
    return this.head.trainable;
  }

  updateRunningStats(stats: BatchStats[]): void {
    this.head.updateRunningStats(stats);
  }

  snapshot(): SeqWeights {
    return this.head.snapshot();
  }

  restore(w: SeqWeights): void {
    this.head.restore(w);
  }

  parameterCount(): number {
    return this.head.parameterCount();
  }

  dispose(): void {
    this.encoder.dispose();
    this.head.dispose();
  }
}
