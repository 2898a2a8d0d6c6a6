/**
 * Records one utterance for enrollment: listens to a source with the engine's VAD until one
 * segment of speech ends, and returns its samples (pre-roll and the 30 ms tail included), the same
 * span the engine would classify.
 */
import type { AudioSource } from '../audio/source';
import { FEATURE_CONFIG, FeatureConfig } from '../features/config';
import { EngineError } from './engine';
import { FrameBuffer } from './frames';
import { DEFAULT_ENGINE_OPTIONS, EngineOptionsPatch, mergeOptions } from './options';
import { TAIL_FRAMES } from './utterance';
import { EnergyVad } from './vad';

export interface RecordedUtterance {
  samples: Float32Array;
  /** Times in ms from the start of the source. */
  startMs: number;
  endMs: number;
}

/**
 * Resolves with the first utterance of plausible word length (VAD minimum speech and the
 * rejection rule's minimum word length). Throws EngineError ENROLL_TIMEOUT when none is heard
 * within `timeoutMs` of audio, or ENROLL_NO_SPEECH when the source ends first. Stops the source.
 */
export async function recordUtterance(
  source: AudioSource,
  engineOptions: EngineOptionsPatch = {},
  timeoutMs = 5000,
  cfg: FeatureConfig = FEATURE_CONFIG,
): Promise<RecordedUtterance> {
  const opts = mergeOptions(DEFAULT_ENGINE_OPTIONS, engineOptions);
  const hopMs = (cfg.hopSize / cfg.sampleRate) * 1000;
  const vad = new EnergyVad(opts.vad, { hopMs });
  const frames = new FrameBuffer(cfg.frameSize, cfg.hopSize);
  const preRoll = Math.ceil(opts.vad.preRollMs / hopMs) + 2;
  let start: number | undefined;
  const cut = (first: number, last: number): RecordedUtterance => ({
    samples: frames.samples(first * cfg.hopSize, (last + TAIL_FRAMES) * cfg.hopSize + cfg.frameSize),
    startMs: first * hopMs,
    endMs: ((last * cfg.hopSize + cfg.frameSize) / cfg.sampleRate) * 1000,
  });
  try {
    for await (const chunk of source.chunks()) {
      frames.push(chunk.samples);
      for (const f of frames.frames(chunk.speechProb)) {
        const ev = vad.push(f.index, f);
        if (ev.type === 'start') start = ev.startFrame;
        if (ev.type === 'end') {
          const ms = (ev.lastSpeechFrame - ev.startFrame + 1) * hopMs;
          if (!ev.tooShort && ms >= opts.reject.minWordMs) return cut(ev.startFrame, ev.lastSpeechFrame);
          start = undefined;
        }
        if (start === undefined && f.index * hopMs > timeoutMs) {
          throw new EngineError(
            'ENROLL_TIMEOUT',
            `no word heard within ${timeoutMs / 1000} s; speak closer to the microphone or check the input level`,
          );
        }
      }
      frames.discardBefore(start ?? Math.max(0, Math.floor(frames.received / cfg.hopSize) - preRoll - 4));
    }
    const end = vad.flush();
    if (end && !end.tooShort) return cut(end.startFrame, end.lastSpeechFrame);
    throw new EngineError('ENROLL_NO_SPEECH', `${source.label}: no word found in the audio`);
  } finally {
    source.stop();
  }
}
