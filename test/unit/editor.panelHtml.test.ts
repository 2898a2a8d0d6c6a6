import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentSecurityPolicy, makeNonce, panelHtml } from '../../src/editor/panel/panelHtml';

const SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

test('CSP: nothing by default, scripts only with the nonce, styles and images only from the extension', () => {
  const csp = contentSecurityPolicy(SOURCE, 'abc123');
  const directives = Object.fromEntries(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([k, ...v]) => [k, v]),
  );
  assert.deepEqual(directives['default-src'], ["'none'"]);
  assert.deepEqual(directives['script-src'], ["'nonce-abc123'"]);
  assert.deepEqual(directives['style-src'], [SOURCE]);
  // Not covered by default-src: a <base> or a form could still redirect or post without them.
  assert.deepEqual(directives['base-uri'], ["'none'"]);
  assert.deepEqual(directives['form-action'], ["'none'"]);
  assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
  assert.ok(!/https?:\/\/(?!file\+\.vscode-resource)/.test(csp), 'no remote origins');
});

test('panel HTML: the only script carries the nonce; no inline handlers', () => {
  const html = panelHtml({
    cspSource: SOURCE,
    scriptUri: `${SOURCE}/dist/webview.js`,
    styleUri: `${SOURCE}/dist/webview.css`,
    nonce: 'n0nce',
  });
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  assert.equal(scripts.length, 1);
  assert.match(scripts[0], /nonce="n0nce"/);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.doesNotMatch(html, /\son[a-z]+=/i);
  assert.match(html, /<title>Digit Dictation<\/title>/);
});

test('nonces are fresh and alphanumeric', () => {
  const a = makeNonce();
  const b = makeNonce();
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9]{16,}$/);
});
