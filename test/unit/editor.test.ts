import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, changedGroups, effectiveMode, parseConfig, toEngineOptions } from '../../src/editor/settings/config';
import { DEFAULT_ENGINE_OPTIONS, mergeOptions } from '../../src/stream/options';
import { continuesRun, digitText } from '../../src/editor/dictation/format';
import { presentStatus } from '../../src/editor/dictation/statusText';
import { chooseTarget } from '../../src/editor/dictation/target';
import { Disposable, disposeAll, Emitter, toDisposable } from '../../src/dispose';

const getter = (o: Record<string, unknown>) => (k: string) => o[k];

test('config: defaults when nothing is set', () => {
  const { config, problems } = parseConfig(getter({}));
  assert.deepEqual(config, DEFAULT_CONFIG);
  assert.deepEqual(problems, []);
});

test('config: reads valid values', () => {
  const { config, problems } = parseConfig(
    getter({
      mode: 'proto',
      hybridWeight: 0.25,
      separator: 'comma',
      microphone: '  USB Mic ',
      'earlyExit.thresh': 0.95,
      'earlyExit.consec': 3,
      'earlyExit.every': 1,
      'vad.kind': 'silero',
      'vad.hangoverMs': 300,
      'enrollment.takes': 2,
      model: 'trained',
      typeIntoTerminal: false,
    }),
  );
  assert.deepEqual(problems, []);
  assert.equal(config.mode, 'proto');
  assert.equal(config.hybridWeight, 0.25);
  assert.equal(config.separator, 'comma');
  assert.equal(config.microphone, 'USB Mic');
  assert.deepEqual(config.earlyExit, { thresh: 0.95, consec: 3, every: 1 });
  assert.equal(config.vad.kind, 'silero');
  assert.equal(config.vad.hangoverMs, 300);
  assert.equal(config.enrollment.takes, 2);
  assert.equal(config.model, 'trained');
  assert.equal(config.typeIntoTerminal, false);
});

test('config: bad values fall back to defaults and are reported', () => {
  const { config, problems } = parseConfig(
    getter({ mode: 'loud', hybridWeight: 2, 'earlyExit.consec': 1.5, 'earlyExit.thresh': 'high', 'enrollment.takes': 0, separator: ';' }),
  );
  assert.equal(config.mode, DEFAULT_CONFIG.mode);
  assert.equal(config.hybridWeight, DEFAULT_CONFIG.hybridWeight);
  assert.equal(config.earlyExit.consec, DEFAULT_CONFIG.earlyExit.consec);
  assert.equal(config.earlyExit.thresh, DEFAULT_CONFIG.earlyExit.thresh);
  assert.equal(config.enrollment.takes, DEFAULT_CONFIG.enrollment.takes);
  assert.equal(config.separator, 'none');
  assert.equal(problems.length, 6);
  assert.match(problems.join('\n'), /digitDictation\.mode: "loud"/);
});

test('config: changedGroups names only what changed', () => {
  const a = parseConfig(getter({})).config;
  const b = parseConfig(getter({ 'earlyExit.thresh': 0.9, separator: 'space' })).config;
  assert.deepEqual([...changedGroups(a, b)].sort(), ['earlyExit', 'separator']);
  assert.equal(changedGroups(a, a).size, 0);
});

test('config: engine options pass user values and leave unset VAD knobs to the engine', () => {
  const unset = toEngineOptions(parseConfig(getter({})).config);
  assert.deepEqual(unset.vad, { kind: 'energy' });
  assert.equal(unset.eeThresh, DEFAULT_ENGINE_OPTIONS.eeThresh, 'editor and engine share the early-exit default');
  const merged = mergeOptions(DEFAULT_ENGINE_OPTIONS, unset);
  assert.equal(merged.vad.hangoverMs, DEFAULT_ENGINE_OPTIONS.vad.hangoverMs);
  const set = toEngineOptions(
    parseConfig(getter({ 'vad.hangoverMs': 200, 'earlyExit.consec': 3, mode: 'proto', hybridWeight: 0.7 })).config,
  );
  assert.equal(set.vad?.hangoverMs, 200);
  assert.equal(set.eeConsec, 3);
  assert.equal(set.mode, 'proto');
  assert.equal(set.hybridWeight, 0.7);
  assert.equal(mergeOptions(DEFAULT_ENGINE_OPTIONS, unset).reject.retract, true, 'withdrawal on by default');
  const noWithdraw = toEngineOptions(parseConfig(getter({ withdrawEarlyDigits: false })).config);
  assert.equal(mergeOptions(DEFAULT_ENGINE_OPTIONS, noWithdraw).reject.retract, false);
  assert.equal(
    mergeOptions(DEFAULT_ENGINE_OPTIONS, noWithdraw).reject.minDigitProb,
    DEFAULT_ENGINE_OPTIONS.reject.minDigitProb,
    'other rejection knobs keep their defaults',
  );
  // Every value the settings allow is accepted by the engine.
  assert.doesNotThrow(() => mergeOptions(DEFAULT_ENGINE_OPTIONS, set));
  assert.equal(effectiveMode(parseConfig(getter({ mode: 'hybrid' })).config, false), 'base');
  assert.equal(effectiveMode(parseConfig(getter({ mode: 'hybrid' })).config, true), 'hybrid');
});

test('format: separators go between digits of one run only', () => {
  assert.equal(digitText(4, 'space', false), '4');
  assert.equal(digitText(2, 'space', true), ' 2');
  assert.equal(digitText(7, 'comma', true), ', 7');
  assert.equal(digitText(0, 'none', true), '0');
  assert.throws(() => digitText(10, 'none', false), RangeError);
});

test('format: a run continues only at the same place in the same document version', () => {
  const end = { document: 'file:///a.txt', version: 5, offsets: [10, 20] };
  assert.equal(continuesRun(undefined, end), false);
  assert.equal(continuesRun(end, { ...end, offsets: [20, 10] }), true);
  assert.equal(continuesRun(end, { ...end, version: 6 }), false);
  assert.equal(continuesRun(end, { ...end, document: 'file:///b.txt' }), false);
  assert.equal(continuesRun(end, { ...end, offsets: [10, 21] }), false);
  assert.equal(continuesRun(end, { ...end, offsets: [10] }), false);
});

test('status: text contains "Digits"; tooltip and aria name state, microphone and mode', () => {
  const states = [
    ['idle', 'idle'],
    ['listening', 'listening'],
    ['speech', 'hearing speech'],
    ['error', 'error'],
  ] as const;
  for (const [state, words] of states) {
    const p = presentStatus({ state, microphone: '', mode: 'hybrid' });
    assert.match(p.text, /Digits/);
    assert.match(p.tooltip, new RegExp(words));
    assert.match(p.tooltip, /system default microphone/);
    assert.match(p.tooltip, /Mode: hybrid/);
    assert.match(p.ariaLabel, new RegExp(words));
  }
  const p = presentStatus({ state: 'listening', microphone: 'USB', mode: 'base', detail: 'No text editor is active: "4" was not typed' });
  assert.match(p.ariaLabel, /microphone "USB"/);
  assert.match(p.tooltip, /not typed/);
  assert.equal(p.background, 'statusBarItem.warningBackground');
  assert.equal(presentStatus({ state: 'error', microphone: '', mode: 'base', detail: 'x' }).background, 'statusBarItem.errorBackground');
});

test('dispose: owners dispose what they registered, in reverse, once', () => {
  const log: string[] = [];
  class Owner extends Disposable {
    constructor() {
      super();
      this.register(toDisposable(() => log.push('a')));
      this.register(toDisposable(() => log.push('b')));
    }
  }
  const o = new Owner();
  o.dispose();
  o.dispose();
  assert.deepEqual(log, ['b', 'a']);
  const e = new Emitter<number>();
  const seen: number[] = [];
  const sub = e.event((n) => seen.push(n));
  e.fire(1);
  sub.dispose();
  e.fire(2);
  assert.deepEqual(seen, [1]);
  assert.throws(
    () =>
      disposeAll([
        toDisposable(() => {
          throw new Error('x');
        }),
        toDisposable(() => log.push('c')),
      ]),
    /x/,
  );
  assert.deepEqual(log, ['b', 'a', 'c']);
});

test('target: active editor, else the last visible editor, else the terminal (if allowed), else none', () => {
  const base = {
    active: undefined,
    activeIsTypable: false,
    last: undefined,
    lastIsVisible: false,
    terminal: undefined,
    typeIntoTerminal: true,
  };
  assert.deepEqual(chooseTarget({ ...base, active: 'a', activeIsTypable: true, last: 'b', lastIsVisible: true, terminal: 't' }), {
    kind: 'editor',
    editor: 'a',
  });
  // The panel (a webview) is active: the file still on screen receives the digits.
  assert.deepEqual(chooseTarget({ ...base, last: 'b', lastIsVisible: true, terminal: 't' }), { kind: 'editor', editor: 'b' });
  // The Output view is active (a text editor, but not one to type into).
  assert.deepEqual(chooseTarget({ ...base, active: 'out', last: 'b', lastIsVisible: true }), { kind: 'editor', editor: 'b' });
  // The last editor was closed or hidden: the terminal gets the digits, unless that is turned off.
  assert.deepEqual(chooseTarget({ ...base, last: 'b', lastIsVisible: false, terminal: 't' }), { kind: 'terminal', terminal: 't' });
  assert.deepEqual(chooseTarget({ ...base, terminal: 't', typeIntoTerminal: false }), { kind: 'none' });
  assert.deepEqual(chooseTarget(base), { kind: 'none' });
});
