/**
 * A real voice no model here trains on: Asterisk's English telephone prompts, recorded by Allison
 * Smith (Debian package asterisk-core-sounds-en-wav, CC-BY-SA-3.0; 8 kHz studio recordings made
 * for phone menus). Every other real voice the project has is FSDD's six men or gsc-digits' 1 s
 * crowd-sourced clips; this is a woman's voice, and the only real speech here that is not a digit.
 *
 * Digits: digits/0–9 and digits/oh (zero, as the product reads it). Non-digit words: the spoken
 * letters (without "o", which is "oh"), the phonetic alphabet (without "niner"), the months,
 * weekdays and the other single words of digits/ that are not numbers. Left out: "ten" to "ninety"
 * (a user saying "seventeen" may well want 17), ordinals, and the prompt sentences (many say
 * "press 1 …", and no transcript comes with the package).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const PROMPTS_DIR = '/usr/share/asterisk/sounds/en_US_f_Allison';
export const PROMPTS_INSTALL = 'node scripts/ensure-system-deps.js --real-prompts';

export interface PromptClip {
  path: string;
  /** The digit said, or undefined for a non-digit word. */
  digit?: number;
  word: string;
}

const OTHER_WORDS = [
  'a-m',
  'p-m',
  'at',
  'billion',
  'dollars',
  'hundred',
  'million',
  'minus',
  'oclock',
  'pound',
  'star',
  'thousand',
  'today',
  'tomorrow',
  'yesterday',
];

const wavsIn = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.wav'))
        .sort()
    : [];

/** The set, or undefined when the package is not installed (the caller says how to install it). */
export function promptClips(dir = PROMPTS_DIR): { digits: PromptClip[]; words: PromptClip[] } | undefined {
  const digitsDir = join(dir, 'digits');
  if (!existsSync(join(digitsDir, '0.wav'))) return undefined;
  const digits: PromptClip[] = [
    ...Array.from({ length: 10 }, (_, d) => ({ path: join(digitsDir, `${d}.wav`), digit: d, word: String(d) })),
    { path: join(digitsDir, 'oh.wav'), digit: 0, word: 'oh' },
  ];
  const inDigits = wavsIn(digitsDir)
    .map((f) => f.slice(0, -4))
    .filter((w) => OTHER_WORDS.includes(w) || /^(mon|day)-\d+$/.test(w));
  const words: PromptClip[] = [
    ...wavsIn(join(dir, 'letters'))
      .filter((f) => f !== 'o.wav')
      .map((f) => ({ path: join(dir, 'letters', f), word: `letter ${f.slice(0, -4)}` })),
    ...wavsIn(join(dir, 'phonetic'))
      .filter((f) => f !== '9_p.wav')
      .map((f) => ({ path: join(dir, 'phonetic', f), word: `phonetic ${f.slice(0, -6)}` })),
    ...inDigits.map((w) => ({ path: join(digitsDir, `${w}.wav`), word: w })),
  ];
  return { digits, words };
}
