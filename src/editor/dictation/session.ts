/**
 * One dictation session: the engine and the microphone it hears, opened together and closed
 * together. Every way a session ends (stop, the engine's error or end, the extension's dispose, a
 * failed start) goes through `close()`, so neither the device nor the engine can be left behind.
 */
import type { AudioSource } from '../../audio/source';
import type { DictationEngine } from '../../stream/engine';

export class Session {
  private isClosed = false;

  constructor(
    readonly engine: DictationEngine,
    readonly source: AudioSource,
    readonly modelId: string,
    public hasPrototypes: boolean,
  ) {}

  /** Set once the session is closing; decisions made while stopping (the last word) still count. */
  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Stops the engine first, so a word being spoken is still decided, then closes. An engine that
   * fails to stop is reported through `warn` and closed all the same.
   */
  async stop(warn: (message: string) => void): Promise<void> {
    if (this.isClosed) return;
    try {
      await this.engine.stop();
    } catch (err) {
      warn(`dictation: stop: ${(err as Error).message}`);
    }
    this.close();
  }

  /** Releases the engine and the microphone now. Idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.engine.dispose();
    this.source.stop();
  }
}
