/**
 * One Disposable base for every owner of resources (the vscode-hexeditor pattern). It has no
 * `vscode` import so plain-Node code and tests can use it; `vscode.Disposable` fits `IDisposable`.
 */
export interface IDisposable {
  dispose(): unknown;
}

/** Disposes each item, continuing past failures so one bad resource cannot leak the rest. */
export function disposeAll(items: Iterable<IDisposable>): void {
  const errors: unknown[] = [];
  for (const item of items) {
    try {
      item.dispose();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'several resources failed to dispose');
}

export function toDisposable(fn: () => unknown): IDisposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
}

export abstract class Disposable implements IDisposable {
  private disposed = false;
  private readonly owned: IDisposable[] = [];

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  /** Takes ownership: `value` is disposed with this object (at once if this is already disposed). */
  protected register<T extends IDisposable>(value: T): T {
    if (this.disposed) {
      value.dispose();
    } else {
      this.owned.push(value);
    }
    return value;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Reverse order: later resources may depend on earlier ones.
    disposeAll(this.owned.splice(0).reverse());
  }
}

/** A tiny typed event emitter without `vscode`, so vscode-free models can expose events. */
export class Emitter<T> implements IDisposable {
  private listeners = new Set<(value: T) => void>();

  readonly event = (listener: (value: T) => void): IDisposable => {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  };

  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }

  dispose(): void {
    this.listeners.clear();
  }
}
