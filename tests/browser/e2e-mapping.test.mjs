// The triage page's mapping panel (www/mapping.js): a Zendesk-style CSV whose text column no name
// says is dropped on the page; the panel previews it with the engine's own reader (cells as text,
// never markup), the text column is chosen by hand, and the run reads the file with that mapping:
// the rows, their author, time, platform and reply time land where the panel said.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { launchPlain, startServer } from './helpers.mjs';

/** A French spreadsheet's re-save of a ticket export: BOM, `;`, CRLF; "Premier message" is the text. */
const EXPORT = '\uFEFF' + [
  'Ticket ID;Requester;Ticket subject;Premier message;Channel;Created at;Replied at',
  '9001;Claire Petit;Colis;"Vous êtes des voleurs, mon colis n\'est jamais arrivé ; je veux un remboursement";Email;2024-09-12T10:04:51Z;2024-09-12T10:40:00Z',
  '9002;John Smith;Question;"Do you ship to Canada?";Web form;2024-09-12T11:30:00Z;',
  '9003;<b>Mallory</b>;Test;"<img src=x onerror=""document.body.dataset.pwned=1"">";Email;2024-09-12T12:00:00Z;',
].join('\r\n') + '\r\n';

describe('www/triage.html mapping panel', () => {
  let server;
  let browser;
  let page;

  before(async () => {
    server = await startServer();
    browser = await launchPlain();
    page = await browser.newPage({ locale: 'en-US', acceptDownloads: true });
    await page.goto(server.url + 'triage.html');
    await page.waitForSelector('body[data-engine="ready"]');
  });
  after(async () => {
    await browser?.close();
    server?.stop();
  });

  test('a dropped CSV is previewed: guesses prefilled, cells shown as text, no text column is said', async () => {
    await page.evaluate((csv) => {
      const dt = new DataTransfer();
      dt.items.add(new File([csv], 'zendesk-tickets.csv', { type: 'text/csv' }));
      document.getElementById('input-form').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, EXPORT);
    await page.waitForSelector('body[data-mapping="shown"]');
    assert.match(await page.locator('#mapping-format').textContent(), /CSV · Separator: ;/);
    const heads = await page.locator('#mapping-table thead th').allTextContents();
    assert.equal(heads[0], 'Ticket ID', 'the BOM is not part of the first column');
    assert.equal(heads.length, 7);
    const values = Object.fromEntries(await Promise.all(
      ['text', 'id', 'author', 'time', 'platform', 'reach', 'lang', 'replied'].map(async (f) => [f, await page.locator(`#map-${f}`).inputValue()]),
    ));
    assert.deepEqual(values, { text: '', id: 'Ticket ID', author: 'Requester', time: 'Created at', platform: 'Channel', reach: '', lang: '', replied: 'Replied at' });
    assert.equal(await page.locator('#mapping-error').isVisible(), true);
    assert.match(await page.locator('#mapping-error').textContent(), /Choose the column that holds the messages' text/);
    // Page text is hostile: the cells are text, no element from the file exists.
    assert.equal(await page.locator('#mapping-table tbody tr').count(), 3);
    const cells = await page.locator('#mapping-table tbody td').allTextContents();
    assert.ok(cells.includes('<img src=x onerror="document.body.dataset.pwned=1">'), cells.join(' | '));
    assert.ok(cells.includes('<b>Mallory</b>'), cells.join(' | '));
    assert.equal(await page.locator('#mapping-table img, #mapping-table b').count(), 0);
    assert.equal(await page.evaluate(() => document.body.dataset.pwned), undefined);
    // The chosen columns are marked.
    assert.deepEqual(await page.locator('#mapping-table th.chosen').allTextContents(), ['Ticket ID', 'Requester', 'Channel', 'Created at', 'Replied at']);
    // Run without a text column: said, nothing runs.
    await page.locator('#run').click();
    assert.match((await page.locator('#errors li').allTextContents()).join(' | '), /Choose the column that holds the messages' text/);
    assert.notEqual(await page.locator('body').getAttribute('data-run'), 'running');
  });

  test('the text column chosen by hand is what the run reads; author, time, platform land', async () => {
    await page.locator('#map-text').selectOption('Premier message');
    assert.equal(await page.locator('#mapping-error').isVisible(), false);
    assert.ok((await page.locator('#mapping-table th.chosen').allTextContents()).includes('Premier message'));
    await page.locator('#run').click();
    await page.waitForSelector('body[data-run="done"]');
    await page.waitForSelector('#verdicts tbody[data-complete="true"]', { state: 'attached' });
    assert.equal(await page.locator('#verdicts tbody tr').count(), 3);
    assert.equal(await page.locator('#problems').isHidden(), true, (await page.locator('#errors li').allTextContents()).join(' | '));
    const voleurs = page.locator('#verdicts tbody tr', { hasText: 'voleurs' });
    assert.equal(await voleurs.getAttribute('data-category'), 'defamation_risk');
    // The author is searchable, as the engine's reader gave it.
    await page.locator('#search').fill('claire petit');
    await page.waitForFunction(() => document.querySelectorAll('#verdicts tbody tr').length === 1);
    await page.locator('#search').fill('');
    await page.waitForFunction(() => document.querySelectorAll('#verdicts tbody tr').length === 3);
    const platforms = await page.locator('#filter-platform option').allTextContents();
    assert.ok(platforms.includes('Email') && platforms.includes('Web form'), platforms.join(' | '));
    // Ids, times and platforms in the CSV export are the file's.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-csv').click()]);
    const rows = Papa.parse(readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data;
    assert.deepEqual(rows.map((r) => [r.line, r.id, r.platform, r.time]), [
      ['2', '9001', 'Email', '2024-09-12T10:04:51.000Z'],
      ['3', '9002', 'Web form', '2024-09-12T11:30:00.000Z'],
      ['4', '9003', 'Email', '2024-09-12T12:00:00.000Z'],
    ]);
    assert.equal(rows[2].text, '<img src=x onerror="document.body.dataset.pwned=1">');
    assert.equal(await page.evaluate(() => document.body.dataset.pwned), undefined);
  });

  test('plain text shows no panel; a pasted CSV with known names does', async () => {
    await page.locator('#input').fill('Bonjour\nMerci !\n');
    await page.waitForSelector('body[data-mapping="hidden"]', { state: 'attached' });
    assert.equal(await page.locator('#mapping').isHidden(), true);
    await page.locator('#input').fill('message,author,replied_at\n"Où est ma commande ?",Léa,2024-01-01T10:00:00Z\n');
    await page.waitForSelector('body[data-mapping="shown"]');
    assert.equal(await page.locator('#map-text').inputValue(), 'message');
    assert.equal(await page.locator('#map-replied').inputValue(), 'replied_at');
  });
});
