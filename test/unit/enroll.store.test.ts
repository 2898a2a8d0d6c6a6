import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrototypeStoreError } from '../../src/errors';
import { modeProbs, prototypeScores } from '../../src/enroll/head';
import { cosine, PrototypeStore } from '../../src/enroll/store';
import { MAX_TAKES } from '../../src/shared/constants';
import { mulberry32 } from '../../src/train/rng';

const dim = 16;
const rng = mulberry32(42);
const randVec = () => Float32Array.from({ length: dim }, () => rng() - 0.5);
const unit = (v: Float32Array) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'dd-enroll-'));
}

function filledStore(): PrototypeStore {
  const s = new PrototypeStore('model-a', dim);
  for (let d = 0; d < 10; d++) s.setTakes(d, [randVec(), randVec(), randVec()]);
  return s;
}

test('prototype = normalised mean of the takes; quality = mean pairwise cosine', () => {
  const s = new PrototypeStore('model-a', dim);
  const takes = [randVec(), randVec(), randVec()];
  const p = s.setTakes(4, takes);
  const u = takes.map(unit);
  const mean = u[0].map((_, i) => (u[0][i] + u[1][i] + u[2][i]) / 3);
  assert.ok(cosine(p.prototype, mean) > 0.99999);
  assert.ok(Math.abs(Math.hypot(...p.prototype) - 1) < 1e-5);
  const q = (cosine(u[0], u[1]) + cosine(u[0], u[2]) + cosine(u[1], u[2])) / 3;
  assert.ok(Math.abs((p.quality ?? NaN) - q) < 1e-6);
  assert.equal(s.setTakes(5, [randVec()]).quality, null, 'one take has no pairwise quality');
  assert.deepEqual(s.enrolled(), [4, 5]);
  assert.equal(s.isComplete, false);
});

test('a digit keeps its latest MAX_TAKES takes', () => {
  const s = new PrototypeStore('m', dim);
  const takes = Array.from({ length: MAX_TAKES + 2 }, randVec);
  for (const t of takes) s.addTake(7, t);
  const kept = s.get(7)!.takes;
  assert.equal(kept.length, MAX_TAKES);
  assert.ok(cosine(kept.at(-1)!, takes.at(-1)!) > 0.99999);
  assert.ok(cosine(kept[0], takes[2]) > 0.99999);
  assert.throws(
    () => s.addTake(7, new Float32Array(dim + 1)),
    (e: unknown) => (e as { code?: string }).code === 'ENROLL_BAD_EMBEDDING',
  );
  assert.throws(() => s.addTake(10, randVec()), RangeError);
});

test('save is atomic (no temp files left) and load restores the same prototypes', () => {
  const dir = tmp();
  try {
    const path = join(dir, 'prototypes.json');
    const s = filledStore();
    s.save(path);
    s.setTakes(0, [randVec()]);
    s.save(path); // over an existing file
    assert.deepEqual(readdirSync(dir), ['prototypes.json']);
    const back = PrototypeStore.load(path, 'model-a', dim);
    assert.ok(back.isComplete);
    for (let d = 0; d < 10; d++) assert.ok(cosine(back.get(d)!.prototype, s.get(d)!.prototype) > 0.99999, `digit ${d}`);
    assert.equal(back.get(0)!.takes.length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('corrupt, foreign-model, future-version and missing files give typed errors and stay untouched', () => {
  const dir = tmp();
  try {
    const good = join(dir, 'good.json');
    filledStore().save(good);
    const cases: Array<[string, string | undefined, string]> = [
      ['truncated.json', readFileSync(good, 'utf8').slice(0, 200), 'PROTOTYPES_CORRUPT'],
      ['other.json', undefined, 'PROTOTYPES_OTHER_MODEL'],
      ['future.json', readFileSync(good, 'utf8').replace('"version": 3', '"version": 99'), 'PROTOTYPES_VERSION'],
      ['wrongdim.json', readFileSync(good, 'utf8').replace(`"embeddingDim": ${dim}`, '"embeddingDim": 3'), 'PROTOTYPES_CORRUPT'],
      ['notours.json', '{"hello": "world"}', 'PROTOTYPES_CORRUPT'],
    ];
    for (const [name, text, code] of cases) {
      const path = join(dir, name);
      if (text === undefined) writeFileSync(path, readFileSync(good));
      else writeFileSync(path, text);
      const before = readFileSync(path);
      const modelId = code === 'PROTOTYPES_OTHER_MODEL' ? 'model-b' : 'model-a';
      assert.throws(
        () => PrototypeStore.load(path, modelId, dim),
        (e: unknown) => {
          assert.ok(e instanceof PrototypeStoreError, `${name}: ${String(e)}`);
          assert.equal(e.code, code, `${name}: ${e.message}`);
          assert.match(e.message, new RegExp(name.replace('.', '\\.')));
          return true;
        },
      );
      assert.deepEqual(readFileSync(path), before, `${name} was modified`);
    }
    assert.throws(
      () => PrototypeStore.load(join(dir, 'absent.json'), 'model-a'),
      (e: unknown) => e instanceof PrototypeStoreError && e.code === 'PROTOTYPES_NOT_FOUND',
    );
    assert.equal(existsSync(join(dir, 'absent.json')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('prototype head prefers the nearest prototype and keeps base probabilities for unenrolled digits', () => {
  const s = filledStore();
  const base = Float32Array.from({ length: 10 }, () => 0.1);
  for (let d = 0; d < 10; d++) {
    const near = s.get(d)!.prototype.map((x) => x + (rng() - 0.5) * 0.05);
    const { probs } = prototypeScores(Float32Array.from(near), s, base);
    assert.equal(probs.indexOf(Math.max(...probs)), d);
    assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  }
  const partial = new PrototypeStore('model-a', dim);
  partial.setTakes(2, [randVec()]);
  partial.setTakes(6, [randVec()]);
  const skewed = Float32Array.from([0.3, 0.05, 0.1, 0.05, 0.1, 0.05, 0.2, 0.05, 0.05, 0.05]);
  const { probs } = prototypeScores(Float32Array.from(partial.get(6)!.prototype), partial, skewed);
  assert.ok(Math.abs(probs[0] - 0.3) < 1e-6 && Math.abs(probs[9] - 0.05) < 1e-6, 'unenrolled digits keep their base probability');
  assert.ok(Math.abs(probs[2] + probs[6] - 0.3) < 1e-5 && probs[6] > probs[2], 'enrolled mass is redistributed by similarity');
});

test('modes: base ignores prototypes, hybrid blends with the configured weight, no store → base', () => {
  const s = filledStore();
  const base = Float32Array.from({ length: 10 }, (_, d) => (d === 1 ? 0.91 : 0.01));
  const emb = Float32Array.from(s.get(8)!.prototype);
  assert.equal(modeProbs('base', base, emb, s, 0.5).probs, base);
  const proto = modeProbs('proto', base, emb, s, 0.5);
  assert.equal(proto.probs.indexOf(Math.max(...proto.probs)), 8);
  for (const w of [0, 0.3, 1]) {
    const h = modeProbs('hybrid', base, emb, s, w);
    for (let d = 0; d < 10; d++) assert.ok(Math.abs(h.probs[d] - ((1 - w) * base[d] + w * proto.probs[d])) < 1e-6);
  }
  const fallback = modeProbs('proto', base, emb, undefined, 0.5);
  assert.equal(fallback.mode, 'base');
  assert.equal(fallback.probs, base);
});

test('the adapted head is saved and read back, dropped when a take changes, and refused when it does not fit', () => {
  const dir = tmp();
  try {
    const s = filledStore();
    const head = {
      scale: 0.7,
      weights: Float32Array.from({ length: 10 * dim }, () => rng() - 0.5),
      bias: Float32Array.from({ length: 10 }, () => rng()),
      verifierShift: Float32Array.from({ length: 10 }, (_, d) => d),
    };
    s.setHead(head);
    const path = join(dir, 'p.json');
    s.save(path);
    const back = PrototypeStore.load(path, 'model-a', dim);
    assert.ok(back.head);
    assert.ok(Math.abs(back.head.scale - 0.7) < 1e-6);
    assert.deepEqual(Array.from(back.head.verifierShift), Array.from(head.verifierShift));
    for (let i = 0; i < head.weights.length; i++) assert.ok(Math.abs(back.head.weights[i] - head.weights[i]) < 1e-6);
    back.addTake(3, randVec());
    assert.equal(back.head, undefined, 'a head learned from other takes must not survive a new take');
    assert.throws(() => s.setHead({ ...head, bias: new Float32Array(9) }), RangeError);

    const file = JSON.parse(readFileSync(path, 'utf8')) as { version: number; head?: { weights: number[][] } };
    file.head!.weights[4] = file.head!.weights[4].slice(1);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(file));
    assert.throws(
      () => PrototypeStore.load(bad, 'model-a', dim),
      (e: unknown) => e instanceof PrototypeStoreError && e.code === 'PROTOTYPES_CORRUPT' && /adapted head/.test(e.message),
    );
    // A version 1 file (prototypes only, from before heads) is still read, without a head.
    delete file.head;
    file.version = 1;
    const v1 = join(dir, 'v1.json');
    writeFileSync(v1, JSON.stringify(file));
    const old = PrototypeStore.load(v1, 'model-a', dim);
    assert.equal(old.head, undefined);
    assert.equal(old.enrolled().length, 10);
    // Mode 'adapted' without a head is hybrid, and says so.
    const probs = new Float32Array(10).fill(0.1);
    assert.equal(modeProbs('adapted', probs, unit(randVec()), old, 0.5).mode, 'hybrid');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the string head is saved and read back, dropped when a take changes, and a damaged one is refused', () => {
  const dir = tmp();
  try {
    const s = filledStore();
    const C = 11;
    const stringHead = {
      modelId: 'strings-a',
      weights: Float32Array.from({ length: C * C }, (_, i) => (i % (C + 1) === 0 ? 1.2 : 0)),
      bias: Float32Array.from({ length: C }, (_, k) => k / 10),
    };
    s.setStringHead(stringHead);
    const path = join(dir, 'p.json');
    s.save(path);
    const back = PrototypeStore.load(path, 'model-a', dim);
    assert.equal(back.stringHead?.modelId, 'strings-a');
    assert.deepEqual(Array.from(back.stringHead.weights), Array.from(stringHead.weights));
    for (let k = 0; k < C; k++) assert.ok(Math.abs(back.stringHead.bias[k] - stringHead.bias[k]) < 1e-6);
    back.addTake(5, randVec());
    assert.equal(back.stringHead, undefined, 'a string head learned from other takes must not survive a new take');
    assert.throws(() => s.setStringHead({ ...stringHead, weights: new Float32Array(C * C - 1) }), RangeError);
    assert.throws(() => s.setStringHead({ ...stringHead, bias: Float32Array.from({ length: C }, () => NaN) }), RangeError);

    const file = JSON.parse(readFileSync(path, 'utf8')) as { version: number; stringHead?: { weights: number[][]; modelId?: string } };
    assert.equal(file.version, 3);
    (file.stringHead!.weights[2] as unknown[])[7] = 'x';
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(file));
    assert.throws(
      () => PrototypeStore.load(bad, 'model-a', dim),
      (e: unknown) => e instanceof PrototypeStoreError && e.code === 'PROTOTYPES_CORRUPT' && /string head/.test(e.message),
    );
    delete file.stringHead!.modelId;
    file.stringHead!.weights[2][7] = 0;
    writeFileSync(bad, JSON.stringify(file));
    assert.throws(
      () => PrototypeStore.load(bad, 'model-a', dim),
      (e: unknown) => e instanceof PrototypeStoreError && /string head names no string model/.test(e.message),
    );
    // A version 2 file (from before string heads) is still read, without one.
    delete file.stringHead;
    file.version = 2;
    writeFileSync(bad, JSON.stringify(file));
    assert.equal(PrototypeStore.load(bad, 'model-a', dim).stringHead, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
