/** `enroll`: per-digit prototypes of one voice, from a folder of takes or from the microphone. */
import { Command } from 'commander';
import { openMicrophone } from '../audio/microphone';
import { buildPrototypes, embedUtterance, takesFromDir } from '../enroll/embed';
import { PrototypeStore } from '../enroll/store';
import { DIGIT_WORDS as WORDS, MAX_TAKES } from '../shared/constants';
import { Classifier } from '../model/classifier';
import { recordUtterance } from '../stream/record';

interface EnrollOptions {
  out: string;
  fromDir?: string;
  speaker?: string;
  takes: number;
  model?: string;
  device?: string;
  timeout: number;
}

export function registerEnroll(program: Command): void {
  program
    .command('enroll')
    .description('build enrollment prototypes from takes named like FSDD ({digit}_{name}_{take}.wav) or from the microphone')
    .requiredOption('--out <file>', 'prototype file to write (JSON, replaced atomically)')
    .option('--from-dir <dir>', 'folder of takes; without it, record from the microphone')
    .option('--speaker <name>', "with --from-dir: only this speaker's takes")
    .option('--takes <n>', `takes per digit (1–${MAX_TAKES})`, (v) => Math.min(MAX_TAKES, Math.max(1, parseInt(v, 10))), MAX_TAKES)
    .option('--model <file>', 'ONNX model (default: the shipped model)')
    .option('--device <id|name|index>', 'microphone for interactive enrollment')
    .option('--timeout <s>', 'seconds to wait for each take', parseFloat, 6)
    .action(async (o: EnrollOptions) => {
      const classifier = await Classifier.load(o.model);
      const rate = classifier.meta.featureConfig.sampleRate;
      try {
        let store: PrototypeStore;
        if (o.fromDir) {
          const takes = takesFromDir(o.fromDir, rate, { speaker: o.speaker, perDigit: o.takes });
          store = await buildPrototypes(classifier, takes);
          console.error(`embedded ${takes.length} takes from ${o.fromDir}`);
        } else {
          store = new PrototypeStore(classifier.meta.modelId, classifier.meta.embeddingDim);
          for (let digit = 0; digit < 10; digit++) {
            for (let take = 1; take <= o.takes; take++) {
              console.error(`say "${WORDS[digit]}" (take ${take}/${o.takes})…`);
              const source = await openMicrophone({ device: o.device, sampleRate: rate });
              const rec = await recordUtterance(source, {}, o.timeout * 1000, classifier.meta.featureConfig);
              store.addTake(digit, await embedUtterance(classifier, rec.samples));
            }
          }
        }
        for (const d of store.enrolled()) {
          const p = store.get(d)!;
          console.log(`${d}  takes ${p.takes.length}  quality ${p.quality === null ? '–' : p.quality.toFixed(3)}`);
        }
        store.save(o.out);
        console.error(`wrote ${o.out} (model ${store.modelId}, ${store.enrolled().length} digits)`);
      } finally {
        await classifier.dispose();
      }
    });
}
