/** Every command of the extension, registered in one place. */
import * as vscode from 'vscode';
import type { IDisposable } from '../dispose';
import type { Configuration } from './settings/configuration';
import type { DictationController } from './dictation/dictation';
import type { EnrollmentController } from './enrollment/enrollment';
import { selectMicrophone } from './settings/microphonePicker';
import type { PanelHost } from './panel/panel';
import type { TrainingController } from './training/training';

export const COMMANDS = {
  start: 'digitDictation.start',
  stop: 'digitDictation.stop',
  toggle: 'digitDictation.toggle',
  enroll: 'digitDictation.enroll',
  showPanel: 'digitDictation.showPanel',
  train: 'digitDictation.train',
  evaluate: 'digitDictation.evaluate',
  selectMicrophone: 'digitDictation.selectMicrophone',
  resetEnrollment: 'digitDictation.resetEnrollment',
} as const;

export interface CommandTargets {
  config: Configuration;
  dictation: DictationController;
  enrollment: EnrollmentController;
  training: TrainingController;
  panel: PanelHost;
  log: vscode.LogOutputChannel;
}

export function registerCommands(t: CommandTargets): IDisposable[] {
  const handlers: Record<(typeof COMMANDS)[keyof typeof COMMANDS], () => unknown> = {
    [COMMANDS.start]: () => t.dictation.start(),
    [COMMANDS.stop]: () => t.dictation.stop(),
    [COMMANDS.toggle]: () => t.dictation.toggle(),
    [COMMANDS.enroll]: () => {
      // The flow lives in the panel: the user sees prompts and takes there.
      t.panel.show('enroll', false);
      void t.enrollment.refreshEnrolled();
    },
    [COMMANDS.showPanel]: () => t.panel.show('live'),
    [COMMANDS.train]: () => t.training.train(),
    [COMMANDS.evaluate]: () => t.training.evaluate(),
    [COMMANDS.selectMicrophone]: () => selectMicrophone(t.config, t.log),
    [COMMANDS.resetEnrollment]: () => t.enrollment.reset(),
  };
  return Object.entries(handlers).map(([id, fn]) =>
    vscode.commands.registerCommand(id, async () => {
      try {
        await fn();
      } catch (err) {
        t.log.error(`${id}: ${(err as Error).stack ?? String(err)}`);
        void vscode.window.showErrorMessage(`Digit Dictation: ${(err as Error).message}`);
      }
    }),
  );
}
