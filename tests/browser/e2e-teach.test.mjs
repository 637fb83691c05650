// Teaching Sentinelle a site by pointing, and "Triage with Sentinelle" on a selection, through the
// built extension in Chromium, on a help desk no built-in adapter knows
// (tests/platforms/helpdesk.html served as https://support.example-helpdesk.com/…).
//
// The host permission: headless Chromium cannot click its permission prompt (a
// `chrome.permissions.request` from a real click just stays pending). So the test grants the site
// the way a user can outside the prompt — on chrome://extensions, "Site access → add a site"
// (`chrome.developerPrivate.addHostPermission`, what that page calls); after that, a
// `chrome.permissions.request` made in a Playwright click (a real user gesture) in an extension
// page resolves `true` without a prompt. The test does that once from the options page (the popup,
// opened here as a tab and not from the toolbar, has no activeTab grant and could not otherwise
// read the help desk's URL), then clicks the popup's real "Teach" button, whose own
// `chrome.permissions.request` resolves `true` the same way. The popup's flow is the shipped one.
//
// The context menu: headless Chromium has no menu to right-click, so the test fires Chromium's own
// `chrome.contextMenus.onClicked` event inside the service worker (`onClicked.dispatch`, the
// event's internal dispatcher, which runs every registered listener) with the info object Chromium
// passes for a selection: {menuItemId, selectionText, frameId, pageUrl, editable}.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIST_CHROME, launchWithExtension, openOptions } from './helpers.mjs';
import { UNKNOWN_SITES, startPlatformServer, unknownUrlOf } from '../platforms/server.mjs';

const HOST = UNKNOWN_SITES.helpdesk.host;
const URL_ = unknownUrlOf('helpdesk');

describe('teaching a help desk by pointing', () => {
  let server;
  let browser;
  let page;

  before(async () => {
    server = await startPlatformServer();
    browser = await launchWithExtension(DIST_CHROME, { args: server.args, ignoreHTTPSErrors: true });
    page = await browser.context.newPage();
    await page.goto(URL_);
  });
  after(async () => {
    await browser?.close();
    server?.stop();
  });

  const customers = () => page.locator('[data-expect]');
  const chipsOnCustomers = () => page.evaluate(() => [...document.querySelectorAll('[data-expect]')].filter((m) => m.querySelector('sentinelle-card')).length);
  /** The chips follow their verdicts by a frame or two (content.js draws them near the viewport,
   * which this short page is): waits a little for them, the assertion after says if they came. */
  const chipsDrawn = () => page.waitForFunction(() => [...document.querySelectorAll('[data-expect]')].every((m) => m.querySelector('sentinelle-card')), null, { timeout: 5_000 }).catch(() => {});

  test('at first the help desk gets no chips (no adapter, no access)', async () => {
    assert.equal(new URL(page.url()).host, HOST);
    await page.waitForTimeout(1500);
    assert.equal(await page.locator('sentinelle-card').count(), 0);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.sentinelle ?? null), null);
  });

  test('the popup asks for the site, and the picker is injected', async () => {
    // The agent grants the site (see the top of this file), then uses the popup's button.
    const settings = await browser.context.newPage();
    await settings.goto(`chrome://extensions/?id=${browser.extensionId}`);
    await settings.evaluate(([id, host]) => chrome.developerPrivate.addHostPermission(id, `https://${host}/*`), [browser.extensionId, HOST]);
    await settings.close();
    // A popup opened as a tab (as here) has no activeTab grant, so it sees the help desk's URL only
    // once the extension holds the site: a first request, from a real click in an extension page.
    const grant = await browser.context.newPage();
    await grant.goto(browser.extensionUrl('pages/options.html'));
    await grant.evaluate((host) => {
      const b = document.createElement('button');
      b.id = 'test-grant';
      b.textContent = 'grant';
      b.addEventListener('click', () => chrome.permissions.request({ origins: [`https://${host}/*`] }).then((g) => { b.dataset.granted = String(g); }));
      document.body.prepend(b);
    }, HOST);
    await grant.locator('#test-grant').click();
    await grant.waitForSelector('#test-grant[data-granted]');
    assert.equal(await grant.locator('#test-grant').getAttribute('data-granted'), 'true');
    await grant.close();
    await page.bringToFront();
    const popup = await browser.context.newPage();
    await popup.goto(browser.extensionUrl('pages/popup.html'));
    await popup.waitForSelector('body[data-ready="true"]');
    assert.equal(await popup.locator('#teach-section').isVisible(), true, 'the popup offers teaching on an unknown site');
    assert.equal(await popup.locator('#teach').getAttribute('data-host'), HOST);
    // Once the picker is in the page the popup closes itself, so the agent can point.
    const closed = popup.waitForEvent('close', { timeout: 10_000 });
    await popup.locator('#teach').click();
    await closed;
    assert.equal(await browser.worker.evaluate((h) => chrome.permissions.contains({ origins: [`https://${h}/*`] }), HOST), true);
    await popup.close().catch(() => {});
    await page.bringToFront();
    await page.waitForSelector('sentinelle-picker', { state: 'attached' });
  });

  test('three clicks: a message, its text, the reply box; then the selectors found and Save', async () => {
    const panel = page.locator('sentinelle-picker .panel');
    assert.equal(await panel.getAttribute('data-step'), '0');
    // A click on a customer's name (the message's header), then on its text, then the composer.
    await customers().nth(1).locator('[data-test-id="omni-log-item-sender"]').click();
    assert.equal(await panel.getAttribute('data-step'), '1');
    await customers().nth(1).locator('p').click();
    assert.equal(await panel.getAttribute('data-step'), '2');
    await page.locator('#composer').click();
    const found = panel.locator('.found');
    await found.waitFor();
    const fields = Object.fromEntries(await panel.locator('code').evaluateAll((codes) => codes.map((c) => [c.dataset.field, c.textContent.replace(/^\w+: /, '')])));
    assert.deepEqual(fields, {
      message: 'article[data-test-id="omni-log-comment-item"]',
      text: 'div[data-test-id="omni-log-message-content"]',
      thread: 'main',
      replyBox: 'textarea[data-test-id="omnicomposer-rich-text-editor"]',
    });
    assert.equal(await found.getAttribute('data-count'), '8'); // 6 customers + 2 agent replies
    assert.match(await found.textContent(), /^8 /);
    assert.equal(await page.evaluate(() => document.getElementById('composer').value), '', 'the clicks never reached the page');
    await panel.locator('button[data-action="save"]').click();
    await page.waitForSelector('sentinelle-picker', { state: 'detached' });
    const stored = await browser.worker.evaluate(() => chrome.storage.local.get('customAdapters'));
    assert.equal(stored.customAdapters[HOST].message, fields.message);
    const registered = await browser.worker.evaluate(() => chrome.scripting.getRegisteredContentScripts());
    assert.deepEqual(registered.map((r) => r.id), [`taught:${HOST}`]);
  });

  test('every customer message gets a chip with its category, at once', async () => {
    await page.waitForFunction(() => [...document.querySelectorAll('[data-expect]')].every((m) => m.dataset.sentinellePrimary), null, { timeout: 20_000 });
    await chipsDrawn();
    assert.equal(await chipsOnCustomers(), 6);
    const got = await page.evaluate(() => [...document.querySelectorAll('[data-expect]')].map((m) => [m.dataset.expect, m.dataset.sentinellePrimary]));
    for (const [expect, primary] of got) assert.equal(primary, expect);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.sentinelle), 'ready');
  });

  test('Insert puts the reply into the composer', async () => {
    const host = customers().nth(2).locator('sentinelle-card'); // the injured child: safety incident
    await host.locator('button.chip').click();
    const button = host.locator('button[data-template]').first();
    const reply = await button.evaluate((b) => b.closest('li').querySelector('p').firstChild.textContent);
    await button.click();
    await page.waitForFunction((r) => window.fixtureEditorText() === r, reply, { timeout: 5_000 }).catch(() => {});
    assert.equal(await page.evaluate(() => window.fixtureEditorText()), reply);
    assert.ok(reply.length > 20);
  });

  test('a reload keeps the chips (the registered content scripts)', async () => {
    await page.reload();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-expect]')].every((m) => m.dataset.sentinellePrimary), null, { timeout: 20_000 });
    await chipsDrawn();
    assert.equal(await chipsOnCustomers(), 6);
  });

  test('the context menu on a selection shows a card with the verdict and Copy', async () => {
    // Select the threat's text in the page, as the agent would before right-clicking.
    const text = await customers().nth(4).locator('[data-test-id="omni-log-message-content"] p').evaluate((p) => {
      const range = document.createRange();
      range.selectNodeContents(p);
      const sel = document.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      return sel.toString();
    });
    const tabId = await browser.worker.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url === u)?.id, page.url());
    assert.ok(Number.isInteger(tabId));
    await browser.worker.evaluate(([tabId, text, url]) => {
      chrome.contextMenus.onClicked.dispatch(
        { menuItemId: 'sentinelle-triage-selection', selectionText: text, frameId: 0, pageUrl: url, editable: false },
        { id: tabId, url, active: true },
      );
    }, [tabId, text, page.url()]);
    const card = page.locator('sentinelle-card[data-sentinelle-selection]');
    await card.waitFor({ timeout: 10_000 });
    assert.equal(await card.getAttribute('data-category'), 'threat');
    assert.equal(await card.locator('.card').isVisible(), true, 'the card is open');
    assert.ok(await card.locator('button[data-copy]').count() >= 1, 'Copy on each reply');
    assert.equal(await card.locator('button[data-template]').count(), 0, 'no Insert: no editor was focused');
    await card.locator('button[data-copy]').first().click();
    assert.match(await card.locator('.status').textContent(), /Copied|copy/i);
    await page.keyboard.press('Escape');
    await card.waitFor({ state: 'detached' });
  });

  test('the selection card offers Insert when an editor is focused', async () => {
    await page.locator('#composer').fill('');
    await page.locator('#composer').focus();
    const tabId = await browser.worker.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url === u)?.id, page.url());
    await browser.worker.evaluate(([tabId, url]) => {
      chrome.contextMenus.onClicked.dispatch(
        { menuItemId: 'sentinelle-triage-selection', selectionText: 'Third order in a row that arrives damaged. I want a refund.', frameId: 0, pageUrl: url, editable: true },
        { id: tabId, url, active: true },
      );
    }, [tabId, page.url()]);
    const card = page.locator('sentinelle-card[data-sentinelle-selection]');
    await card.waitFor({ timeout: 10_000 });
    assert.equal(await card.getAttribute('data-category'), 'complaint');
    const button = card.locator('button[data-template]').first();
    const reply = await button.evaluate((b) => b.closest('li').querySelector('p').firstChild.textContent);
    await button.click();
    await page.waitForFunction((r) => window.fixtureEditorText() === r, reply, { timeout: 5_000 }).catch(() => {});
    assert.equal(await page.evaluate(() => window.fixtureEditorText()), reply);
    await page.keyboard.press('Escape');
    await card.waitFor({ state: 'detached' });
  });

  test('the options page lists the site with its selectors; an invalid edit is refused', async () => {
    const options = await openOptions(browser);
    const item = options.locator(`#sites-list li[data-host="${HOST}"]`);
    assert.equal(await item.locator('input[data-field="message"]').inputValue(), 'article[data-test-id="omni-log-comment-item"]');
    assert.equal(await item.locator('input[data-field="replyBox"]').inputValue(), 'textarea[data-test-id="omnicomposer-rich-text-editor"]');
    await item.locator('input[data-field="text"]').fill('div[data-test-id=');
    assert.equal(await item.locator('button[data-action="save"]').isDisabled(), true);
    assert.ok(await item.locator('.errors li[data-path="text"]').count());
    await item.locator('input[data-field="text"]').fill('div[data-test-id="omni-log-message-content"] p');
    await item.locator('button[data-action="save"]').click();
    await item.locator('[role="status"]').filter({ hasText: /Saved|Enregistré/ }).waitFor();
    const stored = await browser.worker.evaluate(() => chrome.storage.local.get('customAdapters'));
    assert.equal(stored.customAdapters[HOST].text, 'div[data-test-id="omni-log-message-content"] p');
    await options.close();
  });

  test('removing the site stops the chips, unregisters its scripts and releases the access', async () => {
    const options = await openOptions(browser);
    await options.locator(`#sites-list li[data-host="${HOST}"] button[data-action="remove"]`).click();
    await options.waitForSelector('#sites-list[data-count="0"]', { state: 'attached' });
    assert.equal(await options.locator('#sites-empty').isVisible(), true);
    // The open tab drops its chips at once.
    await page.waitForFunction(() => document.querySelectorAll('[data-expect] sentinelle-card, [data-sentinelle-primary]').length === 0, null, { timeout: 5_000 });
    assert.deepEqual(await browser.worker.evaluate(() => chrome.scripting.getRegisteredContentScripts()), []);
    await options.waitForFunction(async (h) => !(await chrome.permissions.contains({ origins: [`https://${h}/*`] })), HOST, { timeout: 5_000 });
    await page.reload();
    await page.waitForTimeout(1500);
    assert.equal(await page.locator('sentinelle-card').count(), 0, 'no chips after a reload');
    await options.close();
  });
});
