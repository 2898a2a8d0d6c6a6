#!/usr/bin/env node
/** `node dist/cli.js <command>`: the same modules the extension uses, without the editor. */
import { runInBoundedWorker } from './cli/boundedWorker';

// Loaded only where the program runs: a thread that hands `transcribe` to its worker stays small.
if (
  !runInBoundedWorker(
    process.argv.filter((a) => a !== '--debug'),
    process.argv.slice(2),
  )
) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./cli/main') as typeof import('./cli/main')).runCli();
}
