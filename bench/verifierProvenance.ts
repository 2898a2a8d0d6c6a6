/**
 * How the shipped verifier members were made and chosen, for models/MODEL_CARD.md (bench/core.ts
 * `--card`). These figures were measured when the members were trained, by the commands given;
 * they are quoted, not re-measured (the data folders are generated, hours of TTS, and not kept).
 */
export const VERIFIER_PROVENANCE: readonly string[] = [
  '### How the members were made and chosen',
  'Each member was trained as below and then stored in half precision (`src/train/float16.ts`), which moved no decision on either benchmark and no member’s log-odds by more than 0.05 on the FSDD test split:',
  '`node dist/tools/float16Weights.js DIR/digits.onnx models/NAME.onnx`.',
  'The commands are quoted as they were run; today’s trainer also needs `--role verifier` for a binary member and `--labels 11` for the eleven-class one (it refuses files labelled 10 otherwise), and each shipped file carries `"role": "verifier"` in its metadata so it cannot be loaded as the digit model.',
  '',
  '- `verifier.onnx` (id bc51c0a2122f8c1a): the first generator (espeak-ng only), 8 epochs, best at 3:',
  '  `node dist/tools/verifierData.js DATA1 && node dist/cli.js train --data DATA1 --out DIR --epochs 8 --seed 1`',
  '- `verifier-mined.onnx` (id 86a678f2291c69e6): today’s generator (espeak-ng and flite, ~10k words, sentences, reversed FSDD) plus 600 hard negatives mined with a first verifier (FIRST, trained 20 epochs on an earlier run of the same generator):',
  '  `node dist/tools/verifierData.js DATA2 --mine-with FIRST/digits.onnx`, then `node dist/cli.js train --data DATA2 --out DIR --epochs 16 --seed 1` (best epoch 16)',
  '- `verifier-noisy.onnx` (id 932f3c7afdffb3f9): the same generator with mined negatives and `--add-noise` (a third of the clips again under pink noise at 5–30 dB SNR), 14 epochs, best 13.',
  '- `verifier-digits.onnx` (id 3309ccedcde60804), eleven-class: the same generator with digit labels, 600 hard negatives mined with verifier-mined.onnx (words it still takes for digits), and noise (46,429 clips); 8 epochs, best 8 (96.5 % on its held-out clips):',
  '  `node dist/tools/verifierData.js DATA3 --digit-labels`, `… --digit-labels --mine-with models/verifier-mined.onnx`, `… --digit-labels --add-noise`, then `node dist/cli.js train --data DATA3 --out DIR --epochs 8 --batch-size 64 --seed 1`',
  '',
  'Held-out figures (takes 0 and 5 of `verifierData.js DATA --digit-labels`, `npm run bench:reject -- DATA`, never on bench:stream material), at reject.minDigitProbEarly 0.03 / reject.minDigitProb 0.02 (low because a product of experts is far more decided than one network; the early default is now 0.5, `src/stream/options.ts`):',
  '',
  '- the first three (binary) members: digits kept 564/564 clean, 557/564 at 20 dB; non-digits typed 13.0 (clean) and 30.5 (20 dB) per 10 min, 26.0 withdrawn',
  '- all four: 562/564 and 554/564; 7.0 and 17.1 per 10 min, 14.8 withdrawn',
  '- the eleven-class member with only the two newer binary ones lost 8 and 9 more digits',
  '',
  'Not shipped, by the same held-out rule (no fewer digits kept), at 0.5 / 0.02: a fifth member, a second eleven-class network (seed 2, 10 epochs): 5.6 and 12.7 per 10 min, but 557/564 and 552/564 digits against 562 and 554; it in place of verifier-digits.onnx: 563 and 556 digits, 7.5 and 16.7 per 10 min, noisy digits decided 10 ms later — no clear gain.',
  '',
  'Retrain the members whenever the feature config changes; they are independent of the digit model’s weights. Measured effect in `npm run bench:stream`.',
];
