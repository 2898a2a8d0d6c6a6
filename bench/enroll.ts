/**
 * `npm run bench:enroll`: what enrollment does for a voice the model does not know.
 *
 * For each voice with several takes per digit: enroll its first k takes of every digit (k = 1 and
 * 3; levelled to −26 dBFS like the stream, as one microphone records both), then transcribe one
 * stream of all its remaining takes (shuffled, 150–800 ms pauses, words at −26 dBFS) with the streaming engine in every mode — base (zero-shot), proto, hybrid (weight 0.5)
 * and adapted (enroll/adapt.ts) — and score it as bench:stream does (word accuracy, insertions
 * count). Voices:
 * - held-out TTS voices of the project's split (bench/voiceTakes.ts; 8 takes per digit, rate and
 *   pitch varied per take), with the shipped model;
 * - FSDD speakers with a leave-one-speaker-out model (--loso speaker=model.onnx, repeatable):
 *   real voices the model never heard, takes 0–9;
 * - FSDD speakers with the shipped model, takes 0–4 (FSDD's test split). The shipped model was
 *   trained on these speakers' other takes, so they are not new voices: reported apart, labelled.
 * --dev runs the development voices instead (the adaptation's settings are chosen there).
 *
 * Flags: --quick (fewer voices), --json, --model FILE, --no-verifier, --no-sequence, --strings N (per voice, default 12), --dev,
 * --takes N (per digit of a TTS voice, 4–100, default 8), --loso speaker=FILE, --only NAME (TTS voices whose name contains it),
 * --no-string-adapt, --set-strings key=value (string adaptation options, enroll/stringAdapt.ts), --trace (each string digit
 * typed, with the words near it), --verbose, --no-fsdd, --no-tts, --modes base,proto,…, --set key=value (adapt options),
 * --set-engine key=value (engine options, stream/options.ts); the key=value flags are repeatable. `--help` lists them; a bad
 * value or an unknown option stops with `error [CODE]: …` and exit 2 before anything is measured.
 */
import { Option } from 'commander';
import { fileSource } from '../src/audio/source';
import { AdaptOptions, DEFAULT_ADAPT_OPTIONS } from '../src/enroll/adapt';
import { modeProbs } from '../src/enroll/head';
import { DEFAULT_STRING_ADAPT_OPTIONS, StringAdaptOptions } from '../src/enroll/stringAdapt';
import { enrollTakes } from '../src/enroll/review';
import { FEATURE_CONFIG } from '../src/features/config';
import { bundledModelPath, Classifier } from '../src/model/classifier';
import { loadBundledSequenceModel, SequenceModel } from '../src/model/sequenceModel';
import { DictationEngine } from '../src/stream/engine';
import { recordUtterance } from '../src/stream/record';
import type { RecognitionMode } from '../src/model/types';
import type { UtteranceEvent } from '../src/stream/types';
import { loadVerifier, Verifier, verifierLogOdds } from '../src/stream/verifier';
import { loadClips } from '../src/train/dataset';
import { mulberry32, shuffle } from '../src/train/rng';
import { atLevel, Clip, concatWithGaps, digitStream, loadFsdd } from '../test/fixtures/corpus';
import { BENCH_WORDS } from '../test/fixtures/nonDigitText';
import { FSDD_DIR } from '../test/fixtures/fsddDir';
import { fluentTtsString, patchOver, score, Score, trackTyped } from './streamScoring';
import { benchCommand, engineSetArg, intArg, keyValue, listArg, parseBench, pathArg, setArg, textArg } from './args';
import { RECOGNITION_MODES } from '../src/shared/constants';
import type { EngineOptionsPatch } from '../src/stream/options';
import { randomDigits } from '../src/train/strings';
import { alignDigits } from '../src/shared/stringScore';
import { atSpeed, voiceFamily } from '../src/train/ttsVoices';
import type { TtsVoice } from '../src/train/voices';
import { DEV_VOICES, HELD_OUT_VOICES, voiceName, voiceTakes, voiceWords } from './voiceTakes';

const RATE = FEATURE_CONFIG.sampleRate;
interface Options {
  quick?: boolean;
  json?: boolean;
  model?: string;
  /** False with --no-verifier. */
  verifier: boolean;
  /** False with --no-sequence. */
  sequence: boolean;
  strings: number;
  dev?: boolean;
  takes: number;
  loso?: Array<[speaker: string, file: string]>;
  only?: string;
  /** False with --no-string-adapt. */
  stringAdapt: boolean;
  setStrings?: StringAdaptOptions;
  trace?: boolean;
  verbose?: boolean;
  /** False with --no-fsdd / --no-tts. */
  fsdd: boolean;
  tts: boolean;
  modes: RecognitionMode[];
  set?: AdaptOptions;
  setEngine?: EngineOptionsPatch;
}

/** --loso speaker=FILE, repeatable. */
function losoArg(v: string, previous: Options['loso'] | undefined): Options['loso'] {
  return [...(previous ?? []), keyValue('--loso', v, 'speaker=FILE')];
}

const { opts } = parseBench<Options>(
  benchCommand('enroll', 'what enrollment does for a voice the model does not know (npm run bench:enroll)')
    .option('--quick', 'fewer voices')
    .option('--json', 'print one JSON object instead of the tables')
    .option('--model <file>', 'digit classifier (default: the bundled one)', pathArg('--model'))
    .option('--no-verifier', 'without the bundled verifier')
    .option('--no-sequence', 'without the bundled string model')
    .option('--strings <n>', 'fluent strings per TTS voice', intArg('--strings', 0, 10_000), 12)
    .option('--dev', 'the development voices instead (the adaptation settings are chosen there)')
    .option(
      '--takes <n>',
      'takes per digit of each TTS voice (3 are enrolled at most; the rest are streamed)',
      intArg('--takes', 4, 100),
      8,
    )
    .option('--loso <speaker=file>', 'an FSDD speaker with its leave-one-speaker-out model, repeatable', losoArg)
    .option('--only <name>', 'TTS voices whose name contains NAME', textArg('--only'))
    .option('--no-string-adapt', 'without string adaptation')
    .option(
      '--set-strings <key=value>',
      'a string adaptation option (enroll/stringAdapt.ts), repeatable',
      setArg('--set-strings', DEFAULT_STRING_ADAPT_OPTIONS, 'string adaptation'),
    )
    .option('--trace', 'each string digit typed, with the words near it')
    .option('--verbose', 'string adaptation and per-voice details')
    .option('--no-fsdd', 'without the FSDD speakers')
    .option('--no-tts', 'without the TTS voices')
    .addOption(
      new Option('--modes <list>', 'comma-separated modes to run')
        .argParser(listArg('--modes', RECOGNITION_MODES))
        .default([...RECOGNITION_MODES], RECOGNITION_MODES.join(',')),
    )
    .option('--set <key=value>', 'an adaptation option (enroll/adapt.ts), repeatable', setArg('--set', DEFAULT_ADAPT_OPTIONS, 'adaptation'))
    .option('--set-engine <key=value>', 'an engine option (stream/options.ts), repeatable', engineSetArg('--set-engine')),
);
const JSON_OUT = opts.json === true;
const QUICK = opts.quick === true;
const TTS_TAKES = opts.takes;
const ENROLL_TAKES = [1, 3];
/** Words (enrollment takes, streamed takes, non-digit words) at this mean power, dBFS: a microphone with gain control. */
const WORD_LEVEL_DB = -26;
const STRINGS_PER_VOICE = opts.strings;
const MODES = opts.modes;
const log = (...a: unknown[]) => {
  if (!JSON_OUT) console.log(...a);
};

const adaptOptions = (): AdaptOptions => ({ ...(opts.set ?? DEFAULT_ADAPT_OPTIONS) });
const stringAdaptOptions = (): StringAdaptOptions => ({ ...(opts.setStrings ?? DEFAULT_STRING_ADAPT_OPTIONS) });

interface Subject {
  group: string;
  name: string;
  classifier: Classifier;
  clips: Clip[];
  /** Non-digit words in the same voice (TTS voices), streamed to count false digits. */
  nonDigits?: Float32Array[];
  /** Fluent strings in the same voice (TTS voices). */
  strings?: Array<{ samples: Float32Array; digits: number[] }>;
}

/** `n` fluent strings of 3–8 digits in voice `v`, at 0.85×, 1× and 1.25× its tempo (like bench:strings), from the voice's name. */
function fluentStrings(v: TtsVoice, n: number): Subject['strings'] {
  const rng = mulberry32([...v.id].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 11));
  return Array.from({ length: n }, (_, i) => {
    const digits = randomDigits(rng, 3, 8);
    return { samples: fluentTtsString(digits, atSpeed(voiceFamily(v), [0.85, 1, 1.25][i % 3]), WORD_LEVEL_DB, rng), digits };
  });
}

interface Row {
  group: string;
  voice: string;
  enrolled: number;
  words: number;
  adaptSeconds: number;
  /** The take check shown to the user (leave one take out), not needed for the head. */
  checkSeconds: number;
  accuracy: Partial<Record<RecognitionMode, number>>;
  scores: Partial<Record<RecognitionMode, Score>>;
  /** Digits typed on the voice's own non-digit words, per mode (out of nonDigitWords). */
  falseDigits: Partial<Record<RecognitionMode, number>>;
  nonDigitWords: number;
  /** Fluent strings (TTS voices): digit accuracy (N − S − D − I) / N and exact strings, per mode. */
  stringAccuracy: Partial<Record<RecognitionMode, number>>;
  stringExact: Partial<Record<RecognitionMode, number>>;
  /** Substitutions, deletions, insertions over the strings' digits, per mode. */
  stringErrors: Partial<Record<RecognitionMode, { sub: number; del: number; ins: number }>>;
  strings: number;
}

let VERIFIER: Verifier | undefined;
let STRING_MODEL: SequenceModel | undefined;
/** `--set-engine key=value`: engine options for every run (stream/options.ts). */
const ENGINE_OPTIONS: EngineOptionsPatch = opts.setEngine ?? {};

function newEngine(classifier: Classifier, mode: RecognitionMode, store: Parameters<DictationEngine['setPrototypes']>[0]) {
  const engine = new DictationEngine(classifier, patchOver(ENGINE_OPTIONS, { mode, hybridWeight: 0.5, explain: false }), modeProbs);
  engine.setVerifier(VERIFIER);
  engine.setStringModel(STRING_MODEL);
  engine.setPrototypes(store);
  return engine;
}

/** One fluent string through a fresh engine: the digits typed, as an editor would hold them. */
async function typedString(
  classifier: Classifier,
  samples: Float32Array,
  mode: RecognitionMode,
  store: Parameters<DictationEngine['setPrototypes']>[0],
): Promise<number[]> {
  const engine = newEngine(classifier, mode, store);
  const typed = trackTyped(engine);
  await engine.run(await fileSource(samples, RATE));
  engine.dispose();
  return typed.map((d) => d.digit);
}

async function transcribe(
  classifier: Classifier,
  samples: Float32Array,
  mode: RecognitionMode,
  store: Parameters<DictationEngine['setPrototypes']>[0],
) {
  const engine = newEngine(classifier, mode, store);
  const utterances: UtteranceEvent[] = [];
  engine.on('utterance', (u) => utterances.push(u));
  await engine.run(await fileSource(samples, RATE));
  engine.dispose();
  return utterances;
}

/** A take as the enrollment recorder hears it: the word in half a second of quiet each side, VAD-cut. */
async function recorded(c: Clip, seed: number): Promise<Float32Array> {
  const padded = digitStream([{ ...c, samples: atLevel(c.samples, WORD_LEVEL_DB) }], { seed, edgeMs: 500 });
  return (await recordUtterance(await fileSource(padded.samples, RATE), {}, 5000)).samples;
}

async function runSubject(s: Subject, k: number, o: AdaptOptions, seed: number): Promise<Row> {
  // Enrollment takes come from the same microphone as the dictation (both at the stream's word
  // level) and are cut by the same recorder as in the editor and the CLI (stream/record.ts).
  const enroll: Clip[] = [];
  for (const c of s.clips.filter((c) => c.take < k)) enroll.push({ ...c, samples: await recorded(c, seed) });
  const test = shuffle(
    s.clips.filter((c) => c.take >= k),
    mulberry32(seed),
  );
  const stream = digitStream(test, { seed: seed + 1, wordLevelDb: WORD_LEVEL_DB });
  const { store, head, stringAdaptation, adaptSeconds, checkSeconds } = await enrollTakes(
    s.classifier,
    enroll,
    verifierLogOdds(VERIFIER),
    o,
    STRING_MODEL && opts.stringAdapt ? { model: STRING_MODEL, opts: stringAdaptOptions() } : undefined,
  );
  if (stringAdaptation && opts.verbose)
    console.error(
      `  ${s.name} k=${k} string head: spliced-take digit errors ${stringAdaptation.errorsBefore} -> ${stringAdaptation.errorsAfter} of ${stringAdaptation.digits} (${stringAdaptation.seconds.toFixed(2)} s)`,
    );
  const row: Row = {
    group: s.group,
    voice: s.name,
    enrolled: k,
    words: stream.words.length,
    adaptSeconds,
    checkSeconds,
    accuracy: {},
    scores: {},
    falseDigits: {},
    nonDigitWords: s.nonDigits?.length ?? 0,
    stringAccuracy: {},
    stringExact: {},
    stringErrors: {},
    strings: STRING_MODEL ? (s.strings?.length ?? 0) : 0,
  };
  const nonDigitStream =
    s.nonDigits &&
    concatWithGaps(
      s.nonDigits.map((w) => atLevel(w, WORD_LEVEL_DB)),
      [150, 800],
      seed + 2,
    );
  for (const mode of MODES) {
    const utterances = await transcribe(s.classifier, stream.samples, mode, mode === 'base' ? undefined : store);
    const sc = score(stream, utterances);
    if (opts.trace)
      for (const u of utterances.filter((u) => u.decision?.stringIndex !== undefined)) {
        const near = stream.words
          .filter((w) => w.endMs > u.startMs - 300 && w.startMs < u.endMs + 300)
          .map((w) => `${w.digit}@${Math.round(w.startMs)}-${Math.round(w.endMs)}`);
        console.error(
          `    ${mode} string digit ${u.decision!.digit} #${u.decision!.stringIndex} ${Math.round(u.startMs)}-${Math.round(u.endMs)} near ${near.join(' ')}`,
        );
      }
    row.scores[mode] = sc;
    row.accuracy[mode] = sc.accuracy;
    if (nonDigitStream) {
      const heard = await transcribe(s.classifier, nonDigitStream, mode, mode === 'base' ? undefined : store);
      row.falseDigits[mode] = heard.filter((u) => u.decision).length;
    }
    if (row.strings) {
      let n = 0;
      let exact = 0;
      const e = { sub: 0, del: 0, ins: 0 };
      for (const c of s.strings!) {
        const a = alignDigits(c.digits, await typedString(s.classifier, c.samples, mode, mode === 'base' ? undefined : store));
        n += c.digits.length;
        e.sub += a.sub;
        e.del += a.del;
        e.ins += a.ins;
        if (a.sub + a.del + a.ins === 0) exact++;
      }
      row.stringErrors[mode] = e;
      row.stringAccuracy[mode] = (n - e.sub - e.del - e.ins) / n;
      row.stringExact[mode] = exact / row.strings;
    }
    if (opts.verbose) {
      const reasons = new Map<string, number>();
      for (const u of utterances)
        if (u.rejection) {
          const r = u.rejection.reason.replace(/[\d.]+/g, '#').replace(/"[^"]*"/g, '"…"');
          reasons.set(r, (reasons.get(r) ?? 0) + 1);
        }
      console.error(
        `  ${s.name} k=${k} ${mode}: S ${sc.sub} D ${sc.del} I ${sc.ins} early ${sc.early}/${sc.decisions} string digits ${utterances.filter((u) => u.decision?.stringIndex !== undefined).length} head scale ${head.scale.toFixed(2)} shift ${Array.from(head.verifierShift, (x) => x.toFixed(0)).join(',')} ${[...reasons].map(([r, n]) => `${n}× ${r}`).join('; ')}`,
      );
    }
  }
  return row;
}

const pct = (x: number | undefined) => (x === undefined ? '   –  ' : `${(x * 100).toFixed(1).padStart(5)}%`);

function summary(rows: Row[]) {
  const out = [];
  for (const group of [...new Set(rows.map((r) => r.group))]) {
    for (const k of ENROLL_TAKES) {
      const rs = rows.filter((r) => r.group === group && r.enrolled === k);
      if (rs.length === 0) continue;
      const mean = Object.fromEntries(MODES.map((m) => [m, rs.reduce((a, r) => a + (r.accuracy[m] ?? 0), 0) / rs.length]));
      // Bar: each voice's adapted error at most half of its zero-shot error.
      const halved = rs.filter((r) => 1 - (r.accuracy.adapted ?? 0) <= 0.5 * (1 - (r.accuracy.base ?? 0)) + 1e-9).length;
      const secs = rs.map((r) => r.adaptSeconds).sort((a, b) => a - b);
      const checkMaxS = Math.max(...rs.map((r) => r.checkSeconds));
      const nonDigitWords = rs.reduce((a, r) => a + r.nonDigitWords, 0);
      const falseDigits = Object.fromEntries(MODES.map((m) => [m, rs.reduce((a, r) => a + (r.falseDigits[m] ?? 0), 0)]));
      const withStrings = rs.filter((r) => r.strings > 0);
      const stringMean = (get: (r: Row) => number | undefined) =>
        withStrings.length ? withStrings.reduce((a, r) => a + (get(r) ?? 0), 0) / withStrings.length : undefined;
      const strings = withStrings.length
        ? {
            voices: withStrings.length,
            perVoice: withStrings[0].strings,
            accuracy: Object.fromEntries(MODES.map((m) => [m, stringMean((r) => r.stringAccuracy[m])])),
            exact: Object.fromEntries(MODES.map((m) => [m, stringMean((r) => r.stringExact[m])])),
          }
        : undefined;
      out.push({
        group,
        enrolled: k,
        voices: rs.length,
        mean,
        halved,
        adaptMedianS: secs[secs.length >> 1],
        adaptMaxS: secs.at(-1)!,
        checkMaxS,
        nonDigitWords,
        falseDigits,
        strings,
      });
    }
  }
  return out;
}

async function main() {
  const modelPath = opts.model ?? bundledModelPath();
  const shipped = await Classifier.load(modelPath);
  VERIFIER = opts.verifier ? await loadVerifier() : undefined;
  // As the product runs by default (digitDictation.fluentStrings).
  STRING_MODEL = opts.sequence ? await loadBundledSequenceModel() : undefined;
  const o = adaptOptions();
  log(
    `model ${modelPath} (id ${shipped.meta.modelId}); verifier ${VERIFIER ? VERIFIER.path : 'none'}; string model ${STRING_MODEL ? STRING_MODEL.meta.modelId : 'none'}; modes ${MODES.join(', ')}; adapt ${JSON.stringify(o)}`,
  );
  const subjects: Subject[] = [];
  const voices = opts.dev ? DEV_VOICES : HELD_OUT_VOICES;
  if (opts.tts) {
    for (const v of (QUICK ? voices.filter((_, i) => i % 3 === 0) : voices).filter((v) => voiceName(v).includes(opts.only ?? ''))) {
      subjects.push({
        group: opts.dev ? 'dev TTS' : 'held-out TTS',
        name: voiceName(v),
        classifier: shipped,
        clips: voiceTakes(v, TTS_TAKES),
        nonDigits: voiceWords(v, BENCH_WORDS),
        strings: STRING_MODEL ? fluentStrings(v, STRINGS_PER_VOICE) : undefined,
      });
    }
  }
  for (const [speaker, file] of opts.loso ?? []) {
    const classifier = await Classifier.load(file);
    const { clips } = loadClips(FSDD_DIR, FEATURE_CONFIG, (c) => c.speaker === speaker && c.take < 10);
    subjects.push({
      group: 'FSDD, LOSO model',
      name: speaker,
      classifier,
      clips: clips.map(({ file: name, ...c }) => ({ name, ...c })),
    });
  }
  if (opts.fsdd && !opts.dev) {
    const test = loadFsdd(FSDD_DIR, 'test');
    const speakers = [...new Set(test.map((c) => c.speaker))].sort();
    for (const sp of QUICK ? speakers.slice(0, 2) : speakers) {
      subjects.push({
        group: 'FSDD, shipped model (seen in training)',
        name: sp,
        classifier: shipped,
        clips: test.filter((c) => c.speaker === sp),
      });
    }
  }
  const rows: Row[] = [];
  log(`\n${'group'.padEnd(40)} ${'voice'.padEnd(30)} k words ${MODES.map((m) => m.padStart(7)).join(' ')}  adapt s`);
  let seed = 1;
  for (const s of subjects) {
    for (const k of ENROLL_TAKES) {
      const row = await runSubject(s, k, o, seed++ * 10);
      rows.push(row);
      log(
        `${s.group.padEnd(40)} ${s.name.padEnd(30)} ${k} ${String(row.words).padStart(5)} ${MODES.map((m) => pct(row.accuracy[m]).padStart(7)).join(' ')}  ${row.adaptSeconds.toFixed(2)}${row.nonDigitWords ? `  false digits ${MODES.map((m) => row.falseDigits[m]).join('/')}` : ''}${row.strings ? `  strings ${MODES.map((m) => `${pct(row.stringAccuracy[m]).trim()} (S${row.stringErrors[m]?.sub} D${row.stringErrors[m]?.del} I${row.stringErrors[m]?.ins})`).join(' / ')}` : ''}`,
      );
    }
  }
  const sum = summary(rows);
  log('\nmean accuracy over voices (word accuracy of the stream of the remaining takes):');
  for (const g of sum) {
    log(
      `${g.group.padEnd(40)} k=${g.enrolled}  ${MODES.map((m) => `${m} ${pct(g.mean[m])}`).join('  ')}  | adapted error ≤ ½ base error: ${g.halved}/${g.voices} voices | adaptation median ${g.adaptMedianS.toFixed(2)} s, max ${g.adaptMaxS.toFixed(2)} s (+ take check max ${g.checkMaxS.toFixed(2)} s)`,
    );
    if (g.nonDigitWords)
      log(
        `${''.padEnd(40)}      digits typed on ${g.nonDigitWords} own-voice non-digit words: ${MODES.map((m) => `${m} ${g.falseDigits[m]}`).join('  ')}`,
      );
    if (g.strings)
      log(
        `${''.padEnd(40)}      fluent strings (${g.strings.perVoice} a voice), digit accuracy: ${MODES.map((m) => `${m} ${pct(g.strings!.accuracy[m])}`).join('  ')}; exact: ${MODES.map((m) => `${m} ${pct(g.strings!.exact[m])}`).join('  ')}`,
      );
  }
  if (JSON_OUT)
    console.log(JSON.stringify({ model: shipped.meta.modelId, adapt: o, rows: rows.map(({ scores: _scores, ...r }) => r), summary: sum }));
  for (const c of new Set(subjects.map((s) => s.classifier))) await c.dispose();
  await STRING_MODEL?.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
