/**
 * Entry point: wiring only. Activation creates the status bar, reads settings and registers
 * commands; it loads neither the model nor the microphone (see src/editor/runtime.ts), so it
 * stays well under 100 ms (`npm run bench:activation`).
 */
import * as vscode from 'vscode';
import { bandCentresHz } from './features/config';
import { Disposable } from './dispose';
import type { FromWebviewMessage, LiveSettings } from './shared/protocol';
import { COMMANDS, registerCommands } from './editor/commands';
import type { DictationConfig } from './editor/settings/config';
import { Configuration } from './editor/settings/configuration';
import { DictationController } from './editor/dictation/dictation';
import { EnrollmentController } from './editor/enrollment/enrollment';
import { ModelProvider } from './editor/models';
import { PanelHost } from './editor/panel/panel';
import { PrototypeFile } from './editor/enrollment/prototypes';
import { DictationStatusBar } from './editor/dictation/statusBar';
import { TrainingController } from './editor/training/training';

function liveSettings(c: DictationConfig): LiveSettings {
  return { mode: c.mode, thresh: c.earlyExit.thresh, consec: c.earlyExit.consec, every: c.earlyExit.every, bandsHz: bandCentresHz() };
}

class Extension extends Disposable {
  constructor(context: vscode.ExtensionContext) {
    super();
    const log = this.register(vscode.window.createOutputChannel('Digit Dictation', { log: true }));
    const storage = context.globalStorageUri.fsPath;
    const config = this.register(new Configuration(log));
    const statusBar = this.register(new DictationStatusBar(COMMANDS.toggle));
    const panel = this.register(
      new PanelHost(
        context.extensionUri,
        {
          status: { state: 'idle', microphone: config.config.microphone, mode: config.config.mode },
          settings: liveSettings(config.config),
          recent: [],
          enrollment: { phase: 'idle', takesPerDigit: 0, digit: 0, take: 1, takeState: 'waiting', digits: [], enrolled: false },
          training: { phase: 'idle', epochs: 0, history: [] },
          view: 'live',
        },
        log,
      ),
    );
    const models = this.register(new ModelProvider(storage, log));
    const prototypes = this.register(new PrototypeFile(storage, log));
    const dictation = this.register(new DictationController(config, models, prototypes, statusBar, panel, log));
    const enrollment = this.register(new EnrollmentController(config, models, prototypes, dictation, panel, log));
    const training = this.register(new TrainingController(context, config, models, dictation, panel, log));
    panel.post({ type: 'enrollment', enrollment: enrollment.initialView });
    panel.post({ type: 'training', training: training.initialView });
    this.register(config.onDidChange((c) => panel.post({ type: 'settings', settings: liveSettings(c.config) })));
    this.register(panel.onMessage((m) => this.onPanelMessage(m, { dictation, enrollment, training })));
    for (const d of registerCommands({ config, dictation, enrollment, training, panel, log })) this.register(d);
  }

  private onPanelMessage(
    m: FromWebviewMessage,
    c: { dictation: DictationController; enrollment: EnrollmentController; training: TrainingController },
  ): void {
    switch (m.type) {
      case 'ready':
        // Whether prototypes exist needs the model's id: loaded now, on first sight of the panel.
        void c.enrollment.refreshEnrolled();
        return;
      case 'dictation':
        void (m.action === 'start' ? c.dictation.start() : m.action === 'stop' ? c.dictation.stop() : c.dictation.toggle());
        return;
      case 'enrollStart':
        return c.enrollment.start();
      case 'enrollRedo':
        return c.enrollment.redo(m.digit, m.take);
      case 'enrollSave':
        void c.enrollment.save();
        return;
      case 'enrollCancel':
        return c.enrollment.cancel();
      case 'trainingCancel':
        return c.training.cancel();
      case 'command':
        void vscode.commands.executeCommand(COMMANDS[m.command]);
        return;
    }
  }
}

let extension: Extension | undefined;

export function activate(context: vscode.ExtensionContext): void {
  extension = new Extension(context);
  context.subscriptions.push(extension);
}

export function deactivate(): void {
  extension?.dispose();
  extension = undefined;
}
