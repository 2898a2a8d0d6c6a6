/** "Select Microphone": a quick pick of the input devices; the choice goes to `digitDictation.microphone`. */
import * as vscode from 'vscode';
import type { Configuration } from './configuration';
import { runtime } from '../runtime';

interface MicItem extends vscode.QuickPickItem {
  value: string;
}

export async function selectMicrophone(config: Configuration, log: vscode.LogOutputChannel): Promise<void> {
  let devices: Awaited<ReturnType<Awaited<ReturnType<typeof runtime>>['listMicrophones']>>;
  try {
    devices = (await runtime()).listMicrophones();
  } catch (err) {
    log.error(`microphones: ${(err as Error).message}`);
    void vscode.window.showErrorMessage(`Digit Dictation: cannot list microphones: ${(err as Error).message}`);
    return;
  }
  const current = config.config.microphone;
  const items: MicItem[] = [
    {
      label: 'System default',
      description: current === '' ? '(current)' : undefined,
      detail: "Follow the operating system's default input",
      value: '',
    },
    ...devices.map((d) => {
      // Names are what people recognise; a stable id survives renumbering when it exists.
      const value = d.id || d.name;
      return {
        label: d.name,
        description: [d.isDefault ? 'default' : '', value === current || d.name === current ? '(current)' : ''].filter(Boolean).join(' '),
        detail: `${d.defaultSampleRate} Hz${d.id ? ` · ${d.id}` : ''}`,
        value,
      };
    }),
  ];
  if (devices.length === 0) {
    void vscode.window.showWarningMessage(
      'Digit Dictation: no input devices found. Connect a microphone (or check system permissions), then try again.',
    );
  }
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Digit Dictation: microphone',
    placeHolder: 'Pick the input device for dictation and enrollment',
  });
  if (!pick) return;
  await config.update('microphone', pick.value);
}
