/**
 * Real recordings with transcripts from PocketSphinx's test data (Debian package
 * pocketsphinx-testdata, BSD-2, Carnegie Mellon University): the only real connected digits here.
 * - tidigits/: one TIDIGITS utterance, a man saying a digit string fluently; its file name is the
 *   transcript (`dhd.2934z` is "two nine three four zero"; TIDIGITS writes zero "z" and oh "o").
 * - cards/: five phrases naming playing cards ("eight of spades four of clubs seven of hearts"):
 *   digits inside ordinary speech, and "ten", which is not a digit.
 * - librivox/: five sentences read from an audiobook, no digit in them.
 * No model here trains on any of them; bench:strings reports them and chooses nothing by them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIGIT_WORDS } from '../src/shared/constants';
import { readWithSox } from './soxRead';

export const POCKETSPHINX_DIR = '/usr/share/pocketsphinx/test/data';
export const POCKETSPHINX_INSTALL = 'node scripts/ensure-system-deps.js --real-prompts';

export interface RealUtterance {
  path: string;
  /** What is said, in words. */
  text: string;
  /** The digits a user saying it wants typed ("oh" is zero). */
  digits: number[];
  /** Headerless 16 kHz PCM (TIDIGITS) rather than WAV. */
  raw: boolean;
}

const TIDIGITS_CODES: Record<string, number> = { z: 0, o: 0 };

/** The digits said in a transcript: the ten digit words and "oh"; every other word, "ten" included, is not one. */
export function digitsOf(text: string): number[] {
  return text
    .toLowerCase()
    .split(/\s+/)
    .flatMap((w) => {
      const d = (DIGIT_WORDS as readonly string[]).indexOf(w);
      return d >= 0 ? [d] : w === 'oh' ? [0] : [];
    });
}

/** `<s> words </s> (id)` lines, as CMU Sphinx transcriptions are written. */
export function parseTranscription(text: string): Array<{ id: string; words: string }> {
  return text
    .split('\n')
    .map((line) => /^\s*(?:<s>)?\s*(.*?)\s*(?:<\/s>)?\s*\(([^)]+)\)\s*$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ id: m[2], words: m[1].replace(/\s+/g, ' ').trim() }));
}

/** The utterances, or undefined when the package is not installed (the caller says how to install it). */
export function realUtterances(dir = POCKETSPHINX_DIR): RealUtterance[] | undefined {
  if (!existsSync(join(dir, 'cards', 'cards.transcription'))) return undefined;
  const out: RealUtterance[] = [];
  for (const f of readdirSync(join(dir, 'tidigits'))
    .filter((x) => x.endsWith('.raw'))
    .sort()) {
    const code = f.split('.').slice(-2)[0];
    const digits = [...code].map((ch) => TIDIGITS_CODES[ch] ?? Number(ch));
    if (digits.some((d) => !Number.isInteger(d))) continue;
    out.push({ path: join(dir, 'tidigits', f), text: digits.map((d) => DIGIT_WORDS[d]).join(' '), digits, raw: true });
  }
  for (const sub of ['cards', 'librivox']) {
    const list = readdirSync(join(dir, sub)).find((f) => f.endsWith('transcription'));
    if (!list) continue;
    for (const { id, words } of parseTranscription(readFileSync(join(dir, sub, list), 'utf8'))) {
      const path = join(dir, sub, `${id}.wav`);
      if (existsSync(path)) out.push({ path, text: words, digits: digitsOf(words), raw: false });
    }
  }
  return out;
}

/** An utterance's samples at `rate`. */
export function readUtterance(u: RealUtterance, rate: number): Float32Array {
  return readWithSox(u.path, rate, u.raw ? ['-t', 'raw', '-r', '16000', '-e', 'signed-integer', '-b', '16', '-L', '-c', '1'] : []);
}
