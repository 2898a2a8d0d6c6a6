// Builds every bundle: the extension host, the CLI, the training worker, the webview, the
// benchmarks and the unit tests. `node esbuild.js [--watch] [--production]`.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// Native addons and the editor API load at run time from node_modules / the host.
const nodeExternal = ['vscode', 'onnxruntime-node', 'decibri', 'playwright-core', 'code-server'];

function files(dir, suffix) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith(suffix))
    .map((f) => path.join(dir, f));
}

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  external: nodeExternal,
  logLevel: 'warning',
};

const builds = [
  { ...node, entryPoints: { extension: 'src/extension.ts', cli: 'src/cli.ts', trainWorker: 'src/train/worker.ts' }, outdir: 'dist' },
  { ...node, entryPoints: files('bench', '.ts'), outdir: 'dist/bench' },
  { ...node, entryPoints: files('tools', '.ts'), outdir: 'dist/tools' },
  { ...node, entryPoints: files('test', '.test.ts'), outdir: 'out/test', outbase: 'test', sourcemap: true, minify: false },
  {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: !production,
    minify: production,
    entryPoints: { webview: 'webview-ui/main.ts' },
    outdir: 'dist',
    loader: { '.css': 'css' },
    logLevel: 'warning',
  },
].filter((b) => {
  const eps = Array.isArray(b.entryPoints) ? b.entryPoints : Object.values(b.entryPoints);
  b.entryPoints = Array.isArray(b.entryPoints)
    ? eps
    : Object.fromEntries(Object.entries(b.entryPoints).filter(([, f]) => fs.existsSync(f)));
  return (Array.isArray(b.entryPoints) ? b.entryPoints : Object.keys(b.entryPoints)).length > 0;
});

// The tfjs wasm backend loads its .wasm binaries from beside the bundle at run time.
function copyWasm() {
  const src = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  fs.mkdirSync('dist', { recursive: true });
  for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) {
    fs.copyFileSync(path.join(src, 'dist', f), path.join('dist', f));
  }
}

async function main() {
  copyWasm();
  if (watch) {
    for (const b of builds) await (await esbuild.context(b)).watch();
    return;
  }
  await Promise.all(builds.map((b) => esbuild.build(b)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
