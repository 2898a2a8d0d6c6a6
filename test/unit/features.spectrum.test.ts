/**
 * The hand-written power spectrum must be meyda's, bit for bit: the shipped model was trained on
 * meyda's features, and any difference (even in the last float bit) would be a silent drift.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Meyda from 'meyda';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readWav } from '../../src/audio/wav';
import { pinkNoise } from '../fixtures/corpus';
import { FEATURE_CONFIG as cfg } from '../../src/features/config';
import { logMelFrame } from '../../src/features/logmel';
import { hannPowerSpectrum } from '../../src/features/spectrum';
import { mulberry32 } from '../../src/train/rng';
import { FSDD } from './helpers';

function configureMeyda(): void {
  const m = Meyda as unknown as { bufferSize: number; sampleRate: number; melBands: number; windowingFunction: string };
  m.bufferSize = cfg.frameSize;
  m.sampleRate = cfg.sampleRate;
  m.melBands = cfg.melBands;
  m.windowingFunction = cfg.window;
}

/** Every hop of one take of each digit by each speaker, scaled as logMelFrame scales them. */
function fsddFrames(): Float32Array[] {
  const names = readdirSync(FSDD)
    .filter((f) => /^\d_[a-z]+_0\.wav$/.test(f))
    .sort();
  assert.ok(names.length >= 50, `${names.length} FSDD files`);
  const frames: Float32Array[] = [];
  for (const name of names) {
    const { samples } = readWav(join(FSDD, name), cfg.sampleRate);
    for (let s = 0; s + cfg.frameSize <= samples.length; s += cfg.hopSize)
      frames.push(samples.slice(s, s + cfg.frameSize).map((v) => v * cfg.inputScale));
  }
  return frames;
}

test("hannPowerSpectrum equals meyda's powerSpectrum bit for bit on FSDD frames, silence and noise", () => {
  configureMeyda();
  const frames = fsddFrames();
  frames.push(
    new Float32Array(cfg.frameSize),
    pinkNoise(cfg.frameSize, -60, mulberry32(3)).map((v) => v * cfg.inputScale),
  );
  const out = new Float32Array(cfg.frameSize / 2);
  let bins = 0;
  for (const f of frames) {
    const want = Meyda.extract('powerSpectrum', f) as unknown as Float32Array;
    const got = hannPowerSpectrum(f, out);
    assert.equal(want.length, got.length);
    for (let k = 0; k < want.length; k++) {
      if (!Object.is(got[k], want[k])) assert.fail(`bin ${k}: ${got[k]} vs meyda ${want[k]}`);
      bins++;
    }
  }
  assert.ok(bins > 100_000, `${bins} bins compared`);
});

test('logMelFrame writes into a given view and leaves the rest of the buffer alone', () => {
  const frame = Float32Array.from({ length: cfg.frameSize }, (_, i) => Math.sin(i / 3) * 0.1);
  const buf = new Float32Array(3 * cfg.melBands).fill(7);
  const view = buf.subarray(cfg.melBands, 2 * cfg.melBands);
  assert.equal(logMelFrame(frame, cfg, view), view);
  assert.deepEqual(Array.from(view), Array.from(logMelFrame(frame)));
  assert.ok(buf.subarray(0, cfg.melBands).every((v) => v === 7) && buf.subarray(2 * cfg.melBands).every((v) => v === 7));
});
