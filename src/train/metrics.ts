/** Index of the largest value (the predicted class). */
export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

export function confusionMatrix(truth: number[], pred: number[], classes = 10): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  truth.forEach((t, i) => m[t][pred[i]]++);
  return m;
}

export function summarize(confusion: number[][]) {
  const k = confusion.length;
  let correct = 0;
  let n = 0;
  const perClass = [];
  for (let c = 0; c < k; c++) {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[c], 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass.push({ digit: c, precision, recall, f1, support });
    correct += tp;
    n += support;
  }
  const present = perClass.filter((p) => p.support > 0);
  const macroF1 = present.reduce((a, p) => a + p.f1, 0) / Math.max(1, present.length);
  return { n, accuracy: n ? correct / n : 0, macroF1, perClass };
}

/** The confusion matrix as aligned text, rows = true digit, columns = predicted. */
export function formatConfusion(confusion: number[][]): string {
  const w = Math.max(3, ...confusion.flat().map((v) => String(v).length + 1));
  const pad = (s: string | number) => String(s).padStart(w);
  const head = '  true\\pred' + confusion.map((_, i) => pad(i)).join('');
  const rows = confusion.map(
    (row, i) => `  ${String(i).padStart(9)}` + row.map((v, j) => (v === 0 && i !== j ? pad('.') : pad(v))).join(''),
  );
  return [head, ...rows].join('\n');
}
