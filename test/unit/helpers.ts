import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Test bundles run from out/test/unit/, three levels below the repository root. */
export const REPO = resolve(__dirname, '..', '..', '..');
/** FSDD lives beside the repo (../shared/fsdd/recordings); tests read it in place. */
export const FSDD = process.env.DD_FSDD ?? resolve(REPO, '..', 'shared', 'fsdd', 'recordings');

export function fsddFile(name: string): string {
  const p = join(FSDD, name);
  if (!existsSync(p)) throw new Error(`FSDD recording missing: ${p} (tests expect ../shared/fsdd beside the repo, or DD_FSDD)`);
  return p;
}
