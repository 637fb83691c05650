// Measures the wasm engine's triage time per message, in Node (V8, as in Chromium), on real
// texts from ../shared/data cut or padded to 200 characters. Prints numbers; asserts nothing.
//   node scripts/bench-wasm.mjs [BATCH=500] [MESSAGES=20000]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = process.env.SENTINELLE_PKG || path.join(root, 'build/pkg');
const data = ['../shared/data', '../../shared/data'].map((d) => path.resolve(root, d)).find((d) => fs.existsSync(d));
if (!data) throw new Error('../shared/data not found');
const batchSize = Number(process.argv[2] || 500);
const total = Number(process.argv[3] || 20000);

const texts = [];
for (const f of fs.readdirSync(data).filter((f) => f.endsWith('.jsonl')).sort()) {
  for (const line of fs.readFileSync(path.join(data, f), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let t = JSON.parse(line).text || '';
    if (!t.trim()) continue;
    while ([...t].length < 200) t += ' ' + t;
    texts.push([...t].slice(0, 200).join(''));
  }
}
// A fixed, spread-out sample so every run measures the same messages.
const step = Math.max(1, Math.floor(texts.length / total));
const sample = [];
for (let i = 0; sample.length < total && i < texts.length; i += step) sample.push({ id: String(i), text: texts[i] });

const m = await import(path.join(pkg, 'sentinelle.js'));
const t0 = performance.now();
await m.default({ module_or_path: fs.readFileSync(path.join(pkg, 'sentinelle_bg.wasm')) });
const engine = new m.Engine();
const tInit = performance.now() - t0;

const run = () => {
  const s = performance.now();
  for (let i = 0; i < sample.length; i += batchSize) engine.triage(sample.slice(i, i + batchSize));
  return performance.now() - s;
};
run(); // warm-up
const times = [run(), run(), run()].sort((a, b) => a - b);
const per = (ms) => ((ms * 1000) / sample.length).toFixed(1);
console.log(`wasm ${fs.statSync(path.join(pkg, 'sentinelle_bg.wasm')).size} bytes; init + default plan + model: ${tInit.toFixed(0)} ms`);
console.log(`${sample.length} messages of 200 characters, batches of ${batchSize}: median ${per(times[1])} µs/message (best ${per(times[0])}, worst ${per(times[2])}), including the crossing and the verdict objects`);
