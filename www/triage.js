// The standalone triage page: the extension's engine and glue, run in this page.
//
//   input (textarea / file) ─engine's ingest─▶ messages + line errors ─▶ ONE engine.triage call
//     ─▶ table (evidence as <mark> text nodes) + counts + JSONL download
//
// /pkg/ is the wasm build and /lib/ the extension's own lib/ (scripts/serve.mjs): no copy here.
import * as glue from '/pkg/sentinelle.js';
import { startEngine, triage, triageOptions } from '/lib/engine.js';
import '/lib/i18n.js';
import '/lib/verdict.js';

const { i18n, verdict: V } = globalThis.Sentinelle;
const $ = (id) => document.getElementById(id);
/** Rows drawn in the table; the download always has every row. */
const MAX_ROWS = 1000;

const EXAMPLE = [
  'Merci pour la livraison rapide, produit au top !',
  '😡 Vous êtes des escrocs, vous avez encaissé mon argent sans livrer.',
  'Do you ship to Canada?',
  'My order arrived broken and nobody answers my emails.',
  'Votre crème donne le cancer, partagez avant que ce soit supprimé !',
  'The cashier in your Leeds store shouted at me and called me stupid.',
].join('\n');

let t = (k) => k;
let engine = null;
let last = null; // {messages, verdicts, format} of the latest run, for the download

async function loadStrings() {
  const lang = i18n.uiLanguage();
  const [ext, page] = await Promise.all(
    [`/_locales/${lang}/messages.json`, `locales/${lang}.json`].map((u) => fetch(u).then((r) => (r.ok ? r.json() : {}))),
  );
  t = i18n.translator(i18n.fromCatalog({ ...ext, ...page }));
  document.documentElement.lang = lang;
  i18n.apply(document, t);
}

function li(text, className) {
  const item = document.createElement('li');
  item.textContent = text;
  if (className) item.className = className;
  return item;
}

function showProblems(errors, warnings) {
  const text = (p) => (p.line ? t('triageLine', [String(p.line), p.message]) : p.message);
  const items = [...errors.map((e) => li(text(e))), ...warnings.map((w) => li(text(w), 'warning'))];
  const skipped = errors.filter((e) => e.line).length;
  if (skipped) items.unshift(li(t('triageSkipped', [String(skipped)])));
  $('errors').replaceChildren(...items);
  $('problems').hidden = items.length === 0;
}

function cell(content, className) {
  const td = document.createElement('td');
  if (className) td.className = className;
  td.append(content);
  return td;
}

const dateTime = (date) => date.toLocaleString(document.documentElement.lang, { dateStyle: 'short', timeStyle: 'short' });

function row(message, v) {
  const tr = document.createElement('tr');
  tr.dataset.severity = v.severity;
  tr.dataset.category = v.primary;
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
  const deadline = cell(d.text, d.overdue ? 'overdue' : '');
  tr.append(
    cell(String(message.line)),
    cell(category),
    cell(t('severity_' + v.severity)),
    cell(t('response_' + v.response)),
    deadline,
    cell(V.highlight(document, message.text, V.allEvidence(v)), 'message'),
    cell(v.replies[0]?.text ?? '', 'reply'),
  );
  return tr;
}

function showResults(run) {
  const tally = V.tally(run.verdicts);
  $('summary').textContent = t('triageSummary', [String(tally.total), run.format]);
  const items = V.countItems(document, t, tally);
  $('severity-counts').replaceChildren(...items.severity);
  $('category-counts').replaceChildren(...items.category);
  const shown = Math.min(run.verdicts.length, MAX_ROWS);
  $('truncated').hidden = shown === run.verdicts.length;
  $('truncated').textContent = t('triageTruncated', [String(shown), String(run.verdicts.length)]);
  const body = document.querySelector('#verdicts tbody');
  body.replaceChildren(...run.verdicts.slice(0, shown).map((v, i) => row(run.messages[i], v)));
  $('results').hidden = false;
}

function run(event) {
  event.preventDefault();
  const input = $('input').value;
  if (!input.trim()) {
    showProblems([{ line: 0, message: t('triageNothing') }], []);
    $('results').hidden = true;
    return;
  }
  // The engine's own export reader (src/ingest), the one the command line uses.
  const parsed = glue.ingest(input, $('format').value);
  showProblems(parsed.errors, parsed.warnings);
  if (!parsed.messages.length) {
    $('results').hidden = true;
    return;
  }
  try {
    const verdicts = triage(engine, parsed.messages, triageOptions({}, 1));
    last = { messages: parsed.messages, verdicts, format: parsed.format };
    showResults(last);
  } catch (e) {
    showProblems([{ line: 0, message: t('triageFailed', [String(e?.message ?? e)]) }], []);
  }
}

function download() {
  if (!last) return;
  const lines = last.verdicts.map((v, i) => JSON.stringify({ line: last.messages[i].line, text: last.messages[i].text, ...v }));
  const url = URL.createObjectURL(new Blob([lines.join('\n') + '\n'], { type: 'application/jsonl' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'sentinelle-verdicts.jsonl';
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function readFile() {
  const file = $('file').files[0];
  if (!file) return;
  try {
    $('input').value = await file.text();
  } catch (e) {
    showProblems([{ line: 0, message: t('triageFileError', [String(e?.message ?? e)]) }], []);
  }
}

$('input-form').addEventListener('submit', run);
$('download').addEventListener('click', download);
$('file').addEventListener('change', readFile);
$('example').addEventListener('click', () => { $('input').value = EXAMPLE; });

await loadStrings();
try {
  const started = await startEngine(glue, { wasm: '/pkg/sentinelle_bg.wasm' });
  engine = started.engine;
  $('engine').textContent = t('triageReady', [started.version, started.plan.name]);
  $('run').disabled = false;
  document.body.dataset.engine = 'ready';
} catch (e) {
  $('engine').textContent = t('triageEngineFailed', [String(e?.message ?? e)]);
  $('engine').className = 'error';
  document.body.dataset.engine = 'error';
}
