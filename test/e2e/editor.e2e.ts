// End-to-end: the packaged extension in a real VS Code host (code-server), driven in a real browser
// (headless Chromium), hearing a virtual microphone (PulseAudio). Run with `npm run test:e2e`.
//
// Stages run in order and each logs what it does; scripts/e2e/README.md lists them.
// Environment knobs: DD_E2E_VSIX (test this .vsix instead of packaging the repo), DD_E2E_KEEP=1
// (keep the run folder), DD_E2E_CACHE (where code-server is cached), DD_E2E_DICTATION (recordings).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { writeJoined, peak, readWav } from './lib/audio';
import {
  ensureCodeServer,
  extensionHostLogs,
  installExtension,
  launchCodeServer,
  makeProfile,
  type CodeServer,
  type Profile,
} from './lib/codeServer';
import { assertNotBlank } from './lib/image';
import { packageExtension } from './lib/packaging';
import { Fatal, log, waitFor } from './lib/log';
import { processesMentioning, run, stopAll } from './lib/processes';
import { startVirtualMic, type VirtualMic } from './lib/pulse';
import {
  AFTER_STOP,
  FLUENT,
  RUN_ON,
  COMMANDS,
  DICTATION,
  EXTENSION_ID,
  PANEL_TITLE,
  STATUS_ITEM_ID,
  enrollmentRecording,
  fsddDir,
  prototypesFile,
} from './lib/scenario';
import { anyFailed, passed, stage } from './lib/stages';
import {
  editorText,
  focusEditor,
  logConsoleTail,
  openFile,
  openWorkbench,
  runCommand,
  statusItem,
  statusLabel,
  webviewFrame,
  type Workbench,
} from './lib/workbench';

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'digit-dictation') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no digit-dictation package.json above ${from}`);
  }
}

const repo = findRepoRoot(__dirname);
const fsdd = fsddDir(repo);
const artifacts = path.join(repo, 'test-results', 'e2e');
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dd-e2e-'));
const workspace = path.join(runDir, 'workspace');
const NOTES = 'numbers.txt';
const notesFile = path.join(workspace, NOTES);
const INITIAL_TEXT = 'Room: ';

let entry = '';
let vsix = '';
let profile: Profile;
let mic: VirtualMic | undefined;
let server: CodeServer | undefined;
let bench: Workbench | undefined;
let panel: Frame | undefined;
const browserConsole: string[] = [];

const page = (): Page => {
  if (!bench) throw new Error('the workbench is not open');
  return bench.page;
};
const title = (c: { title: string }): string => `Digit Dictation: ${c.title}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function wav(name: string, recordings: string[], gapMs: number): string {
  return writeJoined(
    path.join(runDir, 'audio', `${name}.wav`),
    recordings.map((r) => path.join(fsdd, r)),
    gapMs,
  );
}

async function screenshotPanel(name: string, scrollTo?: string): Promise<void> {
  const file = path.join(artifacts, name);
  if (scrollTo && panel)
    await panel
      .locator(`[data-testid="${scrollTo}"]`)
      .first()
      .scrollIntoViewIfNeeded()
      .catch(() => undefined);
  // The outer iframe is the panel as a person sees it (the element that holds the webview).
  const outer = page().locator('iframe.webview').last();
  await outer.screenshot({ path: file, timeout: 15_000 });
  const stats = assertNotBlank(file);
  log(
    `saved ${path.relative(repo, file)} (${stats.width}×${stats.height}, luminance σ ${stats.lumaStdDev.toFixed(1)}, ${stats.colours} colours)`,
  );
}

async function digitsTyped(): Promise<string> {
  return (await editorText(page())).replace(/\u00a0/g, ' ');
}

/** Plays `audio` into the microphone and returns every editor text seen while it played. */
async function playWatching(audio: string): Promise<Set<string>> {
  const playing = mic!.play(audio);
  let done = false;
  void playing.finally(() => (done = true));
  const seen = new Set<string>();
  while (!done) {
    seen.add(await digitsTyped());
    await sleep(80);
  }
  await playing;
  return seen;
}

let evidenceSaved = false;
/** On failure: the browser console, code-server's and the extension host's logs, the workbench. */
async function saveFailureEvidence(): Promise<void> {
  if (evidenceSaved) return;
  evidenceSaved = true;
  logConsoleTail(browserConsole);
  if (!server) return;
  fs.writeFileSync(path.join(artifacts, 'code-server.log'), server.output());
  const hostLogs = extensionHostLogs(server.userDataDir);
  fs.writeFileSync(path.join(artifacts, 'extension-host.log'), hostLogs);
  log(`extension host log tail:\n${hostLogs.slice(-2500)}`);
  if (bench) await bench.page.screenshot({ path: path.join(artifacts, 'failure-workbench.png') }).catch(() => undefined);
}

let shutDownDone = false;
/** Closes the browser, then code-server and pulseaudio (each a process group); idempotent. */
async function shutDown(): Promise<void> {
  if (shutDownDone) return;
  shutDownDone = true;
  log('cleaning up: browser, code-server, pulseaudio');
  await bench?.close().catch((e: unknown) => log(`closing the browser: ${String(e)}`));
  bench = undefined;
  await stopAll();
}

// An interrupted run (Ctrl-C, CI timeout) skips the `after` hook; still remove the run folder.
process.on('exit', () => {
  if (!process.env.DD_E2E_KEEP) fs.rmSync(runDir, { recursive: true, force: true });
});

fs.rmSync(artifacts, { recursive: true, force: true });
fs.mkdirSync(artifacts, { recursive: true });
log(`run folder ${runDir}; artifacts in ${path.relative(repo, artifacts)}`);

describe('Digit Dictation in a real editor (code-server + Chromium + virtual microphone)', () => {
  after(async () => {
    if (anyFailed()) await saveFailureEvidence();
    await shutDown();
    if (process.env.DD_E2E_KEEP) log(`kept ${runDir}`);
    else fs.rmSync(runDir, { recursive: true, force: true });
  });

  stage('prerequisites: tools and FSDD recordings', { timeoutMs: 30_000 }, async () => {
    for (const tool of ['chromium', 'pulseaudio', 'pactl', 'paplay', 'rg']) {
      await run('sh', ['-c', `command -v ${tool}`]).catch(() => {
        throw new Error(`"${tool}" is not installed; .ci/run installs the Debian packages the harness needs`);
      });
    }
    const needed = [...DICTATION.recordings, ...AFTER_STOP.recordings];
    const missing = needed.filter((f) => !fs.existsSync(path.join(fsdd, f)));
    assert.equal(missing.length, 0, `missing FSDD recordings in ${fsdd}: ${missing.join(', ')}`);
    for (const f of needed) assert.ok(peak(readWav(path.join(fsdd, f))) > 1000, `${f} is silent`);
  });

  stage('install code-server into the cache (reused between runs)', { timeoutMs: 8 * 60_000, needs: [] }, async () => {
    entry = await ensureCodeServer(repo);
    log(`code-server entry point: ${entry}`);
  });

  stage('package the extension (.vsix)', { timeoutMs: 5 * 60_000 }, async () => {
    vsix = await packageExtension(repo, runDir);
  });

  stage(
    'install the .vsix into code-server',
    { timeoutMs: 120_000, needs: ['install code-server into the cache (reused between runs)', 'package the extension (.vsix)'] },
    async () => {
      profile = makeProfile(runDir);
      log(await installExtension(entry, profile, vsix));
      const installed = fs.readdirSync(profile.extensionsDir).filter((d) => d.startsWith(`${EXTENSION_ID}-`));
      assert.equal(
        installed.length,
        1,
        `expected ${EXTENSION_ID}-* in ${profile.extensionsDir}, found: ${fs.readdirSync(profile.extensionsDir).join(', ')}`,
      );
    },
  );

  stage('start the virtual microphone (PulseAudio null sink)', { timeoutMs: 30_000 }, async () => {
    mic = await startVirtualMic(path.join(runDir, 'pulse'));
  });

  const UP = 'open the workspace file in Chromium';
  stage(
    UP,
    { timeoutMs: 180_000, needs: ['install the .vsix into code-server', 'start the virtual microphone (PulseAudio null sink)'] },
    async () => {
      fs.mkdirSync(workspace, { recursive: true });
      fs.writeFileSync(notesFile, INITIAL_TEXT);
      server = await launchCodeServer(entry, profile, runDir, mic!.env);
      log(`code-server at ${server.url}`);
      bench = await openWorkbench(server.url, workspace, path.join(runDir, 'chromium-profile'), browserConsole);
      log('workbench loaded');
      await openFile(page(), NOTES);
      log(`${NOTES} is open in an editor`);
    },
  );

  const START = 'start dictation from the command palette (F1)';
  stage(START, { timeoutMs: 60_000, needs: [UP] }, async () => {
    await runCommand(page(), title(COMMANDS.start));
    await waitFor(
      'the status bar item to say it is listening',
      async () => {
        const label = await statusLabel(page(), EXTENSION_ID, STATUS_ITEM_ID, 'Digits');
        if (/error/i.test(label)) throw new Fatal(`the status bar says: ${label}`);
        return /listening|hearing/i.test(label) ? label : undefined;
      },
      30_000,
    ).then((label) => log(`status bar: ${label}`));
    // The microphone delivers audio a moment after it opens; do not talk over that.
    await sleep(1500);
    await focusEditor(page());
  });

  const DICTATE = `dictate ${DICTATION.expected.split('').join(' ')} and see "${DICTATION.expected}" typed`;
  stage(DICTATE, { timeoutMs: 60_000, needs: [START] }, async () => {
    const audio = wav('dictation', DICTATION.recordings, DICTATION.gapMs);
    log(`playing ${DICTATION.recordings.join(' + ')} (${DICTATION.gapMs} ms gaps) into the virtual microphone`);
    await mic!.play(audio);
    let text = '';
    try {
      await waitFor(
        `"${DICTATION.expected}" in the editor`,
        async () => {
          text = await digitsTyped();
          return text.replace(INITIAL_TEXT, '').replace(/\D/g, '').length >= DICTATION.expected.length ? text : undefined;
        },
        15_000,
      );
    } catch {
      throw new Error(`the editor reads "${text}" 15 s after the audio ended; expected "${INITIAL_TEXT}${DICTATION.expected}"`);
    }
    await sleep(1500); // late or duplicate decisions would show up now
    text = await digitsTyped();
    assert.equal(
      text.replace(INITIAL_TEXT, '').replace(/\D/g, ''),
      DICTATION.expected,
      `the editor reads "${text}", expected "${INITIAL_TEXT}${DICTATION.expected}"`,
    );
    await page().keyboard.press('Control+S');
    const onDisk = await waitFor(
      'the file to be saved',
      () => {
        const t = fs.readFileSync(notesFile, 'utf8');
        return t.includes(DICTATION.expected) ? t : undefined;
      },
      10_000,
    );
    log(`${NOTES} on disk: ${JSON.stringify(onDisk)}`);
    const shot = path.join(artifacts, 'workbench-dictated.png');
    await page().screenshot({ path: shot });
    assertNotBlank(shot);
    log(`saved ${path.relative(repo, shot)}`);
  });

  // Workspace settings: the workbench watches the folder's .vscode/settings.json.
  const settingsFile = path.join(workspace, '.vscode', 'settings.json');
  const logCount = (re: RegExp) => extensionHostLogs(profile.userDataDir, 1e9).match(re)?.length ?? 0;
  /** Changes the settings file with `edit`, then waits until the extension logs the change. */
  const changeSetting = async (what: string, edit: () => void) => {
    const changes = () => logCount(/settings changed: [^\n]*fluentStrings/g);
    const before = changes();
    edit();
    await waitFor(`the extension to see ${what}`, () => (changes() > before ? true : undefined), 20_000);
  };

  const FLUENT_STAGE = `fluent strings (on by default): "${FLUENT.expected.split('').join(' ')}" without pauses types ${FLUENT.expected}, undone in one step`;
  stage(FLUENT_STAGE, { timeoutMs: 90_000, needs: [DICTATE] }, async () => {
    assert.ok(logCount(/fluent strings on/g) > 0, 'the extension did not log that it listens with fluent strings on (the default)');
    await focusEditor(page());
    const before = await digitsTyped();
    log(`playing ${FLUENT.recordings.join(' + ')} back to back`);
    const seen = await playWatching(wav('fluent', FLUENT.recordings, FLUENT.gapMs));
    let after = '';
    await waitFor(
      `"${before}${FLUENT.expected}" in the editor`,
      async () => {
        after = await digitsTyped();
        return after === before + FLUENT.expected ? after : undefined;
      },
      10_000,
    ).catch(() => {
      throw new Error(`the editor reads "${after}", expected "${before}${FLUENT.expected}"`);
    });
    await sleep(1500); // a late digit or withdrawal would show up now
    assert.equal(await digitsTyped(), before + FLUENT.expected);
    log(`editor texts seen while it played: ${[...seen].map((t) => JSON.stringify(t)).join(', ')}`);
    // Typed while spoken: some text holding only the first digits was seen before the audio ended.
    assert.ok(
      [...seen].some((t) => t.length > before.length && t.length < before.length + FLUENT.expected.length),
      'the digits appeared only after the whole string',
    );
    await page().keyboard.press('Control+Z');
    await waitFor('one undo to remove the whole string', async () => ((await digitsTyped()) === before ? true : undefined), 5000).catch(
      async () => {
        throw new Error(`after one undo the editor reads "${await digitsTyped()}", expected "${before}"`);
      },
    );
  });

  const STOP = 'toggle dictation off from the status bar; further audio types nothing';
  stage(STOP, { timeoutMs: 60_000, needs: [START] }, async () => {
    const before = await digitsTyped();
    await statusItem(page(), EXTENSION_ID, STATUS_ITEM_ID, 'Digits').click();
    const label = await waitFor(
      'the status bar item to say it is idle',
      async () => {
        const l = await statusLabel(page(), EXTENSION_ID, STATUS_ITEM_ID, 'Digits');
        return /idle/i.test(l) && !/listening|hearing/i.test(l) ? l : undefined;
      },
      10_000,
    );
    log(`status bar: ${label}`);
    await focusEditor(page());
    log(`playing ${AFTER_STOP.recordings.join(' + ')} with dictation off`);
    await mic!.play(wav('after-stop', AFTER_STOP.recordings, AFTER_STOP.gapMs));
    await sleep(2500);
    const after = await digitsTyped();
    assert.equal(after, before, `text changed while dictation was off: "${before}" → "${after}"`);
  });

  const WITHDRAW = 'fluent strings off: speech running on after an early digit types the digit, then deletes it again';
  stage(WITHDRAW, { timeoutMs: 90_000, needs: [STOP] }, async () => {
    const listeningBefore = logCount(/fluent strings off/g);
    await changeSetting('digitDictation.fluentStrings turned off', () => {
      fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
      fs.writeFileSync(settingsFile, JSON.stringify({ 'digitDictation.fluentStrings': false }, null, 2));
    });
    await runCommand(page(), title(COMMANDS.start));
    await waitFor(
      'the extension to log that it listens with fluent strings off',
      () => (logCount(/fluent strings off/g) > listeningBefore ? true : undefined),
      30_000,
    );
    await sleep(1500);
    await focusEditor(page());
    const before = await digitsTyped();
    log(`playing ${RUN_ON.recordings.join(' + ')} back to back (one ${RUN_ON.recordings.length}-word utterance)`);
    const seen = await playWatching(wav('run-on', RUN_ON.recordings, RUN_ON.gapMs));
    await sleep(2000);
    const after = await digitsTyped();
    const transient = [...seen].filter((t) => t !== before);
    log(`editor texts seen while it played: ${[...seen].map((t) => JSON.stringify(t)).join(', ')}`);
    assert.ok(
      transient.some((t) => t.startsWith(before) && /^\d$/.test(t.slice(before.length))),
      `no early digit was ever typed after "${before}" (texts seen: ${[...seen].join(' | ')})`,
    );
    assert.equal(after, before, `the withdrawn digit is still there: "${after}", expected "${before}"`);
    // Back as the other stages expect it: dictation off, default settings.
    await runCommand(page(), title(COMMANDS.stop));
    await changeSetting('fluentStrings back to its default', () => fs.rmSync(settingsFile));
  });

  const PANEL = 'open the panel and screenshot it';
  stage(PANEL, { timeoutMs: 60_000, needs: [UP] }, async () => {
    await runCommand(page(), title(COMMANDS.showPanel));
    panel = await webviewFrame(page(), PANEL_TITLE);
    for (const id of ['live-digit', 'enroll-start']) {
      await panel
        .locator(`[data-testid="${id}"]`)
        .first()
        .waitFor({ timeout: 15_000 })
        .catch(() => {
          throw new Error(`the panel has no [data-testid="${id}"]`);
        });
    }
    // The live view shows the last decided digit: the dictation above ended on this one.
    if (passed(DICTATE)) {
      const last = DICTATION.expected.slice(-1);
      const shown = await waitFor(
        `live-digit to show "${last}"`,
        async () => {
          const t = (await panel!.locator('[data-testid="live-digit"]').first().innerText()).trim();
          return t.includes(last) ? t : undefined;
        },
        10_000,
      ).catch(async () => {
        throw new Error(`live-digit reads "${await panel!.locator('[data-testid="live-digit"]').first().innerText()}", expected "${last}"`);
      });
      log(`live-digit: ${shown}`);
    }
    // The withdrawn digit stays in the recent list, marked as deleted again.
    if (passed(WITHDRAW)) {
      const item = panel.locator('[data-testid="recent-list"] li.withdrawn').first();
      await item.waitFor({ timeout: 10_000 }).catch(() => {
        throw new Error('the recent list shows no withdrawn digit');
      });
      const text = await item.innerText();
      assert.match(text, /withdrawn — deleted again/, `withdrawn entry reads "${text}"`);
      log(`recent list: ${text.replace(/\s+/g, ' ')}`);
    }
    await sleep(500);
    await screenshotPanel('panel.png');
  });

  const ENROLL = 'enroll from played recordings and save';
  stage(ENROLL, { timeoutMs: 4 * 60_000, needs: [PANEL] }, async () => {
    const frame = panel!;
    await frame.locator('[data-testid="enroll-start"]').first().click();
    const prompt = frame.locator('[data-testid="enroll-prompt"]').first();
    const statusText = async (): Promise<string> =>
      (
        await frame
          .locator('[data-testid="enroll-status"]')
          .first()
          .innerText()
          .catch(() => '')
      ).trim();
    const attr = async (name: string): Promise<string> => (await prompt.getAttribute(name)) ?? '';
    // data-state is the current take's (waiting → recording → done); data-phase the flow's
    // (running → review → saving → saved, or error). A take that failed is prompted again.
    const plays = new Map<string, number>();
    let shot = false;
    for (;;) {
      const next = await waitFor(
        'the enrollment prompt to ask for a take (data-state="recording") or reach review',
        async () => {
          const phase = await attr('data-phase');
          if (phase === 'review' || phase === 'saved') return 'finished';
          if (phase === 'error') throw new Fatal(`the panel reports an enrollment error: ${await statusText()}`);
          return (await attr('data-state')) === 'recording' ? `${await attr('data-digit')}/${await attr('data-take')}` : undefined;
        },
        20_000,
      );
      if (next === 'finished') break;
      const [digit, take] = next.split('/').map(Number);
      if (!(Number.isInteger(digit) && digit >= 0 && digit <= 9)) throw new Error(`the prompt asks for digit "${next}"`);
      const count = (plays.get(next) ?? 0) + 1;
      if (count > 3) throw new Error(`digit ${digit} take ${take} was asked for again after 3 plays (status: "${await statusText()}")`);
      plays.set(next, count);
      const rec = enrollmentRecording(digit, Number.isFinite(take) ? take : 1);
      log(`prompt: digit ${digit}, take ${take}${count > 1 ? ` (again, play ${count})` : ''} → playing ${rec}`);
      await sleep(400); // the take's capture has just opened
      await mic!.play(path.join(fsdd, rec));
      if (!shot) {
        await screenshotPanel('panel-enrolling.png', 'enroll-prompt');
        shot = true;
      }
      // The prompt leaves "recording" for this take once the extension has the take (or gave up).
      await waitFor(
        `digit ${digit} take ${take} to be taken`,
        async () =>
          (await attr('data-state')) !== 'recording' || `${await attr('data-digit')}/${await attr('data-take')}` !== next
            ? true
            : undefined,
        10_000,
      ).catch(() => log(`digit ${digit} take ${take} is still recording 10 s after its audio; playing it again`));
    }
    log(`enrollment reached review after ${[...plays.values()].reduce((a, b) => a + b, 0)} plays for ${plays.size} takes`);
    assert.ok(plays.size >= 10, `only ${plays.size} takes were asked for; expected at least one per digit`);
    await screenshotPanel('panel-review.png', 'enroll-prompt');
    // The check of the takes against each other (adapted head, before → after) is shown at review.
    const check = await frame.locator('[data-testid="enroll-check"]').first().textContent();
    log(`enroll-check: ${check}`);
    assert.match(check ?? '', /before enrollment → \d+ of \d+ after|one take per digit/);
    // Only a take that another take of its digit can judge is marked as disagreeing: with one take
    // per digit, none is (the review's message says all agree, and the grid must not say otherwise).
    if (/one take per digit/.test(check ?? ''))
      assert.equal(await frame.locator('.take.disagrees').count(), 0, 'takes marked as disagreeing with one take per digit');
    // Fluent strings are on by default, so the string model was adapted to the takes as well.
    assert.match(
      check ?? '',
      /Fluent strings made of your takes: the string model missed or confused \d+ of \d+ digits before adapting to them, \d+ after/,
    );
    const save = frame.locator('[data-testid="enroll-save"]').first();
    await waitFor('the Save button to be enabled', async () => ((await save.isEnabled()) ? true : undefined), 10_000);
    await save.click();
    const status = await waitFor(
      'enroll-status to read "Saved"',
      async () => {
        const t = await statusText();
        if ((await attr('data-phase')) === 'error') throw new Fatal(`saving failed: ${t}`);
        return /saved/i.test(t) ? t : undefined;
      },
      20_000,
    );
    log(`enroll-status: ${status}`);
    await screenshotPanel('panel-enrolled.png', 'enroll-status');
  });

  stage('prototypes were written to globalStorage', { timeoutMs: 20_000, needs: [ENROLL] }, async () => {
    const file = prototypesFile(profile.userDataDir);
    const text = await waitFor(file, () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined), 10_000);
    const data = JSON.parse(text) as { digits?: Record<string, unknown> | unknown[]; head?: { weights?: unknown[] } };
    assert.ok(data && typeof data === 'object', 'prototypes.json is not a JSON object');
    assert.equal(data.head?.weights?.length, 10, 'prototypes.json carries no adapted head (mode adapted would run as hybrid)');
    fs.copyFileSync(file, path.join(artifacts, 'prototypes.json'));
    // Every digit was enrolled; where the store lists digits, all ten must be there and not empty.
    if (data.digits && typeof data.digits === 'object') {
      const digits = Object.values(data.digits);
      assert.equal(digits.length, 10, `prototypes.json lists ${digits.length} digits, expected 10`);
      const empty = (d: unknown): boolean => !d || (typeof d === 'object' && Object.keys(d).length === 0);
      const filled = digits.filter((d) => !empty(d)).length;
      assert.equal(filled, 10, `only ${filled} of 10 digits have prototype data in prototypes.json`);
    }
    log(`prototypes.json: ${text.length} bytes, keys ${Object.keys(data).join(', ')}`);
  });
  stage('shut down: no processes left behind', { timeoutMs: 30_000 }, async () => {
    if (anyFailed()) await saveFailureEvidence();
    await shutDown();
    const left = await waitFor(
      "the run's processes to exit",
      () => {
        const p = processesMentioning(runDir);
        return p.length === 0 ? p : undefined;
      },
      5_000,
    ).catch(() => processesMentioning(runDir));
    if (left.length) {
      for (const { pid } of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* exited meanwhile */
        }
      }
      throw new Error(`${left.length} process(es) outlived shutdown and were killed:\n${left.map((p) => `${p.pid} ${p.cmd}`).join('\n')}`);
    }
    log('no process of this run is left');
    const total = process.uptime();
    log(`end-to-end run took ${total.toFixed(0)} s (budget 600 s on 2 cores)${total > 600 ? ' — OVER BUDGET' : ''}`);
  });
});
