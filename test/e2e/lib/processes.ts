// Child processes the harness starts, each in its own process group, so that cleanup can end the
// whole tree (code-server forks its extension host and file watchers) by group id, and only those.

import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import { log } from './log';

export interface Managed {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything the process printed, also written to `logFile`. */
  output(): string;
  stop(): Promise<void>;
}

const live = new Set<Managed>();

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

// If the test runner is interrupted, the `after` hooks may not run; end the groups synchronously.
process.on('exit', () => {
  for (const m of live) killGroup(m.child.pid, 'SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    for (const m of live) killGroup(m.child.pid, 'SIGKILL');
    process.exit(130);
  });
}

export function start(name: string, command: string, args: string[], options: SpawnOptions & { logFile: string }): Managed {
  const { logFile, ...spawnOptions } = options;
  log(`starting ${name}: ${command} ${args.join(' ')}`);
  const child = spawn(command, args, { ...spawnOptions, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const sink = fs.createWriteStream(logFile);
  let text = '';
  const collect = (chunk: Buffer): void => {
    sink.write(chunk);
    if (text.length < 1_000_000) text += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const managed: Managed = {
    name,
    child,
    output: () => text,
    async stop() {
      if (!live.has(managed)) return;
      live.delete(managed);
      killGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 3000);
      if (child.exitCode === null && child.signalCode === null) await exited;
      clearTimeout(timer);
      // Grandchildren that ignored SIGTERM (or outlived their parent) still carry the group id.
      killGroup(child.pid, 'SIGKILL');
      sink.end();
      log(`stopped ${name}`);
    },
  };
  live.add(managed);
  return managed;
}

export async function stopAll(): Promise<void> {
  for (const m of [...live].reverse()) await m.stop();
}

/** Runs a command to completion, failing with its output tail when it exits non-zero. */
export function run(
  command: string,
  args: string[],
  options: SpawnOptions & { timeoutMs?: number } = {},
): Promise<{ stdout: string; stderr: string }> {
  const { timeoutMs = 600_000, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${command} could not start: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve({ stdout, stderr });
      // npm's config warnings say nothing about the failure; keep the lines that do.
      const lines = `${stdout}\n${stderr}`.split('\n').filter((l) => l.trim() && !/^npm (warn|notice)/i.test(l));
      const tail = lines.slice(-12).join('\n');
      reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}:\n${tail}`));
    });
  });
}

/**
 * Processes still alive that belong to a run: their command line or environment mentions the run's
 * own folder (every process the harness starts gets it through PULSE_SERVER, --user-data-dir or the
 * browser profile). Linux /proc only; elsewhere it finds nothing.
 */
export function processesMentioning(marker: string): { pid: number; cmd: string }[] {
  if (!fs.existsSync('/proc/self/environ')) return [];
  const found: { pid: number; cmd: string }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (!cmd) continue; // zombies and kernel threads
      const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (cmd.includes(marker) || environ.includes(marker)) found.push({ pid, cmd: cmd.slice(0, 160) });
    } catch {
      /* gone, or not ours to read */
    }
  }
  return found;
}
