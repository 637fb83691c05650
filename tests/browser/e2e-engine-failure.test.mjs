// A dead engine is reported, not hidden: with a corrupt wasm file the popup shows the error,
// the toolbar badge says so, and the page is marked instead of getting made-up verdicts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST_CHROME, launchWithExtension, startServer } from './helpers.mjs';

let server;
let browser;
let broken;

before(async () => {
  broken = mkdtempSync(join(tmpdir(), 'sentinelle-broken-'));
  cpSync(DIST_CHROME, broken, { recursive: true });
  writeFileSync(join(broken, 'wasm', 'sentinelle_bg.wasm'), Buffer.from('this is not a wasm module'));
  server = await startServer();
  browser = await launchWithExtension(broken);
});
after(async () => {
  await browser?.close();
  server?.stop();
  rmSync(broken, { recursive: true, force: true });
});

test('the popup shows that the engine failed, with the reason', async () => {
  const popup = await browser.context.newPage();
  await popup.goto(browser.extensionUrl('pages/popup.html'));
  await popup.waitForSelector('body[data-ready="true"]');
  assert.equal(await popup.locator('body').getAttribute('data-engine'), 'error');
  assert.equal(await popup.locator('#engine-state').textContent(), 'failed to load');
  assert.equal(await popup.locator('#engine-error').isVisible(), true);
  assert.ok((await popup.locator('#engine-error').textContent()).length > 5);
  assert.equal(await browser.worker.evaluate(() => chrome.action.getBadgeText({})), '!');
  await popup.close();
});

test('the inbox is marked as failed and shows no verdicts', async () => {
  const page = await browser.context.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => document.documentElement.dataset.sentinelle === 'error', null, { timeout: 20_000 });
  assert.equal(await page.locator('[data-sentinelle-primary]').count(), 0);
  assert.equal(await page.locator('sentinelle-card').count(), 0);
  await page.close();
});
