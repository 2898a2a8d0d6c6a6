/** `live`: dictation from the microphone in a terminal, printing each digit as it is decided. */
import { Command } from 'commander';
import { assertMicrophoneWorks, listMicrophonesQuietly, openMicrophone } from '../audio/microphone';
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
import { numberArg, textArg } from './args';

interface LiveOptions extends EngineCliOptions {
  device?: string;
  listDevices?: boolean;
  seconds?: number;
}

export function registerLive(program: Command): void {
  addEngineOptions(
    program
      .command('live')
      .description('recognise digits from the microphone as they are spoken (Ctrl+C to stop)')
      .option('--device <id|name|index>', 'input device (see --list-devices); default: the system default', textArg('--device'))
      .option('--list-devices', 'list input devices and exit')
      .option(
        '--seconds <s>',
        'stop after this many seconds (up to a day)',
        numberArg('--seconds', { min: 0, max: 86400, exclusiveMin: true }),
      ),
  ).action(async (o: LiveOptions) => {
    if (o.listDevices) {
      for (const d of listMicrophonesQuietly()) console.log(`${d.index}\t${d.id || '-'}\t${d.name}${d.isDefault ? '  (default)' : ''}`);
      return;
    }
    const classifier = await Classifier.load(o.model);
    assertMicrophoneWorks({ device: o.device, sampleRate: classifier.meta.featureConfig.sampleRate });
    const engine = new DictationEngine(classifier, toEnginePatch(o), modeProbs);
    const store = loadPrototypesOrWarn(o.prototypes, classifier, o.mode);
    engine.setPrototypes(store);
    const verifier = await verifierFor(o);
    engine.setVerifier(verifier);
    const strings = await stringModelFor(o);
    engine.setStringModel(strings);
    warnStaleStringHead(o, store, strings);
    engine.on('decision', (d) => console.log(o.json ? JSON.stringify(decisionJson(d)) : formatDecision(d)));
    // Live output cannot unprint a line: a withdrawn early digit is announced instead.
    engine.on('retraction', (r) =>
      console.log(
        o.json
          ? JSON.stringify({ withdrawn: true, digit: r.decision.digit, startMs: r.decision.startMs, timeMs: r.timeMs, reason: r.reason })
          : `withdrawn ${r.decision.digit}: ${r.reason}`,
      ),
    );
    if (o.rejections) engine.on('rejection', (r) => console.log(o.json ? JSON.stringify({ rejected: true, ...r }) : formatRejection(r)));
    engine.on('state', (s) => {
      if (!o.json) console.error(`[${s}]`);
    });
    const source = await openMicrophone({
      device: o.device,
      sampleRate: classifier.meta.featureConfig.sampleRate,
      silero: engine.options.vad.kind === 'silero',
    });
    if (!o.json) console.error(`listening on ${source.label} (Ctrl+C to stop)`);
    const stop = () => void engine.stop();
    process.once('SIGINT', stop);
    const timer = o.seconds ? setTimeout(stop, o.seconds * 1000) : undefined;
    try {
      await engine.run(source);
    } finally {
      clearTimeout(timer);
      process.off('SIGINT', stop);
      engine.dispose();
      await verifier?.dispose();
      await strings?.dispose();
      await classifier.dispose();
    }
  });
}
