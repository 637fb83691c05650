// Reading an export for the triage page: CSV (a header with a text column), JSON Lines, a JSON
// array, or plain text with one message per line. Every row that cannot be read is reported with
// its line number instead of being dropped silently; rows that can be read keep their line.
//
// parseInput(text, format = 'auto') → {format, messages: [{line, id, text, …}], errors: [{line, message}],
//                                       warnings: [{line, message}]}

const ALIASES = {
  text: ['text', 'message', 'comment', 'body', 'content', 'texte', 'commentaire', 'contenu', 'full_text'],
  id: ['id', 'message_id', 'comment_id', 'tweet_id', 'identifiant'],
  author: ['author', 'user', 'username', 'user_name', 'name', 'auteur', 'from', 'screen_name'],
  time: ['time', 'date', 'created_at', 'created', 'timestamp', 'datetime', 'heure'],
  platform: ['platform', 'network', 'source', 'plateforme', 'réseau'],
  lang: ['lang', 'language', 'langue'],
  reach: ['reach', 'followers', 'followers_count', 'abonnés', 'abonnes'],
};
const FIELD_OF = new Map(Object.entries(ALIASES).flatMap(([field, names]) => names.map((n) => [n, field])));

/** Milliseconds since the epoch from a number (seconds or ms) or a date string; NaN if neither. */
export function parseTime(value) {
  if (typeof value === 'number') return value < 1e11 ? value * 1000 : value;
  const s = String(value ?? '').trim();
  if (/^\d+(\.\d+)?$/.test(s)) return parseTime(Number(s));
  return s ? Date.parse(s) : NaN;
}

/** Builds a message from named fields, or explains why it cannot be one. */
function toMessage(fields, line, warnings) {
  const text = fields.text == null ? '' : String(fields.text);
  if (!text.trim()) return { error: fields.text == null ? 'no text field' : 'empty text' };
  const m = { line, id: fields.id != null && String(fields.id).trim() ? String(fields.id).trim() : `line ${line}`, text };
  for (const key of ['author', 'platform', 'lang']) {
    if (fields[key] != null && String(fields[key]).trim()) m[key] = String(fields[key]).trim();
  }
  if (fields.time != null && String(fields.time).trim()) {
    const t = parseTime(fields.time);
    if (Number.isFinite(t)) m.time = t;
    else warnings.push({ line, message: `time "${String(fields.time).slice(0, 40)}" is not a date: left out` });
  }
  if (fields.reach != null && String(fields.reach).trim()) {
    const r = Number(String(fields.reach).replace(/[\s,]/g, ''));
    if (Number.isFinite(r) && r >= 0) m.reach = Math.floor(r);
    else warnings.push({ line, message: `reach "${String(fields.reach).slice(0, 40)}" is not a number: left out` });
  }
  return { message: m };
}

/** Maps an object's keys through the aliases (case-insensitive). */
function fieldsOf(obj) {
  const out = {};
  for (const [k, v] of Object.entries(obj)) {
    const field = FIELD_OF.get(k.trim().toLowerCase());
    if (field && out[field] == null) out[field] = v;
  }
  return out;
}

/** CSV records with the line each starts on (RFC 4180: quotes, doubled quotes, newlines in quotes). */
export function csvRecords(text, delimiter) {
  const records = [];
  let row = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let cellStarted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else { if (c === '\n') line++; cell += c; }
      continue;
    }
    if (c === '"' && !cellStarted) { quoted = true; cellStarted = true; }
    else if (c === delimiter) { row.push(cell); cell = ''; cellStarted = false; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      records.push({ line: start, cells: row });
      row = []; cell = ''; cellStarted = false;
      line++;
      start = line;
    } else { cell += c; cellStarted = true; }
  }
  if (quoted) return { records, unterminated: start };
  if (cell !== '' || row.length) { row.push(cell); records.push({ line: start, cells: row }); }
  return { records, unterminated: null };
}

function detectDelimiter(headerLine) {
  const counts = [',', ';', '\t'].map((d) => [d, headerLine.split(d).length - 1]);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 0 ? counts[0][0] : ',';
}

function parseCsv(text) {
  const errors = [];
  const warnings = [];
  const messages = [];
  const firstLine = text.split(/\r?\n/, 1)[0];
  const { records, unterminated } = csvRecords(text, detectDelimiter(firstLine));
  if (unterminated) errors.push({ line: unterminated, message: 'a quoted field is never closed: the rest of the file was not read' });
  const rows = records.filter((r) => r.cells.some((c) => c.trim()));
  if (!rows.length) return { messages, errors: [{ line: 1, message: 'no header line' }], warnings };
  const header = rows[0].cells.map((h) => FIELD_OF.get(h.trim().toLowerCase().replace(/^\ufeff/, '')) ?? null);
  if (!header.includes('text')) {
    return { messages, warnings, errors: [{ line: rows[0].line, message: `the header has no text column (one of: ${ALIASES.text.join(', ')})` }] };
  }
  for (const { line, cells } of rows.slice(1)) {
    if (cells.length > header.length) {
      errors.push({ line, message: `${cells.length} fields but the header has ${header.length}: quote fields that contain the delimiter` });
      continue;
    }
    const fields = {};
    header.forEach((field, i) => { if (field && fields[field] == null) fields[field] = cells[i]; });
    const r = toMessage(fields, line, warnings);
    if (r.error) errors.push({ line, message: r.error });
    else messages.push(r.message);
  }
  return { messages, errors, warnings };
}

function parseJsonLines(text) {
  const messages = [];
  const errors = [];
  const warnings = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    let obj;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      errors.push({ line, message: `not JSON: ${e.message}` });
      return;
    }
    if (typeof obj === 'string') obj = { text: obj };
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      errors.push({ line, message: 'expected an object with a "text" field' });
      return;
    }
    const r = toMessage(fieldsOf(obj), line, warnings);
    if (r.error) errors.push({ line, message: r.error });
    else messages.push(r.message);
  });
  return { messages, errors, warnings };
}

function parseJsonArray(text) {
  let arr;
  try {
    arr = JSON.parse(text);
  } catch (e) {
    return { messages: [], warnings: [], errors: [{ line: 1, message: `not JSON: ${e.message}` }] };
  }
  if (!Array.isArray(arr)) return { messages: [], warnings: [], errors: [{ line: 1, message: 'expected an array of messages' }] };
  // Items have no line of their own in a JSON array: report their position instead.
  const out = parseJsonLines(arr.map((x) => JSON.stringify(x)).join('\n'));
  for (const e of [...out.errors, ...out.warnings]) e.message = `item ${e.line}: ${e.message}`;
  return out;
}

function parseLines(text) {
  const messages = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim()) messages.push({ line: i + 1, id: `line ${i + 1}`, text: raw.trim() });
  });
  return { messages, errors: [], warnings: [] };
}

/** Which format `text` looks like. */
export function detectFormat(text) {
  const head = text.trimStart();
  if (head.startsWith('[')) return 'json';
  if (head.startsWith('{')) return 'jsonl';
  const first = head.split(/\r?\n/, 1)[0];
  const d = detectDelimiter(first);
  const cells = first.split(d).map((c) => c.trim().replace(/^\ufeff/, '').replace(/^"|"$/g, '').toLowerCase());
  if (cells.length > 1 && cells.some((c) => FIELD_OF.get(c) === 'text')) return 'csv';
  try {
    if (typeof JSON.parse(first) === 'string') return 'jsonl'; // a JSON string per line
  } catch {
    // not JSON: plain text
  }
  return 'lines';
}

export function parseInput(text, format = 'auto') {
  const f = format === 'auto' ? detectFormat(text) : format;
  const parse = { csv: parseCsv, jsonl: parseJsonLines, json: parseJsonArray, lines: parseLines }[f];
  if (!parse) throw new Error(`unknown format ${format}`);
  return { format: f, ...parse(text) };
}
