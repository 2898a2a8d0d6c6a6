// The desktop suite's in-editor half: @vscode/test-electron loads this file into VS Code's extension
// host (extensionTestsPath) and calls run(). It drives the extension through the `vscode` API and
// plays audio into the virtual microphone that run.ts started, judged by the same scenario as the
// browser harness (test/e2e/lib/scenario.ts).

import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { step, waitFor } from '../e2e/lib/log';
import { COMMANDS, DICTATION, EXTENSION_ID } from '../e2e/lib/scenario';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set; run this suite through \`npm run test:desktop\``);
  return v;
}

function play(wav: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('paplay', ['--device=vmic', wav], { env: process.env, timeout: 60_000 }, (err) =>
      err ? reject(new Error(`paplay ${wav}: ${err.message}`, { cause: err })) : resolve(),
    ),
  );
}

export async function run(): Promise<void> {
  const notes = env('DD_DESKTOP_NOTES');
  const initial = fs.readFileSync(notes, 'utf8');
  let editor: vscode.TextEditor;

  await step('desktop: the extension is installed and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded from the extension development path`);
    await ext.activate();
  });

  await step(`desktop: open ${path.basename(notes)}`, async () => {
    const doc = await vscode.workspace.openTextDocument(notes);
    editor = await vscode.window.showTextDocument(doc);
    const end = doc.lineAt(doc.lineCount - 1).range.end;
    editor.selection = new vscode.Selection(end, end);
  });

  await step('desktop: start dictation', async () => {
    await vscode.commands.executeCommand(COMMANDS.start.id);
    await sleep(1500);
  });

  await step(`desktop: dictate and see "${DICTATION.expected}"`, async () => {
    await play(env('DD_DESKTOP_DICTATION_WAV'));
    const typed = (): string => editor.document.getText().replace(initial, '').replace(/\D/g, '');
    await waitFor(
      `"${DICTATION.expected}" in the document`,
      () => (typed().length >= DICTATION.expected.length ? true : undefined),
      15_000,
    ).catch(() => {
      throw new Error(`the document reads "${editor.document.getText()}" 15 s after the audio ended`);
    });
    await sleep(1500);
    assert.equal(typed(), DICTATION.expected, `the document reads "${editor.document.getText()}"`);
  });

  await step('desktop: toggle off; further audio types nothing', async () => {
    await vscode.commands.executeCommand(COMMANDS.toggle.id);
    const before = editor.document.getText();
    await play(env('DD_DESKTOP_AFTER_STOP_WAV'));
    await sleep(2500);
    assert.equal(editor.document.getText(), before, 'text changed while dictation was off');
  });

  await step('desktop: the panel opens', async () => {
    await vscode.commands.executeCommand(COMMANDS.showPanel.id);
    await sleep(1000);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    assert.ok(
      tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Digit Dictation'),
      `no "Digit Dictation" webview tab among: ${tabs.map((t) => t.label).join(', ')}`,
    );
  });
}
