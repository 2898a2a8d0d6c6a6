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
const tap = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dd-tap-')), 'report.tap');
const child = spawn(
  process.execPath,
  ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, file],
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
