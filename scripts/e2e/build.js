// Bundles the end-to-end harness (test/e2e/*.e2e.ts) and the desktop suite (test/desktop/*.ts) into
// out/harness/ (e2e/editor.e2e.js, desktop/desktop.js, desktop/suite.js). Kept apart from
// esbuild.js's `*.test.ts` glob so that unit-test runs never pick up these slow, machine-level tests.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const pick = (dir, re) =>
  fs.existsSync(path.join(root, dir))
    ? fs
        .readdirSync(path.join(root, dir))
        .filter((f) => re.test(f))
        .map((f) => path.join(root, dir, f))
    : [];

esbuild
  .build({
    entryPoints: [...pick('test/e2e', /\.e2e\.ts$/), ...pick('test/desktop', /\.ts$/)],
    outdir: path.join(root, 'out', 'harness'),
    outbase: path.join(root, 'test'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    external: ['vscode', 'playwright-core', '@vscode/test-electron'],
    logLevel: 'warning',
  })
  .catch(() => process.exit(1));
