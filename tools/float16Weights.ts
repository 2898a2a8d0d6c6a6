/**
 * `node dist/tools/float16Weights.js IN.onnx OUT.onnx`: stores a model's weights in half precision
 * (train/float16.ts) and reports what that changes on the FSDD test split. For a verifier member or
 * word classifier: the largest probability difference and the largest change of its log-odds of a
 * digit, whole words and their first 300 ms. For a digit-string model (a finished run that was not
 * trained with --half): the largest difference of its per-step probabilities over whole words. OUT
 * may be IN (written atomically).
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../src/atomicWrite';
import { logMelFrames, utteranceFeatures } from '../src/features/logmel';
import { Classifier } from '../src/model/classifier';
import { SEQUENCE_META_KEY, SequenceModel } from '../src/model/sequenceModel';
import { onnx } from 'onnx-proto';
import { logOdds } from '../src/stream/verifier';
import { withFloat16Weights } from '../src/train/float16';
import { loadFsdd } from '../test/fixtures/corpus';
import { FSDD_DIR as DATA } from '../test/fixtures/fsddDir';
import { reportFailure } from '../src/cli/failure';
import { benchCommand, parseBench, pathArg, refuse } from '../bench/args';

let DEBUG = false;

async function main(): Promise<void> {
  const { opts, args } = parseBench<{ debug?: boolean }>(
    benchCommand('float16Weights', "a model's weights stored in half precision, checked against the original")
      .argument('<in>', 'the model (.onnx)', pathArg('IN'))
      .argument('<out>', 'the half-precision copy to write (.onnx)', pathArg('OUT'))
      .option('--debug', 'print the stack trace of a failure'),
  );
  DEBUG = opts.debug === true;
  const [input, output] = args;
  if (!existsSync(input)) refuse(`IN: no model file at ${input}`, 'CLI_BAD_OPTION');
  const original = readFileSync(input);
  const bytes = withFloat16Weights(original);
  if (onnx.ModelProto.decode(original).metadataProps.some((p) => p.key === SEQUENCE_META_KEY))
    return sequenceModel(input, output, original, bytes);
  const before = await Classifier.load(input, undefined, 'any');
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

async function sequenceModel(input: string, output: string, original: Uint8Array, bytes: Uint8Array): Promise<void> {
  const before = await SequenceModel.load(input);
  const { stride } = before.meta;
  const inputs = loadFsdd(DATA, 'test')
    .map((c) => logMelFrames(c.samples))
    .map(({ data, frames }) => ({ data, frames: frames - (frames % stride) }))
    .filter((x) => x.frames > 0);
  const a: Float32Array[] = [];
  for (const x of inputs) a.push(await before.probs(x.data, x.frames));
  await before.dispose();
  writeFileAtomic(output, bytes);
  const after = await SequenceModel.load(output);
  let maxDp = 0;
  try {
    for (let i = 0; i < inputs.length; i++) {
      const b = await after.probs(inputs[i].data, inputs[i].frames);
      b.forEach((p, k) => (maxDp = Math.max(maxDp, Math.abs(p - a[i][k]))));
    }
  } finally {
    await after.dispose();
  }
  console.log(
    `${output}: ${bytes.length} bytes (was ${original.length}); on ${inputs.length} FSDD test words: max |Δp| per step ${maxDp.toExponential(2)}`,
  );
}

main().catch((err) => reportFailure(err, DEBUG));
