/**
 * The enrollment flow: prompts each digit, records `enrollment.takes` takes of it from the
 * microphone (one VAD-segmented utterance per take, via the engine's recorder), embeds each take
 * with the current model, shows per-digit quality (mean cosine similarity between the takes); once
 * all takes are in, adapts a head to the voice and checks each take against the others
 * (enroll/review.ts: which disagree, and before → after on takes held out), lets the user redo any
 * take, and saves prototypes and head to globalStorage. Dictation is paused meanwhile.
 */
import * as vscode from 'vscode';
import type { AudioSource } from '../../audio/source';
import type { Classifier } from '../../model/classifier';
import { Disposable } from '../../dispose';
import { DigitDictationError } from '../../errors';
import type { Enrollment } from '../../enroll/review';
import type { DigitEnrollmentView, EnrollmentView, TakeView } from '../../shared/protocol';
import { argmax } from '../../model/types';
import { microphoneOptions, toEngineOptions } from '../settings/config';
import type { Configuration } from '../settings/configuration';
import type { DictationController } from '../dictation/dictation';
import { loadRecognizer, type ModelProvider } from '../models';
import type { PanelHost } from '../panel/panel';
import type { PrototypeFile } from './prototypes';
import { Runtime, runtime } from '../runtime';

/** Time the prompt shows before the microphone opens, so a person can read it. */
const PROMPT_MS = 500;
/** Pause after a take so the "got it" state is seen before the next prompt. */
const AFTER_TAKE_MS = 400;
/** How long to wait for a word before the take fails. */
const TAKE_TIMEOUT_MS = 8000;
/** Consecutive failed takes before the flow stops and waits for the user. */
const MAX_FAILURES = 2;
/** Below this probability for the prompted digit the take is kept but flagged. */
const DOUBTFUL_CONFIDENCE = 0.3;

interface Take {
  embedding: Float32Array;
  /** The recorded utterance: the adapted head learns from it. */
  samples: Float32Array;
  view: TakeView;
}

class Cancelled extends Error {}

export class EnrollmentController extends Disposable {
  private takes: Array<Array<Take | undefined>> = [];
  private view: EnrollmentView;
  private running: Promise<void> | undefined;
  private cancelled = false;
  private source: AudioSource | undefined;
  private sessionModelId: string | undefined;
  /** Prototypes, head and check for the takes as they are now (cleared when a take changes). */
  private adapted: Enrollment | undefined;

  constructor(
    private readonly config: Configuration,
    private readonly models: ModelProvider,
    private readonly prototypes: PrototypeFile,
    private readonly dictation: DictationController,
    private readonly panel: PanelHost,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.view = this.emptyView(config.config.enrollment.takes, false);
    this.register(prototypes.onDidChange(() => void this.refreshEnrolled()));
    this.register(
      config.onDidChange((c) => {
        // A new take count starts a fresh enrollment (one being recorded keeps its count).
        if (!c.changed.has('enrollment') || this.running) return;
        this.takes = [];
        this.adapted = undefined;
        this.view = this.emptyView(c.config.enrollment.takes, this.view.enrolled);
        this.update({});
      }),
    );
  }

  get initialView(): EnrollmentView {
    return this.view;
  }

  /** Checks whether prototypes exist for the current model (panel's "enrolled" line). */
  async refreshEnrolled(): Promise<void> {
    try {
      const { store } = await loadRecognizer(this.models, this.prototypes, this.config.config.model);
      this.update({ enrolled: store !== undefined });
    } catch {
      // The model or runtime cannot load: dictation reports that when started.
    }
  }

  /** Starts a fresh enrollment, or resumes an interrupted one at its first missing take. */
  start(): void {
    if (this.running) return;
    const takes = this.config.config.enrollment.takes;
    const resumable = this.view.phase === 'error' && this.takes.some((d) => d.some(Boolean)) && this.takes[0]?.length === takes;
    if (!resumable) {
      this.adapted = undefined;
      this.takes = Array.from({ length: 10 }, () => Array<Take | undefined>(takes).fill(undefined));
      this.view = this.emptyView(takes, this.view.enrolled);
    }
    this.run(async (rt, classifier) => {
      let failures = 0;
      for (let digit = 0; digit < 10; digit++) {
        for (let take = 1; take <= takes; take++) {
          if (this.takes[digit][take - 1]) continue;
          const ok = await this.recordTake(rt, classifier, digit, take);
          failures = ok ? 0 : failures + 1;
          if (failures >= MAX_FAILURES) {
            this.update({
              phase: 'error',
              message: `No word was heard for "${digit}" twice. Check the microphone and its level, then press Start to continue where you left off.`,
            });
            return;
          }
          if (!ok) take--; // ask again for the same take
        }
      }
      this.update({ digit: 9, take: takes, takeState: 'done' });
      await this.check(rt, classifier);
    });
  }

  redo(digit: number, take: number): void {
    if (this.running || take > this.view.takesPerDigit || !this.takes[digit]) return;
    this.run(async (rt, classifier) => {
      await this.recordTake(rt, classifier, digit, take);
      const complete = this.takes.every((d) => d.every(Boolean));
      if (complete) await this.check(rt, classifier, `Take ${take} of "${digit}" recorded again. `);
      else this.update({ phase: 'error', message: `Take ${take} of "${digit}" failed; redo it or press Start to continue.` });
    });
  }

  cancel(): void {
    this.cancelled = true;
    this.source?.stop();
  }

  async save(): Promise<void> {
    if (this.running || this.view.phase !== 'review') return;
    this.update({ phase: 'saving', message: 'Saving…' });
    try {
      const rt = await runtime();
      const { classifier } = await this.models.get(this.config.config.model);
      if (classifier.meta.modelId !== this.sessionModelId) {
        throw new DigitDictationError(
          'ENROLL_MODEL_CHANGED',
          'the model changed while you were enrolling; enroll again so the prototypes match it',
        );
      }
      const store = this.adapted?.store ?? new rt.PrototypeStore(classifier.meta.modelId, classifier.meta.embeddingDim);
      if (!this.adapted) {
        this.takes.forEach((takes, digit) =>
          store.setTakes(
            digit,
            takes.filter((t): t is Take => !!t).map((t) => t.embedding),
          ),
        );
      }
      this.prototypes.save(store);
      this.update({ phase: 'saved', enrolled: true, message: undefined });
      void vscode.window.showInformationMessage(
        `Digit Dictation: your voice is enrolled (${this.config.config.mode === 'base' ? 'set "digitDictation.mode" to adapted to use it' : `used in ${this.config.config.mode} mode`}).`,
      );
    } catch (err) {
      this.log.error(`enrollment: save failed: ${(err as Error).message}`);
      this.update({ phase: 'review', message: `Could not save: ${(err as Error).message}` });
    }
  }

  async reset(): Promise<void> {
    const pick = await vscode.window.showWarningMessage(
      'Reset enrollment? Your saved voice prototypes are deleted; dictation uses the base model until you enroll again.',
      { modal: true },
      'Reset',
    );
    if (pick !== 'Reset') return;
    this.cancel();
    await this.running;
    this.prototypes.reset();
    this.takes = [];
    this.adapted = undefined;
    this.view = this.emptyView(this.config.config.enrollment.takes, false);
    this.update({ message: 'Enrollment reset.' });
  }

  private run(body: (rt: Runtime, classifier: Classifier) => Promise<void>): void {
    this.cancelled = false;
    this.running = this.dictation
      .whilePaused(async () => {
        this.update({ phase: 'running', message: undefined });
        const rt = await runtime();
        const { classifier } = await this.models.get(this.config.config.model);
        if (this.sessionModelId && this.sessionModelId !== classifier.meta.modelId && this.takes.some((d) => d.some(Boolean))) {
          throw new DigitDictationError(
            'ENROLL_MODEL_CHANGED',
            'the model changed since these takes were recorded; start enrollment again',
          );
        }
        this.sessionModelId = classifier.meta.modelId;
        await body(rt, classifier);
      })
      .catch((err: unknown) => {
        if (err instanceof Cancelled || this.cancelled) {
          this.update({
            phase: this.takes.some((d) => d.some(Boolean)) ? 'error' : 'idle',
            takeState: 'waiting',
            message: 'Enrollment cancelled. Press Start to continue where you left off.',
          });
          return;
        }
        const message = err instanceof Error ? err.message : String(err);
        this.log.error(`enrollment: ${message}`);
        this.update({ phase: 'error', message: `Enrollment stopped: ${message}` });
        void vscode.window.showErrorMessage(`Digit Dictation: enrollment stopped: ${message}`);
      })
      .finally(() => {
        this.running = undefined;
        this.source = undefined;
      });
  }

  /** Records one take. Returns false when no usable word was heard (the take is marked failed). */
  private async recordTake(rt: Runtime, classifier: Classifier, digit: number, take: number): Promise<boolean> {
    this.setTake(digit, take, { state: 'empty' });
    this.update({ digit, take, takeState: 'waiting' });
    await this.pause(PROMPT_MS);
    const source = await rt.openMicrophone(microphoneOptions(this.config.config, classifier.meta.featureConfig.sampleRate));
    this.source = source;
    if (this.cancelled) {
      source.stop();
      throw new Cancelled();
    }
    // The microphone delivers audio from here on: "recording" means the take is being captured.
    this.setTake(digit, take, { state: 'recording' });
    this.update({ takeState: 'recording' });
    let recorded;
    try {
      recorded = await rt.recordUtterance(source, toEngineOptions(this.config.config), TAKE_TIMEOUT_MS, classifier.meta.featureConfig);
    } catch (err) {
      if (this.cancelled) throw new Cancelled();
      if (err instanceof DigitDictationError && (err.code === 'ENROLL_TIMEOUT' || err.code === 'ENROLL_NO_SPEECH')) {
        this.setTake(digit, take, { state: 'failed', message: err.message });
        this.update({ takeState: 'waiting', message: `Take ${take} of "${digit}": ${err.message}` });
        return false;
      }
      throw err;
    } finally {
      source.stop();
      this.source = undefined;
    }
    const { probs, embedding } = await classifier.classify(rt.utteranceFeatures(recorded.samples));
    const confidence = probs[digit];
    const heard = argmax(probs);
    const view: TakeView = {
      state: 'done',
      durationMs: Math.round(recorded.endMs - recorded.startMs),
      confidence,
      message: confidence < DOUBTFUL_CONFIDENCE ? `sounded like "${heard}" to the model; redo it if you said something else` : undefined,
    };
    this.takes[digit][take - 1] = { embedding, samples: recorded.samples, view };
    this.adapted = undefined;
    this.view.check = undefined;
    this.setTake(digit, take, view);
    this.updateQuality(rt, digit);
    this.update({ takeState: 'done', message: view.message ? `Take ${take} of "${digit}" ${view.message}.` : undefined });
    this.log.info(`enrollment: digit ${digit} take ${take}: ${view.durationMs} ms, p(${digit}) = ${confidence.toFixed(2)}`);
    await this.pause(AFTER_TAKE_MS);
    return true;
  }

  /**
   * Adapts a head to the takes and checks each take against the others: takes that disagree are
   * marked (redo them), and the panel shows before → after on takes held out.
   */
  private async check(rt: Runtime, classifier: Classifier, prefix = ''): Promise<void> {
    this.update({ phase: 'checking', message: `${prefix}Adapting to your voice and checking your takes…` });
    const where: Array<{ digit: number; take: number }> = [];
    const takes = this.takes.flatMap((ts, digit) =>
      ts.flatMap((t, i) => {
        if (!t) return [];
        where.push({ digit, take: i + 1 });
        return [{ digit, samples: t.samples }];
      }),
    );
    // The string model is adapted too, as dictation will use it (digitDictation.fluentStrings).
    const stringModel = this.config.config.fluentStrings ? await this.models.stringModel() : undefined;
    const enrollment = await rt.enrollTakes(
      classifier,
      takes,
      rt.verifierLogOdds(await this.models.verifier()),
      undefined,
      stringModel && { model: stringModel },
    );
    if (this.cancelled) throw new Cancelled();
    this.adapted = enrollment;
    const { check } = enrollment;
    for (const c of check.takes) {
      const { digit, take } = where[c.take];
      const view = this.view.digits[digit].takes[take - 1];
      // A take with no other take of its digit cannot be judged by the others (one take per digit):
      // the check's head has never heard that digit, so its "heard as" says nothing about the take.
      const disagrees = c.judged && c.after !== c.digit;
      this.setTake(digit, take, {
        ...view,
        heardAs: disagrees ? c.after : undefined,
        message: disagrees ? rt.disagreement(c) : view.message,
      });
    }
    const odd = check.disagreeing.map((c) => `take ${where[c.take].take} of "${c.digit}"`);
    this.log.info(
      `enrollment: ${rt.checkSummary(check)}; adapted in ${enrollment.adaptSeconds.toFixed(1)} s; disagreeing: ${odd.join(', ') || 'none'}${enrollment.stringAdaptation ? `; ${rt.stringAdaptationSummary(enrollment.stringAdaptation)}` : ''}`,
    );
    this.update({
      phase: 'review',
      check: {
        takes: check.judged,
        before: check.before,
        after: check.after,
        seconds: enrollment.adaptSeconds,
        ...(enrollment.stringAdaptation && {
          strings: {
            digits: enrollment.stringAdaptation.digits,
            before: enrollment.stringAdaptation.errorsBefore,
            after: enrollment.stringAdaptation.errorsAfter,
          },
        }),
      },
      message:
        prefix +
        (odd.length
          ? `${odd.length === 1 ? 'One take disagrees' : `${odd.length} takes disagree`} with the rest (marked): ${odd.join(', ')}. Redo ${odd.length === 1 ? 'it' : 'them'}, or Save.`
          : check.judged === 0
            ? 'All takes recorded; with one take per digit they cannot be checked against each other. Save to use them.'
            : 'All takes agree with each other. Save to use them.'),
    });
  }

  private updateQuality(rt: Runtime, digit: number): void {
    const es = this.takes[digit].filter((t): t is Take => !!t).map((t) => t.embedding);
    this.view.digits[digit] = { ...this.view.digits[digit], quality: rt.pairwiseQuality(es) };
  }

  private setTake(digit: number, take: number, view: TakeView): void {
    const d = this.view.digits[digit];
    const takes = d.takes.slice();
    takes[take - 1] = view;
    this.view.digits[digit] = { ...d, takes };
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve, reject) => setTimeout(() => (this.cancelled ? reject(new Cancelled()) : resolve()), ms));
  }

  private emptyView(takesPerDigit: number, enrolled: boolean): EnrollmentView {
    const digits: DigitEnrollmentView[] = Array.from({ length: 10 }, (_, digit) => ({
      digit,
      takes: Array.from({ length: takesPerDigit }, () => ({ state: 'empty' as const })),
      quality: null,
    }));
    return { phase: 'idle', takesPerDigit, digit: 0, take: 1, takeState: 'waiting', digits, enrolled };
  }

  private update(patch: Partial<EnrollmentView>): void {
    this.view = { ...this.view, ...patch };
    this.panel.post({ type: 'enrollment', enrollment: this.view });
  }

  override dispose(): void {
    this.cancel();
    super.dispose();
  }
}
