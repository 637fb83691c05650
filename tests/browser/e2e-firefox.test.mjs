// The core of the Chromium end-to-end suite, in real Firefox (Debian's firefox-esr, puppeteer-core
// over WebDriver BiDi) with the built dist/firefox: the same demo inbox gets the same verdicts and
// cards, Insert fills a textarea and a contenteditable, the popup sees the engine, and nothing
// leaves for anywhere but the demo server.
//
// What Firefox does differently, as measured (firefox-esr 153):
// - The background is an event page, not a service worker, and is no puppeteer target: the tests
//   see the engine only through the content script's marks and the popup.
// - `page.goto` to a moz-extension URL never resolves (firefox.mjs, openExtensionPage).
// - BiDi network events cover tabs only, so requests are observed at a proxy (privacy test).
// - Timing: launch ≈ 2.5–3 s, the add-on installs in ≈ 0.1 s, and the demo inbox is triaged
//   ≈ 0.6 s after the page opens (the wasm compiles on the first batch), as in Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DEMO_EXPECTED, DEMO_IDS, ROOT, startServer } from './helpers.mjs';
import { extensionUrl, launchFirefox, openCard, openExtensionPage, openInbox } from './firefox.mjs';

const card = (page, id) => page.$(`[data-message-id="${id}"] sentinelle-card`);
/** The text of the first reply on an open card, as shown (the reply, without its notes). */
const firstReply = (host) => host.evaluate((h) => h.shadowRoot.querySelector('li p').firstChild.textContent);
const lines = (s) => s.split('\n').map((l) => l.trim()).filter(Boolean);
/** What the agent types after an insertion: it must land after the reply, in the same box. */
const TYPED = ' Zoé';
const MULTILINE = 'Bonjour Ann,\nnous sommes désolés.\n\nÉcrivez-nous en privé. 🙏';

/** What the box holds after typing: Insert selects the reply's first unfilled placeholder
 * (`[prénom de l'agent]`), so typing replaces it; with none, typing follows the reply. */
function afterTyping(reply) {
  const placeholder = reply.match(/\[[^[\]\n]{1,80}\]/)?.[0];
  return placeholder ? reply.replace(placeholder, TYPED) : reply + TYPED;
}

describe('demo inbox in Firefox', () => {
  let server;
  let firefox;
  let page;

  before(async () => {
    server = await startServer();
    firefox = await launchFirefox({ allowOrigin: new URL(server.url).origin });
    page = await openInbox(firefox.browser, server.url);
  });
  after(async () => {
    await firefox?.close();
    server?.stop();
  });

  test('the add-on is installed under its gecko id and its content script answered', async () => {
    assert.equal(firefox.extensionId, 'sentinelle@sentinelle.dev');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.sentinelle), 'ready');
  });

  test('every demo message gets a card in an open shadow root, with the category Chromium gives', async () => {
    await page.waitForFunction((n) => document.querySelectorAll('[data-message][data-sentinelle-primary]').length >= n, {}, DEMO_IDS.length);
    // Chips come a frame after the verdicts, and only near the viewport, their cards when the
    // browser is idle: each message scrolled to, as the agent reads down the inbox.
    for (const id of DEMO_IDS) {
      await page.evaluate((id) => document.querySelector(`[data-message-id="${id}"]`).scrollIntoView({ block: 'center' }), id);
      await page.waitForFunction((id) => document.querySelector(`[data-message-id="${id}"] sentinelle-card`)?.shadowRoot?.querySelector('section.card'), { timeout: 5_000 }, id).catch(() => {});
    }
    const got = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-message-id]')].map((el) => {
      const host = el.querySelector('sentinelle-card');
      return [el.dataset.messageId, {
        primary: el.dataset.sentinellePrimary,
        severity: el.dataset.sentinelleSeverity,
        card: !!host?.shadowRoot?.querySelector('section.card'),
        lightChildren: host?.childNodes.length,
      }];
    })));
    for (const [id, category] of Object.entries(DEMO_EXPECTED)) {
      assert.equal(got[id]?.primary, category, id);
      assert.match(got[id].severity, /^(routine|problem|crisis)$/, id);
      assert.ok(got[id].card, `${id} has no card in a shadow root`);
      assert.equal(got[id].lightChildren, 0, `${id}: the card must keep its content in the shadow root`);
    }
    assert.notEqual(got.c6.severity, 'routine', 'the racist comment is not routine');
  });

  test('the card is styled, through one route: a constructed sheet or the <style> fallback', async (t) => {
    const host = await card(page, 'c6');
    const style = await host.evaluate((h) => ({
      adopted: h.shadowRoot.adoptedStyleSheets.length,
      elements: h.shadowRoot.querySelectorAll('style').length,
      border: getComputedStyle(h.shadowRoot.querySelector('section.card')).borderLeftWidth,
    }));
    // card.js falls back to a <style> element for Firefox content scripts that cannot adopt a
    // sheet built in their compartment; firefox-esr 153 adopts it (measured), so the fallback
    // is not exercised here. Either way the card's own rules must apply, and only once.
    t.diagnostic(`card stylesheet route: ${style.adopted ? 'adoptedStyleSheets' : '<style> fallback'}`);
    assert.equal(style.adopted + style.elements, 1, JSON.stringify(style));
    assert.equal(style.border, '4px', 'the card\'s left border comes from its stylesheet');
  });

  test('the card shows its evidence: quotes of the message\'s own words', async () => {
    const host = await card(page, 'c4');
    await openCard(host);
    const shown = await host.evaluate((h) => {
      const why = h.shadowRoot.querySelector('.why');
      return {
        visible: !!why?.checkVisibility(),
        quotes: [...(why?.querySelectorAll('q') ?? [])].map((q) => q.textContent),
        message: h.closest('[data-message]').querySelector('.message-text').textContent,
      };
    });
    assert.ok(shown.visible, 'the evidence is on screen');
    for (const word of ['escrocs', 'voleurs']) assert.ok(shown.quotes.includes(word), `"${word}" among ${JSON.stringify(shown.quotes)}`);
    // Evidence spans point into the original text (code-point offsets, after emoji).
    for (const q of shown.quotes) assert.ok(shown.message.includes(q), `"${q}" is not in the message`);
  });

  test('Insert puts the reply into the thread\'s textarea, and typing continues after it', async () => {
    const host = await card(page, 'c3');
    const insert = await openCard(host);
    const reply = await firstReply(host);
    assert.ok(reply.length > 10, 'a reply was suggested');
    const box = await page.$('[data-thread]:has([data-message-id="c3"]) textarea.reply-box');
    await insert.click();
    await page.waitForFunction((el) => el.value.length > 0, {}, box);
    await page.waitForFunction((h) => /\S/.test(h.shadowRoot.querySelector('.status').textContent), {}, host);
    assert.equal(await box.evaluate((el) => el.value), reply);
    assert.match(await host.evaluate((h) => h.shadowRoot.querySelector('.status').textContent), /Inserted/);
    assert.ok(await box.evaluate((el) => el === document.activeElement), 'the box has the focus');
    await page.keyboard.type(TYPED);
    assert.equal(await box.evaluate((el) => el.value), afterTyping(reply));
  });

  test('Insert puts the reply into a contenteditable box, and typing continues after it', async () => {
    const host = await card(page, 'd4');
    const insert = await openCard(host);
    const reply = await firstReply(host);
    const box = await page.$('[data-thread]:has([data-message-id="d4"]) .reply-box');
    assert.equal(await box.evaluate((el) => el.isContentEditable), true);
    await insert.click();
    await page.waitForFunction((el) => el.innerText.trim().length > 0, {}, box);
    await page.waitForFunction((h) => /\S/.test(h.shadowRoot.querySelector('.status').textContent), {}, host);
    assert.deepEqual(lines(await box.evaluate((el) => el.innerText)), lines(reply));
    await page.keyboard.type(TYPED);
    assert.deepEqual(lines(await box.evaluate((el) => el.innerText)), lines(afterTyping(reply)), 'the typed text replaces the placeholder, or follows the reply');
  });

  test('a multi-line reply keeps its lines in a textarea and a contenteditable, typing continues after it', async () => {
    // The plan's replies are one line each, so the demo never takes the contenteditable's
    // line-by-line route (insertText, insertLineBreak): insert.js is driven directly here, on a
    // plain page, as e2e-insert does in Chromium.
    const plain = await firefox.browser.newPage();
    await plain.setContent('<textarea id="area"></textarea><div id="editable" contenteditable="true"></div>');
    await plain.addScriptTag({ path: join(ROOT, 'extension', 'content', 'insert.js') });
    const into = (id) => plain.evaluate((id, text) => globalThis.Sentinelle.insert.insertReply(document.getElementById(id), text), id, MULTILINE);
    assert.deepEqual(await into('area'), { ok: true, how: 'textarea' });
    await plain.keyboard.type(TYPED);
    assert.equal(await plain.$eval('#area', (el) => el.value), MULTILINE + TYPED);
    assert.deepEqual(await into('editable'), { ok: true, how: 'contenteditable' });
    await plain.keyboard.type(TYPED);
    const typed = lines(MULTILINE);
    typed[typed.length - 1] += TYPED;
    assert.deepEqual(lines(await plain.$eval('#editable', (el) => el.innerText)), typed);
    await plain.close();
  });

  test('the popup (moz-extension page) shows the engine ready, its version and the plan', async () => {
    const popup = await openExtensionPage(firefox.browser, 'pages/popup.html');
    const shown = await popup.evaluate(() => ({
      engine: document.body.dataset.engine,
      state: document.getElementById('engine-state').textContent,
      version: document.getElementById('version').textContent,
      plan: document.getElementById('plan').textContent,
      errorHidden: document.getElementById('engine-error').hidden,
    }));
    assert.equal(shown.engine, 'ready');
    assert.equal(shown.state, 'ready');
    assert.equal(shown.errorHidden, true);
    assert.match(shown.version, /^\d+\.\d+\.\d+/);
    assert.match(shown.plan, /\(default\)$/);
    await popup.close();
  });
});

describe('privacy in Firefox', () => {
  /** Snippets of demo messages that must never leave in a request. */
  const SECRETS = ['escrocs', 'immigrants', 'perturbateurs', 'clowns', 'bouffons', 'blisters', 'Lyon', 'remboursé', 'voucher'];
  const CANARY = 'http://canary.invalid/sentinelle-background-control';
  let server;
  let firefox;

  before(async () => {
    server = await startServer();
    firefox = await launchFirefox({ allowOrigin: new URL(server.url).origin });
  });
  after(async () => {
    await firefox?.close();
    server?.stop();
  });

  // Every HTTP request Firefox makes goes through the test's proxy (firefox.mjs): the page's, the
  // content script's and the add-on background's, which BiDi's network events never show. The
  // proxy is on from launch, before the engine loads on the first batch. The add-on's own files
  // (the wasm) load from moz-extension:// without any network request, so unlike the Chromium
  // test there is no wasm fetch to see; two controls prove the record is complete instead.
  test('triaging the inbox sends nothing anywhere but the demo server', async () => {
    const page = await firefox.browser.newPage();
    const tabRequests = [];
    page.on('request', (r) => tabRequests.push(r.url()));
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelectorAll('[data-sentinelle-primary]').length >= 17, { timeout: 20_000 });
    await (await openCard(await card(page, 'c4'))).click();
    await page.click('#new-comment');
    await page.waitForSelector('[data-message-id="n1"][data-sentinelle-primary]');
    for (const path of ['pages/popup.html', 'pages/options.html']) await (await openExtensionPage(firefox.browser, path)).close();
    const seen = firefox.proxy.requests.slice();

    const local = new URL(server.url).origin;
    for (const r of seen) {
      assert.ok(r.method !== 'CONNECT' && new URL(r.url).origin === local, `request to ${r.url}`);
      assert.equal(r.method, 'GET', `${r.method} ${r.url}`);
      const sent = decodeURIComponent(r.url) + r.body;
      for (const s of SECRETS) assert.ok(!sent.includes(s), `message text "${s}" in a request to ${r.url}`);
    }

    // Control 1: what BiDi saw the tab ask for, the proxy saw too.
    assert.ok(tabRequests.length > 0);
    for (const url of tabRequests) assert.ok(seen.some((r) => r.url === url), `the proxy missed the tab's ${url}`);
    // Control 2: a request made in the add-on's background page itself reaches the proxy. The
    // popup, an extension page, may reach that page's window (Firefox MV3 backgrounds are
    // event pages, so runtime.getBackgroundPage works) and fetch from it.
    const popup = await openExtensionPage(firefox.browser, 'pages/popup.html');
    const control = await popup.evaluate(async (url) => {
      const bg = await browser.runtime.getBackgroundPage();
      const origin = bg.location.href;
      // The proxy answers 502, which Firefox reports to fetch as a NetworkError: only the
      // proxy's record tells that the request was made.
      await bg.fetch(url).catch(() => {});
      return { origin };
    }, CANARY);
    assert.equal(control.origin, extensionUrl('_generated_background_page.html'), 'the fetch ran in the background page');
    assert.ok(firefox.proxy.requests.some((r) => r.url === CANARY), 'the background\'s request is on the proxy\'s record');
    await popup.close();
    await page.close();
  });
});
