#!/usr/bin/env node
/** `node dist/cli.js <command>`: the same modules the extension uses, without the editor. */
import { Command } from 'commander';
import { registerTrain } from './cli/train';
import { registerEval } from './cli/eval';
import { registerTranscribe } from './cli/transcribe';
import { registerLive } from './cli/live';
import { registerEnroll } from './cli/enroll';
import { registerCorpus } from './cli/corpus';
import { DigitDictationError } from './errors';

const program = new Command();
program.name('digit-dictation').description('Spoken-digit recognition: train, evaluate, transcribe, dictate').showHelpAfterError();
registerTrain(program);
registerEval(program);
registerTranscribe(program);
registerLive(program);
registerEnroll(program);
registerCorpus(program);
// streaming commands (transcribe / live / enroll) register here

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof DigitDictationError) {
    console.error(`error [${err.code}]: ${err.message}`);
  } else {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  }
  process.exit(1);
});
