// Privacy: while the extension triages the demo inbox, every request made by the pages and by
// the extension's service worker goes to the local demo server or to the extension itself, and
// none carries the text of a message.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchWithExtension, startServer, insertFirstReply } from './helpers.mjs';

/** Snippets of demo messages that must never leave in a request. */
const SECRETS = ['escrocs', 'immigrants', 'perturbateurs', 'clowns', 'bouffons', 'blisters', 'Lyon', 'remboursé', 'voucher'];

let server;
let browser;
const requests = [];

before(async () => {
  server = await startServer();
  browser = await launchWithExtension();
  // Attached before any page opens and before the engine loads (it loads on the first batch).
  browser.context.on('request', (r) => {
    requests.push({ url: r.url(), method: r.method(), body: r.postData() ?? '', worker: !!r.serviceWorker(), headers: r.headers() });
  });
});
after(async () => {
  await browser?.close();
  server?.stop();
});

test('triaging the inbox sends nothing anywhere but the demo server and the extension', async () => {
  const page = await browser.context.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => document.documentElement.dataset.sentinelle === 'ready', null, { timeout: 20_000 });
  await page.waitForFunction(() => document.querySelectorAll('[data-sentinelle-primary]').length >= 17);
  await insertFirstReply(page.locator('[data-message-id="c4"] sentinelle-card'));
  await page.getByRole('button', { name: 'Simulate a new comment' }).click();
  await page.waitForSelector('[data-message-id="n1"][data-sentinelle-primary]');
  // The popup and options pages too.
  for (const path of ['pages/popup.html', 'pages/options.html']) {
    const p = await browser.context.newPage();
    await p.goto(browser.extensionUrl(path));
    await p.waitForSelector('body[data-ready="true"]');
    await p.close();
  }
  await page.waitForTimeout(500);

  const local = new URL(server.url).origin;
  const own = `chrome-extension://${browser.extensionId}/`;
  // The capture must see the service worker's own fetch of the wasm, or this test proves nothing.
  assert.ok(
    requests.some((r) => r.url === `${own}wasm/sentinelle_bg.wasm`),
    `the service worker's wasm fetch was not captured; saw:\n${requests.map((r) => r.url).join('\n')}`,
  );
  for (const r of requests) {
    assert.ok(r.url.startsWith(local + '/') || r.url.startsWith(own), `request to ${r.url}`);
    assert.equal(r.method, 'GET', `${r.method} ${r.url}`);
    const sent = decodeURIComponent(r.url) + r.body + JSON.stringify(r.headers);
    for (const s of SECRETS) assert.ok(!sent.includes(s), `message text "${s}" in a request to ${r.url}`);
  }
  await page.close();
});
