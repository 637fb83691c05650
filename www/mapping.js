// The triage page's mapping panel: which column of a CSV or JSON export holds each field.
//
//   picked / dropped file, pasted text ─▶ worker {type:'preview'} ─▶ the engine's ingestPreview
//     ◀─ {type:'preview', seq, format, delimiter, columns, rows, guessed}  (the engine's readers,
//        the first records as written, the column the engine would read for each field)
//   ─▶ a select per field (prefilled with the guess) + the first rows, the chosen columns marked
//   ─▶ chosen(): the mapping the run sends to the worker's ingest (the engine's own reader)
//
// Cells and column names are the file's text, hostile as any page text: they are only ever set
// with textContent. The panel shows for CSV and JSON; plain text has no columns.

import '/lib/dom.js';

const $ = (id) => document.getElementById(id);

/** The fields, in the engine's order (ingest::Field), with their label's key. */
const FIELDS = [
  ['text', 'fieldText'], ['id', 'fieldId'], ['author', 'fieldAuthor'], ['time', 'fieldTime'],
  ['platform', 'fieldPlatform'], ['reach', 'fieldReach'], ['lang', 'fieldLang'], ['replied', 'fieldReplied'],
];
/** Bytes of a file read for its preview: its first records, whatever the file's size. */
const PREVIEW_BYTES = 256 * 1024;
/** Pause after a keystroke before the pasted text is previewed again. */
const TYPING_MS = 300;

let t = (k) => k;
let post = () => {};
/** The last preview asked (a counter: an older answer arriving late is dropped) and shown. */
let seq = 0;
let shown = null;
let source = null;
let typing = 0;

/** Builds the panel after `after` (hidden until a preview comes); `options.t()` gives the strings. */
export function init({ after, translate, send }) {
  t = (...a) => translate()(...a);
  post = send;
  const panel = el('section', { id: 'mapping', className: 'mapping', hidden: true });
  const head = el('div', { className: 'row' }, [el('h2', { textContent: t('mappingTitle') }), el('span', { id: 'mapping-format', className: 'muted' })]);
  const fields = el('div', { id: 'mapping-fields', className: 'mapping-fields' });
  for (const [field, label] of FIELDS) {
    const select = el('select', { id: `map-${field}` });
    select.dataset.field = field;
    select.addEventListener('change', () => { mark(); check(); });
    fields.append(el('label', { className: 'inline' }, [el('span', { textContent: t(label) }), select]));
  }
  const error = el('p', { id: 'mapping-error', className: 'error', role: 'alert', hidden: true });
  const table = el('table', { id: 'mapping-table', className: 'grid' }, [
    el('caption', { className: 'muted', textContent: t('mappingPreviewCaption') }), el('thead'), el('tbody'),
  ]);
  panel.append(head, el('p', { className: 'muted', textContent: t('mappingIntro') }), fields, error, el('div', { className: 'mapping-scroll' }, [table]));
  after.after(panel);
  $('format').addEventListener('change', () => source && ask(source));
}

/** The extension's one el() (lib/dom.js), with the children as a list. */
const el = (tag, props = {}, children = []) => globalThis.Sentinelle.dom.el(tag, props, ...children);

/** A file was picked or dropped: preview its start. */
export function useFile(file) {
  ask({ file });
}

/** The text box changed: preview it once typing pauses (or hide the panel when it is empty). */
export function useText(text) {
  clearTimeout(typing);
  // The panel showed other input: until this one's preview comes, a run detects the columns.
  ++seq;
  hide();
  if (!text.trim()) {
    source = null;
    return;
  }
  typing = setTimeout(() => ask({ text }), TYPING_MS);
}

async function ask(src) {
  source = src;
  clearTimeout(typing);
  hide();
  const n = ++seq;
  let text = src.text;
  if (src.file) {
    // The start of the file, cut at its last line end so the last record shown is whole.
    text = await src.file.slice(0, PREVIEW_BYTES).text();
    if (src.file.size > PREVIEW_BYTES && text.lastIndexOf('\n') > 0) text = text.slice(0, text.lastIndexOf('\n') + 1);
  }
  // As the command line does: a file named .csv or .tsv is CSV even when no column name says
  // which holds the text (detection would take it for plain text).
  const auto = $('format').value === 'auto';
  const format = auto && /\.(csv|tsv)$/i.test(src.file?.name ?? '') ? 'csv' : $('format').value;
  if (n === seq) post({ type: 'preview', seq: n, text, format });
}

/** The worker's answer: `{seq, format, delimiter, columns, rows, guessed, errors}`. */
export function onPreview(p) {
  if (p.seq !== seq) return;
  if (p.failed || p.format === 'lines' || !p.columns?.length) {
    hide();
    return;
  }
  shown = p;
  const separator = p.delimiter === '\t' ? t('mappingTab') : p.delimiter;
  $('mapping-format').textContent = p.delimiter ? `${p.format.toUpperCase()} · ${t('mappingSeparator', [separator])}` : p.format.toUpperCase();
  for (const [field] of FIELDS) {
    const select = $(`map-${field}`);
    const none = el('option', { value: '', textContent: t(field === 'text' ? 'mappingChoose' : 'mappingNone') });
    select.replaceChildren(none, ...p.columns.map((c) => el('option', { value: c, textContent: c })));
    select.value = p.guessed?.[field] ?? '';
  }
  const head = el('tr', {}, p.columns.map((c) => el('th', { textContent: c })));
  const body = p.rows.map((r) => el('tr', {}, p.columns.map((_, i) => el('td', {}, [el('div', { className: 'clip', textContent: r[i] ?? '' })]))));
  $('mapping-table').tHead.replaceChildren(head);
  $('mapping-table').tBodies[0].replaceChildren(...body);
  $('mapping').hidden = false;
  document.body.dataset.mapping = 'shown';
  mark();
  check();
}

function hide() {
  shown = null;
  $('mapping').hidden = true;
  document.body.dataset.mapping = 'hidden';
}

/** Marks the chosen columns in the table: the column's class, and its header names its field(s). */
function mark() {
  const byColumn = new Map();
  for (const [field, label] of FIELDS) {
    const column = $(`map-${field}`).value;
    if (column) byColumn.set(column, [...(byColumn.get(column) ?? []), t(label)]);
  }
  const table = $('mapping-table');
  shown.columns.forEach((c, i) => {
    const fields = byColumn.get(c);
    const th = table.tHead.rows[0].cells[i];
    th.classList.toggle('chosen', !!fields);
    th.dataset.fields = fields ? fields.join(' · ') : '';
    th.title = th.dataset.fields;
    for (const row of table.tBodies[0].rows) row.cells[i]?.classList.toggle('chosen', !!fields);
  });
}

function check() {
  const missing = !$('map-text').value;
  $('mapping-error').textContent = missing ? t('mappingNoText') : '';
  $('mapping-error').hidden = !missing;
}

/**
 * What the run sends: `null` when no panel is shown (the engine finds the columns itself), else
 * `{format, mapping: {text?, id?, …}}` — the format the panel shows, and the fields the user
 * changed from the engine's guess (`""` for none) — or `{error}` when no text column is chosen.
 */
export function chosen() {
  if (!shown || $('mapping').hidden) return null;
  if (!$('map-text').value) return { error: t('mappingNoText') };
  // Only what the user changed: a field left as guessed is found by the engine as before, record
  // by record (JSON records may name a field differently), with the engine's own messages.
  const changed = FIELDS.map(([field]) => [field, $(`map-${field}`).value]).filter(([field, v]) => v !== (shown.guessed?.[field] ?? ''));
  return { format: shown.format, mapping: Object.fromEntries(changed) };
}
