/**
 * Builds the synthetic part of the training corpus: every voice of `voices.ts` says every digit
 * several times at seeded pitches and rates, written as `{digit}_{voiceId}_{take}.wav` (8 kHz,
 * via sox) into a cache folder outside the repository. The same seed and version give the same
 * files; a finished build leaves a manifest, so a second build with the same settings is a no-op.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DatasetError } from '../errors';
import { Rng, mulberry32 } from './rng';
import { picoText, rhvoiceArgs, UNSEEN_ENGINE_PACKAGES, UNSEEN_ENGINES_INSTALL } from './tts';
import { DIGIT_WORDS, HELD_OUT_VOICES, isFemaleVoice, NAMED_VARIANT_VOICES, TRAIN_VOICES, TtsVoice, UNSEEN_ENGINE_VOICES } from './voices';

/** Bump when the recipe changes, so an old cache is rebuilt instead of reused. */
const CORPUS_VERSION = 1;

export interface CorpusOptions {
  /** Root folder; `train/` and `heldout/` are made inside it. */
  out: string;
  seed: number;
  /** Takes per digit per espeak-ng voice (espeak-ng has many voices, so fewer takes each). */
  espeakTakes: number;
  /** Takes per digit per flite / festival voice. */
  otherTakes: number;
  /**
   * 'named-variants': a supplementary corpus of espeak-ng's 54 named variants only (voices.ts
   * NAMED_VARIANT_VOICES, none a dev or held-out voice), added to training with `train --extra`.
   * 'unseen-engines': measurement only, the voices of synthesisers no model trains on
   * (UNSEEN_ENGINE_VOICES), all in `heldout/`, `otherTakes` takes per digit each.
   */
  voices?: CorpusVoices;
  onLog?: (line: string) => void;
}

export type CorpusVoices = 'default' | 'named-variants' | 'unseen-engines';

/** Each corpus: its cache folder, and the voices written to train/ and heldout/. */
const CORPORA: Record<CorpusVoices, { folder: string; train: readonly TtsVoice[]; heldout: readonly TtsVoice[] }> = {
  default: { folder: 'corpus', train: TRAIN_VOICES, heldout: HELD_OUT_VOICES },
  'named-variants': { folder: 'corpus-named', train: NAMED_VARIANT_VOICES, heldout: [] },
  'unseen-engines': { folder: 'corpus-unseen-engines', train: [], heldout: UNSEEN_ENGINE_VOICES },
};

export interface CorpusResult {
  train: string;
  heldout: string;
  files: number;
  seconds: number;
  reused: boolean;
}

/** The shipped model's corpus: 3 takes per digit of each of 84 espeak-ng voices, 12 of each other voice. */
export const DEFAULT_CORPUS = Object.freeze({ seed: 1, espeakTakes: 3, otherTakes: 12 });

export function defaultCorpusDir(voices: CorpusVoices = 'default'): string {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'digit-dictation', CORPORA[voices].folder);
}

interface Job {
  voice: TtsVoice;
  digit: number;
  take: number;
  /** The word said: "zero", or "oh" for some zero takes (phone-number style, issue 13). */
  word: string;
  /** Pitch 0–99 (espeak-ng), a mean F0 in Hz (flite), or a percentage of the voice's own (pico, RHVoice). */
  pitch: number;
  /** Duration stretch: 1 = the voice's own rate, > 1 slower. */
  stretch: number;
  path: string;
}

function plan(voices: readonly TtsVoice[], dir: string, rng: Rng, opts: CorpusOptions): Job[] {
  const jobs: Job[] = [];
  for (const voice of voices) {
    // espeak-ng's own voices are many, so each says fewer takes; its MBROLA voices count as others.
    const takes = voice.engine === 'espeak-ng' && !voice.name.startsWith('mb-') ? opts.espeakTakes : opts.otherTakes;
    const female = isFemaleVoice(voice);
    for (let digit = 0; digit < 10; digit++) {
      for (let take = 0; take < takes; take++) {
        const word = digit === 0 && rng() < 0.25 ? 'oh' : DIGIT_WORDS[digit];
        // Rates from a deliberate 0.75× to a hurried 1.3× of the voice's own; pitch over the voice's range.
        const stretch = 0.77 + 0.55 * rng();
        // One draw for every engine, so adding engines leaves the other voices' takes as they were.
        const u = rng();
        const pitch =
          voice.engine === 'espeak-ng'
            ? Math.round(20 + 60 * u)
            : voice.engine === 'pico' || voice.engine === 'rhvoice'
              ? Math.round(85 + 30 * u)
              : Math.round((female ? 160 : 90) + (female ? 90 : 60) * u);
        jobs.push({ voice, digit, take, word, pitch, stretch, path: join(dir, `${digit}_${voice.id}_${take}.wav`) });
      }
    }
  }
  return jobs;
}

const INSTALL_HINT: Record<string, string> = {
  default: 'apt-get install espeak-ng flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts sox',
  ...Object.fromEntries(
    Object.entries(UNSEEN_ENGINE_PACKAGES).map(([cmd, pkg]) => [cmd, `${UNSEEN_ENGINES_INSTALL} (${pkg}, Debian non-free)`]),
  ),
};

function run(cmd: string, args: string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new DatasetError(
          'CORPUS_TOOL_MISSING',
          e.code === 'ENOENT' ? `${cmd} is not installed: ${INSTALL_HINT[cmd] ?? INSTALL_HINT.default}` : `${cmd}: ${e.message}`,
        ),
      ),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(
            new DatasetError('CORPUS_TOOL_FAILED', `${cmd} ${args.slice(0, 4).join(' ')} … exited ${code}: ${err.trim().slice(0, 300)}`),
          ),
    );
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // a tool that exits early reports through 'close'
      child.stdin.end(input);
    }
  });
}

/** To 8 kHz mono 16-bit, the feature rate, so training never resamples. */
const toFeatureRate = (src: string, dst: string) => run('sox', [src, '-r', '8000', '-c', '1', '-b', '16', dst]);

async function synthEspeak(j: Job): Promise<void> {
  const raw = `${j.path}.raw.wav`;
  await run('espeak-ng', ['-v', j.voice.name, '-p', String(j.pitch), '-s', String(Math.round(170 / j.stretch)), '-w', raw, j.word]);
  await toFeatureRate(raw, j.path);
  rmSync(raw);
}

async function synthFlite(j: Job): Promise<void> {
  const raw = `${j.path}.raw.wav`;
  await run('flite', [
    '-voice',
    j.voice.name,
    '-t',
    j.word,
    '-o',
    raw,
    '--setf',
    `duration_stretch=${j.stretch.toFixed(3)}`,
    '--setf',
    `int_f0_target_mean=${j.pitch}`,
  ]);
  await toFeatureRate(raw, j.path);
  rmSync(raw);
}

async function synthPico(j: Job): Promise<void> {
  const raw = `${j.path}.raw.wav`;
  await run('pico2wave', ['-l', j.voice.name, '-w', raw, picoText(j.word, j.stretch, j.pitch)]);
  await toFeatureRate(raw, j.path);
  rmSync(raw);
}

async function synthRhvoice(j: Job): Promise<void> {
  const raw = `${j.path}.raw.wav`;
  await run('RHVoice-test', rhvoiceArgs(j.voice.name, j.stretch, raw, j.pitch), j.word);
  await toFeatureRate(raw, j.path);
  rmSync(raw);
}

const SYNTH: Record<Exclude<TtsVoice['engine'], 'festival'>, (j: Job) => Promise<void>> = {
  'espeak-ng': synthEspeak,
  flite: synthFlite,
  pico: synthPico,
  rhvoice: synthRhvoice,
};

/** One festival process per voice (its start-up costs ~0.3 s), fed a Scheme script of every take. */
async function synthFestival(jobs: Job[]): Promise<void> {
  const voice = jobs[0].voice.name;
  const lines = [`(voice_${voice})`];
  for (const j of jobs) {
    lines.push(`(Parameter.set 'Duration_Stretch ${j.stretch.toFixed(3)})`);
    lines.push(`(utt.save.wave (utt.synth (Utterance Text "${j.word}")) "${j.path}.raw.wav" 'riff)`);
  }
  await run('festival', ['--pipe'], lines.join('\n') + '\n');
  for (const j of jobs) {
    await toFeatureRate(`${j.path}.raw.wav`, j.path);
    rmSync(`${j.path}.raw.wav`);
  }
}

async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

export async function buildCorpus(opts: CorpusOptions): Promise<CorpusResult> {
  const log = opts.onLog ?? (() => undefined);
  const started = Date.now();
  const train = join(opts.out, 'train');
  const heldout = join(opts.out, 'heldout');
  const manifestPath = join(opts.out, 'manifest.json');
  const voices = opts.voices ?? 'default';
  const recipe = {
    version: CORPUS_VERSION,
    seed: opts.seed,
    espeakTakes: opts.espeakTakes,
    otherTakes: opts.otherTakes,
    ...(voices === 'default' ? {} : { voices }),
  };
  const { train: trainVoices, heldout: heldVoices } = CORPORA[voices];
  if (existsSync(manifestPath)) {
    try {
      const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as { recipe: unknown; files: number };
      if (JSON.stringify(m.recipe) === JSON.stringify(recipe)) return { train, heldout, files: m.files, seconds: 0, reused: true };
    } catch {
      // An unreadable manifest means an unfinished or foreign build: rebuild.
    }
  }
  // Build into fresh folders, so an interrupted build never leaves a half corpus that looks whole.
  for (const d of [train, heldout]) {
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { recursive: true });
  }
  rmSync(manifestPath, { force: true });
  const rng = mulberry32(opts.seed);
  const jobs = [...plan(trainVoices, train, rng, opts), ...plan(heldVoices, heldout, rng, opts)];
  log(`corpus: ${jobs.length} clips from ${trainVoices.length} training and ${heldVoices.length} held-out voices → ${opts.out}`);
  const festival = new Map<string, Job[]>();
  const fast: Job[] = [];
  for (const j of jobs) {
    if (j.voice.engine === 'festival') festival.set(j.voice.id, [...(festival.get(j.voice.id) ?? []), j]);
    else fast.push(j);
  }
  let done = 0;
  await pool(fast, 2, async (j) => {
    await SYNTH[j.voice.engine as keyof typeof SYNTH](j);
    if (++done % 500 === 0) log(`corpus: ${done}/${jobs.length}`);
  });
  await pool([...festival.values()], 2, synthFestival);
  const tmp = `${manifestPath}.tmp`;
  writeFileSync(tmp, JSON.stringify({ recipe, files: jobs.length, voices: { train: trainVoices, heldout: heldVoices } }, null, 1));
  renameSync(tmp, manifestPath);
  const seconds = (Date.now() - started) / 1000;
  log(`corpus: ${jobs.length} clips in ${seconds.toFixed(0)} s`);
  return { train, heldout, files: jobs.length, seconds, reused: false };
}
