import { Command, Option } from 'commander';
import { intArg, numberArg, pathArg, textArg } from './args';
import { OptionError } from '../errors';
import { SingleBar, Presets } from 'cli-progress';
import { train } from '../train/train';
import { RealFolds, TRAINING_FOLD } from '../train/folds';
import { buildCorpus, DEFAULT_CORPUS, defaultCorpusDir } from '../train/corpus';

interface TrainCliOptions {
  data: string;
  out: string;
  epochs: number;
  batchSize: number;
  augment: '0' | '1';
  seed: number;
  loso?: string;
  extra?: string[];
  real?: string;
  realRepeat: number;
  realHoldDev?: 'verifier' | 'recipe' | 'all';
  realFold: '0' | '1' | 'both';
  vtlp: number;
  swaFrom: number;
  width: number;
  specAugment?: boolean;
  noisy?: boolean;
  protoLoss: number;
  variants: number;
  limit?: number;
  labels: '10' | '11';
  role?: 'digits' | 'verifier';
  corpus?: string | true;
  init?: string;
  lr?: number;
  distill?: number;
}

function realFold(v: '0' | '1' | 'both'): RealFolds {
  return v === 'both' ? 'both' : v === '1' ? 1 : 0;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train the digit CNN on a folder of {digit}_{speaker}_{take}.wav and export ONNX')
    .requiredOption('--data <dir>', 'dataset folder (FSDD layout)', pathArg('--data'))
    .requiredOption('--out <dir>', 'output folder for digits.onnx and training.json', pathArg('--out'))
    .option('--epochs <n>', 'epochs (1–1000)', intArg('--epochs', 1, 1000), 40)
    .option('--batch-size <n>', 'batch size (1–4096)', intArg('--batch-size', 1, 4096), 32)
    .addOption(
      new Option('--augment <0|1>', 'time shift, noise, gain, speed and prefix-crop augmentation').choices(['0', '1']).default('1'),
    )
    .option('--seed <n>', 'random seed (a seed reproduces the run)', intArg('--seed', 0, 2 ** 32 - 1), 1)
    .option('--loso <speaker>', 'leave this speaker out: train on the others, test on it', textArg('--loso'))
    .option('--extra <dirs>', 'comma-separated folders of more training voices (e.g. the corpus of `corpus`)', (v) =>
      v.split(',').filter(Boolean).map(pathArg('--extra')),
    )
    .option(
      '--real <dir>',
      'many-speaker real recordings (gsc-digits): the speakers of --real-fold train, the other fold is never read',
      pathArg('--real'),
    )
    .addOption(
      new Option(
        '--real-hold-dev [which]',
        'leave dev speakers of the real training fold out: verifier (a quarter, to choose verifier members), recipe (half, for bench:recipe) or all (both)',
      )
        .choices(['verifier', 'recipe', 'all'])
        .preset('verifier'),
    )
    .option(
      '--vtlp <x>',
      'vocal-tract-length perturbation of augmented variants: warp in 1 ± x (0–0.2; 0 = off)',
      numberArg('--vtlp', { min: 0, max: 0.2 }),
      0,
    )
    .option(
      '--swa-from <epoch>',
      'average the weights of every epoch from this one on and export the average (stochastic weight averaging; 0 = off)',
      intArg('--swa-from', 0, 1000),
      0,
    )
    .option('--spec-augment', 'SpecAugment-style band and time masks every epoch')
    .option('--noisy', 'noise on 75 % of augmented variants (not 60 %), SNR uniform in 0–30 dB (not weighted to high SNRs)')
    .option(
      '--proto-loss <w>',
      'weight of a prototypical loss on the embedding beside the cross-entropy (0–10; 0 = off): digits cluster across voices, as enrollment prototypes need',
      numberArg('--proto-loss', { min: 0, max: 10 }),
      0,
    )
    .addOption(
      new Option(
        '--real-fold <fold>',
        'which speakers of --real train: fold 0 or 1 (the other is its speaker-disjoint measure) or both (measured by 2-fold cross-validation)',
      )
        .choices(['0', '1', 'both'])
        .default(String(TRAINING_FOLD)),
    )
    .option(
      '--width <x>',
      'channel multiplier of every convolution (0.25–4; 1 = the shipped network)',
      numberArg('--width', { min: 0.25, max: 4 }),
      1,
    )
    .option('--real-repeat <n>', 'copies of each real clip (each augmented differently)', intArg('--real-repeat', 1, 20), 4)
    .option('--variants <n>', 'augmented variants per training clip (0–100)', intArg('--variants', 0, 100), 2)
    .option('--limit <n>', 'use at most N training files (smoke runs)', intArg('--limit', 1, 1e9))
    .addOption(
      new Option(
        '--labels <n>',
        '10: digits only (files labelled 10 are refused); 11: label 10 is "not a digit" (an eleven-class verifier)',
      )
        .choices(['10', '11'])
        .default('10'),
    )
    .addOption(
      new Option('--role <role>', 'recorded in the model: digits (the classifier) or verifier (a digit/non-digit member)').choices([
        'digits',
        'verifier',
      ]),
    )
    .option(
      '--init <file>',
      'start from this exported model (same network and --labels; its normalization is kept) instead of random weights',
      pathArg('--init'),
    )
    .option(
      '--distill <w>',
      "with --init: weight (0–10) of a loss toward the started model's outputs where it is right, so that the run does not forget them",
      numberArg('--distill', { min: 0, max: 10 }),
    )
    .option('--lr <x>', 'peak learning rate (1e-5–0.1; default 3e-3)', numberArg('--lr', { min: 1e-5, max: 0.1 }))
    .option('--corpus [dir]', 'also train on the synthetic voices of `corpus` (built first if missing; default folder: the cache)')
    .action(async (o: TrainCliOptions) => {
      if (o.role === 'digits' && o.labels === '11') {
        throw new OptionError('CLI_CONFLICTING_OPTIONS', '--role digits cannot go with --labels 11: an eleven-class model is a verifier');
      }
      if (o.distill !== undefined && !o.init) {
        throw new OptionError('CLI_CONFLICTING_OPTIONS', '--distill needs --init: it keeps the outputs of the model a run starts from');
      }
      if (o.swaFrom > o.epochs) {
        throw new OptionError('CLI_BAD_OPTION', `--swa-from ${o.swaFrom}: must be at most --epochs (${o.epochs}), or 0 for off`);
      }
      const extra: string[] = [...(o.extra ?? [])];
      if (o.corpus) {
        const built = await buildCorpus({
          ...DEFAULT_CORPUS,
          out: o.corpus === true ? defaultCorpusDir() : o.corpus,
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
          real: o.real ? { dir: o.real, fold: realFold(o.realFold), repeat: o.realRepeat, holdDev: o.realHoldDev } : undefined,
          vtlp: o.vtlp,
          swaFrom: o.swaFrom,
          width: o.width,
          specAugment: o.specAugment ?? false,
          noisy: o.noisy ?? false,
          ...(o.protoLoss > 0 ? { protoLoss: o.protoLoss } : {}),
          variants: o.variants,
          labels: o.labels === '11' ? 11 : 10,
          role: o.role,
          ...(o.init ? { init: o.init } : {}),
          ...(o.lr !== undefined ? { learningRate: o.lr } : {}),
          ...(o.distill ? { distill: o.distill } : {}),
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
