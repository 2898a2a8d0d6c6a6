/**
 * `transcribe` runs in a worker thread with a small young generation, so its memory stays flat in
 * the length of the recording. V8 grows the young generation whenever the bytes surviving its
 * scavenges add up to its size, which any run longer than ~15 s does: on the main thread a 1-hour
 * file peaked 12–14 MB (11–12 %) above a 1-minute one, all of it heap capacity, none of it live data
 * (`npm run bench:memory`). The limit is fixed when an isolate is made, hence the worker.
 */
import { isMainThread, Worker } from 'node:worker_threads';

/** Young generation of the worker (MB); V8's own default grows to 16–32. */
const YOUNG_GENERATION_MB = 2;
const BOUNDED_COMMANDS = new Set(['transcribe']);

/**
 * Starts the worker and returns true when `argv` (node, script, command, …) names a bounded
 * command on the main thread; the worker parses `rawArgs` (with --debug, if given) itself.
 */
export function runInBoundedWorker(argv: string[], rawArgs: string[]): boolean {
  if (!isMainThread || !BOUNDED_COMMANDS.has(argv[2] ?? '') || process.env.DIGIT_DICTATION_NO_WORKER === '1') return false;
  const worker = new Worker(__filename, {
    argv: rawArgs,
    execArgv: process.execArgv,
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    stdout: false,
    stderr: false,
  });
  // Not process.exit: the worker's last lines are still on their way to this thread's stdout/stderr.
  worker.on('exit', (code) => {
    process.exitCode = code;
  });
  // The worker's output is written here: a reader that closes early (`| head`) is not a failure.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  worker.on('error', (err) => {
    process.stderr.write(`error [INTERNAL]: ${String(err?.message ?? err).slice(0, 500)} — run again with --debug and report it\n`);
    process.exit(2);
  });
  return true;
}
