/**
 * `npm run bench:stream`: the streaming figures of issue 3, measured on this machine.
 *
 * Digit streams: the FSDD test split (takes 0–4, 300 words), one stream per speaker (a dictation
 * session is one voice), words in shuffled order with 150–800 ms pauses; clean (a −70 dBFS floor)
 * and with pink background noise at 20 dB SNR relative to that speaker's words.
 * Non-digit audio: espeak-ng sentences and isolated command words in several voices, coughs,
 * clicks and hiss, with silence and with background noise.
 *
 * Scoring aligns each decided utterance with the word it overlaps most: a word without a decision
 * is a deletion, a wrong digit a substitution, a decision on no word (or a second one on the same
 * word) an insertion. Accuracy = (N − S − D − I) / N, the ASR word accuracy, so insertions count.
 *
 * Flags: --set key=value (an engine option, repeatable), --quick (fewer streams), --json (one JSON object), --model FILE, --no-memory,
 * --no-verifier (run without models/verifier.onnx), --verifier FILE (another verifier), --sequence FILE
 * (another digit-string model), --no-sequence (without one, as with digitDictation.fluentStrings off). `--help` lists
 * them; a bad value or an unknown option stops with `error [CODE]: …` and exit 2 before anything is measured.
 */
import { FEATURE_CONFIG } from '../src/features/config';
import { fileSource } from '../src/audio/source';
import { existsSync } from 'node:fs';
import { bundledModelPath, Classifier } from '../src/model/classifier';
import { bundledSequenceModelPath, SequenceModel } from '../src/model/sequenceModel';
import { DictationEngine } from '../src/stream/engine';
import { loadVerifier, Verifier } from '../src/stream/verifier';
import type { EngineOptionsPatch } from '../src/stream/options';
import { mulberry32, shuffle } from '../src/train/rng';
import { BENCH_SENTENCES as SENTENCES, BENCH_VOICES as VOICES, BENCH_WORDS as COMMAND_WORDS } from '../test/fixtures/nonDigitText';
import {
  atLevel as level,
  Clip,
  concatWithGaps,
  digitStream,
  espeak,
  loadFsdd,
  noiseBurst,
  pinkNoise,
  Stream,
} from '../test/fixtures/corpus';
import { FSDD_DIR as DATA } from '../test/fixtures/fsddDir';
import { merge, patchOver, quantile, runStream as runEngine, Score, score } from './streamScoring';
import { benchCommand, engineSetArg, parseBench, pathArg } from './args';

const RATE = FEATURE_CONFIG.sampleRate;
interface Options {
  set?: EngineOptionsPatch;
  quick?: boolean;
  json?: boolean;
  model?: string;
  /** False with --no-memory. */
  memory: boolean;
  /** A file with --verifier, false with --no-verifier. */
  verifier?: string | false;
  /** A file with --sequence, false with --no-sequence. */
  sequence?: string | false;
}

const { opts } = parseBench<Options>(
  benchCommand('stream', 'the streaming figures: digit streams and non-digit audio through the engine (npm run bench:stream)')
    .option('--set <key=value>', 'an engine option (stream/options.ts), repeatable', engineSetArg('--set'))
    .option('--quick', 'fewer streams')
    .option('--json', 'print one JSON object instead of the tables')
    .option('--model <file>', 'digit classifier (default: the bundled one)', pathArg('--model'))
    .option('--no-memory', 'skip the memory run')
    .option('--verifier <files>', 'another verifier (comma-separated model files)', pathArg('--verifier'))
    .option('--no-verifier', 'run without models/verifier.onnx')
    .option('--sequence <file>', 'another digit-string model', pathArg('--sequence'))
    .option('--no-sequence', 'without a string model (as with digitDictation.fluentStrings off)'),
);
const QUICK = opts.quick === true;
const JSON_OUT = opts.json === true;
const MODEL = opts.model ?? bundledModelPath();

const log = (...a: unknown[]) => {
  if (!JSON_OUT) console.log(...a);
};

let VERIFIER: Verifier | undefined;
/** The digit-string model (the product's default, digitDictation.fluentStrings on), unless --no-sequence. */
let STRING_MODEL: SequenceModel | undefined;

/** `--set key=value` (repeatable): engine options under every condition's own. */
const SET: EngineOptionsPatch = opts.set ?? {};
const runStream = (classifier: Classifier, samples: Float32Array, options: EngineOptionsPatch, useVerifier = true, collectFirst = false) =>
  runEngine(classifier, samples, patchOver(SET, options), useVerifier ? VERIFIER : undefined, STRING_MODEL, collectFirst);

/** One stream per speaker, shuffled, with the given background. */
function speakerStreams(clips: Clip[], snrDb: number | undefined, seed: number): Stream[] {
  const speakers = [...new Set(clips.map((c) => c.speaker))].sort();
  return speakers.map((sp, i) => {
    const own = shuffle(
      clips.filter((c) => c.speaker === sp),
      mulberry32(seed + i),
    );
    return digitStream(own, { seed: seed * 100 + i, snrDb });
  });
}

interface NonDigitSet {
  name: string;
  samples: Float32Array;
}

function nonDigitAudio(quick: boolean): NonDigitSet[] {
  const rng = mulberry32(77);
  const voices = quick ? VOICES.slice(0, 2) : VOICES;
  const sentences: Float32Array[] = [];
  const words: Float32Array[] = [];
  for (const v of voices) {
    for (const s of SENTENCES) sentences.push(level(espeak(s, v, 140 + Math.floor(rng() * 60)), -26));
    for (const w of COMMAND_WORDS) words.push(level(espeak(w, v, 140 + Math.floor(rng() * 60)), -26));
  }
  const events: Float32Array[] = [];
  for (let i = 0; i < (quick ? 60 : 300); i++) {
    const kind = (['cough', 'click', 'hiss'] as const)[i % 3];
    events.push(noiseBurst(kind, -30 + rng() * 20, rng));
  }
  const sets: NonDigitSet[] = [
    { name: 'espeak sentences', samples: concatWithGaps(shuffle(sentences, rng), [300, 1500], 1) },
    { name: 'espeak command words', samples: concatWithGaps(shuffle(words, rng), [300, 1500], 2) },
    { name: 'coughs, clicks, hiss', samples: concatWithGaps(events, [300, 1500], 3) },
  ];
  // The same speech again under pink noise at 20 dB SNR (words at −26 dBFS).
  const speech = concatWithGaps(shuffle([...sentences, ...words], rng), [300, 1500], 4);
  const noise = pinkNoise(speech.length, -46, rng);
  sets.push({ name: 'espeak speech + pink noise 20 dB', samples: speech.map((v, i) => v + noise[i]) });
  return sets;
}

/** Memory over a long stream: heap after a forced GC at every minute of stream time. */
async function memoryRun(classifier: Classifier, clips: Clip[], minutes: number) {
  const gc = (globalThis as { gc?: () => void }).gc;
  // Words repeated in random order until the stream is `minutes` long.
  const rng = mulberry32(5);
  const picked: Clip[] = [];
  let ms = 0;
  while (ms < minutes * 60000) {
    const c = clips[Math.floor(rng() * clips.length)];
    picked.push(c);
    ms += (c.samples.length / RATE) * 1000 + 475;
  }
  const stream = digitStream(picked, { seed: 9 });
  const engine = new DictationEngine(classifier, {});
  engine.setVerifier(VERIFIER);
  engine.setStringModel(STRING_MODEL);
  const samples: Array<{ minute: number; heapMB: number; rssMB: number }> = [];
  let nextMinute = 1;
  let decisions = 0;
  engine.on('decision', () => decisions++);
  engine.on('level', (l) => {
    if (l.timeMs < nextMinute * 60000) return;
    gc?.();
    const m = process.memoryUsage();
    samples.push({ minute: nextMinute, heapMB: m.heapUsed / 2 ** 20, rssMB: m.rss / 2 ** 20 });
    nextMinute++;
  });
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await engine.run(await fileSource(stream.samples, RATE));
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  engine.dispose();
  // Reference: minute 2 (after warm-up); worst deviation of the later minutes from it.
  const ref = samples.find((s) => s.minute === 2) ?? samples[0];
  const dev = (k: 'heapMB' | 'rssMB') => Math.max(...samples.filter((s) => s.minute >= 2).map((s) => Math.abs(s[k] - ref[k]) / ref[k]));
  return {
    minutes: stream.samples.length / RATE / 60,
    words: stream.words.length,
    decisions,
    samples,
    heapDev: dev('heapMB'),
    rssDev: dev('rssMB'),
    gc: !!gc,
    rtfWall: stream.samples.length / RATE / wallS,
    rtfCpu: stream.samples.length / RATE / ((cpu.user + cpu.system) / 1e6),
  };
}

async function main() {
  const classifier = await Classifier.load(MODEL);
  VERIFIER = opts.verifier === false ? undefined : await loadVerifier(opts.verifier);
  const seqPath = opts.sequence || bundledSequenceModelPath();
  // As the product runs by default (digitDictation.fluentStrings on): with the string model.
  if (opts.sequence !== false && existsSync(seqPath)) STRING_MODEL = await SequenceModel.load(seqPath);
  log(`string model: ${STRING_MODEL ? `${STRING_MODEL.path} (id ${STRING_MODEL.meta.modelId})` : 'none'}`);
  const clips = loadFsdd(DATA, 'test');
  log(
    `model ${MODEL} (id ${classifier.meta.modelId}); verifier ${VERIFIER ? `${VERIFIER.path} (id ${VERIFIER.modelId})` : 'none'}; FSDD test split: ${clips.length} words, ${new Set(clips.map((c) => c.speaker)).size} speakers`,
  );
  const clean = speakerStreams(clips, undefined, 1);
  const noisy = speakerStreams(clips, 20, 2);
  const used = QUICK ? { clean: clean.slice(0, 2), noisy: noisy.slice(0, 2) } : { clean, noisy };

  const defaults: EngineOptionsPatch = {};
  const rows: Record<string, { score: Score; rtfWall: number; rtfCpu: number; audioS: number }> = {};
  const condition = async (name: string, streams: Stream[], opts: EngineOptionsPatch, useVerifier = true) => {
    const results = [];
    let audio = 0,
      wall = 0,
      cpu = 0;
    for (const s of streams) {
      const r = await runStream(classifier, s.samples, opts, useVerifier);
      results.push(score(s, r.utterances));
      audio += r.audioS;
      wall += r.wallS;
      cpu += r.cpuS;
    }
    rows[name] = { score: merge(results), rtfWall: audio / wall, rtfCpu: audio / cpu, audioS: audio };
  };
  // Warm-up (JIT, onnxruntime arenas) so the first condition's speed is the steady state a
  // dictation session runs at: 20 s of audio left the first condition ~40 % slower than the same
  // streams run again (measured), so one whole stream, clean and noisy, is run first.
  for (const s of [used.clean[0], used.noisy[0]]) await runStream(classifier, s.samples, defaults);

  await condition('clean, early exit', used.clean, defaults);
  await condition('20 dB SNR, early exit', used.noisy, defaults);
  await condition('clean, decide at end', used.clean, { earlyExit: false });
  await condition('20 dB SNR, decide at end', used.noisy, { earlyExit: false });
  await condition('clean, early exit, no saliency', used.clean, { explain: false });
  if (VERIFIER) {
    await condition('clean, early exit, no verifier', used.clean, defaults, false);
    await condition('20 dB SNR, early exit, no verifier', used.noisy, defaults, false);
  }
  await condition('clean, silero VAD', used.clean, { vad: { kind: 'silero' } });
  await condition('20 dB SNR, silero VAD', used.noisy, { vad: { kind: 'silero' } });

  const nd = nonDigitAudio(QUICK);
  const insertions: Record<string, { minutes: number; insertions: number; per10min: number; digits: number[]; withdrawn: number }> = {};
  for (const set of nd) {
    const variants: Array<[string, EngineOptionsPatch, boolean]> = [
      ['', defaults, true],
      [' (silero)', { vad: { kind: 'silero' } }, true],
    ];
    if (VERIFIER) variants.push([' (no verifier)', defaults, false], [' (no withdrawal)', { reject: { retract: false } }, true]);
    for (const [label, opts, useVerifier] of variants) {
      const r = await runStream(classifier, set.samples, opts, useVerifier);
      const digits = r.utterances.filter((u) => u.decision).map((u) => u.decision!.digit);
      const minutes = r.audioS / 60;
      const withdrawn = r.utterances.filter((u) => u.retracted).length;
      insertions[set.name + label] = { minutes, insertions: digits.length, per10min: (digits.length / minutes) * 10, digits, withdrawn };
    }
  }

  // The speed bar from three more runs of the default condition, their median: this shared
  // machine's speed drifts by a third between minutes (measured), more than any one run shows.
  // Runs with and without the "why" alternate, so a slow spell of the machine hits both. Runs are
  // timed as dictation runs, one after another without a forced collection; the third kind, each run
  // after a forced full collection, is how this bench timed them before the fourteenth session.
  const speedRuns: number[] = [];
  const speedRunsNoWhy: number[] = [];
  const speedRunsCollected: number[] = [];
  for (let k = 0; k < 3; k++) {
    for (const [opts, into, collectFirst] of [
      [defaults, speedRuns, false],
      [{ explain: false }, speedRunsNoWhy, false],
      [defaults, speedRunsCollected, true],
    ] as const) {
      let audio = 0,
        cpu = 0;
      for (const s of used.clean) {
        const r = await runStream(classifier, s.samples, opts, true, collectFirst);
        audio += r.audioS;
        cpu += r.cpuS;
      }
      into.push(audio / cpu);
    }
  }
  const rtfMedian = quantile(speedRuns, 0.5);

  const mem = opts.memory ? await memoryRun(classifier, clips, QUICK ? 5 : 30) : undefined;
  await classifier.dispose();
  await VERIFIER?.dispose();
  await STRING_MODEL?.dispose();

  // ---- report
  const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
  const bar = (ok: boolean) => (ok ? '   [meets bar]' : '   [MISSES BAR]');
  log('\nDigit streams (one per speaker, 150–800 ms pauses). accuracy = (N − S − D − I) / N; wdr = early digits typed, then withdrawn');
  log(
    `${'condition'.padEnd(34)} ${'N'.padStart(4)} ${'acc'.padStart(8)} ${'sub'.padStart(4)} ${'del'.padStart(4)} ${'ins'.padStart(4)} ${'wdr'.padStart(4)} ${'median'.padStart(8)} ${'p95'.padStart(7)} ${'early'.padStart(7)} ${'RTF wall'.padStart(9)} ${'RTF cpu'.padStart(8)}`,
  );
  for (const [name, r] of Object.entries(rows)) {
    const s = r.score;
    log(
      `${name.padEnd(34)} ${String(s.n).padStart(4)} ${pct(s.accuracy).padStart(8)} ${String(s.sub).padStart(4)} ${String(s.del).padStart(4)} ${String(s.ins).padStart(4)} ${String(s.withdrawn).padStart(4)} ${(quantile(s.latencies, 0.5).toFixed(0) + ' ms').padStart(8)} ${(quantile(s.latencies, 0.95).toFixed(0) + ' ms').padStart(7)} ${pct(s.early / Math.max(1, s.decisions)).padStart(7)} ${(r.rtfWall.toFixed(0) + '×').padStart(9)} ${(r.rtfCpu.toFixed(0) + '×').padStart(8)}`,
    );
  }
  const c = rows['clean, early exit'].score;
  const n = rows['20 dB SNR, early exit'].score;
  // Issues 12 and 13: bench:stream must stay >= 99 % clean and at 20 dB (the 20 dB bar was 97 % before them).
  log('\nBars');
  log(
    `streaming accuracy, clean                   ${pct(c.accuracy)} (S ${c.sub}, D ${c.del}, I ${c.ins}, N ${c.n})${bar(c.accuracy >= 0.99)}`,
  );
  log(
    `streaming accuracy, 20 dB SNR               ${pct(n.accuracy)} (S ${n.sub}, D ${n.del}, I ${n.ins}, N ${n.n})${bar(n.accuracy >= 0.99)}`,
  );
  const med = quantile([...c.latencies, ...n.latencies], 0.5);
  log(
    `decision time − word end, median (clean+noisy) ${med.toFixed(0)} ms, p95 ${quantile([...c.latencies, ...n.latencies], 0.95).toFixed(0)} ms${bar(med <= -100)}`,
  );
  log(
    `  clean: median ${quantile(c.latencies, 0.5).toFixed(0)} ms, p95 ${quantile(c.latencies, 0.95).toFixed(0)} ms; 20 dB: median ${quantile(n.latencies, 0.5).toFixed(0)} ms, p95 ${quantile(n.latencies, 0.95).toFixed(0)} ms`,
  );
  log(`early-exit share                            clean ${pct(c.early / c.decisions)}, 20 dB ${pct(n.early / n.decisions)}`);
  const ce = rows['clean, decide at end'].score;
  const ne = rows['20 dB SNR, decide at end'].score;
  log(
    `accuracy cost of early exit                 clean ${((ce.accuracy - c.accuracy) * 100).toFixed(2)} points (${pct(ce.accuracy)} at end), 20 dB ${((ne.accuracy - n.accuracy) * 100).toFixed(2)} points (${pct(ne.accuracy)} at end)`,
  );
  log('\nNon-digit audio (decisions are false insertions)');
  let totalMin = 0,
    totalIns = 0,
    totalWithdrawn = 0;
  for (const [name, r] of Object.entries(insertions)) {
    log(
      `  ${name.padEnd(44)} ${r.minutes.toFixed(1).padStart(5)} min  ${String(r.insertions).padStart(3)} insertions  ${r.per10min.toFixed(2)} per 10 min${r.withdrawn ? ` (+${r.withdrawn} typed, then withdrawn)` : ''}${r.digits.length ? `  (digits ${r.digits.join(',')})` : ''}`,
    );
    if (!name.endsWith(')')) {
      totalMin += r.minutes;
      totalIns += r.insertions;
      totalWithdrawn += r.withdrawn;
    }
  }
  const per10 = (totalIns / totalMin) * 10;
  log(
    `false insertions, default engine${VERIFIER ? ' (energy VAD + verifier)' : ' (energy VAD)'}, all non-digit audio: ${totalIns} in ${totalMin.toFixed(1)} min = ${per10.toFixed(2)} per 10 min${bar(per10 <= 1)}`,
  );
  log(
    `  counting digits typed and then withdrawn as well: ${totalIns + totalWithdrawn} = ${(((totalIns + totalWithdrawn) / totalMin) * 10).toFixed(2)} per 10 min (a withdrawn digit flashes in the editor before it is deleted)`,
  );
  log(
    `\nreal-time factor (default options, with saliency, clean streams): median of 3 runs ${rtfMedian.toFixed(0)}× per CPU-second (runs ${speedRuns.map((v) => v.toFixed(0) + '×').join(', ')})${bar(rtfMedian >= 200)}`,
  );
  log(
    `real-time factor without saliency: median of 3 runs ${quantile(speedRunsNoWhy, 0.5).toFixed(0)}× per CPU-second (runs ${speedRunsNoWhy.map((v) => v.toFixed(0) + '×').join(', ')})`,
  );
  log(
    `real-time factor with saliency, each run after a forced full collection (not what the product does): median of 3 runs ${quantile(speedRunsCollected, 0.5).toFixed(0)}× per CPU-second (runs ${speedRunsCollected.map((v) => v.toFixed(0) + '×').join(', ')})`,
  );
  if (mem) {
    log(
      `\n${mem.minutes.toFixed(1)}-minute stream (${mem.words} words, ${mem.decisions} decisions, ${mem.rtfCpu.toFixed(0)}× per CPU-second): heap after GC per minute ${mem.samples.map((s) => s.heapMB.toFixed(1)).join(' ')} MB`,
    );
    log(
      `memory: max heap deviation from minute 2: ${pct(mem.heapDev)}, RSS ${pct(mem.rssDev)}${mem.gc ? '' : ' (no --expose-gc: heap figures include garbage)'}${bar(Math.max(mem.heapDev, mem.rssDev) <= 0.1)}`,
    );
  }
  if (JSON_OUT) {
    const strip = (s: Score) => ({ ...s, latencies: undefined, medianMs: quantile(s.latencies, 0.5), p95Ms: quantile(s.latencies, 0.95) });
    console.log(
      JSON.stringify({
        modelId: classifier.meta.modelId,
        rows: Object.fromEntries(Object.entries(rows).map(([k, r]) => [k, { ...r, score: strip(r.score) }])),
        insertions,
        falseInsertionsPer10Min: per10,
        rtfCpuMedian: rtfMedian,
        rtfCpuRuns: speedRuns,
        rtfCpuRunsWithoutWhy: speedRunsNoWhy,
        rtfCpuRunsAfterForcedCollection: speedRunsCollected,
        withdrawnPer10Min: (totalWithdrawn / totalMin) * 10,
        memory: mem,
      }),
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
