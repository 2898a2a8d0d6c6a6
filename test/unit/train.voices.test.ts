import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCorpus, defaultCorpusDir } from '../../src/train/corpus';
import { HELD_OUT_VOICES, isFemaleVoice, NAMED_VARIANT_VOICES, TRAIN_VOICES, UNSEEN_ENGINE_VOICES } from '../../src/train/voices';
import { DEV_VOICES } from '../../bench/voiceTakes';

const variant = (name: string) => (name.split('+')[1] ?? '').toLowerCase();

test('the named espeak-ng variants are new voices: none is a training, held-out or development voice', () => {
  const taken = new Set([...TRAIN_VOICES, ...HELD_OUT_VOICES].map((v) => v.name));
  const devVariants = new Set(DEV_VOICES.map((v) => variant(v.name)));
  // Mr_Serious's file is "Mr", Andy's sibling "AnxiousAndy": both stay out with the dev voices.
  for (const d of ['mr', 'anxiousandy', 'edward2', 'gene2']) devVariants.add(d);
  assert.ok(NAMED_VARIANT_VOICES.length >= 40, `${NAMED_VARIANT_VOICES.length} voices`);
  assert.equal(new Set(NAMED_VARIANT_VOICES.map((v) => v.id)).size, NAMED_VARIANT_VOICES.length, 'ids are unique');
  for (const v of NAMED_VARIANT_VOICES) {
    assert.ok(!taken.has(v.name), `${v.name} is already in the split`);
    assert.ok(!devVariants.has(variant(v.name)), `${v.name} is a development voice`);
    assert.match(v.id, /^[A-Za-z0-9-]+$/);
  }
});

test('every named variant exists in this espeak-ng (an unknown variant would silently speak the default voice)', () => {
  const r = spawnSync('espeak-ng', ['--voices=variant'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const files = new Set(
    r.stdout
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/)[4]?.replace('!v/', ''))
      .filter(Boolean),
  );
  for (const v of NAMED_VARIANT_VOICES) assert.ok(files.has(v.name.split('+')[1]), `${v.name}: no such variant file`);
});

test('every named and development variant changes the voice it is added to (espeak-ng ignores some silently)', () => {
  const say = (voice: string) => spawnSync('espeak-ng', ['-v', voice, '--stdout', 'four two seven']).stdout;
  for (const v of [...NAMED_VARIANT_VOICES, ...DEV_VOICES]) {
    const [lang] = v.name.split('+');
    assert.ok(!say(v.name).equals(say(lang)), `${v.name} sounds exactly like ${lang}`);
  }
});

test('corpus --named-variants: a supplementary corpus of the named variants only, reused when unchanged', async () => {
  const out = mkdtempSync(join(tmpdir(), 'dd-named-'));
  try {
    const opts = { out, seed: 1, espeakTakes: 1, otherTakes: 1, voices: 'named-variants' as const };
    const r = await buildCorpus(opts);
    assert.equal(r.reused, false);
    const files = readdirSync(r.train);
    assert.equal(files.length, NAMED_VARIANT_VOICES.length * 10);
    const ids = new Set(files.map((f) => /^\d_(.+)_\d+\.wav$/.exec(f)![1]));
    assert.deepEqual([...ids].sort(), NAMED_VARIANT_VOICES.map((v) => v.id).sort());
    assert.deepEqual(readdirSync(r.heldout), [], 'no held-out voices in a supplementary corpus');
    assert.equal((await buildCorpus(opts)).reused, true);
    // Its own cache folder: building it never replaces the default corpus.
    assert.notEqual(defaultCorpusDir('named-variants'), defaultCorpusDir());
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the voices of unseen engines are measurement only: no training list holds their engines or voices', () => {
  const trained = [...TRAIN_VOICES, ...NAMED_VARIANT_VOICES];
  const others = [...trained, ...HELD_OUT_VOICES, ...DEV_VOICES];
  assert.equal(new Set(UNSEEN_ENGINE_VOICES.map((v) => v.id)).size, UNSEEN_ENGINE_VOICES.length, 'ids are unique');
  for (const v of UNSEEN_ENGINE_VOICES) {
    assert.match(v.id, /^[A-Za-z0-9-]+$/);
    assert.ok(!others.some((o) => o.id === v.id || (o.engine === v.engine && o.name === v.name)), `${v.id} is in another list`);
  }
  for (const v of trained) {
    assert.ok(v.engine !== 'pico' && v.engine !== 'rhvoice', `${v.id}: a training voice of an unseen engine`);
    assert.ok(!v.name.startsWith('mb-'), `${v.id}: a training voice speaks through MBROLA`);
  }
  assert.deepEqual(new Set(UNSEEN_ENGINE_VOICES.map((v) => v.engine)), new Set(['pico', 'espeak-ng', 'rhvoice']));
});

test('isFemaleVoice keeps the corpus pitch ranges of every existing voice (the old rule was /\\+f\\d|slt/)', () => {
  for (const v of [...TRAIN_VOICES, ...HELD_OUT_VOICES, ...NAMED_VARIANT_VOICES])
    assert.equal(isFemaleVoice(v), /\+f\d|slt/.test(v.name), v.id);
  assert.deepEqual(
    UNSEEN_ENGINE_VOICES.filter(isFemaleVoice).map((v) => v.id),
    ['pico-en-US', 'pico-en-GB', 'mbrola-us1', 'rhvoice-clb', 'rhvoice-slt'],
  );
});

test('corpus --unseen-engines without its synthesisers stops with the command that installs them, and leaves no corpus that looks whole', async () => {
  const out = mkdtempSync(join(tmpdir(), 'dd-unseen-'));
  const path = process.env.PATH;
  // An empty PATH stands in for a machine without them (this one may have them installed).
  process.env.PATH = mkdtempSync(join(tmpdir(), 'dd-nopath-'));
  try {
    await assert.rejects(
      buildCorpus({ out, seed: 1, espeakTakes: 1, otherTakes: 1, voices: 'unseen-engines' }),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'CORPUS_TOOL_MISSING');
        assert.match(err.message, /pico2wave is not installed: node scripts\/ensure-system-deps\.js --unseen-engines/);
        return true;
      },
    );
    assert.ok(!readdirSync(out).includes('manifest.json'));
  } finally {
    process.env.PATH = path;
    rmSync(out, { recursive: true, force: true });
  }
  assert.notEqual(defaultCorpusDir('unseen-engines'), defaultCorpusDir());
  assert.notEqual(defaultCorpusDir('unseen-engines'), defaultCorpusDir('named-variants'));
});
