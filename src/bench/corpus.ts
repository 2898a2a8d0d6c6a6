/**
 * Synthetic streams for the streaming benchmark and tests: FSDD words (read in place, never
 * copied) laid end to end with random pauses, optional background noise at a given SNR, and
 * non-digit audio (espeak-ng speech, noise bursts, clicks). Ground truth comes with each stream.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWav } from '../audio/wav';
import { FEATURE_CONFIG } from '../features/config';
import { loadClips } from '../train/dataset';
import { gaussian, mulberry32, Rng } from '../train/rng';

export interface Clip {
  name: string;
  digit: number;
  speaker: string;
  take: number;
  /** Trimmed word (trimSilence: −40 dB of peak, 30 ms margins). */
  samples: Float32Array;
}

export interface Word {
  digit: number;
  name: string;
  /** Where the trimmed word sits in the stream, ms. */
  startMs: number;
  endMs: number;
}

export interface Stream {
  samples: Float32Array;
  sampleRate: number;
  words: Word[];
}

/** FSDD recordings of a split (takes 0–4 are the official test split, 5–49 train), via the trainer's loader. */
export function loadFsdd(dir: string, split: 'test' | 'train', limit = Infinity): Clip[] {
  const { clips } = loadClips(dir, FEATURE_CONFIG, (c) => (split === 'test') === c.take < 5);
  return clips.slice(0, limit).map(({ file, ...c }) => ({ name: file, ...c }));
}

export function meanPower(x: Float32Array): number {
  let p = 0;
  for (let i = 0; i < x.length; i++) p += x[i] * x[i];
  return p / Math.max(1, x.length);
}

/** A copy of `x` scaled to a mean power of `db` dBFS (silence stays silence). */
export function atLevel(x: Float32Array, db: number): Float32Array {
  const g = Math.sqrt(Math.pow(10, db / 10) / Math.max(meanPower(x), 1e-12));
  return x.map((v) => v * g);
}

/** White noise at a given level (dBFS mean power). */
export function whiteNoise(n: number, levelDb: number, rng: Rng): Float32Array {
  const a = Math.pow(10, levelDb / 20);
  return Float32Array.from({ length: n }, () => a * gaussian(rng));
}

/**
 * Pink (1/f) noise, Paul Kellet's economy filter over white noise, scaled to `levelDb` mean power:
 * closer to room and fan noise than white noise, and harder for a speech detector.
 */
export function pinkNoise(n: number, levelDb: number, rng: Rng): Float32Array {
  const out = new Float32Array(n);
  let b0 = 0,
    b1 = 0,
    b2 = 0;
  for (let i = 0; i < n; i++) {
    const w = gaussian(rng);
    b0 = 0.99765 * b0 + w * 0.099046;
    b1 = 0.963 * b1 + w * 0.2965164;
    b2 = 0.57 * b2 + w * 1.0526913;
    out[i] = b0 + b1 + b2 + w * 0.1848;
  }
  const scale = Math.sqrt(Math.pow(10, levelDb / 10) / meanPower(out));
  for (let i = 0; i < n; i++) out[i] *= scale;
  return out;
}

export interface DigitStreamOptions {
  seed: number;
  gapMs?: [number, number];
  /** Silence before the first and after the last word. */
  edgeMs?: number;
  /** A faint noise floor everywhere (dBFS), so "silence" is not digital zero. */
  floorDb?: number;
  /** Background pink noise at this SNR (dB) relative to the words' level. */
  snrDb?: number;
  /**
   * Every word is scaled to this mean power (dBFS), as a microphone with gain control would
   * deliver it; FSDD speakers were recorded 20 dB apart, which would make one global SNR mean
   * 10 dB for some speakers and 30 dB for others. Undefined keeps the recorded levels.
   */
  wordLevelDb?: number;
}

/** Words end to end with random pauses drawn uniformly from `gapMs`. */
export function digitStream(clips: Clip[], o: DigitStreamOptions, rate = FEATURE_CONFIG.sampleRate): Stream {
  const rng = mulberry32(o.seed);
  const [gMin, gMax] = o.gapMs ?? [150, 800];
  const edge = Math.round(((o.edgeMs ?? 500) / 1000) * rate);
  const gaps = clips.map((_, i) => (i === 0 ? edge : Math.round(((gMin + rng() * (gMax - gMin)) / 1000) * rate)));
  const total = gaps.reduce((a, b) => a + b, 0) + clips.reduce((a, c) => a + c.samples.length, 0) + edge;
  const samples = new Float32Array(total);
  const words: Word[] = [];
  let pos = 0;
  let speechPower = 0;
  let speechLen = 0;
  const level = o.wordLevelDb === undefined ? undefined : Math.pow(10, o.wordLevelDb / 10);
  clips.forEach((c, i) => {
    pos += gaps[i];
    const gain = level === undefined ? 1 : Math.sqrt(level / meanPower(c.samples));
    samples.set(gain === 1 ? c.samples : c.samples.map((v) => v * gain), pos);
    words.push({ digit: c.digit, name: c.name, startMs: (pos / rate) * 1000, endMs: ((pos + c.samples.length) / rate) * 1000 });
    speechPower += meanPower(c.samples) * gain * gain * c.samples.length;
    speechLen += c.samples.length;
    pos += c.samples.length;
  });
  addInPlace(samples, whiteNoise(total, o.floorDb ?? -70, rng));
  if (o.snrDb !== undefined) {
    const level = 10 * Math.log10(speechPower / speechLen) - o.snrDb;
    addInPlace(samples, pinkNoise(total, level, rng));
  }
  return { samples, sampleRate: rate, words };
}

function addInPlace(a: Float32Array, b: Float32Array): void {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
}

/** Concatenates audio pieces with pauses (non-digit streams). */
export function concatWithGaps(
  pieces: Float32Array[],
  gapMs: [number, number],
  seed: number,
  floorDb = -70,
  rate = FEATURE_CONFIG.sampleRate,
): Float32Array {
  const rng = mulberry32(seed);
  const gaps = pieces.map(() => Math.round(((gapMs[0] + rng() * (gapMs[1] - gapMs[0])) / 1000) * rate));
  const total = gaps.reduce((a, b) => a + b, 0) + pieces.reduce((a, p) => a + p.length, 0);
  const out = new Float32Array(total);
  let pos = 0;
  pieces.forEach((p, i) => {
    pos += gaps[i];
    out.set(p, pos);
    pos += p.length;
  });
  addInPlace(out, whiteNoise(total, floorDb, rng));
  return out;
}

/** Voice settings for espeak-ng: a voice (with optional +variant), pitch 0–99, words per minute. */
export interface EspeakVoice {
  engine: 'espeak';
  voice: string;
  pitch?: number;
  wpm?: number;
}

/** Voice settings for flite: one of its built-in voices, a tempo stretch and a mean pitch (Hz). */
export interface FliteVoice {
  engine: 'flite';
  voice: 'kal' | 'kal16' | 'awb' | 'rms' | 'slt';
  durationStretch?: number;
  f0Hz?: number;
}

export type TtsVoice = EspeakVoice | FliteVoice;

/** Speech synthesised by espeak-ng (installed here and in CI), at `rate`. */
export function espeak(text: string, voice = 'en-us', wordsPerMinute = 160, rate = FEATURE_CONFIG.sampleRate): Float32Array {
  return synthesize(text, { engine: 'espeak', voice, wpm: wordsPerMinute }, rate);
}

/**
 * Speech from a local synthesiser. Two engines with different methods — espeak-ng's formant
 * synthesis and flite's diphone (kal) and statistical voices built from real speakers (awb, rms,
 * slt) — so a model trained on synthetic speech does not learn one engine's timbre.
 */
export function synthesize(text: string, v: TtsVoice, rate = FEATURE_CONFIG.sampleRate): Float32Array {
  const dir = mkdtempSync(join(tmpdir(), 'dd-tts-'));
  try {
    const out = join(dir, 'say.wav');
    const [cmd, argv, pkg] =
      v.engine === 'espeak'
        ? [
            'espeak-ng',
            ['-v', v.voice, '-s', String(v.wpm ?? 160), ...(v.pitch === undefined ? [] : ['-p', String(v.pitch)]), '-w', out, text],
            'espeak-ng',
          ]
        : [
            'flite',
            [
              '-voice',
              v.voice,
              ...(v.durationStretch ? ['--setf', `duration_stretch=${v.durationStretch}`] : []),
              ...(v.f0Hz ? ['--setf', `int_f0_target_mean=${v.f0Hz}`] : []),
              '-t',
              text,
              '-o',
              out,
            ],
            'flite',
          ];
    const r = spawnSync(cmd, argv, { encoding: 'utf8' });
    if (r.error || r.status !== 0)
      throw new Error(`${cmd} failed (${r.error?.message ?? r.stderr}); install it with "apt-get install ${pkg}"`);
    return readWav(out, rate).samples;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Non-speech events: a burst of filtered noise (cough-like) or a click. */
export function noiseBurst(kind: 'cough' | 'click' | 'hiss', levelDb: number, rng: Rng, rate = FEATURE_CONFIG.sampleRate): Float32Array {
  const ms = kind === 'click' ? 5 + rng() * 15 : kind === 'cough' ? 150 + rng() * 250 : 300 + rng() * 700;
  const n = Math.round((ms / 1000) * rate);
  const x = kind === 'hiss' ? whiteNoise(n, levelDb, rng) : pinkNoise(n, levelDb, rng);
  // A fast attack and exponential decay: the envelope of a cough or a tap on the desk.
  for (let i = 0; i < n; i++) x[i] *= Math.min(1, i / (0.005 * rate)) * Math.exp((-3 * i) / n);
  return x;
}
