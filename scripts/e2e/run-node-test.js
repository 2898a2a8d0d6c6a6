// Runs one node:test file with the spec reporter on stdout and a TAP copy on the side, then closes
// with the plain summary line "<label>: N passed, N failed, N skipped" (after the spec reporter's
// failure details, which would otherwise be the last lines) and the test run's exit code.
// Usage: node scripts/e2e/run-node-test.js <label> <file.js>
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const [label, file] = process.argv.slice(2);
if (!label || !file) {
  console.error('usage: run-node-test.js <label> <file.js>');
  process.exit(2);
}
// One real-editor run at a time per machine: two would share the repo's .vsix and test-results/
// and fight over 2 cores (a dictation test is timing-sensitive). A later run waits for the earlier.
const lockDir = path.join(os.tmpdir(), 'digit-dictation-e2e.lock');
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
function acquire() {
  const deadline = Date.now() + 15 * 60_000;
  let said = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    const owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
    const age = Date.now() - (fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if ((owner && !alive(owner)) || (!owner && age > 10_000)) {
      fs.rmSync(lockDir, { recursive: true, force: true }); // its run died without releasing
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another end-to-end run (pid ${owner}) has held ${lockDir} for 15 minutes`);
    if (!said) console.log(`[${label}] waiting for another end-to-end run (pid ${owner || '?'}) to finish`);
    said = true;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  }
}
function release() {
  const owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
  if (owner === process.pid) fs.rmSync(lockDir, { recursive: true, force: true });
}
acquire();
process.on('exit', release);

const tap = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dd-tap-')), 'report.tap');
const child = spawn(
  process.execPath,
  [
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    file,
  ],
  { stdio: 'inherit' },
);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => {
  const text = fs.existsSync(tap) ? fs.readFileSync(tap, 'utf8') : '';
  fs.rmSync(path.dirname(tap), { recursive: true, force: true });
  const count = (name) => Number((text.match(new RegExp(`^# ${name} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  const failed = count('fail') + count('cancelled');
  console.log(`${label}: ${count('pass')} passed, ${failed} failed, ${count('skipped')} skipped`);
  process.exit(code ?? (signal ? 1 : 0));
});
