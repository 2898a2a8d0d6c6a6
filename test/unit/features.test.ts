import { test } from 'node:test';
import Meyda from 'meyda';
import assert from 'node:assert/strict';
import { readWav } from '../../src/audio/wav';
import { FEATURE_CONFIG as cfg } from '../../src/features/config';
import { frameCount, logMelFrame, logMelFrames, toModelInput, trimSilence, utteranceFeatures } from '../../src/features/logmel';
import { fsddFile } from './helpers';

/**
 * Independent reference: a naive DFT and an HTK mel filterbank written from the formulas, not
 * from meyda's code, to catch a misconfigured meyda (window, scaling, band edges, log).
 */
function referenceLogMel(frame: Float32Array): Float64Array {
  const N = cfg.frameSize;
  const x = Array.from(frame, (v, i) => v * cfg.inputScale * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (N - 1))));
  const power = new Float64Array(N / 2);
  for (let k = 0; k < N / 2; k++) {
    let re = 0;
    let im = 0;
    for (let n = 0; n < N; n++) {
      re += x[n] * Math.cos((2 * Math.PI * k * n) / N);
      im -= x[n] * Math.sin((2 * Math.PI * k * n) / N);
    }
    power[k] = re * re + im * im;
  }
  const mel = (f: number) => 1125 * Math.log(1 + f / 700);
  const hz = (m: number) => 700 * (Math.exp(m / 1125) - 1);
  const edges = Array.from({ length: cfg.melBands + 2 }, (_, i) =>
    Math.floor(((N + 1) * hz((i * mel(cfg.sampleRate / 2)) / (cfg.melBands + 1))) / cfg.sampleRate),
  );
  const out = new Float64Array(cfg.melBands);
  for (let b = 0; b < cfg.melBands; b++) {
    let e = 0;
    for (let k = edges[b]; k < edges[b + 2] && k < N / 2; k++) {
      const w = k < edges[b + 1] ? (k - edges[b]) / (edges[b + 1] - edges[b]) : (edges[b + 2] - k) / (edges[b + 2] - edges[b + 1]);
      e += w * power[k];
    }
    out[b] = Math.log(1 + e);
  }
  return out;
}

test('meyda log-mel matches an independent DFT + mel filterbank on real speech', () => {
  const { samples } = readWav(fsddFile('7_jackson_0.wav'), cfg.sampleRate);
  let checked = 0;
  let maxDiff = 0;
  for (let start = 0; start + cfg.frameSize <= samples.length; start += cfg.hopSize * 7) {
    const frame = samples.slice(start, start + cfg.frameSize);
    const got = logMelFrame(frame);
    const want = referenceLogMel(frame);
    for (let b = 0; b < cfg.melBands; b++) maxDiff = Math.max(maxDiff, Math.abs(got[b] - want[b]));
    checked++;
  }
  assert.ok(checked >= 3, `checked ${checked} frames`);
  assert.ok(maxDiff < 1e-3, `max |meyda − reference| = ${maxDiff}`);
});

test("the sparse band sums equal meyda's own melBands extractor", () => {
  const { samples } = readWav(fsddFile('9_yweweler_3.wav'), cfg.sampleRate);
  const frame = samples.slice(800, 800 + cfg.frameSize);
  const got = logMelFrame(frame);
  const scaled = frame.map((v) => v * cfg.inputScale);
  const want = Meyda.extract('melBands', scaled) as unknown as number[];
  assert.equal(want.length, cfg.melBands);
  for (let b = 0; b < cfg.melBands; b++)
    assert.ok(Math.abs(got[b] - want[b]) < 1e-4 * Math.max(1, Math.abs(want[b])), `band ${b}: ${got[b]} vs ${want[b]}`);
});

test('silence gives the padding value and speech is far above it', () => {
  const silent = logMelFrame(new Float32Array(cfg.frameSize));
  assert.ok(silent.every((v) => v === 0));
  const { samples } = readWav(fsddFile('3_theo_1.wav'), cfg.sampleRate);
  const { data, frames } = logMelFrames(samples);
  const peak = Math.max(...data);
  assert.ok(peak > 15, `peak log-mel ${peak}`);
  assert.equal(frames, frameCount(samples.length));
});

test('frames are computed per hop so the streaming engine can build them incrementally', () => {
  const { samples } = readWav(fsddFile('5_nicolas_2.wav'), cfg.sampleRate);
  const { data } = logMelFrames(samples);
  const f = 9;
  const single = logMelFrame(samples.slice(f * cfg.hopSize, f * cfg.hopSize + cfg.frameSize));
  assert.deepEqual(Array.from(data.subarray(f * cfg.melBands, (f + 1) * cfg.melBands)), Array.from(single));
});

test('model input is left-aligned, silence-padded and cropped to the configured length', () => {
  const bands = cfg.melBands;
  const short = new Float32Array(3 * bands).fill(2);
  const padded = toModelInput(short, 3);
  assert.equal(padded.length, cfg.frames * bands);
  assert.equal(padded[3 * bands - 1], 2);
  assert.equal(padded[3 * bands], 0);
  const long = new Float32Array((cfg.frames + 20) * bands).map((_, i) => Math.floor(i / bands));
  const cropped = toModelInput(long, cfg.frames + 20);
  assert.equal(cropped[cropped.length - 1], cfg.frames - 1);
  assert.equal(utteranceFeatures(new Float32Array(10)).length, cfg.frames * bands);
});

test('trimSilence removes leading and trailing silence but keeps the word', () => {
  const { samples } = readWav(fsddFile('0_george_0.wav'), cfg.sampleRate);
  const lead = 4000;
  const padded = new Float32Array(lead + samples.length + 4000);
  padded.set(samples, lead);
  const trimmed = trimSilence(padded);
  assert.ok(trimmed.length < samples.length + 1000, `trimmed to ${trimmed.length} from ${padded.length}`);
  const energy = (a: Float32Array) => a.reduce((s, v) => s + v * v, 0);
  assert.ok(energy(trimmed) > 0.99 * energy(samples));
});

test('VTLP warp (training only): 1 is the plain features, > 1 moves a tone up the bands, < 1 down; bad warps refused', () => {
  const tone = new Float32Array(4000).map((_, i) => 0.3 * Math.sin((2 * Math.PI * 1000 * i) / cfg.sampleRate));
  const peakBand = (warp: number) => {
    const { data } = logMelFrames(tone, cfg, warp);
    const frame = Array.from(data.subarray(10 * cfg.melBands, 11 * cfg.melBands));
    return frame.indexOf(Math.max(...frame));
  };
  assert.deepEqual(logMelFrames(tone, cfg, 1).data, logMelFrames(tone).data);
  const plain = peakBand(1);
  assert.ok(peakBand(1.15) > plain, `warp 1.15: band ${peakBand(1.15)} vs ${plain}`);
  assert.ok(peakBand(0.85) < plain, `warp 0.85: band ${peakBand(0.85)} vs ${plain}`);
  // The top band stays filled (the warp reaches Nyquist): white noise keeps energy there.
  const noise = new Float32Array(4000).map((_, i) => 0.1 * Math.sin(i * i * 0.37));
  for (const w of [0.9, 1.1]) assert.ok(logMelFrames(noise, cfg, w).data[5 * cfg.melBands + cfg.melBands - 1] > 1);
  for (const w of [0, 3, Number.NaN]) assert.throws(() => logMelFrames(tone, cfg, w), RangeError);
});
