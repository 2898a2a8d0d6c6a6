/**
 * How the shipped verifier members were made and chosen, for models/MODEL_CARD.md (bench/core.ts
 * `--card`). These figures were measured when the members were trained, by the commands given;
 * they are quoted, not re-measured (the data folders are generated and not kept).
 */
export const VERIFIER_PROVENANCE: readonly string[] = [
  '### How the members were made and chosen',
  'Each member was trained as below and then stored in half precision (`src/train/float16.ts`): `node dist/tools/float16Weights.js DIR/digits.onnx models/NAME.onnx`.',
  '',
  '- `verifier.onnx` (id 20268ace9fec20c3), eleven-class, 16 epochs, best 16 (98.3 % on its validation clips), 23.7 min:',
  '  `node dist/tools/verifierData.js NEG --negatives`; `node dist/tools/verifierData.js NEG/train --mine-with models/verifier.onnx --digit-labels --corpus-voices` with the first member of the earlier verifier (id bc51c0a2122f8c1a; 600 words mined, every second mined clip then removed to keep the classes near balance); then',
  '  `node dist/cli.js train --data ../shared/fsdd/recordings --corpus --real ../shared/gsc-digits/recordings --real-hold-dev --extra NEG/train --labels 11 --role verifier --epochs 16 --variants 2 --seed 6`',
  '- `verifier-digits.onnx` (id 3309ccedcde60804), eleven-class, from the earlier generator: the same generator with digit labels, 600 hard negatives mined with an earlier binary member, and noise (46,429 clips); 8 epochs, best 8 (96.5 % on its held-out clips):',
  '  `node dist/tools/verifierData.js DATA3 --digit-labels`, `… --digit-labels --mine-with verifier-mined.onnx`, `… --digit-labels --add-noise`, then `node dist/cli.js train --data DATA3 --out DIR --epochs 8 --batch-size 64 --seed 1` (today the trainer also needs `--labels 11 --role verifier`)',
  '',
  "The pair was chosen on a dev measure that no reported figure uses, by a rule written down before the new member was measured: `npm run bench:reject -- NEG/heldout --real-dev ../shared/gsc-digits/recordings` at the default thresholds 0.5 / 0.02. NEG/heldout holds FSDD validation takes 5–9 (never trained on) as digits — clean, at 20 dB, and in simulated rooms at 15 dB — and 880 words, sentence pieces and reversed words no member trained on in those voices; the real dev is the 18 gsc-digits clips of the 10 training-fold speakers the new member never heard (the older members never heard gsc-digits at all). Rule: the new member alone, else with verifier-digits.onnx, else with the four earlier members, whichever first keeps at least the earlier four's digits in every dev stream and types at most twice their non-digits.",
  '',
  '| verifier | FSDD digits kept (clean, 20 dB, room) | real dev right (of 18; 18 without any verifier) | non-digit typed per 10 min (clean, 20 dB) |',
  '|---|---|---|---|',
  '| earlier four (binary ×3 + verifier-digits) | 297, 298, 294 | 16 | 6.7, 11.2 |',
  '| new member alone | 299, 300, 297 | 18 | 33.6, 48.8 — more than twice |',
  '| **new + verifier-digits (shipped)** | 297, 299, 294 | 17 | 10.7, 13.0 |',
  '| earlier four + new | 297, 298, 295 | 16 | 7.2, 9.9 |',
  '| new + verifier-mined (outside the rule) | 298, 298, 297 | 18 | 11.2, 16.1 |',
  '',
  'Tried afterwards and not shipped, by a second rule fixed before it was measured (replace the new member only if the result keeps at least 297 / 299 / 294 digits and 17 real-dev clips and types fewer non-digits in total than 10.7 + 13.0): the same recipe with all 9,000 words (`--negatives --words 9000`, 18,541 non-digit training clips, 16 epochs): alone 298, 299, 297 digits, 18 real, but 24.2 and 38.1 non-digits per 10 min; with verifier-digits.onnx 8.5 and 11.6, but 292 room digits.',
  '',
  'The thresholds were swept on the same dev measure afterwards, by a rule fixed before the run (the fewest non-digits typed among grid points that keep each dev digit stream within 1 of 0.5 / 0.02 and the real-dev clips): `npm run bench:reject -- NEG/heldout --real-dev … --grid 0.5/0.02,0.5/0.05,0.5/0.1,0.8/0.05,0.8/0.1,0.9/0.1,0.9/0.2`. Every stricter point lost room digits (292 or fewer against 294) for at most 3 fewer non-digits per 10 min (0.9/0.2: 7.6 and 9.4, but 293 / 294 / 287 digits), so 0.5 / 0.02 stays.',
  '',
  'Measured after the choice, on reported material: gsc-digits held-out fold, whole clips streaming, 73.63 % with this pair against 60.44 % with the earlier four (84.62 % without a verifier; `npm run bench:robust`); `npm run bench:stream` false insertions 3.35 per 10 min against 1.83 — the pair lets through more non-digit words than the four did.',
  '',
  'The final bar was re-chosen in the fourteenth session (rule 81, docs/EXPERIMENTS.md): the dev digits above, FSDD takes 5–9, are words verifier-digits.onnx trained on (its generator used takes 5–49). On material no member heard — gsc-digits fold 0 streamed clean and at 10 dB in white, pink and babble noise with the fold-1 classifier and a fold-1 verifier.onnx (cc7f9bc2) beside verifier-digits.onnx — 0.01 kept 366 of 560 trials right against 354 at 0.02, with NEG/heldout non-digit words typed 27.3 per 10 min against 23.7 (0.005: 369 and 31.8, over the rule’s 1.25× allowance) and no digit in the dev phrases; so 0.5 / 0.01. Measured after, on reported material: the 10 dB streams of `npm run bench:robust` +1.0 to +1.3 points, `npm run bench:stream` false insertions 4.57 per 10 min (15 in 32.8 min) against 3.35. Weighting the older member lower (rule 80) kept 1–2 more real clips but typed digits in the dev phrases: not adopted.',
  '',
  'The earlier four members (in git history before this change) were trained on synthetic speech and FSDD only and vetoed real speakers in rooms: on gsc-digits fold 0, which none of them heard, 114 of 140 clips were typed right without a verifier and 94 with all four.',
  '',
  'Retrain the members whenever the feature config changes; they are independent of the digit model’s weights. Measured effect in `npm run bench:stream` and `npm run bench:robust`.',
];
