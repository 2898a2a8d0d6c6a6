/**
 * What text a decided digit becomes at a cursor. vscode-free so the rules are unit-tested.
 *
 * The separator goes *between* digits of one dictation run only: a digit continues the run when
 * the cursor still sits exactly where the previous dictated digit ended, in the same document
 * version (the user has neither moved the cursor nor typed). So "4 2 7" gets spaces, but
 * dictating after "x=" or after clicking elsewhere never starts with a stray separator.
 */
import type { Separator } from '../settings/config';

export const SEPARATOR_TEXT: Readonly<Record<Separator, string>> = Object.freeze({
  none: '',
  space: ' ',
  comma: ', ',
});

export function digitText(digit: number, separator: Separator, continuesRun: boolean): string {
  if (!Number.isInteger(digit) || digit < 0 || digit > 9) throw new RangeError(`digit must be 0–9, got ${digit}`);
  return (continuesRun ? SEPARATOR_TEXT[separator] : '') + String(digit);
}

/** Where the last dictated text ended: one offset per cursor, in one document version. */
export interface RunEnd {
  document: string;
  version: number;
  offsets: readonly number[];
}

/** True when the next digit continues the run that ended at `last`. */
export function continuesRun(last: RunEnd | undefined, now: RunEnd): boolean {
  if (!last) return false;
  if (last.document !== now.document || last.version !== now.version) return false;
  if (last.offsets.length !== now.offsets.length) return false;
  const a = [...last.offsets].sort((x, y) => x - y);
  const b = [...now.offsets].sort((x, y) => x - y);
  return a.every((v, i) => v === b[i]);
}
