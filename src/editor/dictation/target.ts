/**
 * Where a decided digit goes — the rule, without `vscode`, so it is unit-tested:
 * 1. the active text editor, when it is one the user types into;
 * 2. else the text editor the user last worked in, if it is still on screen (the active editor
 *    is this extension's panel or another non-text view, e.g. while watching the confidence bars);
 * 3. else the active terminal, when typing into terminals is allowed (text only, never Enter);
 * 4. else nowhere, and the caller says why.
 */
export interface TargetInputs<E, T> {
  active: E | undefined;
  activeIsTypable: boolean;
  last: E | undefined;
  lastIsVisible: boolean;
  terminal: T | undefined;
  typeIntoTerminal: boolean;
}

export type Target<E, T> = { kind: 'editor'; editor: E } | { kind: 'terminal'; terminal: T } | { kind: 'none' };

export function chooseTarget<E, T>(i: TargetInputs<E, T>): Target<E, T> {
  if (i.active !== undefined && i.activeIsTypable) return { kind: 'editor', editor: i.active };
  if (i.last !== undefined && i.lastIsVisible) return { kind: 'editor', editor: i.last };
  if (i.typeIntoTerminal && i.terminal !== undefined) return { kind: 'terminal', terminal: i.terminal };
  return { kind: 'none' };
}
