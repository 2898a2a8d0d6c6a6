import { Command, InvalidArgumentError, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { train } from '../train/train';
import { buildCorpus, DEFAULT_CORPUS, defaultCorpusDir } from '../train/corpus';

export function intArg(name: string, min = 0) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got "${v}"`);
    return n;
  };
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train the digit CNN on a folder of {digit}_{speaker}_{take}.wav and export ONNX')
    .requiredOption('--data <dir>', 'dataset folder (FSDD layout)')
    .requiredOption('--out <dir>', 'output folder for digits.onnx and training.json')
    .option('--epochs <n>', 'epochs', intArg('--epochs', 1), 40)
    .option('--batch-size <n>', 'batch size', intArg('--batch-size', 1), 32)
    .addOption(
      new Option('--augment <0|1>', 'time shift, noise, gain, speed and prefix-crop augmentation').choices(['0', '1']).default('1'),
    )
    .option('--seed <n>', 'random seed (a seed reproduces the run)', intArg('--seed'), 1)
    .option('--loso <speaker>', 'leave this speaker out: train on the others, test on it')
    .option('--extra <dirs>', 'comma-separated folders of more training voices (e.g. the corpus of `corpus`)', (v) =>
      v.split(',').filter(Boolean),
    )
    .option('--corpus [dir]', 'also train on the synthetic voices of `corpus` (built first if missing; default folder: the cache)')
    .option('--variants <n>', 'augmented variants per training clip', intArg('--variants', 0), 2)
    .option('--limit <n>', 'use at most N training files (smoke runs)', intArg('--limit', 1))
    .action(async (o) => {
      const extra: string[] = [...(o.extra ?? [])];
      if (o.corpus) {
        const built = await buildCorpus({
          ...DEFAULT_CORPUS,
          out: o.corpus === true ? defaultCorpusDir() : (o.corpus as string),
          onLog: (l) => console.log(l),
        });
        console.log(`corpus: ${built.reused ? 'reusing' : 'built'} ${built.files} clips in ${built.train}`);
        extra.push(built.train);
      }
      const bar = new SingleBar(
        { format: '  {stage} [{bar}] {value}/{total}', hideCursor: true, clearOnComplete: true, stream: process.stderr },
        Presets.shades_classic,
      );
      let barEpoch = -1;
      const result = await train(
        {
          data: o.data,
          out: o.out,
          epochs: o.epochs,
          batchSize: o.batchSize,
          augment: o.augment === '1',
          seed: o.seed,
          loso: o.loso,
          limit: o.limit,
          extra,
          variants: o.variants,
        },
        {
          onLog: (line) => {
            if (barEpoch >= 0) bar.stop();
            barEpoch = -1;
            console.log(line);
          },
          onProgress: (epoch, done, total) => {
            if (!process.stderr.isTTY) return;
            if (barEpoch !== epoch) {
              bar.start(total, 0, { stage: epoch === 0 ? 'features' : `epoch ${epoch}` });
              barEpoch = epoch;
            }
            bar.update(done);
          },
        },
      );
      if (barEpoch >= 0) bar.stop();
      console.log(
        `best epoch ${result.best.epoch}: test accuracy ${(result.best.testAccuracy * 100).toFixed(2)}%, macro-F1 ${result.best.macroF1.toFixed(4)}; model ${result.modelPath}`,
      );
    });
}
