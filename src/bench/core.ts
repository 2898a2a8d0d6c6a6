/**
 * `npm run bench`: the recognizer-core figures of issue 2, measured now on this machine.
 * - accuracy / macro-F1 of the shipped model on the FSDD test split
 * - ONNX size, parameter count
 * - onnxruntime-node latency per utterance on one core (features excluded, batch 1)
 * - the recorded from-scratch training time (models/training.json) and LOSO figures
 *   (models/loso.json, from `npm run bench:loso`)
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { utteranceFeatures } from '../features/logmel';
import { Classifier, bundledModelPath } from '../model/classifier';
import { evaluate } from '../train/evaluate';
import { loadClips, selectSplit } from '../train/dataset';
import { formatConfusion } from '../train/metrics';

const DATA = process.env.DD_FSDD ?? resolve(__dirname, '..', '..', '..', 'shared', 'fsdd', 'recordings');

async function main() {
  const modelPath = process.argv[2] ?? bundledModelPath();
  const modelsDir = join(modelPath, '..');
  const report = await evaluate(DATA, 'test', modelPath);
  const bytes = statSync(modelPath).size;
  const model = await Classifier.load(modelPath);
  const clips = selectSplit(loadClips(DATA).clips, 'test');
  const inputs = clips.map((c) => utteranceFeatures(c.samples));
  for (let i = 0; i < 50; i++) await model.classify(inputs[i % inputs.length]);
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    for (const x of inputs) {
      const t = process.hrtime.bigint();
      await model.classify(x);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  times.sort((a, b) => a - b);
  const featT0 = process.hrtime.bigint();
  for (const c of clips) utteranceFeatures(c.samples);
  const featMs = Number(process.hrtime.bigint() - featT0) / 1e6 / clips.length;
  await model.dispose();

  const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
  const line = (k: string, v: string, bar?: boolean) => console.log(`${k.padEnd(44)} ${v}${bar === undefined ? '' : bar ? '   [meets bar]' : '   [MISSES BAR]'}`);
  console.log(`model ${modelPath} (id ${model.meta.modelId})`);
  console.log(model.meta.architecture);
  line('FSDD test split accuracy (n=' + report.n + ')', pct(report.accuracy), report.accuracy >= 0.995);
  line('FSDD test split macro-F1', report.macroF1.toFixed(4), report.macroF1 >= 0.995);
  line('ONNX size', `${(bytes / 1024).toFixed(1)} KB (${bytes} bytes), ${model.meta.parameters} parameters`, bytes <= 200 * 1024);
  line('inference per utterance, 1 thread, median', `${times[Math.floor(times.length / 2)].toFixed(3)} ms`, times[Math.floor(times.length / 2)] <= 1);
  line('inference per utterance, 1 thread, p95', `${times[Math.floor(times.length * 0.95)].toFixed(3)} ms`);
  line('log-mel features per utterance (meyda)', `${featMs.toFixed(2)} ms`);
  const trainingJson = join(modelsDir, 'training.json');
  if (existsSync(trainingJson)) {
    const t = JSON.parse(readFileSync(trainingJson, 'utf8'));
    line('recorded training run (from scratch)', `${(t.totalSeconds / 60).toFixed(1)} min, best epoch ${t.best.epoch}/${t.options.epochs}`, t.totalSeconds <= 15 * 60);
  }
  const losoJson = join(modelsDir, 'loso.json');
  if (existsSync(losoJson)) {
    const l = JSON.parse(readFileSync(losoJson, 'utf8')) as { speaker: string; accuracy: number; macroF1: number; n: number }[];
    for (const s of l) line(`leave-one-speaker-out: ${s.speaker} (n=${s.n})`, `${pct(s.accuracy)}, macro-F1 ${s.macroF1.toFixed(4)}`);
    line('leave-one-speaker-out: mean', pct(l.reduce((a, s) => a + s.accuracy, 0) / l.length));
  } else {
    console.log('leave-one-speaker-out: not measured yet (npm run bench:loso)');
  }
  console.log(formatConfusion(report.confusion));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
