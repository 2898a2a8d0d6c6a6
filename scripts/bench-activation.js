#!/usr/bin/env node
/**
 * Measures extension activation: loading dist/extension.js and running activate() against a
 * stub of the `vscode` API, in fresh Node processes (a cold require each time, as in the
 * extension host). Fails if activation takes more than 100 ms (median) or loads a native module
 * (onnxruntime-node, decibri): those must wait until dictation starts.
 *   node scripts/bench-activation.js [--runs N]
 */
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const BUDGET_MS = 100;

function child() {
  const Module = require('node:module');
  const noop = () => undefined;
  const disposable = { dispose: noop };
  const event = () => disposable;
  // Anything not modelled explicitly is a callable no-op that returns more no-ops.
  const anything = () =>
    new Proxy(function () {}, {
      get: (_t, p) => (p === 'then' ? undefined : p === 'dispose' ? noop : anything()),
      apply: () => anything(),
    });
  const vscode = {
    StatusBarAlignment: { Left: 1, Right: 2 },
    ViewColumn: { Beside: -2, Active: -1 },
    ConfigurationTarget: { Global: 1 },
    ProgressLocation: { Notification: 15 },
    ThemeColor: class {
      constructor(id) {
        this.id = id;
      }
    },
    Uri: { joinPath: (u, ...p) => ({ fsPath: path.join(u.fsPath, ...p) }), file: (f) => ({ fsPath: f }) },
    window: {
      createStatusBarItem: () => ({ show: noop, hide: noop, dispose: noop }),
      createOutputChannel: () => ({ info: noop, warn: noop, error: noop, debug: noop, trace: noop, show: noop, dispose: noop }),
      onDidChangeActiveTextEditor: event,
      activeTextEditor: undefined,
    },
    workspace: {
      getConfiguration: () => ({ get: () => undefined, inspect: () => undefined, update: async () => undefined }),
      onDidChangeConfiguration: event,
    },
    commands: { registerCommand: () => disposable, executeCommand: async () => undefined },
  };
  const stub = new Proxy(vscode, { get: (t, p) => (p in t ? t[p] : anything()) });
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
  };
  require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: stub };

  const root = path.join(__dirname, '..');
  const t0 = process.hrtime.bigint();
  const ext = require(path.join(root, 'dist', 'extension.js'));
  const context = {
    subscriptions: [],
    extensionUri: { fsPath: root },
    extensionPath: root,
    globalStorageUri: { fsPath: path.join(require('node:os').tmpdir(), 'dd-bench-storage') },
    globalState: { get: noop, update: async () => undefined },
  };
  ext.activate(context);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const natives = Object.keys(require.cache).filter((k) => /onnxruntime|decibri|\.node$/.test(k));
  ext.deactivate();
  process.stdout.write(JSON.stringify({ ms, natives }));
}

function main() {
  const i = process.argv.indexOf('--runs');
  const runs = i > 0 ? Number(process.argv[i + 1]) : 15;
  const results = [];
  for (let r = 0; r < runs; r++) {
    results.push(JSON.parse(execFileSync(process.execPath, [__filename, '--child'], { encoding: 'utf8' })));
  }
  const times = results.map((r) => r.ms).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const natives = [...new Set(results.flatMap((r) => r.natives))];
  console.log(
    `activation (require dist/extension.js + activate), ${runs} cold runs: median ${median.toFixed(1)} ms, min ${times[0].toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms (budget ${BUDGET_MS} ms)`,
  );
  console.log(`native modules loaded during activation: ${natives.length ? natives.join(', ') : 'none'}`);
  if (median > BUDGET_MS || natives.length) {
    console.error('FAIL: activation is over budget or loads native modules');
    process.exit(1);
  }
}

if (process.argv.includes('--child')) child();
else main();
