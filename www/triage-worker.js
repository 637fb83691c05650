// The triage page's worker: the same wasm engine as the page and the extension, off the main
// thread, so a file of tens of thousands of rows never freezes the page.
//
//   page ──{type:'run', file | text, format, mapping?, batch}──▶ worker
//   page ──{type:'preview', seq, text, format}──▶ worker ──▶ {type:'preview', seq, …ingestPreview} (mapping.js)
//        ◀─{type:'ready', version, plan} | {type:'failed', message}       (once, at start)
//        ◀─{type:'ingested', format, total, errors, warnings}             (the engine's own reader)
//        ◀─{type:'batch', start, numbers, text, …columns, done, rate}     (per batch, see `columns`)
//        ◀─{type:'done', done, ms} | {type:'error', message}
//        ◀─{type:'review', report, final}   the post-crisis review (src/review): its numbers and
//                                            charts, about once a second while a run goes on
//   page ──{type:'mark', index, routine}──▶ the agent's reading of a row; a new review comes back
//   page ──{type:'labels', labels}──▶ the charts in another language; a new review comes back
//   An incident log (the extension's export: counts and times, no text) sent as a run gives a
//   review alone, with no rows.
//
// Verdicts cross as the engine's packed stream (src/web/packed.rs), its numbers' buffer
// transferred, not copied; the page unpacks a batch only when it draws or exports one of its rows.
// Beside it go the few facts the page counts, filters and sorts by, one column each (typed arrays
// where they are numbers): 40,000 rows are then a few arrays on the page, not 40,000 verdict
// objects for its garbage collector to walk. Cancel is the page terminating this worker: nothing
// here needs to yield.
import * as glue from '/pkg/sentinelle.js';
import { startEngine, triagePacked, triageOptions, unpackVerdicts } from '/lib/engine.js';

/** Rows per engine call: small enough that progress moves often, big enough to cost one call. */
const DEFAULT_BATCH = 500;
/** The review is redrawn at most this often while a run goes on (ms). */
const REVIEW_EVERY_MS = 1000;

/** The run's review (a wasm `Review`) and the chart labels the page asked for. */
let review = null;
let labels = null;

const started = startEngine(glue, { wasm: '/pkg/sentinelle_bg.wasm' });
started.then(
  (s) => postMessage({ type: 'ready', version: s.version, plan: s.plan.name }),
  (e) => postMessage({ type: 'failed', message: String(e?.message ?? e) }),
);

/**
 * A batch's messages and verdicts as columns: `lines`, `times` and `replied` (when it was answered;
 * NaN: none), `primary` and
 * `severity` (indices in the engine's taxonomy() lists), `sortTime` (the message's time, else its
 * reply-by, else its line), and the strings `ids`, `texts`, `authors`, `langs` (the verdict's),
 * `platforms`.
 */
function columns(messages, verdicts, taxonomy) {
  const n = messages.length;
  const out = {
    lines: new Float64Array(n), times: new Float64Array(n), replied: new Float64Array(n), sortTime: new Float64Array(n),
    primary: new Uint8Array(n), severity: new Uint8Array(n),
    ids: new Array(n), texts: new Array(n), authors: new Array(n), langs: new Array(n), platforms: new Array(n),
  };
  for (let i = 0; i < n; i++) {
    const m = messages[i];
    const v = verdicts[i];
    out.lines[i] = m.line;
    out.times[i] = Number.isFinite(m.time) ? m.time : NaN;
    out.replied[i] = Number.isFinite(m.repliedAt) ? m.repliedAt : NaN;
    out.sortTime[i] = Number.isFinite(m.time) ? m.time : Number.isFinite(v.replyBy) ? v.replyBy : m.line;
    out.primary[i] = taxonomy.categories.indexOf(v.primary);
    out.severity[i] = taxonomy.severities.indexOf(v.severity);
    out.ids[i] = String(m.id ?? m.line);
    out.texts[i] = m.text;
    out.authors[i] = m.author ?? '';
    out.langs[i] = v.lang || m.lang || '';
    out.platforms[i] = m.platform ?? '';
  }
  return out;
}

const transfers = (c) => [c.lines.buffer, c.times.buffer, c.replied.buffer, c.sortTime.buffer, c.primary.buffer, c.severity.buffer];

function postReview(final) {
  if (review) postMessage({ type: 'review', report: review.report(labels), final });
}

/** Whether `input` is the extension's incident log rather than messages. */
const isIncidentLog = (input) => /^\s*\{/.test(input) && input.slice(0, 400).includes('"sentinelle-incident-log"');

async function run({ file, text, format = 'auto', mapping, batch = DEFAULT_BATCH, labels: asked }) {
  const { engine } = await started;
  const taxonomy = glue.taxonomy();
  const input = file ? await file.text() : String(text ?? '');
  labels = asked ?? null;
  review?.free();
  review = null;
  if (isIncidentLog(input)) {
    review = glue.Review.fromIncidentLog(engine, input);
    postMessage({ type: 'ingested', format: 'incident-log', total: 0, errors: [], warnings: [] });
    postReview(true);
    postMessage({ type: 'done', done: 0, ms: 0 });
    return;
  }
  review = new glue.Review(engine);
  const parsed = glue.ingest(input, format, mapping ?? undefined);
  const messages = parsed.messages;
  postMessage({ type: 'ingested', format: parsed.format, total: messages.length, errors: parsed.errors, warnings: parsed.warnings });
  // Every category's score stays in: the exports carry them (the CLI's JSONL does too).
  const options = triageOptions({}, 1);
  const t0 = performance.now();
  let reviewed = t0;
  // Slow start (50, 100, 200, … rows): the page's first batches run its code cold, so they are
  // kept small enough to stay well under a frame; the first rows also show sooner.
  let size = Math.min(50, batch);
  for (let start = 0; start < messages.length; start += size, size = Math.min(size * 2, batch)) {
    const slice = messages.slice(start, start + size);
    const [numbers, packedText] = triagePacked(engine, slice, options, review);
    const cols = columns(slice, unpackVerdicts(numbers, packedText), taxonomy);
    const done = start + slice.length;
    const rate = done / Math.max((performance.now() - t0) / 1000, 1e-3);
    postMessage({ type: 'batch', start, numbers, text: packedText, ...cols, done, rate }, [numbers.buffer, ...transfers(cols)]);
    if (performance.now() - reviewed >= REVIEW_EVERY_MS && done < messages.length) {
      postReview(false);
      reviewed = performance.now();
    }
  }
  postMessage({ type: 'done', done: messages.length, ms: performance.now() - t0 });
  postReview(true);
}

/** The start of an export, for the mapping panel (www/mapping.js). */
async function preview({ seq, text, format = 'auto' }) {
  await started;
  // An incident log has no columns to map: it opens the review as it is.
  if (isIncidentLog(String(text ?? ''))) return postMessage({ type: 'preview', seq, failed: 'an incident log' });
  try {
    postMessage({ type: 'preview', seq, ...glue.ingestPreview(String(text ?? ''), format, undefined) });
  } catch (e) {
    postMessage({ type: 'preview', seq, failed: String(e?.message ?? e) });
  }
}

addEventListener('message', (event) => {
  const data = event.data;
  const failed = (e) => postMessage({ type: 'error', message: String(e?.message ?? e) });
  try {
    switch (data?.type) {
      case 'preview':
        preview(data).catch(() => {});
        break;
      case 'run':
        run(data).catch(failed);
        break;
      case 'mark':
        review?.markRoutine(data.index, Boolean(data.routine));
        postReview(true);
        break;
      case 'labels':
        labels = data.labels;
        postReview(true);
        break;
    }
  } catch (e) {
    failed(e);
  }
});
