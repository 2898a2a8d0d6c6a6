import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

let ready: Promise<void> | undefined;

/** The wasm binaries sit beside the bundle (esbuild.js copies them into dist/). */
function wasmDir(): string {
  const candidates = [__dirname, join(__dirname, '..'), join(__dirname, '..', '..', 'dist'), join(process.cwd(), 'dist')];
  const found = candidates.find((c) => existsSync(join(c, 'tfjs-backend-wasm.wasm')));
  if (!found)
    throw new Error(`tfjs-backend-wasm.wasm not found beside the bundle (looked in ${candidates.join(', ')}); run "npm run build"`);
  return found;
}

export function initBackend(): Promise<void> {
  ready ??= (async () => {
    setWasmPaths(wasmDir() + '/');
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
    await tf.ready();
  })();
  return ready;
}
