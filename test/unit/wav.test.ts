import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WaveFile } from 'wavefile';
import { decodeWav, encodeWav, readWav } from '../../src/audio/wav';
import { AudioFormatError } from '../../src/errors';
import { loadClips, parseClipName, splitOf } from '../../src/train/dataset';
import { fsddFile } from './helpers';

test('reads an FSDD recording as mono float samples in [-1, 1]', () => {
  const { sampleRate, samples } = readWav(fsddFile('1_lucas_3.wav'));
  assert.equal(sampleRate, 8000);
  assert.ok(samples.length > 1000);
  const peak = samples.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  assert.ok(peak > 0.05 && peak <= 1, `peak ${peak}`);
});

test('stereo 16 kHz audio is averaged to mono and resampled to the model rate', () => {
  const { samples } = readWav(fsddFile('1_lucas_3.wav'));
  const n = samples.length * 2;
  const left = new Int16Array(n);
  const right = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    left[i] = Math.round(samples[Math.floor(i / 2)] * 32767);
    right[i] = 0;
  }
  const wav = new WaveFile();
  wav.fromScratch(2, 16000, '16', [left, right]);
  const audio = decodeWav(wav.toBuffer(), 'stereo16k.wav', 8000);
  assert.equal(audio.sampleRate, 8000);
  assert.ok(Math.abs(audio.samples.length - samples.length) <= 2, `${audio.samples.length} vs ${samples.length}`);
  const peak = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  assert.ok(Math.abs(peak(audio.samples) - peak(samples) / 2) < 0.1 * peak(samples), 'channels are averaged');
});

test('malformed files raise AudioFormatError naming the file and the problem', () => {
  const good = encodeWav(
    new Float32Array(800).map((_, i) => Math.sin(i / 5) * 0.5),
    8000,
  );
  const cases: Array<[string, Uint8Array, string]> = [
    ['random.wav', new Uint8Array(200).map((_, i) => (i * 37) & 255), 'WAV_UNREADABLE'],
    ['truncated.wav', good.slice(0, 20), 'WAV_UNREADABLE'],
    ['empty.wav', encodeWav(new Float32Array(0), 8000), 'WAV_EMPTY'],
  ];
  const adpcm = good.slice();
  new DataView(adpcm.buffer).setUint16(20, 2, true); // format tag 2 = MS ADPCM
  cases.push(['adpcm.wav', adpcm, 'WAV_NOT_PCM']);
  for (const [name, bytes, code] of cases) {
    assert.throws(
      () => decodeWav(bytes, name),
      (err: unknown) => err instanceof AudioFormatError && err.code === code && err.message.includes(name),
      `${name} should fail with ${code}`,
    );
  }
  assert.throws(
    () => readWav('/nonexistent/x.wav'),
    (e: unknown) => e instanceof AudioFormatError && e.code === 'WAV_NOT_FOUND',
  );
});

test('the dataset loader skips and reports bad files instead of crashing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dd-data-'));
  try {
    for (const f of ['2_theo_0.wav', '2_theo_7.wav', '9_george_12.wav']) symlinkSync(fsddFile(f), join(dir, f));
    writeFileSync(join(dir, '4_theo_1.wav'), new Uint8Array(64));
    writeFileSync(join(dir, 'notes_about.wav'), encodeWav(new Float32Array(100), 8000));
    writeFileSync(join(dir, 'README.txt'), 'ignored');
    const { clips, skipped } = loadClips(dir);
    assert.deepEqual(clips.map((c) => c.file).sort(), ['2_theo_0.wav', '2_theo_7.wav', '9_george_12.wav']);
    assert.equal(skipped.count, 2);
    assert.deepEqual(skipped.examples.sort(), ['4_theo_1.wav', 'notes_about.wav']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('names and splits follow FSDD: takes 0–4 test, 5–9 validation, the rest train', () => {
  assert.deepEqual(parseClipName('7_jackson_32.wav'), { digit: 7, speaker: 'jackson', take: 32 });
  assert.equal(parseClipName('77_jackson_3.wav'), undefined);
  assert.equal(splitOf({ take: 4, speaker: 'x' }), 'test');
  assert.equal(splitOf({ take: 5, speaker: 'x' }), 'val');
  assert.equal(splitOf({ take: 10, speaker: 'x' }), 'train');
  assert.equal(splitOf({ take: 30, speaker: 'theo' }, 'theo'), 'test');
  assert.equal(splitOf({ take: 3, speaker: 'george' }, 'theo'), 'val');
});
