// Step logging for the end-to-end harness: every step says what it is doing, how long it took, and
// when it fails, names itself and the reason, so a CI log reads as a story.

const t0 = Date.now();

function stamp(): string {
  return `${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s`;
}

export function log(message: string): void {
  console.log(`[e2e ${stamp()}] ${message}`);
}

export class StepError extends Error {
  readonly code = 'E2E_STEP_FAILED';
  constructor(
    readonly step: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`step "${step}" failed: ${reason}`, options);
    this.name = 'StepError';
  }
}

function describe(err: unknown): string {
  if (err instanceof StepError) return err.reason;
  if (err instanceof Error) return err.message.split('\n').slice(0, 14).join('\n');
  return String(err);
}

/** Runs one named step: logs its start and end, and rethrows any failure as a StepError naming it. */
export async function step<T>(name: string, body: () => Promise<T>): Promise<T> {
  log(`▶ ${name}`);
  const start = Date.now();
  try {
    const result = await body();
    log(`✔ ${name} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
    return result;
  } catch (err) {
    const wrapped = err instanceof StepError && err.step === name ? err : new StepError(name, describe(err), { cause: err });
    log(`✘ ${wrapped.message}`);
    throw wrapped;
  }
}

/** Thrown from a `waitFor` probe to stop polling at once: the condition can no longer come true. */
export class Fatal extends Error {
  override readonly name = 'Fatal';
}

/** Polls `probe` until it returns a value other than undefined, or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      if (err instanceof Fatal) throw err;
      lastError = err;
    }
    if (Date.now() > deadline) {
      const detail = lastError ? ` (last error: ${describe(lastError)})` : '';
      throw new Error(`timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}${detail}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
