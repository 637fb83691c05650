// Makes docs/dashboard.png (the triage dashboard with its charts) and docs/review.png (the
// post-crisis review as it prints), from the demo's day at Lumière & Co (www/scenario-day.js) as
// an export with reply times.   node scripts/screenshot-dashboard.mjs   (after `make build`)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { ROOT, launchPlain, startServer } from '../tests/browser/helpers.mjs';
import { DAY } from '../www/scenario-day.js';

const DATE = '2026-03-02';
const at = (hhmm) => Date.parse(`${DATE}T${hhmm.length === 5 ? hhmm + ':00' : hhmm}Z`);
// Answered after 12 minutes in the morning, later and later as the crisis builds, then faster.
const delay = (t) => (t < at('09:07') ? 12 : t < at('09:31') ? 25 + (t - at('09:07')) / 60_000 : 15) * 60_000;
const rows = DAY.messages.filter((m) => !m.brand).map((m, i) => {
  const t = at(m.at);
  return { id: `m${i + 1}`, created_at: new Date(t).toISOString(), author: m.author, platform: m.kind === 'dm' ? 'messenger' : 'facebook', text: m.text, replied_at: new Date(t + delay(t)).toISOString() };
});
const dir = mkdtempSync(join(tmpdir(), 'sentinelle-shot-'));
const file = join(dir, 'lumiere-2026-03-02.csv');
writeFileSync(file, Papa.unparse(rows));

const server = await startServer();
const browser = await launchPlain();
try {
  const page = await browser.newPage({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  await page.goto(server.url + 'triage.html');
  await page.waitForSelector('body[data-engine="ready"]');
  await page.locator('#file').setInputFiles(file);
  await page.locator('#run').click();
  await page.waitForSelector('body[data-run="done"][data-review="ready"]');
  // From the columns panel to the first rows of the table, in page coordinates.
  const [top, bottom] = await page.evaluate(() => [
    document.getElementById('mapping').getBoundingClientRect().top + scrollY,
    document.getElementById('viewport').getBoundingClientRect().top + scrollY + 200,
  ]);
  await page.screenshot({ path: join(ROOT, 'docs', 'dashboard.png'), clip: { x: 0, y: top - 8, width: 1280, height: bottom - top + 8 }, fullPage: true });

  await page.locator('#open-review').click();
  await page.emulateMedia({ media: 'print' });
  // A4 at 96 dpi less the margins: the page as it prints.
  await page.setViewportSize({ width: 718, height: 1047 });
  await page.screenshot({ path: join(ROOT, 'docs', 'review.png'), fullPage: true });
  console.log(`docs/dashboard.png, docs/review.png from ${rows.length} messages`);
} finally {
  await browser.close();
  server.stop();
  rmSync(dir, { recursive: true, force: true });
}
