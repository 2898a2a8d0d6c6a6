/** Training view: epoch progress, loss and accuracy curves, and the confusion matrix, drawn. */
import type { TrainingView } from '../src/shared/protocol';
import { drawConfusion, drawLineChart } from './charts';
import { h, pct, themeColor } from './dom';
import { send } from './host';

const PHASE_WORDS: Record<TrainingView['phase'], string> = {
  idle: 'No training run yet.',
  running: 'Training…',
  evaluating: 'Evaluating…',
  done: 'Done.',
  cancelled: 'Cancelled.',
  error: 'Failed.',
};

export class TrainingViewUI {
  readonly root: HTMLElement;
  private readonly trainButton = h('button', { type: 'button', 'data-testid': 'train-start' }, 'Train model…');
  private readonly evalButton = h('button', { type: 'button', class: 'secondary', 'data-testid': 'train-evaluate' }, 'Evaluate model…');
  private readonly cancelButton = h('button', { type: 'button', class: 'secondary', 'data-testid': 'train-cancel' }, 'Cancel');
  private readonly phase = h('p', { class: 'detail', role: 'status', 'data-testid': 'train-status' });
  private readonly progress = h('progress', { max: 1, value: 0, 'aria-label': 'Training progress' });
  private readonly progressText = h('span', { class: 'caption' });
  private readonly loss = h('canvas', { class: 'chart', role: 'img', 'data-testid': 'train-loss' });
  private readonly acc = h('canvas', { class: 'chart', role: 'img', 'data-testid': 'train-accuracy' });
  private readonly confusion = h('canvas', { class: 'chart confusion', role: 'img', 'data-testid': 'train-confusion' });
  private readonly summary = h('p', { class: 'detail' });
  private view: TrainingView | undefined;

  constructor() {
    this.trainButton.addEventListener('click', () => send({ type: 'command', command: 'train' }));
    this.evalButton.addEventListener('click', () => send({ type: 'command', command: 'evaluate' }));
    this.cancelButton.addEventListener('click', () => send({ type: 'trainingCancel' }));
    this.root = h(
      'section',
      { id: 'training', class: 'view', 'aria-labelledby': 'training-title' },
      h('h2', { id: 'training-title' }, 'Training'),
      h('div', { class: 'row' }, this.trainButton, this.evalButton, this.cancelButton),
      this.phase,
      h('div', { class: 'row' }, this.progress, this.progressText),
      h(
        'div',
        { class: 'charts' },
        h('figure', {}, h('figcaption', {}, 'Training loss'), this.loss),
        h('figure', {}, h('figcaption', {}, 'Accuracy'), this.acc),
      ),
      h('figure', {}, h('figcaption', {}, 'Confusion matrix (rows: spoken digit, columns: recognised)'), this.confusion),
      this.summary,
    );
    new ResizeObserver(() => this.view && this.draw(this.view)).observe(this.root);
  }

  update(v: TrainingView): void {
    this.view = v;
    const busy = v.phase === 'running' || v.phase === 'evaluating';
    this.trainButton.disabled = busy;
    this.evalButton.disabled = busy;
    this.cancelButton.hidden = !busy;
    this.phase.textContent = `${PHASE_WORDS[v.phase]}${v.dataset ? ` Dataset: ${v.dataset}.` : ''}${v.message ? ` ${v.message}` : ''}`;
    this.phase.classList.toggle('error', v.phase === 'error');
    const epochsDone = v.history.length;
    const frac = v.progress && v.progress.total > 0 ? v.progress.done / v.progress.total : 0;
    const overall = v.epochs > 0 ? Math.min(1, (epochsDone + (busy && v.phase === 'running' ? frac : 0)) / v.epochs) : 0;
    this.progress.value = v.phase === 'done' ? 1 : overall;
    this.progressText.textContent =
      v.phase === 'idle'
        ? ''
        : `epoch ${Math.min(epochsDone + (v.phase === 'running' ? 1 : 0), v.epochs)} of ${v.epochs}${v.progress && v.phase === 'running' ? ` · ${v.progress.done}/${v.progress.total} samples` : ''}`;
    // `best` marks each epoch that improved on the ones before it: the last such is the kept model.
    const best = [...v.history].reverse().find((m) => m.best) ?? v.history[v.history.length - 1];
    this.summary.textContent = [
      best ? `Best epoch ${best.epoch}: test accuracy ${pct(best.testAccuracy)}, macro-F1 ${pct(best.macroF1)}.` : '',
      v.evaluation
        ? `Evaluation on ${v.evaluation.n} recordings: accuracy ${pct(v.evaluation.accuracy)}, macro-F1 ${pct(v.evaluation.macroF1)}.`
        : '',
      v.modelPath ? `Model: ${v.modelPath}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    this.draw(v);
  }

  private draw(v: TrainingView): void {
    const epochs = Math.max(v.epochs, v.history.length);
    drawLineChart(
      this.loss,
      [{ label: 'train loss', color: themeColor('--vscode-charts-orange', '#d18616'), values: v.history.map((m) => m.trainLoss) }],
      { epochs, yLabel: 'Loss' },
    );
    drawLineChart(
      this.acc,
      [
        { label: 'train', color: themeColor('--vscode-charts-blue', '#3794ff'), values: v.history.map((m) => m.trainAccuracy) },
        { label: 'test', color: themeColor('--vscode-charts-green', '#89d185'), values: v.history.map((m) => m.testAccuracy) },
        { label: 'macro-F1', color: themeColor('--vscode-charts-purple', '#b180d7'), values: v.history.map((m) => m.macroF1) },
      ],
      { epochs, yMax: 1, yLabel: 'Accuracy' },
    );
    const confusion =
      v.evaluation?.confusion ?? v.history[v.history.length - 1]?.confusion ?? Array.from({ length: 10 }, () => Array<number>(10).fill(0));
    drawConfusion(this.confusion, confusion);
  }
}
