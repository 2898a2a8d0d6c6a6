/**
 * Puts decided digits where the user expects them (the rule itself is `chooseTarget`, target.ts).
 *
 * - The active text editor: the digit goes in at every cursor (replacing selections), as one
 *   edit with undo stops before and after, so each utterance is one undo step.
 * - When no text editor is active — typically because this extension's own panel (opened beside
 *   the file to watch the confidence bars) or the Output view is — the text editor the user last
 *   worked in receives the digits, as long as it is still visible on screen.
 * - No text editor on screen, but a terminal: the digit is sent to the active terminal as typed text,
 *   never followed by Enter, so dictation can never run a command by itself
 *   (`digitDictation.typeIntoTerminal`, on by default). VS Code's API does not say whether the
 *   terminal has keyboard focus, so an open text editor always wins; close or leave no editor
 *   active to dictate into the terminal.
 * - Neither (or a read-only document): nothing is typed and the reason is returned for the
 *   status bar and the panel.
 */
import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import type { Delivery } from '../protocol';
import type { Separator } from './config';
import { RunEnd, continuesRun, digitText } from './format';
import { chooseTarget } from './target';

/** Editors that show output or logs rather than a document the user types into. */
const NON_TYPING_SCHEMES = new Set(['output', 'debug', 'vscode-terminal']);

const isTypingTarget = (e: vscode.TextEditor | undefined): e is vscode.TextEditor => !!e && !NON_TYPING_SCHEMES.has(e.document.uri.scheme);

export class Typist extends Disposable {
  private lastRun: RunEnd | undefined;
  private lastTerminal: vscode.Terminal | undefined;
  private lastEditor: vscode.TextEditor | undefined = isTypingTarget(vscode.window.activeTextEditor) ? vscode.window.activeTextEditor : undefined;

  constructor() {
    super();
    this.register(
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (isTypingTarget(e)) this.lastEditor = e;
      }),
    );
  }

  async type(digit: number, separator: Separator, typeIntoTerminal: boolean): Promise<Delivery> {
    const active = vscode.window.activeTextEditor;
    const last = this.lastEditor;
    const target = chooseTarget({
      active,
      activeIsTypable: isTypingTarget(active),
      last,
      lastIsVisible: !!last && vscode.window.visibleTextEditors.includes(last) && !last.document.isClosed,
      terminal: vscode.window.activeTerminal,
      typeIntoTerminal,
    });
    if (target.kind === 'editor') return this.intoEditor(target.editor, digit, separator);
    if (target.kind === 'terminal') {
      const text = digitText(digit, separator, this.lastTerminal === target.terminal);
      target.terminal.sendText(text, false);
      this.lastTerminal = target.terminal;
      this.lastRun = undefined;
      return { target: 'terminal', text };
    }
    return {
      target: 'none',
      reason: `No text editor is active: "${digit}" was not typed. Click into an editor to dictate${typeIntoTerminal ? ' (with no editor open, digits go to the active terminal)' : ''}.`,
    };
  }

  /** Forget the run (dictation stopped): the next digit never starts with a separator. */
  reset(): void {
    this.lastRun = undefined;
    this.lastTerminal = undefined;
  }

  private async intoEditor(editor: vscode.TextEditor, digit: number, separator: Separator): Promise<Delivery> {
    const doc = editor.document;
    const here = (): RunEnd => ({
      document: doc.uri.toString(),
      version: doc.version,
      offsets: editor.selections.map((s) => doc.offsetAt(s.active)),
    });
    const text = digitText(digit, separator, editor.selections.every((s) => s.isEmpty) && continuesRun(this.lastRun, here()));
    let ok: boolean;
    try {
      ok = await editor.edit(
        (b) => {
          for (const s of editor.selections) b.replace(s, text);
        },
        { undoStopBefore: true, undoStopAfter: true },
      );
    } catch (err) {
      ok = false;
      this.lastRun = undefined;
      return { target: 'none', reason: `"${digit}" could not be typed into ${vscode.workspace.asRelativePath(doc.uri)}: ${(err as Error).message}` };
    }
    if (!ok) {
      this.lastRun = undefined;
      return { target: 'none', reason: `"${digit}" was not typed: ${vscode.workspace.asRelativePath(doc.uri)} refused the edit (read-only?)` };
    }
    this.lastRun = here();
    this.lastTerminal = undefined;
    return { target: 'editor', text };
  }
}
