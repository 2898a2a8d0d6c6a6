/**
 * `npm run bench:loso`: leave-one-speaker-out — for each FSDD speaker, train from scratch on the
 * other five (and, as the shipped model, the synthetic voices of `corpus`) and test on all of
 * that speaker's recordings. Writes models/loso.json, merged per speaker with what is there, so
 * folds can be run one at a time (or in two processes: each write re-reads the file). Usage:
 * node dist/bench/loso.js [--epochs N] [--speakers a,b] [--variants N] [--no-corpus]
 * [--spec-augment] [--keep DIR] (--keep leaves each fold's model in DIR/SPEAKER/, for bench:enroll --loso).
 * Defaults: 25 epochs, every FSDD speaker, 3 variants, with the corpus. `--help` lists the options;
 * a bad value or an unknown option stops with `error [CODE]: …` and exit 2 before any training.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../src/atomicWrite';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { train } from '../src/train/train';
import { loadClips } from '../src/train/dataset';
import { buildCorpus, DEFAULT_CORPUS, defaultCorpusDir } from '../src/train/corpus';
import { TRAINING_FOLD } from '../src/train/folds';
import { FSDD_DIR as DATA } from '../test/fixtures/fsddDir';
import { benchCommand, intArg, listArg, parseBench, pathArg } from './args';

interface Options {
  epochs: number;
  speakers?: string[];
  variants: number;
  /** False with --no-corpus. */
  corpus: boolean;
  specAugment?: boolean;
  keep?: string;
}

const { opts } = parseBench<Options>(
  benchCommand('loso', 'leave-one-speaker-out training and test on FSDD; writes models/loso.json (npm run bench:loso)')
    .option('--epochs <n>', 'epochs per fold', intArg('--epochs', 1, 1000), 25)
    .option('--speakers <a,b>', 'the speakers to leave out, one fold each (default: every FSDD speaker)', listArg('--speakers'))
    .option('--variants <n>', 'augmented copies of every clip', intArg('--variants', 0, 100), 3)
    .option('--no-corpus', 'FSDD only, without the synthetic corpus (and gsc-digits)')
    .option('--spec-augment', 'SpecAugment masking')
    .option('--keep <dir>', "leave each fold's model in DIR/SPEAKER/ (for bench:enroll --loso)", pathArg('--keep')),
);

async function main() {
  const { epochs, variants } = opts;
  const speakers = opts.speakers ?? [...new Set(loadClips(DATA).clips.map((c) => c.speaker))].sort();
  const extra = opts.corpus ? [(await buildCorpus({ ...DEFAULT_CORPUS, out: defaultCorpusDir() })).train] : [];
  const out = resolve(__dirname, '..', '..', 'models', 'loso.json');
  type Row = {
    speaker: string;
    accuracy: number;
    n: number;
    recipe?: string;
    macroF1?: number;
    bestEpoch?: number;
    epochs?: number;
    minutes?: number;
  };
  const realDir = resolve(DATA, '..', '..', 'gsc-digits', 'recordings');
  const real = extra.length && existsSync(realDir) ? { dir: realDir, fold: TRAINING_FOLD, repeat: 4 } : undefined;
  const specAugment = opts.specAugment === true;
  const keep = opts.keep;
  const recipe = `${epochs} epochs, ${variants} augmented variants${specAugment ? ', SpecAugment' : ''}${extra.length ? `, FSDD + synthetic corpus${real ? ' + gsc-digits fold 0' : ''}` : ', FSDD only'}`;
  for (const speaker of speakers) {
    const dir = keep ? join(keep, speaker) : mkdtempSync(join(tmpdir(), `dd-loso-${speaker}-`));
    try {
      const r = await train({
        data: DATA,
        out: dir,
        epochs,
        batchSize: 32,
        augment: true,
        seed: 1,
        loso: speaker,
        extra,
        variants,
        real,
        specAugment,
      });
      const n = r.best.confusion.flat().reduce((a, b) => a + b, 0);
      const results: Row[] = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Row[]).filter((x) => x.recipe === recipe) : [];
      const i = results.findIndex((x) => x.speaker === speaker);
      if (i >= 0) results.splice(i, 1);
      results.push({
        recipe,
        speaker,
        n,
        accuracy: r.best.testAccuracy,
        macroF1: r.best.macroF1,
        bestEpoch: r.best.epoch,
        epochs,
        minutes: r.totalSeconds / 60,
      });
      console.log(
        `${speaker}: accuracy ${(r.best.testAccuracy * 100).toFixed(2)} %, macro-F1 ${r.best.macroF1.toFixed(4)} (n=${n}, ${(r.totalSeconds / 60).toFixed(1)} min)`,
      );
      writeFileAtomic(out, JSON.stringify(results, null, 2) + '\n');
    } finally {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
