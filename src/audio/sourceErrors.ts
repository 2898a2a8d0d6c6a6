/** Maps decibri's failures (a `code` on DecibriError, RangeError for bad indices) to our typed errors. */
import { AudioFormatError, DigitDictationError, MicrophoneError } from '../errors';

export type AudioSourceError = MicrophoneError | AudioFormatError;

export const MIC_ERROR_CODES = {
  notFound: 'MIC_NOT_FOUND',
  ambiguous: 'MIC_AMBIGUOUS',
  permission: 'MIC_PERMISSION_DENIED',
  disconnected: 'MIC_DISCONNECTED',
  unavailable: 'MIC_UNAVAILABLE',
} as const;

const NOT_FOUND = new Set(['MICROPHONE_NOT_FOUND', 'NO_MICROPHONE_FOUND', 'NOT_AN_INPUT_DEVICE']);
const UNAVAILABLE = new Set(['STREAM_OPEN_FAILED', 'STREAM_START_FAILED', 'MICROPHONE_CHANNELS_UNSUPPORTED']);

/**
 * `midStream` says whether audio had already arrived: a device failure after the first chunk is
 * an unplugged or lost device, before it the device never opened.
 */
export function toSourceError(err: unknown, kind: 'microphone' | 'file', label: string, midStream: boolean): AudioSourceError {
  if (err instanceof DigitDictationError) return err;
  const code = (err as { code?: unknown })?.code;
  const msg = err instanceof Error ? err.message : String(err);
  if (kind === 'file') {
    return new AudioFormatError('AUDIO_FILE_UNREADABLE', `${label}: cannot read audio (${msg})`, { cause: err });
  }
  const mic = `microphone "${label}"`;
  if (code === 'PERMISSION_DENIED') {
    return new MicrophoneError(
      MIC_ERROR_CODES.permission,
      `${mic}: access was refused; allow microphone access for this application in the system privacy settings, then start again`,
      { cause: err },
    );
  }
  if (code === 'MULTIPLE_DEVICES_MATCH') {
    return new MicrophoneError(
      MIC_ERROR_CODES.ambiguous,
      `${mic}: the name matches several devices (${msg}); use a longer name or the device id from "Select Microphone"`,
      { cause: err },
    );
  }
  if (NOT_FOUND.has(String(code)) || (err instanceof RangeError && /device index/.test(msg))) {
    return new MicrophoneError(MIC_ERROR_CODES.notFound, `${mic}: no such input device (${msg}); pick one from the list of microphones`, {
      cause: err,
    });
  }
  // PortAudio words a machine without sound hardware as "no longer available … unplugged": before
  // any audio arrived that means no input device was found, not a lost one.
  if (!midStream && code === 'DEVICE_ENUMERATION_FAILED') {
    return new MicrophoneError(
      MIC_ERROR_CODES.notFound,
      `${mic}: no microphone found (the audio system lists no usable input device); connect one, or pick another from the list of microphones`,
      { cause: err },
    );
  }
  if (midStream || code === 'DEVICE_FAILED' || code === 'MICROPHONE_STREAM_CLOSED') {
    return new MicrophoneError(
      MIC_ERROR_CODES.disconnected,
      `${mic} stopped delivering audio; it may have been unplugged (${msg}). Reconnect it and start dictation again`,
      { cause: err },
    );
  }
  if (UNAVAILABLE.has(String(code))) {
    return new MicrophoneError(
      MIC_ERROR_CODES.unavailable,
      `${mic} cannot be opened (${msg}); check that a microphone is connected and not held by another application`,
      { cause: err },
    );
  }
  return new MicrophoneError(MIC_ERROR_CODES.unavailable, `${mic}: ${msg}`, { cause: err });
}
