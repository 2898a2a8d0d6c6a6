import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promptClips } from '../../bench/realPrompts';
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
