/**
 * The CLI's one set of option parsers (commander argParsers). Numbers are parsed strictly (no
 * "12abc", no "0x10", no "1e999") and checked against the same range table as the engine's
 * validateOptions (stream/options.ts OPTION_RULES), so a bad flag fails at parse time with
 * `error [CLI_BAD_OPTION]` and exit 2 instead of deep inside the engine.
 */
import { OptionError } from '../errors';
import { NumberRule, NumericOption, OPTION_RULES, ruleViolation } from '../stream/options';

/** An echoed value, cut short: error messages must not replay a megabyte of input. */
export function shown(v: string, max = 60): string {
  const s = JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max)}…" (${v.length} characters)` : s;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** `v` as a number when it is written as one in decimal (no "12abc", "0x10", "" or "Infinity"); may be ±Infinity for "1e999". */
export function strictNumber(v: string): number | undefined {
  const t = v.trim();
  return NUMBER.test(t) ? Number(t) : undefined;
}

function badOption(flag: string, why: string, v: string): OptionError {
  return new OptionError('CLI_BAD_OPTION', `${flag} ${why}, got ${shown(v)}`);
}

/** A number flag checked against `rule`. */
export function numberArg(flag: string, rule: NumberRule): (v: string) => number {
  return (v: string) => {
    const n = strictNumber(v);
    if (n === undefined) throw badOption(flag, `must be a number${rule.integer ? ' (whole)' : ''}`, v);
    const why = ruleViolation(n, rule);
    if (why) throw badOption(flag, why, v);
    return n;
  };
}

/** A flag for engine option `key`: the engine's own range. */
export function engineArg(flag: string, key: NumericOption): (v: string) => number {
  return numberArg(flag, OPTION_RULES[key]);
}

export function intArg(flag: string, min: number, max: number): (v: string) => number {
  return numberArg(flag, { min, max, integer: true });
}

/** A path flag: not empty, no NUL byte, of a length a file system takes. */
export function pathArg(flag: string): (v: string) => string {
  return (v: string) => {
    if (v.trim() === '') throw badOption(flag, 'needs a path', v);
    if (v.includes('\0')) throw badOption(flag, 'must not contain a NUL byte', v);
    if (v.length > 4096) throw badOption(flag, 'is longer than any path can be (4096 characters)', v);
    return v;
  };
}

/** A free-text flag (a speaker name, a device name): not empty, bounded. */
export function textArg(flag: string, max = 256): (v: string) => string {
  return (v: string) => {
    if (v.trim() === '') throw badOption(flag, 'must not be empty', v);
    if (v.length > max || v.includes('\0')) throw badOption(flag, `must be text of at most ${max} characters`, v);
    return v;
  };
}
