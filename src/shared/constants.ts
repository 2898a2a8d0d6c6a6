/**
 * Constants the extension host, the webview and package.json agree on (test/unit/shared.test.ts
 * checks package.json's contributed settings against them). Browser-safe: no imports.
 */

/** The ten words, indexed by digit; also the classifier's label names. */
export const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;

/** How a digit is decided: base classifier, the user's prototypes, their blend, or the head adapted to the user at enrollment. */
export const RECOGNITION_MODES = ['base', 'proto', 'hybrid', 'adapted'] as const;
export type RecognitionMode = (typeof RECOGNITION_MODES)[number];

/** What goes between digits dictated one after another. */
export const SEPARATORS = ['none', 'space', 'comma'] as const;
export type Separator = (typeof SEPARATORS)[number];

/** Takes kept per digit at enrollment (the setting's maximum, the prototype store's and the protocol's bound). */
export const MAX_TAKES = 3;
