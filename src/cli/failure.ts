/** How a failed command ends: one `error [CODE]: message` line on stderr and exit code 2, never a stack trace unless --debug. */
import { CommanderError } from 'commander';
import { DigitDictationError } from '../errors';

/** Exit code of every failure the user can act on (bad input, missing file, refused target). */
export const EXIT_FAILURE = 2;
/** Longest message printed; paths and values inside can be arbitrarily long. */
const MAX_MESSAGE = 1000;

const COMMANDER_CODES: Record<string, string> = {
  'commander.unknownOption': 'CLI_UNKNOWN_OPTION',
  'commander.unknownCommand': 'CLI_UNKNOWN_COMMAND',
  'commander.missingArgument': 'CLI_MISSING_ARGUMENT',
  'commander.optionMissingArgument': 'CLI_MISSING_VALUE',
  'commander.missingMandatoryOptionValue': 'CLI_MISSING_OPTION',
  'commander.invalidArgument': 'CLI_BAD_OPTION',
  'commander.excessArguments': 'CLI_EXTRA_ARGUMENT',
  'commander.conflictingOption': 'CLI_CONFLICTING_OPTIONS',
  'commander.help': 'CLI_NO_COMMAND',
};

export function truncateMessage(m: string, max = MAX_MESSAGE): string {
  return m.length > max ? `${m.slice(0, max)}… (${m.length - max} more characters)` : m;
}

/** The code and message a user sees for any thrown value. */
export function describeFailure(err: unknown): { code: string; message: string } {
  if (err instanceof DigitDictationError) return { code: err.code, message: err.message };
  if (err instanceof CommanderError) {
    const message = err.message.replace(/^error:\s*/, '');
    return {
      code: COMMANDER_CODES[err.code] ?? 'CLI_USAGE',
      message: err.code === 'commander.help' ? 'no command given; run with --help for the list' : `${message} (see --help)`,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: `${message} — an unexpected failure; run again with --debug for the stack trace and report it` };
}

let reported = false;

export function reportFailure(err: unknown, debug: boolean): never {
  if (!reported) {
    reported = true;
    const { code, message } = describeFailure(err);
    process.stderr.write(`error [${code}]: ${truncateMessage(message.replace(/\s*\n\s*/g, ' '))}\n`);
    if (debug && err instanceof Error) {
      process.stderr.write(`${err.stack ?? ''}\n`);
      if (err.cause instanceof Error) process.stderr.write(`caused by: ${err.cause.stack ?? err.cause.message}\n`);
    }
  }
  process.exit(EXIT_FAILURE);
}
