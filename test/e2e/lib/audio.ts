// Test audio from the Free Spoken Digit Dataset: a minimal PCM WAV reader/writer (no `vscode`, no
// project code, so the desktop suite can use it as is) that joins recordings with silent gaps,
// the way a person says "four … two … seven".

import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Pcm16 {
  sampleRate: number;
  samples: Int16Array;
}

export function readWav(file: string): Pcm16 {
  const buf = fs.readFileSync(file);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${file} is not a RIFF/WAVE file`);
  }
  let sampleRate = 0;
  let channels = 0;
  let bits = 0;
  for (let at = 12; at + 8 <= buf.length;) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      const format = buf.readUInt16LE(body);
      channels = buf.readUInt16LE(body + 2);
      sampleRate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
      if (format !== 1 || bits !== 16) throw new Error(`${file}: only 16-bit PCM is supported (format ${format}, ${bits} bits)`);
    } else if (id === 'data') {
      if (!sampleRate) throw new Error(`${file}: data chunk before fmt chunk`);
      const end = Math.min(buf.length, body + size);
      const frames = Math.floor((end - body) / (2 * channels));
      const samples = new Int16Array(frames);
      for (let i = 0; i < frames; i++) samples[i] = buf.readInt16LE(body + i * 2 * channels); // first channel
      return { sampleRate, samples };
    }
    at = body + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

export function encodeWav({ sampleRate, samples }: Pcm16): Buffer {
  const data = samples.length * 2;
  const out = Buffer.alloc(44 + data);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + data, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(data, 40);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i], 44 + i * 2);
  return out;
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
