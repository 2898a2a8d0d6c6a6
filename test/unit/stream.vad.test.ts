import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileSource } from '../../src/audio/source';
import { digitStream, loadFsdd, pinkNoise, Stream } from '../fixtures/corpus';
import { FEATURE_CONFIG as cfg } from '../../src/features/config';
import { FrameBuffer } from '../../src/stream/frames';
import { DEFAULT_ENGINE_OPTIONS, mergeOptions } from '../../src/stream/options';
import { recordUtterance } from '../../src/stream/record';
import { EnergyVad } from '../../src/stream/vad';
import { mulberry32 } from '../../src/train/rng';
import { FSDD } from './helpers';

const hopMs = (cfg.hopSize / cfg.sampleRate) * 1000;

interface Segment {
  startMs: number;
  endMs: number;
}

/** Segments the VAD finds in `samples`, fed through decibri File.buffer like the engine. */
async function segments(samples: Float32Array, vadPatch = {}): Promise<Segment[]> {
  const opts = mergeOptions(DEFAULT_ENGINE_OPTIONS, { vad: vadPatch });
  const vad = new EnergyVad(opts.vad, { hopMs });
  const frames = new FrameBuffer(cfg.frameSize, cfg.hopSize);
  const out: Segment[] = [];
  let onset = 0;
  const src = await fileSource(samples, cfg.sampleRate);
  for await (const chunk of src.chunks()) {
    frames.push(chunk.samples);
    for (const f of frames.frames()) {
      const ev = vad.push(f.index, f);
      if (ev.type === 'start') onset = f.index;
      if (ev.type === 'end' && !ev.tooShort)
        out.push({ startMs: onset * hopMs, endMs: ((ev.lastSpeechFrame * cfg.hopSize + cfg.frameSize) / cfg.sampleRate) * 1000 });
    }
    frames.discardBefore(Math.floor(frames.received / cfg.hopSize) - 10);
  }
  return out;
}

// Twelve words from different speakers and digits, test split.
const clips = loadFsdd(FSDD, 'test')
  .filter((c, i) => i % 25 === 3)
  .slice(0, 12);

function matchWords(stream: Stream, segs: Segment[], onsetToleranceMs = 80) {
  // Each word must overlap exactly one segment, and each segment exactly one word.
  const overlaps = (w: Segment, s: Segment) => s.startMs < w.endMs && s.endMs > w.startMs;
  for (const w of stream.words) {
    const hit = segs.filter((s) => overlaps(w, s));
    assert.equal(hit.length, 1, `${w.name} at ${w.startMs.toFixed(0)}–${w.endMs.toFixed(0)} ms overlaps ${hit.length} segments`);
    // Onset near the trimmed word's start (which carries a 30 ms quiet margin).
    assert.ok(Math.abs(hit[0].startMs - w.startMs) < onsetToleranceMs, `${w.name}: onset ${hit[0].startMs} vs ${w.startMs}`);
  }
  for (const s of segs) assert.equal(stream.words.filter((w) => overlaps(w, s)).length, 1, `segment ${s.startMs}–${s.endMs} ms`);
}

test('energy VAD finds every word of a clean FSDD stream with 150–800 ms pauses, once each', async () => {
  assert.equal(clips.length, 12);
  const stream = digitStream(clips, { seed: 1 });
  const segs = await segments(stream.samples);
  assert.equal(segs.length, stream.words.length, JSON.stringify(segs));
  matchWords(stream, segs);
});

test('energy VAD still separates the words under pink noise at 20 dB SNR (quietest and a loud speaker)', async () => {
  // One speaker per stream, as in a dictation session; the SNR is relative to that speaker's words.
  const all = loadFsdd(FSDD, 'test');
  for (const speaker of ['theo', 'george']) {
    const own = all.filter((c) => c.speaker === speaker && c.take < 2);
    const stream = digitStream(own, { seed: 2, snrDb: 20 });
    // At 20 dB SNR the weakest 20 dB of a word lie under the noise, and the trimmed "start" can
    // be a breath (2_george_1 has 200 ms of it before the /t/): only gross lateness fails.
    matchWords(stream, await segments(stream.samples), 250);
  }
});

test('the shortest pause (150 ms) still separates two words', async () => {
  const stream = digitStream(clips.slice(0, 6), { seed: 3, gapMs: [150, 150] });
  matchWords(stream, await segments(stream.samples));
});

test('steady noise alone, loud or faint, opens no segment once the floor has adapted', async () => {
  for (const level of [-60, -30]) {
    const noise = pinkNoise(cfg.sampleRate * 6, level, mulberry32(level));
    const segs = await segments(noise);
    // The floors start at a quiet-room prior, so the first 200 ms open a segment: a faint room
    // ends it as a misfire; a loud one (as loud as a held vowel) is left to the rejection rules.
    // Once the floors are learnt, nothing more opens.
    assert.equal(segs.filter((s) => s.startMs > 0).length, 0, `${level} dBFS noise: ${JSON.stringify(segs)}`);
    if (level === -60) assert.equal(segs.length, 0, `${level} dBFS noise: ${JSON.stringify(segs)}`);
  }
});

test('a higher threshold multiplier makes the detector less sensitive (fewer speech frames)', async () => {
  const stream = digitStream(clips.slice(0, 4), { seed: 4, snrDb: 20 });
  const total = (s: Segment[]) => s.reduce((a, x) => a + x.endMs - x.startMs, 0);
  const lo = total(await segments(stream.samples, { thresholdMultiplier: 3 }));
  const hi = total(await segments(stream.samples, { thresholdMultiplier: 30 }));
  assert.ok(hi < lo, `speech ms: multiplier 30 → ${hi}, 3 → ${lo}`);
});

test('recordUtterance returns the first word of a stream, pre-roll and tail included', async () => {
  const stream = digitStream(clips.slice(0, 3), { seed: 5, gapMs: [400, 400] });
  const rec = await recordUtterance(await fileSource(stream.samples, cfg.sampleRate), {}, 5000);
  const w = stream.words[0];
  assert.ok(
    rec.startMs <= w.startMs + 60 && rec.endMs >= w.endMs - 80,
    `recorded ${rec.startMs}–${rec.endMs}, word ${w.startMs}–${w.endMs}`,
  );
  const wordLen = ((w.endMs - w.startMs) / 1000) * cfg.sampleRate;
  assert.ok(
    rec.samples.length > 0.7 * wordLen && rec.samples.length < wordLen + 0.15 * cfg.sampleRate,
    `${rec.samples.length} samples for a ${wordLen}-sample word`,
  );
});

test('recordUtterance gives up with ENROLL_TIMEOUT when nobody speaks', async () => {
  const silence = pinkNoise(cfg.sampleRate * 4, -60, mulberry32(9));
  await assert.rejects(
    recordUtterance(await fileSource(silence, cfg.sampleRate), {}, 2000),
    (e: unknown) => (e as { code?: string }).code === 'ENROLL_TIMEOUT',
  );
});

test('a word that starts at the very first frame is heard (a microphone opened mid-word)', async () => {
  for (const c of clips.slice(0, 6)) {
    // The word from sample 0, then silence so that it ends.
    const samples = new Float32Array(c.samples.length + 0.3 * cfg.sampleRate);
    samples.set(c.samples);
    const segs = await segments(samples);
    assert.equal(segs.length, 1, `${c.name}: ${JSON.stringify(segs)}`);
    assert.ok(segs[0].startMs < 40, `${c.name}: onset at ${segs[0].startMs} ms`);
  }
});

test('words levelled to −26 dBFS are each found once under white noise at 10 dB SNR', async () => {
  const rng = mulberry32(11);
  const stream = digitStream(clips, { seed: 6, wordLevelDb: -26 });
  const noise = Math.sqrt(Math.pow(10, -36 / 10));
  const noisy = { ...stream, samples: stream.samples.map((v) => v + noise * gaussianSample(rng)) };
  // A weak first consonant (the /θ/ of "three") lies under the noise: onsets up to 200 ms late.
  // The stream opens in loud noise: its first 200 ms (before the floors are learnt) may be a segment of its own.
  matchWords(
    noisy,
    (await segments(noisy.samples)).filter((s) => s.startMs > 0),
    200,
  );
});

function gaussianSample(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}
