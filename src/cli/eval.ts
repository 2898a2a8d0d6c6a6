import { Command, Option } from 'commander';
import { evaluate } from '../train/evaluate';
import { describeSkipped, SplitName } from '../train/dataset';
import { formatConfusion } from '../train/metrics';
import { pathArg } from './args';

interface EvalOptions {
  data: string;
  split: SplitName;
  model?: string;
  json?: boolean;
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('evaluate a model: accuracy, macro-F1, per-class precision/recall, confusion matrix')
    .requiredOption('--data <dir>', 'dataset folder (FSDD layout)', pathArg('--data'))
    .addOption(
      new Option('--split <split>', 'takes 0–4 (test), 5–49 (train) or every file (all)').choices(['test', 'train', 'all']).default('test'),
    )
    .option('--model <file>', 'ONNX model (default: the shipped model)', pathArg('--model'))
    .option('--json', 'print one JSON object {n, accuracy, macroF1, confusion, …}')
    .action(async (o: EvalOptions) => {
      const r = await evaluate(o.data, o.split, o.model);
      if (o.json) {
        console.log(
          JSON.stringify({
            n: r.n,
            accuracy: r.accuracy,
            macroF1: r.macroF1,
            confusion: r.confusion,
            perClass: r.perClass,
            skipped: r.skipped,
            modelId: r.modelId,
          }),
        );
        return;
      }
      const skipped = describeSkipped({ ...r.skipped, reasons: r.skipped.reasons ?? [] });
      if (skipped) console.error(skipped);
      console.log(
        `${o.split} split: n=${r.n}  accuracy ${(r.accuracy * 100).toFixed(2)}%  macro-F1 ${r.macroF1.toFixed(4)}  (model ${r.modelId})`,
      );
      console.log('  digit  precision  recall   support');
      for (const p of r.perClass)
        console.log(
          `  ${String(p.digit).padStart(5)}  ${p.precision.toFixed(4).padStart(9)}  ${p.recall.toFixed(4).padStart(6)}  ${String(p.support).padStart(8)}`,
        );
      console.log(formatConfusion(r.confusion));
    });
}
