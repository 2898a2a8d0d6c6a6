/** Enrollment: takes of each digit → embeddings → a prototype store. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_CLIP_SECONDS, readWav } from '../audio/wav';
import { DigitDictationError, PrototypeStoreError } from '../errors';
import { trimSilence, utteranceFeatures } from '../features/logmel';
import type { ClassifierLike } from '../model/types';
import { MAX_TAKES } from '../shared/constants';
import { PrototypeStore } from './store';

/**
 * The model's embedding of one spoken digit. Silence around the word is trimmed as for the
 * training clips, so a take recorded with generous margins embeds like the engine's segments.
 */
export async function embedUtterance(classifier: ClassifierLike, samples: Float32Array): Promise<Float32Array> {
  const cfg = classifier.meta.featureConfig;
  const { embedding } = await classifier.classify(utteranceFeatures(trimSilence(samples, cfg), cfg));
  return embedding;
}

export interface Take {
  digit: number;
  samples: Float32Array;
  /** Where it came from (file name), for messages. */
  name?: string;
}

/** Embeds every take and builds one prototype per digit from its latest MAX_TAKES takes. */
export async function buildPrototypes(classifier: ClassifierLike, takes: Take[], into?: PrototypeStore): Promise<PrototypeStore> {
  const store = into ?? new PrototypeStore(classifier.meta.modelId, classifier.meta.embeddingDim);
  const byDigit = new Map<number, Float32Array[]>();
  for (const t of takes) {
    const list = byDigit.get(t.digit) ?? [];
    list.push(await embedUtterance(classifier, t.samples));
    byDigit.set(t.digit, list);
  }
  for (const [digit, embs] of byDigit) store.setTakes(digit, embs);
  return store;
}

const TAKE_NAME = /^(\d)_([^_]+)_(\d+)\.wav$/i;

/**
 * Takes from a folder of WAVs named like FSDD (`{digit}_{name}_{take}.wav`), optionally for one
 * speaker, at most `perDigit` per digit (lowest take numbers first).
 */
export function takesFromDir(
  dir: string,
  sampleRate: number,
  options: { speaker?: string; perDigit?: number; onSkip?: (name: string, reason: string) => void } = {},
): Take[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new PrototypeStoreError(
      'ENROLL_DIR_UNREADABLE',
      `${dir}: cannot list the folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      { cause: err },
    );
  }
  const perDigit = options.perDigit ?? MAX_TAKES;
  const skip = options.onSkip ?? (() => undefined);
  for (const n of names.sort()) {
    if (!n.toLowerCase().endsWith('.wav') || TAKE_NAME.test(n)) continue;
    skip(n, /^10_/.test(n) ? 'label 10 is "not a digit"; enrollment takes are digits 0–9' : 'name is not {digit}_{name}_{take}.wav');
  }
  const found = names
    .map((n) => ({ n, m: TAKE_NAME.exec(n) }))
    .filter((x): x is { n: string; m: RegExpExecArray } => !!x.m && (!options.speaker || x.m[2] === options.speaker))
    .sort((a, b) => Number(a.m[3]) - Number(b.m[3]) || a.n.localeCompare(b.n));
  const count = new Map<number, number>();
  const takes: Take[] = [];
  for (const { n, m } of found) {
    const digit = Number(m[1]);
    if ((count.get(digit) ?? 0) >= perDigit) continue;
    let samples: Float32Array;
    try {
      samples = readWav(join(dir, n), sampleRate, { maxSeconds: MAX_CLIP_SECONDS }).samples;
    } catch (err) {
      if (!(err instanceof DigitDictationError)) throw err;
      // A damaged take is left out (and named); the next take of the digit, if any, stands in.
      skip(n, err.message);
      continue;
    }
    count.set(digit, (count.get(digit) ?? 0) + 1);
    takes.push({ digit, name: n, samples });
  }
  if (takes.length === 0) {
    throw new PrototypeStoreError('ENROLL_NO_TAKES', `${dir}: no takes named like "7_${options.speaker ?? 'name'}_0.wav" found`);
  }
  return takes;
}
