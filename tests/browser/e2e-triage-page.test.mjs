// The demo's standalone triage page: the same wasm and glue in the page's worker (served from /pkg/
// and /lib/), a table with evidence highlighted, line-numbered errors and a download. The dashboard's
// big-file run, filters and exports: e2e-dashboard.test.mjs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launchPlain, startServer } from './helpers.mjs';

/** Clicks Triage and waits until the worker has answered every row and the rows in view are drawn. */
async function runAndWait(page) {
  await page.locator('#run').click();
  await page.waitForSelector('body[data-run="done"]');
  await page.waitForSelector('#verdicts tbody[data-complete="true"]', { state: 'attached' });
}

describe('www/triage.html', () => {
  let server;
  let browser;
  let page;

  before(async () => {
    server = await startServer();
    browser = await launchPlain();
    page = await browser.newPage({ locale: 'en-US' });
    await page.goto(server.url + 'triage.html');
    await page.waitForSelector('body[data-engine]');
  });
  after(async () => {
    await browser?.close();
    server?.stop();
  });

  test('the engine loads in the page', async () => {
    assert.equal(await page.locator('body').getAttribute('data-engine'), 'ready');
    assert.match(await page.locator('#engine').textContent(), /ready/);
  });

  test('pasted lines are triaged in one batch, with evidence highlighted as text', async () => {
    await page.locator('#example').click();
    await runAndWait(page);
    const lines = (await page.locator('#input').inputValue()).split('\n').filter((l) => l.trim());
    assert.equal(await page.locator('#verdicts tbody tr').count(), lines.length);
    const escrocs = page.locator('#verdicts tbody tr', { hasText: 'escrocs' });
    assert.equal(await escrocs.getAttribute('data-category'), 'defamation_risk');
    const marks = await escrocs.locator('mark').allTextContents();
    // Exactly the word: offsets are code points, so the emoji before it must not shift the mark.
    assert.ok(marks.includes('escrocs'), `marks: ${marks.join(' | ')}`);
    assert.match(await page.locator('#summary').textContent(), new RegExp(`^${lines.length} `));
  });

  test('bad JSON Lines are reported by line number; good lines still run; the input stays', async () => {
    const input = ['{"text": "Vous êtes des voleurs"}', '{"text": oops}', '{"author": "x"}', '{"text": "Merci beaucoup !"}'].join('\n');
    await page.locator('#input').fill(input);
    await runAndWait(page);
    assert.equal(await page.locator('#problems').isHidden(), false);
    const problems = await page.locator('#errors li').allTextContents();
    assert.ok(problems.some((p) => /^line 2: not valid JSON/.test(p)), problems.join(' | '));
    assert.ok(problems.some((p) => /^line 3: no text field/.test(p)), problems.join(' | '));
    assert.equal(await page.locator('#verdicts tbody tr').count(), 2);
    assert.equal(await page.locator('#input').inputValue(), input);
  });

  test('results download as JSON Lines, one verdict per message', async () => {
    await page.locator('#input').fill('id,author,text\na1,Ann,"Vous êtes des escrocs, rendez l\'argent"\na2,Bob,"Where is my parcel?"\n');
    await runAndWait(page);
    assert.equal(await page.locator('#verdicts tbody tr').count(), 2);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
    const rows = readFileSync(await download.path(), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(rows.map((r) => r.id), ['a1', 'a2']);
    assert.equal(rows[0].line, 2);
    for (const r of rows) assert.equal(Object.keys(r.scores).length, 12);
  });
});
