import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, openSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { OutputTargetError } from './errors';

/** A temp file older than this, or left by a process that is gone, is stale (a write takes milliseconds). */
const STALE_TEMP_MS = 10 * 60 * 1000;

const shown = (p: string) => (p.length > 200 ? `${p.slice(0, 200)}…` : p);

/** What an existing path is, in words, when it is not a regular file. */
function kindOf(st: import('node:fs').Stats): string | undefined {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  if (!st.isFile()) return 'not a regular file';
  return undefined;
}

/**
 * Checks that `path` can be replaced: its folder exists and takes a new file, and the path is
 * absent or a regular file. A device, FIFO, socket, folder or symbolic link is refused — replacing
 * one with a regular file (as rename would) destroys what the user had there. Throws
 * OutputTargetError: OUTPUT_NOT_REGULAR, OUTPUT_DIR_MISSING, OUTPUT_DIR_NOT_WRITABLE.
 */
export function checkOutputFile(path: string): void {
  let st: import('node:fs').Stats | undefined;
  try {
    st = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new OutputTargetError(
        'OUTPUT_UNREADABLE',
        `${shown(path)}: cannot inspect the output (${(err as NodeJS.ErrnoException).code})`,
        {
          cause: err,
        },
      );
    }
  }
  const kind = st && kindOf(st);
  if (kind) {
    throw new OutputTargetError(
      'OUTPUT_NOT_REGULAR',
      `${shown(path)} is ${kind}; the output must be a regular file or a new name — nothing was written`,
    );
  }
  checkWritableFolder(dirname(path));
}

/** The folder exists and a file can be created in it (tried, so read-only mounts are caught too). */
export function checkWritableFolder(dir: string): void {
  let st: import('node:fs').Stats;
  try {
    st = statSync(dir);
  } catch (err) {
    throw new OutputTargetError(
      'OUTPUT_DIR_MISSING',
      `${shown(dir)}: the output folder does not exist (${(err as NodeJS.ErrnoException).code})`,
      {
        cause: err,
      },
    );
  }
  if (!st.isDirectory()) throw new OutputTargetError('OUTPUT_DIR_MISSING', `${shown(dir)} is not a folder; nothing was written`);
  const probe = join(dir, `.digit-dictation-probe.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    closeSync(openSync(probe, 'wx', 0o600));
  } catch (err) {
    throw new OutputTargetError(
      'OUTPUT_DIR_NOT_WRITABLE',
      `${shown(dir)}: cannot create files in this folder (${(err as NodeJS.ErrnoException).code}); choose a writable folder`,
      { cause: err },
    );
  } finally {
    rmSync(probe, { force: true });
  }
}

/** Temp files `writeFileAtomic` left beside `path` in a crash (their writer is gone, or they are old). */
export function removeStaleTemps(path: string): void {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const file = join(dir, name);
    try {
      const st = lstatSync(file);
      if (!st.isFile()) continue;
      if (processAlive(Number(m[1])) && Date.now() - st.mtimeMs < STALE_TEMP_MS) continue;
      rmSync(file, { force: true });
    } catch {
      // Another process may have taken it first; nothing to do.
    }
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A fresh temp name beside `path`, in the pattern removeStaleTemps recognises. */
export function tempPathFor(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * Replaces `path` atomically: a temp file beside it is written, flushed to disk, then renamed over
 * the target, so a crash leaves either the old file or the new one, never half of either. The temp
 * file is removed if anything fails; the error is rethrown for the caller to explain. The target
 * is checked first (checkOutputFile), and stale temps of earlier crashed writes are removed.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o644): void {
  checkOutputFile(path);
  removeStaleTemps(path);
  const tmp = tempPathFor(path);
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Moves a finished temp file over `path` once the target is checked again (it may have changed meanwhile). */
export function replaceWith(tmp: string, path: string): void {
  try {
    checkOutputFile(path);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
