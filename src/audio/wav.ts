import { closeSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { WaveFile } from 'wavefile';
import { AudioFormatError } from '../errors';
import { FORMAT_ALAW, FORMAT_MULAW } from './g711';
import { badSampleError, firstBadSample } from './samples';
import { isWavFormat, openWav, unsupportedWavFormat, wavInfo } from './wavStream';

export interface Audio {
  sampleRate: number;
  /** Mono samples in [-1, 1]. */
  samples: Float32Array;
}

/** WAVE_FORMAT_EXTENSIBLE: wavefile reads its PCM and float subformats itself. */
const FORMAT_EXTENSIBLE = 0xfffe;

/**
 * Decodes a WAV buffer to mono float samples at `targetRate` (if given). Multichannel audio is
 * averaged; any other rate is resampled with wavefile's sinc interpolator.
 */
export function decodeWav(bytes: Uint8Array, name: string, targetRate?: number): Audio {
  const wav = new WaveFile();
  try {
    wav.fromBuffer(bytes);
  } catch (err) {
    throw new AudioFormatError('WAV_UNREADABLE', `${name}: not a readable WAV file (${(err as Error).message})`, { cause: err });
  }
  type Fmt = { audioFormat: number; numChannels: number; sampleRate: number; bitsPerSample: number };
  let fmt = wav.fmt as Fmt;
  if (fmt.audioFormat !== FORMAT_EXTENSIBLE && !isWavFormat(fmt.audioFormat)) throw unsupportedWavFormat(name, fmt.audioFormat);
  if (!(fmt.numChannels >= 1) || !(fmt.sampleRate > 0)) {
    throw new AudioFormatError('WAV_BAD_HEADER', `${name}: WAV header has ${fmt.numChannels} channels at ${fmt.sampleRate} Hz`);
  }
  // Telephone recordings: expanded to 16-bit linear PCM before anything else reads them.
  if (fmt.audioFormat === FORMAT_MULAW) wav.fromMuLaw();
  else if (fmt.audioFormat === FORMAT_ALAW) wav.fromALaw();
  fmt = wav.fmt as Fmt;
  if (fmt.audioFormat !== 1) {
    // Float samples can be NaN, infinite or absurd: refuse them before resampling smears them.
    const raw = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
    for (const ch of Array.isArray(raw) ? raw : [raw]) {
      const bad = firstBadSample(ch);
      if (bad >= 0) throw badSampleError(name, bad, ch[bad], fmt.sampleRate);
    }
  }
  if (targetRate && fmt.sampleRate !== targetRate) {
    try {
      wav.toSampleRate(targetRate, { method: 'sinc' });
    } catch (err) {
      throw new AudioFormatError(
        'WAV_RESAMPLE_FAILED',
        `${name}: cannot resample ${fmt.sampleRate} Hz to ${targetRate} Hz (${(err as Error).message})`,
        { cause: err },
      );
    }
  }
  const rate = (wav.fmt as { sampleRate: number }).sampleRate;
  const bits = (wav.fmt as { bitsPerSample: number }).bitsPerSample;
  const isFloat = (wav.fmt as { audioFormat: number }).audioFormat === 3 || (bits === 32 && fmt.audioFormat === 3);
  const raw = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
  const channels = Array.isArray(raw) ? raw : [raw];
  const length = channels[0]?.length ?? 0;
  if (length === 0) throw new AudioFormatError('WAV_EMPTY', `${name}: WAV file holds no samples`);
  // wavefile returns integers in the file's own range; bring them to [-1, 1].
  const scale = isFloat ? 1 : bits === 8 ? 128 : Math.pow(2, bits - 1);
  const offset = !isFloat && bits === 8 ? 128 : 0;
  const samples = new Float32Array(length);
  for (const ch of channels) {
    for (let i = 0; i < length; i++) samples[i] += (ch[i] - offset) / scale / channels.length;
  }
  return { sampleRate: rate, samples };
}

/**
 * Longest file accepted as one clip by the dataset and enrollment readers. Digit clips last
 * 0.3–2.5 s (FSDD, GSC), the verifier's sentences a few seconds; a longer file is a recording to
 * `transcribe`, and reading it whole as a clip cost 555 MB for an hour.
 */
export const MAX_CLIP_SECONDS = 30;

export interface ReadWavOptions {
  /** Refuse (WAV_TOO_LONG) a file longer than this, from its header, before reading it. */
  maxSeconds?: number;
}

export function readWav(path: string, targetRate?: number, options: ReadWavOptions = {}): Audio {
  if (options.maxSeconds !== undefined) {
    const info = wavInfo(path);
    if (info.seconds > options.maxSeconds) {
      throw new AudioFormatError(
        'WAV_TOO_LONG',
        `${basename(path)}: ${info.seconds.toFixed(1)} s long; a clip is at most ${options.maxSeconds} s (use "transcribe" for recordings)`,
      );
    }
  }
  let bytes: Buffer;
  closeSync(openWav(path));
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new AudioFormatError('WAV_NOT_FOUND', `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
      cause: err,
    });
  }
  return decodeWav(bytes, basename(path), targetRate);
}

/** 16-bit PCM WAV bytes of mono float samples (used by tests, benchmarks and enrollment takes). */
export function encodeWav(samples: Float32Array, sampleRate: number): Uint8Array {
  const wav = new WaveFile();
  const ints = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) ints[i] = Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32767)));
  wav.fromScratch(1, sampleRate, '16', ints);
  return wav.toBuffer();
}
