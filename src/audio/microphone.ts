/** The live microphone as an AudioSource (decibri Microphone), and the list of input devices. */
import { spawnSync } from 'node:child_process';
import { Microphone, type MicrophoneInfo } from 'decibri';
import { MicrophoneError } from '../errors';
import { AudioSource, ReadableSource, SourceOptions } from './source';
import { toSourceError } from './sourceErrors';

export interface MicrophoneSummary {
  index: number;
  /** Stable id (for settings); empty when the host cannot give one. */
  id: string;
  name: string;
  isDefault: boolean;
  defaultSampleRate: number;
}

/** Input devices that can actually capture (decibri also lists output-only ALSA plugins). */
export function listMicrophones(): MicrophoneSummary[] {
  let devices: MicrophoneInfo[];
  try {
    devices = Microphone.devices();
  } catch (err) {
    throw toSourceError(err, 'microphone', 'list', false);
  }
  return devices
    .filter((d) => d.maxInputChannels > 0)
    .map((d) => ({ index: d.index, id: d.id, name: d.name, isDefault: d.isDefault, defaultSampleRate: d.defaultSampleRate }));
}

/** ALSA's "null" plugin lists as a capture device but only ever delivers zeros: not a microphone. */
const NOT_A_MICROPHONE = /^Discard all samples/;

interface ProbeResult {
  ok: boolean;
  code?: string;
  message?: string;
  inputs?: string[];
}

/**
 * Opens the device once in a child process whose stderr is discarded, and waits for its first
 * audio: on a machine without sound hardware ALSA and JACK print 10–20 lines of noise while the
 * host starts, which would bury the one line that matters. Undefined if the probe itself could not
 * run (the caller then just opens the device).
 */
function probeMicrophone(device: unknown, sampleRate: number, timeoutMs: number): ProbeResult | undefined {
  let decibriPath: string;
  try {
    decibriPath = require.resolve('decibri');
  } catch {
    return undefined;
  }
  const script = `const { Microphone } = require(${JSON.stringify(decibriPath)});
const out = (r) => { process.stdout.write(JSON.stringify(r)); process.exit(0); };
let inputs = [];
try { inputs = Microphone.devices().filter((d) => d.maxInputChannels > 0).map((d) => d.name); } catch {}
Microphone.open({ device: ${JSON.stringify(device ?? null)} ?? undefined, sampleRate: ${sampleRate}, dtype: 'float32' }).then((mic) => {
  const t = setTimeout(() => out({ ok: false, code: 'NO_AUDIO', message: 'no audio within ${timeoutMs} ms', inputs }), ${timeoutMs});
  mic.once('readable', () => { clearTimeout(t); out({ ok: true, inputs }); });
  mic.once('error', (e) => out({ ok: false, code: e && e.code, message: String(e && e.message), inputs }));
}, (e) => out({ ok: false, code: e && e.code, message: String(e && e.message), inputs }));`;
  const r = spawnSync(process.execPath, ['-e', script], {
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: timeoutMs + 10000,
    encoding: 'utf8',
  });
  try {
    return JSON.parse(r.stdout) as ProbeResult;
  } catch {
    return undefined;
  }
}

/**
 * The input devices, listed in a child process whose stderr (ALSA/JACK start-up noise) is
 * discarded; MIC_NOT_FOUND in one line when there is none but ALSA's "null" plugin.
 */
export function listMicrophonesQuietly(): MicrophoneSummary[] {
  let decibriPath: string;
  try {
    decibriPath = require.resolve('decibri');
  } catch {
    return listMicrophones();
  }
  const script = `const { Microphone } = require(${JSON.stringify(decibriPath)});
process.stdout.write(JSON.stringify(Microphone.devices()));`;
  const r = spawnSync(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 15000, encoding: 'utf8' });
  let devices: MicrophoneInfo[];
  try {
    devices = JSON.parse(r.stdout) as MicrophoneInfo[];
  } catch {
    return listMicrophones();
  }
  const inputs = devices.filter((d) => d.maxInputChannels > 0);
  if (!inputs.some((d) => !NOT_A_MICROPHONE.test(d.name))) {
    throw new MicrophoneError('MIC_NOT_FOUND', 'no microphone found: this machine has no audio input device; connect one');
  }
  return inputs.map((d) => ({ index: d.index, id: d.id, name: d.name, isDefault: d.isDefault, defaultSampleRate: d.defaultSampleRate }));
}

/**
 * Checks, quietly, that the microphone can be opened and delivers audio; throws a one-line
 * MicrophoneError if not (MIC_NOT_FOUND when the machine has no input device at all).
 */
export function assertMicrophoneWorks(options: Pick<MicrophoneOptions, 'device' | 'sampleRate' | 'startTimeoutMs'>): void {
  const selector = deviceSelector(options.device);
  const label = options.device === undefined || options.device === '' ? 'default' : String(options.device);
  const r = probeMicrophone(selector, options.sampleRate, options.startTimeoutMs ?? 3000);
  if (!r || r.ok) return;
  const real = (r.inputs ?? []).filter((n) => !NOT_A_MICROPHONE.test(n));
  if (real.length === 0) {
    throw new MicrophoneError(
      'MIC_NOT_FOUND',
      'no microphone found: this machine has no audio input device; connect one, or use "transcribe FILE.wav" for recordings',
    );
  }
  const err = Object.assign(new Error(r.message ?? 'cannot be opened'), { code: r.code });
  throw toSourceError(err, 'microphone', label, false);
}

export interface MicrophoneOptions extends SourceOptions {
  /** Device index, stable id (as listed, e.g. "alsa:..."), or a case-insensitive name substring. Default: the system's. */
  device?: string | number;
  /** Rate delivered to us; decibri converts from the device's native rate. */
  sampleRate: number;
  /** Chunk length; 32 ms keeps level meters and Silero scores fine-grained. */
  chunkMs?: number;
  /** How long to wait for the first audio before giving up with MIC_UNAVAILABLE. */
  startTimeoutMs?: number;
}

function deviceSelector(device: string | number | undefined): number | string | { id: string } | undefined {
  if (device === undefined || device === '') return undefined;
  if (typeof device === 'number') return device;
  if (/^\d+$/.test(device)) return Number(device);
  // Stable ids carry the host prefix ("alsa:", "wasapi:", "coreaudio:") — look them up exactly.
  const byId = safeDevices().find((d) => d.id === device);
  return byId ? { id: device } : device;
}

function safeDevices(): MicrophoneInfo[] {
  try {
    return Microphone.devices();
  } catch {
    return [];
  }
}

/**
 * Opens the microphone. Throws MicrophoneError (MIC_NOT_FOUND, MIC_AMBIGUOUS, MIC_UNAVAILABLE,
 * MIC_PERMISSION_DENIED) when it cannot start; a device lost mid-stream surfaces from the chunk
 * iteration as MIC_DISCONNECTED.
 */
export async function openMicrophone(options: MicrophoneOptions): Promise<AudioSource> {
  const selector = deviceSelector(options.device);
  const label = options.device === undefined || options.device === '' ? 'default' : String(options.device);
  let mic: Microphone;
  try {
    mic = await Microphone.open({
      device: selector,
      sampleRate: options.sampleRate,
      dtype: 'float32',
      framesPerBuffer: Math.max(64, Math.round(((options.chunkMs ?? 32) / 1000) * options.sampleRate)),
      vad: options.silero ? 'silero' : false,
    });
  } catch (err) {
    throw toSourceError(err, 'microphone', label, false);
  }
  // Wait for audio (or the device's refusal) so a dead microphone fails here, not later.
  await firstAudio(mic, label, options.startTimeoutMs ?? 3000);
  return new ReadableSource('microphone', label, options.sampleRate, mic, !!options.silero, () => {
    mic.stop();
  });
}

function firstAudio(mic: Microphone, label: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: unknown) => {
      clearTimeout(timer);
      mic.off('readable', onReadable);
      mic.off('error', done);
      if (err === undefined) return resolve();
      mic.stop();
      reject(toSourceError(err, 'microphone', label, false));
    };
    // Peeking through 'readable' leaves the chunk buffered for the iteration.
    const onReadable = () => done();
    const timer = setTimeout(() => done(new Error(`no audio within ${timeoutMs} ms`)), timeoutMs);
    mic.once('readable', onReadable);
    mic.once('error', done);
  });
}
