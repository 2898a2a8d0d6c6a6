/** Engine options shared by `transcribe` and `live`: one definition, so both take the same flags. */
import { loadBundledSequenceModel, SequenceModel } from '../model/sequenceModel';
import { Command, Option } from 'commander';
import { DigitDictationError, OptionError } from '../errors';
import { engineArg, pathArg, shown } from './args';
import { truncateMessage } from './failure';
import { staleStringHead } from '../enroll/stringAdapt';
import { PrototypeStore } from '../enroll/store';
import { Classifier } from '../model/classifier';
import { DEFAULT_ENGINE_OPTIONS, type EngineOptionsPatch } from '../stream/options';
import { loadVerifier, VERIFIER_FILE, Verifier } from '../stream/verifier';
import type { Decision, Rejection } from '../stream/types';
import type { RecognitionMode } from '../model/types';
import { RECOGNITION_MODES } from '../shared/constants';

export function addEngineOptions(cmd: Command): Command {
  return cmd
    .option('--model <file>', 'ONNX model (default: the shipped model)', pathArg('--model'))
    .addOption(new Option('--mode <mode>', 'recognition mode').choices(RECOGNITION_MODES).default('base'))
    .option('--hybrid-weight <w>', 'hybrid mode: weight of the prototypes (0–1)', engineArg('--hybrid-weight', 'hybridWeight'))
    .option('--prototypes <file>', 'enrollment prototypes (from "enroll")', pathArg('--prototypes'))
    .option(
      '--ee-thresh <p>',
      `early exit: top probability needed (default ${DEFAULT_ENGINE_OPTIONS.eeThresh})`,
      engineArg('--ee-thresh', 'eeThresh'),
    )
    .option(
      '--ee-consec <n>',
      `early exit: consecutive confident checks (default ${DEFAULT_ENGINE_OPTIONS.eeConsec})`,
      engineArg('--ee-consec', 'eeConsec'),
    )
    .option(
      '--ee-every <n>',
      `early exit: check every n hops of 10 ms (default ${DEFAULT_ENGINE_OPTIONS.eeEvery})`,
      engineArg('--ee-every', 'eeEvery'),
    )
    .option('--no-early-exit', 'always decide at the end of the word')
    .addOption(new Option('--vad <kind>', 'voice activity detector').choices(['energy', 'silero']))
    .option(
      '--vad-threshold <x>',
      'VAD: speech when energy exceeds the noise floor by this power ratio',
      engineArg('--vad-threshold', 'vad.thresholdMultiplier'),
    )
    .option('--vad-min-speech <ms>', 'VAD: shortest speech that counts', engineArg('--vad-min-speech', 'vad.minSpeechMs'))
    .option('--vad-hangover <ms>', 'VAD: silence that ends an utterance', engineArg('--vad-hangover', 'vad.hangoverMs'))
    .option('--vad-pre-roll <ms>', 'VAD: audio kept before the onset', engineArg('--vad-pre-roll', 'vad.preRollMs'))
    .option('--vad-min-level <dB>', 'VAD: level below which nothing is speech (dBFS)', engineArg('--vad-min-level', 'vad.minLevelDb'))
    .option('--silero-threshold <p>', 'VAD silero: speech probability needed', engineArg('--silero-threshold', 'vad.sileroThreshold'))
    .option(
      '--reject-min-confidence <p>',
      'reject decisions below this confidence',
      engineArg('--reject-min-confidence', 'reject.minConfidence'),
    )
    .option('--reject-max-word <ms>', 'reject utterances longer than this', engineArg('--reject-max-word', 'reject.maxWordMs'))
    .option(
      '--reject-min-cosine <c>',
      'with prototypes: reject when farther than this from the digit prototype',
      engineArg('--reject-min-cosine', 'reject.minPrototypeCosine'),
    )
    .option(
      '--verifier <files>',
      'digit/non-digit verifier: one .onnx file, or several separated by commas to combine as experts (default: the bundled members in models/verifier*.onnx)',
      verifierListArg,
    )
    .option('--no-verifier', 'do not use the digit/non-digit verifier')
    .option(
      '--strings [file]',
      'fluent digit strings with this string model (default: on, with the bundled models/digit-strings.onnx)',
      true,
    )
    .option('--no-strings', 'hear one digit per utterance only (no string model)')
    .option(
      '--reject-min-digit-prob <p>',
      'with the verifier: probability of a digit word needed for the whole utterance',
      engineArg('--reject-min-digit-prob', 'reject.minDigitProb'),
    )
    .option(
      '--reject-min-digit-prob-early <p>',
      'with the verifier: the same for an early exit (on the first part of the word)',
      engineArg('--reject-min-digit-prob-early', 'reject.minDigitProbEarly'),
    )
    .option('--no-retract', 'never withdraw an early-exit digit, even when the rest of the utterance shows it was none')
    .option('--no-why', 'skip the per-band saliency')
    .option('--rejections', 'also print rejected utterances')
    .option('--json', 'one JSON object per line per decision');
}

/** `--verifier a.onnx,b.onnx`: every entry a path (an empty one, as in "a,,b", is refused by position). */
function verifierListArg(v: string): string {
  const parts = v.split(',');
  const empty = parts.findIndex((p) => p.trim() === '');
  if (empty >= 0) {
    throw new OptionError(
      'CLI_BAD_OPTION',
      `--verifier entry ${empty + 1} of ${parts.length} is empty, got ${shown(v)}; give model files separated by single commas`,
    );
  }
  for (const p of parts) pathArg('--verifier')(p);
  return v;
}

export interface EngineCliOptions {
  model?: string;
  mode: RecognitionMode;
  hybridWeight?: number;
  prototypes?: string;
  eeThresh?: number;
  eeConsec?: number;
  eeEvery?: number;
  earlyExit: boolean;
  vad?: 'energy' | 'silero';
  vadThreshold?: number;
  vadMinSpeech?: number;
  vadHangover?: number;
  vadPreRoll?: number;
  vadMinLevel?: number;
  sileroThreshold?: number;
  rejectMinConfidence?: number;
  rejectMaxWord?: number;
  rejectMinCosine?: number;
  rejectMinDigitProb?: number;
  rejectMinDigitProbEarly?: number;
  retract?: boolean;
  /** A path, false for --no-verifier, or undefined/true for the bundled one. */
  verifier?: string | boolean;
  /** A path, true for the bundled string model (the default), or false for none (--no-strings: one digit per utterance). */
  strings?: string | boolean;
  why: boolean;
  rejections?: boolean;
  json?: boolean;
}

export function toEnginePatch(o: EngineCliOptions): EngineOptionsPatch {
  return {
    mode: o.mode,
    hybridWeight: o.hybridWeight,
    eeThresh: o.eeThresh,
    eeConsec: o.eeConsec,
    eeEvery: o.eeEvery,
    earlyExit: o.earlyExit,
    explain: o.why,
    vad: {
      kind: o.vad,
      thresholdMultiplier: o.vadThreshold,
      minSpeechMs: o.vadMinSpeech,
      hangoverMs: o.vadHangover,
      preRollMs: o.vadPreRoll,
      minLevelDb: o.vadMinLevel,
      sileroThreshold: o.sileroThreshold,
    },
    reject: {
      minConfidence: o.rejectMinConfidence,
      maxWordMs: o.rejectMaxWord,
      minPrototypeCosine: o.rejectMinCosine,
      minDigitProb: o.rejectMinDigitProb,
      minDigitProbEarly: o.rejectMinDigitProbEarly,
      retract: o.retract,
    },
  };
}

/**
 * Loads prototypes if asked. A store that cannot be used (missing, damaged, another model) is
 * reported on stderr and the base model is used, as the editor does.
 */
export function loadPrototypesOrWarn(path: string | undefined, classifier: Classifier, mode: RecognitionMode): PrototypeStore | undefined {
  if (!path) {
    if (mode !== 'base') console.error(`warning: mode ${mode} needs --prototypes; using the base model`);
    return undefined;
  }
  try {
    return PrototypeStore.load(path, classifier.meta.modelId, classifier.meta.embeddingDim);
  } catch (err) {
    if (!(err instanceof DigitDictationError)) throw err;
    console.error(`warning [${err.code}]: ${truncateMessage(err.message.replace(/\s*\n\s*/g, ' '))}`);
    return undefined;
  }
}

/** The verifier the options ask for; the bundled one when present, none with --no-verifier. */
export async function verifierFor(o: EngineCliOptions): Promise<Verifier | undefined> {
  if (o.verifier === false) return undefined;
  if (typeof o.verifier === 'string') return loadVerifier(o.verifier);
  const v = await loadVerifier();
  if (!v)
    console.error(`warning: no ${VERIFIER_FILE} beside the model; non-digit words are caught only by confidence, duration and voicing`);
  return v;
}

/** The string model the options ask for (undefined: none, or none shipped). */
export async function stringModelFor(o: EngineCliOptions): Promise<SequenceModel | undefined> {
  if (!o.strings) return undefined;
  if (typeof o.strings === 'string') return SequenceModel.load(o.strings);
  return loadBundledSequenceModel();
}

/** Says so when mode 'adapted' cannot use the enrollment's string head (made for another string model). */
export function warnStaleStringHead(o: EngineCliOptions, store: PrototypeStore | undefined, strings: SequenceModel | undefined): void {
  const stale = o.mode === 'adapted' && staleStringHead(store?.stringHead, strings?.meta.modelId);
  if (stale) console.error(`warning: ${stale}`);
}

export function decisionJson(d: Decision): Record<string, unknown> {
  return {
    digit: d.digit,
    confidence: round(d.confidence, 4),
    startMs: Math.round(d.startMs),
    decisionMs: Math.round(d.decisionMs),
    endMs: Math.round(d.endMs),
    earlyExit: d.earlyExit,
    top: d.top.map(([digit, p]) => [digit, round(p, 4)]),
    why: d.why.map((b) => ({ band: b.band, hz: b.hz, score: round(b.score, 4) })),
    mode: d.mode,
    ...(d.stringIndex === undefined ? {} : { stringIndex: d.stringIndex }),
  };
}

export function formatDecision(d: Decision): string {
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const top = d.top.map(([digit, p]) => `${digit}:${p.toFixed(2)}`).join(' ');
  const why = d.why.length ? `  why ${d.why.map((b) => `${b.hz} Hz`).join(', ')}` : '';
  return `${d.digit}  conf ${d.confidence.toFixed(2)}  ${s(d.startMs)}–${s(d.endMs)} s  decided ${s(d.decisionMs)} s${d.earlyExit ? ' (early)' : ''}  top ${top}${why}`;
}

export function formatRejection(r: Rejection): string {
  return `-  rejected ${(r.startMs / 1000).toFixed(2)}–${(r.endMs / 1000).toFixed(2)} s: ${r.reason}`;
}

function round(x: number, digits: number): number {
  const f = Math.pow(10, digits);
  return Math.round(x * f) / f;
}
