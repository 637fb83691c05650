// Smoke test of the wasm build in Node, through the same glue the extension uses
// (extension/lib/engine.js): one batch of French and English messages, and the plan checks.
// SENTINELLE_PKG points at another wasm build than build/pkg.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './helpers.mjs';
import { sharedData } from './shared-data.mjs';
import { buildEngine, PACK_FORMAT, planErrors, startEngine, triage, triageOptions, unpackVerdicts } from '../../extension/lib/engine.js';

const PKG = process.env.SENTINELLE_PKG || join(ROOT, 'build', 'pkg');
// The engine's own lists (`taxonomy()`), read once the wasm is loaded: never retyped here.
let CATEGORIES;
let CRISIS_RISKS;
let X;
const COMPLAINT = 'Ma commande n\'est jamais arrivée, je suis très déçu du service.';
const codePoints = (s, start, end) => Array.from(s).slice(start, end).join('');

let glue;
let engine;
let started;

before(async () => {
  for (const f of ['sentinelle.js', 'sentinelle_bg.wasm']) {
    assert.ok(existsSync(join(PKG, f)), `${join(PKG, f)} is missing: build the wasm engine first (scripts/build-wasm.sh)`);
  }
  glue = await import(pathToFileURL(join(PKG, 'sentinelle.js')).href);
  started = await startEngine(glue, { wasm: readFileSync(join(PKG, 'sentinelle_bg.wasm')) });
  engine = started.engine;
  X = glue.taxonomy();
  CATEGORIES = X.categories;
  CRISIS_RISKS = X.crisisRisk;
});

const NOW = Date.UTC(2025, 5, 1, 9, 0);
const BATCH = [
  { id: 'escrocs', text: 'Vous êtes des escrocs, vous m\'avez volé mon argent !', time: NOW, author: 'Julien' },
  { id: 'emoji', text: '😡😡 Bande d\'escrocs 🤬 rendez-moi mon argent, voleurs !' },
  { id: 'thanks', text: 'Merci beaucoup pour votre aide, service au top !' },
  { id: 'question-en', text: 'Hi, do you ship to Canada? How long does delivery take?' },
  { id: 'insult-en', text: 'You are pathetic idiots, worst company ever.' },
  { id: 'empty', text: '' },
];

test('the engine reports its version and plan', () => {
  assert.match(started.version, /^\d+\.\d+\.\d+/);
  assert.equal(started.version, glue.version());
  assert.ok(started.plan.name.length > 0);
  assert.deepEqual(JSON.parse(glue.defaultPlan()).name, started.plan.name);
});

test('one batch call gives one verdict per message, in order, with every field', () => {
  const verdicts = triage(engine, BATCH, triageOptions({}));
  assert.equal(verdicts.length, BATCH.length);
  assert.deepEqual(verdicts.map((v) => v.id), BATCH.map((m) => m.id));
  for (const v of verdicts) {
    assert.deepEqual(Object.keys(v.scores).sort(), [...CATEGORIES].sort(), `${v.id}: scores for all 12 categories`);
    for (const s of Object.values(v.scores)) assert.ok(s >= 0 && s <= 1, `${v.id}: score ${s} in [0, 1]`);
    assert.ok(CATEGORIES.includes(v.primary), v.id);
    assert.ok(X.severities.includes(v.severity), v.severity);
    assert.ok(X.responses.includes(v.response), v.response);
    assert.ok(Number.isInteger(v.replyWithinMinutes) && v.replyWithinMinutes > 0);
    assert.ok(Array.isArray(v.replies));
    assert.ok(X.langs.includes(v.lang), v.lang);
  }
});

test('"Vous êtes des escrocs" is a crisis risk, with evidence that points into the text', () => {
  const [v] = triage(engine, [BATCH[0]], triageOptions({}));
  assert.ok(CRISIS_RISKS.includes(v.primary), `primary ${v.primary}`);
  assert.equal(v.primary, 'defamation_risk');
  assert.notEqual(v.severity, 'routine');
  assert.equal(v.lang, 'fr');
  const evidence = v.categories[0].evidence;
  assert.ok(evidence.some((e) => /escrocs/i.test(e.text)), JSON.stringify(evidence));
  for (const e of evidence) assert.equal(e.text, codePoints(BATCH[0].text, e.start, e.end));
  assert.equal(v.replyBy, NOW + v.replyWithinMinutes * 60_000, 'reply-by is the message time plus the deadline');
});

test('evidence offsets count code points, not UTF-16 units', () => {
  const verdicts = triage(engine, BATCH, triageOptions({}));
  for (const [i, v] of verdicts.entries()) {
    for (const c of v.categories) {
      for (const e of c.evidence) assert.equal(e.text, codePoints(BATCH[i].text, e.start, e.end), `${v.id} ${c.category}`);
    }
  }
  // After the emoji the two counts differ, so this message tells them apart.
  const emoji = verdicts[1];
  const ev = emoji.categories.flatMap((c) => c.evidence).find((e) => /escrocs/i.test(e.text));
  assert.ok(ev, JSON.stringify(emoji.categories));
  assert.notEqual(BATCH[1].text.slice(ev.start, ev.end), ev.text, 'a UTF-16 slice would be off');
});

test('languages, everyday categories and warnings', () => {
  const byId = Object.fromEntries(triage(engine, BATCH, triageOptions({})).map((v) => [v.id, v]));
  assert.equal(byId['question-en'].lang, 'en');
  assert.equal(byId['question-en'].primary, 'question');
  assert.equal(byId.thanks.primary, 'praise');
  assert.equal(byId.thanks.severity, 'routine');
  assert.ok(byId['insult-en'].categories.some((c) => c.category === 'abuse'), 'the insult is flagged as abuse');
  assert.ok(byId.empty.warnings?.length, 'an empty message gets a warning, not an exception');
});

test('the agent\'s name fills the templates; without it, a visible placeholder is left', () => {
  const [without] = triage(engine, [BATCH[2]], triageOptions({}));
  assert.ok(without.replies.length >= 1);
  assert.ok(without.replies.some((r) => r.missing?.includes('agent')));
  const [withName] = triage(engine, [BATCH[2]], triageOptions({ agent: 'Zoé' }));
  assert.ok(withName.replies.some((r) => r.text.includes('Zoé')));
  assert.ok(withName.replies.every((r) => !r.missing?.includes('agent')));
});

test('checkPlan: "{" is an error with a path; the default plan is valid', () => {
  const errors = glue.checkPlan('{');
  assert.ok(errors.length >= 1);
  assert.ok(errors[0].path.length > 0 && errors[0].message.length > 0, JSON.stringify(errors));
  assert.deepEqual(glue.checkPlan(glue.defaultPlan()), []);
  assert.deepEqual(planErrors(glue, glue.defaultPlan()), []);
});

test('an invalid plan throws, listing its errors; buildEngine returns them instead', () => {
  const plan = JSON.parse(glue.defaultPlan());
  plan.thresholds.flag = 1.5;
  plan.version = 99;
  const json = JSON.stringify(plan);
  assert.throws(() => new glue.Engine(json), (e) => e instanceof Error && /version/.test(e.message) && /thresholds\.flag/.test(e.message));
  const built = buildEngine(glue, json);
  assert.equal(built.engine, undefined);
  assert.deepEqual(built.errors.map((e) => e.path).sort(), planErrors(glue, json).map((e) => e.path).sort());
  assert.ok(built.errors.some((e) => e.path === 'thresholds.flag'));
});

test('shared data: packed verdicts read back as the objects the engine builds, on real texts', () => {
  // Every 40th text of ../shared/data, the batch above, and the odd ones: astral characters,
  // a text over the engine's limit, quotes (reported speech).
  const dir = sharedData();
  const texts = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l, i) => l && i % 40 === 0).map((l) => JSON.parse(l).text ?? ''));
  texts.push(...BATCH.map((m) => m.text), '𝕍𝕠𝕦𝕤 ê𝕥𝕖𝕤 des escrocs 🤬🤬', 'il m\'a dit « vous êtes des escrocs »', 'arnaque '.repeat(800));
  const batch = texts.map((text, i) => (i % 3 ? { id: `r${i}`, text } : { id: `r${i}`, text, time: NOW + i }));
  const seen = { signals: 0, reported: 0, missing: 0, warnings: 0, replyBy: 0 };
  for (const options of [triageOptions({}), triageOptions({ agent: 'Léa' }, 2, { scores: false }), { ...triageOptions({}), spiking: ['abuse', 'complaint'] }]) {
    const [numbers, text] = engine.triagePacked(batch, options);
    const unpacked = unpackVerdicts(numbers, text);
    assert.deepEqual(unpacked, engine.triage(batch, options));
    for (const v of unpacked) {
      seen.signals += Boolean(v.signals);
      seen.warnings += Boolean(v.warnings);
      seen.replyBy += 'replyBy' in v;
      seen.missing += v.replies.some((r) => r.missing);
      seen.reported += v.categories.some((c) => c.evidence.some((e) => e.reported));
    }
  }
  // Every optional field was there to read somewhere.
  for (const [field, n] of Object.entries(seen)) assert.ok(n > 0, `no verdict had ${field}`);
  assert.ok(batch.length > 2000, `${batch.length} messages`);
});

test('a packed stream of another format is refused with a clear error', () => {
  const [numbers, text] = engine.triagePacked(BATCH, triageOptions({}));
  assert.equal(numbers[0], PACK_FORMAT);
  const older = Float64Array.from(numbers);
  older[0] = PACK_FORMAT - 1;
  assert.throws(() => unpackVerdicts(older, text), /format 1, this page reads format 2.*different builds/);
  // A header that announces fewer fields than a verdict carries is refused too.
  const fewer = Float64Array.from(numbers);
  fewer[1] = 3;
  assert.throws(() => unpackVerdicts(fewer, text), /has \d+ fields, the header says at most 3/);
  assert.throws(() => unpackVerdicts(numbers, text + 'x'), /1 characters left over/);
});

test('a large batch is one call and gives each message the verdict it gets alone', () => {
  // Timing belongs to the benchmarks (bench/wasm.mjs); this checks the answer.
  const many = Array.from({ length: 2000 }, (_, i) => ({ id: String(i), text: BATCH[i % 5].text }));
  const verdicts = triage(engine, many, triageOptions({}));
  assert.equal(verdicts.length, 2000);
  const alone = BATCH.map((m) => triage(engine, [m], triageOptions({}))[0]);
  for (const v of verdicts) {
    const a = alone[Number(v.id) % 5];
    assert.deepEqual([v.primary, v.severity, v.response, v.categories], [a.primary, a.severity, a.response, a.categories], `message ${v.id}`);
  }
});

test('the spike detector answers with windows', () => {
  const state = engine.observe([{ time: NOW, categories: ['abuse'] }, { time: NOW + 1000, categories: ['complaint'] }]);
  assert.ok(Array.isArray(state.current) && Array.isArray(state.closed));
  assert.ok(state.current.some((w) => w.category === 'abuse' && w.count === 1));
});

test('the taxonomy is the engine\'s: every scored category, the crisis risks, the text limit', () => {
  const fresh = new glue.Engine(undefined);
  const [v] = triage(fresh, [{ id: 'x', text: 'Merci' }], triageOptions({}));
  assert.deepEqual(Object.keys(v.scores).sort(), [...X.categories].sort());
  assert.ok(X.crisisRisk.length > 0 && X.crisisRisk.every((c) => X.categories.includes(c)));
  const warned = (n) => triage(fresh, [{ id: 'x', text: 'a'.repeat(n) }], triageOptions({}))[0].warnings ?? [];
  assert.equal(warned(X.maxChars).length, 0, 'maxChars characters are read whole');
  assert.equal(warned(X.maxChars + 1).length, 1, 'one more is cut: maxChars is the engine\'s limit');
  fresh.free();
  // The script the packages ship is generated from this very build.
  const generated = join(ROOT, 'build', 'lib', 'taxonomy.js');
  if (!process.env.SENTINELLE_PKG && existsSync(generated)) {
    const scope = {};
    new Function('globalThis', readFileSync(generated, 'utf8'))(scope);
    assert.deepEqual(JSON.parse(JSON.stringify(scope.Sentinelle.taxonomy)), X);
  }
});

test('a spike the detector sees makes its category a crisis, with no spiking option given', () => {
  const spiking = new glue.Engine(undefined);
  const quiet = new glue.Engine(undefined);
  const complaint = [{ id: 'c', text: COMPLAINT }];
  const [before] = triage(spiking, complaint, triageOptions({}));
  assert.equal(before.primary, 'complaint');
  assert.notEqual(before.severity, 'crisis');
  const burst = Array.from({ length: 12 }, (_, i) => ({ time: NOW + i * 1000, categories: ['complaint'] }));
  const state = spiking.observe(burst);
  const report = state.current.find((r) => r.category === 'complaint');
  assert.equal(report.state, 'spike', JSON.stringify(report));
  assert.equal(triage(spiking, complaint, triageOptions({}))[0].severity, 'crisis', 'the engine read its own detector');
  assert.equal(triage(quiet, complaint, triageOptions({}))[0].severity, before.severity, 'and only its own');
  spiking.free();
  quiet.free();
});

// The export reader is the engine's own (src/ingest), the one the command line uses: the triage
// page calls it through the wasm, so the two can never read a file differently.
test('ingest: CSV quotes, doubled quotes, newlines in a field, semicolons, BOM; line numbers kept', () => {
  const csv = '\ufeffid;auteur;texte;date\n1;Ann;"Bonjour; ""vite""\nsur deux lignes";2025-06-01T10:00:00Z\n2;Bob;Merci !;hier\n';
  const r = glue.ingest(csv, 'auto');
  assert.equal(r.format, 'csv');
  assert.deepEqual(r.errors, []);
  assert.equal(r.messages.length, 2);
  assert.equal(r.messages[0].text, 'Bonjour; "vite"\nsur deux lignes');
  assert.equal(r.messages[0].author, 'Ann');
  assert.equal(r.messages[0].time, Date.UTC(2025, 5, 1, 10));
  assert.equal(r.messages[1].line, 4, 'the record after a two-line field starts on line 4');
  assert.deepEqual(r.warnings.map((w) => w.line), [4], '"hier" is not a date: warned, message kept');
});

test('ingest: CSV rows that cannot be read are listed by line, the others kept', () => {
  const r = glue.ingest('text,author\nhello,a\nun, deux, trois,x\n"never closed\n', 'csv');
  assert.deepEqual(r.messages.map((m) => m.text), ['hello']);
  assert.deepEqual(r.errors.map((e) => e.line), [3, 4]);
  assert.throws(() => glue.ingest('a', 'xml'), /unknown input format "xml"/);
  assert.match(glue.ingest('author,date\na,b\n', 'csv').errors[0].message, /text/);
});

test('ingest: JSON Lines and JSON arrays', () => {
  const r = glue.ingest('{"text":"a","followers":"1,200"}\n\n{"text":\n"just a string"\n[1]\n', 'auto');
  assert.equal(r.format, 'jsonl');
  assert.deepEqual(r.messages.map((m) => [m.line, m.text]), [[1, 'a'], [4, 'just a string']]);
  assert.equal(r.messages[0].reach, 1200);
  assert.deepEqual(r.errors.map((e) => e.line), [3, 5]);
  const arr = glue.ingest('[{"message":"x","id":7},{"nope":1}]', 'auto');
  assert.equal(arr.format, 'json');
  assert.deepEqual(arr.messages.map((m) => m.id), ['7']);
  assert.match(arr.errors[0].message, /item 2/);
});

test('ingest: plain lines, format detection, times', () => {
  assert.deepEqual(glue.ingest('a\n\n b \n', 'auto').messages.map((m) => [m.line, m.text.trim()]), [[1, 'a'], [3, 'b']]);
  assert.equal(glue.ingest("Merci, c'est parfait", 'auto').format, 'lines', 'a comma in a sentence is not CSV');
  assert.equal(glue.ingest('"text","author"\n"a","b"\n', 'auto').format, 'csv', 'a quoted CSV header');
  assert.equal(glue.ingest('"a JSON string"\n', 'auto').format, 'jsonl');
  assert.equal(glue.ingest('text,time\na,1717236000\nb,1717236000000\nc,soon\n', 'auto').messages.map((m) => m.time).join(), '1717236000000,1717236000000,');
});

// The options page's preview samples (extension/pages/samples.js): the default plan reads each as
// the category it stands for, in its language; the variables its palette offers are the engine's.
test('the options preview samples are read as their category; the palette asks the engine', async () => {
  const { SAMPLES } = await import('../../extension/pages/samples.js');
  const { allowedVariables, pathAt, withPaths } = await import('../../extension/lib/plan-doc.js');
  const X = globalThis.Sentinelle?.taxonomy ?? (await import(pathToFileURL(join(ROOT, 'build', 'lib', 'taxonomy.js')).href), globalThis.Sentinelle.taxonomy);
  assert.deepEqual(Object.keys(SAMPLES).sort(), [...X.categories].sort());
  const opts = triageOptions({}, 20);
  for (const [category, byLang] of Object.entries(SAMPLES)) {
    for (const lang of X.langs) {
      const [v] = triage(started.engine, [{ id: 's', text: byLang[lang], lang }], opts);
      assert.equal(v.primary, category, `${category}/${lang}: ${byLang[lang]}`);
    }
  }
  const doc = JSON.parse(glue.defaultPlan());
  const check = (json) => planErrors(glue, json);
  assert.deepEqual(allowedVariables(doc, check).sort(), Object.keys(doc.variables).sort());
  doc.templates[0].body += ' {ordre}'; // used but unknown: not offered
  assert.ok(!allowedVariables(doc, check).includes('ordre'));
  // A type error's "line, column" becomes the path of the field.
  const broken = JSON.parse(glue.defaultPlan());
  broken.deadlines.crisis = '';
  broken.incident.keywords.fr = [1];
  for (const text of [JSON.stringify(broken, null, 2), JSON.stringify(broken)]) {
    const paths = withPaths(check(text), text).map((e) => e.path);
    assert.ok(paths.includes('deadlines.crisis') || paths.includes('incident.keywords.fr[0]'), paths.join(', '));
  }
  assert.equal(pathAt('{"a": {"b": [1, 2]}}', 1, 16), 'a.b[1]');
});

test('migratePlan: an older plan comes back in this version, a current one untouched, an invalid one with its errors', () => {
  const plan = JSON.parse(glue.defaultPlan());
  delete plan.version;
  const old = glue.migratePlan(JSON.stringify(plan));
  assert.equal(old.from, 0);
  assert.equal(old.to, 1);
  assert.equal(JSON.parse(old.json).version, 1);
  assert.deepEqual(planErrors(glue, old.json), []);
  const current = glue.migratePlan(old.json);
  assert.deepEqual([current.from, current.json], [1, null]);
  // Newer: left for checkPlan to refuse, never migrated down.
  const newer = glue.migratePlan(JSON.stringify({ ...JSON.parse(old.json), version: 99 }));
  assert.deepEqual([newer.from, newer.json], [99, null]);
  const broken = glue.migratePlan('{"name": ');
  assert.equal(broken.from, null);
  assert.equal(broken.json, null);
  assert.ok(broken.errors.length > 0);
});
