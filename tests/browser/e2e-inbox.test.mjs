// The built extension on the demo inbox: the content script finds every message, the background
// triages them, cards appear in shadow roots, and Insert puts the reply into the thread's box.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_EXPECTED, DEMO_IDS, launchWithExtension, openInbox, startServer, insertFirstReply } from './helpers.mjs';

/** The first reply suggested on a message's card, as shown. */
async function firstReply(page, id) {
  return page.locator(`[data-message-id="${id}"] sentinelle-card`).evaluate((host) => {
    const p = host.shadowRoot.querySelector('li p');
    return p.firstChild.textContent;
  });
}

describe('demo inbox with the extension', () => {
  let server;
  let browser;
  let page;
  let response;

  before(async () => {
    server = await startServer();
    browser = await launchWithExtension();
    ({ page, response } = await openInbox(browser.context, server.url));
  });
  after(async () => {
    await browser?.close();
    server?.stop();
  });

  test('the demo page is served with a strict CSP (so wasm could not run in a content script)', () => {
    assert.match(response.headers()['content-security-policy'], /script-src 'self' 'wasm-unsafe-eval'/);
  });

  test('the content script ran and answered', async () => {
    assert.equal(await page.evaluate(() => document.documentElement.dataset.sentinelle), 'ready');
  });

  test('every demo message gets a verdict and a card in an open shadow root', async () => {
    await page.waitForFunction((n) => document.querySelectorAll('[data-message][data-sentinelle-primary]').length >= n, DEMO_IDS.length);
    for (const id of DEMO_IDS) {
      // The chip of a message the agent scrolls to (content.js draws them near the viewport).
      await page.locator(`[data-message-id="${id}"]`).scrollIntoViewIfNeeded();
      await page.locator(`[data-message-id="${id}"] sentinelle-card`).waitFor({ state: 'attached', timeout: 5_000 });
      const info = await page.locator(`[data-message-id="${id}"]`).evaluate((el) => {
        const host = el.querySelector('sentinelle-card');
        return {
          primary: el.dataset.sentinellePrimary,
          severity: el.dataset.sentinelleSeverity,
          card: !!host?.shadowRoot?.querySelector('section.card'),
          lightChildren: host?.childNodes.length,
        };
      });
      assert.ok(info.primary, `${id} has no primary category`);
      assert.match(info.severity, /^(routine|problem|crisis)$/, id);
      assert.ok(info.card, `${id} has no card in a shadow root`);
      assert.equal(info.lightChildren, 0, `${id}: the card must keep its content in the shadow root`);
    }
  });

  test('each demo message gets the category it was written for', async () => {
    const got = await page.evaluate(() =>
      Object.fromEntries([...document.querySelectorAll('[data-message-id]')].map((el) => [el.dataset.messageId, el.dataset.sentinellePrimary])));
    for (const [id, category] of Object.entries(DEMO_EXPECTED)) assert.equal(got[id], category, id);
    const severity = await page.locator('[data-message-id="c6"]').getAttribute('data-sentinelle-severity');
    assert.notEqual(severity, 'routine', 'the racist comment is not routine');
    const c6 = await page.locator('[data-message-id="c6"] sentinelle-card').evaluate((h) => h.shadowRoot.textContent);
    assert.match(c6, /Identity attack/, 'the card shows the category in words');
  });

  test('Insert puts the reply into the thread\'s textarea', async () => {
    const reply = await firstReply(page, 'c3');
    assert.ok(reply.length > 10, 'a reply was suggested');
    await insertFirstReply(page.locator('[data-message-id="c3"] sentinelle-card'));
    const box = page.locator('[data-thread]:has([data-message-id="c3"]) textarea.reply-box');
    await page.waitForFunction((el) => el.value.length > 0, await box.elementHandle());
    assert.equal(await box.inputValue(), reply);
    const status = await page.locator('[data-message-id="c3"] sentinelle-card').evaluate((h) => h.shadowRoot.querySelector('.status').textContent);
    assert.match(status, /Inserted/);
  });

  test('Insert puts a multi-line reply into a contenteditable box, lines kept', async () => {
    const reply = await firstReply(page, 'd4');
    await insertFirstReply(page.locator('[data-message-id="d4"] sentinelle-card'));
    const box = page.locator('[data-thread]:has([data-message-id="d4"]) .reply-box');
    await page.waitForFunction((el) => el.innerText.trim().length > 0, await box.elementHandle());
    const got = await box.evaluate((el) => el.innerText);
    const norm = (s) => s.split('\n').map((l) => l.trim()).filter(Boolean);
    assert.deepEqual(norm(got), norm(reply));
  });

  test('a message added after load is picked up (MutationObserver)', async () => {
    await page.getByRole('button', { name: 'Simulate a new comment' }).click();
    await page.waitForSelector('[data-message-id="n1"][data-sentinelle-primary]', { timeout: 10_000 });
    // Its chip a frame after its verdict (it arrived in view).
    await page.locator('[data-message-id="n1"] sentinelle-card').waitFor({ state: 'attached', timeout: 5_000 }).catch(() => {});
    assert.equal(await page.locator('[data-message-id="n1"] sentinelle-card').count(), 1);
  });

  test('hostile page text is shown as text, never parsed as HTML', async () => {
    await page.evaluate(() => {
      const thread = document.createElement('section');
      thread.dataset.thread = '';
      const msg = document.createElement('div');
      msg.dataset.message = '';
      msg.dataset.messageId = 'evil';
      const author = document.createElement('span');
      author.className = 'author';
      author.textContent = '<img src=x onerror="window.__pwned=1">';
      const text = document.createElement('p');
      text.className = 'message-text';
      text.textContent = 'Vous êtes des escrocs <img src=x onerror="window.__pwned=2"> <b>voleurs</b>';
      msg.append(author, text);
      thread.append(msg);
      document.getElementById('comment-list').append(thread);
    });
    await page.waitForSelector('[data-message-id="evil"][data-sentinelle-primary]');
    await page.locator('[data-message-id="evil"]').scrollIntoViewIfNeeded(); // its chip: where the agent looks
    const card = await page.locator('[data-message-id="evil"] sentinelle-card').evaluate((h) => ({
      elements: h.shadowRoot.querySelectorAll('img, b').length,
      text: h.shadowRoot.textContent,
    }));
    assert.match(card.text, /<img src=x/, 'the hostile author name reached the card, as text');
    assert.equal(card.elements, 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
  });

  test('with no reply box anywhere, Insert copies the reply and says so', async () => {
    const fresh = await browser.context.newPage();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.slice(0, -1) });
    await fresh.goto(server.url);
    await fresh.waitForFunction(() => document.documentElement.dataset.sentinelle === 'ready');
    await fresh.evaluate(() => {
      // A message outside any thread, and no box focused before: nowhere to insert.
      for (const box of document.querySelectorAll('.reply-box')) box.remove();
      const msg = document.createElement('div');
      msg.dataset.message = '';
      msg.dataset.messageId = 'lonely';
      const text = document.createElement('p');
      text.className = 'message-text';
      text.textContent = 'My order never arrived and nobody answers. I want a refund.';
      msg.append(text);
      document.body.append(msg);
    });
    await fresh.waitForSelector('[data-message-id="lonely"][data-sentinelle-primary]');
    await fresh.locator('[data-message-id="lonely"]').scrollIntoViewIfNeeded(); // its chip: where the agent looks
    const reply = await firstReply(fresh, 'lonely');
    await fresh.bringToFront();
    await insertFirstReply(fresh.locator('[data-message-id="lonely"] sentinelle-card'));
    const host = fresh.locator('[data-message-id="lonely"] sentinelle-card');
    await fresh.waitForFunction((h) => h.shadowRoot.querySelector('.status').textContent.length > 0, await host.elementHandle());
    const status = await host.evaluate((h) => h.shadowRoot.querySelector('.status').textContent);
    assert.match(status, /clipboard/);
    if (/copied to the clipboard/.test(status)) {
      assert.equal(await fresh.evaluate(() => navigator.clipboard.readText()), reply);
    } else {
      // Clipboard refused: the text must then be on screen, selected, for a manual copy.
      assert.equal(await host.evaluate((h) => h.shadowRoot.querySelector('.status textarea').value), reply);
    }
    await fresh.close();
  });
});
