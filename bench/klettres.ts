/**
 * Real voices saying things that are not digits: KLettres' recordings (Debian package
 * klettres-data, GPL-2+), one native speaker per language reading its alphabet's letters and
 * short syllables or words, 44.1 kHz Ogg Vorbis. Nothing else here has real non-digit speech in
 * more than one voice (Asterisk's prompts are one woman).
 *
 * The languages are split once, before any model saw them (rule 98, docs/EXPERIMENTS.md):
 * - training: the verifier may learn these as "not a digit" (`tools/verifierData.ts --klettres`);
 * - dev: `bench:reject --klettres` chooses by them;
 * - English (US and GB speakers): reported only, by `bench:robust`.
 * The clips are Ogg Vorbis; callers read them with bench/soxRead.ts.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const KLETTRES_DIR = '/usr/share/klettres';
export const KLETTRES_INSTALL = 'node scripts/ensure-system-deps.js --real-prompts';

export const KLETTRES_SPLIT = {
  train: ['ar', 'cs', 'es', 'fr', 'he', 'hu', 'it', 'lt', 'ml', 'pt_BR', 'ru', 'tn', 'uk'],
  dev: ['da', 'de', 'nb', 'nds', 'nl'],
  reported: ['en', 'en_GB'],
} as const;

export type KlettresPart = keyof typeof KLETTRES_SPLIT;

export interface KlettresClip {
  path: string;
  language: string;
  kind: 'alpha' | 'syllab';
  /** The file's name: a letter, a syllable, or a number where the package numbers them. */
  name: string;
}

/**
 * Names that read as an English digit word ("tu", "for", the letter "o"): left out everywhere, since
 * such a syllable may well be heard as the digit, and a verifier must not learn to veto it. Files
 * named by number cannot be checked; `U006F`-style names are read as the character they code.
 */
const DIGIT_LIKE = new Set([
  'o',
  'oh',
  'ou',
  'tu',
  'to',
  'too',
  'two',
  'fo',
  'for',
  'four',
  'fai',
  'faiv',
  'sik',
  'siks',
  'seks',
  'sev',
  'eit',
  'ait',
  'nain',
  'nai',
  'won',
  'wan',
  'tri',
  'zero',
]);

export function readableName(file: string): string {
  const stem = file.replace(/\.ogg$/, '');
  const code = /^U([0-9A-F]{4})$/i.exec(stem);
  return (code ? String.fromCodePoint(parseInt(code[1], 16)) : stem).toLowerCase();
}

export const isDigitLike = (name: string): boolean => DIGIT_LIKE.has(name);

/** The clips of one part, sorted; undefined when the package is not installed. */
export function klettresClips(part: KlettresPart, dir = KLETTRES_DIR): KlettresClip[] | undefined {
  if (!existsSync(join(dir, 'en', 'alpha'))) return undefined;
  const clips: KlettresClip[] = [];
  for (const language of KLETTRES_SPLIT[part])
    for (const kind of ['alpha', 'syllab'] as const) {
      const d = join(dir, language, kind);
      if (!existsSync(d)) continue;
      for (const f of readdirSync(d)
        .filter((x) => x.endsWith('.ogg'))
        .sort()) {
        const name = readableName(f);
        if (!isDigitLike(name)) clips.push({ path: join(d, f), language, kind, name });
      }
    }
  return clips;
}
