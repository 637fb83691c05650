/*
 * Reply templates from and to spreadsheets (CSV, .xlsx), for community managers who keep them in
 * Excel, LibreOffice or Google Sheets.
 *
 *   File ─importFile()─▶ table(s) of cells ─readTable()─▶ {templates, errors, notes}
 *        CSV: Papa.parse (lib/vendor/papaparse.min.js)        every error says where: sheet, row, column
 *        XLSX: readXlsxFile (lib/vendor/read-excel-file.min.js)
 *   {templates} + plan ─mergeTemplates()─▶ plan ─caller: planErrors() (lib/engine.js)─▶ applied or not
 *   plan ─exportCsv() / exportXlsx() (writeXlsxFile, lib/vendor/write-excel-file.min.js)─▶ Blob
 *
 * Columns (first row; English or French names, case and accents ignored, in any order, unknown
 * columns ignored): category/catégorie, language/langue, body/texte/corps, and optionally
 * severity/gravité (one or more of the engine's severities; empty: every severity), id, title/titre.
 * The plan document has no title (`TemplateDoc` in src/plan/document.rs): a title column is read and
 * left out, with a note. Ids: the `id` column when there is one, else `<category>-<lang>-<n>`, n
 * counting that category and language's rows from 1, so the same sheet gives the same ids.
 *
 * Merging REPLACES, for each (category, language) pair present in the import, all of the plan's
 * templates of that pair, at the place of the first of them; other templates are kept. A sheet is
 * the whole list of replies for what it covers: deleting a row deletes the template.
 *
 * A "universal" script (see lib/messages.js): it adds `globalThis.Sentinelle.templatesIO`. Needs
 * lib/taxonomy.js first; the vendored libraries are looked up when used, so a page that only exports
 * CSV needs only papaparse. Nothing here parses CSV or XML by hand.
 */
(() => {
  'use strict';
  const S = (globalThis.Sentinelle ??= {});
  if (!S.taxonomy) throw new Error('sentinelle: lib/taxonomy.js must load before lib/templates-io.js (scripts/package.mjs generates it)');
  const X = S.taxonomy;

  const VENDOR = { Papa: 'papaparse.min.js', readXlsxFile: 'read-excel-file.min.js', writeXlsxFile: 'write-excel-file.min.js' };
  function vendor(name) {
    const lib = globalThis[name];
    if (!lib) throw new Error(`sentinelle: lib/vendor/${VENDOR[name]} must load before templates-io is used`);
    return lib;
  }

  /** Case, accents, spaces and punctuation folded: "Catégorie " → "categorie". */
  const fold = (s) => String(s ?? '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '');

  /** Column key → the header names accepted for it (folded). The first is what exports write. */
  const HEADERS = {
    id: { en: 'id', fr: 'id', names: ['id', 'identifiant'] },
    category: { en: 'category', fr: 'catégorie', names: ['category', 'categorie'] },
    lang: { en: 'language', fr: 'langue', names: ['language', 'langue', 'lang'] },
    severity: { en: 'severity', fr: 'gravité', names: ['severity', 'gravite', 'severite'] },
    title: { en: 'title', fr: 'titre', names: ['title', 'titre'] },
    body: { en: 'body', fr: 'texte', names: ['body', 'texte', 'corps', 'text'] },
  };
  const REQUIRED = ['category', 'lang', 'body'];
  const EXPORTED = ['id', 'category', 'lang', 'severity', 'body'];

  /** The column key a header cell names, or null. */
  function columnKey(header) {
    const f = fold(header);
    if (!f) return null;
    for (const [key, h] of Object.entries(HEADERS)) if (h.names.includes(f)) return key;
    return null;
  }

  /** Spreadsheet column letters: 0 → A, 26 → AA. */
  function columnLetter(i) {
    let s = '';
    for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
    return s;
  }

  /**
   * One problem, located as the spreadsheet shows it: `sheet` (xlsx only), `row` (1 = the header),
   * `column` (the header as written, else its letter). `code` names the string a page shows
   * (`tplioError_<code>` in _locales), `value` is the offending cell, `message` English for logs.
   */
  function problem(code, where, message, value) {
    const e = { code, message };
    if (where.sheet != null) e.sheet = where.sheet;
    if (where.row != null) e.row = where.row;
    if (where.column != null) e.column = where.column;
    if (value !== undefined) e.value = value;
    return e;
  }

  /** "Sheet “Templates”, row 3, column category: …" in English, for logs and tests. */
  function describe(e) {
    const at = [e.sheet != null && `sheet “${e.sheet}”`, e.row != null && `row ${e.row}`, e.column != null && `column ${e.column}`].filter(Boolean).join(', ');
    return at ? `${at}: ${e.message}` : e.message;
  }

  /** A cell as text: numbers and booleans as a spreadsheet shows them, dates as ISO dates. */
  function cellText(v) {
    if (v == null) return '';
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
    return String(v);
  }

  // CSV exports escape cells that a spreadsheet would run as a formula with a leading apostrophe
  // (papaparse's `escapeFormulae`); the import takes it off again, so a body may start with "-".
  const ESCAPED_FORMULA = /^'[=+\-@\t\r]/;
  const unescapeFormula = (s) => (ESCAPED_FORMULA.test(s) ? s.slice(1) : s);

  /**
   * Templates from one table (rows of cells, the first row the header). `sheet`: its name, for the
   * errors (null for CSV). Returns `{templates, errors, notes}`; `errors` empty or nothing is valid.
   */
  function readTable(rows, { sheet = null } = {}) {
    const errors = [];
    const notes = [];
    const templates = [];
    const text = rows.map((r) => (Array.isArray(r) ? r.map(cellText) : []));
    const blank = (r) => r.every((c) => c.trim() === '');
    if (!text.length || text.every(blank)) {
      errors.push(problem('empty', { sheet }, 'no rows: the file is empty'));
      return { templates, errors, notes };
    }
    // The header is the first row, as the spreadsheet shows it (row 1).
    const header = text[0];
    const columns = {};
    header.forEach((h, i) => {
      const key = columnKey(h);
      if (!key) return;
      if (key in columns) {
        errors.push(problem('duplicateColumn', { sheet, row: 1, column: h.trim() || columnLetter(i) }, `column ${h.trim()} appears twice`, h.trim()));
      } else columns[key] = i;
    });
    const name = (key) => (key in columns ? header[columns[key]].trim() : HEADERS[key].en);
    for (const key of REQUIRED) {
      if (!(key in columns)) {
        errors.push(problem('missingColumn', { sheet, row: 1, column: HEADERS[key].en },
          `no column ${HEADERS[key].en} (${HEADERS[key].fr}) in the first row`, HEADERS[key].en));
      }
    }
    if (errors.length) return { templates, errors, notes };
    if ('title' in columns) notes.push(problem('titleIgnored', { sheet, column: name('title') }, 'the plan has no template titles: the column is not imported'));

    const counts = new Map();
    const ids = new Map();
    for (let r = 1; r < text.length; r++) {
      const row = text[r];
      if (blank(row)) continue;
      const at = (key) => ({ sheet, row: r + 1, column: name(key) });
      const cell = (key) => unescapeFormula((key in columns ? row[columns[key]] ?? '' : '').replace(/\r\n?/g, '\n'));
      const before = errors.length;
      // Category: the engine's id ("defamation_risk"), case and spaces forgiven ("Defamation risk").
      const rawCategory = cell('category').trim();
      const category = rawCategory.toLowerCase().replace(/[\s-]+/g, '_');
      if (!rawCategory) errors.push(problem('missingCategory', at('category'), 'no category'));
      else if (!X.categories.includes(category)) {
        errors.push(problem('unknownCategory', at('category'), `unknown category "${rawCategory}": one of ${X.categories.join(', ')}`, rawCategory));
      }
      const rawLang = cell('lang').trim();
      const lang = rawLang.toLowerCase();
      if (!rawLang) errors.push(problem('missingLang', at('lang'), 'no language'));
      else if (!X.langs.includes(lang)) errors.push(problem('unknownLang', at('lang'), `unknown language "${rawLang}": one of ${X.langs.join(', ')}`, rawLang));
      const body = cell('body').trim();
      if (!body) errors.push(problem('missingBody', at('body'), 'no reply text'));
      const severity = [];
      for (const s of cell('severity').split(/[\s,;|]+/).filter(Boolean)) {
        const v = s.toLowerCase();
        if (!X.severities.includes(v)) errors.push(problem('unknownSeverity', at('severity'), `unknown severity "${s}": one of ${X.severities.join(', ')}`, s));
        else if (!severity.includes(v)) severity.push(v);
      }
      let id = cell('id').trim();
      if ('id' in columns && id) {
        if (ids.has(id)) errors.push(problem('duplicateId', at('id'), `id "${id}" is already used on row ${ids.get(id)}`, id));
        else ids.set(id, r + 1);
      }
      if (errors.length > before) continue;
      const pair = `${category}-${lang}`;
      counts.set(pair, (counts.get(pair) ?? 0) + 1);
      if (!id) id = `${pair}-${counts.get(pair)}`;
      const t = { id, category, lang };
      if (severity.length) t.severity = severity;
      t.body = body;
      templates.push(t);
    }
    // A generated id may still take one that the id column gives to another row.
    const seen = new Set();
    for (const t of templates) {
      if (seen.has(t.id)) errors.push(problem('duplicateId', { sheet, column: name('id') }, `id "${t.id}" is given to two templates`, t.id));
      seen.add(t.id);
    }
    if (!templates.length && !errors.length) errors.push(problem('empty', { sheet }, 'no template below the header row'));
    return { templates: errors.length ? [] : templates, errors, notes };
  }

  /** Templates from CSV text (`,`, `;` or tab, found by papaparse; a BOM is dropped). */
  function readCsv(text) {
    const Papa = vendor('Papa');
    const src = String(text).replace(/^\uFEFF/, '');
    if (!src.trim()) return { templates: [], errors: [problem('empty', {}, 'no rows: the file is empty')], notes: [] };
    const parsed = Papa.parse(src, { delimiter: '', delimitersToGuess: [',', ';', '\t'], skipEmptyLines: false });
    // A CSV of one column has no delimiter to find: papaparse says so, and it is no error here.
    const errors = parsed.errors.filter((e) => e.code !== 'UndetectableDelimiter')
      .map((e) => problem('csv', { row: e.row != null ? e.row + 1 : undefined }, `${e.message}`));
    if (errors.length) return { templates: [], errors, notes: [] };
    return readTable(parsed.data, { sheet: null });
  }

  /**
   * Templates from an .xlsx workbook (ArrayBuffer, Blob or File): every sheet whose first row names
   * at least one known column; other sheets (notes, instructions) are skipped with a note.
   */
  async function readXlsx(data) {
    let sheets;
    try {
      sheets = await vendor('readXlsxFile')(data);
    } catch (e) {
      return { templates: [], errors: [problem('notSpreadsheet', {}, `not an .xlsx workbook (${e?.message ?? e})`)], notes: [] };
    }
    const out = { templates: [], errors: [], notes: [] };
    const used = [];
    for (const { sheet, data: rows } of sheets) {
      const first = (rows[0] ?? []).map(cellText);
      if (!first.some((h) => columnKey(h))) {
        if (rows.some((r) => r.some((c) => cellText(c).trim()))) out.notes.push(problem('sheetSkipped', { sheet, row: 1 }, 'no template columns in the first row: sheet skipped'));
        continue;
      }
      used.push(sheet);
      const r = readTable(rows, { sheet });
      out.templates.push(...r.templates);
      out.errors.push(...r.errors);
      out.notes.push(...r.notes);
    }
    if (!used.length) {
      out.errors.push(problem('missingColumn', { sheet: sheets[0]?.sheet, row: 1, column: HEADERS.category.en },
        'no sheet has the columns category, language, body in its first row', HEADERS.category.en));
    }
    // Two sheets may each number "complaint-fr-1": ids must stay unique across the workbook.
    const seen = new Map();
    for (const t of out.templates) {
      if (seen.has(t.id)) {
        out.errors.push(problem('duplicateId', {}, `id "${t.id}" is given to two templates (one sheet per category and language, or an id column)`, t.id));
      }
      seen.set(t.id, true);
    }
    if (out.errors.length) out.templates = [];
    return out;
  }

  const XLSX_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // a zip archive: "PK\3\4"
  const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0]; // the old binary .xls
  const startsWith = (bytes, magic) => magic.every((b, i) => bytes[i] === b);

  /**
   * Templates from a file the user picked (File, Blob, ArrayBuffer or bytes; `name` for the
   * message): .xlsx by its content, else CSV in UTF-8 (with or without BOM).
   */
  async function importFile(file, { name = file?.name ?? '' } = {}) {
    let buffer;
    if (file instanceof ArrayBuffer) buffer = file;
    else if (ArrayBuffer.isView(file)) buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
    else buffer = await file.arrayBuffer();
    const bytes = new Uint8Array(buffer);
    if (!bytes.length) return { templates: [], errors: [problem('empty', {}, 'no rows: the file is empty')], notes: [] };
    if (startsWith(bytes, XLSX_MAGIC)) return readXlsx(buffer);
    if (startsWith(bytes, OLE_MAGIC)) return { templates: [], errors: [problem('oldXls', {}, 'an old .xls workbook: save it as .xlsx or CSV UTF-8')], notes: [] };
    if (/\.xlsx$/i.test(name)) return { templates: [], errors: [problem('notSpreadsheet', {}, 'named .xlsx but not an .xlsx workbook')], notes: [] };
    // Text files have no NUL byte; images, PDFs and the like do.
    if (bytes.includes(0)) return { templates: [], errors: [problem('notSpreadsheet', {}, 'not a CSV file or an .xlsx workbook')], notes: [] };
    let text;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return { templates: [], errors: [problem('notUtf8', {}, 'not UTF-8 text: save it as "CSV UTF-8" or .xlsx')], notes: [] };
    }
    return readCsv(text);
  }

  /**
   * The plan with the imported templates in place: for every (category, language) pair in
   * `templates`, the plan's templates of that pair are replaced, at the place of the first of them
   * (appended when the plan had none). Returns a new plan; the caller still runs `planErrors`.
   */
  function mergeTemplates(plan, templates) {
    const pair = (t) => `${t.category}\u0000${t.lang}`;
    const incoming = new Map();
    for (const t of templates) {
      if (!incoming.has(pair(t))) incoming.set(pair(t), []);
      incoming.get(pair(t)).push(structuredClone(t));
    }
    const out = [];
    const placed = new Set();
    for (const t of plan.templates ?? []) {
      const p = pair(t);
      if (!incoming.has(p)) out.push(t);
      else if (!placed.has(p)) {
        out.push(...incoming.get(p));
        placed.add(p);
      }
    }
    for (const [p, list] of incoming) if (!placed.has(p)) out.push(...list);
    return { ...plan, templates: out };
  }

  /** Which pairs an import replaces, for the page to say so before or after applying. */
  function summary(templates) {
    const pairs = new Map();
    for (const t of templates) pairs.set(`${t.category}/${t.lang}`, (pairs.get(`${t.category}/${t.lang}`) ?? 0) + 1);
    return [...pairs].map(([pair, count]) => ({ pair, count }));
  }

  /** Header row and data rows of a plan's templates, as exported. `headers`: 'en' or 'fr'. */
  function exportRows(plan, { headers = 'en' } = {}) {
    const head = EXPORTED.map((k) => HEADERS[k][headers === 'fr' ? 'fr' : 'en']);
    const rows = (plan.templates ?? []).map((t) => [t.id, t.category, t.lang, (t.severity ?? []).join(', '), t.body]);
    return [head, ...rows];
  }

  /**
   * CSV of the plan's templates. `{separator: ';', bom: true}` (`excel: true` for both) opens right
   * in a French Excel; the default is `,` without BOM. Rows end with CRLF (RFC 4180).
   */
  function exportCsv(plan, { separator, bom, excel = false, headers = 'en' } = {}) {
    const [head, ...rows] = exportRows(plan, { headers });
    const csv = vendor('Papa').unparse({ fields: head, data: rows }, {
      delimiter: separator ?? (excel ? ';' : ','),
      newline: '\r\n',
      escapeFormulae: true,
    });
    return ((bom ?? excel) ? '\uFEFF' : '') + csv + '\r\n';
  }

  const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

  /** An .xlsx workbook (Blob) of the plan's templates, one sheet, the header in bold. */
  async function exportXlsx(plan, { headers = 'en', sheet } = {}) {
    const [head, ...rows] = exportRows(plan, { headers });
    const data = [head.map((value) => ({ value, fontWeight: 'bold' })), ...rows.map((r) => r.map((v) => ({ value: v, type: String, wrap: true })))];
    const columns = [{ width: 28 }, { width: 22 }, { width: 10 }, { width: 12 }, { width: 90 }];
    const name = sheet ?? (headers === 'fr' ? 'Modèles' : 'Templates');
    return vendor('writeXlsxFile')([{ sheet: name, data, columns }]).toBlob();
  }

  /**
   * The page's part: an "Import templates" file input and "Export as CSV / XLSX" buttons in
   * `container`. `getPlan()` gives the plan document (object or JSON text; may be async);
   * `applyPlan(plan)` checks it with the engine (`planErrors`) and saves it, resolving the engine's
   * errors (`[{path, message}]`, empty when applied). Nothing is applied when the file has errors.
   * Text only: every string goes through textContent.
   */
  function mountTemplateImport(container, { getPlan, applyPlan, t = (k) => k }) {
    const doc = container.ownerDocument;
    const el = (tag, props = {}, ...children) => {
      const node = doc.createElement(tag);
      for (const [k, v] of Object.entries(props)) {
        if (k === 'dataset') Object.assign(node.dataset, v);
        else if (k in node) node[k] = v;
        else node.setAttribute(k, v);
      }
      node.append(...children);
      return node;
    };
    const plan = async () => {
      const p = await getPlan();
      return typeof p === 'string' ? JSON.parse(p) : p;
    };
    const uid = `tplio-${Math.random().toString(36).slice(2, 8)}`;
    const input = el('input', { type: 'file', id: `${uid}-file`, accept: '.csv,.xlsx,text/csv,' + XLSX_TYPE });
    const status = el('p', { role: 'status', className: 'tplio-status' });
    const list = el('ul', { className: 'tplio-errors' });
    const excel = el('input', { type: 'checkbox', id: `${uid}-excel`, checked: S.i18n?.uiLanguage?.() === 'fr' });
    const csvButton = el('button', { type: 'button', textContent: t('tplioExportCsv') });
    const xlsxButton = el('button', { type: 'button', textContent: t('tplioExportXlsx') });
    const root = el('div', { className: 'tplio' },
      el('label', { htmlFor: input.id, textContent: t('tplioImport') }), input,
      el('p', { className: 'tplio-help', textContent: t('tplioHelp') }),
      el('div', { className: 'tplio-export' }, csvButton, xlsxButton,
        el('label', {}, excel, ' ', t('tplioExcelFr'))),
      status, list);
    container.append(root);

    const show = (message, problems = [], kind = 'ok') => {
      status.textContent = message;
      status.dataset.kind = kind;
      list.replaceChildren(...problems.map((p) => el('li', { textContent: p })));
    };
    const located = (e) => {
      const where = [e.sheet != null && t('tplioWhereSheet', [e.sheet]), e.row != null && t('tplioWhereRow', [String(e.row)]),
        e.column != null && t('tplioWhereColumn', [e.column])].filter(Boolean).join(', ');
      const key = `tplioError_${e.code}`;
      const localized = t(key, [e.value ?? '', e.code === 'unknownCategory' ? X.categories.join(', ') : e.code === 'unknownLang' ? X.langs.join(', ') : X.severities.join(', ')]);
      const what = localized && localized !== key ? localized : e.message;
      return where ? t('tplioLocated', [where, what]) : what;
    };
    const download = (blob, filename) => {
      const url = URL.createObjectURL(blob);
      const a = el('a', { href: url, download: filename });
      a.style.display = 'none';
      doc.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    };
    const stamp = () => new Date().toISOString().slice(0, 10);

    input.addEventListener('change', async () => {
      const file = input.files?.[0];
      if (!file) return;
      try {
        const r = await importFile(file);
        if (r.errors.length) {
          show(t('tplioRefused', [String(r.errors.length)]), r.errors.map(located), 'error');
          return;
        }
        const merged = mergeTemplates(await plan(), r.templates);
        const planProblems = (await applyPlan(merged)) ?? [];
        if (planProblems.length) {
          show(t('tplioPlanRefused', [String(planProblems.length)]), planProblems.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)), 'error');
          return;
        }
        show(t('tplioImported', [String(r.templates.length), summary(r.templates).map((s) => s.pair).join(', ')]), r.notes.map(located));
      } catch (e) {
        show(t('tplioFailed', [String(e?.message ?? e)]), [], 'error');
      } finally {
        input.value = '';
      }
    });
    csvButton.addEventListener('click', async () => {
      try {
        const csv = exportCsv(await plan(), { excel: excel.checked });
        download(new Blob([csv], { type: 'text/csv;charset=utf-8' }), `sentinelle-templates-${stamp()}.csv`);
      } catch (e) {
        show(t('tplioFailed', [String(e?.message ?? e)]), [], 'error');
      }
    });
    xlsxButton.addEventListener('click', async () => {
      try {
        download(await exportXlsx(await plan()), `sentinelle-templates-${stamp()}.xlsx`);
      } catch (e) {
        show(t('tplioFailed', [String(e?.message ?? e)]), [], 'error');
      }
    });
    return { root, input, destroy: () => root.remove() };
  }

  S.templatesIO = Object.freeze({
    HEADERS, columnKey, readTable, readCsv, readXlsx, importFile, mergeTemplates, summary,
    exportRows, exportCsv, exportXlsx, describe, mountTemplateImport,
  });
})();
