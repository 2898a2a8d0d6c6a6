import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWebviewMessage, ProtocolError, FromWebviewMessage } from '../../src/shared/protocol';

test('accepts every well-formed webview message', () => {
  const good: FromWebviewMessage[] = [
    { type: 'ready' },
    { type: 'dictation', action: 'start' },
    { type: 'dictation', action: 'stop' },
    { type: 'dictation', action: 'toggle' },
    { type: 'enrollStart' },
    { type: 'enrollRedo', digit: 0, take: 1 },
    { type: 'enrollRedo', digit: 9, take: 3 },
    { type: 'enrollSave' },
    { type: 'enrollCancel' },
    { type: 'trainingCancel' },
    { type: 'command', command: 'train' },
    { type: 'command', command: 'evaluate' },
    { type: 'command', command: 'selectMicrophone' },
    { type: 'command', command: 'resetEnrollment' },
  ];
  for (const m of good) assert.deepEqual(parseWebviewMessage(JSON.parse(JSON.stringify(m))), m);
});

test('drops fields the protocol does not define', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'enrollSave', path: '/etc/passwd' }), { type: 'enrollSave' });
  assert.deepEqual(parseWebviewMessage({ type: 'dictation', action: 'stop', extra: 1 }), { type: 'dictation', action: 'stop' });
});

test('rejects malformed messages with a ProtocolError naming the problem', () => {
  const bad: Array<[unknown, RegExp]> = [
    [null, /object/],
    ['ready', /object/],
    [[{ type: 'ready' }], /object/],
    [{}, /unknown message type/],
    [{ type: 'rm -rf' }, /unknown message type/],
    [{ type: 'dictation' }, /action/],
    [{ type: 'dictation', action: 'explode' }, /action must be one of/],
    [{ type: 'enrollRedo', digit: 10, take: 1 }, /digit/],
    [{ type: 'enrollRedo', digit: -1, take: 1 }, /digit/],
    [{ type: 'enrollRedo', digit: 1.5, take: 1 }, /digit/],
    [{ type: 'enrollRedo', digit: '3', take: 1 }, /digit/],
    [{ type: 'enrollRedo', digit: 3, take: 0 }, /take/],
    [{ type: 'enrollRedo', digit: 3, take: 4 }, /take/],
    [{ type: 'enrollRedo', digit: 3 }, /take/],
    [{ type: 'command', command: 'workbench.action.quit' }, /command must be one of/],
    [{ type: 'toString' }, /unknown message type/],
  ];
  for (const [raw, re] of bad) {
    assert.throws(
      () => parseWebviewMessage(raw),
      (err: unknown) => err instanceof ProtocolError && re.test(err.message),
      JSON.stringify(raw),
    );
  }
});

test('an error never echoes more than a short prefix of a huge value', () => {
  const huge = 'x'.repeat(1_000_000);
  for (const msg of [{ type: huge }, { type: 'dictation', action: huge }, { type: 'enrollRedo', digit: huge, take: 1 }]) {
    assert.throws(
      () => parseWebviewMessage(msg),
      (err: unknown) => err instanceof ProtocolError && err.message.length < 300 && /1000002 characters/.test(err.message),
    );
  }
});
