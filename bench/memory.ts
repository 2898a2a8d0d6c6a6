/**
 * `npm run bench:memory`: peak resident memory of `transcribe` (the real CLI, default options) on
 * a 1-minute and a 1-hour recording, and of `eval` on a digit folder holding a 1-hour file. The
 * recordings are FSDD words separated by 0.4–1.5 s of silence, written to the system's temp
 * folder block by block (never into the repository) and removed afterwards. Peak RSS is the
 * process's own getrusage maxRSS (both threads: `transcribe` runs in a bounded worker, cli/boundedWorker.ts),
 * reported from a preloaded exit hook. Bar (issue 11): the hour
 * ≤ 150 MB and within 10 % of the minute.
 *
 *   node dist/bench/memory.js [--keep]      (--keep leaves the recordings in the temp folder)
 * `--help` lists the options; an unknown option stops with `error [CODE]: …` and exit 2.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readWav } from '../src/audio/wav';
import { FSDD_DIR } from '../test/fixtures/fsddDir';
import { mulberry32 } from '../src/train/rng';
import { benchCommand, parseBench } from './args';

const { opts } = parseBench<{ keep?: boolean }>(
  benchCommand('memory', 'peak resident memory of transcribe and eval on long recordings (npm run bench:memory)').option(
    '--keep',
    'leave the recordings in the temp folder',
  ),
);

const RATE = 8000;
const REPO = resolve(__dirname, '..', '..');
const CLI = join(REPO, 'dist', 'cli.js');
const BAR_MB = 150;
const BAR_RATIO = 1.1;

/**
 * The 44-byte PCM header, by hand: the hour-long file is written in pieces so this process never
 * holds it whole, and wavefile only writes whole files from samples in memory.
 */
function wavHeader(samples: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + samples * 2, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(RATE, 24);
  h.writeUInt32LE(RATE * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(samples * 2, 40);
  return h;
}

/** Writes `seconds` of words and silence to `path` without holding the recording in memory; returns the word count. */
function writeRecording(path: string, seconds: number, words: Int16Array[], seed: number): number {
  const rng = mulberry32(seed);
  const total = seconds * RATE;
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, wavHeader(total));
    let written = 0;
    let count = 0;
    const put = (x: Int16Array) => {
      const n = Math.min(x.length, total - written);
      if (n <= 0) return;
      writeSync(fd, Buffer.from(x.buffer, x.byteOffset, n * 2));
      written += n;
    };
    while (written < total) {
      put(new Int16Array(Math.round((0.4 + 1.1 * rng()) * RATE)));
      if (written >= total) break;
      put(words[Math.floor(rng() * words.length)]);
      count++;
    }
    return count;
  } finally {
    closeSync(fd);
  }
}

/** Peak RSS (MB) and wall time of `node dist/cli.js …args`. */
function peak(args: string[], hook: string): { mb: number; seconds: number; status: number | null; stdout: string; stderr: string } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--require', hook, CLI, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const m = /MAXRSS_KB (\d+)/.exec(r.stderr);
  return {
    mb: m ? Number(m[1]) / 1024 : NaN,
    seconds: (Date.now() - t0) / 1000,
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr.replace(/\n?MAXRSS_KB \d+\n?/, ''),
  };
}

function main(): void {
  const keep = opts.keep === true;
  const dir = mkdtempSync(join(tmpdir(), 'dd-bench-memory-'));
  try {
    const hook = join(dir, 'maxrss.js');
    writeFileSync(
      hook,
      `process.on('exit', () => require('fs').writeSync(2, '\\nMAXRSS_KB ' + process.resourceUsage().maxRSS + '\\n'));\n`,
    );
    const names = readdirSync(FSDD_DIR)
      .filter((f) => /^\d_[a-z]+_([0-4])\.wav$/.test(f))
      .sort();
    const words = names.map((f) => {
      const x = readWav(join(FSDD_DIR, f), RATE).samples;
      return Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32767))));
    });
    const minute = join(dir, 'minute.wav');
    const hour = join(dir, 'hour.wav');
    const nMinute = writeRecording(minute, 60, words, 1);
    const nHour = writeRecording(hour, 3600, words, 2);
    console.log(`recordings in ${dir}: 1 min (${nMinute} words), 1 h (${nHour} words), FSDD test takes 0–4 and silence, 8 kHz 16-bit`);

    const rows: Array<[string, ReturnType<typeof peak>, number]> = [];
    for (const [label, file, n] of [
      ['transcribe 1 min', minute, nMinute],
      ['transcribe 1 h', hour, nHour],
    ] as const) {
      const r = peak(['transcribe', file, '--no-why'], hook);
      rows.push([label, r, n]);
      const typed = r.stdout.split('\n').filter((l) => /^\d /.test(l)).length;
      console.log(
        `${label.padEnd(18)} peak RSS ${r.mb.toFixed(1)} MB  ${r.seconds.toFixed(1)} s  exit ${r.status}  ${typed} digits typed of ${n} words`,
      );
      if (r.status !== 0) console.log(r.stderr.slice(0, 500));
    }
    // eval on a digit folder with the hour in it: the hour must be refused from its header, not read.
    const folder = join(dir, 'digits');
    mkdirSync(folder);
    names
      .slice(0, 50)
      .forEach((f, i) => writeFileSync(join(folder, f), Buffer.concat([wavHeader(words[i].length), Buffer.from(words[i].buffer)])));
    writeFileSync(join(folder, 'README.txt'), 'not audio');
    spawnSync('ln', ['-s', hour, join(folder, '3_hour_0.wav')]);
    const e = peak(['eval', '--data', folder, '--split', 'all'], hook);
    console.log(
      `${'eval + 1 h clip'.padEnd(18)} peak RSS ${e.mb.toFixed(1)} MB  ${e.seconds.toFixed(1)} s  exit ${e.status}  ${/3_hour_0\.wav: [^\n]*/.exec(e.stderr)?.[0] ?? '(hour not reported)'}`,
    );

    const [m, h] = [rows[0][1].mb, rows[1][1].mb];
    const ok = h <= BAR_MB && h <= m * BAR_RATIO;
    console.log(
      `bar: 1 h ≤ ${BAR_MB} MB and ≤ ${BAR_RATIO} × 1 min (${(m * BAR_RATIO).toFixed(1)} MB): ${ok ? 'met' : 'NOT met'} (ratio ${(h / m).toFixed(3)})`,
    );
    if (!ok) process.exitCode = 1;
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

main();
