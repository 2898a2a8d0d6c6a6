import { resolve } from 'node:path';

/** FSDD beside the repository (../shared/fsdd/recordings from dist/bench/), or DD_FSDD. */
export const FSDD_DIR = process.env.DD_FSDD ?? resolve(__dirname, '..', '..', '..', 'shared', 'fsdd', 'recordings');
