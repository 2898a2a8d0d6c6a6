#!/usr/bin/env node
/**
 * Packages a platform-specific .vsix: `node scripts/package.js <target>` (default linux-x64).
 *
 * onnxruntime-node ships its native binaries for every platform (~290 MB); decibri keeps one
 * optional package per platform. The .vsix must hold only the target's, so this script takes the
 * common rules of .vscodeignore, adds the target's binary folders, and runs
 * `vsce package --target <target>` with that ignore file. Other targets work the same way once
 * their decibri package is present (e.g. `npm install --no-save --os=darwin --cpu=arm64
 * @decibri/decibri-darwin-arm64@<decibri's version>`).
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const MAX_BYTES = 30 * 1024 * 1024;

/** vsce target → onnxruntime-node bin folder and decibri's native package. */
const TARGETS = {
  'linux-x64': { ort: 'linux/x64', decibri: 'decibri-linux-x64-gnu' },
  'linux-arm64': { ort: 'linux/arm64', decibri: 'decibri-linux-arm64-gnu' },
  'darwin-arm64': { ort: 'darwin/arm64', decibri: 'decibri-darwin-arm64' },
  'win32-x64': { ort: 'win32/x64', decibri: 'decibri-win32-x64-msvc' },
  'win32-arm64': { ort: 'win32/arm64', decibri: 'decibri-win32-arm64-msvc' },
};

function fail(msg) {
  console.error(`package: ${msg}`);
  process.exit(1);
}

function run(cmd, args, env = process.env) {
  console.log(`package: ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env });
}

// vsce runs `vscode:prepublish` before packaging. Called by a plain `vsce package`, the static
// .vscodeignore would leave out every native binary and yield a .vsix that cannot start: refuse,
// and name the command that selects the target's binaries.
if (process.argv[2] === '--prepublish') {
  if (!process.env.DD_PACKAGE_TARGET) {
    fail(
      'package with "npm run package" (linux-x64) or "node scripts/package.js <target>": it adds the target\'s onnxruntime-node and decibri binaries that a plain "vsce package" would leave out',
    );
  }
  process.exit(0);
}

/** Entry names of a zip, with yauzl (a vsce dependency) rather than an `unzip` binary. */
function zipEntries(file) {
  const yauzl = require('yauzl');
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const names = [];
      zip.on('entry', (e) => {
        names.push(e.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

async function main() {
  const target = process.argv[2] ?? 'linux-x64';
  const t = TARGETS[target];
  if (!t) fail(`unknown target "${target}"; one of ${Object.keys(TARGETS).join(', ')}`);
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

  const ortBin = path.join('node_modules/onnxruntime-node/bin/napi-v6', t.ort);
  const decibriPkg = path.join('node_modules/@decibri', t.decibri);
  if (!fs.existsSync(path.join(root, ortBin))) fail(`${ortBin} is missing: run npm install (onnxruntime-node ships all platforms)`);
  if (!fs.existsSync(path.join(root, decibriPkg))) {
    const version = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/decibri/package.json'), 'utf8')).version;
    const [os, cpu] = target.split('-');
    fail(`${decibriPkg} is missing; fetch it with: npm install --no-save --os=${os} --cpu=${cpu} @decibri/${t.decibri}@${version}`);
  }
  if (!fs.existsSync(path.join(root, 'models/digits.onnx')))
    fail('models/digits.onnx is missing: train or restore the bundled model first');

  // Minified bundles without source maps.
  run(process.execPath, ['esbuild.js', '--production']);

  const ignore =
    fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8') +
    [``, `# target ${target}`, `!${ortBin}/**`, `!${decibriPkg}/**`, ''].join('\n');
  const ignoreFile = path.join(root, 'out', `vscodeignore.${target}`);
  fs.mkdirSync(path.dirname(ignoreFile), { recursive: true });
  fs.writeFileSync(ignoreFile, ignore);

  const out = path.join(root, `${pkg.name}-${target}-${pkg.version}.vsix`);
  const vsce = path.join(root, 'node_modules/@vscode/vsce/vsce');
  // Relative links stay relative: the README's screenshots ship inside the .vsix, so the editor's
  // extension page shows them offline (the repository URL is not one vsce can rewrite against).
  run(process.execPath, [vsce, 'package', '--target', target, '--ignoreFile', ignoreFile, '--no-rewrite-relative-links', '--out', out], {
    ...process.env,
    DD_PACKAGE_TARGET: target,
  });

  const size = fs.statSync(out).size;
  // Check the archive: every native binary must belong to the target.
  const listing = await zipEntries(out);
  const natives = listing.filter((f) => /\.(node|so(\.\d+)*|dylib|dll)$/.test(f));
  const foreign = natives.filter((f) => !f.includes(`/napi-v6/${t.ort}/`) && !f.includes(`/@decibri/${t.decibri}/`));
  console.log(
    `package: ${path.relative(root, out)}: ${(size / 1024 / 1024).toFixed(1)} MB, ${listing.filter(Boolean).length} files; native binaries:\n  ${natives.join('\n  ')}`,
  );
  if (foreign.length) fail(`binaries of other platforms slipped in: ${foreign.join(', ')}`);
  if (size > MAX_BYTES) fail(`${(size / 1024 / 1024).toFixed(1)} MB exceeds the 30 MB budget`);
}

main().catch((err) => fail(err.stack ?? String(err)));
