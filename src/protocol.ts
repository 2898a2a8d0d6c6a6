/**
 * The one host ↔ webview message protocol, imported by the extension bundle and by webview-ui.
 * Every message is a member of a discriminated union on `type`. Messages from the webview are
 * untrusted input (a webview is a web page): the host passes each through `parseWebviewMessage`
 * before acting on it. Only `import type` from other modules: this file must stay browser-safe.
 */
import type { Decision, Hypothesis, LevelEvent, RecognitionMode, Rejection, Retraction } from './stream/types';
import type { EpochMetrics } from './train/types';

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
  decision: Decision;
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
}

export interface DigitEnrollmentView {
  digit: number;
  takes: TakeView[];
  /** Mean pairwise cosine similarity of the takes' embeddings (null until two takes exist). */
  quality: number | null;
}

export type EnrollmentPhase = 'idle' | 'running' | 'review' | 'saving' | 'saved' | 'error';

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
}

export type TrainingPhase = 'idle' | 'running' | 'evaluating' | 'done' | 'cancelled' | 'error';

export interface TrainingView {
  phase: TrainingPhase;
  dataset?: string;
  epochs: number;
  /** Samples done in the current epoch. */
  progress?: { epoch: number; done: number; total: number };
  history: EpochMetrics[];
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
  | { type: 'level'; level: LevelEvent }
  | { type: 'hypothesis'; hypothesis: Hypothesis }
  | { type: 'decision'; entry: DecisionView }
  | { type: 'rejection'; rejection: Rejection }
  | { type: 'retraction'; retraction: Retraction; withdrawn: WithdrawalView }
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
/** Upper bound of takes per digit; mirrors the setting's maximum and the prototype store's (1–3). */
export const MAX_TAKES = 3;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function intIn(msg: Record<string, unknown>, key: string, min: number, max: number): number {
  const v = msg[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ProtocolError(`"${String(msg.type)}".${key} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  }
  return v;
}

function oneOf<T extends string>(msg: Record<string, unknown>, key: string, allowed: readonly T[]): T {
  const v = msg[key];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new ProtocolError(`"${String(msg.type)}".${key} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
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
      throw new ProtocolError(`unknown message type ${JSON.stringify(raw.type)}`);
  }
}
