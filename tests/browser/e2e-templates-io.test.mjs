// lib/templates-io.js in Chromium, on a chrome-extension:// page under the extension's CSP: the
// vendored libraries load from lib/vendor/, mountTemplateImport refuses a broken CSV with located
// errors (text only), exports .xlsx as a download, and that download imports back into the plan.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launchWithExtension, openOptions } from './helpers.mjs';

let browser;
let page;
const errors = [];
before(async () => {
  browser = await launchWithExtension();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(browser.extensionUrl('pages/popup.html'));
  // The options page will load these with <script> tags; the popup stands in for it here.
  for (const f of ['lib/vendor/papaparse.min.js', 'lib/vendor/read-excel-file.min.js', 'lib/vendor/write-excel-file.min.js', 'lib/templates-io.js']) {
    await page.addScriptTag({ url: browser.extensionUrl(f) });
  }
  await page.evaluate(() => {
    const box = document.createElement('div');
    box.id = 'template-import';
    document.body.append(box);
    const en = (k, subs = []) => chrome.i18n.getMessage(k, subs) || k;
    window.applied = [];
    window.plan = { templates: [{ id: 'x-fr-1', category: Sentinelle.taxonomy.categories[0], lang: 'fr', body: 'Ancien' }] };
    Sentinelle.templatesIO.mountTemplateImport(box, {
      getPlan: () => JSON.stringify(window.plan),
      applyPlan: async (p) => { window.applied.push(p); window.plan = p; return []; },
      t: en,
    });
  });
});
after(() => browser?.close());

test('the libraries load in the extension page, and a broken CSV is refused with where', async () => {
  assert.deepEqual(await page.evaluate(() => [typeof Papa, typeof readXlsxFile, typeof writeXlsxFile]), ['object', 'function', 'function']);
  await page.setInputFiles('#template-import input[type=file]', {
    name: 'modeles.csv', mimeType: 'text/csv', buffer: Buffer.from('\uFEFFcatégorie;langue;texte\nnope;fr;Bonjour\n'),
  });
  await page.waitForSelector('#template-import .tplio-errors li');
  const items = await page.$$eval('#template-import .tplio-errors li', (lis) => lis.map((li) => li.textContent));
  assert.equal(items.length, 1);
  assert.match(items[0], /row 2.*catégorie.*nope/);
  assert.equal(await page.evaluate(() => window.applied.length), 0, 'nothing applied');
});

test('export as XLSX downloads a workbook that imports back', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#template-import button:nth-of-type(2)')]);
  assert.match(download.suggestedFilename(), /^sentinelle-templates-\d{4}-\d\d-\d\d\.xlsx$/);
  const bytes = readFileSync(await download.path());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK');
  await page.evaluate(() => { window.plan = { templates: [] }; });
  await page.setInputFiles('#template-import input[type=file]', { name: 'back.xlsx', mimeType: 'application/octet-stream', buffer: bytes });
  await page.waitForFunction(() => window.applied.length === 1);
  const applied = await page.evaluate(() => window.applied[0].templates);
  assert.deepEqual(applied.map((t) => [t.id, t.body]), [['x-fr-1', 'Ancien']]);
  assert.match(await page.textContent('#template-import [role=status]'), /1 templates imported/);
  assert.deepEqual(errors, []);
});

test('on the options page: a CSV of templates lands in the saved plan; a broken one changes nothing and says where', async () => {
  const options = await openOptions(browser);
  const input = options.locator('#template-import input[type="file"]');
  const stored = () => browser.worker.evaluate(async () => (await chrome.storage.local.get('plan')).plan ?? null);
  const before = await stored();
  // Broken: an unknown category on the spreadsheet's row 3.
  await input.setInputFiles({ name: 'broken.csv', mimeType: 'text/csv',
    buffer: Buffer.from('category;language;body\ncomplaint;fr;Bonjour {author}, nous regardons.\nnope;fr;Texte\n') });
  await options.waitForFunction(() => document.querySelector('#template-import').textContent.includes('nope'));
  assert.match(await options.locator('#template-import').textContent(), /3/);
  await options.waitForTimeout(1200); // longer than the autosave: nothing must be saved
  assert.equal(await stored(), before, 'the broken import changed nothing');
  // Good: two French complaint replies replace the plan's French complaint templates.
  const body = 'Bonjour {author}, merci pour votre patience : un technicien vous rappelle aujourd\'hui.';
  await input.setInputFiles({ name: 'ok.csv', mimeType: 'text/csv',
    buffer: Buffer.from(`\ufeffcatégorie;langue;texte\ncomplaint;fr;${body}\ncomplaint;fr;Bonjour {author}, nous revenons vers vous.\n`) });
  for (let i = 0; i < 100 && !String(await stored()).includes('un technicien vous rappelle'); i++) await options.waitForTimeout(100);
  const plan = JSON.parse(await stored());
  const fr = plan.templates.filter((x) => x.category === 'complaint' && x.lang === 'fr').map((x) => x.body);
  assert.deepEqual(fr, [body, 'Bonjour {author}, nous revenons vers vous.']);
  assert.ok(plan.templates.some((x) => x.category === 'complaint' && x.lang === 'en'), 'the English complaint replies stay');
  await browser.worker.evaluate(() => chrome.storage.local.remove(['plan', 'planDraft']));
  await options.close();
});
