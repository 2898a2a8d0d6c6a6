/** Scoring a typed digit string against the spoken one: Levenshtein alignment with S/D/I counts. */
export interface Alignment {
  sub: number;
  del: number;
  ins: number;
  /** [reference index, hypothesis index] of each digit typed right. */
  matches: Array<[number, number]>;
}

export function alignDigits(ref: readonly number[], hyp: readonly number[]): Alignment {
  const R = ref.length;
  const H = hyp.length;
  const d = Array.from({ length: R + 1 }, (_, i) => Array.from({ length: H + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= R; i++)
    for (let j = 1; j <= H; j++)
      d[i][j] = Math.min(d[i - 1][j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1), d[i - 1][j] + 1, d[i][j - 1] + 1);
  const a: Alignment = { sub: 0, del: 0, ins: 0, matches: [] };
  let i = R;
  let j = H;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && d[i][j] === d[i - 1][j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1)) {
      if (ref[i - 1] === hyp[j - 1]) a.matches.push([i - 1, j - 1]);
      else a.sub++;
      i--;
      j--;
    } else if (i > 0 && d[i][j] === d[i - 1][j] + 1) {
      a.del++;
      i--;
    } else {
      a.ins++;
      j--;
    }
  }
  a.matches.reverse();
  return a;
}

export function quantile(v: number[], q: number): number {
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
