import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/atomicWrite';

test('writeFileAtomic replaces the file and leaves no temp file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dd-atomic-'));
  try {
    const p = join(dir, 'model.onnx');
    writeFileSync(p, 'old');
    writeFileAtomic(p, new Uint8Array([1, 2, 3]));
    assert.deepEqual([...readFileSync(p)], [1, 2, 3]);
    assert.deepEqual(readdirSync(dir), ['model.onnx']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed rename removes the temp file and leaves the target as it was', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dd-atomic-'));
  try {
    const target = join(dir, 'busy');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'kept');
    assert.throws(() => writeFileAtomic(target, 'new contents'));
    assert.deepEqual(readdirSync(dir), ['busy'], 'no temp file left beside the target');
    assert.equal(readFileSync(join(target, 'keep.txt'), 'utf8'), 'kept');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
