/**
 * Writes the trained network as ONNX through onnx-proto's maintained schema. BatchNorm is folded
 * into the convolutions, and the dataset normalisation is the graph's first two ops, so a model
 * can never be paired with stale statistics; the feature config rides along in metadata_props.
 */
import { createHash } from 'node:crypto';
import { onnx } from 'onnx-proto';
import { BN_EPS, NetSpec, Weights } from './network';
import { ModelMeta, encodeMeta } from '../model/meta';
import { EMBEDDING_NAME, INPUT_NAME, PROBS_NAME } from '../model/classifier';

const FLOAT = onnx.TensorProto.DataType.FLOAT;

function floatTensor(name: string, dims: number[], values: ArrayLike<number>): onnx.ITensorProto {
  const f = Float32Array.from(values);
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(f.buffer, f.byteOffset, f.byteLength) };
}

function intsAttr(name: string, ints: number[]): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints };
}
function intAttr(name: string, i: number): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i };
}

function node(op: string, inputs: string[], outputs: string[], attribute: onnx.IAttributeProto[] = []): onnx.INodeProto {
  return { opType: op, input: inputs, output: outputs, name: outputs[0], attribute };
}

/** Folds BatchNorm (running statistics) into conv weights in ONNX layout [out, in, kernel]. */
export function foldConv(weights: Weights, i: number, kernel: number, cin: number, cout: number) {
  const w = weights[`conv${i}_w`].values;
  const gamma = weights[`conv${i}_gamma`].values;
  const beta = weights[`conv${i}_beta`].values;
  const mean = weights[`conv${i}_mean`].values;
  const variance = weights[`conv${i}_var`].values;
  const W = new Float32Array(cout * cin * kernel);
  const B = new Float32Array(cout);
  for (let o = 0; o < cout; o++) {
    const s = gamma[o] / Math.sqrt(variance[o] + BN_EPS);
    B[o] = beta[o] - mean[o] * s;
    for (let c = 0; c < cin; c++) {
      for (let k = 0; k < kernel; k++) W[(o * cin + c) * kernel + k] = w[(k * cin + c) * cout + o] * s;
    }
  }
  return { W, B };
}

/**
 * The classifier's centred convolutions as ONNX nodes (Conv with BatchNorm folded, ReLU, MaxPool
 * by 2), reading `input` [batch, channels, frames]; `prefix` keeps names apart when the stack is
 * part of another graph (exportSequence.ts).
 */
export function convStack(
  spec: NetSpec,
  input: string,
  channels: number,
  weightsOf: (i: number, cin: number, c: NetSpec['convs'][number]) => { W: ArrayLike<number>; B: ArrayLike<number> },
  prefix = '',
): { nodes: onnx.INodeProto[]; inits: onnx.ITensorProto[]; output: string; channels: number } {
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  let x = input;
  let cin = channels;
  spec.convs.forEach((c, i) => {
    const { W, B } = weightsOf(i, cin, c);
    inits.push(floatTensor(`${prefix}conv${i}_W`, [c.out, cin, c.kernel], W));
    inits.push(floatTensor(`${prefix}conv${i}_B`, [c.out], B));
    const p = Math.floor(c.kernel / 2);
    nodes.push(
      node(
        'Conv',
        [x, `${prefix}conv${i}_W`, `${prefix}conv${i}_B`],
        [`${prefix}conv${i}`],
        [intsAttr('kernel_shape', [c.kernel]), intsAttr('pads', [p, c.kernel - 1 - p])],
      ),
    );
    nodes.push(node('Relu', [`${prefix}conv${i}`], [`${prefix}relu${i}`]));
    x = `${prefix}relu${i}`;
    if (c.pool) {
      nodes.push(node('MaxPool', [x], [`${prefix}pool${i}`], [intsAttr('kernel_shape', [2]), intsAttr('strides', [2])]));
      x = `${prefix}pool${i}`;
    }
    cin = c.out;
  });
  return { nodes, inits, output: x, channels: cin };
}

export function modelIdOf(weights: Weights): string {
  const h = createHash('sha256');
  for (const k of Object.keys(weights).sort())
    h.update(k).update(Buffer.from(weights[k].values.buffer, weights[k].values.byteOffset, weights[k].values.byteLength));
  return h.digest('hex').slice(0, 16);
}

export function exportOnnx(
  spec: NetSpec,
  weights: Weights,
  meta: Omit<ModelMeta, 'modelId'> & { modelId?: string },
): { bytes: Uint8Array; modelId: string } {
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  const { mean, std } = meta.normalization;
  inits.push(floatTensor('norm_mean', [spec.bands], mean));
  inits.push(
    floatTensor(
      'norm_scale',
      [spec.bands],
      std.map((s) => 1 / s),
    ),
  );
  nodes.push(node('Sub', [INPUT_NAME, 'norm_mean'], ['centred']));
  nodes.push(node('Mul', ['centred', 'norm_scale'], ['normalised']));
  nodes.push(node('Transpose', ['normalised'], ['x0'], [intsAttr('perm', [0, 2, 1])]));
  let x = 'x0';
  const stack = convStack(spec, x, spec.bands, (i, cin, c) => foldConv(weights, i, c.kernel, cin, c.out));
  nodes.push(...stack.nodes);
  inits.push(...stack.inits);
  x = stack.output;
  const cin = stack.channels;
  nodes.push(node('ReduceMean', [x], ['time_mean'], [intsAttr('axes', [2]), intAttr('keepdims', 0)]));
  nodes.push(node('ReduceMax', [x], ['time_max'], [intsAttr('axes', [2]), intAttr('keepdims', 0)]));
  nodes.push(node('Concat', ['time_mean', 'time_max'], ['pooled'], [intAttr('axis', 1)]));
  inits.push(floatTensor('dense1_W', [2 * cin, spec.embedding], weights.dense1_w.values));
  inits.push(floatTensor('dense1_B', [spec.embedding], weights.dense1_b.values));
  nodes.push(node('Gemm', ['pooled', 'dense1_W', 'dense1_B'], ['dense1']));
  nodes.push(node('Relu', ['dense1'], ['hidden']));
  inits.push(floatTensor('l2_eps', [1], [1e-6]));
  nodes.push(node('ReduceSumSquare', ['hidden'], ['hidden_sq'], [intsAttr('axes', [1]), intAttr('keepdims', 1)]));
  nodes.push(node('Add', ['hidden_sq', 'l2_eps'], ['hidden_sq_eps']));
  nodes.push(node('Sqrt', ['hidden_sq_eps'], ['hidden_norm']));
  nodes.push(node('Div', ['hidden', 'hidden_norm'], [EMBEDDING_NAME]));
  inits.push(floatTensor('dense2_W', [spec.embedding, spec.classes], weights.dense2_w.values));
  inits.push(floatTensor('dense2_B', [spec.classes], weights.dense2_b.values));
  nodes.push(node('Gemm', ['hidden', 'dense2_W', 'dense2_B'], ['logits']));
  nodes.push(node('Softmax', ['logits'], [PROBS_NAME], [intAttr('axis', 1)]));

  const modelId = meta.modelId ?? modelIdOf(weights);
  const dim = (v: number | string): onnx.TensorShapeProto.IDimension => (typeof v === 'number' ? { dimValue: v } : { dimParam: v });
  const valueInfo = (name: string, dims: Array<number | string>): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map(dim) } } },
  });
  const model: onnx.IModelProto = {
    irVersion: 8,
    producerName: 'digit-dictation',
    producerVersion: '0.1.0',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'digits',
      node: nodes,
      initializer: inits,
      input: [valueInfo(INPUT_NAME, ['batch', spec.frames, spec.bands])],
      output: [valueInfo(PROBS_NAME, ['batch', spec.classes]), valueInfo(EMBEDDING_NAME, ['batch', spec.embedding])],
    },
    metadataProps: encodeMeta({ ...meta, modelId }),
  };
  return { bytes: onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish(), modelId };
}
