/**
 * The early-exit state machine and the engine around it, on real FSDD audio through decibri
 * File.buffer. The classifier here is scripted from the features it receives (how many frames the
 * utterance has so far), so the state machine's rules can be checked exactly; the real model's
 * behaviour is tested in stream.model.test.ts.
 */
import { modeProbs } from '../../src/enroll/head';
import { PrototypeStore } from '../../src/enroll/store';
import type { RecognitionMode } from '../../src/model/types';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecibriError, File as DecibriFile } from 'decibri';
import { fileSource, ReadableSource } from '../../src/audio/source';
import { concatWithGaps, digitStream, loadFsdd, noiseBurst, whiteNoise } from '../fixtures/corpus';
import { periodicity } from '../../src/stream/voicing';
import { mulberry32 } from '../../src/train/rng';
import { MicrophoneError } from '../../src/errors';
import { FEATURE_CONFIG } from '../../src/features/config';
import type { Classification } from '../../src/model/types';
import type { ClassifierLike, DigitVerifier } from '../../src/model/types';
import { UtteranceDecoder } from '../../src/stream/decoder';
import { DictationEngine } from '../../src/stream/engine';
import { DEFAULT_ENGINE_OPTIONS, EngineOptionsPatch } from '../../src/stream/options';
import type { Decision, EngineState, Rejection, UtteranceEvent } from '../../src/stream/types';
import { FSDD } from './helpers';

const bands = FEATURE_CONFIG.melBands;

function framesIn(features: Float32Array): number {
  let n = 0;
  for (let f = 0; f < features.length / bands; f++) if (features.subarray(f * bands, (f + 1) * bands).some((v) => v !== 0)) n++;
  return n;
}

/** probs(frames so far) → a classifier the engine can run. */
function scripted(probs: (frames: number, call: number) => number[]): ClassifierLike & { calls: number } {
  const c = {
    calls: 0,
    meta: { modelId: 'scripted', embeddingDim: 3, featureConfig: FEATURE_CONFIG },
    async classify(features: Float32Array): Promise<Classification> {
      return (await c.classifyBatch([features]))[0];
    },
    classifyBatch(batch: Float32Array[]): Promise<Classification[]> {
      return Promise.resolve(
        batch.map((f) => ({ probs: Float32Array.from(probs(framesIn(f), c.calls++)), embedding: Float32Array.of(1, 0, 0) })),
      );
    },
  };
  return c;
}

/** A verifier whose answer is scripted per digit asked about; counts its calls. */
function scriptedVerifier(pOf: (digit: number | undefined) => number): DigitVerifier & { calls: number } {
  const v = {
    calls: 0,
    digitProbability: (_features: Float32Array, digit?: number) => {
      v.calls++;
      return Promise.resolve(pOf(digit));
    },
  };
  return v;
}

// 0.995: above the default early-exit threshold (0.95), so the scripted words can exit early.
const confidentAfter =
  (frames: number, digit = 3, p = 0.995) =>
  (n: number) =>
    n >= frames ? Array.from({ length: 10 }, (_, d) => (d === digit ? p : (1 - p) / 9)) : Array<number>(10).fill(0.1);

const clips = loadFsdd(FSDD, 'test')
  .filter((c) => c.take === 0 && c.speaker === 'jackson')
  .slice(0, 5);
const stream = digitStream(clips, { seed: 11, gapMs: [300, 600] });

async function runEngine(classifier: ClassifierLike, options: EngineOptionsPatch = {}) {
  const engine = new DictationEngine(classifier, { explain: false, ...options });
  const decisions: Decision[] = [];
  const rejections: Rejection[] = [];
  const utterances: UtteranceEvent[] = [];
  const states: EngineState[] = [];
  engine.on('decision', (d) => decisions.push(d));
  engine.on('rejection', (r) => rejections.push(r));
  engine.on('utterance', (u) => utterances.push(u));
  engine.on('state', (s) => states.push(s));
  await engine.run(await fileSource(stream.samples, FEATURE_CONFIG.sampleRate));
  engine.dispose();
  return { decisions, rejections, utterances, states };
}

test('decoder: the same digit must lead for consec checks in a row', () => {
  const policy = { eeThresh: 0.88, eeConsec: 2, eeEvery: 2, earlyExit: true };
  const d = new UtteranceDecoder(() => policy);
  const p = (digit: number, v: number) => Array.from({ length: 10 }, (_, i) => (i === digit ? v : (1 - v) / 9));
  assert.equal(d.check(p(4, 0.9)).type, 'continue');
  assert.equal(d.check(p(5, 0.95)).type, 'continue', 'a new leader restarts the count');
  assert.equal(d.check(p(5, 0.8)).type, 'continue', 'below threshold resets');
  assert.equal(d.check(p(5, 0.9)).type, 'continue');
  assert.equal(d.check(p(5, 0.9), false).type, 'continue', 'a rejected check resets');
  assert.equal(d.check(p(5, 0.9)).type, 'continue');
  assert.deepEqual(d.check(p(5, 0.9)), { type: 'decide', digit: 5, consecutive: 2 });
  assert.throws(() => d.check(p(5, 0.99)), /one digit per utterance/);
  assert.equal(d.needsFinalDecision(), false);
});

test('decoder: wouldDecide says whether a check would complete the run, without counting it', () => {
  const policy = { eeThresh: 0.9, eeConsec: 3, eeEvery: 2, earlyExit: true };
  const d = new UtteranceDecoder(() => policy);
  const p = (digit: number, v: number) => Array.from({ length: 10 }, (_, i) => (i === digit ? v : (1 - v) / 9));
  assert.equal(d.wouldDecide(p(2, 0.95)), false);
  d.check(p(2, 0.95));
  d.check(p(2, 0.95));
  assert.equal(d.wouldDecide(p(2, 0.8)), false, 'below the threshold');
  assert.equal(d.wouldDecide(p(6, 0.95)), false, 'another digit would start a new run');
  assert.equal(d.wouldDecide(p(2, 0.95)), true);
  assert.equal(d.wouldDecide(p(2, 0.95)), true, 'asking does not count');
  assert.equal(d.check(p(2, 0.95), false).type, 'continue', 'a veto there is a miss');
  assert.equal(d.wouldDecide(p(2, 0.95)), false, 'and the run starts over');
});

test('decoder: checks fall every eeEvery frames and stop after the decision', () => {
  const policy = { eeThresh: 0.5, eeConsec: 1, eeEvery: 3, earlyExit: true };
  const d = new UtteranceDecoder(() => policy);
  const due = Array.from({ length: 9 }, () => d.frameArrived());
  assert.deepEqual(due, [false, false, true, false, false, true, false, false, true]);
  d.check(Array.from({ length: 10 }, (_, i) => (i === 1 ? 0.9 : 0.01)));
  assert.equal(Array.from({ length: 6 }, () => d.frameArrived()).some(Boolean), false);
});

test('engine: one early decision per word, before the word ends, never a second one', async () => {
  const { decisions, utterances, states } = await runEngine(scripted(confidentAfter(15)));
  assert.equal(decisions.length, stream.words.length);
  assert.equal(utterances.length, stream.words.length);
  for (const [i, d] of decisions.entries()) {
    const w = stream.words[i];
    assert.equal(d.digit, 3);
    assert.equal(d.earlyExit, true);
    assert.ok(d.decisionMs > w.startMs && d.decisionMs < w.endMs, `${w.name}: decided at ${d.decisionMs}, word ${w.startMs}–${w.endMs}`);
    assert.ok(utterances[i].decision && utterances[i].endMs > d.decisionMs, 'the utterance event carries the real end');
    assert.equal(d.top[0][0], 3);
    assert.equal(d.top.length, 3);
  }
  assert.equal(states[0], 'listening');
  assert.equal(states.filter((s) => s === 'speech').length, stream.words.length);
  assert.equal(states.at(-1), 'idle');
});

test('engine: with early exit off, or a threshold above the confidence, it decides at the end of each word', async () => {
  for (const opts of [{ earlyExit: false }, { eeThresh: 0.999 }]) {
    const { decisions, utterances } = await runEngine(scripted(confidentAfter(15)), opts);
    assert.equal(decisions.length, stream.words.length, JSON.stringify(opts));
    for (const [i, d] of decisions.entries()) {
      assert.equal(d.earlyExit, false);
      assert.equal(d.endMs, utterances[i].endMs);
      assert.ok(d.decisionMs >= d.endMs, `decided at ${d.decisionMs}, ended ${d.endMs}`);
    }
  }
});

test('engine: eeEvery sets how often the classifier runs', async () => {
  const every2 = scripted(() =>
    Array(10)
      .fill(0.1)
      .map((v, i) => (i === 0 ? 0.7 : 0.3 / 9)),
  );
  await runEngine(every2, { eeEvery: 2 });
  const every6 = scripted(() =>
    Array(10)
      .fill(0.1)
      .map((v, i) => (i === 0 ? 0.7 : 0.3 / 9)),
  );
  await runEngine(every6, { eeEvery: 6 });
  assert.ok(every6.calls < every2.calls / 2, `every 6: ${every6.calls} calls, every 2: ${every2.calls}`);
});

test('engine: a leader that keeps changing never exits early', async () => {
  const flip = scripted((n, call) => Array.from({ length: 10 }, (_, d) => (d === call % 2 ? 0.95 : 0.05 / 9)));
  const { decisions } = await runEngine(flip);
  assert.equal(decisions.length, stream.words.length);
  assert.ok(decisions.every((d) => !d.earlyExit));
});

test('engine: low-confidence words are rejected, not typed', async () => {
  const { decisions, rejections } = await runEngine(scripted(() => Array<number>(10).fill(0.1)));
  assert.equal(decisions.length, 0);
  assert.equal(rejections.length, stream.words.length);
  assert.ok(rejections.every((r) => /low confidence/.test(r.reason)));
});

test('engine: an over-long utterance is rejected as not one digit', async () => {
  const { decisions, rejections } = await runEngine(scripted(confidentAfter(1000)), { reject: { maxWordMs: 200, minWordMs: 50 } });
  assert.equal(decisions.length, 0);
  assert.ok(rejections.some((r) => /too long/.test(r.reason)));
});

test('engine: setOptions applies live (early exit switched off after the first decision)', async () => {
  const engine = new DictationEngine(scripted(confidentAfter(15)), { explain: false });
  const decisions: Decision[] = [];
  engine.on('decision', (d) => {
    decisions.push(d);
    engine.setOptions({ earlyExit: false });
  });
  await engine.run(await fileSource(stream.samples, FEATURE_CONFIG.sampleRate));
  assert.equal(decisions.length, stream.words.length);
  assert.equal(decisions[0].earlyExit, true);
  assert.ok(decisions.slice(1).every((d) => !d.earlyExit));
  assert.throws(
    () => engine.setOptions({ eeConsec: 0 }),
    (e: unknown) => (e as { code?: string }).code === 'ENGINE_OPTION_INVALID',
  );
});

test('engine: a microphone lost mid-stream emits a typed error and stops cleanly', async () => {
  const engine = new DictationEngine(scripted(confidentAfter(15)), { explain: false });
  const file = DecibriFile.buffer(stream.samples, { inputRate: 8000, sampleRate: 8000, dtype: 'float32' });
  const source = new ReadableSource('microphone', 'USB mic', 8000, file, false, () => file.destroy());
  const errors: unknown[] = [];
  const states: EngineState[] = [];
  let ended = false;
  engine.on('error', (e) => errors.push(e));
  engine.on('state', (s) => states.push(s));
  engine.on('end', () => (ended = true));
  engine.on('level', () => {
    if (!file.destroyed)
      file.destroy(Object.assign(new DecibriError('decibri: audio device error: device unplugged'), { code: 'DEVICE_FAILED' }));
  });
  await engine.start(source);
  await assert.rejects(engine.finished(), (e: unknown) => e instanceof MicrophoneError && e.code === 'MIC_DISCONNECTED');
  assert.equal(errors.length, 1);
  assert.equal(states.at(-1), 'idle');
  assert.ok(ended);
  // The engine can start again afterwards.
  await engine.run(await fileSource(stream.samples.subarray(0, 8000), 8000));
  engine.dispose();
});

test('engine: stop() ends a running stream promptly; a wrong sample rate is refused', async () => {
  const engine = new DictationEngine(scripted(confidentAfter(15)), { explain: false });
  const long = new Float32Array(8000 * 600);
  await engine.start(await fileSource(long, 8000));
  await new Promise((r) => setTimeout(r, 20));
  const t = Date.now();
  await engine.stop();
  assert.ok(Date.now() - t < 1000);
  assert.equal(engine.state, 'idle');
  await assert.rejects(
    engine.start(await fileSource(long.subarray(0, 1600), 16000, { inputRate: 8000 })),
    (e: unknown) => (e as { code?: string }).code === 'ENGINE_RATE_MISMATCH',
  );
});

test('voicing: a voiced vowel-like tone is periodic, white and pink noise are not', () => {
  const rng = mulberry32(4);
  const tone = Float32Array.from({ length: 256 }, (_, i) =>
    [1, 0.6, 0.3].reduce((a, g, h) => a + g * Math.sin((2 * Math.PI * 140 * (h + 1) * i) / 8000), 0),
  );
  assert.ok(periodicity(tone, 8000) > 0.8, `tone ${periodicity(tone, 8000)}`);
  const white = whiteNoise(256, -30, rng);
  assert.ok(periodicity(white, 8000) < 0.4, `white ${periodicity(white, 8000)}`);
  const vowel = clips[0].samples.subarray(Math.floor(clips[0].samples.length / 2) - 128, Math.floor(clips[0].samples.length / 2) + 128);
  assert.ok(periodicity(vowel, 8000) > 0.5, `middle of ${clips[0].name}: ${periodicity(vowel, 8000)}`);
});

/** The straightforward periodicity (three sums per lag) that voicing.ts computes faster. */
function naivePeriodicity(frame: Float32Array, sampleRate: number): number {
  const n = frame.length;
  const lo = Math.floor(sampleRate / 400);
  const hi = Math.min(n - 1, Math.ceil(sampleRate / 60));
  const mean = frame.reduce((a, v) => a + v, 0) / n;
  let best = 0;
  let prev = Infinity;
  let falling = true;
  for (let lag = lo; lag <= hi; lag++) {
    let r = 0,
      ea = 0,
      eb = 0;
    for (let i = 0; i + lag < n; i++) {
      const a = frame[i] - mean;
      const b = frame[i + lag] - mean;
      r += a * b;
      ea += a * a;
      eb += b * b;
    }
    const c = ea > 0 && eb > 0 ? r / Math.sqrt(ea * eb) : 0;
    if (falling && c > prev) falling = false;
    if (!falling && c > best) best = c;
    prev = c;
  }
  return best;
}

test('voicing: the fast periodicity equals the naive autocorrelation, and stopping early never changes voiced / unvoiced', () => {
  const rng = mulberry32(6);
  // Take 0 of every digit by every speaker, and non-speech.
  const signals = loadFsdd(FSDD, 'test')
    .filter((c) => c.take === 0)
    .map((c) => c.samples);
  for (let k = 0; k < 30; k++)
    signals.push(k % 3 === 0 ? noiseBurst('cough', -30, rng) : k % 3 === 1 ? whiteNoise(1200, -40, rng) : noiseBurst('hiss', -30, rng));
  let frames = 0;
  let voiced = 0;
  for (const x of signals) {
    for (let s = 0; s + 256 <= x.length; s += 80) {
      const f = x.subarray(s, s + 256);
      const want = naivePeriodicity(f, 8000);
      const got = periodicity(f, 8000);
      assert.ok(Math.abs(got - want) < 1e-12, `frame at ${s}: ${got} vs ${want}`);
      const early = periodicity(f, 8000, 60, 400, 0.5);
      assert.equal(early >= 0.5, want >= 0.5);
      if (want >= 0.5) voiced++;
      frames++;
    }
  }
  assert.ok(frames > 2000 && voiced > 0.3 * frames && voiced < frames, `${voiced} voiced of ${frames}`);
});

test('engine: coughs and hiss are rejected for lack of voice even when the classifier is sure', async () => {
  const rng = mulberry32(8);
  const bursts = concatWithGaps(
    Array.from({ length: 6 }, (_, i) => noiseBurst(i % 2 ? 'hiss' : 'cough', -25, rng)),
    [400, 800],
    3,
  );
  const engine = new DictationEngine(scripted(confidentAfter(1)), { explain: false });
  const decisions: Decision[] = [];
  const rejections: Rejection[] = [];
  engine.on('decision', (d) => decisions.push(d));
  engine.on('rejection', (r) => rejections.push(r));
  await engine.run(await fileSource(bursts, 8000));
  assert.equal(decisions.length, 0, JSON.stringify(decisions.map((d) => [d.startMs, d.endMs])));
  assert.ok(
    rejections.length >= 3 && rejections.every((r) => /no voice|too short/.test(r.reason)),
    JSON.stringify(rejections.map((r) => r.reason)),
  );
});

test('engine: the verifier vetoes words it does not take for digits, early or at the end', async () => {
  const verifier = (pDigit: number) => scriptedVerifier(() => pDigit);
  for (const earlyExit of [true, false]) {
    const engine = new DictationEngine(scripted(confidentAfter(15)), { explain: false, earlyExit });
    const decisions: Decision[] = [];
    const rejections: Rejection[] = [];
    engine.on('decision', (d) => decisions.push(d));
    engine.on('rejection', (r) => rejections.push(r));
    // Below both default thresholds (reject.minDigitProbEarly and reject.minDigitProb).
    const v = verifier(DEFAULT_ENGINE_OPTIONS.reject.minDigitProb / 2);
    engine.setVerifier(v);
    await engine.run(await fileSource(stream.samples, 8000));
    assert.equal(decisions.length, 0);
    assert.equal(rejections.length, stream.words.length);
    assert.ok(
      rejections.every((r) => /not a digit word/.test(r.reason)),
      rejections[0]?.reason,
    );
    assert.ok(v.calls > 0);
  }
  const engine = new DictationEngine(scripted(confidentAfter(15)), { explain: false });
  const v = verifier(0.9);
  engine.setVerifier(v);
  let n = 0;
  engine.on('decision', () => n++);
  await engine.run(await fileSource(stream.samples, 8000));
  assert.equal(n, stream.words.length);
  // Asked on the check that decides and once more on the whole word, not on every confident check.
  assert.equal(v.calls, 2 * stream.words.length);
});

test('engine: an eleven-class verifier is asked about the digit the classifier decided', async () => {
  // The verifier hears digit 3 and nothing else: it backs a 3 and vetoes a 5 on the same audio.
  const verifier = scriptedVerifier((digit) => (digit === 3 ? 0.9 : 0));
  for (const [digit, typed] of [
    [3, true],
    [5, false],
  ] as const) {
    for (const earlyExit of [true, false]) {
      const engine = new DictationEngine(scripted(confidentAfter(15, digit)), { explain: false, earlyExit });
      engine.setVerifier(verifier);
      const decisions: Decision[] = [];
      const rejections: Rejection[] = [];
      engine.on('decision', (d) => decisions.push(d));
      engine.on('rejection', (r) => rejections.push(r));
      await engine.run(await fileSource(stream.samples, 8000));
      assert.equal(decisions.length, typed ? stream.words.length : 0, `digit ${digit}, early exit ${earlyExit}`);
      if (!typed)
        assert.ok(
          rejections.every((r) => /not a digit word \(verifier 0\.00/.test(r.reason)),
          rejections[0]?.reason,
        );
    }
  }
});

test('engine: an adapted head lifts the verifier for its own digits in mode adapted only; unenrolled users get it as shipped', async () => {
  const store = new PrototypeStore('scripted', 3);
  for (let d = 0; d < 10; d++) store.setTakes(d, [d === 3 ? Float32Array.of(1, 0, 0) : Float32Array.of(0, 1, 0)]);
  const verifierShift = new Float32Array(10);
  verifierShift[3] = 8;
  store.setHead({ scale: 1, weights: new Float32Array(30), bias: new Float32Array(10), verifierShift });
  const decided = async (mode: RecognitionMode, prototypes: PrototypeStore | undefined) => {
    const engine = new DictationEngine(scripted(confidentAfter(15)), { explain: false, mode }, modeProbs);
    engine.setPrototypes(prototypes);
    // 0.005: vetoed as shipped (below reject.minDigitProb); +8 log-odds lifts it to 0.94.
    engine.setVerifier(scriptedVerifier(() => 0.005));
    let n = 0;
    engine.on('decision', () => n++);
    await engine.run(await fileSource(stream.samples, 8000));
    return n;
  };
  assert.equal(await decided('adapted', store), stream.words.length);
  assert.equal(await decided('hybrid', store), 0);
  assert.equal(await decided('adapted', undefined), 0);
});
