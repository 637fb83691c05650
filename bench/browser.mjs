// The wasm engine's triage time per message in real Chromium (headless, the system's), in a page
// of the demo server, on the same real texts as bench/wasm.mjs (../shared/data, cut or
// padded to 200 characters). Prints numbers, and checks the answer it times (bench/sample.mjs).
//   node bench/browser.mjs [BATCH=500] [MESSAGES=20000]
import fs from 'node:fs';
import path from 'node:path';
import { launchPlain, startServer } from '../tests/browser/helpers.mjs';
import { CHECK_EVERY, ROOT, benchSample, checkAnswer } from './sample.mjs';

if (!fs.existsSync(path.join(ROOT, 'build/pkg/sentinelle_bg.wasm'))) throw new Error('build/pkg is missing: run bash scripts/build-wasm.sh');
const batchSize = Number(process.argv[2] || 500);
const total = Number(process.argv[3] || 20000);
const sample = benchSample(total);

const server = await startServer();
const browser = await launchPlain();
try {
  const page = await browser.newPage();
  await page.goto(server.url + 'triage.html');
  const result = await page.evaluate(async ({ sample, batchSize, every }) => {
    const m = await import('/pkg/sentinelle.js');
    // As the extension's background calls it: through extension/lib/engine.js, without the map
    // of every category's score.
    const { triage, triageOptions } = await import('/lib/engine.js');
    const options = triageOptions({}, 3, { scores: false });
    await m.default({ module_or_path: '/pkg/sentinelle_bg.wasm' });
    const engine = new m.Engine();
    const run = () => {
      const s = performance.now();
      for (let i = 0; i < sample.length; i += batchSize) triage(engine, sample.slice(i, i + batchSize), options);
      return performance.now() - s;
    };
    run(); // warm-up
    const times = [run(), run(), run(), run(), run()].sort((a, b) => a - b);
    // What Node checks (bench/sample.mjs answerOf; the page's CSP forbids evaluating its source here).
    const verdicts = [];
    for (let i = 0; i < sample.length; i += batchSize) verdicts.push(...triage(engine, sample.slice(i, i + batchSize), options));
    const pairs = [];
    for (let i = 0; i < sample.length; i += every) pairs.push([i, verdicts[i], triage(engine, [sample[i]], options)[0]]);
    return { times, answer: { ids: verdicts.map((v) => v.id), pairs }, version: navigator.userAgent };
  }, { sample, batchSize, every: CHECK_EVERY });
  const checked = checkAnswer(result.answer, sample);
  const per = (ms) => ((ms * 1000) / sample.length).toFixed(1);
  const t = result.times;
  console.log(result.version);
  console.log(`${sample.length} messages of 200 characters, batches of ${batchSize}: median ${per(t[2])} µs/message (best ${per(t[0])}, worst ${per(t[4])}), including the crossing and the verdict objects, with the extension's options; answer checked on ${checked} messages`);
} finally {
  await browser.close();
  server.stop();
}
