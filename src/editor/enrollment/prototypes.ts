/**
 * The user's enrollment on disk: globalStorage/prototypes.json, read and written through the
 * engine's PrototypeStore (versioned, tied to the model id, atomic writes). A file that cannot be
 * used is reported and left untouched; dictation then runs on the base model.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { PrototypeStore } from '../../enroll/store';
import { Disposable, Emitter } from '../../dispose';
import { DigitDictationError } from '../../errors';
import { runtime } from '../runtime';

export interface LoadedPrototypes {
  store: PrototypeStore | undefined;
  /** Why there are none, when that is worth telling the user (not for "never enrolled"). */
  problem?: string;
}

export class PrototypeFile extends Disposable {
  private readonly changeEmitter = this.register(new Emitter<void>());
  /** Fires after a save or a reset. */
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    private readonly storageDir: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
  }

  get path(): string {
    return join(this.storageDir, 'prototypes.json');
  }

  async load(modelId: string, embeddingDim: number): Promise<LoadedPrototypes> {
    const rt = await runtime();
    try {
      return { store: rt.PrototypeStore.load(this.path, modelId, embeddingDim) };
    } catch (err) {
      // No file, or one with no digit in it: not enrolled (nothing to report).
      if (err instanceof DigitDictationError && (err.code === 'PROTOTYPES_NOT_FOUND' || err.code === 'PROTOTYPES_EMPTY'))
        return { store: undefined };
      const problem = (err as Error).message;
      this.log.warn(`enrollment: ${problem}`);
      return { store: undefined, problem };
    }
  }

  save(store: PrototypeStore): void {
    mkdirSync(this.storageDir, { recursive: true });
    store.save(this.path);
    this.log.info(`enrollment: saved ${store.enrolled().length} digits for model ${store.modelId} to ${this.path}`);
    this.changeEmitter.fire();
  }

  reset(): void {
    rmSync(this.path, { force: true });
    this.log.info(`enrollment: removed ${this.path}`);
    this.changeEmitter.fire();
  }
}
