// `npm run test:desktop`: the in-editor suite (suite.ts) in desktop VS Code through
// @vscode/test-electron, with the same virtual microphone, recordings and expectations as the browser
// harness. VS Code is downloaded into the e2e cache. Where that is impossible (no internet, as on the
// project's own machines) that test is skipped, saying why, and the same suite runs instead inside
// code-server's extension host (VS Code OSS), loaded by a small runner extension, so it never rots.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { writeJoined } from '../e2e/lib/audio';
import { ensureCodeServer, extensionHostLogs, installExtension, launchCodeServer, makeProfile } from '../e2e/lib/codeServer';
import { log, step, waitFor } from '../e2e/lib/log';
import { packageExtension, packageSuiteRunner } from '../e2e/lib/packaging';
import { run, start, stopAll } from '../e2e/lib/processes';
import { startVirtualMic, type VirtualMic } from '../e2e/lib/pulse';
import { AFTER_STOP, DICTATION, fsddDir } from '../e2e/lib/scenario';
import { openWorkbench, type Workbench } from '../e2e/lib/workbench';

const VSCODE_VERSION = process.env.DD_DESKTOP_VSCODE ?? '1.100.3';

function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'esbuild.js'))) return dir;
    if (path.dirname(dir) === dir) throw new Error('repo root not found');
  }
}

const repo = repoRoot();
const cache = process.env.DD_E2E_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'digit-dictation-e2e');
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dd-desktop-'));
const suiteFile = path.join(__dirname, 'suite.js');
let downloadProblem: string | undefined;
let bench: Workbench | undefined;

process.on('exit', () => fs.rmSync(runDir, { recursive: true, force: true }));
after(async () => {
  await bench?.close().catch(() => undefined);
  await stopAll();
});

/** The notes file and the audio the suite needs, passed to it through the environment. */
function suiteEnv(mic: VirtualMic): Record<string, string> {
  const fsdd = fsddDir(repo);
  const workspace = path.join(runDir, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  const notes = path.join(workspace, 'numbers.txt');
  fs.writeFileSync(notes, 'Room: ');
  const wav = (name: string, recs: string[], gap: number): string =>
    writeJoined(
      path.join(runDir, 'audio', `${name}.wav`),
      recs.map((r) => path.join(fsdd, r)),
      gap,
    );
  return {
    PULSE_SERVER: mic.env.PULSE_SERVER ?? '',
    PULSE_COOKIE: mic.env.PULSE_COOKIE ?? '',
    DD_DESKTOP_WORKSPACE: workspace,
    DD_DESKTOP_NOTES: notes,
    DD_DESKTOP_DICTATION_WAV: wav('dictation', DICTATION.recordings, DICTATION.gapMs),
    DD_DESKTOP_AFTER_STOP_WAV: wav('after-stop', AFTER_STOP.recordings, AFTER_STOP.gapMs),
  };
}

test(`desktop VS Code ${VSCODE_VERSION} (@vscode/test-electron) with a virtual microphone`, { timeout: 15 * 60_000 }, async (t) => {
  const { downloadAndUnzipVSCode, runTests } = await import('@vscode/test-electron');

  let executable: string;
  log(`▶ download VS Code ${VSCODE_VERSION} (cached in ${cache})`);
  try {
    executable = await downloadAndUnzipVSCode({ version: VSCODE_VERSION, cachePath: path.join(cache, 'vscode-test'), timeout: 20_000 });
  } catch (err) {
    downloadProblem = String(err).split('\n')[0];
    log(`VS Code cannot be downloaded here (${downloadProblem}): skipping; the next test runs the suite in code-server`);
    t.skip(`VS Code cannot be downloaded here (${downloadProblem}); the suite runs in code-server's extension host instead`);
    return;
  }
  log(`VS Code at ${executable}`);

  const display: Record<string, string> = {};
  if (!process.env.DISPLAY && process.platform === 'linux') {
    await step('start a virtual display (Xvfb)', async () => {
      await run('sh', ['-c', 'command -v Xvfb']).catch(() => {
        throw new Error('no DISPLAY and no Xvfb: apt-get install xvfb');
      });
      const n = 90 + (process.pid % 100);
      start('Xvfb', 'Xvfb', [`:${n}`, '-screen', '0', '1400x900x24', '-nolisten', 'tcp'], { logFile: path.join(runDir, 'xvfb.log') });
      await waitFor('the X display', () => (fs.existsSync(`/tmp/.X11-unix/X${n}`) ? true : undefined), 10_000);
      display.DISPLAY = `:${n}`;
    });
  }

  await step('build the extension (npm run build)', () =>
    run('npm', ['run', 'build'], { cwd: repo, timeoutMs: 180_000 }).then(() => undefined),
  );
  const mic = await step('start the virtual microphone', () => startVirtualMic(path.join(runDir, 'pulse')));
  const env = suiteEnv(mic);
  const profile = makeProfile(path.join(runDir, 'desktop'));

  await step('run the suite inside desktop VS Code', async () => {
    const code = await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: repo,
      extensionTestsPath: suiteFile,
      launchArgs: [
        env.DD_DESKTOP_WORKSPACE,
        '--user-data-dir',
        profile.userDataDir,
        '--extensions-dir',
        profile.extensionsDir,
        '--disable-workspace-trust',
        '--no-sandbox',
        '--disable-gpu',
      ],
      extensionTestsEnv: { ...display, ...env },
    });
    if (code !== 0) throw new Error(`VS Code's test run exited with ${code}`);
  });
  await mic.stop();
});

test("the same suite in code-server's extension host (when desktop VS Code is unavailable)", { timeout: 10 * 60_000 }, async (t) => {
  if (!downloadProblem) {
    t.skip('desktop VS Code ran the suite');
    return;
  }
  const entry = await step('install code-server into the cache', () => ensureCodeServer(repo));
  const vsix = await step('package the extension (.vsix)', () => packageExtension(repo, runDir));
  const resultFile = path.join(runDir, 'suite-result.txt');
  const runner = await step('pack the suite runner extension', () => packageSuiteRunner(repo, runDir, suiteFile, resultFile));
  const profile = makeProfile(path.join(runDir, 'code-server'));
  await step('install both into code-server', async () => {
    await installExtension(entry, profile, vsix);
    await installExtension(entry, profile, runner);
  });
  const mic = await step('start the virtual microphone', () => startVirtualMic(path.join(runDir, 'pulse')));
  const env = suiteEnv(mic);
  await step('run the suite (the extension host starts when the workbench connects)', async () => {
    const server = await launchCodeServer(entry, profile, runDir, { ...mic.env, ...env });
    bench = await openWorkbench(server.url, env.DD_DESKTOP_WORKSPACE, path.join(runDir, 'chromium-profile'), []);
    const result = await waitFor(
      'the suite to finish',
      () => (fs.existsSync(resultFile) ? fs.readFileSync(resultFile, 'utf8') : undefined),
      120_000,
    );
    if (result !== 'PASS') log(`extension host log:\n${extensionHostLogs(profile.userDataDir, 2500)}`);
    assert.equal(result.split('\n')[0], 'PASS', result);
  });
});
