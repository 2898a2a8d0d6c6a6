import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Spike } from '../../src/stream/stringDecoder';
import { StringGate } from '../../src/stream/stringGate';
import type { Decision } from '../../src/stream/types';

const spike = (digit: number, frame: number): Spike => ({ digit, prob: 0.9, probs: new Float32Array(11), frame });
const decision = (digit: number, stringIndex?: number, decisionMs = 0): Decision => ({
  digit,
  confidence: 0.9,
  startMs: 0,
  decisionMs,
  endMs: 0,
  earlyExit: true,
  top: [],
  why: [],
  mode: 'base',
  stringIndex,
});

function harness(
  mayBeString = true,
  gaps: { minSpikeGapMs: number; firstGapMs: number; keepClose?: boolean } = { minSpikeGapMs: 150, firstGapMs: 150 },
) {
  const log: string[] = [];
  const gate = new StringGate(
    {
      typeDigit: (s, i) => {
        log.push(`type ${s.digit}#${i}`);
        return decision(s.digit, i);
      },
      withdraw: (d) => log.push(`withdraw ${d.digit}`),
      mayBeString: () => mayBeString,
    },
    { ...gaps, hopMs: 10 },
  );
  return { gate, log };
}

test('one spike leaves the word to the classifier; a second one makes a string, keeping an agreeing classifier digit', () => {
  const { gate, log } = harness();
  gate.classifierTyped(decision(4));
  gate.onSpike(spike(4, 40));
  assert.equal(gate.string, false);
  assert.deepEqual(log, []);
  gate.onSpike(spike(2, 70));
  gate.onSpike(spike(7, 100));
  assert.equal(gate.string, true);
  assert.deepEqual(log, ['type 2#1', 'type 7#2']);
  assert.deepEqual(
    gate.typed.map((t) => t.decision.digit),
    [4, 2, 7],
  );
});

test('a classifier digit the string decoder hears otherwise is withdrawn and replaced', () => {
  const { gate, log } = harness();
  // Decided at 350 ms; the decoder's first spike at 400 ms is the same word, heard as 4.
  gate.classifierTyped(decision(1, undefined, 350));
  gate.onSpike(spike(4, 40));
  gate.onSpike(spike(2, 70));
  assert.deepEqual(log, ['withdraw 1', 'type 4#0', 'type 2#1']);
});

test('a first spike well after the classifier decided is the next word: the classifier digit stays first', () => {
  const { gate, log } = harness();
  // Decided at 300 ms; the decoder's first spike comes at 600 ms: it missed the first word.
  gate.classifierTyped(decision(4, undefined, 300));
  gate.onSpike(spike(2, 60));
  gate.onSpike(spike(7, 100));
  assert.deepEqual(log, ['type 2#1', 'type 7#2']);
  assert.deepEqual(
    gate.typed.map((t) => t.decision.digit),
    [4, 2, 7],
  );
});

test('spikes closer than the minimum gap are one sound: a repeat is ignored, another digit revises the last one typed', () => {
  const { gate, log } = harness();
  gate.onSpike(spike(4, 40));
  gate.onSpike(spike(2, 70));
  gate.onSpike(spike(2, 75));
  gate.onSpike(spike(3, 78));
  assert.deepEqual(log, ['type 4#0', 'type 2#1', 'withdraw 2', 'type 3#1']);
  assert.deepEqual(
    gate.typed.map((t) => t.decision.digit),
    [4, 3],
  );
});

test('no string when the rejection rules object (no voice), and the classifier keeps the word', () => {
  const { gate, log } = harness(false);
  gate.classifierTyped(decision(8));
  gate.onSpike(spike(8, 40));
  gate.onSpike(spike(3, 90));
  assert.equal(gate.string, false);
  assert.deepEqual(log, []);
  gate.classifierWithdrawn();
  assert.equal(gate.typed.length, 0);
});

test('within a string, spikes 60 ms apart are two digits; before it, firstGapMs decides', () => {
  // The shipped gaps: 60 ms both. A string 4 2, then 0 and 5 100 ms apart: both typed.
  const fast = harness(true, { minSpikeGapMs: 60, firstGapMs: 60 });
  for (const [d, f] of [
    [4, 40],
    [2, 70],
    [0, 100],
    [5, 110],
  ])
    fast.gate.onSpike(spike(d, f));
  assert.deepEqual(
    fast.gate.typed.map((t) => t.decision.digit),
    [4, 2, 0, 5],
  );
  // A lone word's two spikes 100 ms apart: a string at 60 ms, one revised word at firstGapMs 150.
  const loose = harness(true, { minSpikeGapMs: 60, firstGapMs: 60 });
  loose.gate.onSpike(spike(3, 40));
  loose.gate.onSpike(spike(8, 50));
  assert.equal(loose.gate.string, true);
  const strict = harness(true, { minSpikeGapMs: 60, firstGapMs: 150 });
  strict.gate.onSpike(spike(3, 40));
  strict.gate.onSpike(spike(8, 50));
  assert.equal(strict.gate.string, false);
  assert.deepEqual(
    strict.gate.heard.map((s) => s.digit),
    [8],
  );
});

test('with keepClose, spikes merged before the string count again once it is one, at minSpikeGapMs', () => {
  // 7 and 3 40 ms apart stay one sound (under minSpikeGapMs 60); 3 and 0 120 ms apart are merged
  // at firstGapMs 150 only until the utterance is a string (the 5 380 ms later makes it one).
  const spikes: Array<[number, number]> = [
    [7, 40],
    [3, 44],
    [0, 56],
    [5, 94],
    [5, 130],
  ];
  const run = (keepClose: boolean) => {
    const h = harness(true, { minSpikeGapMs: 60, firstGapMs: 150, keepClose });
    const seen: number[][] = [];
    for (const [d, f] of spikes) {
      seen.push(h.gate.candidates(spike(d, f)).map((s) => s.digit));
      h.gate.onSpike(spike(d, f));
    }
    return { typed: h.gate.typed.map((t) => t.decision.digit), heard: h.gate.heard.map((s) => s.digit), seen };
  };
  const kept = run(true);
  assert.deepEqual(kept.typed, [3, 0, 5, 5]);
  assert.deepEqual(kept.heard, [3, 0, 5, 5]);
  // Before the string, the candidates are what it would type, with the spike to come.
  assert.deepEqual(kept.seen[2], [3, 0]);
  const merged = run(false);
  assert.deepEqual(merged.typed, [0, 5, 5]);
  assert.deepEqual(merged.seen[2], [3, 0]);
});
