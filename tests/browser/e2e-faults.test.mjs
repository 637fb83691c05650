// Faults the extension must live through (issue 18, docs/reliability/faults.md):
//
// - The service worker stopped mid-stream, through the DevTools protocol, several times — at
//   rest, before a batch is counted, and after it is counted but before it is answered: the
//   spike detector's state, the tab's counts, crisis mode and the incident log come out equal to
//   a run without stops, and every message has exactly one chip.
// - A platform that changed its markup: the adapter finds nothing, the popup says so, and no
//   exception escapes into the page.
//
// (A wasm that fails to load, and an engine that traps mid-batch, are in e2e-engine-failure.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST_CHROME, ROOT, addComment, launchWithExtension, liveWorker, openPopup, startServer, waitVerdict } from './helpers.mjs';
import { PLATFORMS, startPlatformServer, urlOf } from '../platforms/server.mjs';

/** A page the demo adapter reads (`[data-inbox]`, `#comment-list`) and nothing else: no message
 * timed by the clock, so two runs see exactly the same times. */
const STREAM_PAGE = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>stream</title></head>
<body><main data-inbox><div id="comment-list"></div></main></body></html>`;

const T0 = Date.parse('2026-12-05T08:00:00Z');
const MIN = 60_000;
/**
 * The stream: a quiet hour and a half (one complaint per ten-minute window, the detector's
 * baseline), then a burst of accusations in one window (a spike of defamation risk, which
 * proposes crisis mode), crisis mode switched on after the eleventh.
 */
const STREAM = [
  ...Array.from({ length: 8 }, (_, i) => ({ id: `q${i + 1}`, time: T0 + i * 10 * MIN, text: `Ma commande est arrivée avec deux semaines de retard, c'est décevant (${i + 1})` })),
  ...Array.from({ length: 14 }, (_, i) => ({ id: `b${i + 1}`, time: T0 + 80 * MIN + i * 20_000, text: `Bande d'escrocs, vous m'avez volé mon argent, rendez-le ! (${i + 1})` })),
].map((m) => ({ ...m, time: new Date(m.time).toISOString() }));
const CRISIS_AFTER = 'b11';
/**
 * Where the run with stops stops the worker, before the message at that index arrives:
 * `idle` between batches; `before` while the batch waits at the start of its triage (not counted
 * yet); `after` once the detector's state with the batch in it is saved, before the answer (the
 * resent batch must not be counted twice).
 */
const STOPS = { 2: 'before', 5: 'idle', 9: 'after', 12: 'before', 15: 'after', 18: 'idle', 20: 'after' };

/**
 * Test-only, in the live service worker: the next TRIAGE batch hangs at `where` and says so in
 * `globalThis.__faultsHeld`, so the test stops the worker exactly there. The worker that wakes
 * next has none of this.
 */
function holdNextBatch(where) {
  globalThis.__faultsHeld = false;
  const never = () => new Promise(() => {});
  if (where === 'before') {
    const area = chrome.storage.local;
    const get = area.get.bind(area);
    area.get = async (keys) => {
      if (keys === 'settings') {
        globalThis.__faultsHeld = true;
        await never();
      }
      return get(keys);
    };
  } else {
    const area = chrome.storage.session;
    const set = area.set.bind(area);
    area.set = async (items) => {
      await set(items);
      if ('spikes' in items) {
        globalThis.__faultsHeld = true;
        await never();
      }
    };
  }
}

async function waitHeld(worker) {
  return worker.evaluate(async () => {
    for (let i = 0; i < 200 && !globalThis.__faultsHeld; i++) await new Promise((r) => setTimeout(r, 25));
    return globalThis.__faultsHeld;
  });
}

/** One run of the stream in a fresh browser; `stops` as STOPS (or none). */
async function run(server, stops = {}) {
  const started = Date.now();
  const browser = await launchWithExtension(DIST_CHROME);
  try {
    const errors = [];
    await browser.context.route('**/stream.html', (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: STREAM_PAGE }));
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}stream.html`);
    await page.waitForFunction(() => document.documentElement.dataset.sentinelle === 'watching');
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    let stopped = 0;
    for (const [i, m] of STREAM.entries()) {
      const where = stops[i];
      if (where === 'idle') {
        await cdp.send('ServiceWorker.stopAllWorkers');
        stopped++;
      }
      if (where === 'before' || where === 'after') {
        const worker = await liveWorker(browser.context);
        await worker.evaluate(holdNextBatch, where);
        await addComment(page, m);
        assert.equal(await waitHeld(worker), true, `the batch of ${m.id} reached the point "${where}"`);
        await cdp.send('ServiceWorker.stopAllWorkers');
        stopped++;
      } else {
        await addComment(page, m);
      }
      await waitVerdict(page, m.id);
      if (m.id === CRISIS_AFTER) {
        const popup = await openPopup(browser);
        await popup.waitForFunction(() => !document.getElementById('crisis-proposed').hidden, null, { timeout: 10_000 });
        await popup.locator('#crisis-toggle').click();
        await popup.waitForFunction(() => document.body.dataset.crisis === 'on');
        await popup.close();
      }
    }
    // A stop after the last batch too: what the next worker knows is what storage kept.
    if (Object.keys(stops).length) {
      await cdp.send('ServiceWorker.stopAllWorkers');
      stopped++;
    }

    const popup = await openPopup(browser);
    const { status } = await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'status' }));
    const tab = await popup.evaluate(async () => {
      const { tabStats } = await import('./popup.js');
      const tabs = await chrome.tabs.query({});
      return (await Promise.all(tabs.map((t) => tabStats(t.id)))).find((s) => s?.adapter === 'demo');
    });
    const shown = {
      spikes: await popup.locator('#spike-list li').evaluateAll((lis) => lis.map((li) => `${li.dataset.category} ${li.dataset.count}/${li.dataset.baseline}`)),
      crisis: await popup.locator('body').getAttribute('data-crisis'),
      proposed: await popup.locator('#crisis-proposed').isVisible(),
    };
    const log = await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'incident-log' }));
    await popup.close();
    const worker = await liveWorker(browser.context);
    // Wait for the last COUNTS message to land, then read the tab's count as storage has it.
    const counts = await worker.evaluate(async () => {
      const { tabRisks = {} } = await chrome.storage.session.get('tabRisks');
      return Object.values(tabRisks);
    });
    const badge = await worker.evaluate(() => chrome.action.getBadgeText({}));
    const messages = await page.evaluate(() => [...document.querySelectorAll('[data-message]')].map((m) => ({
      id: m.dataset.messageId, primary: m.dataset.sentinellePrimary ?? null, chips: m.querySelectorAll('sentinelle-card').length,
    })).reverse());
    return {
      ms: Date.now() - started,
      stopped,
      resent: tab?.resent,
      errors,
      outcome: {
        spike: { current: status.spike?.current, stats: status.spike?.stats, spiking: status.spike?.spiking },
        crisis: { on: status.crisis.on, proposed: status.crisis.proposed },
        shown,
        windows: log.log.windows,
        counts,
        badge,
        tab: { messages: tab?.messages, severity: tab?.severity, category: tab?.category, risks: tab?.risks.length },
        messages,
      },
    };
  } finally {
    await browser.close();
  }
}

describe('the service worker stopped mid-stream', () => {
  test('spike state, counts, crisis mode and the log equal a run without stops; one chip per message', async (t) => {
    const server = await startServer();
    try {
      const calm = await run(server);
      const stormy = await run(server, STOPS);
      t.diagnostic(`run without stops: ${calm.ms} ms; with ${stormy.stopped} stops: ${stormy.ms} ms, ${stormy.resent} batches resent`);

      // The run without stops is the reference: it must show what the stream was built to show.
      const ref = calm.outcome;
      assert.deepEqual(ref.spike.spiking, ['defamation_risk'], JSON.stringify(ref.spike));
      assert.equal(ref.crisis.on, true);
      assert.equal(ref.spike.stats.observed, STREAM.length);
      assert.ok(ref.counts.length === 1 && ref.counts[0] >= 14, `the tab's crisis-risk count: ${ref.counts}`);
      assert.equal(calm.resent, 0);

      // The stops happened where they were meant to: every held batch was sent again.
      const held = Object.values(STOPS).filter((w) => w !== 'idle').length;
      assert.equal(stormy.stopped, Object.keys(STOPS).length + 1);
      assert.ok(stormy.resent >= held, `batches resent: ${stormy.resent}, held and stopped: ${held}`);

      // None lost, none doubled: one chip per message, every message with its verdict.
      for (const r of [calm, stormy]) {
        assert.deepEqual(r.outcome.messages.map((m) => m.id), STREAM.map((m) => m.id));
        assert.deepEqual(r.outcome.messages.filter((m) => m.chips !== 1 || !m.primary), [], 'a message without exactly one chip');
        assert.deepEqual(r.errors, [], 'exceptions in the page');
      }
      assert.deepEqual(stormy.outcome, ref);
    } finally {
      server.stop();
    }
  });
});

describe('a platform that changed its markup', () => {
  test('the adapter finds nothing, the popup says so, nothing escapes into the page', async () => {
    const server = await startPlatformServer();
    const browser = await launchWithExtension(DIST_CHROME, { args: server.args, ignoreHTTPSErrors: true });
    try {
      const errors = [];
      const ours = [];
      const watch = (page) => {
        page.on('pageerror', (e) => errors.push(e.message));
        // Ours: anything the content script logs (its file is the extension's), or naming us; the
        // fixture server's 404 for a favicon is not.
        page.on('console', (m) => { if (m.location().url.startsWith('chrome-extension://') || /sentinelle/i.test(m.text())) ours.push(`${m.type()}: ${m.text()}`); });
      };
      const nothingShown = async () => {
        const popup = await openPopup(browser);
        const got = { visible: await popup.locator('#tab-nothing').isVisible(), text: await popup.locator('#tab-nothing').textContent() };
        await popup.close();
        return got;
      };

      // The control: the fixture as the adapter knows it is triaged, and the popup is quiet.
      const before = await browser.context.newPage();
      watch(before);
      await before.goto(urlOf('facebook'));
      await before.waitForFunction(() => document.documentElement.dataset.sentinelle === 'ready', null, { timeout: 20_000 });
      assert.ok(await before.locator('[data-sentinelle-primary]').count() >= 8);
      assert.equal((await nothingShown()).visible, false);
      await before.close();

      // The same page after a redesign: comments are no longer div[role=article][aria-label]
      // (Facebook has shipped such renames before), their text no longer span[lang][dir].
      // (Only the page is replaced; its scripts come from the fixture server as before.)
      const redesigned = readFileSync(join(ROOT, 'tests', 'platforms', PLATFORMS.facebook.page), 'utf8')
        .replaceAll('role="article"', 'role="listitem"')
        .replaceAll(' aria-label="', ' data-label="')
        .replaceAll(' dir="auto"', ' data-dir="auto"');
      await browser.context.route(urlOf('facebook'), (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: redesigned }));
      const page = await browser.context.newPage();
      watch(page);
      await page.goto(urlOf('facebook'));
      await page.waitForFunction(() => document.documentElement.dataset.sentinelle === 'watching', null, { timeout: 20_000 });
      assert.equal(await page.locator('[role="listitem"]').count() >= 8, true, 'the redesigned page has its comments');
      // The page's own script (its comment editor) still runs.
      assert.equal(await page.evaluate(() => typeof window.fixtureEditorText), 'function');
      // New comments keep arriving in the new markup while the content script watches.
      await page.evaluate(() => {
        const c = document.querySelector('[role="listitem"]').cloneNode(true);
        document.querySelector('[role="main"]').append(c);
      });
      const shown = await nothingShown();
      assert.equal(shown.visible, true);
      assert.match(shown.text, /facebook/);
      assert.equal(await page.locator('[data-sentinelle-primary], sentinelle-card').count(), 0);
      assert.equal(await page.evaluate(() => document.documentElement.dataset.sentinelle), 'watching');
      assert.deepEqual(errors, [], 'exceptions in the page');
      assert.deepEqual(ours, [], 'errors on the console');
      await page.close();
    } finally {
      await browser.close();
      server.stop();
    }
  });
});
