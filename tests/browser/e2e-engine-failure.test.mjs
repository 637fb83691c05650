// A dead engine is reported, not hidden: with a corrupt wasm file, or an engine that traps during
// triage, the popup shows why, the toolbar badge says so, and the page is marked and its chips
// taken down instead of getting made-up verdicts — pages stop asking a dead engine, the page's
// own scripts keep running, and the next page load starts the engine again (issue 18, "Faults";
// docs/reliability/faults.md).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_EXPECTED, DEMO_IDS, DIST_CHROME, extensionSuite, launchWithExtension, openInbox, openPopup, startServer } from './helpers.mjs';

/** Every demo message has its verdict and one chip, the primary the demo was written to show
 * (the chips a frame after the verdicts: the whole demo inbox is near enough the viewport). */
async function demoTriaged(page) {
  await page.waitForFunction((n) => document.querySelectorAll('[data-sentinelle-primary]').length >= n, DEMO_IDS.length, { timeout: 20_000 });
  await page.waitForFunction((ids) => ids.every((id) => document.querySelector(`[data-message-id="${id}"] sentinelle-card`)), DEMO_IDS, { timeout: 5_000 }).catch(() => {});
  const got = await page.evaluate((ids) => Object.fromEntries(ids.map((id) => {
    const el = document.querySelector(`[data-message-id="${id}"]`);
    return [id, `${el?.dataset.sentinellePrimary} ${el?.querySelectorAll('sentinelle-card').length}`];
  })), DEMO_IDS);
  assert.deepEqual(got, Object.fromEntries(DEMO_IDS.map((id) => [id, `${DEMO_EXPECTED[id]} 1`])));
}

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

  test('once the wasm loads, the next page load starts the engine, in the same worker', async () => {
    // The file is repaired (an update, a disk that was full): nothing restarts the worker, which
    // is marked to prove it; reloading the page is all it takes.
    await browser.worker.evaluate(() => { globalThis.__sameWorker = true; });
    cpSync(join(DIST_CHROME, 'wasm', 'sentinelle_bg.wasm'), join(broken, 'wasm', 'sentinelle_bg.wasm'));
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await demoTriaged(page);
    assert.equal(await browser.worker.evaluate(() => globalThis.__sameWorker), true, 'the worker that failed is the one that recovered');
    const popup = await openPopup(browser);
    assert.equal(await popup.locator('body').getAttribute('data-engine'), 'ready');
    assert.equal(await popup.locator('#engine-recovered').isVisible(), true);
    assert.match(await popup.locator('#engine-recovered').textContent(), /stopped at .* and was started again/);
    assert.notEqual(await browser.worker.evaluate(() => chrome.action.getBadgeText({})), '!');
    await popup.close();
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
    const T = (globalThis.__sentinelleTest = { instance: null, engines: [], triageMessages: 0, resets: [] });
    // The glue's `__wbg_reset_state` makes its fresh instance with the constructor.
    WebAssembly.Instance = new Proxy(WebAssembly.Instance, {
      construct(target, args, newTarget) {
        const instance = Reflect.construct(target, args, newTarget);
        T.resets.push(instance);
        return instance;
      },
    });
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

  let page;
  const pageErrors = [];
  test('a trap mid-batch stops the engine, the chips come down, the page stops asking and keeps working', async () => {
    ({ page } = await openInbox(browser.context, server.url));
    page.on('pageerror', (e) => pageErrors.push(e.message));
    assert.equal(await page.evaluate(() => document.documentElement.dataset.sentinelle), 'ready');
    await demoTriaged(page);
    assert.ok(await browser.worker.evaluate(() => globalThis.__sentinelleTest.instance !== null), 'the wasm instance was seen loading');
    await browser.worker.evaluate(corruptLiveEngine);

    await page.click('#new-comment'); // the next batch traps inside the wasm
    await page.waitForFunction(() => document.documentElement.dataset.sentinelle === 'error', null, { timeout: 20_000 });
    // Cleanly down: no chip, no mark left standing for a verdict the dead engine cannot update.
    assert.equal(await page.locator('[data-sentinelle-primary], [data-sentinelle-severity]').count(), 0, 'no verdict left or made up');
    assert.equal(await page.locator('sentinelle-card').count(), 0, 'no chip left');

    // ~3 s of a live page: new comments keep arriving, and the agent saves new settings (which
    // makes every live page triage again). The content script asked once (the batch that
    // trapped); after the dead answer it asks no more — no retry timer, no observer, no rescan.
    const popup0 = await openPopup(browser);
    const deadline = Date.now() + 3000;
    let clicks = 1; // the one that trapped
    for (let i = 0; Date.now() < deadline; i++) {
      await page.click('#new-comment');
      clicks++;
      if (i % 5 === 0) await popup0.evaluate((agent) => chrome.runtime.sendMessage({ type: 'settings:save', settings: { agent, link: '' } }), `Agent ${i}`);
      await page.waitForTimeout(150);
    }
    await popup0.close();
    const received = await browser.worker.evaluate(() => globalThis.__sentinelleTest.triageMessages);
    assert.equal(received, 1, `TRIAGE messages after the trap: ${received} (at most the one that trapped)`);
    // The page's own script kept adding comments, and nothing of ours threw into it.
    assert.equal(await page.locator('[data-message-id^="n"]').count(), clicks, 'the page kept working: a comment per click');
    assert.deepEqual(pageErrors, []);

    const popup = await openPopup(browser);
    assert.equal(await popup.locator('body').getAttribute('data-engine'), 'stopped');
    assert.equal(await popup.locator('#engine-state').textContent(), 'engine stopped');
    const error = await popup.locator('#engine-error').textContent();
    assert.match(error, /^RuntimeError: /, `a genuine trap of the wasm instance: ${error}`);
    assert.equal(await popup.locator('#engine-restart').isVisible(), true, 'the popup says how to start it again');
    // The tab's part: its error, and not "the adapter found nothing" (its chips were taken down).
    assert.equal(await popup.locator('#tab-error').isVisible(), true);
    assert.equal(await popup.locator('#tab-nothing').isVisible(), false);
    assert.equal(await browser.worker.evaluate(() => chrome.action.getBadgeText({})), '!');
    await popup.close();
  });

  test('the next page load starts the engine again in a fresh instance: chips back, the popup says what happened', async () => {
    const T = () => browser.worker.evaluate(() => ({ resets: globalThis.__sentinelleTest.resets.length, engines: globalThis.__sentinelleTest.engines.length }));
    assert.deepEqual(await T(), { resets: 0, engines: 1 }, 'nothing was rebuilt in the trapped instance');
    await browser.worker.evaluate(() => { globalThis.__sameWorker = true; });
    await page.reload();
    await demoTriaged(page);
    assert.equal(await browser.worker.evaluate(() => globalThis.__sameWorker), true, 'the page load recovered it, not a new worker');
    assert.deepEqual(await T(), { resets: 1, engines: 2 }, 'one fresh instance, one new engine in it');
    assert.equal(await browser.worker.evaluate(() => {
      const T = globalThis.__sentinelleTest;
      return T.resets[0].exports.memory !== T.instance.exports.memory;
    }), true, 'the new engine lives in new memory');
    const popup = await openPopup(browser);
    assert.equal(await popup.locator('body').getAttribute('data-engine'), 'ready');
    assert.equal(await popup.locator('#engine-restart').isVisible(), false);
    assert.match(await popup.locator('#engine-recovered').textContent(), /stopped at .*RuntimeError.* and was started again/);
    assert.notEqual(await browser.worker.evaluate(() => chrome.action.getBadgeText({})), '!');
    await popup.close();
    assert.deepEqual(pageErrors, []);
    await page.close();
  });
});
