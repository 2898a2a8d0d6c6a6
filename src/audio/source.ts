/**
 * Audio sources behind one interface: the live microphone and recorded audio both arrive as
 * chunks of mono float samples, so the engine, the CLI and the tests run the same code path.
 * Both wrap decibri Readables (Microphone, File, File.buffer).
 */
import type { Readable } from 'node:stream';
import { File as DecibriFile } from 'decibri';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { AudioSourceError, toSourceError } from './sourceErrors';
import { AudioFormatError } from '../errors';
import { badSampleError, firstBadSample } from './samples';
import { WavFileSource } from './wavStream';

export interface AudioChunk {
  /** Mono samples in [-1, 1] at the source's `sampleRate`. */
  samples: Float32Array;
  /**
   * decibri's Silero speech probability for this chunk, present only when the source was opened
   * with `silero: true`.
   */
  speechProb?: number;
}

export interface AudioSource {
  readonly kind: 'microphone' | 'file';
  /** What the user would call it: a device name or a file name. */
  readonly label: string;
  readonly sampleRate: number;
  /**
   * The chunks, in order, until the end of the file or `stop()`. Iterate once. Failures surface
   * as typed `AudioSourceError`s (MicrophoneError for devices) thrown from the iteration.
   */
  chunks(): AsyncIterable<AudioChunk>;
  /** Ends the stream and releases the device. Idempotent. */
  stop(): void;
}

export interface SourceOptions {
  /** Run decibri's Silero VAD alongside the stream and attach its score to each chunk. */
  silero?: boolean;
}

interface VadScored {
  readonly vadScore: number;
}

/**
 * Adapts a decibri Readable of float32 bytes. Async iteration of the Readable gives file sources
 * natural backpressure (the engine's awaits pace decoding); a microphone keeps capturing and
 * decibri counts overruns if we fall behind.
 */
export class ReadableSource implements AudioSource {
  private stopped = false;
  private chunksSeen = 0;
  /** Samples delivered so far, to name the position of a bad one. */
  private samplesSeen = 0;
  /** Chunks of a microphone with NaN or absurd samples, zeroed (a dropout, never speech). */
  dropouts = 0;

  constructor(
    readonly kind: 'microphone' | 'file',
    readonly label: string,
    readonly sampleRate: number,
    private readonly stream: Readable & VadScored,
    private readonly withVad: boolean,
    private readonly onStop: () => void,
  ) {
    if (withVad) this.tapScores();
  }

  /** Silero scores of the chunks decibri has pushed and we have not yet consumed. */
  private readonly scores: number[] = [];

  /**
   * decibri exposes only the latest score (`vadScore`), but the stream reads ahead of us, so by the
   * time a chunk is consumed the score belongs to a later one (measured: 2–3 chunks, 400–600 ms
   * late from a file). decibri scores each chunk in `_processVadValue` right beside pushing it, so
   * recording the scores there keeps them paired with their chunks. If a decibri version lacks the
   * hook, `vadScore` is used as is.
   */
  private tapScores(): void {
    const s = this.stream as unknown as { _processVadValue?: (v: number, ...rest: unknown[]) => void };
    const original = s._processVadValue;
    if (typeof original !== 'function') return;
    s._processVadValue = (v: number, ...rest: unknown[]) => {
      this.scores.push(v);
      original.call(this.stream, v, ...rest);
    };
    this.tapped = true;
  }

  private tapped = false;

  /**
   * The iteration hands over everything buffered at once (several decibri chunks joined), so the
   * score of a delivered piece is the highest of the chunks it holds.
   */
  private takeScore(): number {
    if (!this.tapped || this.scores.length === 0) return this.stream.vadScore;
    const max = Math.max(...this.scores);
    this.scores.length = 0;
    return max;
  }

  async *chunks(): AsyncIterable<AudioChunk> {
    try {
      for await (const buf of this.stream as AsyncIterable<Buffer>) {
        this.chunksSeen++;
        // Copy: the Buffer may sit at an offset that is not 4-byte aligned in a shared pool.
        const samples = new Float32Array(buf.byteLength / 4);
        new Uint8Array(samples.buffer).set(buf.subarray(0, samples.length * 4));
        const bad = firstBadSample(samples);
        if (bad >= 0) {
          if (this.kind === 'file') throw badSampleError(basename(this.label), this.samplesSeen + bad, samples[bad], this.sampleRate);
          // A driver glitch: the chunk is heard as silence, so it can neither start nor feed a word.
          samples.fill(0);
          this.dropouts++;
        }
        this.samplesSeen += samples.length;
        yield this.withVad ? { samples, speechProb: this.takeScore() } : { samples };
        if (this.stopped) break;
      }
    } catch (err) {
      if (this.stopped && !this.stream.errored) return;
      throw toSourceError(err, this.kind, this.label, this.chunksSeen > 0);
    } finally {
      this.stop();
    }
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.onStop();
  }
}

/**
 * Recorded audio as a source: a path (WAV, AIFF or FLAC; WAV streamed by wavStream.ts unless
 * Silero runs, else read by decibri) or samples already in
 * memory. Audio at another rate is resampled by decibri to `sampleRate`.
 */
export async function fileSource(
  input: string | Float32Array,
  sampleRate: number,
  options: SourceOptions & { inputRate?: number } = {},
): Promise<AudioSource> {
  if (typeof input === 'string') refuseSpecialFile(input);
  if (typeof input === 'string' && !options.silero && isRiffWave(input)) {
    // Streamed block by block: memory stays flat however long the recording.
    return new WavFileSource(input, sampleRate);
  }
  const common = { sampleRate, dtype: 'float32' as const, vad: options.silero ? ('silero' as const) : (false as const) };
  let file: DecibriFile;
  let label: string;
  try {
    if (typeof input === 'string') {
      label = input;
      file = await DecibriFile.open(input, common);
    } else {
      label = `${input.length} samples`;
      file = DecibriFile.buffer(input, { ...common, inputRate: options.inputRate ?? sampleRate });
    }
  } catch (err) {
    throw toSourceError(err, 'file', typeof input === 'string' ? input : 'buffer', false);
  }
  return new ReadableSource('file', label, sampleRate, file, !!options.silero, () => {
    file.close();
    file.destroy();
  });
}

/** A folder, FIFO or device is refused before a reader could block on it or read forever. */
function refuseSpecialFile(path: string): void {
  let isFile = true;
  try {
    isFile = statSync(path).isFile();
  } catch {
    return; // missing: the reader names it
  }
  if (!isFile) throw new AudioFormatError('AUDIO_FILE_UNREADABLE', `${path.slice(0, 200)}: not a regular file (a folder, pipe or device)`);
}

/** Whether the file starts like a WAV (RIFF…WAVE); false when it cannot be read (decibri then names the failure). */
function isRiffWave(path: string): boolean {
  let fd: number | undefined;
  try {
    if (!statSync(path).isFile()) return false;
    fd = openSync(path, 'r');
    const b = Buffer.alloc(12);
    const n = readSync(fd, b, 0, 12, 0);
    return n === 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WAVE';
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export { AudioSourceError };
