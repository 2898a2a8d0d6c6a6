/**
 * Band occlusion in one onnxruntime run, with a third of the arithmetic of running the 40 masked
 * copies through the classifier.
 *
 * Built at load time from the classifier's own ONNX graph and initializers (never a second file
 * that could drift from the model), the occlusion model computes exactly what the classifier
 * computes on the reference input and on each copy with one band silenced, using two facts:
 *
 * 1. The first convolution is linear and a band is one of its input channels. Silencing band b
 *    changes its input only in channel b, by δ_b = silence − x_b, so
 *    conv0(x with b silenced) = conv0(x) + conv0_b(δ_b), where conv0_b is the convolution
 *    restricted to channel b. All 40 of those are one grouped convolution (group = bands) of the
 *    cost of a single conv0; the masked copies never run conv0 themselves.
 * 2. Only the utterance's n frames differ between the copies; frames after it are the log-mel of
 *    silence (0) in every copy. A convolution output at time j depends on a window of input frames
 *    (the receptive field), so the copies' last feature map equals the reference's wherever that
 *    window lies past frame n. The copies run on the first `tc` frames only (enough for every
 *    output that can differ to be computed exactly), and the rest of their last map is the
 *    reference's. Early-exit decisions come ~40 frames into the 80-frame input.
 *
 * Results equal the 41-input batch up to float rounding (the unit test compares the two).
 * Graphs that are not the exporter's Conv/Relu/MaxPool chain get no occlusion model, and
 * saliency falls back to classifying the 40 masked copies.
 */
import { onnx } from 'onnx-proto';
import { floatValues } from './onnxTensors';

export interface OcclusionModel {
  /** The ONNX model: inputs `features` [1, frames, bands], `head` [1, tc, bands], `cut` int64 [1]. */
  bytes: Uint8Array;
  frames: number;
  bands: number;
  /** Time stride of the last convolutional map (2 per max-pool). */
  stride: number;
  /** Last-map output j depends on input frames [stride·j + lo, stride·j + hi]. */
  lo: number;
  hi: number;
}

export const OCCLUSION_INPUTS = { features: 'features', head: 'occl_head', cut: 'occl_cut' } as const;

/** How many frames the masked copies run on, and where their last map switches to the reference's. */
export function occlusionCrop(
  m: Pick<OcclusionModel, 'frames' | 'stride' | 'lo' | 'hi'>,
  utteranceFrames: number,
): { tc: number; cut: number } {
  const full = { tc: m.frames, cut: m.frames / m.stride };
  // First last-map position whose input window starts at or after the utterance's end: from
  // there on, every copy equals the reference.
  const cut = Math.max(0, Math.ceil((utteranceFrames - m.lo) / m.stride));
  // Positions before `cut` need their whole window inside the copies' frames.
  const tc = m.stride * Math.ceil((m.stride * (cut - 1) + m.hi + 1) / m.stride);
  return tc >= m.frames || cut >= full.cut ? full : { tc: Math.max(tc, m.stride), cut };
}

/** Frames up to the last one with any non-zero band (padding is exactly 0, the log-mel of silence). */
export function utteranceFrames(features: Float32Array, bands: number): number {
  for (let i = features.length - 1; i >= 0; i--) if (features[i] !== 0) return Math.floor(i / bands) + 1;
  return 0;
}

/** onnx-proto decodes 64-bit integers as Long objects. */
const num = (v: unknown): number =>
  typeof v === 'object' && v !== null && 'toNumber' in v ? (v as { toNumber(): number }).toNumber() : Number(v ?? 0);

function attr(n: onnx.INodeProto, name: string): onnx.IAttributeProto | undefined {
  return n.attribute?.find((a) => a.name === name);
}
function ints(n: onnx.INodeProto, name: string): number[] {
  return (attr(n, name)?.ints ?? []).map(num);
}

function floatTensor(name: string, dims: number[], values: Float32Array): onnx.ITensorProto {
  return {
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  };
}
function int64Tensor(name: string, values: number[]): onnx.ITensorProto {
  return { name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: values };
}

/**
 * The occlusion model of a classifier exported by train/export.ts, or undefined when the graph has
 * another shape (then occlusion runs the masked copies through the classifier).
 */
export function buildOcclusionModel(classifierBytes: Uint8Array): OcclusionModel | undefined {
  const model = onnx.ModelProto.decode(classifierBytes);
  const g = model.graph;
  if (!g?.node || !g.input?.[0] || !g.initializer) return undefined;
  const nodes = g.node;
  const inits = new Map(g.initializer.map((t) => [t.name ?? '', t]));
  const input = g.input[0].name ?? '';
  const dims = g.input[0].type?.tensorType?.shape?.dim?.map((d) => num(d.dimValue)) ?? [];
  const [, frames, bands] = dims;
  if (!frames || !bands) return undefined;

  // Expected head: Sub(features, mean) → Mul(·, scale) → Transpose(0, 2, 1) → Conv.
  const [sub, mul, tr] = nodes;
  if (sub?.opType !== 'Sub' || sub.input?.[0] !== input || mul?.opType !== 'Mul' || mul.input?.[0] !== sub.output?.[0]) return undefined;
  if (tr?.opType !== 'Transpose' || tr.input?.[0] !== mul.output?.[0] || ints(tr, 'perm').join() !== '0,2,1') return undefined;
  const meanT = inits.get(sub.input?.[1] ?? '');
  const scaleT = inits.get(mul.input?.[1] ?? '');
  if (!meanT || !scaleT) return undefined;

  // The Conv → Relu [→ MaxPool] chain, with each layer's receptive-field arithmetic.
  type Layer = { kind: 'conv'; k: number; pad: number } | { kind: 'pool'; k: number; s: number };
  const layers: Layer[] = [];
  let i = 3;
  let x = tr.output?.[0] ?? '';
  const conv0 = nodes[i];
  while (nodes[i]?.opType === 'Conv' || nodes[i]?.opType === 'Relu' || nodes[i]?.opType === 'MaxPool') {
    const n = nodes[i];
    if (n.input?.[0] !== x) return undefined;
    if (n.opType === 'Conv') {
      const k = ints(n, 'kernel_shape');
      const pads = ints(n, 'pads');
      const strides = ints(n, 'strides');
      const dil = ints(n, 'dilations');
      if (k.length !== 1 || pads.length !== 2 || strides.some((s) => s !== 1) || dil.some((d) => d !== 1) || num(attr(n, 'group')?.i) > 1)
        return undefined;
      layers.push({ kind: 'conv', k: k[0], pad: pads[0] });
    } else if (n.opType === 'MaxPool') {
      const k = ints(n, 'kernel_shape');
      const s = ints(n, 'strides');
      if (k.length !== 1 || s.length !== 1 || k[0] !== s[0] || ints(n, 'pads').some((p) => p !== 0)) return undefined;
      layers.push({ kind: 'pool', k: k[0], s: s[0] });
    }
    x = n.output?.[0] ?? '';
    i++;
  }
  if (conv0?.opType !== 'Conv' || layers.length === 0) return undefined;
  const lastMap = x;
  const tailStart = i;
  // Every later node must reduce the last map over time (axis 2) or work on the reduced tensors.
  for (const n of nodes.slice(tailStart)) {
    if (n.input?.includes(lastMap) && !((n.opType === 'ReduceMean' || n.opType === 'ReduceMax') && ints(n, 'axes').join() === '2'))
      return undefined;
  }
  const stride = layers.reduce((s, l) => (l.kind === 'pool' ? s * l.s : s), 1);
  if (frames % stride !== 0) return undefined;
  // Input window of last-map position j, walking back through the layers: [stride·j + lo, stride·j + hi].
  let a = 0;
  let b = 0;
  for (const l of [...layers].reverse()) {
    if (l.kind === 'conv') {
      a -= l.pad;
      b += l.k - 1 - l.pad;
    } else {
      a *= l.s;
      b = b * l.s + l.k - 1;
    }
  }

  const W0T = inits.get(conv0.input?.[1] ?? '');
  if (!W0T || conv0.input?.length !== 3) return undefined;
  const [c0, cin, k0] = (W0T.dims ?? []).map((d) => num(d));
  if (cin !== bands) return undefined;
  const W0 = floatValues(W0T);
  const mean = floatValues(meanT);
  const scale = floatValues(scaleT);
  // The normalised value of silence per band, rounded as the graph's Sub and Mul round it.
  const silence = new Float32Array(bands);
  for (let f = 0; f < bands; f++) silence[f] = Math.fround(Math.fround(0 - mean[f]) * scale[f]);
  // conv0 restricted to one input channel, per band: grouped weights [bands·c0, 1, k].
  const Wg = new Float32Array(bands * c0 * k0);
  for (let f = 0; f < bands; f++)
    for (let o = 0; o < c0; o++) for (let k = 0; k < k0; k++) Wg[(f * c0 + o) * k0 + k] = W0[(o * cin + f) * k0 + k];

  const isShared = (name: string) => inits.has(name) || name === input;
  const copy = (n: onnx.INodeProto, prefix: string, rename: Record<string, string> = {}): onnx.INodeProto => ({
    ...n,
    name: prefix + (n.name ?? n.output?.[0] ?? ''),
    input: (n.input ?? []).map((t) => rename[t] ?? (isShared(t) || t === '' ? t : prefix + t)),
    output: (n.output ?? []).map((t) => prefix + t),
  });
  const node = (op: string, inputs: string[], outputs: string[], attribute: onnx.IAttributeProto[] = []): onnx.INodeProto => ({
    opType: op,
    input: inputs,
    output: outputs,
    name: outputs[0],
    attribute,
  });
  const { INT } = onnx.AttributeProto.AttributeType;

  const out: onnx.INodeProto[] = [];
  // Reference: the classifier's graph as is, on the full input.
  for (const n of nodes) out.push(copy(n, 'r_'));
  // Masked copies on the first tc frames: normalise, conv0 once, plus one grouped conv for all bands.
  const H = OCCLUSION_INPUTS.head;
  out.push(copy(sub, 'v_', { [input]: H }), copy(mul, 'v_'), copy(tr, 'v_'));
  const vx0 = 'v_' + (tr.output?.[0] ?? '');
  out.push(node('Conv', [vx0, conv0.input[1], conv0.input[2]], ['v_conv0_ref'], conv0.attribute ?? []));
  out.push(node('Sub', ['occl_silence', vx0], ['v_delta']));
  out.push(
    node(
      'Conv',
      ['v_delta', 'occl_W0g'],
      ['v_delta_conv'],
      [...(conv0.attribute ?? []).filter((at) => at.name !== 'group'), { name: 'group', type: INT, i: bands }],
    ),
  );
  out.push(node('Reshape', ['v_delta_conv', 'occl_reshape'], ['v_delta_bands']));
  out.push(node('Add', ['v_conv0_ref', 'v_delta_bands'], ['v_' + (conv0.output?.[0] ?? '')]));
  for (const n of nodes.slice(4, tailStart)) out.push(copy(n, 'v_'));
  // Last map: the copies' own frames before `cut`, the reference's after it.
  out.push(node('Slice', ['v_' + lastMap, 'occl_zero', OCCLUSION_INPUTS.cut, 'occl_axis'], ['v_map_head']));
  out.push(node('Slice', ['r_' + lastMap, OCCLUSION_INPUTS.cut, 'occl_end', 'occl_axis'], ['v_map_tail1']));
  out.push(node('Expand', ['v_map_tail1', 'occl_expand'], ['v_map_tail']));
  out.push(node('Concat', ['v_map_head', 'v_map_tail'], ['v_map'], [{ name: 'axis', type: INT, i: 2 }]));
  for (const n of nodes.slice(tailStart)) out.push(copy(n, 'v_', { [lastMap]: 'v_map' }));
  // Outputs: reference first, then band 0 … bands − 1 silenced.
  const outputs = (g.output ?? []).map((o) => o.name ?? '');
  for (const o of outputs) out.push(node('Concat', ['r_' + o, 'v_' + o], [o], [{ name: 'axis', type: INT, i: 0 }]));

  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const valueInfo = (name: string, elemType: number, d: Array<number | string>): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType, shape: { dim: d.map((v) => (typeof v === 'number' ? { dimValue: v } : { dimParam: v })) } } },
  });
  const occl: onnx.IModelProto = {
    // onnx-proto types int64 fields as `number | Long` without shipping Long's type; copied as is.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
    irVersion: model.irVersion,
    producerName: 'digit-dictation occlusion',
    opsetImport: model.opsetImport,
    graph: {
      name: 'occlusion',
      node: out,
      initializer: [
        ...g.initializer,
        floatTensor('occl_silence', [1, bands, 1], silence),
        floatTensor('occl_W0g', [bands * c0, 1, k0], Wg),
        int64Tensor('occl_reshape', [bands, c0, -1]),
        int64Tensor('occl_zero', [0]),
        int64Tensor('occl_end', [2 ** 31 - 1]),
        int64Tensor('occl_axis', [2]),
        int64Tensor('occl_expand', [bands, 1, 1]),
      ],
      input: [
        valueInfo(input, FLOAT, [1, frames, bands]),
        valueInfo(H, FLOAT, [1, 'tc', bands]),
        valueInfo(OCCLUSION_INPUTS.cut, onnx.TensorProto.DataType.INT64, [1]),
      ],
      output: (g.output ?? []).map((o) => ({
        ...o,
        type: {
          tensorType: { elemType: FLOAT, shape: { dim: [{ dimValue: bands + 1 }, ...(o.type?.tensorType?.shape?.dim?.slice(1) ?? [])] } },
        },
      })),
    },
  };
  return { bytes: onnx.ModelProto.encode(onnx.ModelProto.create(occl)).finish(), frames, bands, stride, lo: a, hi: b };
}
