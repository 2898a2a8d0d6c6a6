/**
 * Speech from the local synthesisers (espeak-ng, flite, festival; pico and RHVoice for the
 * measurement-only voices of train/voices.ts UNSEEN_ENGINE_VOICES), cached on disk outside
 * the repository: the string benchmark and the string trainer ask for thousands of utterances, and
 * the same seed asks for the same ones again. The cache key is the engine, voice, tempo and text.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWav } from '../audio/wav';
import { FEATURE_CONFIG } from '../features/config';

/** One synthetic voice setting. `tempo` > 1 is slower (duration stretch); espeak's is words per minute. */
export type TtsSpec =
  | { engine: 'espeak'; voice: string; wpm: number; pitch?: number }
  | { engine: 'flite'; voice: string; stretch: number }
  | { engine: 'festival'; voice: string; stretch: number }
  | { engine: 'pico'; voice: string; stretch: number }
  | { engine: 'rhvoice'; voice: string; stretch: number };

export function ttsLabel(v: TtsSpec): string {
  return v.engine === 'espeak'
    ? `espeak ${v.voice} ${v.wpm}wpm${v.pitch === undefined ? '' : ` p${v.pitch}`}`
    : `${v.engine} ${v.voice} ×${v.stretch}`;
}

/** Where synthesised audio is kept between runs (override with DD_TTS_CACHE). */
export function ttsCacheDir(): string {
  return process.env.DD_TTS_CACHE ?? join(tmpdir(), 'digit-dictation-tts-cache');
}

/** The command that installs the measurement-only synthesisers, and the package of each one's tool. */
export const UNSEEN_ENGINES_INSTALL = 'node scripts/ensure-system-deps.js --unseen-engines';
export const UNSEEN_ENGINE_PACKAGES: Readonly<Record<string, string>> = {
  pico2wave: 'libttspico-utils',
  'RHVoice-test': 'rhvoice-english',
};

const PACKAGE_OF: Record<string, string> = {
  ...Object.fromEntries(
    Object.entries(UNSEEN_ENGINE_PACKAGES).map(([cmd, pkg]) => [cmd, `${pkg} (Debian non-free: ${UNSEEN_ENGINES_INSTALL})`]),
  ),
  text2wave: 'festival',
};

/** pico2wave's input for `text` at a duration stretch (and pitch, %): it has no rate or pitch flags, only these tags (100 = the voice's own). */
export function picoText(text: string, stretch: number, pitch?: number): string {
  const said = pitch === undefined ? text : `<pitch level="${pitch}">${text}</pitch>`;
  return `<speed level="${Math.round(100 / stretch)}">${said}</speed>`;
}

/** RHVoice-test's arguments for `voice` at a duration stretch (and pitch, %), writing `wavPath`; the text goes on stdin. */
export function rhvoiceArgs(voice: string, stretch: number, wavPath: string, pitch?: number): string[] {
  return ['-p', voice, '-r', String(Math.round(100 / stretch)), ...(pitch === undefined ? [] : ['-t', String(pitch)]), '-o', wavPath];
}

function run(cmd: string, argv: string[], input?: string): void {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', input });
  if (r.error || r.status !== 0)
    throw new Error(`${cmd} failed (${r.error?.message ?? r.stderr}); install it with "apt-get install ${PACKAGE_OF[cmd] ?? cmd}"`);
}

function synthesizeUncached(text: string, v: TtsSpec, wavPath: string): void {
  if (v.engine === 'espeak') {
    run('espeak-ng', ['-v', v.voice, '-s', String(v.wpm), ...(v.pitch === undefined ? [] : ['-p', String(v.pitch)]), '-w', wavPath, text]);
  } else if (v.engine === 'pico') {
    run('pico2wave', ['-l', v.voice, '-w', wavPath, picoText(text, v.stretch)]);
  } else if (v.engine === 'rhvoice') {
    run('RHVoice-test', rhvoiceArgs(v.voice, v.stretch, wavPath), text);
  } else if (v.engine === 'flite') {
    run('flite', ['-voice', v.voice, '--setf', `duration_stretch=${v.stretch}`, '-t', text, '-o', wavPath]);
  } else {
    const dir = join(wavPath, '..');
    const txt = join(dir, 'say.txt');
    writeFileSync(txt, text);
    run('text2wave', ['-eval', `(voice_${v.voice})`, '-eval', `(Parameter.set 'Duration_Stretch ${v.stretch})`, txt, '-o', wavPath]);
  }
}

/** `text` said by `v`, mono at `rate` (float samples in [-1, 1]). */
export function tts(text: string, v: TtsSpec, rate = FEATURE_CONFIG.sampleRate): Float32Array {
  const key = createHash('sha1')
    .update(JSON.stringify([v, text, rate]))
    .digest('hex');
  const dir = ttsCacheDir();
  const file = join(dir, `${key}.f32`);
  if (existsSync(file)) {
    const b = readFileSync(file);
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  }
  const work = mkdtempSync(join(tmpdir(), 'dd-tts-'));
  try {
    const wav = join(work, 'say.wav');
    synthesizeUncached(text, v, wav);
    const samples = readWav(wav, rate).samples;
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
    renameSync(tmp, file);
    return samples;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
