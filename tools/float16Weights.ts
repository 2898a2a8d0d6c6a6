/**
 * `node dist/tools/float16Weights.js IN.onnx OUT.onnx`: stores a verifier member's weights in half
 * precision (train/float16.ts) and reports what that changes: the largest probability difference
 * and the largest change of the member's log-odds of a digit on the FSDD test split, whole words
 * and their first 300 ms. OUT may be IN (written atomically).
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../src/atomicWrite';
import { utteranceFeatures } from '../src/features/logmel';
import { Classifier } from '../src/model/classifier';
import { logOdds } from '../src/stream/verifier';
import { withFloat16Weights } from '../src/train/float16';
import { loadFsdd } from '../test/fixtures/corpus';
import { FSDD_DIR as DATA } from '../test/fixtures/fsddDir';

async function main(): Promise<void> {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) throw new Error('usage: node dist/tools/float16Weights.js IN.onnx OUT.onnx');
  const before = await Classifier.load(input, undefined, 'any');
  const original = readFileSync(input);
  const bytes = withFloat16Weights(original);
  const inputs = loadFsdd(DATA, 'test').flatMap((c) => [utteranceFeatures(c.samples), utteranceFeatures(c.samples.subarray(0, 2400))]);
  const a = await before.classifyBatch(inputs);
  await before.dispose();
  writeFileAtomic(output, bytes);
  const after = await Classifier.load(output, undefined, 'any');
  const b = await after.classifyBatch(inputs);
  await after.dispose();
  let maxDp = 0;
  let maxDlogit = 0;
  a.forEach((x, i) => {
    x.probs.forEach((p, k) => {
      maxDp = Math.max(maxDp, Math.abs(p - b[i].probs[k]));
      maxDlogit = Math.max(maxDlogit, Math.abs(logOdds(p) - logOdds(b[i].probs[k])));
    });
  });
  console.log(
    `${output}: ${bytes.length} bytes (was ${original.length}); on ${inputs.length} FSDD test inputs: max |Δp| ${maxDp.toExponential(2)}, max |Δ log-odds| ${maxDlogit.toExponential(2)}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
