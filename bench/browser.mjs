// The wasm engine's triage time per message in real Chromium (headless, the system's), in a page
// of the demo server, on the same real texts as bench/wasm.mjs (../shared/data, cut or
// padded to 200 characters). Prints numbers, and checks the answer it times (bench/sample.mjs).
//   node bench/browser.mjs [BATCH=500] [MESSAGES=20000]
// bench/run.mjs calls `browserBench` with its corpus and batches of 1 and 1,000.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchPlain, startServer } from '../tests/browser/helpers.mjs';
import { CHECK_EVERY, ROOT, benchSample, checkAnswer } from './sample.mjs';

/**
 * Triages `sample` in a Chromium page through extension/lib/engine.js, in batches of each size of
 * `batchSizes` (a warm-up, then the median of `runs`), after timing the wasm's instantiation
 * (fetch, compile, instantiate) and the engine's construction (default plan and model). Checks the
 * answer of the first batch size. Resolves `{userAgent, initMs, engineMs, bySize: {size: {median,
 * best, worst}} in µs a message, checked}`.
 */
export async function browserBench(sample, batchSizes, { runs = 5 } = {}) {
  if (!fs.existsSync(path.join(ROOT, 'build/pkg/sentinelle_bg.wasm'))) throw new Error('build/pkg is missing: run bash scripts/build-wasm.sh');
  const server = await startServer();
  const browser = await launchPlain();
  try {
    const page = await browser.newPage();
    await page.goto(server.url + 'triage.html');
    const result = await page.evaluate(async ({ sample, batchSizes, runs, every }) => {
      const m = await import('/pkg/sentinelle.js');
      // As the extension's background calls it: through extension/lib/engine.js, without the map
      // of every category's score.
      const { triage, triageOptions } = await import('/lib/engine.js');
      const options = triageOptions({}, 3, { scores: false });
      const t0 = performance.now();
      await m.default({ module_or_path: '/pkg/sentinelle_bg.wasm' });
      const t1 = performance.now();
      const engine = new m.Engine();
      const t2 = performance.now();
      const bySize = {};
      for (const batchSize of batchSizes) {
        const run = () => {
          const s = performance.now();
          for (let i = 0; i < sample.length; i += batchSize) triage(engine, sample.slice(i, i + batchSize), options);
          return performance.now() - s;
        };
        run(); // warm-up
        const times = Array.from({ length: runs }, run).sort((a, b) => a - b);
        const per = (ms) => (ms * 1000) / sample.length;
        bySize[batchSize] = { median: per(times[runs >> 1]), best: per(times[0]), worst: per(times[runs - 1]) };
      }
      // What Node checks (bench/sample.mjs answerOf; the page's CSP forbids evaluating its source here).
      const batchSize = batchSizes[0];
      const verdicts = [];
      for (let i = 0; i < sample.length; i += batchSize) verdicts.push(...triage(engine, sample.slice(i, i + batchSize), options));
      const pairs = [];
      for (let i = 0; i < sample.length; i += every) pairs.push([i, verdicts[i], triage(engine, [sample[i]], options)[0]]);
      return { bySize, initMs: t1 - t0, engineMs: t2 - t1, answer: { ids: verdicts.map((v) => v.id), pairs }, userAgent: navigator.userAgent };
    }, { sample, batchSizes, runs, every: CHECK_EVERY });
    const checked = checkAnswer(result.answer, sample);
    return { userAgent: result.userAgent, initMs: result.initMs, engineMs: result.engineMs, bySize: result.bySize, checked };
  } finally {
    await browser.close();
    server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const batchSize = Number(process.argv[2] || 500);
  const total = Number(process.argv[3] || 20000);
  const sample = benchSample(total);
  const r = await browserBench(sample, [batchSize]);
  const t = r.bySize[batchSize];
  console.log(r.userAgent);
  console.log(`${sample.length} messages of 200 characters, batches of ${batchSize}: median ${t.median.toFixed(1)} µs/message (best ${t.best.toFixed(1)}, worst ${t.worst.toFixed(1)}), including the crossing and the verdict objects, with the extension's options; answer checked on ${r.checked} messages`);
}
