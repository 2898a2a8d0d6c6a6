/**
 * Bad inputs to the real CLI (dist/cli.js, built by `npm run build`), as a careless or hostile
 * user would give them: damaged audio, wrong or tampered models, hand-edited prototype stores,
 * devices, FIFOs and symlinks as outputs, out-of-range options. Every case asserts the exit code,
 * the error (or warning) code, that no stack trace is printed, and that every file the command
 * was pointed at is byte-for-byte (or, for devices, FIFOs and links, kind-for-kind) unchanged.
 * Good inputs are real FSDD recordings.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { WaveFile } from 'wavefile';
import { FSDD, REPO, fsddFile } from '../unit/helpers';
import { readWav } from '../../src/audio/wav';

const CLI = join(REPO, 'dist', 'cli.js');
const MODELS = join(REPO, 'models');
const DIGITS = join(MODELS, 'digits.onnx');
const T = mkdtempSync(join(tmpdir(), 'dd-bad-'));
after(() => rmSync(T, { recursive: true, force: true }));

// ---------------------------------------------------------------- fixtures

/** A 32-bit float WAV (format 3) of `samples`, so NaN and Infinity can be stored at all. */
function floatWav(samples: Float32Array, rate = 8000): Buffer {
  const wav = new WaveFile();
  wav.fromScratch(1, rate, '32f', samples);
  return Buffer.from(wav.toBuffer());
}

/**
 * A 16-bit PCM WAV of `samples` whose header claims `channels` (0 and 1000 are broken on purpose).
 * wavefile refuses to write a broken header, so it writes mono and the channel fields are patched.
 */
function pcmWav(samples: Int16Array, rate = 8000, channels = 1): Buffer {
  const wav = new WaveFile();
  wav.fromScratch(1, rate, '16', samples);
  const out = Buffer.from(wav.toBuffer());
  if (channels !== 1) {
    out.writeUInt16LE(channels, 22);
    out.writeUInt32LE(rate * 2 * Math.max(1, channels), 28);
    out.writeUInt16LE(2 * Math.max(1, channels), 32);
  }
  return out;
}

/** A real FSDD word with `bad` written into 10 samples from 1000 on. */
function poisoned(name: string, bad: number): Buffer {
  const x = Float32Array.from(readWav(fsddFile(name), 8000).samples);
  for (let i = 1000; i < 1010; i++) x[i] = bad;
  return floatWav(x);
}

/** digits.onnx with its metadata (or graph) changed by `edit`. */
function tamperedModel(name: string, edit: (meta: Record<string, unknown>, model: onnx.ModelProto) => unknown, from = DIGITS): string {
  const model = onnx.ModelProto.decode(readFileSync(from));
  const entry = model.metadataProps.find((p) => p.key === 'digit_dictation')!;
  const meta = JSON.parse(entry.value!) as Record<string, unknown>;
  const out = edit(meta, model);
  entry.value = out === undefined ? JSON.stringify(meta) : (out as string);
  const path = join(T, name);
  writeFileSync(path, onnx.ModelProto.encode(model).finish());
  return path;
}

const MODEL_ID = JSON.parse(
  onnx.ModelProto.decode(readFileSync(DIGITS)).metadataProps.find((p) => p.key === 'digit_dictation')!.value!,
) as { modelId: string; embeddingDim: number };

function unitVector(dim: number, seed: number): number[] {
  const v = Array.from({ length: dim }, (_, i) => Math.sin(seed * 7.3 + i * 1.7));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** A prototype store for the bundled model, with `digits` as given (or a good one). */
function store(name: string, edit: (s: Record<string, unknown>) => void = () => undefined): string {
  const digits: Record<string, unknown> = {};
  for (let d = 0; d < 10; d++) {
    const t = unitVector(MODEL_ID.embeddingDim, d + 1);
    digits[String(d)] = { takes: [t], prototype: t, quality: null };
  }
  const s: Record<string, unknown> = {
    format: 'digit-dictation-prototypes',
    version: 1,
    modelId: MODEL_ID.modelId,
    embeddingDim: MODEL_ID.embeddingDim,
    updatedAt: '2026-01-01T00:00:00.000Z',
    digits,
  };
  edit(s);
  const path = join(T, name);
  writeFileSync(path, JSON.stringify(s));
  return path;
}
const digitsOf = (s: Record<string, unknown>) => s.digits as Record<string, { takes: number[][]; prototype: number[] }>;

function dir(name: string, files: Record<string, string | Buffer>): string {
  const d = join(T, name);
  mkdirSync(d, { recursive: true });
  for (const [f, content] of Object.entries(files)) {
    if (typeof content === 'string' && content.startsWith('fsdd:')) copyFileSync(fsddFile(content.slice(5)), join(d, f));
    else writeFileSync(join(d, f), content);
  }
  return d;
}

/** FSDD takes of one speaker as a training folder: takes 0–4 test, 5–9 validation, 10–`upTo` train. */
function fsddFolder(name: string, speaker: string, digits: number[], takes: number[]): string {
  const files: Record<string, string> = {};
  for (const d of digits) for (const t of takes) files[`${d}_${speaker}_${t}.wav`] = `fsdd:${d}_${speaker}_${t}.wav`;
  return dir(name, files);
}

function fifo(name: string): string {
  const p = join(T, name);
  const r = spawnSync('mkfifo', [p]);
  assert.equal(r.status, 0, 'mkfifo');
  return p;
}

function link(name: string, to: string): string {
  const p = join(T, name);
  symlinkSync(to, p);
  return p;
}

// ---------------------------------------------------------------- the runner

/** What a path is and holds, to prove a command left it alone. */
function snapshot(p: string): string {
  let st;
  try {
    st = lstatSync(p);
  } catch {
    return 'absent';
  }
  if (st.isSymbolicLink()) return `link → ${readlinkSync(p)}`;
  if (st.isFIFO()) return 'fifo';
  if (st.isCharacterDevice()) return `chardev ${st.rdev}`;
  if (st.isDirectory()) return 'dir';
  return `file ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
}

interface Case {
  name: string;
  args: () => string[];
  /** Expected exit status (2 for every refusal; 0 where the input is handled by skipping or warning). */
  exit: 0 | 2;
  /** `error [CODE]` on exit 2, `warning [CODE]` (or a plain-text pattern) on exit 0. */
  code?: string;
  stderr?: RegExp;
  /** Paths that must be unchanged afterwards (the command's inputs and outputs). */
  untouched?: () => string[];
  /** Extra check after the run. */
  then?: (r: { stdout: string; stderr: string }) => void;
  timeoutMs?: number;
  /** --debug given: a stack trace is expected instead of refused. */
  debug?: boolean;
  /** Only meaningful on a machine without audio input (skipped where a microphone exists). */
  needsNoMicrophone?: boolean;
}

/** Whether this machine has an audio input other than ALSA's "null" plugin (asked quietly, in a child). */
function hasMicrophone(): boolean {
  const script = `const { Microphone } = require(${JSON.stringify(require.resolve('decibri'))});
let n = []; try { n = Microphone.devices().filter((d) => d.maxInputChannels > 0 && !/^Discard all samples/.test(d.name)); } catch {}
process.stdout.write(String(n.length));`;
  const r = spawnSync(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' });
  return Number(r.stdout) > 0;
}
const MIC_PRESENT = hasMicrophone();

const F = (n: string) => fsddFile(n);
const WORD = '7_theo_0.wav';
const cases: Case[] = [];
const add = (c: Case) => cases.push(c);

// ---- damaged audio
const nanWav = () => writeOnce('nan.wav', () => poisoned(WORD, NaN));
const infWav = () => writeOnce('inf.wav', () => poisoned(WORD, Infinity));
const hugeWav = () => writeOnce('huge.wav', () => poisoned(WORD, 1e30));
const written = new Map<string, string>();
function writeOnce(name: string, make: () => Buffer): string {
  if (!written.has(name)) {
    const p = join(T, name);
    writeFileSync(p, make());
    written.set(name, p);
  }
  return written.get(name)!;
}
for (const [what, file, code] of [
  ['NaN', nanWav, 'AUDIO_NOT_FINITE'],
  ['Infinity', infWav, 'AUDIO_NOT_FINITE'],
  ['1e30', hugeWav, 'AUDIO_OUT_OF_RANGE'],
] as const) {
  add({
    name: `transcribe: a WAV with ${what} samples is refused by file and first bad sample`,
    args: () => ['transcribe', file()],
    exit: 2,
    code,
    stderr: /sample 1000 /,
    untouched: () => [file()],
  });
  add({
    name: `transcribe --no-verifier: ${what} samples are refused, never typed`,
    args: () => ['transcribe', file(), '--no-verifier'],
    exit: 2,
    code,
  });
}
add({
  name: 'transcribe: a header-only WAV holds no samples',
  args: () => ['transcribe', writeOnce('empty.wav', () => pcmWav(new Int16Array(0)))],
  exit: 2,
  code: 'WAV_EMPTY',
});
add({
  name: 'transcribe: a WAV header with 0 channels',
  args: () => ['transcribe', writeOnce('zero-ch.wav', () => pcmWav(new Int16Array(800), 8000, 0))],
  exit: 2,
  code: 'WAV_BAD_HEADER',
});
add({
  name: 'transcribe: a text file named .wav',
  args: () => ['transcribe', writeOnce('text.wav', () => Buffer.from('this is not audio\n'))],
  exit: 2,
  code: 'AUDIO_FILE_UNREADABLE',
});
add({ name: 'transcribe: a missing file', args: () => ['transcribe', join(T, 'missing.wav')], exit: 2, code: 'AUDIO_FILE_UNREADABLE' });
add({ name: 'transcribe: a folder', args: () => ['transcribe', T], exit: 2, code: 'AUDIO_FILE_UNREADABLE' });
add({
  name: 'transcribe: a FIFO is refused, not waited on',
  args: () => ['transcribe', fifo('in.fifo')],
  exit: 2,
  code: 'AUDIO_FILE_UNREADABLE',
});
add({
  name: 'transcribe: a path of 100,000 characters (the most one argument may hold) is refused and not echoed in full',
  args: () => ['transcribe', 'a'.repeat(100_000) + '.wav'],
  exit: 2,
  code: 'CLI_BAD_OPTION',
  then: ({ stderr }) => assert.ok(stderr.length < 1500, `stderr is ${stderr.length} characters`),
});

// ---- model roles and metadata
for (const member of ['verifier.onnx', 'verifier-digits.onnx']) {
  add({
    name: `transcribe --model ${member}: a verifier member is not the digit model`,
    args: () => ['transcribe', F(WORD), '--model', join(MODELS, member)],
    exit: 2,
    code: 'MODEL_NOT_DIGITS',
    untouched: () => [join(MODELS, member)],
  });
}
add({
  name: 'transcribe --verifier digits.onnx: the digit model is not a verifier',
  args: () => ['transcribe', F(WORD), '--verifier', DIGITS],
  exit: 2,
  code: 'MODEL_NOT_VERIFIER',
  untouched: () => [DIGITS],
});
add({
  name: 'transcribe --verifier with an empty entry ("a,,b")',
  args: () => ['transcribe', F(WORD), '--verifier', `${join(MODELS, 'verifier.onnx')},,${join(MODELS, 'verifier-digits.onnx')}`],
  exit: 2,
  code: 'CLI_BAD_OPTION',
  stderr: /entry 2 of 3 is empty/,
});
add({
  name: 'eval --model verifier.onnx',
  args: () => ['eval', '--data', FSDD, '--model', join(MODELS, 'verifier.onnx')],
  exit: 2,
  code: 'MODEL_NOT_DIGITS',
});
const metaCases: Array<[string, (m: Record<string, unknown>, model: onnx.ModelProto) => unknown, string]> = [
  ['metadata null', () => 'null', 'MODEL_BAD_METADATA'],
  ['metadata a number', () => '42', 'MODEL_BAD_METADATA'],
  ['metadata not JSON', () => '{"modelId":', 'MODEL_BAD_METADATA'],
  ['labels null', (m) => void (m.labels = null), 'MODEL_BAD_METADATA'],
  ['nine labels', (m) => void (m.labels = (m.labels as string[]).slice(0, 9)), 'MODEL_BAD_METADATA'],
  ['embeddingDim a string "64"', (m) => void (m.embeddingDim = String(m.embeddingDim)), 'MODEL_BAD_METADATA'],
  ['embeddingDim 32 against a graph of 64', (m) => void (m.embeddingDim = 32), 'MODEL_SHAPE_MISMATCH'],
  ['modelId null', (m) => void (m.modelId = null), 'MODEL_BAD_METADATA'],
  ['normalization null', (m) => void (m.normalization = null), 'MODEL_BAD_NORMALIZATION'],
  [
    'a NaN in normalization (as null in JSON)',
    (m) => void ((m.normalization as { std: unknown[] }).std[3] = null),
    'MODEL_BAD_NORMALIZATION',
  ],
  ['a zero standard deviation', (m) => void ((m.normalization as { std: number[] }).std[3] = 0), 'MODEL_BAD_NORMALIZATION'],
  ['featureConfig null', (m) => void (m.featureConfig = null), 'MODEL_BAD_METADATA'],
  ['another sample rate', (m) => void ((m.featureConfig as { sampleRate: number }).sampleRate = 16000), 'MODEL_FEATURE_MISMATCH'],
  ['training null', (m) => void (m.training = null), 'MODEL_BAD_METADATA'],
  ['parameters "many"', (m) => void (m.parameters = 'many'), 'MODEL_BAD_METADATA'],
  ['role "banana"', (m) => void (m.role = 'banana'), 'MODEL_BAD_METADATA'],
  ['role "verifier" on the digit model', (m) => void (m.role = 'verifier'), 'MODEL_NOT_DIGITS'],
  [
    'a NaN weight',
    (_m, model) => {
      const w = model.graph!.initializer!.find((t) => (t.rawData?.length ?? 0) >= 4 || (t.floatData?.length ?? 0) > 0)!;
      if (w.rawData && w.rawData.length >= 4) Buffer.from(w.rawData.buffer, w.rawData.byteOffset, w.rawData.length).writeFloatLE(NaN, 0);
      else w.floatData![0] = NaN;
    },
    'MODEL_NOT_FINITE',
  ],
  [
    'no metadata at all',
    (_m, model) => {
      model.metadataProps = [];
      return '';
    },
    'MODEL_NO_METADATA',
  ],
];
metaCases.forEach(([what, edit, code], i) => {
  let path = '';
  const model = () => (path ||= tamperedModel(`tampered-${i}.onnx`, edit));
  add({
    name: `transcribe --model with ${what}`,
    args: () => ['transcribe', F(WORD), '--model', model()],
    exit: 2,
    code,
    untouched: () => [model()],
  });
});
add({
  name: 'transcribe --model: a file that is not ONNX',
  args: () => ['transcribe', F(WORD), '--model', writeOnce('junk.onnx', () => Buffer.from('not a model at all'))],
  exit: 2,
  code: 'MODEL_UNREADABLE',
});
add({
  name: 'transcribe --model: a missing file',
  args: () => ['transcribe', F(WORD), '--model', join(T, 'nope.onnx')],
  exit: 2,
  code: 'MODEL_NOT_FOUND',
});
add({
  name: 'transcribe --verifier with a tampered member (labels null)',
  args: () => [
    'transcribe',
    F(WORD),
    '--verifier',
    tamperedModel('tampered-verifier.onnx', (m) => void (m.labels = null), join(MODELS, 'verifier.onnx')),
  ],
  exit: 2,
  code: 'MODEL_BAD_METADATA',
});

// ---- options: type and range, at parse time
const ENGINE_FLAGS: Array<[string, string[]]> = [
  ['--vad-min-level', ['abc', 'NaN', '1', '1e999', '']],
  ['--silero-threshold', ['abc', 'NaN', '-1', '1e999']],
  ['--reject-min-confidence', ['abc', 'NaN', '-1', '1e999']],
  ['--reject-min-cosine', ['abc', 'NaN', '-2', '1e999']],
  ['--reject-min-digit-prob', ['abc', 'NaN', '-1', '1e999']],
  ['--reject-min-digit-prob-early', ['abc', 'NaN', '-1', '1e999']],
  ['--ee-consec', ['1e308', '2.5', '0', '0x10']],
  ['--ee-every', ['1e308', '-3', '1.5']],
  ['--ee-thresh', ['0', '1.5', 'Infinity']],
  ['--reject-max-word', ['1e308', '-1', '12abc']],
  ['--hybrid-weight', ['2', '-0.1']],
  ['--vad-threshold', ['0.5', 'abc']],
  ['--vad-min-speech', ['-5']],
  ['--vad-hangover', ['1e9']],
  ['--vad-pre-roll', ['abc']],
];
for (const [flag, values] of ENGINE_FLAGS) {
  for (const v of values) {
    add({ name: `transcribe ${flag} ${JSON.stringify(v)}`, args: () => ['transcribe', F(WORD), flag, v], exit: 2, code: 'CLI_BAD_OPTION' });
  }
}
add({ name: 'live --seconds abc', args: () => ['live', '--seconds', 'abc'], exit: 2, code: 'CLI_BAD_OPTION' });
add({ name: 'live --seconds 0', args: () => ['live', '--seconds', '0'], exit: 2, code: 'CLI_BAD_OPTION' });
add({ name: 'transcribe --mode banana', args: () => ['transcribe', F(WORD), '--mode', 'banana'], exit: 2, code: 'CLI_BAD_OPTION' });
add({ name: 'an unknown option', args: () => ['transcribe', F(WORD), '--frobnicate'], exit: 2, code: 'CLI_UNKNOWN_OPTION' });
add({ name: 'an unknown command', args: () => ['frobnicate'], exit: 2, code: 'CLI_UNKNOWN_COMMAND' });
add({ name: 'no command', args: () => [], exit: 2, code: 'CLI_NO_COMMAND' });
add({ name: 'transcribe without a file', args: () => ['transcribe'], exit: 2, code: 'CLI_MISSING_ARGUMENT' });
add({ name: 'eval without --data', args: () => ['eval'], exit: 2, code: 'CLI_MISSING_OPTION' });
add({ name: 'an option without its value', args: () => ['transcribe', F(WORD), '--ee-consec'], exit: 2, code: 'CLI_MISSING_VALUE' });
add({
  name: 'a model path of 100,000 characters',
  args: () => ['transcribe', F(WORD), '--model', 'm'.repeat(100_000)],
  exit: 2,
  code: 'CLI_BAD_OPTION',
  then: ({ stderr }) => assert.ok(stderr.length < 1500),
});

// ---- prototype stores (hand-edited): a warning, the base model, the file left alone
const STORES: Array<[string, (s: Record<string, unknown>) => void, string]> = [
  ['a take of 1e300s', (s) => void (digitsOf(s)['3'].takes[0] = Array<number>(MODEL_ID.embeddingDim).fill(1e300)), 'PROTOTYPES_CORRUPT'],
  ['a "" digit key', (s) => void ((digitsOf(s)[''] = digitsOf(s)['0']), delete digitsOf(s)['0']), 'PROTOTYPES_CORRUPT'],
  ['a "07" digit key', (s) => void (digitsOf(s)['07'] = digitsOf(s)['7']), 'PROTOTYPES_CORRUPT'],
  ['digits: []', (s) => void (s.digits = []), 'PROTOTYPES_CORRUPT'],
  ['digits: {} (nothing enrolled)', (s) => void (s.digits = {}), 'PROTOTYPES_EMPTY'],
  [
    'a take that is not a unit vector',
    (s) => void (digitsOf(s)['4'].takes[0] = Array<number>(MODEL_ID.embeddingDim).fill(0.5)),
    'PROTOTYPES_CORRUPT',
  ],
  [
    'a take with null (a NaN written as JSON)',
    (s) => void (digitsOf(s)['4'].takes[0][5] = null as unknown as number),
    'PROTOTYPES_CORRUPT',
  ],
  ['a take of the wrong size', (s) => void (digitsOf(s)['4'].takes[0] = unitVector(32, 1)), 'PROTOTYPES_CORRUPT'],
  [
    'four takes of a digit',
    (s) => void (digitsOf(s)['4'].takes = Array<number[]>(4).fill(unitVector(MODEL_ID.embeddingDim, 4))),
    'PROTOTYPES_CORRUPT',
  ],
  [
    'a prototype of nulls',
    (s) => void (digitsOf(s)['2'].prototype = Array<number>(MODEL_ID.embeddingDim).fill(null as unknown as number)),
    'PROTOTYPES_CORRUPT',
  ],
  ['embeddingDim "64"', (s) => void (s.embeddingDim = String(s.embeddingDim)), 'PROTOTYPES_CORRUPT'],
  [
    'a string head of 10 rows',
    (s) =>
      void Object.assign(s, {
        version: 3,
        stringHead: {
          modelId: 'strings',
          weights: Array.from({ length: 10 }, () => Array<number>(11).fill(0)),
          bias: Array<number>(11).fill(0),
        },
      }),
    'PROTOTYPES_CORRUPT',
  ],
  ['version 99', (s) => void (s.version = 99), 'PROTOTYPES_VERSION'],
  ['another model', (s) => void (s.modelId = '0123456789abcdef'), 'PROTOTYPES_OTHER_MODEL'],
  ['null', (s) => void Object.keys(s).forEach((k) => delete s[k]), 'PROTOTYPES_CORRUPT'],
];
STORES.forEach(([what, edit, code], i) => {
  let path = '';
  const p = () => (path ||= store(`store-${i}.json`, edit));
  add({
    name: `transcribe --mode proto --prototypes (${what}): warned, base model used, file kept`,
    args: () => ['transcribe', F(WORD), '--mode', 'proto', '--prototypes', p(), '--no-why'],
    exit: 0,
    code,
    untouched: () => [p()],
    then: ({ stdout }) => assert.match(stdout, /^7 /m, 'the base model still types the digit'),
  });
});
add({
  name: 'transcribe --prototypes: a store that is not JSON',
  args: () => ['transcribe', F(WORD), '--mode', 'proto', '--prototypes', writeOnce('store-junk.json', () => Buffer.from('{"format":'))],
  exit: 0,
  code: 'PROTOTYPES_CORRUPT',
});

// ---- output targets
const goodStore = () => writeOnce('good-store.json', () => readFileSync(store('good-store-src.json')));
const takes = () => fsddFolder('takes', 'theo', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0]);
add({
  name: 'enroll --out /dev/full: a device is refused and stays a device',
  args: () => ['enroll', '--from-dir', takes(), '--out', '/dev/full'],
  exit: 2,
  code: 'OUTPUT_NOT_REGULAR',
  untouched: () => ['/dev/full'],
});
add({
  name: 'enroll --out a symlink: refused, the link and its target kept',
  args: () => [
    'enroll',
    '--from-dir',
    takes(),
    '--out',
    (written.get('out.link') ?? written.set('out.link', link('out.link', goodStore())).get('out.link'))!,
  ],
  exit: 2,
  code: 'OUTPUT_NOT_REGULAR',
  untouched: () => [join(T, 'out.link'), goodStore()],
});
add({
  name: 'enroll --out a FIFO: refused, still a FIFO',
  args: () => ['enroll', '--from-dir', takes(), '--out', join(T, 'out.fifo')],
  exit: 2,
  code: 'OUTPUT_NOT_REGULAR',
  untouched: () => [existsSync(join(T, 'out.fifo')) ? join(T, 'out.fifo') : fifo('out.fifo')],
});
add({ name: 'enroll --out a folder', args: () => ['enroll', '--from-dir', takes(), '--out', T], exit: 2, code: 'OUTPUT_NOT_REGULAR' });
add({
  name: 'enroll --out in a missing folder',
  args: () => ['enroll', '--from-dir', takes(), '--out', join(T, 'no', 'such', 'p.json')],
  exit: 2,
  code: 'OUTPUT_DIR_MISSING',
});
add({
  name: 'enroll --out in an unwritable folder',
  args: () => ['enroll', '--from-dir', takes(), '--out', '/proc/p.json'],
  exit: 2,
  code: 'OUTPUT_DIR_NOT_WRITABLE',
});
add({
  name: 'enroll --from-dir with only damaged takes: refused, the old store kept',
  args: () => ['enroll', '--from-dir', dir('nan-takes', { '3_theo_0.wav': poisoned('3_theo_0.wav', NaN) }), '--out', goodStore()],
  exit: 2,
  code: 'ENROLL_NO_TAKES',
  stderr: /3_theo_0\.wav: .*NaN/,
  untouched: () => [goodStore()],
});
add({
  name: 'enroll --from-dir with a NaN take among good ones: the take is skipped by name, the store stays valid',
  args: () => [
    'enroll',
    '--from-dir',
    dir('mixed-takes', {
      '3_theo_0.wav': poisoned('3_theo_0.wav', NaN),
      '3_theo_1.wav': 'fsdd:3_theo_1.wav',
      '4_theo_0.wav': 'fsdd:4_theo_0.wav',
    }),
    '--out',
    join(T, 'mixed.json'),
  ],
  exit: 0,
  stderr: /skipped 3_theo_0\.wav: .*NaN/,
  then: () => {
    const s = JSON.parse(readFileSync(join(T, 'mixed.json'), 'utf8')) as { digits: Record<string, { takes: number[][] }> };
    assert.deepEqual(Object.keys(s.digits).sort(), ['3', '4']);
    assert.ok(Object.values(s.digits).every((d) => d.takes.flat().every(Number.isFinite)));
  },
});
add({
  name: 'enroll --from-dir with one digit: warns naming the nine missing',
  args: () => ['enroll', '--from-dir', dir('one-digit', { '5_theo_0.wav': 'fsdd:5_theo_0.wav' }), '--out', join(T, 'one.json')],
  exit: 0,
  stderr: /9 digit\(s\) not enrolled: 0, 1, 2, 3, 4, 6, 7, 8, 9/,
});
add({
  name: 'enroll --takes abc',
  args: () => ['enroll', '--from-dir', takes(), '--out', join(T, 'x.json'), '--takes', 'abc'],
  exit: 2,
  code: 'CLI_BAD_OPTION',
});
add({
  name: 'enroll --takes 0',
  args: () => ['enroll', '--from-dir', takes(), '--out', join(T, 'x.json'), '--takes', '0'],
  exit: 2,
  code: 'CLI_BAD_OPTION',
});
add({
  name: 'enroll --takes 5',
  args: () => ['enroll', '--from-dir', takes(), '--out', join(T, 'x.json'), '--takes', '5'],
  exit: 2,
  code: 'CLI_BAD_OPTION',
});
add({
  name: 'enroll --from-dir a missing folder',
  args: () => ['enroll', '--from-dir', join(T, 'nowhere'), '--out', join(T, 'x.json')],
  exit: 2,
  code: 'ENROLL_DIR_UNREADABLE',
});
add({
  name: 'enroll --model a verifier',
  args: () => ['enroll', '--from-dir', takes(), '--out', join(T, 'x.json'), '--model', join(MODELS, 'verifier.onnx')],
  exit: 2,
  code: 'MODEL_NOT_DIGITS',
});
add({
  name: 'live --list-devices on a machine without a microphone: one line',
  args: () => ['live', '--list-devices'],
  exit: 2,
  code: 'MIC_NOT_FOUND',
  needsNoMicrophone: true,
  then: ({ stderr }) => assert.equal(stderr.trim().split('\n').length, 1, stderr),
});
add({
  name: 'enroll from the microphone on a machine without one: one line',
  args: () => ['enroll', '--out', join(T, 'mic.json'), '--timeout', '1'],
  exit: 2,
  code: 'MIC_NOT_FOUND',
  needsNoMicrophone: true,
  then: ({ stderr }) => assert.equal(stderr.trim().split('\n').length, 1, stderr),
});
add({
  name: 'live on a machine without a microphone: one line',
  args: () => ['live', '--seconds', '1'],
  exit: 2,
  code: 'MIC_NOT_FOUND',
  needsNoMicrophone: true,
  then: ({ stderr }) => assert.equal(stderr.trim().split('\n').length, 1, stderr),
});

// ---- training: targets checked before the first epoch; data labels
const trainData = () => fsddFolder('train-data', 'theo', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 5, 10]);
const outFile = () => writeOnce('out-is-a-file', () => Buffer.from('precious'));
add({
  name: 'train --out a file: refused before any epoch',
  args: () => ['train', '--data', trainData(), '--out', outFile(), '--epochs', '300'],
  exit: 2,
  code: 'OUTPUT_NOT_A_FOLDER',
  untouched: () => [outFile()],
  timeoutMs: 20_000,
});
add({
  name: 'train --out an unwritable folder: refused before any epoch',
  args: () => ['train', '--data', trainData(), '--out', '/proc/dd-out', '--epochs', '300'],
  exit: 2,
  code: 'OUTPUT_DIR_NOT_WRITABLE',
  timeoutMs: 20_000,
});
add({
  name: 'train --out with digits.onnx a symlink: refused, the link kept',
  args: () => {
    const d = join(T, 'train-out-link');
    if (!existsSync(d)) {
      mkdirSync(d);
      symlinkSync(DIGITS, join(d, 'digits.onnx'));
    }
    return ['train', '--data', trainData(), '--out', d, '--epochs', '300'];
  },
  exit: 2,
  code: 'OUTPUT_NOT_REGULAR',
  untouched: () => [join(T, 'train-out-link', 'digits.onnx'), DIGITS],
  timeoutMs: 20_000,
});
add({
  name: 'train --out with training.json a FIFO: refused',
  args: () => {
    const d = join(T, 'train-out-fifo');
    if (!existsSync(d)) {
      mkdirSync(d);
      spawnSync('mkfifo', [join(d, 'training.json')]);
    }
    return ['train', '--data', trainData(), '--out', d, '--epochs', '300'];
  },
  exit: 2,
  code: 'OUTPUT_NOT_REGULAR',
  untouched: () => [join(T, 'train-out-fifo', 'training.json')],
  timeoutMs: 20_000,
});
add({
  name: 'train: a 10_… file in a digit folder is refused unless --labels 11',
  args: () => [
    'train',
    '--data',
    dir('train-10', { '10_theo_0.wav': 'fsdd:1_theo_0.wav', '1_theo_5.wav': 'fsdd:1_theo_5.wav' }),
    '--out',
    join(T, 'o10'),
  ],
  exit: 2,
  code: 'DATASET_LABEL_10',
  then: () => assert.ok(!existsSync(join(T, 'o10'))),
});
for (const [flag, v] of [
  ['--epochs', '0'],
  ['--epochs', 'abc'],
  ['--epochs', '1e9'],
  ['--batch-size', '1e9'],
  ['--seed', '-1'],
  ['--limit', '0'],
  ['--labels', '12'],
  ['--role', 'oracle'],
  ['--real-fold', '2'],
  ['--swa-from', '-1'],
  ['--width', '0'],
  ['--width', 'wide'],
  ['--variants', '-1'],
  ['--lr', '0'],
  ['--distill', '11'],
] as const) {
  add({
    name: `train ${flag} ${v}`,
    args: () => ['train', '--data', FSDD, '--out', join(T, 'ox'), flag, v],
    exit: 2,
    code: 'CLI_BAD_OPTION',
  });
}
add({
  name: 'train --swa-from after the last epoch',
  args: () => ['train', '--data', FSDD, '--out', join(T, 'ox'), '--epochs', '2', '--swa-from', '5'],
  exit: 2,
  code: 'CLI_BAD_OPTION',
  then: () => assert.ok(!existsSync(join(T, 'ox', 'digits.onnx'))),
});
add({
  name: 'train --proto-loss 11: out of range, nothing trained',
  args: () => ['train', '--data', FSDD, '--out', join(T, 'ox-proto'), '--proto-loss', '11'],
  exit: 2,
  code: 'CLI_BAD_OPTION',
  stderr: /--proto-loss/,
  then: () => assert.ok(!existsSync(join(T, 'ox-proto'))),
});
add({
  name: 'train --distill without --init: nothing to keep, nothing trained',
  args: () => ['train', '--data', FSDD, '--out', join(T, 'ox-distill'), '--distill', '1'],
  exit: 2,
  code: 'CLI_CONFLICTING_OPTIONS',
  stderr: /--distill needs --init/,
  then: () => assert.ok(!existsSync(join(T, 'ox-distill'))),
});
add({
  name: 'train --init with an eleven-class verifier for a ten-digit run: refused before any epoch',
  args: () => ['train', '--data', FSDD, '--out', join(T, 'ox-init'), '--init', join(MODELS, 'verifier-digits.onnx'), '--epochs', '1'],
  exit: 2,
  code: 'MODEL_LABELS_MISMATCH',
  stderr: /11 classes and this run trains 10/,
  then: () => assert.ok(!existsSync(join(T, 'ox-init', 'digits.onnx'))),
});
add({
  name: 'train --role digits --labels 11',
  args: () => ['train', '--data', FSDD, '--out', join(T, 'ox'), '--role', 'digits', '--labels', '11'],
  exit: 2,
  code: 'CLI_CONFLICTING_OPTIONS',
});
add({
  name: 'corpus --named-variants --unseen-engines: two corpora at once, nothing written',
  args: () => ['corpus', '--named-variants', '--unseen-engines', '--out', join(T, 'two-corpora')],
  exit: 2,
  code: 'CLI_CONFLICTING_OPTIONS',
  then: () => assert.ok(!existsSync(join(T, 'two-corpora'))),
});
add({
  name: 'train --data a missing folder',
  args: () => ['train', '--data', join(T, 'nodata'), '--out', join(T, 'ox')],
  exit: 2,
  code: 'DATASET_NOT_FOUND',
});

// ---- dataset readers: every skipped file named with its reason
const evalDir = () => {
  const d = join(T, 'eval-data');
  if (!existsSync(d)) {
    fsddFolder('eval-data', 'theo', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0]);
    writeFileSync(join(d, '3_nan_0.wav'), poisoned('3_theo_1.wav', NaN));
    writeFileSync(join(d, '4_long_0.wav'), pcmWav(new Int16Array(8000 * 40)));
    writeFileSync(join(d, '10_other_0.wav'), readFileSync(fsddFile('1_theo_1.wav')));
    writeFileSync(join(d, 'notes_0.wav'), 'text');
  }
  return d;
};
add({
  name: 'eval: NaN, over-long, label-10 and misnamed files are each skipped with their reason',
  args: () => ['eval', '--data', evalDir()],
  exit: 0,
  stderr: /skipped 4 file\(s\)/,
  then: ({ stderr, stdout }) => {
    assert.match(stderr, /3_nan_0\.wav: .*NaN/);
    assert.match(stderr, /4_long_0\.wav: .*40\.0 s long/);
    assert.match(stderr, /10_other_0\.wav: label 10/);
    assert.match(stderr, /notes_0\.wav: name is not/);
    assert.doesNotMatch(stderr, /unusable/);
    assert.match(stdout, /n=10 /, 'only the ten good clips are counted');
  },
});
add({ name: 'eval --data an empty folder', args: () => ['eval', '--data', dir('empty-data', {})], exit: 2, code: 'DATASET_EMPTY' });
add({ name: 'eval --split banana', args: () => ['eval', '--data', FSDD, '--split', 'banana'], exit: 2, code: 'CLI_BAD_OPTION' });

// ---- added after the first suite: blocking inputs, absurd headers, foreign outputs
add({
  name: 'transcribe --model a FIFO: refused, not waited on',
  args: () => ['transcribe', F(WORD), '--model', fifo('model.fifo')],
  exit: 2,
  code: 'MODEL_NOT_FOUND',
  timeoutMs: 20_000,
});
add({
  name: 'transcribe --prototypes a FIFO: warned, not waited on',
  args: () => ['transcribe', F(WORD), '--mode', 'proto', '--prototypes', fifo('store.fifo')],
  exit: 0,
  code: 'PROTOTYPES_UNREADABLE',
  timeoutMs: 20_000,
});
add({
  name: 'transcribe: a WAV header claiming 1,000 channels',
  args: () => ['transcribe', writeOnce('many-ch.wav', () => pcmWav(new Int16Array(800), 8000, 1000))],
  exit: 2,
  code: 'WAV_BAD_HEADER',
});
add({
  name: 'transcribe: a WAV at 1 Hz',
  args: () => ['transcribe', writeOnce('one-hz.wav', () => pcmWav(new Int16Array(800), 1))],
  exit: 2,
  code: 'WAV_BAD_HEADER',
});
add({
  name: 'eval: a 1 Hz clip in the folder is skipped with its reason, not resampled into gigabytes',
  args: () => [
    'eval',
    '--data',
    dir('eval-1hz', { '1_theo_0.wav': 'fsdd:1_theo_0.wav', '2_slow_0.wav': pcmWav(new Int16Array(8000), 1) }),
    '--split',
    'all',
  ],
  exit: 0,
  stderr: /2_slow_0\.wav: .*1 Hz/,
});
add({
  name: 'eval: a FIFO named like a clip is skipped, not waited on',
  args: () => {
    const d = dir('eval-fifo', { '1_theo_0.wav': 'fsdd:1_theo_0.wav' });
    if (!existsSync(join(d, '2_pipe_0.wav'))) spawnSync('mkfifo', [join(d, '2_pipe_0.wav')]);
    return ['eval', '--data', d, '--split', 'all'];
  },
  exit: 0,
  stderr: /2_pipe_0\.wav: .*not a regular file/,
  timeoutMs: 20_000,
});
const modelCopy = () => writeOnce('model-copy.onnx', () => readFileSync(DIGITS));
add({
  name: 'enroll --out onto a model file: refused, the model kept',
  args: () => ['enroll', '--from-dir', takes(), '--out', modelCopy()],
  exit: 2,
  code: 'OUTPUT_NOT_PROTOTYPES',
  untouched: () => [modelCopy()],
});
add({
  name: 'enroll --out onto a damaged prototype file: replaced by a good one (as its error message promises)',
  args: () => [
    'enroll',
    '--from-dir',
    takes(),
    '--out',
    writeOnce('damaged-store.json', () => Buffer.from('{"format":"digit-dictation-prototypes","version":1,"dig')),
  ],
  exit: 0,
  then: () =>
    assert.equal(Object.keys((JSON.parse(readFileSync(join(T, 'damaged-store.json'), 'utf8')) as { digits: object }).digits).length, 10),
});
add({
  name: 'train on good clips plus one with 10 NaN samples: the clip is skipped by name, the model is finite',
  args: () => {
    const d = fsddFolder('train-nan', 'theo', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 5, 10, 11, 12, 13]);
    writeFileSync(join(d, '3_theo_14.wav'), poisoned('3_theo_14.wav', NaN));
    return ['train', '--data', d, '--out', join(T, 'train-nan-out'), '--epochs', '1', '--augment', '0', '--variants', '0'];
  },
  exit: 0,
  timeoutMs: 240_000,
  then: ({ stdout }) => {
    // Training reports on stdout (its log), the skipped clip among it.
    assert.match(stdout, /3_theo_14\.wav: .*NaN/);
    assert.doesNotMatch(stdout.replace(/3_theo_14\.wav: [^\n]*/, ''), /NaN/);
    const r = spawnSync(process.execPath, [CLI, 'transcribe', F(WORD), '--model', join(T, 'train-nan-out', 'digits.onnx'), '--no-why'], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /NaN/);
  },
});
add({
  name: '--debug shows the stack trace (and only then)',
  args: () => ['transcribe', join(T, 'missing.wav'), '--debug'],
  exit: 2,
  code: 'AUDIO_FILE_UNREADABLE',
  debug: true,
});

add({
  name: 'transcribe --prototypes with a 3,000-character missing path: the warning echoes a cut-short path',
  args: () => ['transcribe', F(WORD), '--mode', 'proto', '--prototypes', join(T, ...Array<string>(15).fill('p'.repeat(200)))],
  exit: 0,
  code: 'PROTOTYPES_NOT_FOUND',
  then: ({ stderr }) => assert.ok(stderr.length < 1500, `stderr is ${stderr.length} characters`),
});

// ---------------------------------------------------------------- run them

const results: Array<{ name: string; ok: boolean }> = [];
for (const c of cases) {
  test(c.name, { skip: c.needsNoMicrophone && MIC_PRESENT ? 'this machine has a microphone' : false }, () => {
    const args = c.args();
    const watched = c.untouched?.() ?? [];
    const before = watched.map(snapshot);
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: c.timeoutMs ?? 60_000, maxBuffer: 16 << 20 });
    const ok = () => {
      assert.equal(r.status, c.exit, `exit ${r.status} (signal ${r.signal}); stderr: ${r.stderr.slice(0, 600)}`);
      if (c.code) {
        const marker = c.exit === 2 ? `error [${c.code}]` : `warning [${c.code}]`;
        assert.ok(r.stderr.includes(marker), `expected ${marker} in: ${r.stderr.slice(0, 600)}`);
      }
      if (c.exit === 2) assert.match(r.stderr, /^error \[[A-Z0-9_]+\]: /m);
      if (c.stderr) assert.match(r.stderr, c.stderr);
      if (c.debug) assert.match(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'a stack trace with --debug');
      else assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
      assert.deepEqual(watched.map(snapshot), before, 'the files it was given are unchanged');
      c.then?.(r);
    };
    try {
      ok();
      results.push({ name: c.name, ok: true });
    } catch (err) {
      results.push({ name: c.name, ok: false });
      throw err;
    }
  });
}

after(() => {
  const handled = results.filter((r) => r.ok).length;
  console.log(`# bad inputs: ${results.length} tried, ${handled} handled`);
});
