/**
 * worker_threads entry (bundled to dist/trainWorker.js): runs training or evaluation off the
 * extension host's thread, so the editor stays responsive for the minutes a training run takes.
 * Input arrives as `workerData`; progress and the result go back over `parentPort`; the host
 * cancels by posting `{ type: 'cancel' }`, which aborts the trainer's signal.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DigitDictationError } from '../errors';
import { evaluate } from './evaluate';
import type { SplitName } from './dataset';
import { train } from './train';
import type { EpochMetrics, EvalReport, TrainOptions, TrainResult } from './types';

export type WorkerJob = { job: 'train'; options: TrainOptions } | { job: 'evaluate'; data: string; split: SplitName; modelPath?: string };

export type HostToWorker = { type: 'cancel' };

export type WorkerToHost =
  | { type: 'log'; line: string }
  | { type: 'progress'; epoch: number; done: number; total: number }
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'trained'; result: TrainResult }
  | { type: 'evaluated'; report: EvalReport & { modelId: string } }
  | { type: 'cancelled' }
  | { type: 'failed'; code: string; message: string };

function post(msg: WorkerToHost): void {
  parentPort?.postMessage(msg);
}

async function run(job: WorkerJob, signal: AbortSignal): Promise<void> {
  switch (job.job) {
    case 'train': {
      let lastProgress = 0;
      const result = await train(job.options, {
        signal,
        onLog: (line) => post({ type: 'log', line }),
        onEpoch: (metrics) => post({ type: 'epoch', metrics }),
        onProgress: (epoch, done, total) => {
          // At most ~10 messages a second: the host only redraws a progress bar.
          const now = Date.now();
          if (done < total && now - lastProgress < 100) return;
          lastProgress = now;
          post({ type: 'progress', epoch, done, total });
        },
      });
      post({ type: 'trained', result });
      return;
    }
    case 'evaluate': {
      post({ type: 'log', line: `evaluating ${job.modelPath ?? 'the bundled model'} on the ${job.split} split of ${job.data}` });
      const report = await evaluate(job.data, job.split, job.modelPath);
      post({ type: 'evaluated', report });
      return;
    }
  }
}

function main(): void {
  if (!parentPort) throw new Error('trainWorker must run in a worker thread');
  const controller = new AbortController();
  parentPort.on('message', (msg: HostToWorker) => {
    if (msg?.type === 'cancel') controller.abort();
  });
  run(workerData as WorkerJob, controller.signal)
    .catch((err: unknown) => {
      if (controller.signal.aborted) {
        post({ type: 'cancelled' });
      } else if (err instanceof DigitDictationError) {
        post({ type: 'failed', code: err.code, message: err.message });
      } else {
        post({ type: 'failed', code: 'TRAIN_FAILED', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      }
    })
    .finally(() => parentPort?.close());
}

main();
