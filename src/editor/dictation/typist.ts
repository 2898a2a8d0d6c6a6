/**
 * Puts decided digits where the user expects them (the rule itself is `chooseTarget`, target.ts).
 *
 * - The active text editor: the digit goes in at every cursor (replacing selections), as one
 *   edit with an undo stop before it, so each utterance is one undo step; the digits of a fluent
 *   string after its first join the edit before them (no stop), so a string is one undo step too.
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
 *
 * An early-exit digit the engine later withdraws (the utterance was no digit after all) is deleted
 * again by `withdraw()`, but only while the document is exactly as the typing left it: once the
 * user has typed, moved text or undone, the digit is theirs to keep or delete. Text sent to a
 * terminal cannot be taken back safely (the shell may have acted on it), so it stays.
 */
import * as vscode from 'vscode';
import { Disposable } from '../../dispose';
import type { Delivery, WithdrawalView } from '../../shared/protocol';
import type { Separator } from '../settings/config';
import { RunEnd, continuesRun, digitText } from './format';
import { chooseTarget } from './target';

/** Editors that show output or logs rather than a document the user types into. */
const NON_TYPING_SCHEMES = new Set(['output', 'debug', 'vscode-terminal']);

const isTypingTarget = (e: vscode.TextEditor | undefined): e is vscode.TextEditor => !!e && !NON_TYPING_SCHEMES.has(e.document.uri.scheme);

/** The last digit typed into an editor, with what it replaced, so it can be withdrawn exactly. */
interface LastTyping {
  document: vscode.TextDocument;
  /** Document version right after the edit: any later change makes it stale. */
  version: number;
  /** Start offsets (ascending) of the inserted text, after the edit. */
  starts: number[];
  text: string;
  /** The selected text each insertion replaced (usually empty). */
  replaced: string[];
  runBefore: RunEnd | undefined;
}

export class Typist extends Disposable {
  private lastRun: RunEnd | undefined;
  private lastTyping: LastTyping | undefined;
  private lastTerminal: vscode.Terminal | undefined;
  private lastEditor: vscode.TextEditor | undefined = isTypingTarget(vscode.window.activeTextEditor)
    ? vscode.window.activeTextEditor
    : undefined;

  constructor() {
    super();
    this.register(
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (isTypingTarget(e)) this.lastEditor = e;
      }),
    );
  }

  async type(digit: number, separator: Separator, typeIntoTerminal: boolean, joinUndo = false): Promise<Delivery> {
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
    if (target.kind === 'editor') return this.intoEditor(target.editor, digit, separator, joinUndo);
    this.lastTyping = undefined;
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
    this.lastTyping = undefined;
  }

  /**
   * Deletes the digit typed last (and restores what its insertion replaced), if the document is
   * still exactly as that typing left it. One edit, its own undo step.
   */
  async withdraw(reason: string, joinUndo = false): Promise<WithdrawalView> {
    const t = this.lastTyping;
    this.lastTyping = undefined;
    if (!t) return { reason, removed: false, note: 'it was not typed into an editor' };
    if (t.document.isClosed || t.document.version !== t.version)
      return { reason, removed: false, note: 'the text changed since, so it was left in place' };
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === t.document);
    if (!editor) return { reason, removed: false, note: 'its editor is no longer visible, so it was left in place' };
    const doc = t.document;
    const ok = await editor.edit(
      (b) => {
        t.starts.forEach((start, i) =>
          b.replace(new vscode.Range(doc.positionAt(start), doc.positionAt(start + t.text.length)), t.replaced[i]),
        );
      },
      { undoStopBefore: !joinUndo, undoStopAfter: false },
    );
    if (!ok) return { reason, removed: false, note: 'the editor refused the edit' };
    // The run continues from where it stood before the withdrawn digit (same cursor, new version).
    this.lastRun = t.runBefore && { ...t.runBefore, version: doc.version };
    return { reason, removed: true };
  }

  private async intoEditor(editor: vscode.TextEditor, digit: number, separator: Separator, joinUndo: boolean): Promise<Delivery> {
    const doc = editor.document;
    const here = (): RunEnd => ({
      document: doc.uri.toString(),
      version: doc.version,
      offsets: editor.selections.map((s) => doc.offsetAt(s.active)),
    });
    const runBefore = editor.selections.every((s) => s.isEmpty) && continuesRun(this.lastRun, here()) ? this.lastRun : undefined;
    const text = digitText(digit, separator, runBefore !== undefined);
    // Where each insertion will start once the edit is applied: replacements before it shift it.
    const sorted = [...editor.selections].sort((a, b) => doc.offsetAt(a.start) - doc.offsetAt(b.start));
    let shift = 0;
    const starts: number[] = [];
    const replaced: string[] = [];
    for (const s of sorted) {
      const from = doc.offsetAt(s.start);
      const old = doc.getText(s);
      starts.push(from + shift);
      replaced.push(old);
      shift += text.length - old.length;
    }
    let ok: boolean;
    try {
      ok = await editor.edit(
        (b) => {
          for (const s of editor.selections) b.replace(s, text);
        },
        // No stop after: the next digit of the same string may join this edit; the next isolated
        // digit starts with a stop of its own.
        { undoStopBefore: !joinUndo, undoStopAfter: false },
      );
    } catch (err) {
      ok = false;
      this.lastRun = undefined;
      return {
        target: 'none',
        reason: `"${digit}" could not be typed into ${vscode.workspace.asRelativePath(doc.uri)}: ${(err as Error).message}`,
      };
    }
    if (!ok) {
      this.lastRun = undefined;
      return {
        target: 'none',
        reason: `"${digit}" was not typed: ${vscode.workspace.asRelativePath(doc.uri)} refused the edit (read-only?)`,
      };
    }
    this.lastRun = here();
    this.lastTerminal = undefined;
    this.lastTyping = { document: doc, version: doc.version, starts, text, replaced, runBefore };
    return { target: 'editor', text };
  }
}
