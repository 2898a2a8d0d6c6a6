/**
 * The synthetic voices of the training corpus and the split between voices the model learns from
 * and voices it is only measured on. Whole voices are held out (an accent and a variant set of
 * espeak-ng, and one flite and one festival speaker), so a held-out figure is a figure on a voice
 * the model never heard, not on another take of a known one.
 */

/** pico and rhvoice only speak the measurement-only voices of UNSEEN_ENGINE_VOICES. */
export type TtsEngine = 'espeak-ng' | 'flite' | 'festival' | 'pico' | 'rhvoice';

export interface TtsVoice {
  engine: TtsEngine;
  /**
   * Engine's own voice name: `lang+variant` (or an MBROLA voice, `mb-us1`) for espeak-ng, flite
   * `-voice`, festival `voice_…`, pico2wave `-l`, RHVoice-test `-p`.
   */
  name: string;
  /** File-name-safe speaker id (`[A-Za-z0-9-]+`), unique across engines. */
  id: string;
}

export const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;

const ESPEAK_TRAIN_LANGS = ['en-us', 'en-gb', 'en-gb-x-rp', 'en-gb-scotland', 'en-029', 'en-us-nyc'];
const ESPEAK_TRAIN_VARIANTS = ['', 'm1', 'm2', 'm3', 'm5', 'm6', 'm7', 'f1', 'f2', 'f4', 'f5', 'klatt', 'klatt2', 'klatt3'];
const ESPEAK_HELD_LANGS = ['en-gb-x-gbclan', 'en-gb-x-gbcwmd'];
const ESPEAK_HELD_VARIANTS = ['m4', 'f3', 'klatt4', 'm8'];

function espeak(lang: string, variant: string): TtsVoice {
  return { engine: 'espeak-ng', name: variant ? `${lang}+${variant}` : lang, id: `esp-${lang}-${variant || 'default'}` };
}

export const TRAIN_VOICES: readonly TtsVoice[] = [
  ...ESPEAK_TRAIN_LANGS.flatMap((l) => ESPEAK_TRAIN_VARIANTS.map((v) => espeak(l, v))),
  ...['kal', 'kal16', 'rms', 'slt'].map((n): TtsVoice => ({ engine: 'flite', name: n, id: `flite-${n}` })),
  ...['kal_diphone', 'cmu_us_slt_arctic_hts'].map((n): TtsVoice => ({ engine: 'festival', name: n, id: `fest-${n.replace(/_/g, '-')}` })),
];

export const HELD_OUT_VOICES: readonly TtsVoice[] = [
  ...ESPEAK_HELD_LANGS.flatMap((l) => ESPEAK_HELD_VARIANTS.map((v) => espeak(l, v))),
  { engine: 'flite', name: 'awb', id: 'flite-awb' },
  { engine: 'festival', name: 'ked_diphone', id: 'fest-ked-diphone' },
];

/**
 * Voices of three synthesisers no model here trains on, for measurement only: SVOX Pico (two female
 * voices), the MBROLA diphone voices through espeak-ng (one female, three male), and RHVoice's
 * English voices (HTS voices from CMU ARCTIC speakers: Scottish, US male, two US female). The
 * held-out voices above come from the training engines, so a figure on them says how the model
 * meets another voice of an engine it knows; these say how it meets a synthesiser it never heard.
 * They are in Debian's contrib and non-free sections (`node scripts/ensure-system-deps.js
 * --unseen-engines`). They stay out of training because an engine that is measured must never be
 * heard, and for MBROLA also by licence: its diphone databases may not go into a product that is
 * sold without the owner's permission (/usr/share/doc/mbrola-us1/copyright). Pico (Apache-2.0) and
 * these four RHVoice voices (LGPL-2.1+) would be free to train on. RHVoice's `evgeniy-eng` and
 * `lyubov` are left out (Russian voices reading English).
 */
export const UNSEEN_ENGINE_VOICES: readonly TtsVoice[] = [
  ...['en-US', 'en-GB'].map((n): TtsVoice => ({ engine: 'pico', name: n, id: `pico-${n}` })),
  ...['us1', 'us2', 'us3', 'en1'].map((n): TtsVoice => ({ engine: 'espeak-ng', name: `mb-${n}`, id: `mbrola-${n}` })),
  ...['alan', 'bdl', 'clb', 'slt'].map((n): TtsVoice => ({ engine: 'rhvoice', name: n, id: `rhvoice-${n}` })),
];

/** The female voices of every list here (the corpus draws their pitch from a higher range). */
export const isFemaleVoice = (v: TtsVoice): boolean => /\+f\d|slt|clb|^mb-us1$/.test(v.name) || v.engine === 'pico';

/**
 * espeak-ng's named variants (file names under espeak-ng-data/voices/!v), each in one training
 * accent (by its place in the list), for models that need many more voices than TRAIN_VOICES
 * (the string model: 97 % of its training voices' fluent digits, 69 % of held-out voices'). Left
 * out: the development voices of bench/voiceTakes.ts (Andy and AnxiousAndy, Denis, Gene, Gene2,
 * Lee, quincy, Mr, edward, edward2), the held-out and training numbered variants, and the novelty
 * ones (robots, whispers, the announcer, Demonic, Tweaky, croak, RicishayMax, fast).
 *
 * The British accent is asked for as `en`, not `en-gb`: espeak-ng 1.51 ignores a variant after
 * `en-gb` (en-gb+m1 is byte for byte en-gb), so TRAIN_VOICES' fourteen en-gb voices are one voice.
 * They are left as they are so that `npm run train` still rebuilds the shipped model; the next
 * classifier trained should use `en` there.
 */
const NAMED_VARIANT_LANGS = ['en-us', 'en', 'en-gb-x-rp', 'en-gb-scotland', 'en-029', 'en-us-nyc'];
const NAMED_VARIANTS = [
  'adam',
  'Alex',
  'Alicia',
  'Andrea',
  'Annie',
  'antonio',
  'aunty',
  'belinda',
  'benjamin',
  'boris',
  'caleb',
  'david',
  'Diogo',
  'ed',
  'gustave',
  'Henrique',
  'Hugo',
  'iven',
  'iven2',
  'iven3',
  'iven4',
  'Jacky',
  'john',
  'kaukovalta',
  'linda',
  'marcelo',
  'Marco',
  'Mario',
  'max',
  'Michael',
  'michel',
  'miguel',
  'Mike',
  'Nguyen',
  'pablo',
  'paul',
  'pedro',
  'rob',
  'robert',
  'steph',
  'steph2',
  'steph3',
  'Storm',
  'zac',
  'anika',
  'grandpa',
  'grandma',
  'norbert',
  'sandro',
  'shelby',
  'travis',
  'victor',
  'klatt5',
  'klatt6',
];

export const NAMED_VARIANT_VOICES: readonly TtsVoice[] = NAMED_VARIANTS.map((v, i) =>
  espeak(NAMED_VARIANT_LANGS[i % NAMED_VARIANT_LANGS.length], v),
);
