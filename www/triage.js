// The standalone triage page: a dashboard over the extension's engine, run in a worker.
//
//   input (textarea / picked or dropped file)
//     ─▶ triage-worker.js: engine's ingest ─▶ line errors (listed) + messages
//                          ─▶ engine.triagePacked per batch of 500 ─▶ packed verdicts + progress
//     ─▶ this page: unpackVerdicts ─▶ rows[] + counts ─▶ view (filter, search, sort: indices)
//                   ─▶ table drawing only the rows in view (virtualised, evidence as <mark> text)
//                   ─▶ exports: JSONL, CSV (`,`/`;`, BOM), .xlsx — built a slice at a time
//
// The main thread only unpacks a batch, counts it and redraws the few rows in view on the next
// animation frame: nothing here is proportional to the file except the view's filter and sort,
// which run at most once a frame and in a few milliseconds for 40,000 rows.
//
// /pkg/ is the wasm build and /lib/ the extension's own lib/ (scripts/serve.mjs): no copy here.
import { unpackVerdicts } from '/lib/engine.js';
import '/lib/i18n.js';
import '/lib/verdict.js';

const { i18n, verdict: V } = globalThis.Sentinelle;
const $ = (id) => document.getElementById(id);
/** Pixels per table row (the CSS's `#verdicts tr` height): the scroll position gives the rows to draw. */
const ROW_HEIGHT = 64;
/** Rows drawn above and below the viewport, so a scroll of a few rows shows no blank. */
const OVERSCAN = 6;
/** Line problems listed in the page; the rest are counted. */
const MAX_PROBLEMS = 200;
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
let worker = null;
let engineInfo = null;
/** The picked or dropped file, triaged instead of the text box until the box is edited. */
let source = null;

/** The current run: rows `{m, v, search}` in file order, counts, and what the table shows. */
let run = null;
const view = { indices: [], sort: 'line', dir: 1, filter: { category: '', severity: '', lang: '', platform: '', search: '' } };
/** Slowest piece of work this page did in one go (ms): a check that nothing blocks. */
let slowest = 0;

function timed(fn) {
  return (...args) => {
    const t0 = performance.now();
    try {
      return fn(...args);
    } finally {
      slowest = Math.max(slowest, performance.now() - t0);
      document.body.dataset.slowestMs = slowest.toFixed(1);
    }
  };
}

async function loadStrings() {
  const lang = i18n.uiLanguage();
  const [ext, page] = await Promise.all(
    [`/_locales/${lang}/messages.json`, `locales/${lang}.json`].map((u) => fetch(u).then((r) => (r.ok ? r.json() : {}))),
  );
  t = i18n.translator(i18n.fromCatalog({ ...ext, ...page }));
  document.documentElement.lang = lang;
  i18n.apply(document, t);
}

const number = (n) => Math.round(n).toLocaleString(document.documentElement.lang);

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
    case 'error':
      runFailed(data.message);
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
  run = { rows: [], total: 0, done: 0, format: '', tally: V.tally([]), langs: new Set(), platforms: new Set(), started: performance.now() };
  view.indices = [];
  $('verdicts').querySelector('tbody').replaceChildren();
  showProblems([], []);
  $('progress').value = 0;
  $('rate').textContent = '';
  document.body.dataset.run = 'running';
  setRunning(true);
  // A file goes as it is (a Blob is handed over, not copied): the worker reads it.
  worker.postMessage({ type: 'run', format: $('format').value, ...(source ? { file: source } : { text }) });
}

function onIngested(data) {
  run.total = data.total;
  run.format = data.format;
  $('progress').max = Math.max(data.total, 1);
  showProblems(data.errors, data.warnings);
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
  const verdicts = unpackVerdicts(data.numbers, data.text);
  for (let i = 0; i < verdicts.length; i++) {
    const m = data.messages[i];
    const v = verdicts[i];
    run.rows.push({ m, v, search: null });
    if (v.primary in run.tally.category) run.tally.category[v.primary] += 1;
    if (v.severity in run.tally.severity) run.tally.severity[v.severity] += 1;
    run.tally.total += 1;
    const lang = v.lang || m.lang;
    if (lang) run.langs.add(lang);
    if (m.platform) run.platforms.add(m.platform);
  }
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
  fill('filter-lang', 'triageAllLanguages', run ? [...run.langs].sort() : [], (l) => l);
  fill('filter-platform', 'triageAllPlatforms', run ? [...run.platforms].sort() : [], (p) => p);
}

function matches(row, f, needle) {
  const { m, v } = row;
  if (f.category && v.primary !== f.category) return false;
  if (f.severity && v.severity !== f.severity) return false;
  if (f.lang && (v.lang || m.lang) !== f.lang) return false;
  if (f.platform && m.platform !== f.platform) return false;
  if (needle) {
    row.search ??= `${m.text}\n${m.id ?? ''}\n${m.author ?? ''}`.toLowerCase();
    if (!row.search.includes(needle)) return false;
  }
  return true;
}

const SORT_KEYS = {
  line: (r) => r.m.line,
  // Most severe first when descending: the rank is the engine's order (low → crisis).
  severity: (r) => SEVERITY_RANK[r.v.severity] ?? -1,
  category: (r) => CATEGORY_RANK[r.v.primary] ?? 99,
  // The message's time, else its deadline, else its line: rows without a time keep file order.
  time: (r) => (Number.isFinite(r.m.time) ? r.m.time : Number.isFinite(r.v.replyBy) ? r.v.replyBy : r.m.line),
};

/** Filter and sort into `view.indices`. Incremental while rows arrive in file order unsorted. */
function updateView() {
  if (!run) return;
  const f = view.filter;
  const needle = f.search.trim().toLowerCase();
  const rows = run.rows;
  const filtered = view.sort === 'line' && view.dir === 1 && view.builtFor === run && view.builtFilter === JSON.stringify(f);
  const from = filtered ? view.builtTo : 0;
  if (!filtered) view.indices = [];
  for (let i = from; i < rows.length; i++) if (matches(rows[i], f, needle)) view.indices.push(i);
  if (view.sort !== 'line' || view.dir !== 1) {
    const key = SORT_KEYS[view.sort];
    const keys = new Float64Array(rows.length);
    for (const i of view.indices) keys[i] = key(rows[i]);
    const dir = view.dir;
    view.indices.sort((a, b) => (keys[a] - keys[b]) * dir || a - b);
  }
  view.builtFor = run;
  view.builtTo = rows.length;
  view.builtFilter = JSON.stringify(f);
  $('sizer').style.height = `${view.indices.length * ROW_HEIGHT}px`;
  $('shown').textContent = t('triageShown', [number(view.indices.length), number(rows.length)]);
  refreshFilters();
  showCounts();
}

let frame = 0;
let viewDirty = false;
/** Work for the next animation frame: the view when rows or filters changed, and the rows in view. */
function scheduleView(dirty = true) {
  viewDirty ||= dirty;
  if (frame) return;
  frame = requestAnimationFrame(timed(() => {
    frame = 0;
    if (viewDirty) {
      viewDirty = false;
      updateView();
    }
    draw();
  }));
}

const dateTime = (date) => date.toLocaleString(document.documentElement.lang, { dateStyle: 'short', timeStyle: 'short' });

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
  const { m, v } = run.rows[index];
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
  tr.append(
    cell(String(m.line), 'line'),
    cell(t('severity_' + v.severity), 'severity'),
    cell(category, 'category'),
    cell(V.highlight(document, m.text, V.allEvidence(v)), 'message'),
    cell(t('response_' + v.response), 'response'),
    cell(d.text, d.overdue ? 'overdue' : ''),
    cell(reply, 'reply'),
  );
  return tr;
}

/** Draws the rows the viewport shows (plus a few), nothing else. */
function draw() {
  const body = $('verdicts').querySelector('tbody');
  if (!run) {
    body.replaceChildren();
    return;
  }
  const vp = $('viewport');
  const first = Math.max(0, Math.floor(vp.scrollTop / ROW_HEIGHT) - OVERSCAN);
  const count = Math.ceil((vp.clientHeight || 640) / ROW_HEIGHT) + 2 * OVERSCAN;
  const indices = view.indices.slice(first, first + count);
  const key = `${first}:${indices.join(',')}`;
  if (body.dataset.key === key && body.dataset.run === String(run.started)) return;
  body.dataset.key = key;
  body.dataset.run = String(run.started);
  $('verdicts').style.top = `${first * ROW_HEIGHT}px`;
  body.replaceChildren(...indices.map(row));
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
  const text = run?.rows[Number(tr.dataset.index)]?.v.replies[0]?.text ?? '';
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = t('triageCopied');
  } catch {
    // No clipboard permission (a plain http page, a denied prompt): select the text instead.
    getSelection().selectAllChildren(tr.querySelector('td.reply .clip'));
  }
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

/** Every verdict as one JSON line, with the message's line and text (as the page always wrote). */
async function exportJsonl() {
  if (!run) return;
  const parts = [];
  for (let i = 0; i < run.rows.length; i += EXPORT_SLICE) {
    for (const { m, v } of run.rows.slice(i, i + EXPORT_SLICE)) parts.push(JSON.stringify({ line: m.line, text: m.text, ...v }) + '\n');
    await pause();
  }
  save(new Blob(parts, { type: 'application/jsonl' }), 'sentinelle-verdicts.jsonl');
}

/** The columns of the CSV and .xlsx exports: the CLI's CSV columns, plus where the row came from. */
const COLUMNS = ['line', 'id', 'lang', 'platform', 'time', 'primary', 'categories', 'severity', 'response', 'reply_within_minutes', 'reply_by', 'evidence', 'reply', 'text'];
function flat({ m, v }) {
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
  for (let i = 0; i < run.rows.length; i += EXPORT_SLICE) {
    const data = run.rows.slice(i, i + EXPORT_SLICE).map(flat);
    // escapeFormulae: a comment that starts with "=" must not run as a formula in a spreadsheet.
    parts.push(globalThis.Papa.unparse(i === 0 ? { fields: COLUMNS, data } : data, { delimiter, newline: '\r\n', escapeFormulae: true }) + '\r\n');
    await pause();
  }
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
  for (let i = 0; i < run.rows.length; i += EXPORT_SLICE) {
    for (const r of run.rows.slice(i, i + EXPORT_SLICE)) data.push(flat(r).map((value) => (typeof value === 'number' ? { value, type: Number } : { value: String(value), type: String })));
    await pause();
  }
  const columns = COLUMNS.map((c) => ({ width: c === 'text' || c === 'reply' ? 60 : c === 'evidence' || c === 'categories' ? 30 : 14 }));
  save(await globalThis.writeXlsxFile([{ sheet: 'Sentinelle', data, columns }]).toBlob(), 'sentinelle-verdicts.xlsx');
}

// ---- input -----------------------------------------------------------------------------

function useFile(file) {
  if (!file) return;
  source = file;
  $('source').textContent = t('triageSource', [file.name, number(file.size / 1024)]);
  $('source').hidden = false;
}

function useText() {
  source = null;
  $('file').value = '';
  $('source').hidden = true;
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

await loadStrings();
refreshFilters();
startWorker();
