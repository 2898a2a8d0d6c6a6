/**
 * The feature configuration. It is written into every exported model and compared on load,
 * so a model trained on other features is refused instead of silently misbehaving.
 */
export interface FeatureConfig {
  version: 1;
  kind: 'logmel';
  sampleRate: number;
  /** FFT frame in samples; meyda needs a power of two. 256 at 8 kHz = 32 ms. */
  frameSize: number;
  /** Hop in samples; 80 at 8 kHz = 10 ms, the streaming decoder's time step. */
  hopSize: number;
  melBands: number;
  window: 'hanning';
  /**
   * Samples are scaled to int16 range before meyda: its log-mel is log(1 + power), which is only
   * logarithmic when power >> 1. With [-1, 1] input, quiet speech would sit in the linear part.
   */
  inputScale: number;
  /** Model input length in frames (80 frames ≈ 0.82 s, longer than 99 % of FSDD words). */
  frames: number;
  /** Utterances are left-aligned; frames past the end hold the log-mel of silence (0). */
  padding: 'right-silence';
}

export const FEATURE_CONFIG: Readonly<FeatureConfig> = Object.freeze({
  version: 1,
  kind: 'logmel',
  sampleRate: 8000,
  frameSize: 256,
  hopSize: 80,
  melBands: 40,
  window: 'hanning',
  inputScale: 32768,
  frames: 80,
  padding: 'right-silence',
});

/**
 * The same features from 16 kHz audio: 40 mel bands up to 8 kHz, the same 32 ms frames and 10 ms
 * hop. The 8 kHz front end discards everything above 4 kHz, where the bursts and fricatives that
 * separate five/nine, three/eight and two/zero lie; rule 91 (docs/EXPERIMENTS.md) found real
 * 16 kHz dev speakers gain 4 points with it. A model declares which one it was trained on.
 */
export const FEATURE_CONFIG_16K: Readonly<FeatureConfig> = Object.freeze({
  ...FEATURE_CONFIG,
  sampleRate: 16000,
  frameSize: 512,
  hopSize: 160,
});

/** Every feature config this version computes; a model trained on any other is refused on load. */
export const FEATURE_CONFIGS: readonly Readonly<FeatureConfig>[] = Object.freeze([FEATURE_CONFIG, FEATURE_CONFIG_16K]);

/** Field-by-field differences between two configs, for an error a user can act on. */
export function featureConfigDiff(a: FeatureConfig, b: FeatureConfig): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof FeatureConfig>;
  const out: string[] = [];
  for (const k of keys) {
    if (a[k] !== b[k]) out.push(`${k}: ${JSON.stringify(a[k])} vs ${JSON.stringify(b[k])}`);
  }
  return out;
}

/** Mel-scale centre frequency of each band (HTK formula, as meyda uses), for the "why" display. */
export function bandCentresHz(cfg: FeatureConfig = FEATURE_CONFIG): number[] {
  const toMel = (f: number) => 1125 * Math.log(1 + f / 700);
  const toHz = (m: number) => 700 * (Math.exp(m / 1125) - 1);
  const top = toMel(cfg.sampleRate / 2);
  const step = top / (cfg.melBands + 1);
  return Array.from({ length: cfg.melBands }, (_, i) => toHz((i + 1) * step));
}
