// The standalone triage page: a dashboard over the extension's engine, run in a worker.
//
//   input (textarea / picked or dropped file)
//     ─▶ triage-worker.js: engine's ingest ─▶ line errors (listed) + messages
//                          ─▶ engine.triagePacked per batch of 500 ─▶ packed verdicts + progress
//     ─▶ this page: columns (primary, severity, lang, time, text…) + the packed batches + counts
//                   ─▶ view (filter, search, sort: row indices)
//                   ─▶ table drawing only the rows in view (virtualised, evidence as <mark> text);
//                      a batch is unpacked (unpackVerdicts) when one of its rows is drawn
//                   ─▶ exports: JSONL, CSV (`,`/`;`, BOM), .xlsx — unpacked a batch at a time
//     ◀─ the worker's review (src/review): charts under the counts; the post-crisis report
//        (review.js), printed by the browser; rows the agent marks routine go back to it
//
// The main thread only appends a batch's columns, counts it and draws the few rows in view on the
// next animation frame, a few new rows a frame: nothing here is proportional to the file except
// the view's filter and sort, which run at most once a frame and in a few milliseconds for 40,000
// rows. Verdict objects exist only for the batches being drawn, so the garbage collector has
// little to walk while a big file runs.
//
// /pkg/ is the wasm build and /lib/ the extension's own lib/ (scripts/serve.mjs): no copy here.
import { unpackVerdicts } from '/lib/engine.js';
import '/lib/i18n.js';
import '/lib/verdict.js';
import { translatorFor, labelsFor, showChartsPaced, showReview } from './review.js';
import * as mapping from './mapping.js';

const { i18n, verdict: V, taxonomy: TAXONOMY } = globalThis.Sentinelle;
const $ = (id) => document.getElementById(id);
/** Pixels per table row (the CSS's `#verdicts tr` height): the scroll position gives the rows to draw. */
const ROW_HEIGHT = 64;
/** Rows drawn above and below the viewport, so a scroll of a few rows shows no blank. */
const OVERSCAN = 6;
/** New table rows built per animation frame (rows already drawn are kept). */
const ROWS_PER_FRAME = 5;
/** Line problems listed in the page; the rest are counted. */
const MAX_PROBLEMS = 200;
/** Batches unpacked into verdict objects at a time (the ones whose rows are drawn). */
const UNPACKED_BATCHES = 8;
/** Rows per slice when an export is built, with a pause between slices for the page to breathe. */
const EXPORT_SLICE = 2000;

const EXAMPLE = [
  'Merci pour la livraison rapide, produit au top !',
  '😡 Vous êtes des escrocs, vous avez encaissé mon argent sans livrer.',
  'Do you ship to Canada?',
  'My order arrived broken and nobody answers my emails.',
  'Votre crème donne le cancer, partagez avant que ce soit supprimé !',
  'The cashier in your Leeds store shouted at me and called me stupid.',
].join('\n');

const SEVERITY_RANK = Object.fromEntries(V.SEVERITIES.map((s, i) => [s, i]));
const CATEGORY_RANK = Object.fromEntries(V.CATEGORIES.map((c, i) => [c, i]));

let t = (k) => k;
let uiLang = 'en';
/** The last review the worker sent, and the language the report is read in (with its translator). */
let report = null;
const reviewReader = { lang: 'en', t: (k) => k };
let worker = null;
let engineInfo = null;
/** The picked or dropped file, triaged instead of the text box until the box is edited. */
let source = null;

/** The current run: its rows as columns in file order (`newRun`), its packed batches, its counts. */
let run = null;
const view = { indices: [], sort: 'line', dir: 1, filter: { category: '', severity: '', lang: '', platform: '', search: '' } };
/** Slowest piece of work this page did in one go (ms): a check that nothing blocks. */
let slowest = 0;

/** `fn`, timed: the slowest call (and what it was) goes to body[data-slowest-ms] / [data-slowest]. */
function timed(fn, name = fn.name) {
  return (...args) => {
    const t0 = performance.now();
    try {
      return fn(...args);
    } finally {
      const ms = performance.now() - t0;
      if (ms > slowest) {
        slowest = ms;
        document.body.dataset.slowestMs = slowest.toFixed(1);
        document.body.dataset.slowest = name + (args[0]?.data?.type ? ':' + args[0].data.type : '');
      }
    }
  };
}

async function loadStrings() {
  const lang = i18n.uiLanguage();
  const [ext, page] = await Promise.all(
    [`/_locales/${lang}/messages.json`, `locales/${lang}.json`].map((u) => fetch(u).then((r) => (r.ok ? r.json() : {}))),
  );
  t = i18n.translator(i18n.fromCatalog({ ...ext, ...page }));
  uiLang = lang;
  Object.assign(reviewReader, { lang, t });
  document.documentElement.lang = lang;
  numberFormat = new Intl.NumberFormat(lang);
  dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' });
  i18n.apply(document, t);
}

// Formatters are built once: each toLocaleString call would build a new one.
let numberFormat = new Intl.NumberFormat('en');
let dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'short', timeStyle: 'short' });
const number = (n) => numberFormat.format(Math.round(n));

function li(text, className) {
  const item = document.createElement('li');
  item.textContent = text;
  if (className) item.className = className;
  return item;
}

function showProblems(errors, warnings) {
  const text = (p) => (p.line ? t('triageLine', [String(p.line), p.message]) : p.message);
  const all = [...errors.map((e) => [e, '']), ...warnings.map((w) => [w, 'warning'])];
  const items = all.slice(0, MAX_PROBLEMS).map(([p, cls]) => li(text(p), cls));
  if (all.length > MAX_PROBLEMS) items.push(li(t('triageMoreProblems', [number(all.length - MAX_PROBLEMS)])));
  const skipped = errors.filter((e) => e.line).length;
  if (skipped) items.unshift(li(t('triageSkipped', [String(skipped)])));
  $('errors').replaceChildren(...items);
  $('problems').hidden = items.length === 0;
}

// ---- the worker --------------------------------------------------------------------------

function startWorker() {
  worker = new Worker('triage-worker.js', { type: 'module' });
  worker.addEventListener('message', timed(onWorkerMessage));
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    if (!engineInfo) engineFailed(e.message || 'the worker did not start');
    else runFailed(e.message || 'the worker stopped');
  });
}

function engineFailed(message) {
  $('engine').textContent = t('triageEngineFailed', [message]);
  $('engine').className = 'error';
  document.body.dataset.engine = 'error';
}

function onWorkerMessage({ data }) {
  switch (data.type) {
    case 'ready':
      engineInfo = data;
      $('engine').textContent = t('triageReady', [data.version, data.plan]);
      $('run').disabled = false;
      document.body.dataset.engine = 'ready';
      break;
    case 'failed':
      engineFailed(data.message);
      break;
    case 'ingested':
      onIngested(data);
      break;
    case 'batch':
      onBatch(data);
      break;
    case 'done':
      onDone(data);
      break;
    case 'review':
      onReview(data);
      break;
    case 'error':
      runFailed(data.message);
      break;
    case 'preview':
      mapping.onPreview(data);
      break;
  }
}

function setRunning(running) {
  $('run').disabled = running || !engineInfo;
  $('cancel').hidden = !running;
  $('progress-row').hidden = false;
}

function startRun(event) {
  event.preventDefault();
  const text = $('input').value;
  if (!source && !text.trim()) {
    showProblems([{ line: 0, message: t('triageNothing') }], []);
    $('results').hidden = true;
    return;
  }
  const columns = mapping.chosen();
  if (columns?.error) {
    showProblems([{ line: 0, message: columns.error }], []);
    return;
  }
  run = newRun();
  report = null;
  closeReview();
  $('charts').replaceChildren();
  slowest = 0;
  view.indices = [];
  drawn = new Map();
  $('verdicts').querySelector('tbody').replaceChildren();
  showProblems([], []);
  $('progress').value = 0;
  $('rate').textContent = '';
  document.body.dataset.run = 'running';
  setRunning(true);
  // A file goes as it is (a Blob is handed over, not copied): the worker reads it.
  const labels = labelsFor(reviewReader.t, reviewReader.lang, TAXONOMY);
  worker.postMessage({ type: 'run', format: columns?.format ?? $('format').value, mapping: columns?.mapping, labels, ...(source ? { file: source } : { text }) });
}

/** The columns are those the worker sends (triage-worker.js `columns`); `batchOf[i]`: row i's batch. */
const COLUMNS_IN = ['lines', 'times', 'replied', 'sortTime', 'primary', 'severity', 'ids', 'texts', 'authors', 'langs', 'platforms'];
function newRun() {
  const r = { total: 0, done: 0, format: '', tally: V.tally([]), langSet: new Set(), platformSet: new Set(), started: performance.now() };
  for (const c of COLUMNS_IN) r[c] = [];
  Object.assign(r, { batchOf: [], search: [], batches: [], unpacked: [], marked: new Set() });
  return r;
}
const rowCount = () => run?.lines.length ?? 0;

/** Row i's verdict, unpacking its batch (kept for the last UNPACKED_BATCHES batches asked). */
function verdictOf(i) {
  const b = run.batches[run.batchOf[i]];
  if (!b.verdicts) {
    b.verdicts = unpackVerdicts(b.numbers, b.text);
    run.unpacked.push(b);
    if (run.unpacked.length > UNPACKED_BATCHES) run.unpacked.shift().verdicts = null;
  }
  return b.verdicts[i - b.start];
}

/** Row i's message as the engine's reader gave it (the fields the page keeps). */
function messageOf(i) {
  const m = { line: run.lines[i], id: run.ids[i], text: run.texts[i] };
  if (run.authors[i]) m.author = run.authors[i];
  if (Number.isFinite(run.times[i])) m.time = run.times[i];
  if (Number.isFinite(run.replied[i])) m.repliedAt = run.replied[i];
  if (run.platforms[i]) m.platform = run.platforms[i];
  if (run.langs[i]) m.lang = run.langs[i];
  return m;
}

function onIngested(data) {
  run.total = data.total;
  run.format = data.format;
  $('progress').max = Math.max(data.total, 1);
  showProblems(data.errors, data.warnings);
  if (data.format === 'incident-log') {
    // Counts and times only: the review is all there is to show.
    $('results').hidden = true;
    return;
  }
  if (!data.total) {
    $('results').hidden = true;
    finish('done');
    return;
  }
  $('results').hidden = false;
  refreshFilters();
  showCounts();
}

function onBatch(data) {
  const n = data.lines.length;
  const batch = run.batches.length;
  run.batches.push({ start: data.start, numbers: data.numbers, text: data.text, verdicts: null });
  for (const c of COLUMNS_IN) {
    const col = run[c];
    const src = data[c];
    for (let k = 0; k < n; k++) col.push(src[k]);
  }
  for (let k = 0; k < n; k++) {
    run.batchOf.push(batch);
    run.search.push(null);
    run.tally.category[V.CATEGORIES[data.primary[k]]] += 1;
    run.tally.severity[V.SEVERITIES[data.severity[k]]] += 1;
    if (data.langs[k]) run.langSet.add(data.langs[k]);
    if (data.platforms[k]) run.platformSet.add(data.platforms[k]);
  }
  run.tally.total += n;
  run.done = data.done;
  $('progress').value = data.done;
  $('rate').textContent = t('triageProgress', [number(data.done), number(run.total), number(data.rate)]);
  scheduleView();
}

function onDone(data) {
  const seconds = data.ms / 1000;
  $('rate').textContent = t('triageFinished', [number(data.done), seconds.toFixed(2), number(data.done / Math.max(seconds, 1e-3))]);
  document.body.dataset.runMs = Math.round(data.ms);
  finish('done');
}

function runFailed(message) {
  showProblems([{ line: 0, message: t('triageFailed', [String(message)]) }], []);
  if (run) finish('failed');
}

/** Cancel: the worker is stopped where it is (mid-batch too) and a fresh one loads for the next run. */
function cancel() {
  if (document.body.dataset.run !== 'running') return;
  worker.terminate();
  engineInfo = null;
  $('rate').textContent = t('triageCancelled', [number(run.done), number(run.total)]);
  finish('cancelled');
  startWorker();
}

function finish(state) {
  setRunning(false);
  scheduleView();
  document.body.dataset.run = state;
}

// ---- counts, filters, the view ----------------------------------------------------------------

function showCounts() {
  $('summary').textContent = t('triageSummary', [String(run.tally.total), run.format]);
  const items = V.countItems(document, t, run.tally);
  $('severity-counts').replaceChildren(...items.severity);
  $('category-counts').replaceChildren(...items.category);
}

function option(value, label) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  return o;
}

/** The filters' choices: the engine's categories and severities, the languages and platforms seen. */
function refreshFilters() {
  const fill = (id, all, values, label) => {
    const select = $(id);
    const keep = select.value;
    const sig = values.join('\n');
    if (select.dataset.values === sig) return;
    select.dataset.values = sig;
    select.replaceChildren(option('', t(all)), ...values.map((v) => option(v, label(v))));
    select.value = values.includes(keep) ? keep : '';
  };
  fill('filter-category', 'triageAllCategories', V.CATEGORIES, (c) => t('category_' + c));
  fill('filter-severity', 'triageAllSeverities', V.SEVERITIES, (s) => t('severity_' + s));
  fill('filter-lang', 'triageAllLanguages', run ? [...run.langSet].sort() : [], (l) => l);
  fill('filter-platform', 'triageAllPlatforms', run ? [...run.platformSet].sort() : [], (p) => p);
}

/** Whether row i passes the filters: `f` as in view.filter with category and severity as indices. */
function matches(i, f, needle) {
  if (f.category >= 0 && run.primary[i] !== f.category) return false;
  if (f.severity >= 0 && run.severity[i] !== f.severity) return false;
  if (f.lang && run.langs[i] !== f.lang) return false;
  if (f.platform && run.platforms[i] !== f.platform) return false;
  if (needle) {
    run.search[i] ??= `${run.texts[i]}\n${run.ids[i]}\n${run.authors[i]}`.toLowerCase();
    if (!run.search[i].includes(needle)) return false;
  }
  return true;
}

const SORT_KEYS = {
  line: (i) => run.lines[i],
  // Most severe first when descending: the rank is the engine's order (routine → crisis).
  severity: (i) => run.severity[i],
  category: (i) => run.primary[i],
  // The message's time, else its deadline, else its line (the worker's sortTime).
  time: (i) => run.sortTime[i],
};

/** Filter and sort into `view.indices`. Incremental while rows arrive in file order unsorted. */
function updateView() {
  if (!run) return;
  const f = { ...view.filter, category: V.CATEGORIES.indexOf(view.filter.category), severity: V.SEVERITIES.indexOf(view.filter.severity) };
  const needle = view.filter.search.trim().toLowerCase();
  const total = rowCount();
  const signature = JSON.stringify(view.filter);
  const incremental = view.sort === 'line' && view.dir === 1 && view.builtFor === run && view.builtFilter === signature;
  const from = incremental ? view.builtTo : 0;
  if (!incremental) view.indices = [];
  for (let i = from; i < total; i++) if (matches(i, f, needle)) view.indices.push(i);
  if (view.sort !== 'line' || view.dir !== 1) {
    const key = SORT_KEYS[view.sort];
    const keys = new Float64Array(total);
    for (const i of view.indices) keys[i] = key(i);
    const dir = view.dir;
    view.indices.sort((a, b) => (keys[a] - keys[b]) * dir || a - b);
  }
  view.builtFor = run;
  view.builtTo = total;
  view.builtFilter = signature;
  $('sizer').style.height = `${view.indices.length * ROW_HEIGHT}px`;
  $('shown').textContent = t('triageShown', [number(view.indices.length), number(total)]);
  refreshFilters();
  showCounts();
}

let frame = 0;
let viewDirty = false;
/** Work for the next animation frame: the view when rows or filters changed, and the rows in view. */
function scheduleView(dirty = true) {
  viewDirty ||= dirty;
  $('verdicts').querySelector('tbody').dataset.complete = 'false';
  if (frame) return;
  frame = requestAnimationFrame(timed(function frameWork() {
    frame = 0;
    // Read before anything is written: reading layout after a write would force a layout here.
    const vp = $('viewport');
    const scrollTop = vp.scrollTop;
    const height = vp.clientHeight;
    if (viewDirty) {
      viewDirty = false;
      updateView();
    }
    draw(scrollTop, height);
  }));
}

const dateTime = (date) => dateFormat.format(date);

function cell(content, className) {
  const td = document.createElement('td');
  if (className) td.className = className;
  const clip = document.createElement('div');
  clip.className = 'clip';
  clip.append(content);
  td.append(clip);
  return td;
}

function row(index) {
  const m = messageOf(index);
  const v = verdictOf(index);
  const tr = document.createElement('tr');
  tr.dataset.severity = v.severity;
  tr.dataset.category = v.primary;
  tr.dataset.index = index;
  const category = document.createDocumentFragment();
  const top = v.categories[0];
  category.append(t('category_' + v.primary));
  if (top) {
    const score = document.createElement('div');
    score.className = 'score';
    score.textContent = top.score.toFixed(2);
    category.append(score);
  }
  const d = V.deadlineLabel(v, t, dateTime);
  const reply = document.createDocumentFragment();
  const first = v.replies[0]?.text ?? '';
  if (first) {
    const copy = document.createElement('button');
    copy.type = 'button';
    copy.className = 'copy secondary';
    copy.textContent = t('triageCopy');
    reply.append(copy);
  }
  reply.append(first);
  const severity = document.createDocumentFragment();
  severity.append(t('severity_' + v.severity));
  if (v.severity !== 'routine') {
    const marked = run.marked.has(index);
    const mark = document.createElement('button');
    mark.type = 'button';
    mark.className = 'mark secondary';
    mark.setAttribute('aria-pressed', String(marked));
    mark.title = t('reviewMarkHint');
    mark.textContent = t(marked ? 'reviewMarkedRoutine' : 'reviewMarkRoutine');
    severity.append(mark);
  }
  tr.append(
    cell(String(m.line), 'line'),
    cell(severity, 'severity'),
    cell(category, 'category'),
    cell(V.highlight(document, m.text, V.allEvidence(v)), 'message'),
    cell(t('response_' + v.response), 'response'),
    cell(d.text, d.overdue ? 'overdue' : ''),
    cell(reply, 'reply'),
  );
  return tr;
}

/** The rows drawn now, by row index: a row once built is reused while it stays in view. */
let drawn = new Map();

/**
 * Draws the rows the viewport shows (plus a few), nothing else, and at most ROWS_PER_FRAME new
 * ones a frame, top first: a first screen of rows is then laid out over a few frames instead of
 * one long one. `tbody[data-complete]` says when every row in view is there.
 */
function draw(scrollTop, height) {
  const body = $('verdicts').querySelector('tbody');
  if (!run) {
    drawn = new Map();
    body.replaceChildren();
    body.dataset.complete = 'true';
    return;
  }
  if (drawn.run !== run) {
    drawn = new Map();
    drawn.run = run;
  }
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const count = Math.ceil((height || 640) / ROW_HEIGHT) + 2 * OVERSCAN;
  const wanted = view.indices.slice(first, first + count);
  const rows = [];
  let budget = ROWS_PER_FRAME;
  for (const i of wanted) {
    let tr = drawn.get(i);
    if (!tr) {
      if (budget-- <= 0) break;
      tr = row(i);
    }
    rows.push(tr);
  }
  drawn = new Map(rows.map((tr) => [Number(tr.dataset.index), tr]));
  drawn.run = run;
  $('verdicts').style.top = `${first * ROW_HEIGHT}px`;
  // Only what changed: rows that stay are not taken out and put back (that would lay them out again).
  const now = body.children;
  const same = now.length <= rows.length && rows.every((tr, k) => k >= now.length || now[k] === tr);
  if (same) body.append(...rows.slice(now.length));
  else body.replaceChildren(...rows);
  const complete = rows.length === wanted.length;
  body.dataset.complete = String(complete);
  if (!complete) scheduleView(false);
}

function setSort(key) {
  if (view.sort === key) view.dir = -view.dir;
  else {
    view.sort = key;
    // Severity and time read best newest / most severe first.
    view.dir = key === 'severity' || key === 'time' ? -1 : 1;
  }
  for (const b of document.querySelectorAll('button.sort')) {
    if (b.dataset.sort === view.sort) b.setAttribute('aria-sort', view.dir > 0 ? 'ascending' : 'descending');
    else b.removeAttribute('aria-sort');
  }
  $('viewport').scrollTop = 0;
  scheduleView();
}

function onFilter() {
  view.filter = {
    category: $('filter-category').value,
    severity: $('filter-severity').value,
    lang: $('filter-lang').value,
    platform: $('filter-platform').value,
    search: $('search').value,
  };
  $('viewport').scrollTop = 0;
  scheduleView();
}

async function copyReply(event) {
  const button = event.target.closest('button.copy');
  if (!button) return;
  const tr = button.closest('tr');
  const text = run ? verdictOf(Number(tr.dataset.index)).replies[0]?.text ?? '' : '';
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = t('triageCopied');
  } catch {
    // No clipboard permission (a plain http page, a denied prompt): select the text instead.
    getSelection().selectAllChildren(tr.querySelector('td.reply .clip'));
  }
}

// ---- charts and the post-crisis review ----------------------------------------------------

async function onReview({ report: next, final }) {
  report = next;
  if (run?.format === 'incident-log') {
    openReview();
  } else if (!$('results').hidden) {
    $('open-review').disabled = false;
    if (!(await showChartsPaced($('charts'), next))) return; // a newer review came meanwhile
  }
  if (!$('review').hidden) showReview($('review-report'), report, reviewReader.t, reviewReader.lang);
  if (final) document.body.dataset.review = 'ready';
}

function openReview() {
  if (!report) return;
  showReview($('review-report'), report, reviewReader.t, reviewReader.lang);
  $('review').hidden = false;
  document.body.dataset.view = 'review';
  $('review').scrollIntoView();
}

function closeReview() {
  $('review').hidden = true;
  delete document.body.dataset.view;
}

/** The report in another language: the worker redraws the charts' labels, this page the rest. */
async function setReviewLanguage(lang) {
  const t2 = lang === uiLang ? t : await translatorFor(lang);
  Object.assign(reviewReader, { lang, t: t2 });
  delete document.body.dataset.review;
  worker.postMessage({ type: 'labels', labels: labelsFor(t2, lang, TAXONOMY) });
}

/** The agent's reading of a row: routine after all. The review's "what to adjust" follows. */
function markRoutine(event) {
  const button = event.target.closest('button.mark');
  if (!button || !run) return;
  const index = Number(button.closest('tr').dataset.index);
  const routine = !run.marked.has(index);
  if (routine) run.marked.add(index);
  else run.marked.delete(index);
  button.setAttribute('aria-pressed', String(routine));
  button.textContent = t(routine ? 'reviewMarkedRoutine' : 'reviewMarkRoutine');
  delete document.body.dataset.review;
  worker.postMessage({ type: 'mark', index, routine });
}

// ---- exports ---------------------------------------------------------------------------

const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Calls `each(message, verdict)` for every row in file order, a batch unpacked at a time (and let
 * go), pausing every EXPORT_SLICE rows so the page stays responsive.
 */
async function everyRow(each) {
  let since = 0;
  for (const b of run.batches) {
    const verdicts = b.verdicts ?? unpackVerdicts(b.numbers, b.text);
    for (let k = 0; k < verdicts.length; k++) each(messageOf(b.start + k), verdicts[k]);
    since += verdicts.length;
    if (since >= EXPORT_SLICE) {
      since = 0;
      await pause();
    }
  }
}

/** Every verdict as one JSON line, with the message's line and text (as the page always wrote). */
async function exportJsonl() {
  if (!run) return;
  const parts = [];
  await everyRow((m, v) => parts.push(JSON.stringify({ line: m.line, text: m.text, ...v }) + '\n'));
  save(new Blob(parts, { type: 'application/jsonl' }), 'sentinelle-verdicts.jsonl');
}

/** The columns of the CSV and .xlsx exports: the CLI's CSV columns, plus where the row came from. */
const COLUMNS = ['line', 'id', 'lang', 'platform', 'time', 'primary', 'categories', 'severity', 'response', 'reply_within_minutes', 'reply_by', 'evidence', 'reply', 'text'];
function flat(m, v) {
  const iso = (ms) => (Number.isFinite(ms) ? new Date(ms).toISOString() : '');
  return [
    m.line, v.id, v.lang, m.platform ?? '', iso(m.time), v.primary,
    v.categories.map((c) => `${c.category}:${c.score.toFixed(2)}`).join(' '),
    v.severity, v.response, v.replyWithinMinutes, iso(v.replyBy),
    v.categories.flatMap((c) => c.evidence.map((e) => e.text)).join(' | '),
    v.replies[0]?.text ?? '', m.text,
  ];
}

async function exportCsv() {
  if (!run) return;
  const delimiter = $('csv-separator').value;
  const parts = [$('csv-bom').checked ? '\uFEFF' : ''];
  let data = [];
  // escapeFormulae: a comment that starts with "=" must not run as a formula in a spreadsheet.
  const flush = () => {
    parts.push(globalThis.Papa.unparse(parts.length === 1 ? { fields: COLUMNS, data } : data, { delimiter, newline: '\r\n', escapeFormulae: true }) + '\r\n');
    data = [];
  };
  await everyRow((m, v) => {
    data.push(flat(m, v));
    if (data.length === EXPORT_SLICE) flush();
  });
  if (data.length || parts.length === 1) flush();
  save(new Blob(parts, { type: 'text/csv;charset=utf-8' }), 'sentinelle-verdicts.csv');
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`${src} did not load`));
    document.head.append(s);
  });
}

async function exportXlsx() {
  if (!run) return;
  if (!globalThis.writeXlsxFile) await loadScript('/lib/vendor/write-excel-file.min.js');
  const data = [COLUMNS.map((value) => ({ value, fontWeight: 'bold' }))];
  await everyRow((m, v) => data.push(flat(m, v).map((value) => (typeof value === 'number' ? { value, type: Number } : { value: String(value), type: String }))));
  const columns = COLUMNS.map((c) => ({ width: c === 'text' || c === 'reply' ? 60 : c === 'evidence' || c === 'categories' ? 30 : 14 }));
  save(await globalThis.writeXlsxFile([{ sheet: 'Sentinelle', data, columns }]).toBlob(), 'sentinelle-verdicts.xlsx');
}

// ---- input -----------------------------------------------------------------------------

function useFile(file) {
  if (!file) return;
  source = file;
  $('source').textContent = t('triageSource', [file.name, number(file.size / 1024)]);
  $('source').hidden = false;
  mapping.useFile(file);
}

function useText() {
  source = null;
  $('file').value = '';
  $('source').hidden = true;
  mapping.useText($('input').value);
}

function onDrop(event) {
  event.preventDefault();
  $('input-form').classList.remove('dragging');
  const file = event.dataTransfer?.files?.[0];
  if (file) useFile(file);
}

$('input-form').addEventListener('submit', startRun);
$('cancel').addEventListener('click', cancel);
$('download').addEventListener('click', exportJsonl);
$('export-csv').addEventListener('click', exportCsv);
$('export-xlsx').addEventListener('click', exportXlsx);
$('file').addEventListener('change', () => useFile($('file').files[0]));
$('input').addEventListener('input', useText);
$('example').addEventListener('click', () => { $('input').value = EXAMPLE; useText(); });
$('input-form').addEventListener('dragover', (e) => { e.preventDefault(); $('input-form').classList.add('dragging'); });
$('input-form').addEventListener('dragleave', () => $('input-form').classList.remove('dragging'));
$('input-form').addEventListener('drop', onDrop);
$('viewport').addEventListener('scroll', () => scheduleView(false), { passive: true });
for (const id of ['filter-category', 'filter-severity', 'filter-lang', 'filter-platform']) $(id).addEventListener('change', onFilter);
$('search').addEventListener('input', onFilter);
for (const b of document.querySelectorAll('button.sort')) b.addEventListener('click', () => setSort(b.dataset.sort));
$('verdicts').addEventListener('click', copyReply);
$('verdicts').addEventListener('click', markRoutine);
$('open-review').addEventListener('click', openReview);
$('close-review').addEventListener('click', closeReview);
$('print-review').addEventListener('click', () => print());
$('review-lang').addEventListener('change', () => setReviewLanguage($('review-lang').value));

/**
 * Lays out the results section once, off screen, with a sample row and count in the table's fonts
 * (accents, emoji), then hides it again. The first text the page shapes in a font and size makes
 * the browser look up fonts and fallbacks (tens of milliseconds on Linux): done here, at load,
 * instead of in the first frame of a run.
 */
function warmFonts() {
  const sample = 'Àéç ß “Aa” — … ’ 😡😑🙏👍✈️❤️🔥😂😭🤬💩 0123456789 #@';
  const results = $('results');
  results.classList.add('warming');
  results.hidden = false;
  $('summary').textContent = sample;
  $('severity-counts').replaceChildren(li(sample));
  const tr = document.createElement('tr');
  tr.dataset.severity = 'crisis';
  const mark = document.createElement('mark');
  mark.textContent = sample;
  const score = document.createElement('div');
  score.className = 'score';
  score.textContent = sample;
  const copy = document.createElement('button');
  copy.className = 'copy secondary';
  copy.textContent = sample;
  tr.append(cell(sample, 'line'), cell(sample, 'severity'), cell(score, 'category'), cell(mark, 'message'), cell(sample, 'response'), cell(sample, 'overdue'), cell(copy, 'reply'));
  $('verdicts').querySelector('tbody').replaceChildren(tr);
  requestAnimationFrame(() => requestAnimationFrame(() => {
    results.classList.remove('warming');
    if (run) return; // a run has started: it owns the section now
    results.hidden = true;
    $('summary').textContent = '';
    $('severity-counts').replaceChildren();
    $('verdicts').querySelector('tbody').replaceChildren();
  }));
}

await loadStrings();
$('review-lang').value = uiLang;
mapping.init({ after: $('source'), translate: () => t, send: (m) => worker.postMessage(m) });
refreshFilters();
warmFonts();
startWorker();
