/**
 * G.711 companded samples (WAV format tags 6, A-law, and 7, μ-law: telephone recordings, often
 * 8 kHz) as linear values. The streaming WAV reader decodes blocks byte by byte, so it needs the
 * expansion per byte; wavefile only converts whole files. Each table is wavefile's own decoding of
 * the 256 byte values, so both readers agree sample for sample.
 */
import { WaveFile } from 'wavefile';

export const FORMAT_ALAW = 6;
export const FORMAT_MULAW = 7;

function expansion(format: typeof FORMAT_ALAW | typeof FORMAT_MULAW): Float32Array {
  const wav = new WaveFile();
  wav.fromScratch(
    1,
    8000,
    format === FORMAT_MULAW ? '8m' : '8a',
    Uint8Array.from({ length: 256 }, (_, i) => i),
  );
  if (format === FORMAT_MULAW) wav.fromMuLaw();
  else wav.fromALaw();
  const ints = wav.getSamples(false, Int16Array) as unknown as Int16Array;
  return Float32Array.from(ints, (v) => v / 32768);
}

let tables: Record<number, Float32Array> | undefined;

/** Linear value in [-1, 1) of each of the 256 bytes of `format`. */
export function g711Table(format: typeof FORMAT_ALAW | typeof FORMAT_MULAW): Float32Array {
  tables ??= { [FORMAT_ALAW]: expansion(FORMAT_ALAW), [FORMAT_MULAW]: expansion(FORMAT_MULAW) };
  return tables[format];
}
