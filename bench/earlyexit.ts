/**
 * `npm run bench:earlyexit [-- --split val|test] [--every N] [--model FILE]`: how early and how accurately the
 * model decides on growing prefixes of single words, for a grid of early-exit thresholds and
 * consecutive-check counts. Defaults are chosen on the validation takes (5–9), never on test.
 * Decision time is relative to the word's end (negative = before it ends). The full streaming
 * pipeline (VAD, noise, gaps) is measured by `npm run bench:stream`. --split is val (default),
 * test, train or all; --every N runs the classifier every N hops (2); --model FILE another model.
 */
import { Option } from 'commander';
import { logMelFrames, toModelInput } from '../src/features/logmel';
import { Classifier, bundledModelPath } from '../src/model/classifier';
import { loadClips, selectSplit, SplitName } from '../src/train/dataset';
import { FEATURE_CONFIG as cfg } from '../src/features/config';
import { FSDD_DIR as DATA } from '../test/fixtures/fsddDir';
import { benchCommand, intArg, parseBench, pathArg } from './args';

const SPLITS: readonly SplitName[] = ['val', 'test', 'train', 'all'];

const { opts } = parseBench<{ split: SplitName; every: number; model?: string }>(
  benchCommand('earlyexit', 'early-exit decisions on growing prefixes of single words (npm run bench:earlyexit)')
    .addOption(new Option('--split <split>', 'FSDD split to measure on').choices(SPLITS).default('val'))
    .option('--every <n>', 'run the classifier every N 10 ms hops', intArg('--every', 1, 100), 2)
    .option('--model <file>', 'the model (default: the bundled one)', pathArg('--model')),
);

async function main() {
  const { split, every } = opts;
  const model = await Classifier.load(opts.model ?? bundledModelPath());
  const clips = selectSplit(loadClips(DATA).clips, split);
  const hopMs = (cfg.hopSize / cfg.sampleRate) * 1000;
  const frameMs = (cfg.frameSize / cfg.sampleRate) * 1000;
  const runs = [];
  for (const c of clips) {
    const { data, frames } = logMelFrames(c.samples);
    const prefixes: number[] = [];
    for (let n = 2 * every; n <= frames; n += every) prefixes.push(n);
    const outs = await model.classifyBatch(prefixes.map((n) => toModelInput(data.subarray(0, n * cfg.melBands), n)));
    runs.push({
      digit: c.digit,
      // trimSilence keeps a 30 ms margin after the last loud frame: that is where the word ends.
      endMs: (c.samples.length / cfg.sampleRate) * 1000 - 30,
      steps: outs.map((o, i) => {
        const p = Math.max(...o.probs);
        return { atMs: (prefixes[i] - 1) * hopMs + frameMs, p, d: o.probs.indexOf(p) };
      }),
    });
  }
  await model.dispose();
  console.log(`${split} split, ${runs.length} words, a check every ${every} hops (${every * hopMs} ms)`);
  console.log('thresh consec   errors  early-exit share  median Δt vs word end  p95 Δt');
  for (const thresh of [0.88, 0.95, 0.98, 0.99]) {
    for (const consec of [2, 3, 4]) {
      let errors = 0;
      let early = 0;
      const rel: number[] = [];
      for (const r of runs) {
        let run = 0;
        let prev = -1;
        let decided: { atMs: number; d: number } | undefined;
        for (const s of r.steps) {
          run = s.p >= thresh ? (s.d === prev ? run + 1 : 1) : 0;
          prev = s.d;
          if (run >= consec) {
            decided = s;
            break;
          }
        }
        const last = r.steps[r.steps.length - 1];
        if (decided) early++;
        const d = decided ?? { atMs: r.endMs, d: last.d };
        if (d.d !== r.digit) errors++;
        rel.push(d.atMs - r.endMs);
      }
      rel.sort((a, b) => a - b);
      console.log(
        `${thresh.toFixed(2).padStart(6)} ${String(consec).padStart(6)}   ${String(errors).padStart(3)}/${runs.length}  ${((early / runs.length) * 100).toFixed(1).padStart(14)} %  ${rel[rel.length >> 1].toFixed(0).padStart(18)} ms  ${rel[Math.floor(rel.length * 0.95)].toFixed(0).padStart(5)} ms`,
      );
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
