// The dashboard's charts and the post-crisis review (src/review, www/review.js): a day's export
// with a burst, triaged in the page's worker; the charts drawn by the engine; the report in
// English and French, its spike windows the plan's detector's, the rows the agent marks routine
// feeding "what to adjust", and the report printed to a one-page PDF.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchPlain, startServer } from './helpers.mjs';

const MINUTE = 60_000;
const MORNING = Date.parse('2026-03-02T08:00:00Z');
const QUIET = ['Merci pour la livraison rapide !', 'Do you ship to Canada?', 'Ma commande est arrivée cassée, personne ne répond.', 'Quels sont vos horaires ?', 'Great service, thank you'];
const BURST = ['Votre crème donne le cancer, partagez avant que ce soit supprimé !', 'Vous êtes des escrocs, vous avez volé mon argent', "Le vendeur du magasin de Lyon m'a insulté", 'Toujours pas de réponse, service nul'];

/** A day as a CSV export: 60 quiet messages over five hours, then 120 in the next hour; reply times. */
function dayExport(dir) {
  const iso = (ms) => new Date(ms).toISOString();
  // The morning answered in 20 minutes, the burst in 95: the export's reply times.
  const rows = ['id,date,text,replied_at'];
  for (let i = 0; i < 60; i++) rows.push(`q${i},${iso(MORNING + i * 5 * MINUTE)},"${QUIET[i % QUIET.length]}",${iso(MORNING + i * 5 * MINUTE + 20 * MINUTE)}`);
  for (let i = 0; i < 120; i++) {
    const at = MORNING + 300 * MINUTE + i * MINUTE / 2;
    rows.push(`b${i},${iso(at)},"${BURST[i % BURST.length].replace(/"/g, '""')}",${iso(at + 95 * MINUTE)}`);
  }
  const path = join(dir, 'day.csv');
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}

describe('the dashboard\'s charts and the post-crisis review', () => {
  let server;
  let browser;
  let page;
  let dir;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sentinelle-review-'));
    server = await startServer();
    browser = await launchPlain();
    page = await browser.newPage({ locale: 'en-US' });
    await page.goto(server.url + 'triage.html');
    await page.waitForSelector('body[data-engine="ready"]');
    await page.locator('#file').setInputFiles(dayExport(dir));
    await page.locator('#run').click();
    await page.waitForSelector('body[data-run="done"][data-review="ready"]');
  });
  after(async () => {
    await browser?.close();
    server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the four charts render from the engine, their marks adding up to the page\'s counts', async () => {
    const charts = await page.evaluate(() => {
      const slot = (name) => document.querySelector(`#charts [data-chart="${name}"] svg`);
      const timeline = slot('timeline');
      const heights = {};
      for (const bar of timeline.querySelectorAll('rect.bar')) {
        const n = Number(bar.dataset.count);
        heights[bar.dataset.category] = (heights[bar.dataset.category] ?? 0) + n;
      }
      const box = timeline.getBoundingClientRect();
      return {
        slots: [...document.querySelectorAll('#charts [data-chart] svg')].map((s) => s.closest('[data-chart]').dataset.chart),
        heights,
        spikes: timeline.querySelectorAll('rect.spike').length,
        drawn: box.width > 300 && box.height > 150,
        cells: slot('category-severity').querySelectorAll('rect.cell').length,
        responseBars: slot('responses').querySelectorAll('rect.bar').length,
        languageBars: slot('languages').querySelectorAll('rect.bar').length,
      };
    });
    assert.deepEqual(charts.slots, ['timeline', 'category-severity', 'responses', 'languages']);
    assert.ok(charts.drawn, 'the timeline has a size on the page');
    const counts = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#category-counts li')].map((li) => [li.dataset.key, Number(li.textContent.split(': ').pop().replace(/\D/g, ''))])));
    const nonzero = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
    assert.deepEqual(charts.heights, nonzero, 'the timeline stacks every message once, by its primary');
    assert.ok(charts.spikes >= 1, 'the burst is shaded as a spike');
    assert.equal(charts.cells, Object.keys(nonzero).length * 3);
    assert.ok(charts.responseBars >= 2 && charts.languageBars === 2, JSON.stringify(charts));
  });

  test('the charts take the page\'s colours: dark text on light, light text on dark', async () => {
    const textColour = () => page.evaluate(() => {
      const fill = getComputedStyle(document.querySelector('#charts [data-chart="category-severity"] svg text')).fill;
      const bg = getComputedStyle(document.body).backgroundColor;
      const lum = (c) => { const [r, g, b] = c.match(/\d+/g).map(Number); return (r + g + b) / 3; };
      return { text: lum(fill), background: lum(bg === 'rgba(0, 0, 0, 0)' ? 'rgb(255, 255, 255)' : bg) };
    });
    const light = await textColour();
    assert.ok(light.text < 100 && light.background > 200, JSON.stringify(light));
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await textColour();
    await page.emulateMedia({ colorScheme: 'light' });
    assert.ok(dark.text > 180 && dark.background < 60, JSON.stringify(dark));
  });

  test('the report: figures, the spike windows, what drove each category, in English then French', async () => {
    await page.locator('#open-review').click();
    await page.waitForSelector('#review:not([hidden]) #review-report h2');
    const report = page.locator('#review-report');
    assert.equal(await report.locator('h2').textContent(), 'Post-crisis review');
    assert.match(await report.locator('.figures').textContent(), /180 messages/);
    const spikes = await report.locator('ul.spikes li').allTextContents();
    assert.ok(spikes.some((s) => /^Misinformation: Mar 2, 2026/.test(s)), spikes.join(' | '));
    const terms = await report.locator('tr[data-category="misinformation"] td.terms').textContent();
    assert.match(terms, /\(30\)/);
    assert.match(await report.textContent(), /180 messages answered: median 95 min, 90 % within 95 min; \d+ % within the plan's deadline\./);
    // No message text in the report: the plan's terms only (the burst's words are not all terms).
    assert.ok(!(await report.textContent()).includes('partagez avant que ce soit supprimé !'));

    await page.locator('#review-lang').selectOption('fr');
    await page.waitForSelector('body[data-review="ready"]');
    await page.waitForFunction(() => document.querySelector('#review-report h2')?.textContent === 'Bilan de crise');
    assert.equal(await report.getAttribute('lang'), 'fr');
    assert.equal(await report.locator('[data-chart="timeline"] svg > title').textContent(), 'Volume dans le temps, par catégorie');
    assert.ok((await report.locator('ul.spikes li').allTextContents()).some((s) => s.startsWith('Désinformation')));
    await page.locator('#review-lang').selectOption('en');
    await page.waitForFunction(() => document.querySelector('#review-report h2')?.textContent === 'Post-crisis review');
  });

  test('rows the agent marks routine bring their terms up under "what to adjust"', async () => {
    await page.locator('#close-review').click();
    await page.locator('#filter-category').selectOption('defamation_risk');
    await page.waitForFunction(() => document.querySelectorAll('#verdicts tbody tr').length >= 3 && document.querySelector('#verdicts tbody').dataset.complete === 'true');
    const before = await page.evaluate(() => document.body.dataset.review);
    assert.equal(before, 'ready');
    for (const k of [0, 1, 2]) {
      await page.locator('#verdicts tbody tr').nth(k).locator('button.mark').click();
      await page.waitForSelector('body[data-review="ready"]');
    }
    assert.equal(await page.locator('#verdicts tbody tr button.mark[aria-pressed="true"]').count(), 3);
    await page.locator('#open-review').click();
    const adjust = await page.locator('#review-report ul.routine-terms li').allTextContents();
    assert.ok(adjust.some((a) => /^“escroc\*” \(Defamation risk\): 3 of its 30 messages ended routine$/.test(a)), adjust.join(' | '));
  });

  test('the report prints to a one-page PDF, alone', async () => {
    await page.emulateMedia({ media: 'print' });
    const hidden = await page.evaluate(() => ['input-form', 'results'].map((id) => getComputedStyle(document.getElementById(id)).display));
    assert.deepEqual(hidden, ['none', 'none'], 'the dashboard is not printed with the report');
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    await page.emulateMedia({ media: 'screen' });
    const text = pdf.toString('latin1');
    assert.ok(text.startsWith('%PDF-'), 'a PDF');
    const pages = text.match(/\/Type\s*\/Page[^s]/g) ?? [];
    assert.equal(pages.length, 1, `${pages.length} pages`);
    writeFileSync(join(dir, 'review.pdf'), pdf);
  });

  test('an incident log that is not one says so, and the page keeps working', async () => {
    await page.locator('#close-review').click();
    const bad = JSON.stringify({ kind: 'sentinelle-incident-log', version: 1, windows: [{ start: 'hier', minutes: 10, counts: {} }] });
    await page.locator('#file').setInputFiles({ name: 'log.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
    await page.locator('#run').click();
    await page.waitForSelector('body[data-run="failed"]');
    assert.match(await page.locator('#errors').textContent(), /"hier" is not a time/);
    await page.locator('#input').fill('Merci !');
    await page.locator('#run').click();
    await page.waitForSelector('body[data-run="done"]');
  });
});
