// The triage page's worker: the same wasm engine as the page and the extension, off the main
// thread, so a file of tens of thousands of rows never freezes the page.
//
//   page ──{type:'run', file | text, format, batch}──▶ worker
//        ◀─{type:'ready', version, plan} | {type:'failed', message}       (once, at start)
//        ◀─{type:'ingested', format, total, errors, warnings}             (the engine's own reader)
//        ◀─{type:'batch', start, messages, numbers, text, done, rate}     (packed verdicts, per batch)
//        ◀─{type:'done', done, ms} | {type:'error', message}
//
// Verdicts cross as the engine's packed stream (src/web/packed.rs): the numbers' buffer is
// transferred, not copied, and the page unpacks it with unpackVerdicts. Cancel is the page
// terminating this worker: nothing here needs to yield.
import * as glue from '/pkg/sentinelle.js';
import { startEngine, triagePacked, triageOptions } from '/lib/engine.js';

/** Rows per engine call: small enough that progress moves often, big enough to cost one call. */
const DEFAULT_BATCH = 500;

const started = startEngine(glue, { wasm: '/pkg/sentinelle_bg.wasm' });
started.then(
  (s) => postMessage({ type: 'ready', version: s.version, plan: s.plan.name }),
  (e) => postMessage({ type: 'failed', message: String(e?.message ?? e) }),
);

/** What the table needs of a message besides its verdict: no more than that crosses back. */
function slim(m) {
  const out = { line: m.line, id: m.id, text: m.text };
  for (const k of ['author', 'time', 'platform', 'lang']) if (m[k] != null && m[k] !== '') out[k] = m[k];
  return out;
}

async function run({ file, text, format = 'auto', batch = DEFAULT_BATCH }) {
  const { engine } = await started;
  const input = file ? await file.text() : String(text ?? '');
  const parsed = glue.ingest(input, format);
  const messages = parsed.messages;
  postMessage({ type: 'ingested', format: parsed.format, total: messages.length, errors: parsed.errors, warnings: parsed.warnings });
  // Every category's score stays in: the exports carry them (the CLI's JSONL does too).
  const options = triageOptions({}, 1);
  const t0 = performance.now();
  for (let start = 0; start < messages.length; start += batch) {
    const slice = messages.slice(start, start + batch);
    const [numbers, packedText] = triagePacked(engine, slice, options);
    const done = start + slice.length;
    const rate = done / Math.max((performance.now() - t0) / 1000, 1e-3);
    postMessage({ type: 'batch', start, messages: slice.map(slim), numbers, text: packedText, done, rate }, [numbers.buffer]);
  }
  postMessage({ type: 'done', done: messages.length, ms: performance.now() - t0 });
}

addEventListener('message', (event) => {
  if (event.data?.type !== 'run') return;
  run(event.data).catch((e) => postMessage({ type: 'error', message: String(e?.message ?? e) }));
});
