import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  HELD_OUT_FOLD,
  recipeDevSpeaker,
  speakerFold,
  trainedOnSpeaker,
  TRAINING_FOLD,
  unheardFold,
  verifierDevSpeaker,
} from '../../src/train/folds';
import { REPO } from './helpers';

const GSC = resolve(REPO, '..', 'shared', 'gsc-digits', 'recordings');
const speakers = [...new Set(readdirSync(GSC).map((f) => f.split('_')[1]))];

test('gsc-digits folds: every speaker on one side; both folds hold many speakers', () => {
  const held = speakers.filter((s) => speakerFold(s) === HELD_OUT_FOLD);
  const trained = speakers.filter((s) => speakerFold(s) === TRAINING_FOLD);
  assert.equal(held.length + trained.length, speakers.length);
  assert.ok(held.length >= 30 && trained.length >= 30, `${trained.length} training and ${held.length} held-out speakers`);
});

test('verifier-dev speakers: a proper part of the training fold, none of the held-out fold', () => {
  const dev = speakers.filter(verifierDevSpeaker);
  const trained = speakers.filter((s) => speakerFold(s) === TRAINING_FOLD);
  assert.ok(dev.every((s) => speakerFold(s) === TRAINING_FOLD));
  assert.ok(dev.length >= 5 && dev.length <= trained.length / 2, `${dev.length} of ${trained.length}`);
});

test('recipe-dev speakers: about half of the training fold, none of the held-out fold', () => {
  const dev = speakers.filter(recipeDevSpeaker);
  const trained = speakers.filter((s) => speakerFold(s) === TRAINING_FOLD);
  assert.ok(dev.every((s) => speakerFold(s) === TRAINING_FOLD));
  assert.ok(dev.length >= trained.length / 4 && dev.length <= (3 * trained.length) / 4, `${dev.length} of ${trained.length}`);
});

test('a model trained on both folds heard every speaker and has no unheard fold; one fold leaves the other', () => {
  for (const s of speakers) {
    assert.equal(trainedOnSpeaker('both', s), true);
    assert.equal(trainedOnSpeaker(speakerFold(s), s), true);
    assert.equal(trainedOnSpeaker(speakerFold(s) === 0 ? 1 : 0, s), false);
  }
  assert.equal(unheardFold('both'), undefined);
  assert.equal(unheardFold(0), 1);
  assert.equal(unheardFold(1), 0);
  // A model trained without real recordings is measured on the usual held-out fold.
  assert.equal(unheardFold(null), HELD_OUT_FOLD);
});
