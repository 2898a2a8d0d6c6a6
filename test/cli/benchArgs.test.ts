/**
 * The benchmarks' command lines (bench/args.ts), run as the built entry points (dist/bench/*.js,
 * built by `npm run build`): an unknown option or a bad value ends with one `error [CODE]: …` line
 * naming the option and exit code 2, never a stack trace and never a run on NaN; `--help` lists the
 * options. With DD_BENCH_PARSE_ONLY=1 a bench prints what it parsed and stops, so the command
 * lines of package.json, the README, docs/ and the model card are checked to parse, with the
 * meaning they had, without running a benchmark. Every case fails before any work: fast.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../unit/helpers';

const BENCHES = [
  'core',
  'earlyexit',
  'enroll',
  'loso',
  'memory',
  'recipe',
  'reject',
  'robust',
  'spectrumMatch',
  'stream',
  'strings',
  'trainStrings',
];

function run(bench: string, args: string[], parseOnly = false, opts: { cwd?: string } = {}) {
  const env = { ...process.env };
  if (parseOnly) env.DD_BENCH_PARSE_ONLY = '1';
  else delete env.DD_BENCH_PARSE_ONLY;
  // `tools/NAME`: the tools that made shipped models (dist/tools), which parse the same way.
  const file = bench.startsWith('tools/') ? join(REPO, 'dist', `${bench}.js`) : join(REPO, 'dist', 'bench', `${bench}.js`);
  return spawnSync(process.execPath, [file, ...args], { encoding: 'utf8', env, timeout: 60_000, cwd: opts.cwd });
}

/** Exit 2 with one `error [code]: …` line that mentions `names`, and no stack trace. */
function assertRefused(bench: string, args: string[], code: string, names: string) {
  const r = run(bench, args);
  const what = `${bench} ${args.join(' ')}`;
  assert.equal(r.status, 2, `${what}: exit ${r.status}\n${r.stderr}`);
  assert.equal(r.stdout, '', `${what}: nothing on stdout`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `${what}: one line on stderr, got\n${r.stderr}`);
  assert.match(lines[0], new RegExp(`^error \\[${code}\\]: `), what);
  assert.ok(lines[0].includes(names), `${what}: the message names ${names}: ${lines[0]}`);
  assert.doesNotMatch(r.stderr, /\n\s+at |Error:/, `${what}: no stack trace`);
}

function parsed(bench: string, args: string[]): { opts: Record<string, unknown>; args: string[] } {
  const r = run(bench, args, true);
  assert.equal(r.status, 0, `${bench} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout) as { opts: Record<string, unknown>; args: string[] };
}

test('every bench refuses an unknown option by name, with exit 2 and no stack trace', () => {
  for (const b of BENCHES) assertRefused(b, ['--no-such-option'], 'CLI_UNKNOWN_OPTION', '--no-such-option');
});

test('bench spectrumMatch refuses a speaker FSDD does not have, by name, before loading anything', () => {
  assertRefused('spectrumMatch', ['--loso', 'alice=models/digits.onnx'], 'CLI_BAD_OPTION', 'alice');
  assertRefused('spectrumMatch', ['--takes', '0'], 'CLI_BAD_OPTION', '--takes');
});

test('every bench prints its help and exits 0', () => {
  for (const b of BENCHES) {
    const r = run(b, ['--help']);
    assert.equal(r.status, 0, `${b} --help: exit ${r.status}\n${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^Usage: ${b} `), b);
    assert.match(r.stdout, /--help/, b);
    assert.equal(r.stderr, '', b);
  }
  assert.match(run('trainStrings', ['--help']).stdout, /--non-digit-share <s>[\s\S]*--hard-negatives/);
  assert.match(run('strings', ['--help']).stdout, /--lengths <A-B>[\s\S]*\(default: 3-8\)/);
  assert.match(run('enroll', ['--help']).stdout, /--set-engine <key=value>/);
});

test('the model-making tools refuse bad command lines before writing anything, and --help is help, not a folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dd-tools-'));
  try {
    for (const tool of ['tools/verifierData', 'tools/float16Weights']) {
      const r = run(tool, ['--help'], false, { cwd: dir });
      assert.equal(r.status, 0, `${tool} --help: exit ${r.status}\n${r.stderr}`);
      assert.match(r.stdout, /^Usage: /, tool);
      assertRefused(tool, ['--no-such-option'], 'CLI_UNKNOWN_OPTION', '--no-such-option');
    }
    assertRefused('tools/verifierData', [], 'CLI_MISSING_ARGUMENT', 'outDir');
    assertRefused('tools/verifierData', [join(dir, 'out'), '--words', '12'], 'CLI_BAD_OPTION', '--words');
    assertRefused('tools/verifierData', [join(dir, 'out'), '--negatives', '--add-noise'], 'CLI_CONFLICTING_OPTIONS', '--negatives');
    assertRefused('tools/verifierData', [join(dir, 'out'), '--corpus-voices'], 'CLI_CONFLICTING_OPTIONS', '--corpus-voices');
    assertRefused('tools/verifierData', [join(dir, 'out'), '--spelled', '--negatives'], 'CLI_CONFLICTING_OPTIONS', '--spelled');
    assertRefused('tools/verifierData', [join(dir, 'out'), '--takes', '80'], 'CLI_CONFLICTING_OPTIONS', '--takes');
    assertRefused('tools/verifierData', [join(dir, 'out'), '--fsdd-from', '3'], 'CLI_BAD_OPTION', '--fsdd-from');
    assertRefused('tools/verifierData', [join(dir, 'out'), '--fsdd-from', '10', '--negatives'], 'CLI_CONFLICTING_OPTIONS', '--fsdd-from');
    assertRefused('tools/float16Weights', [join(dir, 'missing.onnx'), join(dir, 'half.onnx')], 'CLI_BAD_OPTION', 'missing.onnx');
    // Before, `verifierData.js --help` took "--help" for its output folder and filled it.
    assert.deepEqual(readdirSync(dir), [], 'nothing written');
    assert.ok(!existsSync(join(dir, '--help')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('verifier member weights are a list of numbers ≥ 0, one per member', () => {
  assertRefused('reject', ['NEG', '--verifier-weights', '1,-1'], 'CLI_BAD_OPTION', '--verifier-weights');
  assertRefused('reject', ['NEG', '--verifier-weights', '1,,2'], 'CLI_BAD_OPTION', '--verifier-weights');
  assertRefused('strings', ['--verifier-weights', 'abc'], 'CLI_BAD_OPTION', '--verifier-weights');
  assertRefused('reject', ['NEG', '--real-fold', '2'], 'CLI_BAD_OPTION', '--real-fold');
  assert.deepEqual(parsed('strings', ['--verifier-weights', '1,0.5']).opts.verifierWeights, [1, 0.5]);
});

test('a non-numeric value for a numeric option is refused by name, never run as NaN', () => {
  assertRefused('strings', ['--seed', 'abc'], 'CLI_BAD_OPTION', '--seed');
  assertRefused('strings', ['--examples', '4x'], 'CLI_BAD_OPTION', '--examples');
  assertRefused('strings', ['--steps-per-run', 'NaN'], 'CLI_BAD_OPTION', '--steps-per-run');
  assertRefused('trainStrings', ['--minutes', 'abc'], 'CLI_BAD_OPTION', '--minutes');
  assertRefused('trainStrings', ['--lr', '0x10'], 'CLI_BAD_OPTION', '--lr');
  assertRefused('trainStrings', ['--batch', '1e999'], 'CLI_BAD_OPTION', '--batch');
  assertRefused('enroll', ['--takes', 'abc'], 'CLI_BAD_OPTION', '--takes');
  assertRefused('enroll', ['--strings', ''], 'CLI_BAD_OPTION', '--strings');
  assertRefused('loso', ['--epochs', 'twenty'], 'CLI_BAD_OPTION', '--epochs');
  assertRefused('earlyexit', ['--every', 'abc'], 'CLI_BAD_OPTION', '--every');
});

test('out-of-range and malformed values are refused by name', () => {
  assertRefused('strings', ['--lengths', '3-20'], 'CLI_BAD_OPTION', '--lengths');
  assertRefused('strings', ['--lengths', '3'], 'CLI_BAD_OPTION', '--lengths');
  assertRefused('strings', ['--seed', '-1'], 'CLI_BAD_OPTION', '--seed');
  assertRefused('strings', ['--set', 'eeThres=0.9'], 'CLI_BAD_OPTION', 'eeThres');
  assertRefused('stream', ['--set', 'eeThresh=abc'], 'CLI_BAD_OPTION', 'eeThresh');
  assertRefused('stream', ['--set', 'eeThresh'], 'CLI_BAD_OPTION', '--set');
  assertRefused('trainStrings', ['--minutes', '0'], 'CLI_BAD_OPTION', '--minutes');
  assertRefused('trainStrings', ['--non-digit-share', '0.97', '--negatives', 'N'], 'CLI_BAD_OPTION', '--non-digit-share');
  assertRefused('trainStrings', ['--non-digit-share', '0.3'], 'TRAIN_CONFLICTING_OPTIONS', '--negatives');
  assertRefused('trainStrings', ['--hard-negatives', '--negatives', 'N'], 'TRAIN_CONFLICTING_OPTIONS', '--init');
  assertRefused('trainStrings', ['--channels', '4'], 'CLI_BAD_OPTION', '--channels');
  assertRefused('enroll', ['--takes', '3'], 'CLI_BAD_OPTION', '--takes');
  assertRefused('enroll', ['--modes', 'base,fast'], 'CLI_BAD_OPTION', '--modes');
  assertRefused('enroll', ['--set', 'stepz=10'], 'CLI_BAD_OPTION', 'stepz');
  assertRefused('enroll', ['--set', 'steps=ten'], 'CLI_BAD_OPTION', 'steps');
  assertRefused('enroll', ['--set-strings', 'gapMs=10'], 'CLI_BAD_OPTION', 'gapMs');
  assertRefused('enroll', ['--loso', 'nicolas'], 'CLI_BAD_OPTION', '--loso');
  assertRefused('earlyexit', ['--split', 'dev'], 'CLI_BAD_OPTION', '--split');
  assertRefused('reject', ['NEG', '--grid', '0.5/1.5'], 'CLI_BAD_OPTION', '--grid');
  assertRefused('loso', ['--speakers', 'a,,b'], 'CLI_BAD_OPTION', '--speakers');
});

test('a missing value or argument, or an extra argument, is refused', () => {
  assertRefused('strings', ['--seed'], 'CLI_MISSING_VALUE', '--seed');
  assertRefused('robust', ['--model'], 'CLI_MISSING_VALUE', '--model');
  assertRefused('reject', [], 'CLI_MISSING_ARGUMENT', 'dataDir');
  assertRefused('recipe', ['--ensemble'], 'CLI_MISSING_ARGUMENT', 'models');
  assertRefused('core', ['a.onnx', 'b.onnx'], 'CLI_EXTRA_ARGUMENT', 'too many arguments');
  assertRefused('strings', ['models/digits.onnx'], 'CLI_EXTRA_ARGUMENT', 'too many arguments');
});

test('with no options every bench has the defaults it had before commander', () => {
  assert.deepEqual(parsed('trainStrings', []).opts, {
    out: 'models',
    minutes: 25,
    seed: 1,
    batch: 24,
    fluent: 1500,
    nonDigit: 600,
    evalEvery: 150,
  });
  assert.deepEqual(parsed('strings', []).opts, { seed: 13, lengths: [3, 8], examples: 4 });
  assert.deepEqual(parsed('enroll', []).opts, {
    verifier: true,
    sequence: true,
    strings: 12,
    takes: 8,
    stringAdapt: true,
    fsdd: true,
    tts: true,
    modes: ['base', 'proto', 'hybrid', 'adapted'],
  });
  assert.deepEqual(parsed('loso', []).opts, { epochs: 25, variants: 3, corpus: true });
  assert.deepEqual(parsed('earlyexit', []).opts, { split: 'val', every: 2 });
  assert.deepEqual(parsed('stream', []).opts, { memory: true });
  assert.deepEqual(parsed('robust', []).opts, { verifier: true, sequence: true });
  assert.deepEqual(parsed('core', []), { opts: {}, args: [] });
  assert.deepEqual(parsed('memory', []).opts, {});
  assert.deepEqual(parsed('reject', ['D']).opts.grid, [
    [0.03, 0.02],
    [0.1, 0.02],
    [0.3, 0.02],
    [0.5, 0.02],
    [0.8, 0.02],
    [0.5, 0.05],
  ]);
});

test("package.json's bench scripts pass options that still parse, to the same values", () => {
  const scripts = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  // bench:reject and bench:recipe take their folder or models after `--`.
  const operand: Record<string, string[]> = { reject: ['NEG/heldout'], recipe: ['A.onnx'] };
  let n = 0;
  for (const script of Object.values(scripts)) {
    for (const m of script.matchAll(/node (?:--expose-gc )?dist\/bench\/(\w+)\.js([^&]*)/g)) {
      parsed(m[1], [...m[2].trim().split(/\s+/).filter(Boolean), ...(operand[m[1]] ?? [])]);
      n++;
    }
  }
  assert.ok(n >= 10, `${n} bench scripts found`);
  assert.equal(parsed('loso', ['--epochs', '20']).opts.epochs, 20);
  const t = parsed('trainStrings', ['--out', 'models', '--minutes', '25']).opts;
  assert.equal(t.out, 'models');
  assert.equal(t.minutes, 25);
});

test('the command lines the README, docs/ and the model card quote parse, with their meaning', () => {
  assert.deepEqual(parsed('core', ['--card']).opts, { card: true });
  assert.deepEqual(parsed('core', ['models/digits.onnx', '--card']), { opts: { card: true }, args: ['models/digits.onnx'] });
  assert.equal(parsed('earlyexit', ['--split', 'val']).opts.split, 'val');
  assert.equal(parsed('earlyexit', ['--split', 'test', '--every', '3']).opts.every, 3);

  assert.equal(parsed('enroll', ['--dev']).opts.dev, true);
  assert.deepEqual(parsed('enroll', ['--dev', '--set', 'verifierMaxShift=4']).opts.set, {
    ...(parsed('enroll', ['--set', 'seed=1']).opts.set as object),
    verifierMaxShift: 4,
  });
  assert.deepEqual(parsed('enroll', ['--dev', '--set-engine', 'stringUserWeight=0.5']).opts.setEngine, { stringUserWeight: 0.5 });
  const loso = parsed('enroll', ['--no-tts', '--no-fsdd', '--loso', 'nicolas=M1', '--loso', 'george=M2', '--loso', 'theo=M3']).opts;
  assert.equal(loso.tts, false);
  assert.equal(loso.fsdd, false);
  assert.deepEqual(loso.loso, [
    ['nicolas', 'M1'],
    ['george', 'M2'],
    ['theo', 'M3'],
  ]);
  assert.deepEqual(parsed('enroll', ['--dev', '--modes', 'base']).opts.modes, ['base']);
  assert.deepEqual((parsed('enroll', ['--set-strings', 'gapMs=-40,80']).opts.setStrings as { gapMs: number[] }).gapMs, [-40, 80]);

  assert.deepEqual(parsed('strings', ['--lengths', '2-2']).opts.lengths, [2, 2]);
  const dev = parsed('strings', ['--dev', '--seed', '101', '--negatives', 'NEG/heldout']).opts;
  assert.deepEqual([dev.dev, dev.seed, dev.negatives], [true, 101, 'NEG/heldout']);
  const eng = parsed('strings', ['--steps-per-run', '2', '--set', 'vad.hangoverMs=150', '--set', 'vad.minSpeechMs=80']).opts;
  assert.equal(eng.stepsPerRun, 2);
  assert.deepEqual(eng.set, { vad: { hangoverMs: 150, minSpeechMs: 80 } });
  assert.equal(parsed('strings', ['--no-sequence']).opts.sequence, false);
  assert.equal(parsed('strings', ['--sequence', 'S.onnx']).opts.sequence, 'S.onnx');

  const ts = parsed('trainStrings', [
    ...['--init', '/work/str/s1/digit-strings.onnx', '--real', '../shared/gsc-digits/recordings', '--augment'],
    ...['--negatives', 'NEG/train', '--more-voices', '--fluent', '4000', '--non-digit', '2400', '--non-digit-share', '0.3'],
    ...['--hard-negatives', '--draw-seed', '85', '--lr', '1e-3', '--minutes', '25'],
  ]).opts;
  assert.deepEqual(ts, {
    out: 'models',
    minutes: 25,
    seed: 1,
    batch: 24,
    fluent: 4000,
    nonDigit: 2400,
    evalEvery: 150,
    init: '/work/str/s1/digit-strings.onnx',
    real: '../shared/gsc-digits/recordings',
    augment: true,
    negatives: 'NEG/train',
    moreVoices: true,
    nonDigitShare: 0.3,
    hardNegatives: true,
    drawSeed: 85,
    lr: 0.001,
  });
  parsed('trainStrings', ['--init', 'models/digit-strings.onnx', '--lr', '1e-3', '--real', '../shared/gsc-digits/recordings', '--augment']);
  parsed('trainStrings', ['--init', 'models/digit-strings.onnx', '--real', 'R', '--augment', '--negatives', 'N', '--more-voices']);

  assert.deepEqual(parsed('recipe', ['A.onnx', 'B.onnx', '--ensemble']), { opts: { ensemble: true }, args: ['A.onnx', 'B.onnx'] });
  assert.equal(parsed('recipe', ['--noise-streams', 'A.onnx']).opts.noiseStreams, true);

  assert.deepEqual(parsed('reject', ['NEG/heldout']).args, ['NEG/heldout']);
  const rj = parsed('reject', ['NEG/heldout', '--real-dev', '../shared/gsc-digits/recordings', '--grid', '0.5/0.02,0.9/0.2']).opts;
  assert.equal(rj.realDev, '../shared/gsc-digits/recordings');
  assert.deepEqual(rj.grid, [
    [0.5, 0.02],
    [0.9, 0.2],
  ]);
  assert.deepEqual(parsed('reject', ['D', '--verifier', 'a.onnx,b.onnx', '--set', 'reject.minConfidence=0.4']).opts, {
    grid: parsed('reject', ['D']).opts.grid,
    verifier: 'a.onnx,b.onnx',
    set: { reject: { minConfidence: 0.4 } },
    realDevSet: 'verifier',
    realFold: '0',
  });
  const rs = parsed('reject', ['D', '--real-streams', 'G', '--real-fold', '1', '--model', 'F1.onnx']).opts;
  assert.deepEqual([rs.realStreams, rs.realFold, rs.model], ['G', '1', 'F1.onnx']);

  assert.equal(parsed('robust', ['--model', 'models/digits.onnx', '--quick']).opts.model, 'models/digits.onnx');
  assert.deepEqual(parsed('stream', ['--model', 'M.onnx', '--no-verifier', '--no-memory']).opts, {
    model: 'M.onnx',
    verifier: false,
    memory: false,
  });
  assert.deepEqual(
    parsed('loso', ['--epochs', '20', '--speakers', 'nicolas,george', '--variants', '2', '--no-corpus', '--spec-augment', '--keep', 'K'])
      .opts,
    { epochs: 20, speakers: ['nicolas', 'george'], variants: 2, corpus: false, specAugment: true, keep: 'K' },
  );
  assert.deepEqual(parsed('memory', ['--keep']).opts, { keep: true });
});
