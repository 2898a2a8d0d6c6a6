// `npm run test:desktop`: the extension in desktop VS Code through @vscode/test-electron, with the
// same virtual microphone, recordings and expectations as the browser harness. VS Code is downloaded
// into the e2e cache; where that is impossible (no internet, as on the project's own machines) the
// test is skipped and says why.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { writeJoined } from '../e2e/lib/audio';
import { makeProfile } from '../e2e/lib/codeServer';
import { log, step, waitFor } from '../e2e/lib/log';
import { run, start, stopAll } from '../e2e/lib/processes';
import { startVirtualMic } from '../e2e/lib/pulse';
import { AFTER_STOP, DICTATION, fsddDir } from '../e2e/lib/scenario';

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

after(async () => {
  await stopAll();
  fs.rmSync(runDir, { recursive: true, force: true });
});

test(`desktop VS Code ${VSCODE_VERSION} (@vscode/test-electron) with a virtual microphone`, { timeout: 15 * 60_000 }, async (t) => {
  const { downloadAndUnzipVSCode, runTests } = await import('@vscode/test-electron');

  let executable: string;
  log(`▶ download VS Code ${VSCODE_VERSION} (cached in ${cache})`);
  try {
    executable = await downloadAndUnzipVSCode({ version: VSCODE_VERSION, cachePath: path.join(cache, 'vscode-test'), timeout: 20_000 });
  } catch (err) {
    const why = String(err).split('\n')[0];
    log(`VS Code cannot be downloaded here (${why}): the desktop suite is skipped`);
    t.skip(`VS Code cannot be downloaded here, so the desktop suite did not run (${why}); npm run test:e2e runs the same scenario in code-server`);
    return;
  }
  log(`VS Code at ${executable}`);

  const env: NodeJS.ProcessEnv = {};
  if (!process.env.DISPLAY && process.platform === 'linux') {
    await step('start a virtual display (Xvfb)', async () => {
      await run('sh', ['-c', 'command -v Xvfb']).catch(() => {
        throw new Error('no DISPLAY and no Xvfb: apt-get install xvfb');
      });
      const display = `:${90 + (process.pid % 100)}`;
      start('Xvfb', 'Xvfb', [display, '-screen', '0', '1400x900x24', '-nolisten', 'tcp'], { logFile: path.join(runDir, 'xvfb.log') });
      await waitFor('the X display', () => (fs.existsSync(`/tmp/.X11-unix/X${display.slice(1)}`) ? true : undefined), 10_000);
      env.DISPLAY = display;
    });
  }

  await step('build the extension (npm run build)', () => run('npm', ['run', 'build'], { cwd: repo, timeoutMs: 180_000 }).then(() => undefined));
  const mic = await step('start the virtual microphone', () => startVirtualMic(path.join(runDir, 'pulse')));

  const fsdd = fsddDir(repo);
  const workspace = path.join(runDir, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  const notes = path.join(workspace, 'numbers.txt');
  fs.writeFileSync(notes, 'Room: ');
  const profile = makeProfile(runDir);
  const wav = (name: string, recs: string[], gap: number): string =>
    writeJoined(path.join(runDir, 'audio', `${name}.wav`), recs.map((r) => path.join(fsdd, r)), gap);

  await step('run the suite inside VS Code', async () => {
    const code = await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: repo,
      extensionTestsPath: path.join(__dirname, 'suite.js'),
      launchArgs: [workspace, '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir, '--disable-workspace-trust', '--no-sandbox', '--disable-gpu'],
      extensionTestsEnv: {
        ...env,
        PULSE_SERVER: mic.env.PULSE_SERVER,
        PULSE_COOKIE: mic.env.PULSE_COOKIE,
        DD_DESKTOP_NOTES: notes,
        DD_DESKTOP_DICTATION_WAV: wav('dictation', DICTATION.recordings, DICTATION.gapMs),
        DD_DESKTOP_AFTER_STOP_WAV: wav('after-stop', AFTER_STOP.recordings, AFTER_STOP.gapMs),
      },
    });
    if (code !== 0) throw new Error(`VS Code's test run exited with ${code}`);
    log('the desktop suite passed');
  });
});
