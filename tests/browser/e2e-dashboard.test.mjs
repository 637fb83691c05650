// The triage page as a dashboard: a file of 40,000+ rows triaged in the page's worker
// (www/triage-worker.js) while the main thread stays free, counts equal to the command line's,
// Cancel, the virtualised table's filters and sorts, and exports that read back.
//
// Expected counts: `sentinelle triage --format jsonl FILE` when the binary exists
// (SENTINELLE_BIN, else target/release/sentinelle); without it (a worktree with no cargo build) the
// same wasm engine in Node, over the same rows read by the engine's own reader. The test's log says
// which one it used.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import readXlsxFile from 'read-excel-file/node';
import { launchPlain, ROOT, startServer } from './helpers.mjs';
import { SHARED_DATA, sharedData } from './shared-data.mjs';
import * as glue from '../../build/pkg/sentinelle.js';
import { startEngine, triage, triageOptions } from '../../extension/lib/engine.js';

const BIG = 'twcs_airlines_intent_en.jsonl'; // 43,072 rows
/** Lines the engine's reader must refuse, put in the middle of the big file: listed, the rest runs. */
const BAD = ['{"text": oops}', '{"author": "no text here"}'];
const skipNoData = existsSync(join(SHARED_DATA, BIG)) ? false : `${SHARED_DATA}/${BIG} is absent`;

/** The test file: the airline set with two bad lines at 10,001 and 20,002. */
function bigFile(dir) {
  const lines = readFileSync(sharedData(BIG), 'utf8').split('\n').filter((l) => l.trim());
  lines.splice(10_000, 0, BAD[0]);
  lines.splice(20_001, 0, BAD[1]);
  const path = join(dir, 'dashboard-big.jsonl');
  writeFileSync(path, lines.join('\n') + '\n');
  return { path, rows: lines.length - BAD.length };
}

function tallyOf(verdicts) {
  const category = {};
  const severity = {};
  for (const v of verdicts) {
    category[v.primary] = (category[v.primary] ?? 0) + 1;
    severity[v.severity] = (severity[v.severity] ?? 0) + 1;
  }
  return { total: verdicts.length, category, severity };
}

/** The counts the command line gives for `path`, or the wasm engine's in Node when there is no binary. */
async function expectedCounts(path) {
  const bin = process.env.SENTINELLE_BIN || join(ROOT, 'target', 'release', 'sentinelle');
  if (existsSync(bin)) {
    const r = spawnSync(bin, ['triage', '--format', 'jsonl', path], { encoding: 'utf8', maxBuffer: 1 << 30 });
    // 1: some rows had problems (our two bad lines), the others were triaged.
    assert.ok(r.status === 0 || r.status === 1, `${bin} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
    const verdicts = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    return { by: `the CLI (${bin} triage --format jsonl)`, ...tallyOf(verdicts) };
  }
  const { engine } = await startEngine(glue, { wasm: readFileSync(join(ROOT, 'build', 'pkg', 'sentinelle_bg.wasm')) });
  const parsed = glue.ingest(readFileSync(path, 'utf8'), 'jsonl');
  const verdicts = [];
  // The CLI's batch size (src/bin/sentinelle/input.rs): verdicts do not depend on it anyway.
  for (let i = 0; i < parsed.messages.length; i += 512) verdicts.push(...triage(engine, parsed.messages.slice(i, i + 512), triageOptions({}, 1)));
  return { by: `the wasm engine in Node (no CLI binary at ${bin})`, ...tallyOf(verdicts) };
}

/** The page's counts, read from its count lists ("Name: n", the key in data-key). */
async function pageCounts(page) {
  return page.evaluate(() => {
    const read = (id) => Object.fromEntries([...document.querySelectorAll(`#${id} li`)].map((li) => [li.dataset.key, Number(li.textContent.split(': ').pop().replace(/\D/g, ''))]));
    return { category: read('category-counts'), severity: read('severity-counts') };
  });
}

/** Registers the long-task observer (a fresh list each time); `longTasks()` reads what it saw. */
async function watchLongTasks(page) {
  await page.evaluate(() => {
    globalThis.__longTaskObserver?.disconnect();
    const seen = (globalThis.__longTasks = []);
    globalThis.__longTaskObserver = new PerformanceObserver((list) => { for (const e of list.getEntries()) seen.push(Math.round(e.duration)); });
    globalThis.__longTaskObserver.observe({ type: 'longtask' });
  });
}
const longTasks = (page) => page.evaluate(() => globalThis.__longTasks);

async function download(page, button) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator(button).click()]);
  return { name: file.suggestedFilename(), path: await file.path() };
}

/** Waits until the table has drawn every row in view (it draws a few new rows a frame). */
async function nextFrames(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.waitForSelector('#verdicts tbody[data-complete="true"]', { state: 'attached' });
}

describe('www/triage.html as a dashboard', () => {
  let server;
  let browser;
  let page;
  let dir;
  let big;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sentinelle-dashboard-'));
    server = await startServer();
    browser = await launchPlain();
    page = await browser.newPage({ locale: 'en-US', acceptDownloads: true });
    await page.goto(server.url + 'triage.html');
    await page.waitForSelector('body[data-engine="ready"]');
  });
  after(async () => {
    await browser?.close();
    server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * One run of the big file, watched: `{wall, workerMs, tasks: [ms of each task over 50 ms],
   * slowest: the page's slowest handler in ms}`.
   */
  async function measuredRun() {
    await page.locator('#file').setInputFiles(big.path);
    await watchLongTasks(page);
    const t0 = Date.now();
    await page.locator('#run').click();
    // While it runs: the progress bar moves and the first rows are already in the table.
    await page.waitForFunction(() => document.getElementById('progress').value > 0 && document.querySelector('#verdicts tbody tr'));
    await page.waitForSelector('body[data-run="done"]', { timeout: 150_000 });
    const wall = Date.now() - t0;
    await nextFrames(page);
    return {
      wall,
      workerMs: Number(await page.locator('body').getAttribute('data-run-ms')),
      tasks: await longTasks(page),
      slowest: Number(await page.locator('body').getAttribute('data-slowest-ms')),
    };
  }

  test('shared data: 43,000 airline rows triage in the worker, counts equal the CLI\'s, the longest main-thread task reported', { skip: skipNoData, timeout: 300_000 }, async (t) => {
    big = bigFile(dir);
    // Timing is reported, not asserted (house rule: a timed assertion fails on a loaded machine
    // and passes on a fast one for the wrong reasons). The figure goes to the test's output.
    const r = await measuredRun();
    const line = `${big.rows} rows, ${r.wall} ms from click to done (worker ${r.workerMs} ms); ` +
      `main-thread tasks over 50 ms: ${r.tasks.length ? r.tasks.join(', ') + ' ms' : 'none'}; the page's slowest handler ${r.slowest} ms`;
    t.diagnostic(line);
    console.log(`dashboard: ${line}`);

    assert.match(await page.locator('#summary').textContent(), new RegExp(`^${big.rows} messages triaged \\(jsonl\\)`));
    const problems = await page.locator('#errors li').allTextContents();
    assert.ok(problems.some((p) => /^line 10001: not valid JSON/.test(p)), problems.join(' | '));
    assert.ok(problems.some((p) => /^line 20002: no text field/.test(p)), problems.join(' | '));
    // Virtualised: a few dozen rows in the DOM, not 43,000.
    const drawn = await page.locator('#verdicts tbody tr').count();
    assert.ok(drawn > 5 && drawn < 60, `${drawn} rows in the DOM`);

    // The engine's charts, drawn while it ran and once more at the end (their own test: e2e-review).
    await page.waitForSelector('body[data-review="ready"]');
    assert.equal(await page.locator('#charts [data-chart] svg').count(), 4);
    // This set has no times (no timeline columns); every primary has its row in the grid.
    const cells = await page.locator('#charts [data-chart="category-severity"] rect.cell').count();
    assert.equal(cells, Object.values((await pageCounts(page)).category).filter((n) => n > 0).length * 3);

    const expected = await expectedCounts(big.path);
    t.diagnostic(`expected counts from ${expected.by}`);
    console.log(`dashboard: expected counts from ${expected.by}`);
    assert.equal(expected.total, big.rows);
    assert.deepEqual(await pageCounts(page), { category: expected.category, severity: expected.severity });
  });

  test('shared data: each export reads back to the same verdicts (count and primaries)', { skip: skipNoData, timeout: 180_000 }, async () => {
    assert.ok(big, 'the run above');
    // The page's per-category tally of every verdict (equal to the CLI's, above).
    const primaries = (await pageCounts(page)).category;
    const count = (list) => list.reduce((acc, p) => ({ ...acc, [p]: (acc[p] ?? 0) + 1 }), {});

    const jsonl = await download(page, '#download');
    assert.equal(jsonl.name, 'sentinelle-verdicts.jsonl');
    const rows = readFileSync(jsonl.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(rows.length, big.rows);
    assert.deepEqual(count(rows.map((r) => r.primary)), primaries);
    assert.ok(rows.every((r) => Number.isInteger(r.line) && typeof r.text === 'string'));

    // French spreadsheets: `;` and a BOM.
    await page.locator('#csv-separator').selectOption(';');
    await page.locator('#csv-bom').check();
    const csv = await download(page, '#export-csv');
    assert.equal(csv.name, 'sentinelle-verdicts.csv');
    const text = readFileSync(csv.path, 'utf8');
    assert.equal(text.charCodeAt(0), 0xfeff, 'a UTF-8 BOM');
    const parsed = Papa.parse(text.slice(1), { header: true, delimiter: ';', skipEmptyLines: true });
    assert.deepEqual(parsed.errors.slice(0, 3), []);
    assert.equal(parsed.data.length, big.rows);
    assert.deepEqual(count(parsed.data.map((r) => r.primary)), primaries);
    assert.deepEqual(parsed.data.slice(0, 50).map((r) => r.id), rows.slice(0, 50).map((r) => r.id));

    await page.locator('#csv-separator').selectOption(',');
    await page.locator('#csv-bom').uncheck();
    const plain = readFileSync((await download(page, '#export-csv')).path, 'utf8');
    assert.notEqual(plain.charCodeAt(0), 0xfeff);
    assert.equal(Papa.parse(plain, { header: true, skipEmptyLines: true }).data.length, big.rows);

    const xlsx = await download(page, '#export-xlsx');
    assert.equal(xlsx.name, 'sentinelle-verdicts.xlsx');
    const sheet = await readXlsxFile(readFileSync(xlsx.path));
    const [head, ...cells] = sheet[0]?.data ?? sheet;
    const at = head.indexOf('primary');
    assert.ok(at >= 0, `header: ${head.join(', ')}`);
    assert.equal(cells.length, big.rows);
    assert.deepEqual(count(cells.map((r) => r[at])), primaries);
  });

  test('shared data: Cancel stops a run where it is; the table keeps what was done; the next run works', { skip: skipNoData, timeout: 120_000 }, async () => {
    assert.ok(big, 'the run above');
    await page.locator('#file').setInputFiles(big.path);
    await page.locator('#run').click();
    await page.waitForFunction(() => document.getElementById('progress').value >= 1000);
    await page.locator('#cancel').click();
    assert.equal(await page.locator('body').getAttribute('data-run'), 'cancelled');
    const done = await page.evaluate(() => document.getElementById('progress').value);
    assert.ok(done < big.rows, `${done} rows done when cancelled`);
    await page.waitForTimeout(1000);
    assert.equal(await page.evaluate(() => document.getElementById('progress').value), done, 'nothing more arrives');
    assert.match(await page.locator('#rate').textContent(), /^Cancelled after/);
    assert.match(await page.locator('#summary').textContent(), new RegExp(`^${done} `));
    // A fresh worker loads; the next run goes through.
    await page.waitForSelector('body[data-engine="ready"]');
    await page.locator('#input').fill('Vous êtes des escrocs\nMerci !');
    await page.locator('#run').click();
    await page.waitForSelector('body[data-run="done"]');
    await nextFrames(page);
    assert.equal(await page.locator('#verdicts tbody tr').count(), 2);
  });

  test('the virtualised table: only the rows in view are drawn; sort, filters and search', { timeout: 60_000 }, async () => {
    const kinds = ['Vous êtes des escrocs, rendez mon argent', 'Merci pour la livraison rapide !', 'Where is my parcel? Order 1234', 'My order arrived broken and nobody answers'];
    const lines = Array.from({ length: 3000 }, (_, i) => `${kinds[i % kinds.length]} #${i + 1}`);
    await page.locator('#input').fill(lines.join('\n'));
    await page.locator('#run').click();
    await page.waitForSelector('body[data-run="done"]');
    await nextFrames(page);
    const drawn = () => page.locator('#verdicts tbody tr').count();
    assert.ok((await drawn()) < 60, `${await drawn()} rows in the DOM`);
    assert.match(await page.locator('#shown').textContent(), /^3,000 of 3,000/);

    // Scrolled to the end: the last line is drawn.
    await page.locator('#viewport').evaluate((vp) => { vp.scrollTop = vp.scrollHeight; });
    await nextFrames(page);
    assert.ok((await page.locator('#verdicts tbody tr td.line').allTextContents()).includes('3000'));

    // Severity, most severe first.
    await page.locator('button.sort[data-sort="severity"]').click();
    await nextFrames(page);
    const ranks = await page.evaluate(() => {
      const order = globalThis.Sentinelle.verdict.SEVERITIES;
      return [...document.querySelectorAll('#verdicts tbody tr')].map((tr) => order.indexOf(tr.dataset.severity));
    });
    assert.deepEqual(ranks, [...ranks].sort((a, b) => b - a));

    // A category filter: only that category, as many as its count.
    await page.locator('#filter-category').selectOption('defamation_risk');
    await nextFrames(page);
    const cats = await page.locator('#verdicts tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.category));
    assert.ok(cats.length > 0 && cats.every((c) => c === 'defamation_risk'), cats.join(','));
    const counted = await page.locator('#category-counts li[data-key="defamation_risk"]').textContent();
    assert.match(await page.locator('#shown').textContent(), new RegExp(`^${counted.split(': ').pop()} of 3,000`));
    await page.locator('#filter-category').selectOption('');

    // Search: the text, case-insensitive.
    await page.locator('#search').fill('#2999');
    await nextFrames(page);
    assert.deepEqual(await page.locator('#verdicts tbody tr td.line').allTextContents(), ['2999']);
    assert.match(await page.locator('#verdicts tbody tr td.message').textContent(), /#2999$/);
    await page.locator('#search').fill('');
    await nextFrames(page);
    assert.match(await page.locator('#shown').textContent(), /^3,000 of 3,000/);

    // Copy puts the first suggested reply on the clipboard.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const first = page.locator('#verdicts tbody tr').first();
    await first.locator('button.copy').click();
    await page.waitForFunction(() => document.querySelector('#verdicts tbody tr button.copy').textContent === 'Copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.ok(copied.length > 0);
    assert.ok((await first.locator('td.reply').textContent()).endsWith(copied));
  });
});
