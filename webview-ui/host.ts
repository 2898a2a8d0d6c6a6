/** The webview's side of the protocol: typed posting to the extension host. */
import type { FromWebviewMessage, ToWebviewMessage } from '../src/shared/protocol';

interface VsCodeApi {
  postMessage(msg: FromWebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi =
  typeof acquireVsCodeApi === 'function'
    ? acquireVsCodeApi()
    : // Outside VS Code (a plain browser preview) messages go nowhere.
      { postMessage: () => undefined, getState: () => undefined, setState: () => undefined };

export function send(msg: FromWebviewMessage): void {
  api.postMessage(msg);
}

export function onHostMessage(handler: (msg: ToWebviewMessage) => void): void {
  window.addEventListener('message', (e: MessageEvent) => {
    const data = e.data as { type?: unknown } | null;
    // Only the host posts to this frame; still ignore anything that is not one of our messages.
    if (data && typeof data.type === 'string') handler(data as ToWebviewMessage);
  });
}
