/**
 * Writes the string network (sequenceNet.ts) as ONNX: normalisation, causal convolutions with
 * BatchNorm folded in, the per-step dense layer and a softmax over the eleven classes. The time
 * axis is free, so the stream runs the same graph on a window of recent frames.
 */
import { onnx } from 'onnx-proto';
import { SEQUENCE_INPUT, SEQUENCE_META_KEY, SEQUENCE_OUTPUT, SequenceMeta } from '../model/sequenceModel';
import { convStack, modelIdOf } from './export';
import { BN_EPS } from './network';
import { SeqSpec, SeqWeights } from './sequenceNet';
import type { InitModel } from './initWeights';
import type { NetSpec } from './network';

const FLOAT = onnx.TensorProto.DataType.FLOAT;

function floatTensor(name: string, dims: number[], values: ArrayLike<number>): onnx.ITensorProto {
  const f = Float32Array.from(values);
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(f.buffer, f.byteOffset, f.byteLength) };
}
const ints = (name: string, v: number[]): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v });
const int = (name: string, i: number): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
const node = (op: string, input: string[], output: string[], attribute: onnx.IAttributeProto[] = []): onnx.INodeProto => ({
  opType: op,
  input,
  output,
  name: output[0],
  attribute,
});

/** BatchNorm folded into layer i's weights, ONNX layout [out, in, kernel]. */
function fold(w: SeqWeights, i: number, kernel: number, cin: number, cout: number) {
  const W = new Float32Array(cout * cin * kernel);
  const B = new Float32Array(cout);
  const get = (k: string) => w[`seq${i}_${k}`].values;
  const [raw, gamma, beta, mean, variance] = ['w', 'gamma', 'beta', 'mean', 'var'].map(get);
  for (let o = 0; o < cout; o++) {
    const s = gamma[o] / Math.sqrt(variance[o] + BN_EPS);
    B[o] = beta[o] - mean[o] * s;
    for (let c = 0; c < cin; c++) for (let k = 0; k < kernel; k++) W[(o * cin + c) * kernel + k] = raw[(k * cin + c) * cout + o] * s;
  }
  return { W, B };
}

/**
 * `encoder`: the word classifier whose convolutions (BatchNorm already folded, as exported) run
 * first, centred as in training (encoderHead.ts); the head's layers then read their output.
 */
export function exportSequenceOnnx(
  spec: SeqSpec,
  weights: SeqWeights,
  meta: Omit<SequenceMeta, 'modelId'>,
  encoder?: { model: InitModel; spec: NetSpec },
): { bytes: Uint8Array; modelId: string } {
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  inits.push(floatTensor('norm_mean', [meta.featureConfig.melBands], meta.normalization.mean));
  inits.push(
    floatTensor(
      'norm_scale',
      [meta.featureConfig.melBands],
      meta.normalization.std.map((s) => 1 / s),
    ),
  );
  nodes.push(node('Sub', [SEQUENCE_INPUT, 'norm_mean'], ['centred']));
  nodes.push(node('Mul', ['centred', 'norm_scale'], ['normalised']));
  nodes.push(node('Transpose', ['normalised'], ['h_in'], [ints('perm', [0, 2, 1])]));
  let x = 'h_in';
  let cin = spec.bands;
  if (encoder) {
    const tensor = (name: string, size: number) => {
      const v = encoder.model.tensors.get(name);
      if (v?.length !== size) throw new Error(`encoder ${encoder.model.path}: ${name} is missing or has the wrong shape`);
      return v;
    };
    const stack = convStack(
      encoder.spec,
      x,
      meta.featureConfig.melBands,
      (i, cin, c) => ({ W: tensor(`conv${i}_W`, c.out * cin * c.kernel), B: tensor(`conv${i}_B`, c.out) }),
      'enc_',
    );
    if (stack.channels !== spec.bands)
      throw new Error(`encoder ${encoder.model.path}: ${stack.channels} channels, the head reads ${spec.bands}`);
    nodes.push(...stack.nodes);
    inits.push(...stack.inits);
    x = stack.output;
  }
  spec.layers.forEach((l, i) => {
    const { W, B } = fold(weights, i, l.kernel, cin, l.out);
    inits.push(floatTensor(`seq${i}_W`, [l.out, cin, l.kernel], W));
    inits.push(floatTensor(`seq${i}_B`, [l.out], B));
    // Causal: all padding on the left; with stride 2 the output sits on the later frame of each
    // pair (sequenceNet.ts causalConv), one frame less of left padding.
    const left = (l.kernel - 1) * l.dilation - (l.stride - 1);
    nodes.push(
      node(
        'Conv',
        [x, `seq${i}_W`, `seq${i}_B`],
        [`conv${i}`],
        [ints('kernel_shape', [l.kernel]), ints('dilations', [l.dilation]), ints('strides', [l.stride]), ints('pads', [left, 0])],
      ),
    );
    nodes.push(node('Relu', [`conv${i}`], [`relu${i}`]));
    if (l.residual) {
      nodes.push(node('Add', [x, `relu${i}`], [`res${i}`]));
      x = `res${i}`;
    } else x = `relu${i}`;
    cin = l.out;
  });
  nodes.push(node('Transpose', [x], ['h_out'], [ints('perm', [0, 2, 1])]));
  inits.push(floatTensor('out_W', [cin, spec.classes], weights.out_w.values));
  inits.push(floatTensor('out_B', [spec.classes], weights.out_b.values));
  nodes.push(node('MatMul', ['h_out', 'out_W'], ['out_mm']));
  nodes.push(node('Add', ['out_mm', 'out_B'], ['logits']));
  nodes.push(node('Softmax', ['logits'], [SEQUENCE_OUTPUT], [int('axis', 2)]));
  const modelId = modelIdOf(weights);
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
      name: 'digit_strings',
      node: nodes,
      initializer: inits,
      input: [valueInfo(SEQUENCE_INPUT, ['batch', 'frames', meta.featureConfig.melBands])],
      output: [valueInfo(SEQUENCE_OUTPUT, ['batch', 'steps', spec.classes])],
    },
    metadataProps: [{ key: SEQUENCE_META_KEY, value: JSON.stringify({ ...meta, modelId }) }],
  };
  return { bytes: onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish(), modelId };
}
