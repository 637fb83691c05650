// Measures the wasm engine's triage time per message, in Node (V8, as in Chromium), on real
// texts from ../shared/data cut or padded to 200 characters. Prints numbers, and checks the answer
// it times: one verdict per message, in order, each the verdict the message gets alone.
//   node bench/wasm.mjs [BATCH=500] [MESSAGES=20000]
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, answerOf, benchSample, checkAnswer } from './sample.mjs';
import { triage, triageOptions } from '../extension/lib/engine.js';

const pkg = process.env.SENTINELLE_PKG || path.join(ROOT, 'build/pkg');
const batchSize = Number(process.argv[2] || 500);
const total = Number(process.argv[3] || 20000);
const sample = benchSample(total);
// As the extension's background calls it: through extension/lib/engine.js, without the map of
// every category's score.
const options = triageOptions({}, 3, { scores: false });

const m = await import(path.join(pkg, 'sentinelle.js'));
const t0 = performance.now();
await m.default({ module_or_path: fs.readFileSync(path.join(pkg, 'sentinelle_bg.wasm')) });
const engine = new m.Engine();
const tInit = performance.now() - t0;

const run = () => {
  const s = performance.now();
  for (let i = 0; i < sample.length; i += batchSize) triage(engine, sample.slice(i, i + batchSize), options);
  return performance.now() - s;
};
run(); // warm-up
const times = [run(), run(), run()].sort((a, b) => a - b);
const checked = checkAnswer(answerOf((batch) => triage(engine, batch, options), sample, batchSize), sample);
const per = (ms) => ((ms * 1000) / sample.length).toFixed(1);
console.log(`wasm ${fs.statSync(path.join(pkg, 'sentinelle_bg.wasm')).size} bytes; init + default plan + model: ${tInit.toFixed(0)} ms`);
console.log(`${sample.length} messages of 200 characters, batches of ${batchSize}: median ${per(times[1])} µs/message (best ${per(times[0])}, worst ${per(times[2])}), including the crossing and the verdict objects, with the extension's options; answer checked on ${checked} messages`);
