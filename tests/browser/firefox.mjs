// Shared by the Firefox end-to-end tests: Debian's firefox-esr driven by puppeteer-core over
// WebDriver BiDi (no geckodriver), with dist/firefox installed as a temporary add-on, and every
// HTTP request Firefox makes passing through a recording proxy (see `recordingProxy`).
//
//   test ──BiDi──▶ firefox-esr ──every http(s) request──▶ recordingProxy ──only the demo server──▶ serve.mjs
//                     └─ moz-extension://<pinned uuid>/  (the add-on's own files: no network at all)
import { existsSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import puppeteer from 'puppeteer-core';
import { GECKO_ID } from '../../scripts/package.mjs';
import { ROOT } from './helpers.mjs';

export const DIST_FIREFOX = join(ROOT, 'dist', 'firefox');
// Test tools cannot download browsers here: use the system's (FIREFOX overrides).
export const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
/**
 * The add-on's moz-extension UUID is random per profile unless pinned; pinned, the tests can
 * open its pages by URL (installExtension only answers the gecko id).
 */
export const EXTENSION_UUID = '5e171e11-0000-4000-8000-00000000f1fe';
export const extensionUrl = (path) => `moz-extension://${EXTENSION_UUID}/${path}`;

/**
 * A forward proxy that records every request it is asked for and forwards only those for
 * `allowed` (an origin); the rest get 502 and HTTPS tunnels are refused, so nothing reaches the
 * network and every attempt is on record. Firefox's BiDi network events cover tabs only: the
 * add-on's background page and its moz-extension pages never appear in them (measured), so the
 * proxy is the one place that sees the add-on's own requests. `requests`: [{method, url, body}].
 */
export async function recordingProxy() {
  const requests = [];
  let allowed = null;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method, url: req.url, body: body.toString('utf8') });
      let target;
      try {
        target = new URL(req.url);
      } catch {
        res.writeHead(400).end();
        return;
      }
      if (!allowed || target.origin !== allowed) {
        res.writeHead(502).end();
        return;
      }
      const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      upstream.end(body);
    });
  });
  server.on('connect', (req, socket) => {
    requests.push({ method: 'CONNECT', url: req.url, body: '' });
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    requests,
    allow(origin) { allowed = origin; },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/**
 * Firefox with the built add-on in `dir`, in a fresh profile (puppeteer makes and removes it).
 * `allowOrigin`: the only origin the proxy forwards (the demo server). Resolves
 * `{browser, proxy, extensionId, close}`.
 */
export async function launchFirefox({ dir = DIST_FIREFOX, allowOrigin = null } = {}) {
  for (const [path, hint] of [[join(dir, 'manifest.json'), 'run `node scripts/package.mjs` first'],
    [FIREFOX, 'run `scripts/setup.sh --test` (Debian\'s firefox-esr) or set FIREFOX']]) {
    if (!existsSync(path)) throw new Error(`${path} is missing: ${hint}`);
  }
  const proxy = await recordingProxy();
  proxy.allow(allowOrigin);
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    // Lets BiDi open the add-on's moz-extension pages.
    args: ['--remote-allow-system-access'],
    // Release builds ignore a changed Remote Settings server unless this is set; without it
    // Firefox opens tunnels to firefox.settings.services.mozilla.com on every run (measured),
    // which the privacy test would have to excuse.
    env: { ...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' },
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: EXTENSION_UUID }),
      'services.settings.server': 'data:,#remote-settings-dummy/v1',
      // Every request through the proxy, the demo server's on 127.0.0.1 included (Firefox
      // otherwise never proxies localhost), so the proxy's record is complete.
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': proxy.port,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': proxy.port,
      'network.proxy.no_proxies_on': '',
      'network.proxy.allow_hijacking_localhost': true,
    },
  });
  try {
    // BiDi webExtension.install wants an absolute path; a temporary add-on, gone with the profile.
    const extensionId = await browser.installExtension(resolve(dir));
    return {
      browser,
      proxy,
      extensionId,
      async close() {
        await browser.close();
        await proxy.close();
      },
    };
  } catch (e) {
    await browser.close();
    await proxy.close();
    throw e;
  }
}

/** Opens the demo inbox in a new tab and waits until the content script has answered. */
export async function openInbox(browser, serverUrl) {
  const page = await browser.newPage();
  await page.goto(serverUrl);
  await page.waitForFunction(() => ['ready', 'error'].includes(document.documentElement.dataset.sentinelle), { timeout: 20_000 });
  return page;
}

/**
 * Opens one of the add-on's pages and waits until it says it is ready. Firefox never resolves
 * `page.goto` to a moz-extension URL (no load event reaches BiDi), so it is started, not awaited,
 * and the page's own mark is what is waited for.
 */
export async function openExtensionPage(browser, path) {
  const page = await browser.newPage();
  page.goto(extensionUrl(path)).catch(() => {}); // settles (or fails) when the tab closes
  // The wait can start in the blank page the tab opens with; when the navigation replaces it,
  // puppeteer fails the wait ("Waiting failed") instead of moving on: wait again in the new page.
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await page.waitForFunction(
        (want) => location.href === want && document.body?.dataset.ready === 'true',
        { timeout: Math.max(1, deadline - Date.now()) },
        extensionUrl(path),
      );
      return page;
    } catch (e) {
      if (Date.now() >= deadline || /timeout/i.test(String(e?.message))) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Opens a message's card (`host`: its <sentinelle-card>) and resolves its first Insert button.
 * A card may start closed behind a chip (`button.chip` in its shadow root): that is clicked first
 * when there is one. Today's card is always open and has no chip.
 */
export async function openCard(host) {
  const chip = (await host.evaluateHandle((h) => h.shadowRoot.querySelector('button.chip'))).asElement();
  if (chip) await chip.click();
  await host.waitForSelector('>>> button[data-template]');
  return host.$('>>> button[data-template]');
}
