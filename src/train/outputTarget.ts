/**
 * Where training writes, checked before the first epoch, and the rule that a trained model
 * replaces the old one only if it is sound: finite weights and an export that reproduces the
 * trainer's own predictions. Until then the new model lives in a temp file beside the target.
 */
import { closeSync, existsSync, fsyncSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checkOutputFile, checkWritableFolder, removeStaleTemps, replaceWith, tempPathFor } from '../atomicWrite';
import { OutputTargetError, TrainingError } from '../errors';
import { FEATURE_CONFIG } from '../features/config';
import { Classifier } from '../model/classifier';
import { readMeta } from '../model/meta';

export const MODEL_FILE = 'digits.onnx';
export const REPORT_FILE = 'training.json';
/**
 * Largest |ONNX − trainer| probability accepted. Exports measure 4e-7 (models/training.json);
 * anything near 1e-3 is a wrong graph, not rounding.
 */
export const MAX_EXPORT_DIFF = 1e-3;

/**
 * `out` is a folder (or a new path below a writable folder), and the files training will replace
 * in it are regular files or absent. Throws OutputTargetError before any work is done.
 */
export function checkTrainOutput(out: string): { modelPath: string; reportPath: string } {
  let existing = resolve(out);
  if (existsSync(existing)) {
    if (!statSync(existing).isDirectory()) {
      throw new OutputTargetError(
        'OUTPUT_NOT_A_FOLDER',
        `--out ${out.slice(0, 200)}: is a file, not a folder; training writes ${MODEL_FILE} and ${REPORT_FILE} into a folder`,
      );
    }
    checkWritableFolder(existing);
    checkOutputFile(join(out, MODEL_FILE));
    checkOutputFile(join(out, REPORT_FILE));
  } else {
    // The folder is made at the end; what must be writable now is its nearest existing ancestor.
    while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
    if (!statSync(existing).isDirectory()) {
      throw new OutputTargetError('OUTPUT_NOT_A_FOLDER', `--out ${out.slice(0, 200)}: ${existing} is a file, so the folder cannot be made`);
    }
    checkWritableFolder(existing);
  }
  return { modelPath: join(out, MODEL_FILE), reportPath: join(out, REPORT_FILE) };
}

/**
 * Writes the exported model to a temp file beside `modelPath`, loads it with onnxruntime and
 * compares its probabilities on `inputs` with the trainer's `reference`. Only a model with finite
 * weights (readMeta refuses others) and a difference ≤ MAX_EXPORT_DIFF replaces `modelPath`;
 * otherwise the old model stays and TrainingError says why. Returns the measured difference.
 */
export async function installCheckedModel(
  modelPath: string,
  bytes: Uint8Array,
  inputs: Float32Array[],
  reference: Float32Array[],
): Promise<number> {
  try {
    readMeta(bytes, 'the trained model', FEATURE_CONFIG);
  } catch (err) {
    throw new TrainingError(
      'TRAINING_MODEL_BROKEN',
      `training produced a broken model (${(err as Error).message}); ${modelPath} was left as it was — check the data for damaged clips`,
      { cause: err },
    );
  }
  removeStaleTemps(modelPath);
  const tmp = tempPathFor(modelPath);
  let diff = 0;
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      writeFileSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    const onnxModel = await Classifier.load(tmp, FEATURE_CONFIG, 'any');
    try {
      const got = await onnxModel.classifyBatch(inputs);
      got.forEach((g, i) => g.probs.forEach((p, k) => (diff = Math.max(diff, Math.abs(p - reference[i][k])))));
    } finally {
      await onnxModel.dispose();
    }
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  // Written so that NaN fails.
  if (!(diff <= MAX_EXPORT_DIFF)) {
    rmSync(tmp, { force: true });
    throw new TrainingError(
      'TRAINING_EXPORT_MISMATCH',
      `the exported model disagrees with the trainer (max |Δp| = ${diff}); ${modelPath} was left as it was`,
    );
  }
  replaceWith(tmp, modelPath);
  return diff;
}
