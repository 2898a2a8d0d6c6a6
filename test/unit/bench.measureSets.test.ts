import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { promptClips } from '../../bench/realPrompts';
import { digitsOf, parseTranscription, realUtterances } from '../../bench/pocketsphinxData';
import { isDigitLike, KLETTRES_SPLIT, klettresClips, readableName } from '../../bench/klettres';
import { readWithSox } from '../../bench/soxRead';
import { DIGIT_WORDS } from '../../src/shared/constants';
import { BENCH_WORDS, SPELLED_WORDS } from '../fixtures/nonDigitText';

test('the real prompt voice: digits and "oh" as digits; "o", "niner", numbers past nine and unknown prompts never count as non-digit words', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dd-prompts-'));
  try {
    assert.equal(promptClips(dir), undefined, 'no package, no set');
    const put = (sub: string, names: string[]) => {
      mkdirSync(join(dir, sub), { recursive: true });
      for (const n of names) writeFileSync(join(dir, sub, `${n}.wav`), '');
    };
    put('digits', [...Array.from({ length: 10 }, (_, d) => String(d)), 'oh', '17', '90', 'h-1', 'mon-1', 'day-3', 'hundred', 'star']);
    put('letters', ['a', 'o', 'zed']);
    put('phonetic', ['9_p', 'a_p', 'o_p']);
    put('.', ['vm-press']);
    const set = promptClips(dir)!;
    assert.deepEqual(
      set.digits.map((c) => [c.word, c.digit]),
      [...Array.from({ length: 10 }, (_, d) => [String(d), d]), ['oh', 0]],
    );
    assert.deepEqual(set.words.map((c) => c.word).sort(), [
      'day-3',
      'hundred',
      'letter a',
      'letter zed',
      'mon-1',
      'phonetic a',
      'phonetic o',
      'star',
    ]);
    assert.ok(set.words.every((c) => c.digit === undefined));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('spelled words (verifier negatives and the rule-95 dev measure) hold no digit, no "oh" and none of the streaming benchmark words', () => {
  const said = new Set(SPELLED_WORDS);
  assert.equal(said.size, SPELLED_WORDS.length, 'no word twice');
  for (const w of [...DIGIT_WORDS, 'oh', 'o', 'niner', ...BENCH_WORDS]) assert.ok(!said.has(w), `"${w}" is not a spelled negative`);
  assert.equal(SPELLED_WORDS.length, 52);
});

test('KLettres: the three parts share no language, digit-like names are left out everywhere, and a clip decodes through sox at the asked rate', () => {
  const parts = Object.values(KLETTRES_SPLIT).flat();
  assert.equal(new Set(parts).size, parts.length, 'a language in two parts');
  assert.ok(KLETTRES_SPLIT.reported.every((l) => l.startsWith('en')) && !KLETTRES_SPLIT.train.some((l) => l.startsWith('en')));
  assert.equal(readableName('U006F.ogg'), 'o');
  assert.equal(readableName('Fisch.ogg'), 'fisch');
  for (const n of ['o', 'tu', 'for', 'two']) assert.ok(isDigitLike(n), n);
  for (const n of ['fisch', 'ba', 'a-3', 'ein']) assert.ok(!isDigitLike(n), n);
  const dir = mkdtempSync(join(tmpdir(), 'dd-klettres-'));
  try {
    assert.equal(klettresClips('dev', dir), undefined, 'no package, no set');
    mkdirSync(join(dir, 'en', 'alpha'), { recursive: true });
    mkdirSync(join(dir, 'de', 'syllab'), { recursive: true });
    mkdirSync(join(dir, 'nl', 'alpha'), { recursive: true });
    const tone = join(dir, 'de', 'syllab', 'ein.ogg');
    const made = spawnSync('sox', ['-n', '-r', '44100', '-c', '2', tone, 'synth', '0.5', 'sine', '440']);
    assert.equal(made.status, 0, `sox made no Ogg file: ${made.stderr.toString()}`);
    for (const f of ['tu.ogg', 'U006F.ogg']) writeFileSync(join(dir, 'de', 'syllab', f), '');
    writeFileSync(join(dir, 'nl', 'alpha', 'a-2.ogg'), '');
    writeFileSync(join(dir, 'de', 'syllab', 'notes.txt'), '');
    const dev = klettresClips('dev', dir)!;
    assert.deepEqual(
      dev.map((c) => `${c.language}/${c.kind}/${c.name}`),
      ['de/syllab/ein', 'nl/alpha/a-2'],
    );
    const x = readWithSox(tone, 8000);
    assert.deepEqual(readWithSox(tone, 8000), x, 'a second read is the same to the last bit (sox dither seeded)');
    assert.ok(Math.abs(x.length - 4000) <= 40, `0.5 s at 8 kHz, got ${x.length} samples`);
    const peak = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    assert.ok(peak > 0.3 && peak <= 1, `a full-scale tone, mixed to mono (peak ${peak})`);
    assert.throws(() => readWithSox(join(dir, 'nl', 'alpha', 'a-2.ogg'), 8000), /sox could not read .*a-2\.ogg/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('PocketSphinx test data: digits from transcripts ("oh" is zero, "ten" is no digit), Sphinx transcription lines, TIDIGITS names', () => {
  assert.deepEqual(digitsOf('Eight of spades four of clubs'), [8, 4]);
  assert.deepEqual(digitsOf('ten of clubs'), []);
  assert.deepEqual(digitsOf('oh two  nine'), [0, 2, 9]);
  assert.deepEqual(parseTranscription('<s> five five  </s> (004)\n\nnoise\n<s> he was not </s> (book-0880)\n'), [
    { id: '004', words: 'five five' },
    { id: 'book-0880', words: 'he was not' },
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'dd-sphinx-'));
  try {
    assert.equal(realUtterances(dir), undefined, 'no package, no set');
    for (const sub of ['cards', 'librivox', 'tidigits']) mkdirSync(join(dir, sub));
    writeFileSync(join(dir, 'cards', 'cards.transcription'), '<s> seven of clubs </s> (003)\n<s> ten </s> (009)\n');
    writeFileSync(join(dir, 'cards', '003.wav'), '');
    writeFileSync(join(dir, 'tidigits', 'dhd.29o4z.raw'), '');
    writeFileSync(join(dir, 'tidigits', 'bad.2x.raw'), '');
    const set = realUtterances(dir)!;
    assert.deepEqual(
      set.map((u) => [u.text, u.digits, u.raw]),
      [
        ['two nine zero four zero', [2, 9, 0, 4, 0], true],
        ['seven of clubs', [7], false],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
