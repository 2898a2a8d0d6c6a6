/**
 * The string head (enroll/stringAdapt.ts) with the real string model, on FSDD test takes (never
 * trained on). The model knows jackson's voice, so a voice it hears weakly is made from it: its
 * digit probabilities cut twentyfold before the blank takes the rest, so that most digits
 * never beat the blank — the deletions a voice the model does not know gets (bench:enroll).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { logMelFrames } from '../../src/features/logmel';
import { bundledSequenceModelPath, SequenceModel } from '../../src/model/sequenceModel';
import { stringHeadProbs } from '../../src/model/stringHead';
import { adaptStrings, DEFAULT_STRING_ADAPT_OPTIONS, StringModelLike } from '../../src/enroll/stringAdapt';
import { greedyDecode } from '../../src/model/ctcLoss';
import { mulberry32 } from '../../src/train/rng';
import { spliceDigits } from '../../src/train/strings';
import { alignDigits } from '../../src/shared/stringScore';
import { loadFsdd } from '../fixtures/corpus';
import { FSDD } from './helpers';

const skip = !existsSync(bundledSequenceModelPath()) && 'string model not trained yet';

/** The real model, hearing every digit 20 times less sure (the blank takes the difference). */
function weakened(model: SequenceModel): StringModelLike {
  const C = model.meta.labels.length;
  return {
    meta: model.meta,
    probs: async (features, frames) => {
      const p = Float32Array.from(await model.probs(features, frames));
      for (let t = 0; t < p.length / C; t++) {
        let taken = 0;
        for (let k = 0; k < C; k++)
          if (k !== model.meta.blank) {
            taken += p[t * C + k] * 0.95;
            p[t * C + k] *= 0.05;
          }
        p[t * C + model.meta.blank] += taken;
      }
      return p;
    },
  };
}

async function decode(model: StringModelLike, samples: Float32Array, head?: Parameters<typeof stringHeadProbs>[0]): Promise<number[]> {
  const { data, frames } = logMelFrames(samples);
  const C = model.meta.labels.length;
  const usable = frames - (frames % model.meta.stride);
  let p = await model.probs(data, usable);
  if (head) p = stringHeadProbs(head, p, C);
  return greedyDecode(p, p.length / C, C, model.meta.blank);
}

test('an identity head leaves the string model as it is', () => {
  const C = 11;
  const weights = new Float32Array(C * C);
  for (let k = 0; k < C; k++) weights[k * C + k] = 1;
  const p = Float32Array.from({ length: 3 * C }, (_, i) => 0.01 + ((i * 7) % 11) / 10);
  for (let t = 0; t < 3; t++) {
    const row = p.subarray(t * C, (t + 1) * C);
    const s = row.reduce((a, b) => a + b, 0);
    row.forEach((v, k) => (row[k] = v / s));
  }
  const out = stringHeadProbs({ modelId: 'm', weights, bias: new Float32Array(C) }, p, C);
  for (let i = 0; i < p.length; i++) assert.ok(Math.abs(out[i] - p[i]) < 1e-6, `${i}: ${out[i]} vs ${p[i]}`);
});

test(
  "one take per digit teaches the string head a voice the model hears weakly, and it hears that voice's other takes",
  { skip },
  async () => {
    const model = await SequenceModel.load();
    try {
      const weak = weakened(model);
      const test = loadFsdd(FSDD, 'test').filter((c) => c.speaker === 'jackson');
      const takes = test.filter((c) => c.take === 0).map((c) => ({ digit: c.digit, samples: c.samples }));
      const a = await adaptStrings(weak, takes);
      assert.equal(a.head.modelId, model.meta.modelId);
      assert.ok(a.errorsBefore > a.digits / 3, `the weakened model misses only ${a.errorsBefore} of ${a.digits} digits`);
      assert.ok(a.errorsAfter < a.errorsBefore / 3, `spliced-take errors ${a.errorsBefore} -> ${a.errorsAfter}`);
      // Diagonal by default: no class learns from another's probability.
      const C = 11;
      if (DEFAULT_STRING_ADAPT_OPTIONS.diagonal)
        for (let k = 0; k < C; k++) for (let j = 0; j < C; j++) if (j !== k) assert.equal(a.head.weights[k * C + j], 0);
      // Takes 1-4 were not among the enrollment's: strings of them, decoded with and without the head.
      const rng = mulberry32(9);
      let without = 0;
      let withHead = 0;
      let n = 0;
      for (const take of [1, 2, 3, 4]) {
        const digits = [take, (take * 3 + 1) % 10, (take * 7 + 5) % 10, (take + 6) % 10];
        const audio = spliceDigits(
          digits.map((d) => ({ digit: d, samples: test.find((c) => c.take === take && c.digit === d)!.samples })),
          rng,
          { gapMs: [0, 60], floorDb: -70 },
        );
        const right = (heard: number[]) => {
          const a = alignDigits(digits, heard);
          return digits.length - a.sub - a.del - a.ins;
        };
        without += right(await decode(weak, audio.samples));
        withHead += right(await decode(weak, audio.samples, a.head));
        n += digits.length;
      }
      assert.ok(withHead >= without + n / 4 && withHead >= 0.75 * n, `digit accuracy (N − S − D − I): ${without} -> ${withHead} of ${n}`);
    } finally {
      await model.dispose();
    }
  },
);
