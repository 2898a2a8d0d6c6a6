/** `transcribe FILE.wav`: the live engine over a recording, one line per decided digit. */
import { Command } from 'commander';
import { fileSource } from '../audio/source';
import { Classifier } from '../model/classifier';
import { modeProbs } from '../enroll/head';
import { DictationEngine } from '../stream/engine';
import {
  addEngineOptions,
  decisionJson,
  EngineCliOptions,
  formatDecision,
  formatRejection,
  loadPrototypesOrWarn,
  toEnginePatch,
  stringModelFor,
  warnStaleStringHead,
  verifierFor,
} from './streamOptions';
import { pathArg } from './args';

export function registerTranscribe(program: Command): void {
  addEngineOptions(
    program
      .command('transcribe')
      .description('recognise the digits spoken in an audio file with the streaming engine (times in ms from the start of the file)')
      .argument('<file>', 'WAV (PCM, float, μ-law or A-law), AIFF or FLAC; any rate (resampled to the model rate)', pathArg('<file>')),
  ).action(async (file: string, o: EngineCliOptions) => {
    const classifier = await Classifier.load(o.model);
    const engine = new DictationEngine(classifier, toEnginePatch(o), modeProbs);
    const store = loadPrototypesOrWarn(o.prototypes, classifier, o.mode);
    engine.setPrototypes(store);
    const verifier = await verifierFor(o);
    engine.setVerifier(verifier);
    const strings = await stringModelFor(o);
    engine.setStringModel(strings);
    warnStaleStringHead(o, store, strings);
    // Printed when each utterance ends, so early decisions carry the word's real end time.
    engine.on('utterance', (u) => {
      if (u.decision) console.log(o.json ? JSON.stringify(decisionJson(u.decision)) : formatDecision(u.decision));
      else if (u.rejection && o.rejections)
        console.log(o.json ? JSON.stringify({ rejected: true, ...u.rejection }) : formatRejection(u.rejection));
    });
    try {
      await engine.run(await fileSource(file, classifier.meta.featureConfig.sampleRate, { silero: engine.options.vad.kind === 'silero' }));
    } finally {
      engine.dispose();
      await verifier?.dispose();
      await strings?.dispose();
      await classifier.dispose();
    }
  });
}
