import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Replaces `path` atomically: a temp file beside it is written, flushed to disk, then renamed over
 * the target, so a crash leaves either the old file or the new one, never half of either. The temp
 * file is removed if anything fails; the error is rethrown for the caller to explain.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o644): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, 'w', mode);
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
