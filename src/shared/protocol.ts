/**
 * The one host ↔ webview message protocol, imported by the extension bundle and by webview-ui.
 * Every message is a member of a discriminated union on `type`. Messages from the webview are
 * untrusted input (a webview is a web page): the host passes each through `parseWebviewMessage`
 * before acting on it. It imports only ./constants: this file must stay browser-safe.
 */
import { MAX_TAKES, type RecognitionMode } from './constants';

// ---------------------------------------------------------------------------------------------
// The engine's and trainer's events as the panel sees them. The host sends the engine's objects
// (src/stream/types.ts, src/train/types.ts) as they are; these are the fields the wire carries,
// so the typecheck fails where the two drift apart and this file imports nothing from them.

export interface BandView {
  band: number;
  hz: number;
  score: number;
}

/** One recognised digit (src/stream/types.ts `Decision`). */
export interface DigitView {
  digit: number;
  confidence: number;
  startMs: number;
  decisionMs: number;
  endMs: number;
  earlyExit: boolean;
  top: Array<[number, number]>;
  why: BandView[];
  saliency?: number[];
  mode: RecognitionMode;
  prototypeCosine?: number;
  /** Position in a fluent string (stream/types.ts `Decision.stringIndex`). */
  stringIndex?: number;
}

export interface HypothesisView {
  timeMs: number;
  probs: number[];
  consecutive: number;
}

export interface LevelView {
  timeMs: number;
  rmsDb: number;
  vad: 'silence' | 'speech';
}

export interface RejectionView {
  startMs: number;
  endMs: number;
  reason: string;
  top: Array<[number, number]>;
}

export interface RetractionView {
  decision: DigitView;
  timeMs: number;
  reason: string;
}

/** One training epoch (src/train/types.ts `EpochMetrics`). */
export interface EpochView {
  epoch: number;
  epochs: number;
  trainLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  macroF1: number;
  confusion: number[][];
  seconds: number;
  best: boolean;
}

// ---------------------------------------------------------------------------------------------
// Shared view state

export type DictationState = 'idle' | 'starting' | 'listening' | 'speech' | 'error';

export interface DictationStatus {
  state: DictationState;
  /** Device name as configured ("" = system default). */
  microphone: string;
  /** Mode in effect (proto/hybrid fall back to base without enrollment). */
  mode: RecognitionMode;
  /** Why the last digit went nowhere, or the error, for the status bar and the panel. */
  detail?: string;
}

export interface LiveSettings {
  mode: RecognitionMode;
  /** Early-exit threshold drawn over the confidence bars. */
  thresh: number;
  consec: number;
  every: number;
  /** Centre frequency (Hz) of each feature band, for the saliency strip's labels. */
  bandsHz: number[];
}

/** Where a decided digit went. */
export interface Delivery {
  target: 'editor' | 'terminal' | 'none';
  /** Text inserted (with separator), or why nothing was typed. */
  text?: string;
  reason?: string;
}

export interface DecisionView {
  decision: DigitView;
  delivery: Delivery;
  /** Set when the engine withdrew this early-exit digit (see Retraction). */
  withdrawn?: WithdrawalView;
}

/** What became of a withdrawn digit's text. */
export interface WithdrawalView {
  reason: string;
  /** True when the typed text was deleted again; false when it was left (the text had changed). */
  removed: boolean;
  note?: string;
}

export type TakeState = 'waiting' | 'recording' | 'done';

export interface TakeView {
  state: 'empty' | 'recording' | 'done' | 'failed';
  durationMs?: number;
  /** Classifier probability of the prompted digit for this take (a hint that the take is clean). */
  confidence?: number;
  message?: string;
  /** After the check: the digit a head adapted to the user's other takes hears, when not this one (worth redoing). */
  heardAs?: number;
}

export interface DigitEnrollmentView {
  digit: number;
  takes: TakeView[];
  /** Mean pairwise cosine similarity of the takes' embeddings (null until two takes exist). */
  quality: number | null;
}

export type EnrollmentPhase = 'idle' | 'running' | 'checking' | 'review' | 'saving' | 'saved' | 'error';

/**
 * What enrollment changed for the user's own speech: each take judged by a head adapted to the
 * other takes (enroll/review.ts), against the base model on the same take.
 */
export interface EnrollmentCheckView {
  /** Takes judged (those whose digit has another take; 0 with one take per digit). */
  takes: number;
  /** Takes the base model recognises as their digit. */
  before: number;
  /** Takes recognised by the head adapted to the other takes. */
  after: number;
  /** Seconds the adaptation took. */
  seconds: number;
  /**
   * The string model's adaptation: digits of the strings spliced from the takes it learnt on, and
   * its digit errors on them before and after (the same takes: what it learnt, not a test).
   */
  strings?: { digits: number; before: number; after: number };
}

export interface EnrollmentView {
  phase: EnrollmentPhase;
  takesPerDigit: number;
  /** The prompt: digit and take (1-based) being asked for, and its state. */
  digit: number;
  take: number;
  takeState: TakeState;
  digits: DigitEnrollmentView[];
  /** Prototypes exist on disk for the current model. */
  enrolled: boolean;
  message?: string;
  /** Once all takes are in and checked. */
  check?: EnrollmentCheckView;
}

export type TrainingPhase = 'idle' | 'running' | 'evaluating' | 'done' | 'cancelled' | 'error';

export interface TrainingView {
  phase: TrainingPhase;
  dataset?: string;
  epochs: number;
  /** Samples done in the current epoch. */
  progress?: { epoch: number; done: number; total: number };
  history: EpochView[];
  /** Evaluation of the finished (or currently selected) model. */
  evaluation?: { accuracy: number; macroF1: number; confusion: number[][]; n: number };
  modelPath?: string;
  message?: string;
}

export type PanelView = 'live' | 'enroll' | 'training';

// ---------------------------------------------------------------------------------------------
// Host → webview

/** Everything the panel shows; the host keeps it and sends it whole when the webview (re)loads. */
export interface PanelSnapshot {
  status: DictationStatus;
  settings: LiveSettings;
  recent: DecisionView[];
  enrollment: EnrollmentView;
  training: TrainingView;
  view: PanelView;
}

export type ToWebviewMessage =
  | ({ type: 'init' } & PanelSnapshot)
  | { type: 'status'; status: DictationStatus }
  | { type: 'settings'; settings: LiveSettings }
  | { type: 'level'; level: LevelView }
  | { type: 'hypothesis'; hypothesis: HypothesisView }
  | { type: 'decision'; entry: DecisionView }
  | { type: 'rejection'; rejection: RejectionView }
  | { type: 'retraction'; retraction: RetractionView; withdrawn: WithdrawalView }
  | { type: 'enrollment'; enrollment: EnrollmentView }
  | { type: 'training'; training: TrainingView }
  | { type: 'show'; view: PanelView };

// ---------------------------------------------------------------------------------------------
// Webview → host

export type HostCommand = 'train' | 'evaluate' | 'selectMicrophone' | 'resetEnrollment';

export type FromWebviewMessage =
  | { type: 'ready' }
  | { type: 'dictation'; action: 'start' | 'stop' | 'toggle' }
  | { type: 'enrollStart' }
  | { type: 'enrollRedo'; digit: number; take: number }
  | { type: 'enrollSave' }
  | { type: 'enrollCancel' }
  | { type: 'trainingCancel' }
  | { type: 'command'; command: HostCommand };

export class ProtocolError extends Error {
  readonly code = 'PROTOCOL_INVALID_MESSAGE';
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

const DICTATION_ACTIONS = ['start', 'stop', 'toggle'] as const;
const HOST_COMMANDS: readonly HostCommand[] = ['train', 'evaluate', 'selectMicrophone', 'resetEnrollment'];

/** A received value as echoed in an error: cut short, so a 1 MB string never reaches the log. */
export function echo(v: unknown, max = 80): string {
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    s = Object.prototype.toString.call(v);
  }
  return s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function intIn(msg: Record<string, unknown>, key: string, min: number, max: number): number {
  const v = msg[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ProtocolError(`${echo(msg.type)}.${key} must be an integer in [${min}, ${max}], got ${echo(v)}`);
  }
  return v;
}

function oneOf<T extends string>(msg: Record<string, unknown>, key: string, allowed: readonly T[]): T {
  const v = msg[key];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new ProtocolError(`${echo(msg.type)}.${key} must be one of ${allowed.join(', ')}, got ${echo(v)}`);
  }
  return v as T;
}

/**
 * Validates a message from the webview and returns a fresh, exactly-typed copy (unknown extra
 * fields are dropped, so nothing unvalidated reaches the host). Throws `ProtocolError`.
 */
export function parseWebviewMessage(raw: unknown): FromWebviewMessage {
  if (!isRecord(raw)) throw new ProtocolError(`message must be an object, got ${raw === null ? 'null' : typeof raw}`);
  switch (raw.type) {
    case 'ready':
    case 'enrollStart':
    case 'enrollSave':
    case 'enrollCancel':
    case 'trainingCancel':
      return { type: raw.type };
    case 'dictation':
      return { type: 'dictation', action: oneOf(raw, 'action', DICTATION_ACTIONS) };
    case 'enrollRedo':
      return { type: 'enrollRedo', digit: intIn(raw, 'digit', 0, 9), take: intIn(raw, 'take', 1, MAX_TAKES) };
    case 'command':
      return { type: 'command', command: oneOf(raw, 'command', HOST_COMMANDS) };
    default:
      throw new ProtocolError(`unknown message type ${echo(raw.type)}`);
  }
}
