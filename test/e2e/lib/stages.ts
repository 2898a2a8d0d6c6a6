// node:test stages that run in order, each needing named earlier stages to have passed: a failure
// fails its own test with the step's name and reason, and the stages that depend on it report
// "skipped" with the reason instead of piling up follow-on errors.

import { test } from 'node:test';
import { step } from './log';

const passedStages = new Set<string>();
const failed = new Set<string>();

export function stage(name: string, opts: { timeoutMs: number; needs?: string[] }, body: () => Promise<void>): void {
  test(name, { timeout: opts.timeoutMs }, async (t) => {
    const missing = (opts.needs ?? []).filter((n) => !passedStages.has(n));
    if (missing.length) {
      t.skip(`needs "${missing.join('", "')}", which did not pass`);
      return;
    }
    // Marked failed up front, so a stage that node:test times out still counts as failed.
    failed.add(name);
    await step(name, body);
    failed.delete(name);
    passedStages.add(name);
  });
}

export function passed(name: string): boolean {
  return passedStages.has(name);
}

export function anyFailed(): boolean {
  return failed.size > 0;
}
