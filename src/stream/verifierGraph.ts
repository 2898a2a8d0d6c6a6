/**
 * The verifier's members joined into one ONNX graph: one onnxruntime run per question instead of
 * one per member. The members are tiny, so a run's fixed cost (~50 µs here) was as large as a
 * member's arithmetic; joined, three members cost about half of three runs.
 *
 * Each member's nodes, initializers and intermediate values are renamed with a prefix, all read
 * the one shared input, and each member's probabilities become output `member{k}_probs`. No
 * library merges ONNX graphs in Node (onnx's compose module is Python), hence this by hand; it
 * is checked against the members run one by one (test/unit/stream.model.test.ts).
 */
import { onnx } from 'onnx-proto';
import { INPUT_NAME, PROBS_NAME } from '../model/classifier';

export const memberOutput = (k: number) => `member${k}_${PROBS_NAME}`;

/** One model whose outputs are each member's probabilities, given the members' ONNX bytes. */
export function joinMembers(members: readonly Uint8Array[]): Uint8Array {
  const models = members.map((b) => onnx.ModelProto.decode(b));
  const node: onnx.INodeProto[] = [];
  const initializer: onnx.ITensorProto[] = [];
  const output: onnx.IValueInfoProto[] = [];
  models.forEach((m, k) => {
    // Decoded messages carry every repeated field (empty when absent).
    const g = m.graph as onnx.GraphProto | null;
    if (!g) throw new Error(`verifier member ${k}: ONNX model has no graph`);
    const rename = (name: string) => (name === INPUT_NAME || name === '' ? name : `member${k}_${name}`);
    for (const n of g.node as onnx.NodeProto[])
      node.push({ ...n, name: rename(n.name ?? ''), input: n.input.map(rename), output: n.output.map(rename) });
    for (const t of g.initializer) initializer.push({ ...t, name: rename(t.name ?? '') });
    const probs = g.output.find((o) => o.name === PROBS_NAME);
    if (!probs) throw new Error(`verifier member ${k}: graph has no "${PROBS_NAME}" output`);
    output.push({ ...probs, name: memberOutput(k) });
  });
  const first = models[0];
  const opset = (m: onnx.ModelProto) => JSON.stringify(m.opsetImport);
  if (models.some((m) => opset(m) !== opset(first)))
    throw new Error('verifier members use different ONNX opsets; retrain them with one exporter');
  const joined: onnx.IModelProto = {
    // onnx-proto types int64 fields as `number | Long` without shipping Long's type; copied as is.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
    irVersion: first.irVersion,
    producerName: 'digit-dictation (joined verifier)',
    opsetImport: first.opsetImport,
    graph: { name: 'verifier', node, initializer, input: first.graph!.input, output },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(joined)).finish();
}
