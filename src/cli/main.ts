/** The CLI program: every command registered, errors reported as `error [CODE]: …` with exit 2. */
import { Command, CommanderError } from 'commander';
import { registerTrain } from './train';
import { registerEval } from './eval';
import { registerTranscribe } from './transcribe';
import { registerLive } from './live';
import { registerEnroll } from './enroll';
import { registerCorpus } from './corpus';
import { reportFailure } from './failure';

export function runCli(): void {
  // `--debug` anywhere shows the stack trace of a failure; it is not a command's option.
  const debug = process.argv.includes('--debug');
  const argv = process.argv.filter((a) => a !== '--debug');
  process.on('uncaughtException', (err) => reportFailure(err, debug));
  process.on('unhandledRejection', (err) => reportFailure(err, debug));
  // Output piped into `head` closes early; that is not a failure.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });

  const program = new Command();
  program
    .name('digit-dictation')
    .description('Spoken-digit recognition: train, evaluate, transcribe, dictate (add --debug to any command to see stack traces)')
    // Commander's own messages are reprinted as `error [CODE]: …` with exit 2 (cli/failure.ts).
    .exitOverride()
    .configureOutput({ outputError: () => undefined });
  registerTrain(program);
  registerEval(program);
  registerTranscribe(program);
  registerLive(program);
  registerEnroll(program);
  registerCorpus(program);

  program.parseAsync(argv).catch((err: unknown) => {
    if (err instanceof CommanderError && err.exitCode === 0) process.exit(0);
    reportFailure(err, debug);
  });
}
