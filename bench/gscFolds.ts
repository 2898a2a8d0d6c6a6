/**
 * Which gsc-digits speakers a classifier may be measured on. A model records the real folds it
 * trained on (training.real.fold); one trained on both (`train --real-fold both`; the shipped
 * model trains on fold 0) is measured by 2-fold cross-validation instead: the same recipe trained on each fold alone
 * (`npm run train:cv`), each measured on the fold it never heard, pooled.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readMeta } from '../src/model/meta';
import { Fold, RealFolds, unheardFold } from '../src/train/folds';

export interface GscMeasure {
  /** The classifier to measure with. */
  model: string;
  /** The gsc-digits fold it never trained on. */
  fold: Fold;
}

/** Where `npm run train:cv` leaves its fold models (fold0/digits.onnx, fold1/digits.onnx). */
export function cvDir(): string {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'digit-dictation', 'cv');
}

/** The real folds a model file trained on (null when it trained on none). */
export function trainedFolds(model: string): RealFolds | null {
  const meta = readMeta(readFileSync(model), model);
  const real = meta.training.real as { fold?: RealFolds } | null | undefined;
  return real && real.fold !== undefined ? real.fold : null;
}

/**
 * The (model, unheard fold) pairs that measure `model` on gsc-digits: itself on the fold it never
 * heard, or, when it heard both, the cross-validation models found in `dir`. `problems` says why a
 * pair is missing, so a bench prints it instead of silently reporting fewer speakers.
 */
export function gscMeasures(model: string, dir = cvDir()): { measures: GscMeasure[]; crossValidated: boolean; problems: string[] } {
  const own = unheardFold(trainedFolds(model));
  if (own !== undefined) return { measures: [{ model, fold: own }], crossValidated: false, problems: [] };
  const measures: GscMeasure[] = [];
  const problems: string[] = [];
  for (const trained of [0, 1] as const) {
    const path = join(dir, `fold${trained}`, 'digits.onnx');
    if (!existsSync(path)) {
      problems.push(`${path} missing (npm run train:cv)`);
      continue;
    }
    const folds = trainedFolds(path);
    if (folds !== trained) {
      problems.push(`${path} trained on gsc fold(s) ${String(folds)}, not fold ${trained}: refused`);
      continue;
    }
    measures.push({ model: path, fold: unheardFold(trained)! });
  }
  return { measures, crossValidated: true, problems };
}
