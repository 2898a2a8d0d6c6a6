import { DatasetError } from '../errors';
import type { Skipped } from './dataset';

/**
 * Files labelled 10 ("not a digit") make an eleven-class verifier, never the digit model: training
 * on them is refused unless asked for with --labels 11, rather than silently changing the model.
 */
export function refuseOtherLabel(dir: string, skipped: Skipped): void {
  if (!skipped.otherLabel) return;
  const first = skipped.examples.find((e) => /^10_/.test(e)) ?? '10_….wav';
  throw new DatasetError(
    'DATASET_LABEL_10',
    `${dir.slice(0, 200)}: ${skipped.otherLabel} file(s) labelled 10 ("not a digit", e.g. ${first}); pass --labels 11 to train an eleven-class verifier, or move them out to train the digit model`,
  );
}
