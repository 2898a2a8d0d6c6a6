import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WaveFile } from 'wavefile';
import { DecibriError, File as DecibriFile } from 'decibri';
import { readWav } from '../../src/audio/wav';
import { fileSource, ReadableSource } from '../../src/audio/source';
import { listMicrophones, openMicrophone } from '../../src/audio/microphone';
import { toSourceError } from '../../src/audio/sourceErrors';
import { AudioFormatError, MicrophoneError } from '../../src/errors';
import { fsddFile } from './helpers';

async function collect(source: { chunks(): AsyncIterable<{ samples: Float32Array }> }): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for await (const c of source.chunks()) parts.push(c.samples);
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

test('a WAV file through decibri File delivers the samples the WAV reader decodes', async () => {
  const path = fsddFile('5_nicolas_2.wav');
  const want = readWav(path, 8000).samples;
  const got = await collect(await fileSource(path, 8000));
  assert.equal(got.length, want.length);
  let maxDiff = 0;
  for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
  assert.ok(maxDiff < 1e-3, `max difference ${maxDiff}`);
});

test('in-memory samples through File.buffer come back unchanged, and resampled when rates differ', async () => {
  const x = readWav(fsddFile('2_theo_0.wav'), 8000).samples;
  const same = await collect(await fileSource(x, 8000));
  assert.equal(same.length, x.length);
  assert.ok(same.every((v, i) => Math.abs(v - x[i]) < 1e-6));
  const up = await collect(await fileSource(x, 16000, { inputRate: 8000 }));
  // The resampler's end-of-stream tail adds a few hundred samples.
  assert.ok(up.length >= 2 * x.length && up.length <= 2 * x.length + 1024, `16 kHz length ${up.length} vs ${2 * x.length}`);
});

test('an unreadable file is a typed error naming the file', async () => {
  await assert.rejects(fileSource('/nonexistent/take.wav', 8000), (err: unknown) => {
    assert.ok(err instanceof AudioFormatError);
    assert.equal(err.code, 'AUDIO_FILE_UNREADABLE');
    assert.match(err.message, /take\.wav/);
    return true;
  });
});

test('stopping a file source ends the iteration early and is idempotent', async () => {
  const x = new Float32Array(8000 * 5);
  const src = await fileSource(x, 8000);
  let n = 0;
  for await (const c of src.chunks()) {
    n += c.samples.length;
    src.stop();
    src.stop();
  }
  assert.ok(n > 0 && n < x.length, `read ${n} of ${x.length}`);
});

test('an unknown microphone is MIC_NOT_FOUND', async () => {
  await assert.rejects(openMicrophone({ device: 'no-such-microphone-7f3a', sampleRate: 8000 }), (err: unknown) => {
    assert.ok(err instanceof MicrophoneError, String(err));
    assert.equal(err.code, 'MIC_NOT_FOUND');
    return true;
  });
  await assert.rejects(
    openMicrophone({ device: 9999, sampleRate: 8000 }),
    (err: unknown) => err instanceof MicrophoneError && err.code === 'MIC_NOT_FOUND',
  );
});

test('a device lost mid-stream surfaces as MIC_DISCONNECTED from the iteration', async () => {
  // decibri delivers a lost device as a DecibriError with code DEVICE_FAILED on the stream;
  // reproduce exactly that on a real decibri stream.
  const file = DecibriFile.buffer(new Float32Array(8000 * 3), { inputRate: 8000, sampleRate: 8000, dtype: 'float32' });
  const src = new ReadableSource('microphone', 'USB mic', 8000, file, false, () => file.destroy());
  let chunks = 0;
  await assert.rejects(
    (async () => {
      for await (const _ of src.chunks()) {
        if (++chunks === 1)
          file.destroy(Object.assign(new DecibriError('decibri: audio device error: device unplugged'), { code: 'DEVICE_FAILED' }));
      }
    })(),
    (err: unknown) => {
      assert.ok(err instanceof MicrophoneError);
      assert.equal(err.code, 'MIC_DISCONNECTED');
      assert.match(err.message, /USB mic/);
      return true;
    },
  );
  assert.equal(chunks, 1);
});

test('decibri failure codes map to actionable microphone errors', () => {
  const cases: Array<[unknown, boolean, string]> = [
    [Object.assign(new Error('Microphone permission denied.'), { code: 'PERMISSION_DENIED' }), false, 'MIC_PERMISSION_DENIED'],
    [Object.assign(new Error('No microphone found.'), { code: 'NO_MICROPHONE_FOUND' }), false, 'MIC_NOT_FOUND'],
    [Object.assign(new Error('Multiple devices match "usb"'), { code: 'MULTIPLE_DEVICES_MATCH' }), false, 'MIC_AMBIGUOUS'],
    [Object.assign(new Error('Failed to open audio stream'), { code: 'STREAM_OPEN_FAILED' }), false, 'MIC_UNAVAILABLE'],
    [
      Object.assign(
        new Error('Failed to enumerate devices: The requested device is no longer available. For example, it has been unplugged.'),
        { code: 'DEVICE_ENUMERATION_FAILED' },
      ),
      false,
      'MIC_NOT_FOUND',
    ],
    [Object.assign(new Error('Failed to open audio stream'), { code: 'STREAM_OPEN_FAILED' }), true, 'MIC_DISCONNECTED'],
  ];
  for (const [err, mid, code] of cases) {
    const e = toSourceError(err, 'microphone', 'default', mid);
    assert.ok(e instanceof MicrophoneError);
    assert.equal(e.code, code);
  }
});

const nullMic = (() => {
  try {
    return listMicrophones().find((m) => m.id === 'alsa:null');
  } catch {
    return undefined;
  }
})();

test(
  'a real capture device (ALSA null) delivers 8 kHz chunks and stops cleanly',
  { skip: !nullMic && 'no ALSA null capture device here' },
  async () => {
    const mic = await openMicrophone({ device: nullMic!.id, sampleRate: 8000, chunkMs: 32 });
    assert.equal(mic.kind, 'microphone');
    let n = 0;
    for await (const c of mic.chunks()) {
      assert.ok(c.samples.length > 0);
      n += c.samples.length;
      if (n >= 2400) mic.stop();
    }
    assert.ok(n >= 2400);
    // By name substring too.
    const byName = await openMicrophone({ device: 'Discard all samples', sampleRate: 8000 });
    byName.stop();
  },
);

test('with Silero on, each delivered piece carries the score of its own audio (speech high, silence low)', async () => {
  const word = readWav(fsddFile('7_lucas_0.wav'), 8000).samples;
  // 1 s silence, the word, 1 s silence, the word, 1 s silence.
  const x = new Float32Array(8000 * 3 + word.length * 2);
  x.set(word, 8000);
  x.set(word, 16000 + word.length);
  const src = await fileSource(x, 8000, { silero: true });
  let pos = 0;
  const speech: number[] = [];
  const silence: number[] = [];
  for await (const c of src.chunks()) {
    const a = pos;
    pos += c.samples.length;
    const overlapsWord = (s: number) => a < s + word.length && pos > s;
    if (overlapsWord(8000) || overlapsWord(16000 + word.length)) speech.push(c.speechProb!);
    else silence.push(c.speechProb!);
  }
  assert.ok(speech.length > 0 && silence.length > 0);
  assert.ok(Math.max(...speech) > 0.8, `speech scores ${speech.join(', ')}`);
  assert.ok(Math.max(...silence) < 0.3, `silence scores ${silence.join(', ')}`);
});

test('telephone WAVs (μ-law, A-law) decode to the recording they companded, alike in both readers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dd-g711-'));
  try {
    const x = readWav(fsddFile('4_george_3.wav'), 8000).samples;
    const pcm = Int16Array.from(x, (v) => Math.round(v * 32767));
    for (const [name, compand] of [
      ['mulaw.wav', (w: WaveFile) => w.toMuLaw()],
      ['alaw.wav', (w: WaveFile) => w.toALaw()],
    ] as const) {
      const w = new WaveFile();
      w.fromScratch(1, 8000, '16', pcm);
      compand(w);
      const path = join(dir, name);
      writeFileSync(path, w.toBuffer());
      assert.equal((w.fmt as { audioFormat: number }).audioFormat, name === 'mulaw.wav' ? 7 : 6);
      const whole = readWav(path, 8000).samples;
      const streamed = await collect(await fileSource(path, 8000));
      // wavefile's encoder counts an odd data chunk's pad byte as one more sample.
      assert.ok(whole.length - x.length === 0 || whole.length - x.length === 1, `${name}: ${whole.length} of ${x.length} samples`);
      assert.deepEqual(streamed, whole, `${name}: the streaming reader and wavefile agree`);
      // 8-bit companding keeps speech about 35 dB above its quantisation noise; a wrong table or sign would not.
      let signal = 0;
      let noise = 0;
      for (let i = 0; i < x.length; i++) {
        signal += x[i] * x[i];
        noise += (whole[i] - x[i]) ** 2;
      }
      const snr = 10 * Math.log10(signal / noise);
      assert.ok(snr > 25, `${name}: ${snr.toFixed(1)} dB`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
