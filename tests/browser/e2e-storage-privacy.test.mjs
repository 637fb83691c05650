// The plan in storage survives what happens to it, and storage holds no message text.
//   - A plan stored under an older format version is migrated by the engine when the worker
//     loads, stored once with the original kept, and runs (its template on a page's card).
//   - A save cut short — the worker stopped in the middle of writing, or storage full (the 10 MB
//     quota of chrome.storage.local, filled for real) — leaves the last good plan in force and on
//     the options page, says so, and keeps the edit as a draft that a reload brings back.
//   - A plan file from a newer Sentinelle is refused whole.
//   - After triaging the demo inbox, no area the extension writes (storage.local, .session, its
//     IndexedDB, Cache Storage, its pages' localStorage) holds a message's text; "Clear activity
//     data" clears counts, log and crisis mode and keeps the plan; "Erase everything" clears all,
//     and the plan exported before comes back from its file exactly.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extensionSuite, openInbox, openOptions, scratchFolder, shingles } from './helpers.mjs';

/** Polls `fn` until it returns something truthy: storage and autosave are asynchronous. */
async function until(fn, what, timeout = 15_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the plan in storage, and what else is stored', () => {
  const suite = extensionSuite();
  const scratch = scratchFolder('sentinelle-storage-');


  /** chrome.storage.local, read from an extension page (the worker may be stopped). */
  const local = (page) => page.evaluate(() => chrome.storage.local.get(null));
  const storedPlan = async (page) => {
    const { plan } = await local(page);
    return typeof plan === 'string' ? JSON.parse(plan) : null;
  };
  const status = async (page) => (await page.evaluate(() => chrome.runtime.sendMessage({ type: 'status' }))).status;

  /** The service worker that runs now (a stopped one is replaced by a new one on the next message). */
  async function liveWorker(page) {
    await status(page); // wakes it
    return until(async () => {
      for (const w of suite.browser.context.serviceWorkers().reverse()) {
        if (await w.evaluate(() => typeof chrome.storage?.local?.set === 'function').catch(() => false)) return w;
      }
      return null;
    }, 'a live service worker');
  }

  /** Stops the extension's service worker, as Chromium stops an idle one (or a crash would). */
  async function stopWorker(page) {
    const cdp = await suite.browser.context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.detach();
  }

  /** The default plan, no draft, nothing left over. */
  async function fresh(page) {
    await page.evaluate(async () => {
      await chrome.runtime.sendMessage({ type: 'plan:reset' });
      await chrome.storage.local.remove(['planDraft', 'planBeforeUpgrade', 'filler']);
      localStorage.clear();
    });
  }

  test('a plan stored in an older format version is migrated when the worker loads, and runs', async () => {
    const setup = await openOptions(suite.browser);
    await fresh(setup);
    const doc = JSON.parse((await setup.evaluate(() => chrome.runtime.sendMessage({ type: 'plan:get' }))).plan);
    delete doc.version; // version 0: a plan with no version (src/plan/migrate.rs)
    doc.name = 'Plan v0';
    doc.templates.find((t) => t.id === 'complaint-fr-1').body = 'Bonjour {author}, réponse du plan v0 migré.';
    const old = JSON.stringify(doc, null, 2);
    await setup.close();
    // Written where the extension keeps it, as an older build would have left it; then a restart.
    const popup = await suite.browser.context.newPage();
    await popup.goto(suite.browser.extensionUrl('pages/popup.html'));
    await popup.evaluate((plan) => chrome.storage.local.set({ plan }), old);
    await stopWorker(popup);
    await popup.close();

    const options = await openOptions(suite.browser);
    const stored = await local(options);
    const plan = JSON.parse(stored.plan);
    assert.equal(plan.version, 1, 'stored migrated');
    assert.equal(plan.name, 'Plan v0');
    assert.equal(plan.templates.find((t) => t.id === 'complaint-fr-1').body, 'Bonjour {author}, réponse du plan v0 migré.');
    assert.equal(stored.planBeforeUpgrade.plan, old, 'the text as it was is kept');
    assert.equal(stored.planBeforeUpgrade.from, 0);
    // The options page shows the migrated plan and says what happened.
    assert.equal(JSON.parse(await options.locator('#plan').inputValue()).version, 1);
    assert.match(await options.locator('#plan-upgraded').textContent(), /version 0.*version 1/);
    const s = await status(options);
    assert.equal(s.plan.name, 'Plan v0');
    assert.equal(s.custom, true);
    assert.equal(s.warning, null);
    // And it triages: the migrated template is on the card of the demo's French complaint.
    const { page } = await openInbox(suite.browser.context, suite.server.url);
    const card = page.locator('[data-message-id="c3"] sentinelle-card');
    await card.locator('button.chip').click();
    assert.match(await card.evaluate((h) => h.shadowRoot.textContent), /réponse du plan v0 migré/);
    await page.close();

    // A plan file from a newer Sentinelle: refused whole, the plan in force unchanged.
    const newer = { ...plan, version: 2 };
    await options.locator('#import-file').setInputFiles({ name: 'newer.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(newer)) });
    await options.waitForSelector('#import-errors li');
    assert.match(await options.locator('#import-errors').textContent(), /newer Sentinelle/);
    assert.match(await options.locator('#import-status').textContent(), /nothing changed/);
    assert.equal((await storedPlan(options)).version, 1);
    await options.close();
  });

  test('the worker stopped in the middle of a save: the last plan stays, the edit is kept and saved after', async () => {
    const options = await openOptions(suite.browser);
    await fresh(options);
    await options.locator('#brand-names').fill('Avant la coupure');
    await until(async () => (await storedPlan(options))?.brand.names[0] === 'Avant la coupure', 'the first save');
    // The next write of the plan never completes: the worker is stopped while it waits.
    const worker = await liveWorker(options);
    await worker.evaluate(() => {
      const area = chrome.storage.local;
      const set = area.set.bind(area);
      area.set = (items, ...rest) => {
        if (items && 'plan' in items) {
          globalThis.saveHung = true;
          return new Promise(() => {});
        }
        return set(items, ...rest);
      };
    });
    await options.locator('#brand-names').fill('Après la coupure');
    await until(() => worker.evaluate(() => globalThis.saveHung === true), 'the save to reach the write');
    await stopWorker(options);

    await options.waitForSelector('body[data-save-failed]');
    const said = await options.locator('#plan-status').textContent();
    assert.match(said, /Not saved/);
    assert.match(said, /keeps running the last saved plan/);
    assert.match(said, /kept as a draft/);
    assert.equal((await storedPlan(options)).brand.names[0], 'Avant la coupure', 'the stored plan is whole, the old one');
    assert.match((await local(options)).planDraft.text, /Après la coupure/);
    // A new worker runs the last good plan.
    assert.deepEqual((await status(options)).plan.brandNames, ['Avant la coupure']);
    // The page comes back with the edit and saves it with the new worker.
    await options.reload();
    await options.waitForSelector('body[data-ready="true"]');
    assert.equal(await options.locator('#brand-names').inputValue(), 'Après la coupure');
    await until(async () => (await storedPlan(options))?.brand.names[0] === 'Après la coupure', 'the draft saved');
    await until(async () => !('planDraft' in (await local(options))), 'the draft removed once saved');
    await options.close();
  });

  test('storage full: the last plan stays in force and on the page, the edit kept in the page\'s own storage', async () => {
    const options = await openOptions(suite.browser);
    await fresh(options);
    await options.locator('#brand-names').fill('Avant le quota');
    await until(async () => (await storedPlan(options))?.brand.names[0] === 'Avant le quota', 'the first save');
    // Fill chrome.storage.local to a few bytes under its quota (10 MB without unlimitedStorage).
    const room = await options.evaluate(async () => {
      const area = chrome.storage.local;
      let size = area.QUOTA_BYTES - (await area.getBytesInUse(null)) - 'filler'.length - 2 - 64;
      for (;;) {
        try {
          await area.set({ filler: 'x'.repeat(size) });
          return area.QUOTA_BYTES - (await area.getBytesInUse(null));
        } catch {
          size -= 256;
        }
      }
    });
    assert.ok(room < 1000, `storage is nearly full (${room} bytes left)`);
    const term = `terme-quota-${'x'.repeat(2000)}`;
    await options.locator('#brand-watch').fill(term);
    await options.waitForSelector('body[data-save-failed]');
    const said = await options.locator('#plan-status').textContent();
    assert.match(said, /storage for Sentinelle is full/);
    assert.match(said, /keeps running the last saved plan/);
    assert.match(said, /kept as a draft/);
    const plan = await storedPlan(options);
    assert.equal(plan.brand.names[0], 'Avant le quota');
    assert.ok(!plan.brand.watch_terms.includes(term));
    assert.deepEqual((await status(options)).plan.brandNames, ['Avant le quota']);
    // The page still names the plan in force: the last one saved.
    assert.equal(await options.locator('#plan-source').textContent(), `Running your plan: ${plan.name}`);
    // chrome.storage.local had no room for the draft either: it is in the page's localStorage.
    assert.ok(!('planDraft' in (await local(options))));
    assert.match(await options.evaluate(() => localStorage.getItem('planDraft')), /terme-quota-/);

    // Reloaded while still full: the edit is back on the page, and the page says again why it is not saved.
    await options.reload();
    await options.waitForSelector('body[data-ready="true"]');
    assert.equal(await options.locator('#brand-watch').inputValue(), term);
    await options.waitForSelector('body[data-save-failed]');
    // Room again: the next visit saves the edit.
    await options.evaluate(() => chrome.storage.local.remove('filler'));
    await options.reload();
    await options.waitForSelector('body[data-ready="true"]');
    await until(async () => (await storedPlan(options))?.brand.watch_terms.includes(term), 'the draft saved');
    await until(() => options.evaluate(() => localStorage.getItem('planDraft') === null), 'the fallback draft removed');
    await options.close();
  });

  describe('stored data', () => {
    const ON_PURPOSE = 'Texte que l\'agent a voulu garder dans son modèle.';
    let marks;
    let exported;

    /** Every place the extension could keep something, as one JSON text. */
    async function dump(page) {
      return page.evaluate(async () => {
        const dbs = (await indexedDB.databases?.()) ?? [];
        const idb = {};
        for (const { name } of dbs) {
          idb[name] = await new Promise((resolve) => {
            const req = indexedDB.open(name);
            req.onsuccess = async () => {
              const db = req.result;
              const out = {};
              for (const store of db.objectStoreNames) {
                out[store] = await new Promise((r) => {
                  const all = db.transaction(store).objectStore(store).getAll();
                  all.onsuccess = () => r(all.result);
                  all.onerror = () => r(String(all.error));
                });
              }
              db.close();
              resolve(out);
            };
            req.onerror = () => resolve(String(req.error));
          });
        }
        const cache = {};
        for (const key of await caches.keys()) {
          const c = await caches.open(key);
          cache[key] = await Promise.all((await c.keys()).map(async (r) => [r.url, await (await c.match(r)).text()]));
        }
        return JSON.stringify({
          local: await chrome.storage.local.get(null),
          session: await chrome.storage.session.get(null),
          idb,
          cache,
          localStorage: { ...localStorage },
        });
      });
    }
    const leaks = (text) => marks.filter((m) => text.includes(m));

    test('after triaging the demo inbox, no stored area holds a message\'s text', async () => {
      const options = await openOptions(suite.browser);
      await fresh(options);
      // The agent's own words, on purpose: a template and their name.
      const doc = JSON.parse((await options.evaluate(() => chrome.runtime.sendMessage({ type: 'plan:get' }))).plan);
      doc.name = 'Plan sauvegardé';
      doc.templates.find((t) => t.id === 'praise-fr-1').body = ON_PURPOSE;
      const saved = await options.evaluate((plan) => chrome.runtime.sendMessage({ type: 'plan:save', plan }), JSON.stringify(doc, null, 2));
      assert.equal(saved.ok, true);
      await options.evaluate(() => chrome.runtime.sendMessage({ type: 'settings:save', settings: { agent: 'Jeanne', link: 'https://exemple.fr/aide' } }));

      const { page } = await openInbox(suite.browser.context, suite.server.url);
      await page.waitForFunction(() => document.querySelectorAll('[data-sentinelle-primary]').length >= 17);
      await page.getByRole('button', { name: 'Simulate a new comment' }).click();
      await page.waitForSelector('[data-message-id="n1"][data-sentinelle-primary]');
      await options.evaluate(() => chrome.runtime.sendMessage({ type: 'crisis:set', on: true }));
      const texts = await page.locator('.message-text').allTextContents();
      // What the agent saved on purpose is theirs: a run of words it shares with a message is not a leak.
      const own = JSON.stringify(doc) + ON_PURPOSE;
      marks = [...new Set(texts.flatMap(shingles))].filter((m) => !own.includes(m));
      assert.ok(marks.length > 100, `${marks.length} runs of words to look for`);

      // Activity was recorded (so the dump below looks at real data): counts, log, crisis mode.
      await until(async () => (await local(options)).incidentLog?.windows && Object.keys((await local(options)).incidentLog.windows).length, 'the incident log');
      await until(() => options.evaluate(async () => Object.keys((await chrome.storage.session.get('tabRisks')).tabRisks ?? {}).length), 'the tab counts');
      assert.equal((await local(options)).crisis.on, true);
      const stored = await dump(options);
      assert.deepEqual(leaks(stored), []);
      assert.ok(stored.includes(ON_PURPOSE), 'what the agent saved on purpose is stored');
      // The scan finds text where there is some: a message planted in session storage is caught.
      await options.evaluate((t) => chrome.storage.session.set({ planted: t }), texts[3]);
      assert.ok(leaks(await dump(options)).length > 0, 'the scan catches a stored message');
      await options.evaluate(() => chrome.storage.session.remove('planted'));
      await page.close();

      // The backup for the last test: the plan as the options page exports it.
      await options.reload();
      await options.waitForSelector('body[data-ready="true"]');
      const [download] = await Promise.all([options.waitForEvent('download'), options.locator('#export').click()]);
      exported = join(scratch.path, 'backup.json');
      await download.saveAs(exported);
      assert.equal(readFileSync(exported, 'utf8'), (await local(options)).plan);
      await options.close();
    });

    test('"Clear activity data" clears counts, the incident log and crisis mode, and keeps the plan', async () => {
      const options = await openOptions(suite.browser);
      const before = await local(options);
      await options.locator('#clear-activity').click();
      await options.waitForSelector('body[data-cleared="activity"]');
      assert.match(await options.locator('#data-status').textContent(), /plan and settings are kept/);
      const after = await local(options);
      for (const key of ['incidentLog', 'crisis']) assert.ok(!(key in after), `${key} cleared`);
      assert.equal(Object.keys((await options.evaluate(() => chrome.storage.session.get(null)))).length, 0, 'session storage cleared');
      assert.equal(after.plan, before.plan, 'the plan kept');
      assert.deepEqual(after.settings, before.settings, 'the settings kept');
      const s = await status(options);
      assert.equal(s.crisis.on, false);
      assert.equal(s.plan.name, 'Plan sauvegardé');
      await options.close();
    });

    test('"Erase everything" clears all the extension stored; the exported plan imports back the same', async () => {
      const options = await openOptions(suite.browser);
      const plan = (await local(options)).plan;
      await options.locator('#clear-everything').click();
      assert.match(await options.locator('#clear-everything').textContent(), /Click again/);
      assert.equal((await local(options)).plan, plan, 'one click erases nothing');
      await options.locator('#clear-everything').click();
      await options.waitForSelector('body[data-cleared="everything"]');
      assert.deepEqual(await local(options), {});
      assert.deepEqual(await options.evaluate(() => chrome.storage.session.get(null)), {});
      assert.equal(await options.locator('#agent').inputValue(), '');
      const s = await status(options);
      assert.equal(s.custom, false);
      assert.match(await options.locator('#plan-source').textContent(), /default plan/);

      // The backup: the file imports back to the same plan, deep-equal, and the engine runs it.
      await options.locator('#import-file').setInputFiles(exported);
      await until(async () => (await local(options)).plan, 'the import saved');
      assert.deepEqual(JSON.parse((await local(options)).plan), JSON.parse(readFileSync(exported, 'utf8')));
      assert.equal((await status(options)).plan.name, 'Plan sauvegardé');
      await options.close();
    });
  });
});
