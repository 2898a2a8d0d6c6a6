/** The status bar's words for each dictation state. vscode-free so the wording is unit-tested. */
import type { DictationStatus } from '../../shared/protocol';

export interface StatusPresentation {
  text: string;
  tooltip: string;
  ariaLabel: string;
  /** Theme colour id for the background (errors and warnings only). */
  background?: 'statusBarItem.errorBackground' | 'statusBarItem.warningBackground';
}

const STATE_WORDS: Record<DictationStatus['state'], string> = {
  idle: 'idle',
  starting: 'starting',
  listening: 'listening',
  speech: 'hearing speech',
  error: 'error',
};

const ICONS: Record<DictationStatus['state'], string> = {
  idle: '$(mute)',
  starting: '$(loading~spin)',
  listening: '$(mic)',
  speech: '$(mic-filled)',
  error: '$(error)',
};

export function microphoneLabel(microphone: string): string {
  return microphone === '' ? 'system default microphone' : `microphone "${microphone}"`;
}

export function presentStatus(s: DictationStatus): StatusPresentation {
  const words = STATE_WORDS[s.state];
  // The text always contains "Digits" so the item is recognisable (and findable by tests).
  const text = `${ICONS[s.state]} Digits${s.state === 'idle' ? '' : `: ${words}`}${s.detail && s.state !== 'error' ? ' ⚠' : ''}`;
  const lines = [`Digit Dictation — ${words}`, `Microphone: ${microphoneLabel(s.microphone)}`, `Mode: ${s.mode}`];
  if (s.detail) lines.push(s.detail);
  lines.push(s.state === 'idle' || s.state === 'error' ? 'Click to start dictation' : 'Click to stop dictation');
  return {
    text,
    tooltip: lines.join('\n'),
    ariaLabel: `Digit Dictation ${words}, ${microphoneLabel(s.microphone)}, mode ${s.mode}${s.detail ? `, ${s.detail}` : ''}`,
    background: s.state === 'error' ? 'statusBarItem.errorBackground' : s.detail ? 'statusBarItem.warningBackground' : undefined,
  };
}
