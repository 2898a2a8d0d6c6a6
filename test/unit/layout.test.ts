// The folders' layering, checked on the sources: a module imports only from its own folder or a
// lower one (shared → audio, features → model → explain, enroll, train → stream → editor, cli), and
// the webview only from src/shared (it runs in a browser and speaks only the protocol).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { REPO } from './helpers';

/** Rank of each part of src/; a module may import a part of lower rank, or its own part. */
const RANK: Record<string, number> = {
  shared: 0,
  'errors.ts': 0,
  // Above errors.ts: it refuses unsafe targets with the project's typed errors.
  'atomicWrite.ts': 1,
  'dispose.ts': 0,
  audio: 1,
  features: 1,
  model: 2,
  explain: 3,
  enroll: 3,
  train: 3,
  stream: 4,
  editor: 5,
  cli: 5,
  'extension.ts': 6,
  'cli.ts': 6,
};

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

/** Relative module specifiers of every import, export-from and dynamic import. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'(\.[^']+)'/gm)) out.push(m[1]);
  return out;
}

/** The part of src/ a path is in (its first segment), or undefined outside src/. */
function partOf(path: string): string | undefined {
  const rel = relative(join(REPO, 'src'), path);
  if (rel.startsWith('..')) return undefined;
  return rel.split(sep)[0];
}

function violations(): string[] {
  const bad: string[] = [];
  for (const file of sources(join(REPO, 'src'))) {
    const from = partOf(file)!;
    assert.ok(from in RANK, `src/${from} has no rank in test/unit/layout.test.ts; give it one`);
    for (const spec of relativeImports(file)) {
      const target = resolve(dirname(file), spec);
      const to = partOf(target) ?? '(outside src)';
      // A root module is named without its extension ('../errors').
      const key = to in RANK ? to : `${to}.ts`;
      if (key === from) continue;
      if (!(key in RANK) || RANK[key] >= RANK[from]) bad.push(`${relative(REPO, file)} imports ${spec}`);
    }
  }
  for (const file of sources(join(REPO, 'webview-ui'))) {
    for (const spec of relativeImports(file)) {
      const target = resolve(dirname(file), spec);
      const inUi = !relative(join(REPO, 'webview-ui'), target).startsWith('..');
      if (!inUi && partOf(target) !== 'shared') bad.push(`${relative(REPO, file)} imports ${spec}`);
    }
  }
  return bad;
}

test('no module imports from a higher folder', () => {
  assert.deepEqual(violations(), []);
});

test('the check sees imports (it is not vacuous)', () => {
  assert.ok(relativeImports(join(REPO, 'src', 'stream', 'engine.ts')).some((s) => s.includes('model/types')));
});
