/**
 * WAV files read piece by piece: the header is parsed from the file, then the samples arrive in
 * blocks, so memory stays flat in the length of the recording (decibri's File decodes the whole
 * file at once: 236–268 MB peak for a one-hour file). Also the header check that lets readers
 * refuse a "digit clip" an hour long before reading it.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { AudioFormatError } from '../errors';
import { FORMAT_ALAW, FORMAT_MULAW, g711Table } from './g711';
import { badSampleError, firstBadSample } from './samples';
import type { AudioChunk, AudioSource } from './source';

export interface WavInfo {
  /** 1 PCM, 3 IEEE float, 6 A-law, 7 μ-law (the extensible tag resolved to its subformat). */
  format: 1 | 3 | 6 | 7;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Bytes per sample frame (all channels). */
  blockAlign: number;
  dataOffset: number;
  /** Bytes of sample data actually present (a header claiming more than the file holds is clamped). */
  dataBytes: number;
  /** Sample frames (per channel). */
  frames: number;
  seconds: number;
}

const FORMAT_NAMES: Record<WavInfo['format'], string> = { 1: 'PCM', 3: 'float', [FORMAT_ALAW]: 'A-law', [FORMAT_MULAW]: 'μ-law' };

/** A WAVE format tag both readers decode (wav.ts also passes the extensible tag to wavefile). */
export function isWavFormat(tag: number): tag is WavInfo['format'] {
  return Object.hasOwn(FORMAT_NAMES, tag);
}

export function unsupportedWavFormat(name: string, tag: number): AudioFormatError {
  return new AudioFormatError('WAV_NOT_PCM', `${name}: WAV format tag ${tag} is not PCM, float, A-law or μ-law`);
}

/** More channels than any recording setup; a header claiming 65,535 would ask for half a GB per block. */
const MAX_CHANNELS = 64;

function readAt(fd: number, offset: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  const n = readSync(fd, b, 0, length, offset);
  return b.subarray(0, n);
}

/** Parses the RIFF header of an open file. Throws AudioFormatError (WAV_UNREADABLE, WAV_NOT_PCM, WAV_BAD_HEADER, WAV_EMPTY). */
export function readWavInfo(fd: number, name: string): WavInfo {
  const size = fstatSync(fd).size;
  const head = readAt(fd, 0, 12);
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') {
    throw new AudioFormatError('WAV_UNREADABLE', `${name}: not a readable WAV file (no RIFF/WAVE header)`);
  }
  let fmt: Omit<WavInfo, 'dataOffset' | 'dataBytes' | 'frames' | 'seconds'> | undefined;
  let offset = 12;
  while (offset + 8 <= size) {
    const ch = readAt(fd, offset, 8);
    if (ch.length < 8) break;
    const id = ch.toString('latin1', 0, 4);
    const len = ch.readUInt32LE(4);
    const body = offset + 8;
    if (id === 'fmt ') {
      const f = readAt(fd, body, Math.min(len, 40));
      if (f.length < 16) throw new AudioFormatError('WAV_BAD_HEADER', `${name}: WAV fmt chunk is truncated`);
      let tag = f.readUInt16LE(0);
      if (tag === 0xfffe && f.length >= 26) tag = f.readUInt16LE(24);
      const channels = f.readUInt16LE(2);
      const sampleRate = f.readUInt32LE(4);
      const bitsPerSample = f.readUInt16LE(14);
      if (!isWavFormat(tag)) throw unsupportedWavFormat(name, tag);
      const bitsOk =
        tag === 1 ? [8, 16, 24, 32].includes(bitsPerSample) : tag === 3 ? [32, 64].includes(bitsPerSample) : bitsPerSample === 8;
      if (!(channels >= 1 && channels <= MAX_CHANNELS) || !(sampleRate >= 1000 && sampleRate <= 384000) || !bitsOk) {
        throw new AudioFormatError(
          'WAV_BAD_HEADER',
          `${name}: WAV header has ${channels} channel(s) at ${sampleRate} Hz, ${bitsPerSample}-bit ${FORMAT_NAMES[tag]}`,
        );
      }
      fmt = { format: tag, channels, sampleRate, bitsPerSample, blockAlign: channels * (bitsPerSample / 8) };
    } else if (id === 'data') {
      if (!fmt) throw new AudioFormatError('WAV_BAD_HEADER', `${name}: WAV data comes before its fmt chunk`);
      const available = Math.max(0, Math.min(len, size - body));
      const frames = Math.floor(available / fmt.blockAlign);
      if (frames === 0) throw new AudioFormatError('WAV_EMPTY', `${name}: WAV file holds no samples`);
      return { ...fmt, dataOffset: body, dataBytes: frames * fmt.blockAlign, frames, seconds: frames / fmt.sampleRate };
    }
    offset = body + len + (len & 1);
  }
  throw new AudioFormatError('WAV_UNREADABLE', `${name}: not a readable WAV file (no data chunk)`);
}

/** The header of the WAV file at `path` (see readWavInfo); WAV_NOT_FOUND when it cannot be opened. */
export function wavInfo(path: string): WavInfo {
  const fd = openWav(path);
  try {
    return readWavInfo(fd, basename(path));
  } finally {
    closeSync(fd);
  }
}

/** Opens a regular file for reading; a FIFO or device is refused before open() could block on it. */
export function openWav(path: string): number {
  try {
    if (!statSync(path).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR_OR_SPECIAL' });
    const fd = openSync(path, 'r');
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      throw Object.assign(new Error('not a regular file'), { code: 'EISDIR_OR_SPECIAL' });
    }
    return fd;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AudioFormatError(
      'WAV_NOT_FOUND',
      `${path}: cannot read (${code === 'EISDIR_OR_SPECIAL' ? 'not a regular file' : (code ?? (err as Error).message)})`,
      { cause: err },
    );
  }
}

/** Mono float samples of `frames` sample frames of raw WAV bytes (channels averaged). */
export function decodeFrames(info: WavInfo, bytes: Buffer, frames: number, out = new Float32Array(frames)): Float32Array {
  const { channels, bitsPerSample: bits, format } = info;
  const step = bits / 8;
  const table = format === FORMAT_ALAW || format === FORMAT_MULAW ? g711Table(format) : undefined;
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      const at = (i * channels + c) * step;
      let v: number;
      if (table) v = table[bytes[at]];
      else if (format === 3) v = bits === 32 ? bytes.readFloatLE(at) : bytes.readDoubleLE(at);
      else if (bits === 16) v = bytes.readInt16LE(at) / 32768;
      else if (bits === 8) v = (bytes[at] - 128) / 128;
      else if (bits === 24) v = bytes.readIntLE(at, 3) / 8388608;
      else v = bytes.readInt32LE(at) / 2147483648;
      sum += v;
    }
    out[i] = sum / channels;
  }
  return out;
}

/**
 * Streaming windowed-sinc resampler (Hann window, 16 zero crossings of the lower rate's band
 * limit each side): what wavefile's 'sinc' does to a whole clip, done block by block.
 */
export class StreamResampler {
  private readonly ratio: number;
  private readonly cutoff: number;
  private readonly half: number;
  private buf = new Float64Array(0);
  /** Absolute input index of buf[0]. */
  private base = 0;
  private received = 0;
  /** Next output sample to produce. */
  private next = 0;

  constructor(
    readonly inRate: number,
    readonly outRate: number,
  ) {
    this.ratio = inRate / outRate;
    this.cutoff = Math.min(1, outRate / inRate);
    this.half = Math.ceil(16 / this.cutoff);
  }

  push(x: Float32Array): Float32Array {
    const joined = new Float64Array(this.buf.length + x.length);
    joined.set(this.buf);
    joined.set(x, this.buf.length);
    this.buf = joined;
    this.received += x.length;
    return this.produce(false);
  }

  /** The tail, once the input has ended (zeros beyond it). */
  flush(): Float32Array {
    return this.produce(true);
  }

  private produce(final: boolean): Float32Array {
    const out: number[] = [];
    const total = Math.floor((this.received * this.outRate) / this.inRate);
    for (;;) {
      const t = this.next * this.ratio;
      if (final ? this.next >= total : Math.floor(t) + this.half >= this.received) break;
      let acc = 0;
      const lo = Math.max(0, Math.ceil(t - this.half));
      const hi = Math.min(this.received - 1, Math.floor(t + this.half));
      for (let k = lo; k <= hi; k++) {
        const d = t - k;
        const w = 0.5 + 0.5 * Math.cos((Math.PI * d) / (this.half + 1));
        const a = Math.PI * this.cutoff * d;
        acc += this.buf[k - this.base] * (a === 0 ? 1 : Math.sin(a) / a) * w;
      }
      out.push(acc * this.cutoff);
      this.next++;
    }
    // Drop input no future output sample can reach.
    const need = Math.max(0, Math.ceil(this.next * this.ratio - this.half) - 1);
    if (need > this.base) {
      this.buf = this.buf.slice(need - this.base);
      this.base = need;
    }
    return Float32Array.from(out);
  }
}

/** Seconds of audio per block read from disk. */
const BLOCK_SECONDS = 0.5;

/**
 * A WAV file as an AudioSource, read block by block. A NaN, infinite or absurd sample refuses the
 * file by name and the first bad sample's index (AUDIO_NOT_FINITE / AUDIO_OUT_OF_RANGE), thrown
 * from the iteration.
 */
export class WavFileSource implements AudioSource {
  readonly kind = 'file' as const;
  private stopped = false;
  private fd: number | undefined;
  readonly info: WavInfo;

  constructor(
    readonly label: string,
    readonly sampleRate: number,
  ) {
    this.fd = openWav(label);
    try {
      this.info = readWavInfo(this.fd, basename(label));
    } catch (err) {
      this.stop();
      throw err;
    }
  }

  async *chunks(): AsyncIterable<AudioChunk> {
    const info = this.info;
    const name = basename(this.label);
    const framesPerBlock = Math.max(1, Math.round(info.sampleRate * BLOCK_SECONDS));
    const resampler = info.sampleRate === this.sampleRate ? undefined : new StreamResampler(info.sampleRate, this.sampleRate);
    const bytes = Buffer.alloc(framesPerBlock * info.blockAlign);
    const mono = new Float32Array(framesPerBlock);
    try {
      for (let frame = 0; frame < info.frames && !this.stopped; frame += framesPerBlock) {
        const n = Math.min(framesPerBlock, info.frames - frame);
        const got = readSync(this.fd!, bytes, 0, n * info.blockAlign, info.dataOffset + frame * info.blockAlign);
        const frames = Math.floor(got / info.blockAlign);
        if (frames === 0) break;
        const samples = decodeFrames(info, bytes, frames, mono).subarray(0, frames);
        const bad = firstBadSample(samples);
        if (bad >= 0) throw badSampleError(name, frame + bad, samples[bad], info.sampleRate);
        const outSamples = resampler ? resampler.push(samples) : Float32Array.from(samples);
        if (outSamples.length) yield { samples: outSamples };
        // Let timers and signals in between blocks (reading a file is otherwise one long burst).
        await new Promise<void>((r) => setImmediate(r));
      }
      if (resampler && !this.stopped) {
        const tail = resampler.flush();
        if (tail.length) yield { samples: tail };
      }
    } finally {
      this.stop();
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}
