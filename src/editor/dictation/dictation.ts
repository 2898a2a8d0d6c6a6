/**
 * Dictation sessions: microphone → engine → typed digits, with the status bar and the panel kept
 * in step. Starting loads the runtime, the model and the microphone (never activation); stopping
 * releases the microphone and the engine. Settings apply live: decoder and VAD knobs go straight
 * to the running engine, a new microphone, VAD kind or model restarts the session.
 */
import * as vscode from 'vscode';
import type { AudioSource } from '../../audio/source';
import type { Decision, EngineState, Retraction } from '../../stream/types';
import { Disposable, Emitter } from '../../dispose';
import { DigitDictationError } from '../../errors';
import type { DictationStatus } from '../../shared/protocol';
import { effectiveMode, microphoneOptions, toEngineOptions } from '../settings/config';
import type { Configuration, ConfigChange } from '../settings/configuration';
import { loadRecognizer, type ModelProvider } from '../models';
import type { PanelHost } from '../panel/panel';
import type { PrototypeFile } from '../enrollment/prototypes';
import { runtime } from '../runtime';
import { Session } from './session';
import type { DictationStatusBar } from './statusBar';
import { Typist } from './typist';

export class DictationController extends Disposable {
  private session: Session | undefined;
  /** Serialises start/stop/restart so rapid toggles cannot open two microphones. */
  private queue: Promise<unknown> = Promise.resolve();
  private status: DictationStatus;
  private readonly typist = this.register(new Typist());
  /** Edits are applied one after another, in decision order. */
  private deliveries: Promise<void> = Promise.resolve();
  private readonly statusEmitter = this.register(new Emitter<DictationStatus>());
  readonly onDidChangeStatus = this.statusEmitter.event;

  constructor(
    private readonly config: Configuration,
    private readonly models: ModelProvider,
    private readonly prototypes: PrototypeFile,
    private readonly statusBar: DictationStatusBar,
    private readonly panel: PanelHost,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.status = { state: 'idle', microphone: config.config.microphone, mode: config.config.mode };
    this.publish();
    this.register(config.onDidChange((c) => this.onConfig(c)));
    this.register(prototypes.onDidChange(() => void this.serial(() => this.reloadPrototypes())));
    // Only the panel shows the "why", and occlusion saliency costs about half the engine's CPU
    // (npm run bench:stream: 293x real time with it, 614x without): compute it while it is seen.
    this.register(panel.onDidChangeVisibility((visible) => this.session?.engine.setOptions({ explain: visible })));
    this.register(
      vscode.window.onDidChangeActiveTextEditor((e) => {
        // A warning like "no editor" is stale once an editor is active again.
        if (e && this.status.detail && this.status.state !== 'error') this.setStatus({ detail: undefined });
      }),
    );
  }

  get isRunning(): boolean {
    return this.session !== undefined || this.status.state === 'starting';
  }

  get currentStatus(): DictationStatus {
    return this.status;
  }

  start(): Promise<void> {
    return this.serial(() => this.doStart());
  }

  stop(): Promise<void> {
    return this.serial(() => this.doStop());
  }

  toggle(): Promise<void> {
    return this.serial(() => (this.session ? this.doStop() : this.doStart()));
  }

  /** Stops, runs `fn` with the microphone free (enrollment), then resumes if dictation was on. */
  async whilePaused<T>(fn: () => Promise<T>): Promise<T> {
    const wasRunning = await this.serial(async () => {
      const was = this.session !== undefined;
      await this.doStop();
      return was;
    });
    try {
      return await fn();
    } finally {
      if (wasRunning && !this.isDisposed) void this.start();
    }
  }

  /** Restarts a running session (new model, microphone or VAD kind). */
  restart(): Promise<void> {
    return this.serial(async () => {
      if (!this.session) return;
      await this.doStop();
      await this.doStart();
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async doStart(): Promise<void> {
    if (this.session || this.isDisposed) return;
    const cfg = this.config.config;
    this.setStatus({ state: 'starting', microphone: cfg.microphone, mode: cfg.mode, detail: undefined });
    let source: AudioSource | undefined;
    let session: Session | undefined;
    try {
      const rt = await runtime();
      const { classifier, fallbackReason, store, problem } = await loadRecognizer(this.models, this.prototypes, cfg.model);
      const verifier = await this.models.verifier();
      // Fluent strings (digitDictation.fluentStrings, on by default): isolated words are decided as without them.
      const stringModel = cfg.fluentStrings ? await this.models.stringModel() : undefined;
      source = await rt.openMicrophone(microphoneOptions(cfg, classifier.meta.featureConfig.sampleRate));
      if (this.isDisposed) throw new DigitDictationError('DISPOSED', 'the extension is shutting down');
      const engine = new rt.DictationEngine(classifier, { ...toEngineOptions(cfg), explain: this.panel.isVisible }, rt.modeProbs);
      session = new Session(engine, source, classifier.meta.modelId, store !== undefined);
      engine.setPrototypes(store);
      engine.setVerifier(verifier);
      engine.setStringModel(stringModel);
      const stale = cfg.mode === 'adapted' && rt.staleStringHead(store?.stringHead, stringModel?.meta.modelId);
      if (stale) this.log.warn(`dictation: ${stale}`);
      this.wire(session);
      await engine.start(source);
      this.session = session;
      this.log.info(
        `dictation: listening on ${source.label} (model ${classifier.meta.modelId}, mode ${effectiveMode(cfg, session.hasPrototypes)}, fluent strings ${stringModel ? 'on' : 'off'})`,
      );
      this.setStatus({
        state: 'listening',
        mode: effectiveMode(cfg, session.hasPrototypes),
        detail: fallbackReason ?? (problem && cfg.mode !== 'base' ? `Enrollment not used: ${problem}` : undefined),
      });
    } catch (err) {
      if (session) session.close();
      else source?.stop();
      this.fail(err, 'Dictation could not start');
    }
  }

  private async doStop(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    this.typist.reset();
    if (s) {
      await s.stop((m) => this.log.warn(m));
      this.log.info('dictation: stopped, microphone released');
    }
    // Idle shows the configured mode; the effective one is known again at the next start.
    if (this.status.state !== 'error' || s) this.setStatus({ state: 'idle', mode: this.config.config.mode, detail: undefined });
  }

  private wire(s: Session): void {
    const { engine } = s;
    engine.on('state', (state: EngineState) => {
      if (this.session !== s) return;
      this.setStatus({ state: state === 'speech' ? 'speech' : state === 'listening' ? 'listening' : this.status.state });
    });
    engine.on('level', (level) => this.panel.postTransient({ type: 'level', level }));
    engine.on('hypothesis', (hypothesis) => this.panel.postTransient({ type: 'hypothesis', hypothesis }));
    engine.on('rejection', (rejection) => this.panel.post({ type: 'rejection', rejection }));
    engine.on('decision', (d) => {
      if (s.closed) return;
      this.deliveries = this.deliveries
        .then(() => this.deliver(d))
        .catch((err: unknown) => this.log.error(`typing: ${(err as Error).message}`));
    });
    // Queued behind the typing it undoes.
    engine.on('retraction', (r) => {
      if (s.closed) return;
      this.deliveries = this.deliveries
        .then(() => this.withdraw(r))
        .catch((err: unknown) => this.log.error(`withdrawing: ${(err as Error).message}`));
    });
    engine.on('error', (err) => {
      if (this.session !== s) return;
      this.session = undefined;
      s.close();
      this.fail(err, 'Dictation stopped');
    });
    engine.on('end', () => {
      // The microphone ended without stop(): treat as an error so the user knows why.
      if (this.session !== s) return;
      this.session = undefined;
      s.close();
      this.fail(new DigitDictationError('MIC_ENDED', 'the microphone stopped delivering audio'), 'Dictation stopped');
    });
  }

  private async deliver(decision: Decision): Promise<void> {
    const cfg = this.config.config;
    // The digits of one fluent string make one undo step: each after the first joins the edit before.
    const delivery = await this.typist.type(decision.digit, cfg.separator, cfg.typeIntoTerminal, (decision.stringIndex ?? 0) > 0);
    this.panel.post({ type: 'decision', entry: { decision, delivery } });
    if (delivery.target === 'none') {
      this.log.info(`dictation: ${delivery.reason}`);
      this.setStatus({ detail: delivery.reason });
    } else if (this.status.detail && this.status.state !== 'error') {
      this.setStatus({ detail: undefined });
    }
  }

  private async withdraw(r: Retraction): Promise<void> {
    const withdrawn = await this.typist.withdraw(r.reason, (r.decision.stringIndex ?? 0) > 0);
    this.log.info(`dictation: withdrew "${r.decision.digit}" (${r.reason})${withdrawn.removed ? '' : `; ${withdrawn.note}`}`);
    this.panel.post({ type: 'retraction', retraction: r, withdrawn });
  }

  private async reloadPrototypes(): Promise<void> {
    const s = this.session;
    if (!s) return;
    const { store } = await loadRecognizer(this.models, this.prototypes, this.config.config.model);
    s.engine.setPrototypes(store);
    s.hasPrototypes = store !== undefined;
    this.setStatus({ mode: effectiveMode(this.config.config, s.hasPrototypes) });
  }

  private onConfig(c: ConfigChange): void {
    const restartFor = ['microphone', 'model'] as const;
    const needsRestart = restartFor.some((k) => c.changed.has(k)) || c.config.vad.kind !== c.previous.vad.kind;
    if (c.changed.has('model')) this.models.release();
    const s = this.session;
    if (s && needsRestart) {
      void this.restart();
    } else if (s) {
      try {
        s.engine.setOptions(toEngineOptions(c.config));
      } catch (err) {
        this.log.warn(`settings: ${(err as Error).message}`);
      }
    }
    this.setStatus({ microphone: c.config.microphone, mode: effectiveMode(c.config, s ? s.hasPrototypes : true) });
  }

  private fail(err: unknown, what: string): void {
    const message = err instanceof Error ? err.message : String(err);
    const code = err instanceof DigitDictationError ? err.code : 'UNEXPECTED';
    this.log.error(`${what}: [${code}] ${message}`);
    if (!(err instanceof DigitDictationError) && err instanceof Error && err.stack) this.log.debug(err.stack);
    this.setStatus({ state: 'error', detail: `${what}: ${message}` });
    const actions = code.startsWith('MIC_') ? ['Select Microphone', 'Show Log'] : ['Show Log'];
    void vscode.window.showErrorMessage(`Digit Dictation: ${what}: ${message}`, ...actions).then((pick) => {
      if (pick === 'Select Microphone') void vscode.commands.executeCommand('digitDictation.selectMicrophone');
      if (pick === 'Show Log') this.log.show(true);
    });
  }

  private setStatus(patch: Partial<DictationStatus>): void {
    this.status = { ...this.status, ...patch };
    this.publish();
  }

  private publish(): void {
    this.statusBar.show(this.status);
    this.panel.post({ type: 'status', status: this.status });
    this.statusEmitter.fire(this.status);
  }

  override dispose(): void {
    this.session?.close();
    this.session = undefined;
    super.dispose();
  }
}
