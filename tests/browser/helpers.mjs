// Shared by the end-to-end tests: the demo server, and Chromium with the built extension.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST_CHROME = join(ROOT, 'dist', 'chrome');
// Playwright cannot download browsers here: use the system's (CHROMIUM overrides).
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Flags that keep Chromium quiet on a closed network (docs/TOOLCHAIN). */
const QUIET = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

function requireFile(path, hint) {
  if (!existsSync(path)) throw new Error(`${path} is missing: ${hint}`);
}

/** Starts scripts/serve.mjs on a free port; resolves `{url, stop}` once it prints its address. */
export function startServer() {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'serve.mjs')], {
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { child.kill(); reject(new Error(`serve.mjs printed no address:\n${out}`)); }, 10_000);
    const onData = (chunk) => {
      out += chunk;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (!m) return;
      clearTimeout(timer);
      resolve({ url: m[0], stop: () => child.kill() });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => { out += c; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve.mjs exited (${code}):\n${out}`)); });
  });
}

/**
 * Chromium with the unpacked extension in `dir`, in a fresh profile. Resolves
 * `{context, worker, extensionId, extensionUrl(path), close}`. `options.args`: more Chromium
 * flags (e.g. the host-resolver rules of tests/platforms/server.mjs); `options.ignoreHTTPSErrors`
 * for its self-signed certificate.
 */
export async function launchWithExtension(dir = DIST_CHROME, { args = [], ignoreHTTPSErrors = false } = {}) {
  requireFile(join(dir, 'manifest.json'), 'run `node scripts/package.mjs` first');
  requireFile(CHROMIUM, 'install Debian\'s chromium or set CHROMIUM');
  const profile = mkdtempSync(join(tmpdir(), 'sentinelle-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    headless: true,
    executablePath: CHROMIUM,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [`--disable-extensions-except=${dir}`, `--load-extension=${dir}`, ...QUIET, ...args],
    ignoreHTTPSErrors,
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    worker,
    extensionId,
    extensionUrl: (path) => `chrome-extension://${extensionId}/${path}`,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * For a `describe`: the demo server and Chromium with the built extension, started before its
 * tests and closed after them. Returns `{server, browser}`, filled once its tests run.
 */
export function extensionSuite(dir = DIST_CHROME) {
  const suite = { server: null, browser: null };
  before(async () => {
    suite.server = await startServer();
    suite.browser = await launchWithExtension(dir);
  });
  after(async () => {
    await suite.browser?.close();
    suite.server?.stop();
  });
  return suite;
}

/** Opens the extension's options page and waits until it says it is ready. */
export async function openOptions(browser) {
  const page = await browser.context.newPage();
  await page.goto(browser.extensionUrl('pages/options.html'));
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

/** Opens the extension's popup and waits until it has shown the status. */
export async function openPopup(browser) {
  const popup = await browser.context.newPage();
  await popup.goto(browser.extensionUrl('pages/popup.html'));
  await popup.waitForSelector('body[data-ready="true"]');
  return popup;
}

/** Plain Chromium, no extension (for the demo's own triage page). */
export async function launchPlain() {
  requireFile(CHROMIUM, 'install Debian\'s chromium or set CHROMIUM');
  return chromium.launch({ headless: true, executablePath: CHROMIUM, args: QUIET });
}

/** Opens the demo inbox and waits until the content script has answered its first batch. */
export async function openInbox(context, serverUrl) {
  const page = await context.newPage();
  const response = await page.goto(serverUrl);
  await page.waitForFunction(() => ['ready', 'error'].includes(document.documentElement.dataset.sentinelle), null, { timeout: 20_000 });
  return { page, response };
}

/**
 * The demo inbox's messages (www/index.html) and the primary category each was written to show
 * with the default plan. When the plan's lexicons change, a row here that stops matching means
 * the demo no longer shows what it claims: fix the demo text or the plan, knowingly.
 */
export const DEMO_EXPECTED = {
  c1: 'praise',
  c2: 'question',
  c3: 'complaint',
  c4: 'defamation_risk', // "escrocs", "voleurs", after emoji (code-point offsets)
  c5: 'misinformation', // a false health claim
  c6: 'identity_attack', // the racist comment
  c7: 'insensitivity_backlash', // an ad during a tragedy
  c8: 'abuse', // insult, English
  c9: 'praise',
  c10: 'question',
  c11: 'abuse', // insult, French
  d1: 'safety_incident', // product injury
  d2: 'employee_misconduct',
  d3: 'threat',
  d4: 'complaint',
  d5: 'praise',
  d6: 'question',
};
export const DEMO_IDS = Object.keys(DEMO_EXPECTED);

/**
 * Opens a message's card from its chip (the card is closed until then) and clicks its first
 * Insert button. `host` is the `<sentinelle-card>` locator; Playwright's CSS pierces its open
 * shadow root.
 */
export async function insertFirstReply(host) {
  if ((await host.locator('.card').getAttribute('hidden')) !== null) await host.locator('button.chip').click();
  await host.locator('button[data-template]').first().click();
  // Done when the card reports the outcome (Insert selects the placeholder after the text lands).
  await host.locator('.status').filter({ hasText: /\S/ }).waitFor({ timeout: 10_000 });
}

/**
 * Adds a comment to a demo-style inbox (`#comment-list` in a `[data-inbox]` page) without waiting
 * for its verdict: `{id, text, author?, time?}`, `time` an ISO date for its `<time datetime>` (the
 * spike detector then counts it at that time, not at the clock's).
 */
export async function addComment(page, comment) {
  await page.evaluate(({ id, text, author, time }) => {
    const thread = document.createElement('section');
    thread.dataset.thread = '';
    const message = document.createElement('div');
    message.className = 'message';
    message.dataset.message = '';
    message.dataset.messageId = id;
    if (author) {
      const a = document.createElement('span');
      a.className = 'author';
      a.textContent = author;
      message.append(a);
    }
    if (time) {
      const t = document.createElement('time');
      t.dateTime = time;
      message.append(t);
    }
    const p = document.createElement('p');
    p.className = 'message-text';
    p.textContent = text;
    message.append(p);
    thread.append(message);
    document.getElementById('comment-list').prepend(thread);
  }, comment);
}

/** Resolves once the message `id` has a verdict (or is marked the brand's own). */
export async function waitVerdict(page, id, timeout = 20_000) {
  await page.waitForFunction((id) => {
    const el = document.querySelector(`[data-message-id="${id}"]`);
    return el?.dataset.sentinellePrimary || el?.dataset.sentinelleOwn;
  }, id, { timeout });
}

/**
 * The extension's service worker as it runs now: after the browser stopped one, the next event
 * starts another, which Playwright reports as a new Worker. Resolves the first that answers.
 */
export async function liveWorker(context, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const w of context.serviceWorkers().reverse()) {
      try {
        await w.evaluate(() => 1);
        return w;
      } catch {
        // stopped: its successor may not be listed yet
      }
    }
    if (Date.now() > deadline) throw new Error('no live service worker');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * For a `describe`: the platform fixtures' HTTPS server (tests/platforms/server.mjs, the real
 * hostnames) and Chromium with the built extension pointed at it. Returns `{server, browser}`,
 * filled once its tests run.
 */
export function platformSuite(dir = DIST_CHROME) {
  const suite = { server: null, browser: null };
  before(async () => {
    const { startPlatformServer } = await import('../platforms/server.mjs');
    suite.server = await startPlatformServer();
    suite.browser = await launchWithExtension(dir, { args: suite.server.args, ignoreHTTPSErrors: true });
  });
  after(async () => {
    await suite.browser?.close();
    suite.server?.stop();
  });
  return suite;
}

/** A folder for a `describe`'s files (its name starts with `prefix`), made before its tests and
 * removed after; its path is `.path` once they run. */
export function scratchFolder(prefix) {
  const folder = { path: null };
  before(() => {
    folder.path = mkdtempSync(join(tmpdir(), prefix));
  });
  after(() => {
    if (folder.path) rmSync(folder.path, { recursive: true, force: true });
  });
  return folder;
}

/** Every run of four words (at least 16 characters) of a text: any excerpt of it contains one. */
export function shingles(text) {
  const words = String(text).replace(/\s+/g, ' ').trim().split(' ');
  const out = [];
  for (let i = 0; i + 4 <= words.length; i++) {
    const s = words.slice(i, i + 4).join(' ');
    if (s.length >= 16) out.push(s);
  }
  return out;
}
