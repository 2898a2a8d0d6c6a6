import type { RealFolds } from './folds';

export interface TrainOptions {
  /** Folder of `{digit}_{speaker}_{take}.wav` (FSDD layout and split: takes 0–4 test, 5–9 validation). */
  data: string;
  /**
   * More folders of `{digit}_{speaker}_{take}.wav` (the synthetic voices of `npm run corpus`): every
   * clip trains, but for a fixed eighth that joins validation; none is ever test material.
   */
  extra?: string[];
  /**
   * Real recordings of many speakers (gsc-digits): clips of the speakers in `fold` (folds.ts), or
   * of every speaker with 'both', train, each `repeat` times (as many augmented copies); the other
   * fold's files are never read.
   *
   * `holdDev`: leave out the training fold's verifier-dev speakers ('verifier') or its recipe-dev
   * half ('recipe') or both ('all'), so that members or recipes are chosen on real speakers never
   * heard (folds.ts).
   */
  real?: { dir: string; fold: RealFolds; repeat: number; holdDev?: 'verifier' | 'recipe' | 'all' };
  /** Vocal-tract-length perturbation of each augmented variant: warp drawn from 1 ± vtlp (0 = off). */
  vtlp?: number;
  /** SpecAugment-style band and time masks, per epoch (augment.ts). */
  specAugment?: boolean;
  /**
   * Stochastic weight averaging: from this epoch on, each epoch's weights join a running mean that
   * is exported instead of the validation-chosen epoch (BatchNorm statistics recomputed on training
   * batches). 0 or absent: off.
   */
  swaFrom?: number;
  /** Channel multiplier of every convolution (1 = the shipped network, DEFAULT_NET). */
  width?: number;
  /** Noise on more variants and low SNRs as often as high ones (augment.ts NOISY_MIX). */
  noisy?: boolean;
  /**
   * Weight of a prototypical loss on the L2-normalised embedding beside the cross-entropy (0 or
   * absent: off): each example is classified by cosine to its batch's per-digit means (its own
   * left out), the prototype head of enrollment (enroll/head.ts) learnt across voices (network.ts
   * prototypeLoss).
   */
  protoLoss?: number;
  /** Augmented variants per training clip (default 2). */
  variants?: number;
  /** An exported model of the same network to start from (initWeights.ts); its normalisation is kept. */
  init?: string;
  /**
   * With `init`: weight of a distillation loss toward the started model's outputs on the examples
   * it gets right (train.ts distillTargets), so that a run teaches new material without forgetting.
   */
  distill?: number;
  /** Peak learning rate of the warm-up and cosine schedule (default 3e-3). */
  learningRate?: number;
  /** Folder to write `digits.onnx` (+ `training.json`) into. */
  out: string;
  epochs: number;
  batchSize: number;
  augment: boolean;
  seed: number;
  /** Hold out this speaker (train on the others, test on it) instead of the take-based split. */
  loso?: string;
  /** Use at most this many training files (smoke runs). */
  limit?: number;
  /** 11: files labelled 10 are "other" and the model is an eleven-class verifier; 10 (default) refuses them. */
  labels?: 10 | 11;
  /** Recorded in the model: 'verifier' for a digit/non-digit member; default digits (ten labels) or verifier (eleven). */
  role?: 'digits' | 'verifier';
}

export interface EpochMetrics {
  epoch: number;
  epochs: number;
  trainLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  macroF1: number;
  /** confusion[true][predicted] */
  confusion: number[][];
  seconds: number;
  best: boolean;
}

export interface TrainHooks {
  onEpoch?(m: EpochMetrics): void;
  /** Samples done within the current epoch. */
  onProgress?(epoch: number, done: number, total: number): void;
  onLog?(line: string): void;
  signal?: AbortSignal;
}

export interface TrainResult {
  modelPath: string;
  best: EpochMetrics;
  history: EpochMetrics[];
  /** Max |onnx − trainer| probability difference over the test split. */
  exportMaxAbsDiff: number;
  skipped: { count: number; examples: string[]; reasons?: string[] };
  /** Wall-clock seconds from start to exported, checked model. */
  totalSeconds: number;
}

export interface EvalReport {
  n: number;
  accuracy: number;
  macroF1: number;
  perClass: Array<{ digit: number; precision: number; recall: number; f1: number; support: number }>;
  confusion: number[][];
  skipped: { count: number; examples: string[]; reasons?: string[] };
}
