// Test audio from the Free Spoken Digit Dataset: a PCM WAV reader/writer on wavefile (no `vscode`, no
// project code, so the desktop suite can use it as is) that joins recordings with silent gaps,
// the way a person says "four … two … seven".

import * as fs from 'node:fs';
import * as path from 'node:path';
import { WaveFile } from 'wavefile';

export interface Pcm16 {
  sampleRate: number;
  samples: Int16Array;
}

export function readWav(file: string): Pcm16 {
  const wav = new WaveFile();
  try {
    wav.fromBuffer(fs.readFileSync(file));
  } catch (err) {
    throw new Error(`${file} is not a readable WAV file (${(err as Error).message})`);
  }
  const fmt = wav.fmt as { audioFormat: number; numChannels: number; sampleRate: number; bitsPerSample: number };
  if (fmt.audioFormat !== 1 || fmt.bitsPerSample !== 16) {
    throw new Error(`${file}: only 16-bit PCM is supported (format ${fmt.audioFormat}, ${fmt.bitsPerSample} bits)`);
  }
  // getSamples(false) gives one array per channel; the first is the one these tests play.
  const channels = wav.getSamples(false, Int16Array) as unknown as Int16Array | Int16Array[];
  const samples = Array.isArray(channels) ? channels[0] : channels;
  return { sampleRate: fmt.sampleRate, samples };
}

export function encodeWav({ sampleRate, samples }: Pcm16): Buffer {
  const wav = new WaveFile();
  wav.fromScratch(1, sampleRate, '16', samples);
  return Buffer.from(wav.toBuffer());
}

/**
 * Joins recordings into one utterance sequence: `leadMs` of silence, then each recording followed by
 * `gapMs` of silence (the last one by `tailMs`, so an end-of-speech detector has time to close it).
 */
export function joinWithGaps(files: string[], opts: { gapMs: number; leadMs?: number; tailMs?: number }): Pcm16 {
  const clips = files.map(readWav);
  const sampleRate = clips[0].sampleRate;
  for (const [i, c] of clips.entries()) {
    if (c.sampleRate !== sampleRate) throw new Error(`${files[i]} is ${c.sampleRate} Hz, expected ${sampleRate} Hz like ${files[0]}`);
  }
  const ms = (n: number): number => Math.round((n * sampleRate) / 1000);
  const lead = ms(opts.leadMs ?? 300);
  const gap = ms(opts.gapMs);
  const tail = ms(opts.tailMs ?? 900);
  const total = lead + clips.reduce((n, c) => n + c.samples.length, 0) + gap * (clips.length - 1) + tail;
  const samples = new Int16Array(total);
  let at = lead;
  clips.forEach((c, i) => {
    samples.set(c.samples, at);
    at += c.samples.length + (i < clips.length - 1 ? gap : 0);
  });
  return { sampleRate, samples };
}

/** Largest absolute sample, a quick "is there sound at all" check. */
export function peak({ samples }: Pcm16): number {
  let p = 0;
  for (const s of samples) p = Math.max(p, Math.abs(s));
  return p;
}

export function writeJoined(out: string, files: string[], gapMs: number): string {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, encodeWav(joinWithGaps(files, { gapMs })));
  return out;
}
