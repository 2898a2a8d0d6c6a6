// package.json's contributed settings are what users see in the Settings UI; the code has its own
// defaults (editor/config.ts, and the engine's for the VAD knobs left unset there). They must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_SECTION, DEFAULT_CONFIG } from '../../src/editor/settings/config';
import { MAX_TAKES, RECOGNITION_MODES, SEPARATORS } from '../../src/shared/constants';
import { DEFAULT_ENGINE_OPTIONS } from '../../src/stream/options';
import { REPO } from './helpers';

interface Property {
  default: unknown;
  enum?: string[];
  maximum?: number;
}

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, Property> } };
};
const props = pkg.contributes.configuration.properties;
const prop = (key: string): Property => {
  const p = props[`${CONFIG_SECTION}.${key}`];
  assert.ok(p, `package.json contributes no setting ${CONFIG_SECTION}.${key}`);
  return p;
};

/** The code's default for each contributed setting, by key under `digitDictation.`. */
const codeDefaults: Record<string, unknown> = {
  mode: DEFAULT_CONFIG.mode,
  hybridWeight: DEFAULT_CONFIG.hybridWeight,
  separator: DEFAULT_CONFIG.separator,
  microphone: DEFAULT_CONFIG.microphone,
  typeIntoTerminal: DEFAULT_CONFIG.typeIntoTerminal,
  model: DEFAULT_CONFIG.model,
  'earlyExit.thresh': DEFAULT_CONFIG.earlyExit.thresh,
  'earlyExit.consec': DEFAULT_CONFIG.earlyExit.consec,
  'earlyExit.every': DEFAULT_CONFIG.earlyExit.every,
  withdrawEarlyDigits: DEFAULT_CONFIG.withdrawEarlyDigits,
  fluentStrings: DEFAULT_CONFIG.fluentStrings,
  'vad.kind': DEFAULT_CONFIG.vad.kind,
  // Unset in DictationConfig so the engine's tuned values apply: those are the defaults users get.
  'vad.thresholdMultiplier': DEFAULT_ENGINE_OPTIONS.vad.thresholdMultiplier,
  'vad.minSpeechMs': DEFAULT_ENGINE_OPTIONS.vad.minSpeechMs,
  'vad.hangoverMs': DEFAULT_ENGINE_OPTIONS.vad.hangoverMs,
  'enrollment.takes': DEFAULT_CONFIG.enrollment.takes,
  'training.epochs': DEFAULT_CONFIG.training.epochs,
};

test('every contributed setting has a code default, and the two agree', () => {
  const contributed = Object.keys(props).map((k) => k.slice(CONFIG_SECTION.length + 1));
  assert.deepEqual(contributed.sort(), Object.keys(codeDefaults).sort());
  for (const [key, value] of Object.entries(codeDefaults)) assert.deepEqual(prop(key).default, value, `${CONFIG_SECTION}.${key}`);
});

test('the early-exit defaults are the engine defaults', () => {
  assert.equal(DEFAULT_CONFIG.earlyExit.thresh, DEFAULT_ENGINE_OPTIONS.eeThresh);
  assert.equal(DEFAULT_CONFIG.earlyExit.consec, DEFAULT_ENGINE_OPTIONS.eeConsec);
  assert.equal(DEFAULT_CONFIG.earlyExit.every, DEFAULT_ENGINE_OPTIONS.eeEvery);
  assert.equal(DEFAULT_CONFIG.vad.kind, DEFAULT_ENGINE_OPTIONS.vad.kind);
});

test('enumerated settings list the shared constants', () => {
  assert.deepEqual(prop('mode').enum, [...RECOGNITION_MODES]);
  assert.deepEqual(prop('separator').enum, [...SEPARATORS]);
  assert.equal(prop('enrollment.takes').maximum, MAX_TAKES);
});
