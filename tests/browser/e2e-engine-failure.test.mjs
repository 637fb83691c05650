// A dead engine is reported, not hidden: with a corrupt wasm file, or an engine that traps during
// triage, the popup shows why, the toolbar badge says so, and the page is marked instead of
// getting made-up verdicts — and pages stop asking a dead engine.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST_CHROME, ROOT, extensionSuite, launchWithExtension, openInbox, openPopup, startServer } from './helpers.mjs';

describe('a wasm file that does not load', () => {
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
    const popup = await openPopup(browser);
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
});

describe('an engine that traps during triage', () => {
  const suite = extensionSuite();

  /**
   * Test-only instrumentation of the service worker, installed before the engine loads (it loads
   * on the first message): keeps the wasm instance and the engines wasm-bindgen builds, so the
   * test can reach their linear memory. Nothing in the extension exposes them.
   */
  function instrument() {
    const T = (globalThis.__sentinelleTest = { instance: null, engines: [], triageMessages: 0 });
    for (const name of ['instantiateStreaming', 'instantiate']) {
      const original = WebAssembly[name];
      WebAssembly[name] = async function (...args) {
        const result = await original.apply(this, args);
        T.instance ??= result instanceof WebAssembly.Instance ? result : result.instance;
        return result;
      };
    }
    const register = FinalizationRegistry.prototype.register;
    FinalizationRegistry.prototype.register = function (target, held, token) {
      if (typeof target?.__wbg_ptr === 'number' && typeof target.triagePacked === 'function') T.engines.push(target);
      return register.call(this, target, held, token);
    };
    // Counts what the background receives, next to its own listener.
    chrome.runtime.onMessage.addListener((msg) => {
      if (msg?.type === 'triage') T.triageMessages += 1;
    });
  }

  /**
   * Corrupts the live engine inside the wasm memory: every word of the Rust `Engine` after its
   * borrow flag becomes an address far beyond the memory, so its next triage reads out of bounds
   * and the instance traps (`WebAssembly.RuntimeError`), as it would on a real memory bug. The
   * JS side is left exactly as it is: no function is wrapped or replaced.
   */
  function corruptLiveEngine() {
    const T = globalThis.__sentinelleTest;
    const live = T.engines.filter((e) => e.__wbg_ptr !== 0);
    if (live.length !== 1) throw new Error(`expected one live engine, found ${live.length}`);
    const ptr = live[0].__wbg_ptr; // the engine's RefCell: borrow flag, then the engine
    const words = new Uint32Array(T.instance.exports.memory.buffer);
    words.fill(0xfffffff0, ptr / 4 + 1, ptr / 4 + 0x400 / 4);
    T.triageMessages = 0;
  }

  let server;
  let browser;
  before(async () => {
    ({ server, browser } = suite);
    await browser.worker.evaluate(instrument);
  });

  test('a trap mid-batch stops the engine, and the page stops asking', async () => {
    const { page } = await openInbox(browser.context, server.url);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.sentinelle), 'ready');
    assert.ok(await browser.worker.evaluate(() => globalThis.__sentinelleTest.instance !== null), 'the wasm instance was seen loading');
    await browser.worker.evaluate(corruptLiveEngine);

    await page.click('#new-comment'); // the next batch traps inside the wasm
    await page.waitForFunction(() => document.documentElement.dataset.sentinelle === 'error', null, { timeout: 20_000 });
    assert.equal(await page.locator('[data-message-id="n1"][data-sentinelle-primary]').count(), 0, 'no verdict made up');

    // ~3 s of a live page: new comments keep arriving, and the agent saves new settings (which
    // makes every live page triage again). The content script asked once (the batch that
    // trapped); after the dead answer it asks no more — no retry timer, no observer, no rescan.
    const popup0 = await openPopup(browser);
    const deadline = Date.now() + 3000;
    for (let i = 0; Date.now() < deadline; i++) {
      await page.click('#new-comment');
      if (i % 5 === 0) await popup0.evaluate((agent) => chrome.runtime.sendMessage({ type: 'settings:save', settings: { agent, link: '' } }), `Agent ${i}`);
      await page.waitForTimeout(150);
    }
    await popup0.close();
    const received = await browser.worker.evaluate(() => globalThis.__sentinelleTest.triageMessages);
    assert.equal(received, 1, `TRIAGE messages after the trap: ${received} (at most the one that trapped)`);

    const popup = await openPopup(browser);
    assert.equal(await popup.locator('body').getAttribute('data-engine'), 'stopped');
    assert.equal(await popup.locator('#engine-state').textContent(), 'engine stopped');
    const error = await popup.locator('#engine-error').textContent();
    assert.match(error, /^RuntimeError: /, `a genuine trap of the wasm instance: ${error}`);
    assert.equal(await browser.worker.evaluate(() => chrome.action.getBadgeText({})), '!');
    await popup.close();
    await page.close();
  });

  test('a dead engine answers at once, for every page, and a plan save does not revive it', async () => {
    await browser.worker.evaluate(() => { globalThis.__sentinelleTest.triageMessages = 0; });
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => document.documentElement.dataset.sentinelle === 'error', null, { timeout: 20_000 });
    await page.click('#new-comment');
    await page.waitForTimeout(1000);
    assert.equal(await browser.worker.evaluate(() => globalThis.__sentinelleTest.triageMessages), 1, 'one batch, one dead answer');
    assert.equal(await page.locator('[data-sentinelle-primary]').count(), 0);

    // The options page's save: refused, the instance that trapped builds no new engine.
    const popup = await openPopup(browser);
    const plan = readFileSync(join(ROOT, 'data', 'plan.default.json'), 'utf8');
    const answer = await popup.evaluate((plan) => chrome.runtime.sendMessage({ type: 'plan:save', plan }), plan);
    assert.equal(answer.ok, false);
    assert.equal(answer.dead, true);
    assert.match(answer.error, /RuntimeError/);
    assert.equal(await browser.worker.evaluate(() => globalThis.__sentinelleTest.engines.length), 1, 'no new engine was built');
    await popup.reload();
    await popup.waitForSelector('body[data-ready="true"]');
    assert.equal(await popup.locator('body').getAttribute('data-engine'), 'stopped');
    await popup.close();
    await page.close();
  });
});
