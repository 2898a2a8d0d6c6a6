/** `enroll`: per-digit prototypes of one voice, from a folder of takes or from the microphone. */
import { Command } from 'commander';
import { checkOutputFile } from '../atomicWrite';
import { assertMicrophoneWorks, openMicrophone } from '../audio/microphone';
import { Take, takesFromDir } from '../enroll/embed';
import { checkSummary, disagreement, enrollTakes } from '../enroll/review';
import { closeSync, openSync, readSync } from 'node:fs';
import { STORE_FORMAT } from '../enroll/store';
import { OutputTargetError } from '../errors';
import { DIGIT_WORDS as WORDS, MAX_TAKES } from '../shared/constants';
import { Classifier } from '../model/classifier';
import { recordUtterance } from '../stream/record';
import { loadVerifier, verifierLogOdds } from '../stream/verifier';
import { loadBundledSequenceModel } from '../model/sequenceModel';
import { stringAdaptationSummary } from '../enroll/stringAdapt';
import { intArg, numberArg, pathArg, textArg } from './args';

interface EnrollOptions {
  out: string;
  fromDir?: string;
  speaker?: string;
  takes: number;
  model?: string;
  device?: string;
  timeout: number;
  verifier: boolean;
  strings: boolean;
}

/**
 * An existing --out must be a prototype file (even a damaged one): enrollment must never replace a
 * model, a recording or a document someone pointed it at by mistake.
 */
function refuseForeignFile(path: string): void {
  let head: Buffer;
  try {
    const fd = openSync(path, 'r');
    try {
      head = Buffer.alloc(4096);
      head = head.subarray(0, readSync(fd, head, 0, head.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return; // absent: a new file
  }
  if (head.length > 0 && !head.toString('utf8').includes(STORE_FORMAT)) {
    throw new OutputTargetError(
      'OUTPUT_NOT_PROTOTYPES',
      `${path.slice(0, 200)} exists and is not a prototype file; choose another --out or delete it first — nothing was written`,
    );
  }
}

export function registerEnroll(program: Command): void {
  program
    .command('enroll')
    .description(
      'enroll a voice from takes named like FSDD ({digit}_{name}_{take}.wav) or from the microphone: prototypes and the head adapted to the voice (mode adapted)',
    )
    .requiredOption(
      '--out <file>',
      'prototype file to write (JSON, replaced atomically; an existing one is kept if enrollment fails)',
      pathArg('--out'),
    )
    .option('--from-dir <dir>', 'folder of takes; without it, record from the microphone', pathArg('--from-dir'))
    .option('--speaker <name>', "with --from-dir: only this speaker's takes", textArg('--speaker'))
    .option('--takes <n>', `takes per digit (1–${MAX_TAKES})`, intArg('--takes', 1, MAX_TAKES), MAX_TAKES)
    .option('--model <file>', 'ONNX model (default: the shipped model)', pathArg('--model'))
    .option('--device <id|name|index>', 'microphone for interactive enrollment', textArg('--device'))
    .option(
      '--timeout <s>',
      'seconds to wait for each take (up to 600)',
      numberArg('--timeout', { min: 0, max: 600, exclusiveMin: true }),
      6,
    )
    .option('--no-verifier', "adapt without the bundled verifier's per-voice shift")
    .option('--no-strings', 'do not adapt the bundled string model (fluent strings) to the voice')
    .action(async (o: EnrollOptions) => {
      // Before any work: an output that cannot be replaced safely (a device, FIFO, symlink, folder) is refused now.
      checkOutputFile(o.out);
      refuseForeignFile(o.out);
      const classifier = await Classifier.load(o.model);
      const rate = classifier.meta.featureConfig.sampleRate;
      const verifier = o.verifier ? await loadVerifier() : undefined;
      const strings = o.strings ? await loadBundledSequenceModel() : undefined;
      try {
        let takes: Take[];
        if (o.fromDir) {
          takes = takesFromDir(o.fromDir, rate, {
            speaker: o.speaker,
            perDigit: o.takes,
            onSkip: (name, reason) => console.error(`skipped ${name}: ${reason}`),
          });
          console.error(`read ${takes.length} takes from ${o.fromDir}`);
        } else {
          assertMicrophoneWorks({ device: o.device, sampleRate: rate });
          takes = [];
          for (let digit = 0; digit < 10; digit++) {
            for (let take = 1; take <= o.takes; take++) {
              console.error(`say "${WORDS[digit]}" (take ${take}/${o.takes})…`);
              const source = await openMicrophone({ device: o.device, sampleRate: rate });
              const rec = await recordUtterance(source, {}, o.timeout * 1000, classifier.meta.featureConfig);
              takes.push({ digit, samples: rec.samples, name: `"${WORDS[digit]}" take ${take}` });
            }
          }
        }
        console.error('adapting to the voice…');
        const { store, check, stringAdaptation, adaptSeconds, checkSeconds } = await enrollTakes(
          classifier,
          takes,
          verifierLogOdds(verifier),
          undefined,
          strings && { model: strings },
        );
        for (const d of store.enrolled()) {
          const p = store.get(d)!;
          console.log(`${d}  takes ${p.takes.length}  quality ${p.quality === null ? '–' : p.quality.toFixed(3)}`);
        }
        const missing = WORDS.map((_, d) => d).filter((d) => !store.get(d));
        if (missing.length) {
          console.error(
            `warning: ${missing.length} digit(s) not enrolled: ${missing.join(', ')}; those are recognised by the base model only (add their takes and enroll again)`,
          );
        }
        for (const c of check.disagreeing) console.error(`take ${takes[c.take].name ?? c.take + 1} (digit ${c.digit}) ${disagreement(c)}`);
        console.error(`${checkSummary(check)} (adapted in ${adaptSeconds.toFixed(1)} s, checked in ${checkSeconds.toFixed(1)} s)`);
        if (stringAdaptation) console.error(stringAdaptationSummary(stringAdaptation));
        store.save(o.out);
        console.error(
          `wrote ${o.out} (model ${store.modelId}, ${store.enrolled().length} digits, adapted head${store.stringHead ? ' and string head' : ''}; use --mode adapted)`,
        );
      } finally {
        await classifier.dispose();
        await verifier?.dispose();
        await strings?.dispose();
      }
    });
}
