/** Bad inputs below the CLI: the checks the command-line suite (test/cli/) cannot reach directly. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { removeStaleTemps, writeFileAtomic } from '../../src/atomicWrite';
import { ReadableSource } from '../../src/audio/source';
import { StreamResampler } from '../../src/audio/wavStream';
import { firstBadSample } from '../../src/audio/samples';
import { parseConfig, toEngineOptions } from '../../src/editor/settings/config';
import { rejectReason } from '../../src/stream/reject';
import { UtteranceDecoder } from '../../src/stream/decoder';
import { StringDecoder } from '../../src/stream/stringDecoder';
import { DEFAULT_ENGINE_OPTIONS, mergeOptions, OPTION_RULES, type NumericOption } from '../../src/stream/options';
import { installCheckedModel } from '../../src/train/outputTarget';
import { REPO } from './helpers';

const tmp = () => mkdtempSync(join(tmpdir(), 'dd-badunit-'));

test('samples: NaN, ±Infinity and absurd magnitudes are found at their index; ordinary audio passes', () => {
  assert.equal(firstBadSample(Float32Array.of(0, 0.5, -1, 1.2)), -1);
  assert.equal(firstBadSample(Float32Array.of(0, NaN)), 1);
  assert.equal(firstBadSample(Float32Array.of(0, 0, -Infinity)), 2);
  assert.equal(firstBadSample(Float32Array.of(1e30)), 0);
});

test('microphone: a chunk with NaN samples is a dropout (silence), never passed on', async () => {
  const good = Float32Array.of(0.1, -0.1, 0.2, 0);
  const bad = Float32Array.of(0.1, NaN, 0.3, 0.2);
  const stream = Readable.from([Buffer.from(good.buffer), Buffer.from(bad.buffer)]) as Readable & { vadScore: number };
  stream.vadScore = 0;
  const src = new ReadableSource('microphone', 'test', 8000, stream, false, () => undefined);
  const got: Float32Array[] = [];
  for await (const c of src.chunks()) got.push(c.samples);
  assert.deepEqual(Array.from(got[0]), Array.from(good));
  assert.deepEqual(Array.from(got[1]), [0, 0, 0, 0]);
  assert.equal(src.dropouts, 1);
});

test('a file source refuses a NaN sample by name and index', async () => {
  const x = new Float32Array(100);
  x[37] = NaN;
  const stream = Readable.from([Buffer.from(x.buffer)]) as Readable & { vadScore: number };
  stream.vadScore = 0;
  const src = new ReadableSource('file', '/tmp/take.wav', 8000, stream, false, () => undefined);
  await assert.rejects(
    (async () => {
      for await (const c of src.chunks()) void c;
    })(),
    (err: unknown) => (err as { code?: string }).code === 'AUDIO_NOT_FINITE' && /take\.wav: sample 37 /.test((err as Error).message),
  );
});

test('streaming resampler: the same output whatever the block size', () => {
  const x = Float32Array.from({ length: 16000 }, (_, i) => Math.sin(i / 7) * 0.5);
  const run = (block: number) => {
    const r = new StreamResampler(16000, 8000);
    const parts: number[] = [];
    for (let i = 0; i < x.length; i += block) parts.push(...r.push(x.subarray(i, i + block)));
    parts.push(...r.flush());
    return parts;
  };
  const whole = run(x.length);
  assert.equal(whole.length, 8000);
  for (const b of [1, 37, 800, 4096]) {
    const got = run(b);
    assert.equal(got.length, whole.length);
    assert.ok(
      got.every((v, i) => Math.abs(v - whole[i]) < 1e-9),
      `block ${b}`,
    );
  }
});

test('rejection: a NaN anywhere rejects instead of passing a threshold', () => {
  const o = DEFAULT_ENGINE_OPTIONS.reject;
  const ok = { confidence: 0.99, durationMs: 400, voicedMs: 200, final: true };
  assert.equal(rejectReason(ok, o), undefined);
  assert.match(rejectReason({ ...ok, confidence: NaN }, o)!, /not a number/);
  assert.ok(rejectReason({ ...ok, durationMs: NaN }, o));
  assert.ok(rejectReason({ ...ok, voicedMs: NaN }, o));
  assert.ok(rejectReason({ ...ok, speechProb: NaN }, o, { sileroThreshold: 0.5 }));
});

test('early exit: NaN probabilities never complete a run', () => {
  const d = new UtteranceDecoder(() => ({ eeThresh: 0.9, eeConsec: 1, eeEvery: 1, earlyExit: true }));
  const nan = Float32Array.from({ length: 10 }, () => NaN);
  assert.equal(d.wouldDecide(nan), false);
  assert.equal(d.check(nan).type, 'continue');
});

test('settings and engine agree: every setting in range is a valid engine option, every engine-invalid value is refused', () => {
  const map: Array<[string, NumericOption]> = [
    ['hybridWeight', 'hybridWeight'],
    ['earlyExit.thresh', 'eeThresh'],
    ['earlyExit.consec', 'eeConsec'],
    ['earlyExit.every', 'eeEvery'],
    ['vad.thresholdMultiplier', 'vad.thresholdMultiplier'],
    ['vad.minSpeechMs', 'vad.minSpeechMs'],
    ['vad.hangoverMs', 'vad.hangoverMs'],
  ];
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { minimum: number; maximum: number }> } };
  };
  for (const [setting, engine] of map) {
    const { minimum, maximum } = pkg.contributes.configuration.properties[`digitDictation.${setting}`];
    const rule = OPTION_RULES[engine];
    assert.ok(minimum >= rule.min && maximum <= rule.max, `${setting} [${minimum}, ${maximum}] within the engine's ${engine}`);
    for (const v of [minimum, maximum]) {
      const { config, problems } = parseConfig((k) => (k === setting ? v : undefined));
      assert.deepEqual(problems, [], `${setting} = ${v}`);
      assert.doesNotThrow(() => mergeOptions(DEFAULT_ENGINE_OPTIONS, toEngineOptions(config)), `${setting} = ${v}`);
    }
    for (const v of [NaN, Infinity, rule.max * 10 + 1, rule.min - 1, '5']) {
      const { problems } = parseConfig((k) => (k === setting ? v : undefined));
      assert.equal(problems.length, 1, `${setting} = ${String(v)} refused`);
    }
  }
});

test('atomic writes refuse a symlinked target and clear temp files left by a crashed writer', () => {
  const dir = tmp();
  try {
    const real = join(dir, 'real.json');
    writeFileSync(real, 'keep');
    const link = join(dir, 'link.json');
    symlinkSync(real, link);
    assert.throws(
      () => writeFileAtomic(link, 'new'),
      (e: unknown) => (e as { code?: string }).code === 'OUTPUT_NOT_REGULAR',
    );
    assert.equal(readFileSync(real, 'utf8'), 'keep');
    const target = join(dir, 'store.json');
    // pid 2^22+1 is above Linux's pid_max: no such process.
    writeFileSync(join(dir, 'store.json.4194305.deadbeef.tmp'), 'stale');
    writeFileSync(join(dir, `store.json.${process.pid}.cafebabe.tmp`), 'in progress');
    writeFileSync(join(dir, 'other.json.4194305.deadbeef.tmp'), 'not ours');
    writeFileAtomic(target, 'fresh');
    const left = readdirSync(dir).sort();
    assert.ok(!left.includes('store.json.4194305.deadbeef.tmp'), 'stale temp removed');
    assert.ok(left.includes(`store.json.${process.pid}.cafebabe.tmp`), "a live writer's temp is kept");
    assert.ok(left.includes('other.json.4194305.deadbeef.tmp'), "another target's temp is kept");
    removeStaleTemps(join(dir, 'other.json'));
    assert.ok(!existsSync(join(dir, 'other.json.4194305.deadbeef.tmp')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('training installs a model only if it is sound: NaN weights leave the old model in place', async () => {
  const dir = tmp();
  try {
    const target = join(dir, 'digits.onnx');
    const good = readFileSync(join(REPO, 'models', 'digits.onnx'));
    writeFileSync(target, good);
    const model = onnx.ModelProto.decode(Buffer.from(good)); // a copy: rawData views the buffer it was decoded from
    const w = model.graph!.initializer!.find((t) => (t.rawData?.length ?? 0) >= 4)!;
    Buffer.from(w.rawData!.buffer, w.rawData!.byteOffset, w.rawData!.length).writeFloatLE(NaN, 0);
    const broken = onnx.ModelProto.encode(model).finish();
    await assert.rejects(
      installCheckedModel(target, broken, [], []),
      (e: unknown) => (e as { code?: string }).code === 'TRAINING_MODEL_BROKEN',
    );
    assert.ok(readFileSync(target).equals(good), 'old model unchanged');
    assert.deepEqual(readdirSync(dir), ['digits.onnx'], 'no temp file left');
    // A sound model whose predictions disagree with the trainer's is refused as well.
    const input = [new Float32Array(80 * 40)];
    const wrong = [Float32Array.from({ length: 10 }, () => 0.1)];
    await assert.rejects(
      installCheckedModel(target, good, input, wrong),
      (e: unknown) => (e as { code?: string }).code === 'TRAINING_EXPORT_MISMATCH',
    );
    assert.ok(readFileSync(target).equals(good));
    assert.deepEqual(readdirSync(dir), ['digits.onnx']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('string decoder: NaN probabilities are blank, never a typed digit', () => {
  const meta = { stride: 2, receptiveField: 8, blank: 10, labels: [], featureConfig: { melBands: 40 } };
  const decoder = new StringDecoder({ meta } as unknown as ConstructorParameters<typeof StringDecoder>[0]);
  const nan = Float32Array.from({ length: 11 }, () => NaN);
  assert.equal(decoder.step(nan, 0), undefined);
  const seven = Float32Array.from({ length: 11 }, (_, k) => (k === 7 ? 0.9 : 0.01));
  seven[3] = NaN;
  assert.equal(decoder.step(seven, 1)?.digit, 7, 'a finite digit still types');
});
