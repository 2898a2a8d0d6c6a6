/** The status-bar item: dictation state at a glance; a click toggles dictation. */
import * as vscode from 'vscode';
import { Disposable } from '../../dispose';
import type { DictationStatus } from '../../shared/protocol';
import { presentStatus } from './statusText';

export const STATUS_ITEM_ID = 'digitDictation.status';

export class DictationStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(toggleCommand: string) {
    super();
    this.item = this.register(vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Right, 100));
    this.item.name = 'Digit Dictation';
    this.item.command = toggleCommand;
    this.item.show();
  }

  show(status: DictationStatus): void {
    const p = presentStatus(status);
    this.item.text = p.text;
    this.item.tooltip = p.tooltip;
    this.item.accessibilityInformation = { label: p.ariaLabel, role: 'button' };
    this.item.backgroundColor = p.background ? new vscode.ThemeColor(p.background) : undefined;
  }
}
