// What the end-to-end tests say and expect, shared by the browser harness (code-server + Chromium)
// and the desktop suite (@vscode/test-electron), so both judge the extension by the same script.

import * as path from 'node:path';

export const EXTENSION_ID = 'digit-dictation.digit-dictation';
export const STATUS_ITEM_ID = 'digitDictation.status';
export const PANEL_TITLE = 'Digit Dictation';

export const COMMANDS = {
  start: { id: 'digitDictation.start', title: 'Start Digit Dictation' },
  stop: { id: 'digitDictation.stop', title: 'Stop Digit Dictation' },
  toggle: { id: 'digitDictation.toggle', title: 'Toggle Dictation' },
  enroll: { id: 'digitDictation.enroll', title: 'Enroll My Voice' },
  showPanel: { id: 'digitDictation.showPanel', title: 'Show Panel' },
} as const;

/** User settings for the test profile: no dialogs in the way, and a one-take enrollment. */
export const USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'files.autoSave': 'off',
  'editor.accessibilitySupport': 'off',
  'digitDictation.enrollment.takes': 1,
  'digitDictation.separator': 'none',
} as const;

export function fsddDir(repoRoot: string): string {
  return process.env.DD_E2E_FSDD ?? path.resolve(repoRoot, '..', 'shared', 'fsdd', 'recordings');
}

/**
 * The dictated number. Takes 0–4 are FSDD's test split (the model never trained on them); these were
 * chosen among those the shipped model decides correctly (override with DD_E2E_DICTATION, a
 * comma-separated list of recording names, to try others).
 */
export const DICTATION = {
  expected: '427',
  recordings: (process.env.DD_E2E_DICTATION ?? '4_jackson_0,2_jackson_0,7_jackson_0').split(',').map((s) => `${s.trim()}.wav`),
  gapMs: 450,
};

/**
 * Four digits back to back with no pause, with fluent strings turned off: one utterance far longer
 * than a digit. The engine exits early on its first word, then withdraws that digit when the
 * speech runs on; the editor must show the digit and then delete it again.
 */
export const RUN_ON = { recordings: ['9_jackson_1.wav', '5_jackson_1.wav', '3_jackson_1.wav', '8_jackson_1.wav'], gapMs: 0 };

/**
 * Four test-split words back to back with fluent strings on (digitDictation.fluentStrings, the
 * default): one string, typed digit by digit while it is spoken, undone in one step. The string
 * model is sensitive to where its 40 ms step grid falls on the audio, and the microphone's start
 * is arbitrary: these words come out right at all 16 offsets of 2.5 ms across a step offline
 * (RUN_ON's too; with string model c16961b7, at 4), models/digit-strings.onnx d0c7622b.
 */
export const FLUENT = {
  expected: '4271',
  recordings: ['4_jackson_0.wav', '2_jackson_0.wav', '7_jackson_0.wav', '1_jackson_0.wav'],
  gapMs: 0,
};

/** Played after dictation is toggled off; nothing may be typed. */
export const AFTER_STOP = { recordings: ['9_jackson_1.wav', '5_jackson_1.wav'], gapMs: 450 };

/**
 * The voice enrolled through the panel: one take per prompted digit, from the test split. george
 * speaks at a level like jackson; theo and yweweler are recorded ~20 dB quieter.
 */
export function enrollmentRecording(digit: number, take: number): string {
  const speaker = process.env.DD_E2E_ENROLL_SPEAKER ?? 'george';
  // Prompts may count takes from 0 or 1; either way stay within takes 0–4.
  return `${digit}_${speaker}_${((take % 5) + 5) % 5}.wav`;
}

export function prototypesFile(userDataDir: string): string {
  return path.join(userDataDir, 'User', 'globalStorage', EXTENSION_ID, 'prototypes.json');
}
