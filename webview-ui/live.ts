/**
 * Live view: input level and VAD state, ten confidence bars with the early-exit threshold
 * marked, the decided digit, the saliency ("why") heat strip over the feature bands, and the
 * recent decisions.
 */
import type {
  DecisionView,
  DictationStatus,
  DigitView,
  HypothesisView,
  LevelView,
  LiveSettings,
  RejectionView,
  RetractionView,
  WithdrawalView,
} from '../src/shared/protocol';
import { h, pct, perFrame } from './dom';
import { send } from './host';

const STATE_WORDS: Record<DictationStatus['state'], string> = {
  idle: 'Idle',
  starting: 'Starting…',
  listening: 'Listening',
  speech: 'Hearing speech',
  error: 'Error',
};

/** dBFS shown as an empty meter at the bottom of the range. */
const METER_FLOOR_DB = -70;

export class LiveView {
  readonly root: HTMLElement;
  private readonly stateText = h('span', { class: 'state-text', role: 'status' });
  private readonly toggleButton = h('button', { type: 'button', 'data-testid': 'dictation-toggle' }, 'Start dictation');
  private readonly detail = h('p', { class: 'detail', role: 'status' });
  private readonly meterFill = h('div', { class: 'meter-fill' });
  private readonly meter = h(
    'div',
    {
      class: 'meter',
      role: 'meter',
      'aria-label': 'Input level',
      'aria-valuemin': METER_FLOOR_DB,
      'aria-valuemax': 0,
      'aria-valuenow': METER_FLOOR_DB,
    },
    this.meterFill,
  );
  private readonly levelText = h('span', { class: 'level-text' }, '— dBFS');
  private readonly vadPill = h('span', { class: 'pill vad', 'data-testid': 'vad-state' }, 'silence');
  private readonly liveDigit = h(
    'div',
    { class: 'live-digit', 'data-testid': 'live-digit', 'aria-live': 'polite', 'aria-label': 'Decided digit' },
    '–',
  );
  private readonly liveMeta = h('div', { class: 'live-meta' }, 'No digit yet');
  private readonly bars: Array<{ row: HTMLElement; fill: HTMLElement; value: HTMLElement }> = [];
  private readonly threshold = h('div', { class: 'threshold', 'aria-hidden': 'true' });
  private readonly thresholdLabel = h('span', { class: 'threshold-label' });
  private readonly barsBox: HTMLElement;
  private readonly strip = h('div', {
    class: 'saliency-strip',
    'data-testid': 'saliency-strip',
    role: 'img',
    'aria-label': 'Saliency over feature bands: no decision yet',
  });
  private readonly stripCells: HTMLElement[] = [];
  private readonly stripAxis = h('div', { class: 'strip-axis' });
  private readonly why = h('p', { class: 'why' }, 'After a decision, the bands that mattered most are shown here.');
  private readonly recent = h('ol', { class: 'recent', 'data-testid': 'recent-list', 'aria-label': 'Recent decisions' });
  private settings: LiveSettings | undefined;
  private status: DictationStatus | undefined;

  constructor() {
    const barRows = Array.from({ length: 10 }, (_, d) => {
      const fill = h('div', { class: 'bar-fill' });
      const value = h('span', { class: 'bar-value' }, '0%');
      const row = h(
        'div',
        { class: 'bar-row', 'data-digit': d },
        h('span', { class: 'bar-label' }, String(d)),
        h('div', { class: 'bar-track' }, fill),
        value,
      );
      this.bars.push({ row, fill, value });
      return row;
    });
    this.barsBox = h(
      'div',
      { class: 'bars', 'data-testid': 'conf-bars', role: 'group', 'aria-label': 'Confidence per digit' },
      ...barRows,
      this.threshold,
      this.thresholdLabel,
    );
    this.toggleButton.addEventListener('click', () => send({ type: 'dictation', action: 'toggle' }));

    this.root = h(
      'section',
      { id: 'live', class: 'view', 'aria-labelledby': 'live-title' },
      h('h2', { id: 'live-title' }, 'Live'),
      h('div', { class: 'row' }, this.toggleButton, this.stateText),
      this.detail,
      h('div', { class: 'row level-row' }, h('span', { class: 'caption' }, 'Input'), this.meter, this.levelText, this.vadPill),
      h(
        'div',
        { class: 'live-grid' },
        h('div', { class: 'decided' }, h('div', { class: 'caption' }, 'Decided digit'), this.liveDigit, this.liveMeta),
        h('div', { class: 'bars-box' }, h('div', { class: 'caption' }, 'Confidence while the word is spoken'), this.barsBox),
      ),
      h('h3', {}, 'Why: saliency over the feature bands'),
      this.strip,
      this.stripAxis,
      this.why,
      h('h3', {}, 'Recent decisions'),
      this.recent,
    );
  }

  setStatus(s: DictationStatus): void {
    this.status = s;
    const mic = s.microphone === '' ? 'default microphone' : s.microphone;
    this.stateText.textContent = `${STATE_WORDS[s.state]} · ${mic} · mode ${s.mode}`;
    this.stateText.dataset.state = s.state;
    const running = s.state === 'listening' || s.state === 'speech' || s.state === 'starting';
    this.toggleButton.textContent = running ? 'Stop dictation' : 'Start dictation';
    this.toggleButton.setAttribute('aria-pressed', String(running));
    this.detail.textContent = s.detail ?? '';
    this.detail.classList.toggle('error', s.state === 'error');
    if (!running) this.showLevel({ timeMs: 0, rmsDb: METER_FLOOR_DB, vad: 'silence' });
  }

  setSettings(s: LiveSettings): void {
    this.settings = s;
    this.threshold.style.setProperty('--at', String(s.thresh));
    this.thresholdLabel.style.setProperty('--at', String(s.thresh));
    this.thresholdLabel.textContent = `early exit ≥ ${pct(s.thresh)} × ${s.consec}`;
    this.barsBox.setAttribute('aria-label', `Confidence per digit; early exit at ${pct(s.thresh)} for ${s.consec} checks`);
    if (this.stripCells.length !== s.bandsHz.length) {
      this.strip.replaceChildren();
      this.stripCells.length = 0;
      s.bandsHz.forEach((hz, i) => {
        const cell = h('div', { class: 'cell', title: `band ${i} · ${Math.round(hz)} Hz` });
        this.stripCells.push(cell);
        this.strip.append(cell);
      });
      const first = s.bandsHz[0] ?? 0;
      const last = s.bandsHz[s.bandsHz.length - 1] ?? 0;
      this.stripAxis.replaceChildren(
        h('span', {}, `${Math.round(first)} Hz`),
        h('span', {}, `${s.bandsHz.length} mel bands`),
        h('span', {}, `${Math.round(last)} Hz`),
      );
    }
  }

  readonly level = perFrame((l: LevelView) => this.showLevel(l));

  private showLevel(l: LevelView): void {
    const db = Math.max(METER_FLOOR_DB, Math.min(0, l.rmsDb));
    this.meterFill.style.setProperty('--level', String((db - METER_FLOOR_DB) / -METER_FLOOR_DB));
    this.meter.setAttribute('aria-valuenow', String(Math.round(db)));
    this.levelText.textContent = Number.isFinite(l.rmsDb) && l.rmsDb > METER_FLOOR_DB ? `${Math.round(l.rmsDb)} dBFS` : '— dBFS';
    this.vadPill.textContent = l.vad;
    this.vadPill.dataset.vad = l.vad;
  }

  readonly hypothesis = perFrame((hyp: HypothesisView) => {
    this.showProbs(hyp.probs, undefined);
    this.barsBox.dataset.consecutive = String(hyp.consecutive);
  });

  private showProbs(probs: readonly number[], decided: number | undefined): void {
    const thresh = this.settings?.thresh ?? 1;
    let best = 0;
    probs.forEach((p, i) => {
      if (p > probs[best]) best = i;
    });
    this.bars.forEach((b, i) => {
      const p = probs[i] ?? 0;
      b.fill.style.setProperty('--p', String(p));
      b.value.textContent = pct(p);
      b.row.classList.toggle('top', i === best);
      b.row.classList.toggle('over', p >= thresh);
      b.row.classList.toggle('decided', i === decided);
      b.row.setAttribute('aria-label', `${i}: ${pct(p)}`);
    });
  }

  /** The fluent string being dictated, as typed so far (one digit for an isolated word). */
  private forming = '';

  decision(entry: DecisionView, animate = true): void {
    const d = entry.decision;
    // A fluent string forms digit by digit in the big display; a new word or string starts afresh.
    this.forming = (d.stringIndex ?? 0) > 0 ? this.forming + String(d.digit) : String(d.digit);
    this.liveDigit.textContent = this.forming;
    this.liveDigit.dataset.digit = String(d.digit);
    this.liveDigit.classList.remove('withdrawn');
    if (animate) {
      this.liveDigit.classList.remove('flash');
      void this.liveDigit.offsetWidth; // restart the CSS animation
      this.liveDigit.classList.add('flash');
    }
    // On early exit the word's end is not known yet, so say how far into the word the decision came.
    this.liveMeta.textContent =
      d.stringIndex !== undefined
        ? `${pct(d.confidence)} · digit ${d.stringIndex + 1} of a fluent string`
        : `${pct(d.confidence)} · ${d.earlyExit ? `early exit ${Math.max(0, Math.round(d.decisionMs - d.startMs))} ms into the word` : 'decided at the end of the word'}`;
    const probs = Array.from({ length: 10 }, (_, i) => d.top.find(([k]) => k === i)?.[1] ?? 0);
    this.showProbs(probs, d.digit);
    this.showSaliency(entry);
    this.recent.prepend(this.recentItem(entry));
    while (this.recent.children.length > 20) this.recent.lastElementChild?.remove();
  }

  rejection(r: RejectionView): void {
    this.liveMeta.textContent = `Ignored ${Math.round(r.endMs - r.startMs)} ms of sound: ${r.reason}`;
    this.showProbs(Array(10).fill(0), undefined);
  }

  /** An early digit withdrawn: say so, and mark it in the recent list. */
  retraction(r: RetractionView, w: WithdrawalView): void {
    this.liveMeta.textContent = `Withdrew “${r.decision.digit}”: ${r.reason}${w.removed ? '' : ` (${w.note ?? 'left in place'})`}`;
    if ((r.decision.stringIndex ?? 0) > 0 && this.forming.endsWith(String(r.decision.digit))) {
      this.forming = this.forming.slice(0, -1);
      this.liveDigit.textContent = this.forming;
    } else if (this.liveDigit.dataset.digit === String(r.decision.digit)) this.liveDigit.classList.add('withdrawn');
    const item = this.recent.querySelector<HTMLElement>(`li[data-key="${decisionKey(r.decision)}"]`);
    if (item) this.markWithdrawn(item, w);
  }

  /** Rebuilds the recent list from the host's snapshot (newest first). */
  setRecent(recent: DecisionView[]): void {
    // The big digit shows the newest digit that still stands; the list holds the others, withdrawn
    // ones included (struck through).
    const shown = recent.findIndex((e) => !e.withdrawn);
    if (shown >= 0) {
      this.decision(recent[shown], false);
      // A fluent string shows whole: its earlier digits are the older entries that still stand.
      let text = String(recent[shown].decision.digit);
      for (let i = shown; (recent[i].decision.stringIndex ?? 0) > 0 && i + 1 < recent.length;) {
        i++;
        if (!recent[i].withdrawn) text = String(recent[i].decision.digit) + text;
      }
      this.forming = text;
      this.liveDigit.textContent = text;
    }
    this.recent.replaceChildren(...recent.filter((_, i) => i !== shown).map((e) => this.recentItem(e)));
  }

  private showSaliency(entry: DecisionView): void {
    const d = entry.decision;
    const scores = d.saliency ?? [];
    const max = Math.max(1e-9, ...scores.map((s) => Math.abs(s)));
    this.stripCells.forEach((c, i) => {
      const v = Math.abs(scores[i] ?? 0) / max;
      c.style.setProperty('--heat', v.toFixed(3));
      c.classList.toggle(
        'hot',
        d.why.slice(0, 3).some((w) => w.band === i),
      );
    });
    const top = d.why.slice(0, 3).map((w) => `${Math.round(w.hz)} Hz`);
    this.strip.setAttribute(
      'aria-label',
      scores.length ? `Saliency for ${d.digit}; strongest bands ${top.join(', ')}` : `No saliency for ${d.digit}`,
    );
    this.why.textContent = top.length
      ? `“${d.digit}” rested most on the bands around ${top.join(', ')}.`
      : 'This decision carried no saliency.';
  }

  private recentItem(entry: DecisionView): HTMLElement {
    const d = entry.decision;
    const where =
      entry.delivery.target === 'editor'
        ? 'typed'
        : entry.delivery.target === 'terminal'
          ? 'sent to terminal'
          : `not typed — ${entry.delivery.reason ?? ''}`;
    const item = h(
      'li',
      { 'data-digit': d.digit, 'data-key': decisionKey(d), class: entry.delivery.target === 'none' ? 'untyped' : '' },
      h('span', { class: 'recent-digit' }, String(d.digit)),
      h('span', { class: 'recent-conf' }, pct(d.confidence)),
      h('span', { class: 'pill' }, d.stringIndex !== undefined ? 'string' : d.earlyExit ? 'early' : 'end'),
      h('span', { class: 'pill' }, d.mode),
      h('span', { class: 'recent-where' }, where),
      h(
        'span',
        { class: 'recent-top', title: 'Runners-up' },
        d.top.length > 1
          ? `then ${d.top
              .slice(1, 3)
              .map(([k, p]) => `${k} ${pct(p)}`)
              .join(', ')}`
          : '',
      ),
    );
    if (entry.withdrawn) this.markWithdrawn(item, entry.withdrawn);
    return item;
  }

  private markWithdrawn(item: HTMLElement, w: WithdrawalView): void {
    item.classList.add('withdrawn');
    item.title = `Withdrawn: ${w.reason}`;
    const where = item.querySelector('.recent-where');
    if (where) where.textContent = w.removed ? 'withdrawn — deleted again' : `withdrawn — ${w.note ?? 'left in place'}`;
  }
}

/** Identifies a decision across messages (the host repeats it in its retraction). */
function decisionKey(d: DigitView): string {
  return `${d.startMs.toFixed(1)}-${d.decisionMs.toFixed(1)}-${d.digit}`;
}
