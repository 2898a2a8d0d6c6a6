/**
 * "Train Model" and "Evaluate Model": pick an FSDD-layout folder, run the lead's trainer (or
 * evaluator) in a worker thread (dist/trainWorker.js) under a cancellable progress notification,
 * stream epochs to the panel's training view, install the model into globalStorage, evaluate it,
 * and offer to switch to it. The bundled model stays the default and the fallback.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { Disposable } from '../../dispose';
import type { TrainingView } from '../../shared/protocol';
import type { WorkerJob, WorkerToHost } from '../../train/worker';
import type { EvalReport, TrainResult } from '../../train/types';
import type { Configuration } from '../settings/configuration';
import type { DictationController } from '../dictation/dictation';
import type { ModelProvider } from '../models';
import type { PanelHost } from '../panel/panel';

/** Defaults of the CLI's `train` (src/cli/train.ts); epochs come from the settings. */
const TRAIN_DEFAULTS = { batchSize: 32, augment: true, seed: 1 };
const LAST_DATASET_KEY = 'digitDictation.lastDataset';
/** FSDD names: {digit}_{speaker}_{take}.wav */
const FSDD_NAME = /^\d_[^_]+_\d+\.wav$/i;

class JobCancelled extends Error {}

export class TrainingController extends Disposable {
  private view: TrainingView = { phase: 'idle', epochs: 0, history: [] };
  private worker: Worker | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly config: Configuration,
    private readonly models: ModelProvider,
    private readonly dictation: DictationController,
    private readonly panel: PanelHost,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
  }

  get initialView(): TrainingView {
    return this.view;
  }

  get busy(): boolean {
    return this.worker !== undefined;
  }

  cancel(): void {
    this.worker?.postMessage({ type: 'cancel' });
  }

  async train(): Promise<void> {
    if (this.busy) return this.alreadyRunning();
    const data = await this.pickDataset('Train on this folder');
    if (!data) return;
    const staging = join(this.storageDir, 'models', 'staging');
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const epochs = this.config.config.training.epochs;
    this.update({
      phase: 'running',
      dataset: data,
      epochs,
      history: [],
      progress: undefined,
      evaluation: undefined,
      modelPath: undefined,
      message: undefined,
    });
    this.panel.show('training');
    let result: TrainResult;
    try {
      result = await this.runJob(`Training on ${data}`, { job: 'train', options: { ...TRAIN_DEFAULTS, epochs, data, out: staging } });
    } catch (err) {
      return this.jobFailed(err, 'Training');
    }
    // Install: move the staged model over the previous trained one only once it is complete.
    const target = this.models.trainedModelPath;
    const targetDir = join(target, '..');
    rmSync(targetDir, { recursive: true, force: true });
    mkdirSync(join(targetDir, '..'), { recursive: true });
    renameSync(staging, targetDir);
    this.log.info(
      `training: installed ${target} (best epoch ${result.best.epoch}, test accuracy ${(result.best.testAccuracy * 100).toFixed(1)}%)`,
    );
    this.update({ phase: 'evaluating', modelPath: target, message: 'Evaluating the new model on the test split…' });
    let report: EvalReport;
    try {
      report = await this.runJob('Evaluating the trained model', { job: 'evaluate', data, split: 'test', modelPath: target });
    } catch (err) {
      return this.jobFailed(err, 'Evaluation');
    }
    const summary = `accuracy ${(report.accuracy * 100).toFixed(1)}%, macro-F1 ${(report.macroF1 * 100).toFixed(1)}% on ${report.n} test recordings`;
    this.update({
      phase: 'done',
      evaluation: { accuracy: report.accuracy, macroF1: report.macroF1, confusion: report.confusion, n: report.n },
      message: `Trained model: ${summary}.`,
    });
    if (this.config.config.model === 'trained') {
      this.models.release();
      await this.dictation.restart();
      void vscode.window.showInformationMessage(`Digit Dictation: the trained model (${summary}) is now in use.`);
      return;
    }
    const pick = await vscode.window.showInformationMessage(
      `Digit Dictation: training finished — ${summary}. Switch to the trained model?`,
      'Use Trained Model',
      'Keep Bundled Model',
    );
    if (pick === 'Use Trained Model') await this.config.update('model', 'trained');
  }

  async evaluate(): Promise<void> {
    if (this.busy) return this.alreadyRunning();
    const data = await this.pickDataset('Evaluate on this folder');
    if (!data) return;
    const trained = this.config.config.model === 'trained' && existsSync(this.models.trainedModelPath);
    const modelPath = trained ? this.models.trainedModelPath : undefined;
    const split = (
      await vscode.window.showQuickPick(
        [
          { label: 'test', description: 'takes 0–4 of each speaker (held out from training)' },
          { label: 'all', description: 'every recording in the folder (for your own recordings)' },
        ],
        { title: 'Evaluate on which recordings?' },
      )
    )?.label as 'test' | 'all' | undefined;
    if (!split) return;
    this.update({
      phase: 'evaluating',
      dataset: data,
      modelPath: modelPath ?? 'bundled model',
      message: undefined,
      evaluation: undefined,
      progress: undefined,
    });
    this.panel.show('training');
    try {
      const report = await this.runJob(`Evaluating the ${trained ? 'trained' : 'bundled'} model`, {
        job: 'evaluate',
        data,
        split,
        modelPath,
      });
      const summary = `accuracy ${(report.accuracy * 100).toFixed(1)}%, macro-F1 ${(report.macroF1 * 100).toFixed(1)}% on ${report.n} recordings`;
      this.update({
        phase: 'done',
        evaluation: { accuracy: report.accuracy, macroF1: report.macroF1, confusion: report.confusion, n: report.n },
        message: `${trained ? 'Trained' : 'Bundled'} model: ${summary}.`,
      });
      void vscode.window.showInformationMessage(`Digit Dictation: ${trained ? 'trained' : 'bundled'} model — ${summary}.`);
    } catch (err) {
      this.jobFailed(err, 'Evaluation');
    }
  }

  private get storageDir(): string {
    return this.context.globalStorageUri.fsPath;
  }

  private alreadyRunning(): void {
    this.panel.show('training');
    void vscode.window.showInformationMessage('Digit Dictation: a training or evaluation run is already going; cancel it first.');
  }

  private async pickDataset(openLabel: string): Promise<string | undefined> {
    const last = this.context.globalState.get<string>(LAST_DATASET_KEY);
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      openLabel,
      title: 'Dataset folder with {digit}_{speaker}_{take}.wav recordings (FSDD layout)',
      defaultUri: last && existsSync(last) ? vscode.Uri.file(last) : undefined,
    });
    const dir = picked?.[0]?.fsPath;
    if (!dir) return undefined;
    let count = 0;
    try {
      count = readdirSync(dir).filter((f) => FSDD_NAME.test(f)).length;
    } catch (err) {
      void vscode.window.showErrorMessage(`Digit Dictation: cannot read ${dir}: ${(err as Error).message}`);
      return undefined;
    }
    if (count === 0) {
      void vscode.window.showErrorMessage(
        `Digit Dictation: ${dir} holds no recordings named like "7_jackson_12.wav" (digit_speaker_take.wav). Pick the FSDD "recordings" folder or one laid out the same way.`,
      );
      return undefined;
    }
    await this.context.globalState.update(LAST_DATASET_KEY, dir);
    return dir;
  }

  private runJob(title: string, job: Extract<WorkerJob, { job: 'train' }>): Promise<TrainResult>;
  private runJob(title: string, job: Extract<WorkerJob, { job: 'evaluate' }>): Promise<EvalReport>;
  private runJob(title: string, job: WorkerJob): Promise<TrainResult | EvalReport> {
    return Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Digit Dictation: ${title}`, cancellable: true },
        (progress, token) =>
          new Promise<TrainResult | EvalReport>((resolve, reject) => {
            const worker = new Worker(join(this.context.extensionPath, 'dist', 'trainWorker.js'), { workerData: job });
            this.worker = worker;
            let settled = false;
            let reported = 0;
            const finish = (fn: () => void) => {
              if (settled) return;
              settled = true;
              sub.dispose();
              clearTimeout(killTimer);
              fn();
            };
            let killTimer: NodeJS.Timeout | undefined;
            const sub = token.onCancellationRequested(() => {
              this.log.info(`${title}: cancel requested`);
              worker.postMessage({ type: 'cancel' });
              // The trainer sees the cancel only when it awaits (its compute is synchronous); a worker that
              // has not stopped within 2 s is terminated — nothing is lost, the staged model is discarded.
              killTimer = setTimeout(() => void worker.terminate(), 2_000);
            });
            worker.on('message', (msg: WorkerToHost) => {
              switch (msg.type) {
                case 'log':
                  this.log.info(`worker: ${msg.line}`);
                  break;
                case 'progress':
                  this.update({ progress: { epoch: msg.epoch, done: msg.done, total: msg.total } });
                  if (msg.epoch === 0) progress.report({ message: `features ${msg.done}/${msg.total}` });
                  break;
                case 'epoch': {
                  const m = msg.metrics;
                  this.update({ epochs: m.epochs, history: [...this.view.history, m] });
                  const pct = (100 * m.epoch) / m.epochs;
                  progress.report({
                    increment: pct - reported,
                    message: `epoch ${m.epoch}/${m.epochs}: test accuracy ${(m.testAccuracy * 100).toFixed(1)}%`,
                  });
                  reported = pct;
                  break;
                }
                case 'trained':
                  finish(() => resolve(msg.result));
                  break;
                case 'evaluated':
                  finish(() => resolve(msg.report));
                  break;
                case 'cancelled':
                  finish(() => reject(new JobCancelled()));
                  break;
                case 'failed':
                  finish(() => reject(Object.assign(new Error(msg.message), { code: msg.code })));
                  break;
              }
            });
            worker.on('error', (err) => finish(() => reject(err)));
            worker.on('exit', (code) => {
              if (this.worker === worker) this.worker = undefined;
              finish(() =>
                reject(token.isCancellationRequested ? new JobCancelled() : new Error(`the worker exited (code ${code}) before finishing`)),
              );
            });
          }),
      ),
    );
  }

  private jobFailed(err: unknown, what: string): void {
    if (err instanceof JobCancelled) {
      this.update({ phase: 'cancelled', message: `${what} cancelled; the model in use is unchanged.` });
      return;
    }
    const message = (err as Error).message;
    this.log.error(`${what} failed: ${message}`);
    this.update({ phase: 'error', message: `${what} failed: ${message}` });
    void vscode.window.showErrorMessage(`Digit Dictation: ${what} failed: ${message}`);
  }

  private update(patch: Partial<TrainingView>): void {
    this.view = { ...this.view, ...patch };
    this.panel.post({ type: 'training', training: this.view });
  }

  override dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
    super.dispose();
  }
}
