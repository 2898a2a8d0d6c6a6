import { Command } from 'commander';
import { OptionError } from '../errors';
import { buildCorpus, DEFAULT_CORPUS, defaultCorpusDir } from '../train/corpus';
import { intArg } from './args';

interface CorpusCliOptions {
  out?: string;
  namedVariants?: boolean;
  unseenEngines?: boolean;
  seed: number;
  espeakTakes: number;
  otherTakes: number;
}

export function registerCorpus(program: Command): void {
  program
    .command('corpus')
    .description('synthesise the TTS part of the training corpus (espeak-ng, flite, festival) into a cache folder')
    .option('--out <dir>', `corpus folder (train/ and heldout/ inside; default ${defaultCorpusDir()}, or …-named with --named-variants)`)
    .option(
      '--named-variants',
      "espeak-ng's 54 named variants only (no held-out voices): more training voices for `train --extra DIR/train`",
    )
    .option(
      '--unseen-engines',
      'measurement only: voices of synthesisers no model trains on (pico, MBROLA, RHVoice; all held out; see scripts/ensure-system-deps.js --unseen-engines)',
    )
    .option('--seed <n>', 'random seed (pitches, rates, "oh" for zero)', intArg('--seed', 0, 2 ** 32 - 1), DEFAULT_CORPUS.seed)
    .option('--espeak-takes <n>', 'takes per digit per espeak-ng voice', intArg('--espeak-takes', 1, 1000), DEFAULT_CORPUS.espeakTakes)
    .option('--other-takes <n>', 'takes per digit per flite / festival voice', intArg('--other-takes', 1, 1000), DEFAULT_CORPUS.otherTakes)
    .action(async (o: CorpusCliOptions) => {
      if (o.namedVariants && o.unseenEngines)
        throw new OptionError('CLI_CONFLICTING_OPTIONS', '--named-variants and --unseen-engines are two different corpora: give one');
      const voices = o.namedVariants ? 'named-variants' : o.unseenEngines ? 'unseen-engines' : 'default';
      const r = await buildCorpus({
        out: o.out ?? defaultCorpusDir(voices),
        voices,
        seed: o.seed,
        espeakTakes: o.espeakTakes,
        otherTakes: o.otherTakes,
        onLog: (l) => console.log(l),
      });
      console.log(`${r.reused ? 'reused' : 'built'} ${r.files} clips: training voices ${r.train}, held-out voices ${r.heldout}`);
    });
}
