/**
 * Enrollment flow: the host drives it (prompt → recording → done, digit by digit, then a check
 * of the takes against each other); this view shows the prompt, every take's state, each digit's
 * quality, the takes that disagree with the rest and what enrollment changed (before → after), and
 * lets the user redo any take (click its cell, or "Redo take" for the selected/last one) and save.
 */
import type { EnrollmentView } from '../src/shared/protocol';
import { DIGIT_WORDS } from '../src/shared/constants';
import { h, pct } from './dom';
import { send } from './host';

export class EnrollView {
  readonly root: HTMLElement;
  private readonly intro = h('p', { class: 'detail' });
  private readonly startButton = h('button', { type: 'button', 'data-testid': 'enroll-start' }, 'Start enrollment');
  private readonly cancelButton = h('button', { type: 'button', class: 'secondary', 'data-testid': 'enroll-cancel' }, 'Cancel');
  private readonly redoButton = h(
    'button',
    { type: 'button', class: 'secondary', 'data-testid': 'enroll-redo', disabled: true },
    'Redo take',
  );
  private readonly saveButton = h('button', { type: 'button', 'data-testid': 'enroll-save', disabled: true }, 'Save');
  private readonly resetButton = h('button', { type: 'button', class: 'secondary', 'data-testid': 'enroll-reset' }, 'Reset enrollment');
  private readonly promptWord = h('div', { class: 'prompt-word' });
  private readonly promptTake = h('div', { class: 'prompt-take' });
  private readonly prompt = h(
    'div',
    { class: 'prompt', 'data-testid': 'enroll-prompt', 'data-state': 'waiting', 'aria-live': 'assertive' },
    h('span', { class: 'rec-dot', 'aria-hidden': 'true' }),
    h('div', {}, this.promptWord, this.promptTake),
  );
  private readonly status = h('div', { class: 'enroll-status', 'data-testid': 'enroll-status', role: 'status' });
  private readonly checkLine = h('p', { class: 'detail enroll-check', 'data-testid': 'enroll-check' });
  private readonly grid = h('table', { class: 'enroll-grid', 'aria-label': 'Takes per digit' });
  private view: EnrollmentView | undefined;
  private selected: { digit: number; take: number } | undefined;

  constructor() {
    this.startButton.addEventListener('click', () => send({ type: 'enrollStart' }));
    this.cancelButton.addEventListener('click', () => send({ type: 'enrollCancel' }));
    this.saveButton.addEventListener('click', () => send({ type: 'enrollSave' }));
    this.resetButton.addEventListener('click', () => send({ type: 'command', command: 'resetEnrollment' }));
    this.redoButton.addEventListener('click', () => {
      const target = this.redoTarget();
      if (target) send({ type: 'enrollRedo', ...target });
    });
    this.root = h(
      'section',
      { id: 'enroll', class: 'view', 'aria-labelledby': 'enroll-title' },
      h('h2', { id: 'enroll-title' }, 'Enroll my voice'),
      this.intro,
      h('div', { class: 'row' }, this.startButton, this.cancelButton, this.redoButton, this.saveButton, this.resetButton),
      this.prompt,
      this.status,
      this.checkLine,
      this.grid,
    );
  }

  update(v: EnrollmentView): void {
    this.view = v;
    const running = v.phase === 'running' || v.phase === 'checking';
    const active = running || v.phase === 'review' || v.phase === 'saving';
    this.intro.textContent =
      `Say each digit when prompted, ${v.takesPerDigit} take${v.takesPerDigit > 1 ? 's' : ''} per digit, in a normal voice. ` +
      `The recognizer adapts to your takes (mode adapted; proto and hybrid compare against them as prototypes). ` +
      (v.enrolled ? 'You are enrolled for the current model.' : 'Not enrolled yet.');
    this.startButton.textContent = v.enrolled || v.phase === 'saved' ? 'Re-enroll' : 'Start enrollment';
    this.startButton.disabled = running || v.phase === 'saving';
    this.cancelButton.hidden = !active;
    this.saveButton.disabled = v.phase !== 'review';
    this.redoButton.disabled = !this.redoTarget() || running || v.phase === 'saving';

    this.prompt.dataset.digit = String(v.digit);
    this.prompt.dataset.take = String(v.take);
    this.prompt.dataset.state = v.takeState;
    this.prompt.dataset.phase = v.phase;
    this.prompt.hidden = !active;
    this.promptWord.textContent =
      v.phase === 'checking'
        ? 'Adapting to your voice…'
        : running
          ? `Say “${DIGIT_WORDS[v.digit]}” (${v.digit})`
          : v.phase === 'review'
            ? 'All takes recorded'
            : '';
    this.promptTake.textContent =
      v.phase === 'checking'
        ? 'checking each take against the others'
        : running
          ? `take ${v.take} of ${v.takesPerDigit} · ${v.takeState === 'recording' ? 'listening — speak now' : v.takeState === 'done' ? 'got it' : 'get ready…'}`
          : v.phase === 'review'
            ? 'Redo any take marked as disagreeing, then Save.'
            : '';
    const c = v.check;
    this.checkLine.hidden = !c;
    this.checkLine.textContent = !c
      ? ''
      : c.takes === 0
        ? `Adapted to your voice in ${c.seconds.toFixed(1)} s. With one take per digit no take can be judged by another of its digit; record 2–3 takes per digit to see what enrollment changes.`
        : `Your own takes, each judged by what the others taught: ${c.before} of ${c.takes} recognised before enrollment → ${c.after} of ${c.takes} after (adapted in ${c.seconds.toFixed(1)} s).`;
    if (c?.strings)
      this.checkLine.textContent += ` Fluent strings made of your takes: the string model missed or confused ${c.strings.before} of ${c.strings.digits} digits before adapting to them, ${c.strings.after} after.`;

    this.status.textContent = v.phase === 'saved' ? 'Saved' : (v.message ?? '');
    this.status.classList.toggle('error', v.phase === 'error');
    this.renderGrid(v);
  }

  private redoTarget(): { digit: number; take: number } | undefined {
    const v = this.view;
    if (!v) return undefined;
    if (this.selected && v.digits[this.selected.digit]?.takes[this.selected.take - 1]?.state !== 'empty') return this.selected;
    if (v.phase === 'running') {
      // The take before the current prompt.
      let { digit, take } = v;
      take -= 1;
      if (take < 1) {
        digit -= 1;
        take = v.takesPerDigit;
      }
      return digit >= 0 && v.digits[digit]?.takes[take - 1]?.state === 'done' ? { digit, take } : undefined;
    }
    if (v.phase === 'review') return { digit: v.digit, take: v.take };
    return undefined;
  }

  private renderGrid(v: EnrollmentView): void {
    const head = h(
      'tr',
      {},
      h('th', { scope: 'col' }, 'Digit'),
      ...Array.from({ length: v.takesPerDigit }, (_, t) => h('th', { scope: 'col' }, `Take ${t + 1}`)),
      h('th', { scope: 'col' }, 'Quality'),
    );
    const rows = v.digits.map((d) =>
      h(
        'tr',
        { 'data-digit': d.digit },
        h('th', { scope: 'row' }, `${d.digit} ${DIGIT_WORDS[d.digit]}`),
        ...d.takes.map((t, i) => {
          const isPrompt = v.phase === 'running' && v.digit === d.digit && v.take === i + 1;
          const isSelected = this.selected?.digit === d.digit && this.selected?.take === i + 1;
          const label =
            t.state === 'done'
              ? `${((t.durationMs ?? 0) / 1000).toFixed(2)}s${t.confidence !== undefined ? ` ${pct(t.confidence)}` : ''}${t.heardAs !== undefined ? ` ⚠ “${t.heardAs}”?` : ''}`
              : t.state === 'recording'
                ? '● rec'
                : t.state === 'failed'
                  ? 'failed'
                  : '—';
          const b = h(
            'button',
            {
              type: 'button',
              class: `take ${t.state}${isPrompt ? ' current' : ''}${isSelected ? ' selected' : ''}${t.heardAs !== undefined ? ' disagrees' : ''}`,
              'data-heard-as': t.heardAs === undefined ? undefined : String(t.heardAs),
              'data-take': i + 1,
              'aria-pressed': String(isSelected),
              'aria-label': `Digit ${d.digit} take ${i + 1}: ${t.state}${t.message ? `, ${t.message}` : ''}. Select to redo.`,
              title: t.message ?? 'Select, then Redo take',
              disabled: t.state === 'empty' || v.phase === 'running' || v.phase === 'checking',
            },
            label,
          );
          b.addEventListener('click', () => {
            this.selected = isSelected ? undefined : { digit: d.digit, take: i + 1 };
            if (this.view) this.update(this.view);
          });
          return h('td', {}, b);
        }),
        h('td', { class: `quality ${qualityClass(d.quality)}` }, d.quality === null ? '—' : `${pct(d.quality)} ${qualityWord(d.quality)}`),
      ),
    );
    this.grid.replaceChildren(h('thead', {}, head), h('tbody', {}, ...rows));
  }
}

/** Mean cosine similarity between takes: above ~0.8 the takes agree; below ~0.6 one is likely off. */
function qualityWord(q: number): string {
  return q >= 0.8 ? 'consistent' : q >= 0.6 ? 'fair' : 'redo a take';
}

function qualityClass(q: number | null): string {
  return q === null ? '' : q >= 0.8 ? 'good' : q >= 0.6 ? 'fair' : 'poor';
}
