/**
 * Training recipes tried against the shipped one and not shipped, for models/MODEL_CARD.md
 * (bench/core.ts `--card`). Quoted as measured by the commands given (the candidate models are
 * not kept), like verifierProvenance.ts.
 */
export const RECIPE_TRIALS: readonly string[] = [
  '### Recipes tried and not shipped',
  'Candidates were compared on `npm run bench:recipe -- A.onnx B.onnx …`: the recipe-dev half of gsc-digits’ training fold (`src/train/folds.ts` `recipeDevSpeaker`: 68 clips of 39 speakers, left out of training by `--real-hold-dev recipe`), isolated clean, with pink and with white noise at 10 dB, and whole clips streamed without a verifier; FSDD validation takes 5–9 as a sanity row. None of it is reported material. Each candidate: `node dist/cli.js train --data ../shared/fsdd/recordings --corpus --real ../shared/gsc-digits/recordings --real-hold-dev recipe --epochs 12 --variants 2 --seed 1` plus its flags. The rule, fixed before the runs: the candidate with the higher total, if it beats the shipped recipe by at least 3 and keeps FSDD validation within 3.',
  '',
  '| recipe (12 epochs, 2 variants) | clean | pink 10 dB | white 10 dB | streamed | total | FSDD val |',
  '|---|---|---|---|---|---|---|',
  '| shipped recipe | 59/68 | 53/68 | 47/68 | 58 | 217 | 292/300 |',
  '| + SpecAugment masks (`--spec-augment`) | 62/68 | 56/68 | 48/68 | 59 | 225 | 294/300 |',
  '| + SpecAugment + VTLP ±10 % (`--vtlp 0.1`) | 60/68 | 52/68 | 41/68 | 58 | 211 | 290/300 |',
  '| + noisier augmentation (`--noisy`: noise on 75 % of variants, SNR uniform in 0–30 dB) | 54/68 | 51/68 | 46/68 | 55 | 206 | 291/300 |',
  '',
  'The noisier recipe was aimed at rooms at 10 dB (with the default mix, white noise at ≤ 10 dB reaches about 1 % of the augmented variants). Its rule, fixed before the run, also asked for FSDD validation takes streamed under white and babble noise at 10 dB (`npm run bench:recipe -- --noise-streams …`: 180 words each, right decisions): shipped recipe 131 / 137, noisier 139 / 135. It lost 5 clean real-speaker clips of 68 and failed the rule: not trained in full, not shipped.',
  '',
  "SpecAugment passed the rule and was retrained with the full recipe (`npm run train` plus `--spec-augment`: 14.0 min). Measured afterwards on held-out material (`npm run bench:robust -- --model …`) it was worse than the shipped model almost everywhere: FSDD test 97.67 % (99.00 %), gsc-digits held-out fold 83.52 % (86.81 %), held-out TTS 97.08 % (97.92 %), from the first sample 94.67 % (97.67 %), quiet speaker 90.33 % (96.33 %); only the gsc whole-clip stream rose, 74.73 % (73.63 %). It is not shipped: a departure from the rule, decided after seeing held-out figures, and stated here. Re-decided on dev material alone in the thirteenth session, two seeds a side (rule 77 in `docs/EXPERIMENTS.md`: 20 epochs, 3 variants, theo and the recipe-dev half left out; theo's 500 words plus the 68 clips, pooled): SpecAugment 90.85 / 92.25 % against the shipped recipe's 90.85 / 95.42 %, a mean 1.58 points lower, so it stays off by a rule this time too. The 12-epoch comparison on 68 clips did not carry over (a difference of 8 of 272 correlated trials is within seed noise). The shipped model’s figures below were measured before this comparison.",
  '',
  'Ensembles of the same dev models (`npm run bench:recipe -- --ensemble …`: mean log-probability, isolated dev clips only, of 204): shipped recipe + SpecAugment 164, + VTLP 157, SpecAugment + VTLP 160, all three 162, against 166 for SpecAugment alone: no gain worth doubling the inference cost.',
];
