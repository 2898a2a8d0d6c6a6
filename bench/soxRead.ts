import { spawnSync } from 'node:child_process';

/**
 * Audio that is not WAV (Ogg Vorbis, headerless PCM), decoded and resampled by sox to mono at
 * `rate`; `input` describes a headerless file (e.g. `-t raw -r 16000 -e signed-integer -b 16 -L -c 1`).
 * sox is already the corpus's audio tool; the output is raw 16-bit samples rather than WAV,
 * because a WAV written to a pipe has no length in its header. `-R` seeds sox's dither: without
 * it every read of a clip differs in its last bit, and a bench row could flip between runs
 * (measured: one KLettres English clip typed a digit in one run and not the next).
 */
export function readWithSox(path: string, rate: number, input: readonly string[] = []): Float32Array {
  const r = spawnSync(
    'sox',
    ['-q', '-R', ...input, path, '-t', 'raw', '-e', 'signed-integer', '-b', '16', '-L', '-r', String(rate), '-c', '1', '-'],
    { maxBuffer: 64 << 20 },
  );
  if (r.error || r.status !== 0)
    throw new Error(`sox could not read ${path}: ${r.error?.message ?? (r.stderr.toString().trim().split('\n')[0] || `exit ${r.status}`)}`);
  const bytes = new Uint8Array(r.stdout); // a copy at offset 0, so the 16-bit view is aligned
  const ints = new Int16Array(bytes.buffer, 0, bytes.length >> 1);
  return Float32Array.from(ints, (v) => v / 32768);
}
