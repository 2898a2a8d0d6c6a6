/**
 * The extension's settings as one typed, validated object (rust-analyzer's `Config` idea). This
 * file is vscode-free: `parseConfig` takes a getter, so tests feed it plain objects. Out-of-range
 * or mistyped values fall back to the default and are reported, never passed to the engine.
 */
import type { MicrophoneOptions } from '../../audio/microphone';
import type { EngineOptionsPatch } from '../../stream/options';
import { MAX_TAKES, RECOGNITION_MODES, SEPARATORS, type RecognitionMode, type Separator } from '../../shared/constants';

export type { Separator } from '../../shared/constants';
export type ModelChoice = 'bundled' | 'trained';
export type VadKind = 'energy' | 'silero';

export interface DictationConfig {
  mode: RecognitionMode;
  hybridWeight: number;
  separator: Separator;
  /** "" = the system default input device. */
  microphone: string;
  typeIntoTerminal: boolean;
  model: ModelChoice;
  earlyExit: { thresh: number; consec: number; every: number };
  /** Delete an early digit again when the rest of the utterance shows it was none. */
  withdrawEarlyDigits: boolean;
  fluentStrings: boolean;
  /**
   * Unset knobs stay undefined so the engine's own tuned defaults (src/stream/options.ts) apply;
   * only values the user chose are passed on.
   */
  vad: { kind: VadKind; thresholdMultiplier?: number; minSpeechMs?: number; hangoverMs?: number };
  enrollment: { takes: number };
  training: { epochs: number };
}

export const CONFIG_SECTION = 'digitDictation';

/** Defaults mirror package.json; early-exit 0.95 / 2 / 2 as measured by `npm run bench:earlyexit` (see stream/options.ts). */
export const DEFAULT_CONFIG: Readonly<DictationConfig> = Object.freeze<DictationConfig>({
  mode: 'adapted',
  hybridWeight: 0.5,
  separator: 'none',
  microphone: '',
  typeIntoTerminal: true,
  model: 'bundled',
  earlyExit: { thresh: 0.95, consec: 2, every: 2 },
  withdrawEarlyDigits: true,
  fluentStrings: true,
  vad: { kind: 'energy', thresholdMultiplier: undefined, minSpeechMs: undefined, hangoverMs: undefined },
  enrollment: { takes: 3 },
  training: { epochs: 40 },
});

export interface ParsedConfig {
  config: DictationConfig;
  /** One line per setting that was ignored, for the output channel. */
  problems: string[];
}

/** `get(key)` returns the raw value of `digitDictation.<key>` (undefined when unset). */
export function parseConfig(get: (key: string) => unknown): ParsedConfig {
  const problems: string[] = [];
  const pick = <T, F extends T | undefined = T>(key: string, fallback: F, ok: (v: unknown) => v is T, expected: string): T | F => {
    const v = get(key);
    if (v === undefined || v === null) return fallback;
    if (ok(v)) return v;
    problems.push(`${CONFIG_SECTION}.${key}: ${JSON.stringify(v)} is not ${expected}; using ${JSON.stringify(fallback)}`);
    return fallback;
  };
  const oneOf =
    <T extends string>(allowed: readonly T[]) =>
    (v: unknown): v is T =>
      typeof v === 'string' && (allowed as readonly string[]).includes(v);
  const num =
    (min: number, max: number, integer = false) =>
    (v: unknown): v is number =>
      typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v));
  const str = (v: unknown): v is string => typeof v === 'string';
  const bool = (v: unknown): v is boolean => typeof v === 'boolean';
  const d = DEFAULT_CONFIG;

  const config: DictationConfig = {
    mode: pick('mode', d.mode, oneOf(RECOGNITION_MODES), `one of ${RECOGNITION_MODES.join(', ')}`),
    hybridWeight: pick('hybridWeight', d.hybridWeight, num(0, 1), 'a number in [0, 1]'),
    separator: pick('separator', d.separator, oneOf(SEPARATORS), 'one of none, space, comma'),
    microphone: pick('microphone', d.microphone, str, 'a string').trim(),
    typeIntoTerminal: pick('typeIntoTerminal', d.typeIntoTerminal, bool, 'true or false'),
    model: pick('model', d.model, oneOf(['bundled', 'trained'] as const), 'bundled or trained'),
    earlyExit: {
      thresh: pick('earlyExit.thresh', d.earlyExit.thresh, num(0.5, 1), 'a number in [0.5, 1]'),
      consec: pick('earlyExit.consec', d.earlyExit.consec, num(1, 20, true), 'an integer in [1, 20]'),
      every: pick('earlyExit.every', d.earlyExit.every, num(1, 20, true), 'an integer in [1, 20]'),
    },
    withdrawEarlyDigits: pick('withdrawEarlyDigits', d.withdrawEarlyDigits, bool, 'true or false'),
    fluentStrings: pick('fluentStrings', d.fluentStrings, bool, 'true or false'),
    vad: {
      kind: pick('vad.kind', d.vad.kind, oneOf(['energy', 'silero'] as const), 'energy or silero'),
      thresholdMultiplier: pick('vad.thresholdMultiplier', d.vad.thresholdMultiplier, num(1, 50), 'a number in [1, 50]'),
      minSpeechMs: pick('vad.minSpeechMs', d.vad.minSpeechMs, num(0, 2000, true), 'an integer in [0, 2000]'),
      hangoverMs: pick('vad.hangoverMs', d.vad.hangoverMs, num(0, 2000, true), 'an integer in [0, 2000]'),
    },
    enrollment: { takes: pick('enrollment.takes', d.enrollment.takes, num(1, MAX_TAKES, true), `an integer in [1, ${MAX_TAKES}]`) },
    training: { epochs: pick('training.epochs', d.training.epochs, num(1, 300, true), 'an integer in [1, 300]') },
  };
  return { config, problems };
}

/** Top-level groups that differ, so listeners restart only what a change touches. */
export type ConfigGroup = keyof DictationConfig;

export function changedGroups(a: DictationConfig, b: DictationConfig): Set<ConfigGroup> {
  const out = new Set<ConfigGroup>();
  for (const k of Object.keys(a) as ConfigGroup[]) {
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out.add(k);
  }
  return out;
}

/** The engine's view of the settings. VAD knobs the user left unset are omitted (engine defaults). */
export function toEngineOptions(c: DictationConfig): EngineOptionsPatch {
  const vad: EngineOptionsPatch['vad'] = { kind: c.vad.kind };
  if (c.vad.thresholdMultiplier !== undefined) vad.thresholdMultiplier = c.vad.thresholdMultiplier;
  if (c.vad.minSpeechMs !== undefined) vad.minSpeechMs = c.vad.minSpeechMs;
  if (c.vad.hangoverMs !== undefined) vad.hangoverMs = c.vad.hangoverMs;
  return {
    mode: c.mode,
    hybridWeight: c.hybridWeight,
    eeThresh: c.earlyExit.thresh,
    eeConsec: c.earlyExit.consec,
    eeEvery: c.earlyExit.every,
    reject: { retract: c.withdrawEarlyDigits },
    vad,
  };
}

/** The microphone the settings name (dictation and enrollment), at the model's sample rate. */
export function microphoneOptions(c: DictationConfig, sampleRate: number): MicrophoneOptions {
  return { device: c.microphone || undefined, sampleRate, silero: c.vad.kind === 'silero' };
}

/** The mode decisions will actually use: proto and hybrid need enrolled prototypes. */
export function effectiveMode(c: DictationConfig, hasPrototypes: boolean): RecognitionMode {
  return hasPrototypes ? c.mode : 'base';
}
