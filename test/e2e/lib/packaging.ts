// The .vsix under test: the product's own `npm run package` (falling back to `vsce package` when the
// script is missing), or a given file (DD_E2E_VSIX). Also packs the tiny runner extension that lets
// the desktop suite run inside code-server's extension host.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { log } from './log';
import { run } from './processes';

export async function packageExtension(repo: string, runDir: string): Promise<string> {
  if (process.env.DD_E2E_VSIX) {
    const given = path.resolve(process.env.DD_E2E_VSIX);
    if (!fs.existsSync(given)) throw new Error(`DD_E2E_VSIX=${given} does not exist`);
    log(`using the given .vsix ${given}`);
    return given;
  }
  const started = Date.now();
  const scripts =
    (JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  let vsix: string;
  if (scripts.package) {
    log('npm run package');
    await run('npm', ['run', 'package'], { cwd: repo, timeoutMs: 240_000 });
    const made = fs
      .readdirSync(repo)
      .filter((f) => f.endsWith('.vsix'))
      .map((f) => path.join(repo, f))
      .filter((f) => fs.statSync(f).mtimeMs >= started - 1000)
      .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
    if (!made.length) throw new Error('`npm run package` wrote no new .vsix in the repo root');
    vsix = made[0];
  } else {
    log('no "package" script: npm run build, then vsce package --target linux-x64');
    await run('npm', ['run', 'build'], { cwd: repo, timeoutMs: 180_000 });
    vsix = path.join(runDir, 'digit-dictation.vsix');
    await run('npx', ['--no-install', 'vsce', 'package', '--target', 'linux-x64', '--out', vsix], { cwd: repo, timeoutMs: 240_000 });
  }
  log(`packaged ${path.relative(repo, vsix) || vsix} (${(fs.statSync(vsix).size / 1e6).toFixed(1)} MB)`);
  return vsix;
}

/**
 * A one-file extension that, once the workbench has started, loads `suiteFile` (a module exporting
 * `run(): Promise<void>`, the same contract as @vscode/test-electron's extensionTestsPath) and
 * writes "PASS" or the failure to `resultFile`.
 */
export async function packageSuiteRunner(repo: string, runDir: string, suiteFile: string, resultFile: string): Promise<string> {
  const dir = path.join(runDir, 'suite-runner');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: 'suite-runner',
      publisher: 'digit-dictation-tests',
      version: '0.0.1',
      license: 'MIT',
      engines: { vscode: '^1.90.0' },
      main: './extension.js',
      activationEvents: ['onStartupFinished'],
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'extension.js'),
    `const fs = require('fs');
exports.activate = () => {
  setTimeout(async () => {
    try {
      await require(${JSON.stringify(suiteFile)}).run();
      fs.writeFileSync(${JSON.stringify(resultFile)}, 'PASS');
    } catch (e) {
      fs.writeFileSync(${JSON.stringify(resultFile)}, 'FAIL ' + ((e && e.stack) || e));
    }
  }, 3000);
};
`,
  );
  fs.writeFileSync(path.join(dir, 'README.md'), 'Runs the Digit Dictation desktop suite inside an extension host.\n');
  const vsix = path.join(runDir, 'suite-runner.vsix');
  const vsce = path.join(repo, 'node_modules', '@vscode', 'vsce', 'vsce');
  await run(process.execPath, [vsce, 'package', '--allow-missing-repository', '--skip-license', '--out', vsix], {
    cwd: dir,
    timeoutMs: 60_000,
  });
  return vsix;
}
