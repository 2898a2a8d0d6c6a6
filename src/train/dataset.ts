import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_CLIP_SECONDS, readWav } from '../audio/wav';
import { FEATURE_CONFIG, FeatureConfig } from '../features/config';
import { trimSilence } from '../features/logmel';
import { DatasetError, DigitDictationError } from '../errors';
import { OTHER_LABEL } from '../model/meta';

export interface Clip {
  file: string;
  digit: number;
  speaker: string;
  take: number;
  /** Mono samples at the feature sample rate, leading/trailing silence trimmed. */
  samples: Float32Array;
}

export interface Skipped {
  count: number;
  /** Names of the skipped files (the first MAX_LISTED), each with its reason at the same index. */
  examples: string[];
  reasons: string[];
  /** Files labelled 10 ("not a digit") that were left out because only ten labels were asked for. */
  otherLabel?: number;
}

/** Skipped files listed by name; beyond this only counted (a folder of 10,000 stray files must not flood the terminal). */
export const MAX_LISTED = 200;

export interface LoadOptions {
  /** 10: digits only, files labelled 10 are skipped and counted; 11: label 10 is "other" (an eleven-class verifier). */
  labels?: 10 | 11;
}

const NAME = /^(\d|10)_([A-Za-z0-9-]+)_(\d+)\.wav$/i;

/**
 * Parses `{digit}_{speaker}_{take}.wav` (digit 0–9, or 10 = OTHER_LABEL for "other": data that
 * trains an eleven-class verifier, never the digit model); undefined when the name does not fit.
 */
export function parseClipName(file: string): { digit: number; speaker: string; take: number } | undefined {
  const m = NAME.exec(file);
  return m ? { digit: Number(m[1]), speaker: m[2], take: Number(m[3]) } : undefined;
}

/**
 * Loads every `{digit}_{speaker}_{take}.wav` in `dir` (or those `keep` accepts, decided from the
 * name before the file is read). Files that do not fit the name or are not valid PCM WAV are
 * skipped and reported (count and first few), never fatal.
 */
export function loadClips(
  dir: string,
  cfg: FeatureConfig = FEATURE_CONFIG,
  keep: (c: { digit: number; speaker: string; take: number }) => boolean = () => true,
  options: LoadOptions = {},
): { clips: Clip[]; skipped: Skipped } {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    throw new DatasetError(
      'DATASET_NOT_FOUND',
      `${dir}: cannot read the dataset folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      {
        cause: err,
      },
    );
  }
  const clips: Clip[] = [];
  const skipped: Skipped = { count: 0, examples: [], reasons: [], otherLabel: 0 };
  const skip = (name: string, reason: string) => {
    skipped.count++;
    if (skipped.examples.length < MAX_LISTED) {
      skipped.examples.push(name);
      skipped.reasons.push(reason);
    }
  };
  for (const name of names) {
    if (!name.toLowerCase().endsWith('.wav')) continue;
    const parsed = parseClipName(name);
    if (!parsed) {
      skip(name, 'name is not {digit}_{speaker}_{take}.wav');
      continue;
    }
    if (!keep(parsed)) continue;
    if (parsed.digit === OTHER_LABEL && (options.labels ?? 10) === 10) {
      skipped.otherLabel!++;
      skip(name, 'label 10 means "not a digit", for an eleven-class verifier: pass --labels 11 to use it');
      continue;
    }
    try {
      const audio = readWav(join(dir, name), cfg.sampleRate, { maxSeconds: MAX_CLIP_SECONDS });
      clips.push({ file: name, ...parsed, samples: trimSilence(audio.samples, cfg) });
    } catch (err) {
      if (!(err instanceof DigitDictationError)) throw err;
      skip(name, err.message);
    }
  }
  if (clips.length === 0) {
    throw new DatasetError(
      'DATASET_EMPTY',
      `${dir}: no usable {digit}_{speaker}_{take}.wav files (${skipped.count} skipped${
        skipped.examples.length
          ? `, e.g. ${skipped.examples
              .slice(0, 3)
              .map((e, i) => `${e}: ${skipped.reasons[i]}`)
              .join('; ')}`
          : ''
      })`,
    );
  }
  return { clips, skipped };
}

export function describeSkipped(s: Skipped): string | undefined {
  if (s.count === 0) return undefined;
  const lines = s.examples.map((e, i) => `  ${e}: ${s.reasons[i] ?? 'unusable'}`);
  if (s.count > s.examples.length) lines.push(`  … and ${s.count - s.examples.length} more`);
  return `skipped ${s.count} file(s):\n${lines.join('\n')}`;
}

export type SplitName = 'train' | 'val' | 'test' | 'all';

/**
 * FSDD's official split: takes 0–4 test, 5–49 train. Checkpoints are chosen on a validation
 * slice carved from the training takes (5–9), never on the test split, so the reported test
 * figure is not tuned on. With `loso`, the held-out speaker is the test set and takes 0–4 of the
 * other speakers are validation.
 */
export function splitOf(clip: Pick<Clip, 'take' | 'speaker'>, loso?: string): Exclude<SplitName, 'all'> {
  if (loso) {
    if (clip.speaker === loso) return 'test';
    return clip.take <= 4 ? 'val' : 'train';
  }
  if (clip.take <= 4) return 'test';
  return clip.take <= 9 ? 'val' : 'train';
}

export function selectSplit(clips: Clip[], split: SplitName, loso?: string): Clip[] {
  if (split === 'all') return clips;
  // Evaluation's "train" means every non-test take (FSDD's training set), validation included.
  if (split === 'train') return clips.filter((c) => splitOf(c, loso) !== 'test');
  return clips.filter((c) => splitOf(c, loso) === split);
}
