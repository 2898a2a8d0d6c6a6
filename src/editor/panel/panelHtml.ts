/**
 * The panel's HTML shell. vscode-free (the host passes `cspSource` and resource URIs) so the
 * Content-Security-Policy can be unit-tested: nothing loads unless it comes from the extension
 * (`cspSource`) or carries this page's nonce; no remote origins, no inline handlers, no eval.
 */
import { randomBytes } from 'node:crypto';

export interface PanelResources {
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  nonce?: string;
}

export function makeNonce(): string {
  return randomBytes(18)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    // No <base> may redirect relative URLs, and no form may post anywhere.
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function panelHtml(r: PanelResources): string {
  const nonce = r.nonce ?? makeNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(r.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(r.styleUri)}">
<title>Digit Dictation</title>
</head>
<body>
<div id="app" aria-live="off"><p class="loading">Loading Digit Dictation…</p></div>
<script nonce="${nonce}" src="${escapeAttr(r.scriptUri)}"></script>
</body>
</html>`;
}
