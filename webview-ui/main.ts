/**
 * The panel's entry point (bundled to dist/webview.js, an iife; its CSS to dist/webview.css).
 * One page with three sections — live, enrollment, training — so everything stays reachable by
 * keyboard and scrolling; the nav buttons jump between them.
 */
import './styles.css';
import type { PanelView, ToWebviewMessage } from '../src/shared/protocol';
import { h } from './dom';
import { EnrollView } from './enroll';
import { onHostMessage, send } from './host';
import { LiveView } from './live';
import { TrainingViewUI } from './training';

const live = new LiveView();
const enroll = new EnrollView();
const training = new TrainingViewUI();
const sections: Record<PanelView, HTMLElement> = { live: live.root, enroll: enroll.root, training: training.root };

function show(view: PanelView): void {
  const target = sections[view];
  target.scrollIntoView({ block: 'start' });
  target.querySelector<HTMLElement>('h2')?.focus({ preventScroll: true });
  for (const [k, b] of navButtons) b.setAttribute('aria-current', String(k === view));
}

const navButtons = (['live', 'enroll', 'training'] as PanelView[]).map((v) => {
  const b = h('button', { type: 'button', class: 'nav', 'data-view': v }, v === 'live' ? 'Live' : v === 'enroll' ? 'Enroll' : 'Training');
  b.addEventListener('click', () => show(v));
  return [v, b] as const;
});

for (const s of Object.values(sections)) s.querySelector('h2')?.setAttribute('tabindex', '-1');

const app = document.getElementById('app')!;
app.replaceChildren(
  h('nav', { 'aria-label': 'Sections' }, h('span', { class: 'brand' }, 'Digit Dictation'), ...navButtons.map(([, b]) => b)),
  h('main', {}, live.root, enroll.root, training.root),
);

function handle(msg: ToWebviewMessage): void {
  switch (msg.type) {
    case 'init':
      live.setSettings(msg.settings);
      live.setStatus(msg.status);
      live.setRecent(msg.recent);
      enroll.update(msg.enrollment);
      training.update(msg.training);
      show(msg.view);
      break;
    case 'status':
      live.setStatus(msg.status);
      break;
    case 'settings':
      live.setSettings(msg.settings);
      break;
    case 'level':
      live.level(msg.level);
      break;
    case 'hypothesis':
      live.hypothesis(msg.hypothesis);
      break;
    case 'decision':
      live.decision(msg.entry);
      break;
    case 'rejection':
      live.rejection(msg.rejection);
      break;
    case 'retraction':
      live.retraction(msg.retraction, msg.withdrawn);
      break;
    case 'enrollment':
      enroll.update(msg.enrollment);
      break;
    case 'training':
      training.update(msg.training);
      break;
    case 'show':
      show(msg.view);
      break;
    default: {
      const never: never = msg;
      void never;
    }
  }
}

onHostMessage(handle);
send({ type: 'ready' });
