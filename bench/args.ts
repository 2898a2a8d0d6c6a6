/**
 * The benchmarks' command lines: one commander program per bench, parsed before any work starts.
 * A bad command line ends as the product CLI's do (cli/failure.ts): one `error [CODE]: …` line
 * naming the option on stderr, exit code 2, no stack trace. Unknown options and extra positional
 * arguments are errors; `--help` lists every option. Numbers are read with the CLI's strict syntax
 * (cli/args.ts strictNumber: no NaN from "abc", no "12abc", no "0x10") and checked against their
 * range (engine options against the engine's own, stream/options.ts OPTION_RULES); paths and text
 * use the CLI's own checks.
 */
import { Command, CommanderError, type OptionValues } from 'commander';
import { pathArg, shown, strictNumber, textArg } from '../src/cli/args';
import { reportFailure } from '../src/cli/failure';
import { OptionError } from '../src/errors';
import { NumericOption, OPTION_RULES, ruleViolation, type EngineOptionsPatch } from '../src/stream/options';

export { pathArg, textArg };

/** A bench's program: `name` as in `node dist/bench/NAME.js`, `description` its first help line. */
export function benchCommand(name: string, description: string): Command {
  return (
    new Command(name)
      .description(description)
      // Commander's own messages are reprinted as `error [CODE]: …` with exit 2 (cli/failure.ts).
      .exitOverride()
      .configureOutput({ outputError: () => undefined })
  );
}

/**
 * Parses `argv` (process.argv by default) into `cmd`'s options and arguments. `--help` prints the
 * help and exits 0; any error prints `error [CODE]: …` and exits 2 before the bench does any work.
 * `args` are the positional arguments as given (each checked by its parser).
 */
export function parseBench<O extends OptionValues>(cmd: Command, argv: readonly string[] = process.argv): { opts: O; args: string[] } {
  try {
    cmd.parse([...argv]);
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode === 0) process.exit(0);
    reportFailure(err, false);
  }
  const parsed = { opts: cmd.opts<O>(), args: cmd.args };
  // DD_BENCH_PARSE_ONLY=1 prints what was parsed and stops: test/cli/benchArgs.test.ts checks the
  // documented command lines and the defaults without running a bench.
  if (process.env.DD_BENCH_PARSE_ONLY === '1') {
    process.stdout.write(`${JSON.stringify(parsed)}\n`);
    process.exit(0);
  }
  return parsed;
}

/** Stops on options that parsed but do not go together: `error [code]: message`, exit 2. */
export function refuse(message: string, code = 'CLI_CONFLICTING_OPTIONS'): never {
  reportFailure(new OptionError(code, message), false);
}

function bad(message: string): OptionError {
  return new OptionError('CLI_BAD_OPTION', message);
}

export interface Bounds {
  /** Whole numbers only. */
  integer?: boolean;
  /** Inclusive bounds. */
  min?: number;
  max?: number;
  /** Exclusive bounds. */
  above?: number;
  below?: number;
}

/** What `b` asks for, in words: "a whole number, at least 1 and at most 12". */
function describe(b: Bounds): string {
  const parts = [
    b.min !== undefined ? `at least ${b.min}` : '',
    b.above !== undefined ? `above ${b.above}` : '',
    b.max !== undefined ? `at most ${b.max}` : '',
    b.below !== undefined ? `below ${b.below}` : '',
  ].filter(Boolean);
  return `${b.integer ? 'a whole number' : 'a number'}${parts.length ? `, ${parts.join(' and ')}` : ''}`;
}

/** A number flag: written in decimal, finite, within `b`; the message names `flag`. */
export function numberArg(flag: string, b: Bounds = {}): (v: string) => number {
  return (v: string) => {
    const n = strictNumber(v);
    const fits =
      n !== undefined &&
      Number.isFinite(n) &&
      (!b.integer || Number.isInteger(n)) &&
      (b.min === undefined || n >= b.min) &&
      (b.max === undefined || n <= b.max) &&
      (b.above === undefined || n > b.above) &&
      (b.below === undefined || n < b.below);
    if (!fits) throw bad(`${flag} must be ${describe(b)}, got ${shown(v)}`);
    return n;
  };
}

/** A whole-number flag in [min, max]. */
export function intArg(flag: string, min: number, max: number): (v: string) => number {
  return numberArg(flag, { integer: true, min, max });
}

/** A comma-separated list flag (`a,b,c`): no empty entries, each one of `choices` when given. */
export function listArg<T extends string = string>(flag: string, choices?: readonly T[]): (v: string) => T[] {
  return (v: string) => {
    const items = v.split(',');
    if (items.some((x) => x.trim() === '')) throw bad(`${flag} must be a comma-separated list without empty entries, got ${shown(v)}`);
    const wrong = choices ? items.find((x) => !choices.includes(x as T)) : undefined;
    if (wrong !== undefined) throw bad(`${flag}: ${shown(wrong)} is not one of ${choices!.join(', ')}`);
    return items as T[];
  };
}

/** A comma-separated list of numbers (`1,0.5`), each within `b`. */
export function numberListArg(flag: string, b: Bounds = {}): (v: string) => number[] {
  return (v: string) => listArg(flag)(v).map((x) => numberArg(flag, b)(x.trim()));
}

/** `key=value` split at its one `=`, both sides non-empty (`form` names the two in the error). */
export function keyValue(flag: string, kv: string, form = 'key=value'): [string, string] {
  const i = kv.indexOf('=');
  if (i <= 0 || i === kv.length - 1 || kv.indexOf('=', i + 1) >= 0) throw bad(`${flag} must be ${form}, got ${shown(kv)}`);
  return [kv.slice(0, i), kv.slice(i + 1)];
}

/**
 * A repeatable `--set key=value` flag of engine options (stream/options.ts) as commander's
 * collector: `reject.minConfidence=0.4` sets the reject group's option. A key that is not a numeric
 * engine option (OPTION_RULES) is refused, so a misspelt flag cannot silently measure the
 * defaults, and the value must fit the engine's own range for that option.
 */
export function engineSetArg(flag: string): (kv: string, previous: EngineOptionsPatch | undefined) => EngineOptionsPatch {
  return (kv, previous) => {
    const [key, v] = keyValue(flag, kv);
    if (!Object.hasOwn(OPTION_RULES, key)) throw bad(`${flag} ${shown(kv)}: "${key}" is not a numeric engine option (stream/options.ts)`);
    const n = strictNumber(v);
    const why = ruleViolation(n, OPTION_RULES[key as NumericOption]);
    if (why !== undefined) throw bad(`${flag} ${key} ${why}, got ${shown(v)}`);
    const patch = { ...previous } as Record<string, unknown>;
    const [group, name] = key.split('.');
    if (name === undefined) patch[key] = n;
    else patch[group] = { ...(patch[group] as object | undefined), [name]: n };
    return patch;
  };
}

/**
 * A repeatable `flag key=value` that sets one of `defaults`' numeric options (`what` names them in
 * errors), as commander's collector. An option whose default is a list takes `a,b` with as many
 * numbers as its default has.
 */
export function setArg<T extends object>(flag: string, defaults: Readonly<T>, what: string): (kv: string, previous: T | undefined) => T {
  return (kv, previous) => {
    const o = { ...(previous ?? defaults) } as Record<string, unknown>;
    const [k, v] = keyValue(flag, kv);
    if (!Object.hasOwn(o, k)) throw bad(`${flag} ${shown(kv)}: no ${what} option "${k}" (have ${Object.keys(o).join(', ')})`);
    const num = numberArg(`${flag} ${k}`);
    const d = o[k];
    if (Array.isArray(d)) {
      const parts = v.split(',');
      if (parts.length !== d.length) throw bad(`${flag} ${k} takes ${d.length} comma-separated numbers, got ${shown(v)}`);
      o[k] = parts.map(num);
    } else o[k] = num(v);
    return o as T;
  };
}
