/**
 * Running streams through the engine and scoring them against their words, shared by
 * bench:stream and bench:robust. Each decided utterance is aligned with the word it overlaps
 * most: a word without a decision is a deletion, a wrong digit a substitution, a decision on no
 * word (or a second one on the same word) an insertion. Accuracy = (N − S − D − I) / N.
 */
import { join } from 'node:path';
import { fileSource } from '../src/audio/source';
import { readWav } from '../src/audio/wav';
import { Classifier } from '../src/model/classifier';
import { DictationEngine } from '../src/stream/engine';
import type { SequenceModelLike } from '../src/stream/stringDecoder';
import type { EngineOptionsPatch } from '../src/stream/options';
import type { Decision, UtteranceEvent } from '../src/stream/types';
import type { Verifier } from '../src/stream/verifier';
import { FEATURE_CONFIG } from '../src/features/config';
import { atLevel, type Stream } from '../test/fixtures/corpus';
import { digitText } from '../src/train/strings';
import { tts, type TtsSpec } from '../src/train/tts';
import type { Rng } from '../src/train/rng';
import { makeNoise, NoiseKind } from '../src/audio/effects';
import { mulberry32 } from '../src/train/rng';

const RATE = FEATURE_CONFIG.sampleRate;

export interface RunResult {
  utterances: UtteranceEvent[];
  /** Seconds of audio. */
  audioS: number;
  wallS: number;
  cpuS: number;
}

/** Babble noise: eight talkers. */
const BABBLE_TALKERS = 8;

/** Adds `kind` noise to a levelled stream at `snrDb` below the mean power of its words (`levelDb`). */
export function withNoise(stream: Stream, kind: NoiseKind, snrDb: number, levelDb: number, seed: number, babble: Float32Array[]): Stream {
  const rng = mulberry32(seed);
  const noise = makeNoise(kind, stream.samples.length, rng, stream.sampleRate, {
    babblePool: babble,
    babbleTalkers: [BABBLE_TALKERS, BABBLE_TALKERS],
  });
  const g = Math.sqrt(Math.pow(10, (levelDb - snrDb) / 10));
  const samples = stream.samples.map((v, i) => v + g * noise[i]);
  return { ...stream, samples };
}

/** `over` on top of `base`, the vad and reject groups merged rather than replaced. */
export function patchOver(base: EngineOptionsPatch, over: EngineOptionsPatch): EngineOptionsPatch {
  return { ...base, ...over, vad: { ...base.vad, ...over.vad }, reject: { ...base.reject, ...over.reject } };
}

/**
 * Whole recordings of one digit each (`dir`/`clip.file`), room noise and all, each through a fresh
 * engine as `transcribe` hears a file: how many come out right, i.e. exactly one digit typed, the
 * right one. Shared by bench:robust (held-out speakers) and bench:reject (verifier-dev speakers).
 */
export async function wholeClipsRight(
  classifier: Classifier,
  dir: string,
  clips: ReadonlyArray<{ file: string; digit: number }>,
  verifier?: Verifier,
  stringModel?: SequenceModelLike,
  options: EngineOptionsPatch = {},
): Promise<number> {
  let right = 0;
  for (const clip of clips) {
    const rate = classifier.meta.featureConfig.sampleRate;
    const raw = readWav(join(dir, clip.file), rate).samples;
    const decided = (await runStream(classifier, raw, options, verifier, stringModel, true, rate)).utterances.filter((u) => u.decision);
    if (decided.length === 1 && decided[0].decision!.digit === clip.digit) right++;
  }
  return right;
}

/**
 * The digits an editor holds as `engine` runs: each decision appended, each withdrawal deleting
 * its digit while it is the last one typed (the editor's rule). `onWithdraw` hears every reason.
 */
export function trackTyped(engine: DictationEngine, onWithdraw?: (reason: string) => void): Decision[] {
  const typed: Decision[] = [];
  engine.on('decision', (d) => typed.push(d));
  engine.on('retraction', (r) => {
    if (typed[typed.length - 1] === r.decision) typed.pop();
    onWithdraw?.(r.reason);
  });
  return typed;
}

/**
 * `digits` said fluently by a synthetic voice ("four two seven", zero sometimes "oh"), levelled to
 * `levelDb`, as a file would hold it: half a second of quiet each side, a −70 dBFS floor (no
 * digital silence). Shared by bench:strings and bench:enroll.
 */
export function fluentTtsString(digits: number[], spec: TtsSpec, levelDb: number, rng: Rng): Float32Array {
  return withQuietEdges(atLevel(tts(digitText(digits, rng), spec), levelDb), rng);
}

/**
 * `speech` with half a second either side and a −70 dBFS noise floor throughout, as a microphone
 * hears a word (no digital silence). Shared by every bench that plays single recordings.
 */
export function withQuietEdges(speech: Float32Array, rng: () => number, rate = RATE): Float32Array {
  const pad = Math.round(0.5 * rate);
  const samples = new Float32Array(pad * 2 + speech.length);
  samples.set(speech, pad);
  const floor = Math.pow(10, -70 / 20);
  for (let k = 0; k < samples.length; k++) samples[k] += floor * (rng() * 2 - 1) * 1.73;
  return samples;
}

/**
 * Runs one stream through a fresh engine (with `verifier`, if given) and times it. With
 * `collectFirst` (and --expose-gc) the run starts from a fully collected heap, so one condition does
 * not pay for another's garbage in its memory; timed runs pass false, because the product never
 * forces a collection and one forced before a run costs that run ~30 % more CPU (measured in the
 * fourteenth session, pinned to one core: 177–180× against 246–258× with the "why").
 */
export async function runStream(
  classifier: Classifier,
  samples: Float32Array,
  options: EngineOptionsPatch,
  verifier?: Verifier,
  stringModel?: SequenceModelLike,
  collectFirst = true,
  /** The samples' rate; the engine hears them at its classifier's (decibri resamples). */
  rate = RATE,
): Promise<RunResult> {
  const engine = new DictationEngine(classifier, options);
  if (verifier) engine.setVerifier(verifier);
  engine.setStringModel(stringModel);
  const utterances: UtteranceEvent[] = [];
  engine.on('utterance', (u) => utterances.push(u));
  if (collectFirst) (globalThis as { gc?: () => void }).gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const silero = engine.options.vad.kind === 'silero';
  await engine.run(await fileSource(samples, classifier.meta.featureConfig.sampleRate, { silero, inputRate: rate }));
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  engine.dispose();
  return { utterances, audioS: samples.length / rate, wallS, cpuS: (cpu.user + cpu.system) / 1e6 };
}

type Span = { startMs: number; endMs: number };

/** How long two spans overlap (ms; ≤ 0 when they do not). */
function overlapMs(a: Span, b: Span): number {
  return Math.min(a.endMs, b.endMs) - Math.max(a.startMs, b.startMs);
}

/**
 * What became of each word that was not typed right, by cause: a wrong digit, no utterance over it
 * at all (the detector never opened), or the utterance over it rejected or withdrawn — named by the
 * rule, numbers dropped so that "low confidence (0.31 < 0.5)" and "(0.42 < 0.5)" count together.
 * An utterance over two words is counted once per word ("merged").
 */
export function lostWords(stream: Stream, utterances: UtteranceEvent[]): Map<string, number> {
  const out = new Map<string, number>();
  const add = (k: string) => out.set(k, (out.get(k) ?? 0) + 1);
  const overlaps = (u: UtteranceEvent, w: Span) => overlapMs(u, w) > 0;
  for (const w of stream.words) {
    const over = utterances.filter((u) => overlaps(u, w));
    if (over.some((u) => u.decision?.digit === w.digit)) continue;
    const decided = over.find((u) => u.decision);
    if (decided) {
      add('substituted');
      continue;
    }
    if (!over.length) {
      add('no utterance (not detected)');
      continue;
    }
    const u = over[0];
    const merged = stream.words.some((o) => o !== w && overlaps(u, o)) ? ' (merged with a neighbour)' : '';
    const reason = (u.rejection?.reason ?? 'no decision')
      .replace(/withdrew the early "\d"/, 'withdrew an early digit')
      .replace(/\(.*$/, '')
      .replace(/[0-9.]+/g, '')
      .trim();
    add(`${u.retracted ? 'withdrawn' : 'rejected'}: ${reason}${merged}`);
  }
  return out;
}

export interface Score {
  n: number;
  correct: number;
  sub: number;
  del: number;
  ins: number;
  accuracy: number;
  /** decisionMs − true word end, for decisions on the right word (ms). */
  latencies: number[];
  early: number;
  decisions: number;
  /** Early digits typed and then withdrawn (not in the final text; counted here, not in S/D/I). */
  withdrawn: number;
}

export function score(stream: Stream, utterances: UtteranceEvent[]): Score {
  const decided = utterances.filter((u): u is UtteranceEvent & { decision: Decision } => !!u.decision);
  const byWord = new Map<number, Decision[]>();
  let ins = 0;
  for (const u of decided) {
    let best = -1;
    let bestOverlap = 0;
    stream.words.forEach((w, i) => {
      const o = overlapMs(u, w);
      if (o > bestOverlap) {
        bestOverlap = o;
        best = i;
      }
    });
    if (best < 0) ins++;
    else byWord.set(best, [...(byWord.get(best) ?? []), u.decision]);
  }
  let correct = 0;
  let sub = 0;
  let del = 0;
  const latencies: number[] = [];
  stream.words.forEach((w, i) => {
    const ds = byWord.get(i) ?? [];
    if (ds.length === 0) return void del++;
    ins += ds.length - 1;
    if (ds[0].digit === w.digit) {
      correct++;
      latencies.push(ds[0].decisionMs - w.endMs);
    } else sub++;
  });
  const n = stream.words.length;
  return {
    n,
    correct,
    sub,
    del,
    ins,
    accuracy: (n - sub - del - ins) / n,
    latencies,
    early: decided.filter((u) => u.decision.earlyExit).length,
    decisions: decided.length,
    withdrawn: utterances.filter((u) => u.retracted).length,
  };
}

export function merge(scores: Score[]): Score {
  const s = scores.reduce(
    (a, b) => ({
      ...a,
      n: a.n + b.n,
      correct: a.correct + b.correct,
      sub: a.sub + b.sub,
      del: a.del + b.del,
      ins: a.ins + b.ins,
      latencies: [...a.latencies, ...b.latencies],
      early: a.early + b.early,
      decisions: a.decisions + b.decisions,
      withdrawn: a.withdrawn + b.withdrawn,
    }),
    { n: 0, correct: 0, sub: 0, del: 0, ins: 0, accuracy: 0, latencies: [] as number[], early: 0, decisions: 0, withdrawn: 0 },
  );
  s.accuracy = (s.n - s.sub - s.del - s.ins) / s.n;
  return s;
}

export function quantile(v: number[], q: number): number {
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
