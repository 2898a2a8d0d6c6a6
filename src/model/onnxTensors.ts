/**
 * Float values of ONNX initializers, whichever way a file stores them: float32 as raw bytes or as
 * float_data, or half precision behind a Cast (train/float16.ts names those `X_float16`).
 */
import { Float16Array } from '@petamoriken/float16';
import { onnx } from 'onnx-proto';

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const FLOAT16 = onnx.TensorProto.DataType.FLOAT16;

/** One tensor's values as float32 (a copy: decoded raw_data is a view into the file, at any alignment). */
export function floatValues(t: onnx.ITensorProto): Float32Array {
  if (t.rawData && t.rawData.length > 0) {
    const copy = Uint8Array.from(t.rawData);
    return t.dataType === FLOAT16
      ? Float32Array.from(new Float16Array(copy.buffer))
      : new Float32Array(copy.buffer, 0, copy.byteLength / 4);
  }
  return Float32Array.from(t.floatData ?? []);
}

/** Every float32 or float16 initializer by name, a half-precision one under its float name. */
export function floatInitializers(model: onnx.IModelProto): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataType !== FLOAT && t.dataType !== FLOAT16) continue;
    out.set((t.name ?? '').replace(/_float16$/, ''), floatValues(t));
  }
  return out;
}
