/** Canvas drawing for the training view: line charts and the confusion matrix, in theme colours. */
import { themeColor } from './dom';

export interface Series {
  label: string;
  color: string;
  values: number[];
}

/** Sizes the canvas backing store for the device pixel ratio; returns a context in CSS pixels. */
function prepare(canvas: HTMLCanvasElement, cssHeight: number): { ctx: CanvasRenderingContext2D; w: number; h: number } | undefined {
  const w = canvas.clientWidth || 320;
  const h = cssHeight;
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  canvas.style.height = `${h}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return undefined;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return { ctx, w, h };
}

function font(): string {
  return `${themeColor('--vscode-font-size', '12px')} ${themeColor('--vscode-font-family', 'sans-serif')}`;
}

export function drawLineChart(canvas: HTMLCanvasElement, series: Series[], opts: { epochs: number; yMax?: number; yLabel: string }): void {
  const p = prepare(canvas, 170);
  if (!p) return;
  const { ctx, w, h } = p;
  const fg = themeColor('--vscode-foreground', '#ccc');
  const grid = themeColor('--vscode-editorWidget-border', '#555');
  if (!series.some((s) => s.values.length)) {
    ctx.font = font();
    ctx.fillStyle = fg;
    ctx.globalAlpha = 0.6;
    ctx.textAlign = 'center';
    ctx.fillText('Curves appear here once an epoch finishes.', w / 2, h / 2);
    ctx.globalAlpha = 1;
    canvas.setAttribute('aria-label', `${opts.yLabel}: no epochs yet`);
    return;
  }
  const left = 40,
    right = 10,
    top = 22,
    bottom = 24;
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const yMax = opts.yMax ?? Math.max(1e-6, ...all) * 1.1;
  const n = Math.max(2, opts.epochs);
  const x = (i: number) => left + ((w - left - right) * i) / (n - 1);
  const y = (v: number) => top + (h - top - bottom) * (1 - Math.min(v, yMax) / yMax);

  ctx.font = font();
  ctx.strokeStyle = grid;
  ctx.fillStyle = fg;
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let k = 0; k <= 4; k++) {
    const v = (yMax * k) / 4;
    ctx.globalAlpha = 0.35;
    ctx.beginPath();
    ctx.moveTo(left, y(v));
    ctx.lineTo(w - right, y(v));
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.fillText(yMax <= 1.0001 ? `${Math.round(v * 100)}%` : v.toFixed(2), left - 4, y(v));
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const step = Math.max(1, Math.ceil(n / 8));
  for (let i = 0; i < n; i += step) ctx.fillText(String(i + 1), x(i), h - bottom + 6);

  // Legend along the top.
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  let lx = left;
  for (const s of series) {
    ctx.fillStyle = s.color;
    ctx.fillRect(lx, 8, 10, 3);
    ctx.fillStyle = fg;
    ctx.fillText(s.label, lx + 14, 10);
    lx += 24 + ctx.measureText(s.label).width;
  }

  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    s.values.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i), y(v)) : ctx.lineTo(x(i), y(v))));
    ctx.stroke();
    s.values.forEach((v, i) => {
      ctx.beginPath();
      ctx.arc(x(i), y(v), 2.5, 0, Math.PI * 2);
      ctx.fill();
    });
  }
  canvas.setAttribute(
    'aria-label',
    `${opts.yLabel} per epoch: ` +
      series
        .map(
          (s) =>
            `${s.label} ${s.values.length ? (yMax <= 1.0001 ? `${Math.round(s.values[s.values.length - 1] * 100)}%` : s.values[s.values.length - 1].toFixed(3)) : 'none'}`,
        )
        .join(', '),
  );
}

/** confusion[true][predicted]; rows normalised so each cell's shade is the recall share. */
export function drawConfusion(canvas: HTMLCanvasElement, confusion: number[][]): void {
  const size = Math.min(canvas.clientWidth || 320, 360);
  const p = prepare(canvas, size);
  if (!p) return;
  const { ctx } = p;
  const fg = themeColor('--vscode-foreground', '#ccc');
  const good = themeColor('--vscode-charts-blue', '#3794ff');
  const bad = themeColor('--vscode-charts-red', '#f14c4c');
  const n = confusion.length || 10;
  const left = 34,
    top = 30;
  const cell = Math.floor((size - left - 6) / n);
  ctx.font = font();
  ctx.fillStyle = fg;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText('predicted →', left + (cell * n) / 2, 8);
  for (let i = 0; i < n; i++) {
    ctx.fillText(String(i), left + cell * i + cell / 2, top - 10);
    ctx.fillText(String(i), left - 20, top + cell * i + cell / 2);
  }
  for (let t = 0; t < n; t++) {
    const row = confusion[t] ?? [];
    const total = row.reduce((a, b) => a + b, 0) || 1;
    for (let q = 0; q < n; q++) {
      const v = row[q] ?? 0;
      const share = v / total;
      ctx.fillStyle = t === q ? good : bad;
      ctx.globalAlpha = v === 0 ? 0.04 : 0.15 + 0.85 * share;
      ctx.fillRect(left + cell * q + 1, top + cell * t + 1, cell - 2, cell - 2);
      ctx.globalAlpha = 1;
      if (v > 0) {
        ctx.fillStyle = fg;
        ctx.fillText(String(v), left + cell * q + cell / 2, top + cell * t + cell / 2);
      }
    }
  }
  const errors = confusion
    .flatMap((r, t) => r.map((v, q) => ({ t, q, v })))
    .filter((e) => e.t !== e.q && e.v > 0)
    .sort((a, b) => b.v - a.v);
  canvas.setAttribute(
    'aria-label',
    `Confusion matrix, rows true digit, columns predicted. ${
      errors.length
        ? 'Most frequent confusions: ' +
          errors
            .slice(0, 3)
            .map((e) => `${e.t} heard as ${e.q} (${e.v})`)
            .join(', ')
        : 'No confusions.'
    }`,
  );
}
