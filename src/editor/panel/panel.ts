/**
 * The webview panel host. It keeps a snapshot of everything the panel shows, so the panel can be
 * closed and reopened (or reloaded) at any time and gets the full state in one `init` message.
 * Every message from the webview goes through `parseWebviewMessage`; invalid ones are logged and
 * dropped.
 */
import * as vscode from 'vscode';
import { Disposable, Emitter } from '../../dispose';
import { FromWebviewMessage, PanelSnapshot, PanelView, ToWebviewMessage, parseWebviewMessage } from '../../shared/protocol';
import type { Decision } from '../../stream/types';
import { panelHtml } from './panelHtml';

export const PANEL_VIEW_TYPE = 'digitDictation.panel';
const RECENT_MAX = 20;

export class PanelHost extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private readonly messageEmitter = this.register(new Emitter<FromWebviewMessage>());
  /** Validated messages from the webview. */
  readonly onMessage = this.messageEmitter.event;
  private readonly visibilityEmitter = this.register(new Emitter<boolean>());
  /** Fires when the panel becomes visible or stops being visible (hidden or closed). */
  readonly onDidChangeVisibility = this.visibilityEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly snapshot: PanelSnapshot,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  get isVisible(): boolean {
    return this.panel?.visible ?? false;
  }

  /** Opens (or reveals) the panel beside the editor without taking focus from it, so dictation keeps typing there. */
  show(view?: PanelView, preserveFocus = true): void {
    if (view) this.snapshot.view = view;
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      if (view) this.post({ type: 'show', view });
      return;
    }
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'Digit Dictation',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      // Scripts only from dist/; the panel's state is re-sent on reveal, so no retainContextWhenHidden.
      { enableScripts: true, localResourceRoots: [dist, vscode.Uri.joinPath(this.extensionUri, 'media')] },
    );
    this.panel = panel;
    this.ready = false;
    this.visibilityEmitter.fire(true);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    const w = panel.webview;
    w.html = panelHtml({
      cspSource: w.cspSource,
      scriptUri: w.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: w.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
    });
    const subs = [
      w.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState(() => {
        // A hidden webview is torn down; it sends `ready` again when shown.
        if (!panel.visible) this.ready = false;
        this.visibilityEmitter.fire(panel.visible);
      }),
    ];
    panel.onDidDispose(() => {
      for (const s of subs) s.dispose();
      if (this.panel === panel) {
        this.panel = undefined;
        this.ready = false;
        this.visibilityEmitter.fire(false);
      }
    });
  }

  /** Updates the snapshot and, when the panel is listening, sends the message. */
  post(msg: ToWebviewMessage): void {
    this.remember(msg);
    if (this.panel && this.ready) void this.panel.webview.postMessage(msg);
  }

  /** High-rate messages (level, hypothesis) are dropped when nobody is looking. */
  postTransient(msg: ToWebviewMessage): void {
    if (this.panel?.visible && this.ready) void this.panel.webview.postMessage(msg);
  }

  get state(): Readonly<PanelSnapshot> {
    return this.snapshot;
  }

  private remember(msg: ToWebviewMessage): void {
    const s = this.snapshot;
    switch (msg.type) {
      case 'status':
        s.status = msg.status;
        break;
      case 'settings':
        s.settings = msg.settings;
        break;
      case 'decision':
        s.recent = [msg.entry, ...s.recent].slice(0, RECENT_MAX);
        break;
      case 'retraction':
        s.recent = s.recent.map((e) => (sameDecision(e.decision, msg.retraction.decision) ? { ...e, withdrawn: msg.withdrawn } : e));
        break;
      case 'enrollment':
        s.enrollment = msg.enrollment;
        break;
      case 'training':
        s.training = msg.training;
        break;
      case 'show':
        s.view = msg.view;
        break;
    }
  }

  private receive(raw: unknown): void {
    let msg: FromWebviewMessage;
    try {
      msg = parseWebviewMessage(raw);
    } catch (err) {
      this.log.warn(`panel: ignored invalid message: ${(err as Error).message}`);
      return;
    }
    if (msg.type === 'ready') {
      this.ready = true;
      const s = this.snapshot;
      void this.panel?.webview.postMessage({ type: 'init', ...s } satisfies ToWebviewMessage);
    }
    this.messageEmitter.fire(msg);
  }

  override dispose(): void {
    this.panel?.dispose();
    this.panel = undefined;
    super.dispose();
  }
}

/** Decisions are identified by their utterance's start and decision time. */
function sameDecision(a: Decision, b: Decision): boolean {
  return a.startMs === b.startMs && a.decisionMs === b.decisionMs && a.digit === b.digit;
}
