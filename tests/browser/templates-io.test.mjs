// Reply templates from and to spreadsheets (extension/lib/templates-io.js), in Node: the vendored
// browser builds are run as classic scripts (vm), as a page's <script> tags run them, from the very
// files scripts/package.mjs ships. The .xlsx inputs are written by the same library's writer.
// Categories come from build/lib/taxonomy.js: none is typed here.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { ROOT } from './helpers.mjs';
import { GENERATED_LIB, VENDOR, vendorSources } from '../../scripts/package.mjs';
import { planErrors } from '../../extension/lib/engine.js';

const TAXONOMY = join(GENERATED_LIB, 'taxonomy.js');
if (!existsSync(TAXONOMY)) throw new Error(`${TAXONOMY} is missing: build the wasm and run node scripts/package.mjs first`);
await import(pathToFileURL(TAXONOMY).href);
const SCRIPTS = vendorSources().filter((v) => v.to.endsWith('.js'));
for (const v of SCRIPTS) vm.runInThisContext(readFileSync(v.src, 'utf8'), { filename: v.to });
await import(pathToFileURL(join(ROOT, 'extension/lib/templates-io.js')).href);

const { templatesIO: IO, taxonomy: X } = globalThis.Sentinelle;
const PLAN = JSON.parse(readFileSync(join(ROOT, 'data/plan.default.json'), 'utf8'));
const PKG = process.env.SENTINELLE_PKG || join(ROOT, 'build', 'pkg');
// Two categories of the engine's, whichever they are; never a retyped list.
const [CAT_A, CAT_B] = [X.categories.at(-3), X.categories[0]];
const utf8 = (s) => new TextEncoder().encode(s);
const where = (e) => ({ sheet: e.sheet, row: e.row, column: e.column, code: e.code });
/** An .xlsx workbook (bytes) written by write-excel-file from `[{sheet, data}]`. */
const xlsx = async (sheets) => new Uint8Array(await (await globalThis.writeXlsxFile(sheets).toBlob()).arrayBuffer());

let glue;
before(async () => {
  glue = await import(pathToFileURL(join(PKG, 'sentinelle.js')).href);
  await glue.default({ module_or_path: readFileSync(join(PKG, 'sentinelle_bg.wasm')) });
});

describe('CSV import', () => {
  test('semicolons, a BOM, French headers, a quoted body over several lines, CRLF', async () => {
    const csv = `\uFEFFCatégorie;LANGUE;Titre;Corps;Gravité\r\n${CAT_A};fr;Retard;"Bonjour {author},\r\nnous regardons ; merci.";crisis\r\n${CAT_A};FR;;Deuxième réponse;\r\n${CAT_B};en;;"Say ""hi""";problem, crisis\r\n`;
    const r = await IO.importFile(utf8(csv), { name: 'modeles.csv' });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.templates, [
      { id: `${CAT_A}-fr-1`, category: CAT_A, lang: 'fr', severity: ['crisis'], body: 'Bonjour {author},\nnous regardons ; merci.' },
      { id: `${CAT_A}-fr-2`, category: CAT_A, lang: 'fr', body: 'Deuxième réponse' },
      { id: `${CAT_B}-en-1`, category: CAT_B, lang: 'en', severity: ['problem', 'crisis'], body: 'Say "hi"' },
    ]);
    assert.deepEqual(r.notes.map((n) => [n.code, n.column]), [['titleIgnored', 'Titre']], 'the title column is said to be left out');
  });

  test('commas, English headers in another order, an id column, no BOM', () => {
    const r = IO.readCsv(`body,language,category,id\n"Hello, thanks",en,${CAT_B},my-id\nSecond,en,${CAT_B},\n`);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.templates.map((t) => t.id), ['my-id', `${CAT_B}-en-2`], 'n: the row\'s rank in its category and language');
    assert.equal(r.templates[0].body, 'Hello, thanks');
  });

  test('the shipped fixture: semicolons and a BOM, as French Excel saves "CSV UTF-8"', async () => {
    const r = await IO.importFile(readFileSync(join(ROOT, 'tests/fixtures/templates.fr.csv')));
    assert.deepEqual(r.errors, []);
    assert.ok(r.templates.length >= 3);
    assert.ok(r.templates.some((t) => t.body.includes('\n')), 'a body over several lines');
  });
});

describe('refused inputs say where', () => {
  const cases = [
    ['unknown category at row 3', `category;language;body\n${CAT_A};fr;Bonjour\nnot_a_category;fr;Bonjour\n`,
      [{ sheet: undefined, row: 3, column: 'category', code: 'unknownCategory' }]],
    ['missing body, after a blank line', `category,language,body\n${CAT_A},fr,ok\n\n${CAT_A},en,  \n`,
      [{ sheet: undefined, row: 4, column: 'body', code: 'missingBody' }]],
    ['wrong language, French header as written', `catégorie;langue;texte\n${CAT_A};de;Hallo\n`,
      [{ sheet: undefined, row: 2, column: 'langue', code: 'unknownLang' }]],
    ['unknown severity', `category;language;body;severity\n${CAT_A};fr;x;urgent\n`,
      [{ sheet: undefined, row: 2, column: 'severity', code: 'unknownSeverity' }]],
    ['no body column', `category;language;title\n${CAT_A};fr;x\n`,
      [{ sheet: undefined, row: 1, column: 'body', code: 'missingColumn' }]],
    ['an id given twice', `id;category;language;body\na;${CAT_A};fr;x\na;${CAT_A};fr;y\n`,
      [{ sheet: undefined, row: 3, column: 'id', code: 'duplicateId' }]],
  ];
  for (const [name, csv, expected] of cases) {
    test(name, async () => {
      const r = await IO.importFile(utf8(csv), { name: 'x.csv' });
      assert.deepEqual(r.templates, [], 'nothing to apply');
      assert.deepEqual(r.errors.map(where), expected);
      for (const e of r.errors) assert.ok(e.message.length > 0);
    });
  }

  test('every error of the file, not only the first', () => {
    const r = IO.readCsv(`category;language;body\nnope;fr;x\n${CAT_A};xx;\n`);
    assert.deepEqual(r.errors.map((e) => [e.row, e.column]), [[2, 'category'], [3, 'language'], [3, 'body']]);
    assert.match(IO.describe(r.errors[0]), /^row 2, column category: unknown category "nope"/);
  });

  test('empty files, images, old .xls, text that is not UTF-8, a fake .xlsx', async () => {
    const code = async (bytes, name = 'f') => (await IO.importFile(bytes, { name })).errors.map((e) => e.code);
    assert.deepEqual(await code(new Uint8Array(0)), ['empty']);
    assert.deepEqual(await code(utf8('\uFEFF\r\n')), ['empty']);
    assert.deepEqual(await code(utf8('category;language;body\n')), ['empty'], 'a header and no row');
    assert.deepEqual(await code(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), 'logo.png'), ['notSpreadsheet']);
    assert.deepEqual(await code(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'old.xls'), ['oldXls']);
    assert.deepEqual(await code(new Uint8Array([...utf8('category;language;body\ncomplaint;fr;D'), 0xe9, 0x6a, 0xe0])), ['notUtf8'], 'Windows-1252 "Déjà"');
    assert.deepEqual(await code(utf8('category,language,body\n'), 'x.xlsx'), ['notSpreadsheet']);
    assert.deepEqual(await code(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 'broken.xlsx'), ['notSpreadsheet'], 'a zip that is no workbook');
  });
});

describe('XLSX import', () => {
  test('sheet name, row and column in every error; other sheets skipped', async () => {
    const bytes = await xlsx([
      { sheet: 'Lisez-moi', data: [['Une ligne par modèle.']] },
      { sheet: 'Réponses', data: [['Catégorie', 'Langue', 'Texte'], [CAT_A, 'fr', 'Bonjour'], ['nope', 'fr', 'Bonjour'], [CAT_A, 'en', null]] },
    ]);
    const r = await IO.importFile(bytes, { name: 'modeles.xlsx' });
    assert.deepEqual(r.templates, []);
    assert.deepEqual(r.errors.map(where), [
      { sheet: 'Réponses', row: 3, column: 'Catégorie', code: 'unknownCategory' },
      { sheet: 'Réponses', row: 4, column: 'Texte', code: 'missingBody' },
    ]);
  });

  test('a valid workbook: numbers and line breaks in cells, two sheets', async () => {
    const bytes = await xlsx([
      { sheet: 'FR', data: [['category', 'language', 'body'], [CAT_A, 'fr', 'Ligne 1\nLigne 2']] },
      { sheet: 'EN', data: [['category', 'language', 'body', 'id'], [CAT_B, 'en', 42, 'answer']] },
    ]);
    const r = await IO.importFile(bytes);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.templates, [
      { id: `${CAT_A}-fr-1`, category: CAT_A, lang: 'fr', body: 'Ligne 1\nLigne 2' },
      { id: 'answer', category: CAT_B, lang: 'en', body: '42' },
    ]);
  });

  test('a workbook with no template sheet', async () => {
    const r = await IO.importFile(await xlsx([{ sheet: 'Notes', data: [['a', 'b'], ['c', 'd']] }]));
    assert.deepEqual(r.errors.map(where), [{ sheet: 'Notes', row: 1, column: 'category', code: 'missingColumn' }]);
  });
});

describe('merge into the plan, then the engine checks it', () => {
  test('the pairs in the import are replaced in place, the others kept', () => {
    const pair = PLAN.templates[0];
    const imported = [{ id: 'new-1', category: pair.category, lang: pair.lang, body: 'Nouveau' }];
    const merged = IO.mergeTemplates(PLAN, imported);
    const same = (t) => t.category === pair.category && t.lang === pair.lang;
    assert.deepEqual(merged.templates.filter(same), imported);
    assert.deepEqual(merged.templates.filter((t) => !same(t)), PLAN.templates.filter((t) => !same(t)));
    assert.equal(merged.templates[0].id, 'new-1', 'at the place of the first replaced template');
    assert.equal(PLAN.templates[0], pair, 'the given plan is left alone');
    assert.deepEqual(planErrors(glue, JSON.stringify(merged)), []);
  });

  test('an import whose body the engine refuses leaves errors for the caller', () => {
    const r = IO.readCsv(`category;language;body\n${CAT_A};fr;Bonjour {ordre}\n`);
    assert.deepEqual(r.errors, [], 'the spreadsheet itself is fine');
    const errors = planErrors(glue, JSON.stringify(IO.mergeTemplates(PLAN, r.templates)));
    assert.ok(errors.some((e) => /\{ordre\}/.test(e.message)), JSON.stringify(errors));
  });
});

describe('export, then import: the same templates', () => {
  test('CSV with commas, and with semicolons and a BOM for French Excel', async () => {
    for (const options of [{}, { excel: true }, { separator: ';', headers: 'fr' }]) {
      const csv = IO.exportCsv(PLAN, options);
      assert.equal(csv.startsWith('\uFEFF'), options.excel === true, JSON.stringify(options));
      const r = await IO.importFile(utf8(csv), { name: 'export.csv' });
      assert.deepEqual(r.errors, [], JSON.stringify(options));
      assert.deepEqual(r.templates, PLAN.templates, JSON.stringify(options));
    }
    assert.match(IO.exportCsv(PLAN, { excel: true }), /^\uFEFFid;category;language;severity;body\r\n/);
  });

  test('a body a spreadsheet would take for a formula is escaped, and comes back whole', () => {
    const plan = { templates: [{ id: 'f', category: CAT_A, lang: 'fr', body: '=HYPERLINK("http://x")' }, { id: 'g', category: CAT_A, lang: 'fr', body: '- Merci' }] };
    const csv = IO.exportCsv(plan);
    assert.match(csv, /"'=HYPERLINK/);
    assert.deepEqual(IO.readCsv(csv).templates, plan.templates);
  });

  test('XLSX', async () => {
    const blob = await IO.exportXlsx(PLAN);
    assert.equal(blob.type, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const r = await IO.importFile(blob, { name: 'export.xlsx' });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.templates, PLAN.templates);
    const fr = await IO.importFile(await IO.exportXlsx(PLAN, { headers: 'fr' }));
    assert.deepEqual(fr.templates, PLAN.templates, 'French headers too');
  });
});

describe('the vendored libraries', () => {
  test('scripts/package.mjs ships them with their licences, byte for byte', { timeout: 60_000 }, () => {
    const out = mkdtempSync(join(tmpdir(), 'sentinelle-dist-'));
    try {
      execFileSync(process.execPath, [join(ROOT, 'scripts/package.mjs')], { env: { ...process.env, SENTINELLE_DIST: out }, stdio: 'pipe' });
      const vendor = join(out, 'chrome', 'lib', 'vendor');
      for (const v of vendorSources()) assert.deepEqual(readFileSync(join(vendor, v.to)), readFileSync(v.src), v.to);
      assert.ok(VENDOR.filter((v) => /LICENSE/.test(v.to)).length >= 3);
      const kib = SCRIPTS.reduce((n, v) => n + readFileSync(join(vendor, v.to)).length, 0) / 1024;
      assert.ok(kib < 200, `the vendored scripts weigh ${kib.toFixed(0)} KiB`);
      assert.ok(existsSync(join(out, 'firefox', 'lib', 'vendor', 'read-excel-file.min.js')));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('they are browser scripts: no Node API, and they run in a bare window-like global', () => {
    for (const v of SCRIPTS) {
      const src = readFileSync(v.src, 'utf8');
      assert.doesNotMatch(src, /\brequire\(\s*["'](?:fs|path|stream|zlib|buffer|crypto|os|node:[a-z]+)["']\s*\)/, v.to);
      const window = { Blob, TextDecoder, TextEncoder, Uint8Array, ArrayBuffer, Promise, setTimeout, URL };
      window.self = window;
      vm.runInNewContext(src, window, { filename: v.to });
      assert.ok(['Papa', 'readXlsxFile', 'writeXlsxFile'].some((name) => typeof window[name] === 'function' || typeof window[name] === 'object'), `${v.to} sets its global`);
    }
  });
});

test('every error and note code has its string, in English and in French', () => {
  const src = readFileSync(join(ROOT, 'extension/lib/templates-io.js'), 'utf8');
  const codes = new Set([...src.matchAll(/problem\('([A-Za-z]+)'/g)].map((m) => m[1]));
  assert.ok(codes.size >= 10, `found ${codes.size} codes`);
  for (const lang of ['en', 'fr']) {
    const catalog = JSON.parse(readFileSync(join(ROOT, `extension/_locales/${lang}/messages.json`), 'utf8'));
    for (const c of codes) if (c !== 'csv') assert.ok(catalog[`tplioError_${c}`], `${lang}: tplioError_${c}`);
  }
});
