/** The live, typed view of `digitDictation.*` settings, with a change event (no reload needed). */
import * as vscode from 'vscode';
import { Disposable, Emitter } from '../../dispose';
import { CONFIG_SECTION, ConfigGroup, DictationConfig, changedGroups, parseConfig } from './config';

export interface ConfigChange {
  config: DictationConfig;
  previous: DictationConfig;
  changed: Set<ConfigGroup>;
}

/** Keys whose defaults belong to the engine: passed on only when the user has set them. */
const ENGINE_DEFAULTED = /^vad\.(?!kind$)/;

export class Configuration extends Disposable {
  private current: DictationConfig;
  private readonly changeEmitter = this.register(new Emitter<ConfigChange>());
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this.current = this.read();
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(CONFIG_SECTION)) return;
        const previous = this.current;
        this.current = this.read();
        const changed = changedGroups(previous, this.current);
        if (!changed.size) return;
        this.log.info(`settings changed: ${[...changed].join(', ')}`);
        this.changeEmitter.fire({ config: this.current, previous, changed });
      }),
    );
  }

  get config(): DictationConfig {
    return this.current;
  }

  /** Writes a setting at user level (the picker and "switch to trained model" use this). */
  async update(key: string, value: unknown): Promise<void> {
    await vscode.workspace.getConfiguration(CONFIG_SECTION).update(key, value, vscode.ConfigurationTarget.Global);
  }

  private read(): DictationConfig {
    const section = vscode.workspace.getConfiguration(CONFIG_SECTION);
    const { config, problems } = parseConfig((key) => {
      if (!ENGINE_DEFAULTED.test(key)) return section.get(key);
      const i = section.inspect(key);
      return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
    });
    for (const p of problems) this.log.warn(p);
    return config;
  }
}
