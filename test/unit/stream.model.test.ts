/** The engine with the real ONNX model on real FSDD streams (decibri File.buffer → VAD → decoder). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileSource } from '../../src/audio/source';
import { Clip, concatWithGaps, digitStream, espeak, loadFsdd, Stream } from '../fixtures/corpus';
import { BENCH_WORDS } from '../fixtures/nonDigitText';
import { bundledVerifierPath, bundledVerifierPaths, loadVerifier, Verifier } from '../../src/stream/verifier';
import type { DigitVerifier } from '../../src/model/types';
import { utteranceFeatures } from '../../src/features/logmel';
import { ModelLoadError } from '../../src/errors';
import { bundledModelPath, Classifier } from '../../src/model/classifier';
import { DictationEngine } from '../../src/stream/engine';
import { DEFAULT_ENGINE_OPTIONS, type EngineOptionsPatch } from '../../src/stream/options';
import type { Decision, Hypothesis, UtteranceEvent } from '../../src/stream/types';
import { FSDD } from './helpers';

const MODEL = bundledModelPath();
const skip = !existsSync(MODEL) && 'models/digits.onnx not trained yet';
const test_ = loadFsdd(FSDD, 'test');

async function transcribe(classifier: Classifier, stream: Stream, options: EngineOptionsPatch = {}) {
  const engine = new DictationEngine(classifier, options);
  const utterances: UtteranceEvent[] = [];
  const hypotheses: Hypothesis[] = [];
  const live: Decision[] = [];
  engine.on('utterance', (u) => utterances.push(u));
  engine.on('hypothesis', (h) => hypotheses.push(h));
  engine.on('decision', (d) => live.push(d));
  await engine.run(await fileSource(stream.samples, 8000));
  engine.dispose();
  return { decisions: utterances.flatMap((u) => (u.decision ? [u.decision] : [])), hypotheses, live };
}

const pick = (speaker: string, digits: number[], take = 0): Clip[] =>
  digits.map((d) => test_.find((c) => c.speaker === speaker && c.digit === d && c.take === take)!);

test('"four two seven" with short natural pauses gives 4, 2, 7, decided before each word ends', { skip }, async () => {
  const classifier = await Classifier.load(MODEL);
  try {
    for (const [i, speaker] of ['jackson', 'nicolas', 'george', 'yweweler'].entries()) {
      const stream = digitStream(pick(speaker, [4, 2, 7], 1), { seed: 20 + i, gapMs: [150, 300] });
      const { decisions, live } = await transcribe(classifier, stream);
      assert.deepEqual(
        decisions.map((d) => d.digit),
        [4, 2, 7],
        speaker,
      );
      assert.equal(live.length, 3, `${speaker}: exactly one decision event per word`);
      for (const [k, d] of decisions.entries()) {
        if (d.earlyExit)
          assert.ok(
            d.decisionMs < stream.words[k].endMs,
            `${speaker} ${d.digit}: early decision at ${d.decisionMs} after the word's end ${stream.words[k].endMs}`,
          );
        assert.ok(d.top[0][0] === d.digit && d.top.length === 3 && d.top[0][1] >= d.top[1][1]);
        assert.equal(d.saliency?.length, 40);
        assert.equal(d.why.length, 5);
      }
      assert.ok(
        decisions.some((d) => d.earlyExit),
        `${speaker}: no early exit at all`,
      );
    }
  } finally {
    await classifier.dispose();
  }
});

test('a 60-word stream is transcribed almost perfectly; hypotheses stream while words are spoken', { skip }, async () => {
  const classifier = await Classifier.load(MODEL);
  try {
    const clips = test_.filter((c) => c.take === 2);
    const stream = digitStream(clips, { seed: 31 });
    const { decisions, hypotheses } = await transcribe(classifier, stream, { explain: false });
    const right = stream.words.filter((w) =>
      decisions.some((d) => d.digit === w.digit && d.startMs < w.endMs && d.endMs > w.startMs),
    ).length;
    assert.ok(right >= 57, `${right}/60 right`);
    assert.ok(decisions.length <= 61, `${decisions.length} decisions for 60 words`);
    assert.ok(
      hypotheses.length >= decisions.length &&
        hypotheses.every((h) => h.probs.length === 10 && Math.abs(h.probs.reduce((a, b) => a + b) - 1) < 1e-3),
    );
  } finally {
    await classifier.dispose();
  }
});

test('modes proto and hybrid without prototypes fall back to the base model', { skip }, async () => {
  const classifier = await Classifier.load(MODEL);
  try {
    const stream = digitStream(pick('lucas', [1, 8]), { seed: 40 });
    const base = await transcribe(classifier, stream, { explain: false });
    for (const mode of ['proto', 'hybrid'] as const) {
      const r = await transcribe(classifier, stream, { mode, explain: false });
      assert.deepEqual(
        r.decisions.map((d) => [d.digit, d.mode]),
        base.decisions.map((d) => [d.digit, 'base']),
      );
    }
  } finally {
    await classifier.dispose();
  }
});

const VERIFIER = bundledVerifierPath();

test(
  'the shipped verifier keeps FSDD digits and vetoes most held-out non-digit words',
  { skip: (skip || (!existsSync(VERIFIER) && 'models/verifier.onnx absent')) as string | false },
  async (t) => {
    const classifier = await Classifier.load(MODEL);
    const verifier = (await loadVerifier())!;
    assert.equal(verifier.members.length, bundledVerifierPaths().length);
    try {
      // Words levelled like a gain-controlled microphone, so 20 dB SNR holds for every speaker.
      const stream = digitStream(
        test_.filter((c) => c.take === 4),
        { seed: 60, snrDb: 20, wordLevelDb: -26 },
      );
      const rightOf = (ds: Decision[]) =>
        stream.words.filter((w) => ds.some((d) => d.digit === w.digit && d.startMs < w.endMs && d.endMs > w.startMs)).length;
      const base = rightOf(await transcribeWith(classifier, stream.samples, undefined));
      const right = rightOf(await transcribeWith(classifier, stream.samples, verifier));
      t.diagnostic(`20 dB stream: ${base}/60 right without the verifier, ${right}/60 with it`);
      assert.ok(right >= base - 2, `${right}/60 digits kept with the verifier, ${base}/60 without`);
      const words = concatWithGaps(
        BENCH_WORDS.map((w) => espeak(w, 'en-gb', 160)),
        [400, 900],
        61,
      );
      const without = await transcribeWith(classifier, words, undefined);
      const vetoed = await transcribeWith(classifier, words, verifier);
      t.diagnostic(
        `${BENCH_WORDS.length} non-digit words: ${without.length} typed without the verifier, ${vetoed.length} with it; digits kept ${right}/60 at 20 dB`,
      );
      assert.ok(vetoed.length <= without.length / 2, `${vetoed.length} vs ${without.length}`);
    } finally {
      await verifier.dispose();
      await classifier.dispose();
    }
  },
);

test(
  'a verifier of several members sums their log-odds (product of experts), on real features',
  { skip: (!existsSync(VERIFIER) && 'models/verifier.onnx absent') as string | false },
  async () => {
    const [first, second] = bundledVerifierPaths();
    const one = await Verifier.load([first]);
    const twice = await Verifier.load([first, first]);
    const pair = await Verifier.load([first, second]);
    const other = await Verifier.load([second]);
    const logit = (p: number) => Math.log(p / (1 - p));
    try {
      assert.equal(pair.modelId, `${one.modelId}+${other.modelId}`);
      let compared = 0;
      // Whole words and their first 300 ms (what an early check hears), for outputs away from 0 and 1.
      // Asked about one digit (the one said), as the engine asks: the sum is per digit.
      for (const [f, digit] of test_
        .filter((c) => c.take === 1)
        .flatMap((c) => [
          [utteranceFeatures(c.samples), c.digit] as const,
          [utteranceFeatures(c.samples.subarray(0, 2400)), c.digit] as const,
        ])) {
        const [p1, p2, pp, pt] = await Promise.all([one, other, pair, twice].map((v) => v.digitProbability(f, digit)));
        // Float32 outputs: compare log-odds, away from saturation.
        if (Math.abs(logit(p1)) < 8 && Math.abs(logit(p2)) < 8) {
          assert.ok(Math.abs(logit(pp) - (logit(p1) + logit(p2))) < 1e-2, `${pp} from ${p1} and ${p2}`);
          assert.ok(Math.abs(logit(pt) - 2 * logit(p1)) < 1e-2, `${pt} from twice ${p1}`);
          compared++;
        }
      }
      assert.ok(compared >= 10, `only ${compared} of 120 inputs scored away from saturation`);
    } finally {
      await Promise.all([one, twice, pair, other].map((v) => v.dispose()));
    }
  },
);

test(
  'the joined verifier graph gives each member exactly what the member alone gives',
  { skip: (!existsSync(VERIFIER) && 'models/verifier.onnx absent') as string | false },
  async () => {
    const paths = bundledVerifierPaths();
    const joined = await Verifier.load(paths);
    const alone = await Promise.all(paths.map((p) => Classifier.load(p, undefined, 'any')));
    try {
      const inputs = test_.filter((c) => c.take === 2 && c.speaker === 'theo').map((c) => utteranceFeatures(c.samples));
      const byMember = await joined.memberProbs(inputs);
      let worst = 0;
      for (const [k, member] of alone.entries()) {
        const own = await member.classifyBatch(inputs);
        own.forEach((o, i) => o.probs.forEach((p, j) => (worst = Math.max(worst, Math.abs(p - byMember[k][i][j])))));
        assert.equal(byMember[k][0].length, member.classes);
      }
      assert.ok(worst < 1e-5, `joined graph differs from the members by ${worst}`);
    } finally {
      await joined.dispose();
      await Promise.all(alone.map((m) => m.dispose()));
    }
  },
);

test(
  "members' weights scale their log-odds in the sum; weights that cannot be used are refused",
  { skip: (!existsSync(VERIFIER) && 'models/verifier.onnx absent') as string | false },
  async () => {
    const paths = bundledVerifierPaths();
    const inputs = test_.filter((c) => c.take === 3 && c.speaker === 'lucas').map((c) => utteranceFeatures(c.samples));
    const each = await Promise.all(paths.map((p) => Verifier.load([p])));
    const weighted = await Verifier.load(paths, [1, 0.5]);
    try {
      const [a, b] = await Promise.all(each.map((v) => v.logOdds(inputs)));
      const w = await weighted.logOdds(inputs);
      let worst = 0;
      w.forEach((row, i) => row.forEach((x, d) => (worst = Math.max(worst, Math.abs(x - (a[i][d] + 0.5 * b[i][d]))))));
      assert.ok(worst < 1e-4, `weighted sum differs by ${worst}`);
      // The second member must matter, or the check above would pass for any weight.
      assert.ok(b.some((row) => row.some((x) => Math.abs(x) > 1)));
      assert.match(weighted.modelId, /\+[0-9a-f]+\*0\.5$/);
    } finally {
      await Promise.all([...each, weighted].map((v) => v.dispose()));
    }
    const refused = (weights: number[], why: RegExp) =>
      assert.rejects(
        Verifier.load(paths, weights),
        (err: unknown) => err instanceof ModelLoadError && err.code === 'VERIFIER_BAD_WEIGHTS' && why.test(err.message),
      );
    await refused([1], /2 member\(s\) need 2 weight/);
    await refused([1, -0.5], /finite number ≥ 0/);
    await refused([1, NaN], /finite number ≥ 0/);
    await refused([0, 0], /at least one must be above 0/);
  },
);

test('a verifier member that cannot be loaded fails the whole verifier, naming the file', async () => {
  const missing = '/nonexistent/verifier-x.onnx';
  await assert.rejects(
    loadVerifier([bundledVerifierPaths()[0], missing]),
    (err: unknown) => err instanceof ModelLoadError && err.code === 'MODEL_NOT_FOUND' && err.message.includes(missing),
  );
  await assert.rejects(Verifier.load([]), /at least one model file/);
});

async function transcribeWith(classifier: Classifier, samples: Float32Array, verifier: DigitVerifier | undefined): Promise<Decision[]> {
  const engine = new DictationEngine(classifier, { explain: false });
  engine.setVerifier(verifier);
  const out: Decision[] = [];
  engine.on('utterance', (u) => u.decision && out.push(u.decision));
  await engine.run(await fileSource(samples, 8000));
  engine.dispose();
  return out;
}

test('an early digit is withdrawn when its utterance runs on past a word: digits spoken without pauses', { skip }, async () => {
  const classifier = await Classifier.load(MODEL);
  try {
    let withdrawnSeen = 0;
    for (const speaker of ['jackson', 'nicolas', 'george', 'yweweler']) {
      // Four words back to back with no pause: one utterance of well over 1.2 s, not one digit.
      const clips = pick(speaker, [4, 2, 7, 9], 1);
      const run = Float32Array.from(clips.flatMap((c) => Array.from(c.samples)));
      const stream = digitStream([{ ...clips[0], samples: run }], { seed: 70 });
      for (const retract of [true, false]) {
        const engine = new DictationEngine(classifier, { explain: false, reject: { retract } });
        const events: string[] = [];
        const utterances: UtteranceEvent[] = [];
        engine.on('decision', (d) => events.push(`decision ${d.digit} ${d.earlyExit ? 'early' : 'end'} @${d.decisionMs}`));
        engine.on('retraction', (r) => events.push(`retraction ${r.decision.digit} @${r.timeMs}: ${r.reason}`));
        engine.on('utterance', (u) => utterances.push(u));
        await engine.run(await fileSource(stream.samples, 8000));
        engine.dispose();
        assert.equal(utterances.length, 1, `${speaker}: ${utterances.length} utterances`);
        const [u] = utterances;
        const early = events.find((e) => e.startsWith('decision') && e.includes('early'));
        if (!early) {
          // No early exit: the whole run is decided at its end, where it is rejected as too long.
          assert.ok(u.rejection && !u.decision && !u.retracted, `${speaker}: ${JSON.stringify(u)}`);
          continue;
        }
        if (retract) {
          withdrawnSeen++;
          assert.equal(events.length, 2, events.join('; '));
          assert.match(events[1], /^retraction .* too long for one digit/);
          const at = Number(/@([\d.]+)/.exec(events[1])![1]);
          assert.ok(at > u.startMs + 1200 && at < u.startMs + 1300, `${speaker}: withdrawn at ${at} ms, utterance from ${u.startMs} ms`);
          assert.ok(!u.decision && u.retracted && u.rejection, `${speaker}: the utterance carries the withdrawn digit, not a decision`);
          assert.match(u.rejection.reason, /withdrew the early/);
        } else {
          assert.equal(events.length, 1, events.join('; '));
          assert.ok(u.decision?.earlyExit && !u.retracted, `${speaker}: with retract off the early digit stands`);
        }
      }
    }
    assert.ok(withdrawnSeen >= 2, `only ${withdrawnSeen} of 4 runs exited early, so withdrawal was barely exercised`);
  } finally {
    await classifier.dispose();
  }
});

test('an early digit is withdrawn when the verifier, hearing the whole utterance, rejects it', { skip }, async () => {
  const classifier = await Classifier.load(MODEL);
  try {
    // A scripted verifier (the rule under test is the engine's, not the network's): it accepts
    // every early check, then rejects whatever it is asked after the early decision.
    const VETOED = DEFAULT_ENGINE_OPTIONS.reject.minDigitProb / 2;
    let afterDecision = false;
    const asked: number[] = [];
    const verifier: DigitVerifier = {
      digitProbability: () => {
        asked.push(afterDecision ? 1 : 0);
        return Promise.resolve(afterDecision ? VETOED : 0.9);
      },
    };
    const stream = digitStream(pick('jackson', [4, 2, 7], 1), { seed: 80, gapMs: [400, 500] });
    for (const retract of [true, false]) {
      afterDecision = false;
      asked.length = 0;
      const engine = new DictationEngine(classifier, { explain: false, reject: { retract } });
      engine.setVerifier(verifier);
      const retractions: string[] = [];
      const utterances: UtteranceEvent[] = [];
      engine.on('decision', () => (afterDecision = true));
      engine.on('retraction', (r) => retractions.push(`${r.decision.digit}: ${r.reason}`));
      engine.on('utterance', (u) => {
        utterances.push(u);
        afterDecision = false;
      });
      await engine.run(await fileSource(stream.samples, 8000));
      engine.dispose();
      const early = utterances.filter((u) => (u.decision ?? u.retracted)?.earlyExit);
      assert.ok(early.length >= 2, `only ${early.length} of 3 words exited early`);
      if (retract) {
        assert.equal(retractions.length, early.length, retractions.join('; '));
        const bar = DEFAULT_ENGINE_OPTIONS.reject.minDigitProb.toFixed(2);
        for (const r of retractions) assert.ok(r.includes(`not a digit word (verifier ${VETOED.toFixed(2)} < ${bar})`), r);
        for (const u of early) assert.ok(u.retracted && !u.decision && /withdrew the early/.test(u.rejection?.reason ?? ''));
        assert.ok(asked.includes(1), 'the whole utterance was put to the verifier after the early decision');
      } else {
        assert.equal(retractions.length, 0);
        for (const u of early) assert.ok(u.decision && !u.retracted);
        assert.ok(!asked.includes(1), 'with withdrawal off nothing is verified after an early decision');
      }
    }
  } finally {
    await classifier.dispose();
  }
});
