// The extension's own pages: the popup reports the engine, the options page edits the plan
// (invalid plans refused with every error and its path, never applied) and the agent settings,
// and the background refuses messages from the wrong sender.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, extensionSuite, launchWithExtension, openInbox, openOptions, openPopup, startServer } from './helpers.mjs';

describe('popup and options', () => {
  let server;
  let browser;
  const stored = () => browser.worker.evaluate(() => chrome.storage.local.get(null));

  before(async () => {
    server = await startServer();
    browser = await launchWithExtension();
  });
  after(async () => {
    await browser?.close();
    server?.stop();
  });

  /** Puts a plan into the editor at once (typing 70 KB of JSON would only test the typing). */
  const setPlan = (options, text) =>
    options.locator('#plan').evaluate((el, value) => {
      el.value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, text);

  async function openPopup() {
    const popup = await browser.context.newPage();
    await popup.goto(browser.extensionUrl('pages/popup.html'));
    await popup.waitForSelector('body[data-ready="true"]');
    return popup;
  }

  test('the popup shows the engine loaded, its version and the plan', async () => {
    const popup = await openPopup();
    assert.equal(await popup.locator('body').getAttribute('data-engine'), 'ready');
    assert.equal(await popup.locator('#engine-state').textContent(), 'ready');
    assert.match(await popup.locator('#version').textContent(), /^\d+\.\d+\.\d+/);
    assert.match(await popup.locator('#plan').textContent(), /\(default\)$/);
    assert.equal(await popup.locator('#engine-error').isHidden(), true);
    await popup.close();
  });

  test('the content script reports its counts for the tab', async () => {
    const { page } = await openInbox(browser.context, server.url);
    await page.waitForFunction(() => document.querySelectorAll('[data-sentinelle-primary]').length >= 17);
    const popup = await openPopup();
    // The popup asks the active tab; in a test the popup is its own tab, so ask every tab.
    const stats = await popup.evaluate(async () => {
      const { tabStats } = await import('./popup.js');
      const tabs = await chrome.tabs.query({});
      const all = await Promise.all(tabs.map((t) => tabStats(t.id)));
      return all.find((s) => s?.adapter === 'demo');
    });
    assert.ok(stats, 'the demo tab answered');
    assert.equal(stats.messages, 17);
    const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
    assert.equal(sum(stats.severity), 17);
    assert.ok(stats.category.identity_attack >= 1);
    await popup.close();
    await page.close();
  });

  test('options: an invalid plan lists its errors with paths and is not saved', async () => {
    const before = await stored();
    const options = await openOptions(browser);
    const plan = JSON.parse(await options.locator('#plan').inputValue());
    assert.ok(plan.name, 'the editor starts with the current (default) plan');
    await options.locator('#advanced summary').click(); // the JSON is the power users' view

    await setPlan(options, '{');
    await options.locator('#validate').click();
    await options.waitForSelector('#plan-errors li');
    assert.match(await options.locator('#plan-errors li').first().textContent(), /line 1/, 'a JSON error says where');

    // A plan that parses but breaks three rules: every error is listed, each with its path.
    const broken = structuredClone(plan);
    broken.version = 99;
    broken.thresholds.flag = 1.5;
    broken.templates[0].category = 'no_such_category';
    await setPlan(options, JSON.stringify(broken, null, 2));
    await options.locator('#save').click();
    await options.waitForFunction(() => document.querySelectorAll('#plan-errors li').length >= 3);
    const paths = await options.locator('#plan-errors li code').allTextContents();
    for (const path of ['version', 'thresholds.flag', 'templates[0].category']) {
      assert.ok(paths.includes(path), `no error at ${path}; paths: ${paths.join(', ')}`);
    }
    assert.match(await options.locator('#plan-status').textContent(), /not applied/);
    // The plan and settings are as before; the edit is kept aside as a draft, never applied.
    const { planDraft, ...rest } = await stored();
    assert.deepEqual(rest, before, 'nothing was applied');
    assert.equal(JSON.parse(planDraft.text).version, 99, 'the invalid edit is kept as a draft');

    // The background refuses it too, whatever the page does.
    const direct = await options.evaluate((json) => chrome.runtime.sendMessage({ type: 'plan:save', plan: json }), JSON.stringify(broken));
    assert.equal(direct.ok, false);
    assert.ok(direct.errors.length >= 1 && direct.errors.every((e) => typeof e.path === 'string' && e.message));
    assert.equal((await stored()).plan, before.plan);
    await options.close();
    await browser.worker.evaluate(() => chrome.storage.local.remove('planDraft'));
  });

  test('options: a valid plan is saved and runs; reset brings the default back', async () => {
    const options = await openOptions(browser);
    const plan = JSON.parse(await options.locator('#plan').inputValue());
    const defaultName = plan.name;
    await options.locator('#advanced summary').click();
    plan.name = 'Plan de test e2e';
    await setPlan(options, JSON.stringify(plan, null, 2));
    await options.locator('#save').click();
    await options.waitForFunction(() => /Plan de test e2e/.test(document.getElementById('plan-status').textContent));
    assert.equal(JSON.parse((await stored()).plan).name, 'Plan de test e2e');

    const popup = await openPopup();
    assert.equal(await popup.locator('#plan').textContent(), 'Plan de test e2e (custom)');
    await popup.close();

    await options.locator('#reset').click(); // arms
    assert.equal((await stored()).plan !== undefined, true, 'one click does not reset');
    await options.locator('#reset').click(); // confirms
    await options.waitForFunction((name) => document.getElementById('plan-source').textContent.includes(name), defaultName);
    assert.equal((await stored()).plan, undefined);
    await options.close();
  });

  test('options: the agent name fills the reply templates on open tabs', async () => {
    const { page } = await openInbox(browser.context, server.url);
    await page.waitForSelector('[data-message-id="c3"] sentinelle-card');
    const options = await openOptions(browser);
    await options.locator('#link').fill('not a link');
    await options.locator('#save-settings').click();
    await options.waitForFunction(() => document.getElementById('settings-status').textContent.length > 0);
    assert.match(await options.locator('#settings-status').textContent(), /http/);
    await options.locator('#agent').fill('Zoé Testeuse');
    await options.locator('#link').fill('https://aide.example/contact');
    await options.locator('#save-settings').click();
    await options.waitForFunction(() => /saved/i.test(document.getElementById('settings-status').textContent));
    assert.deepEqual((await stored()).settings, { agent: 'Zoé Testeuse', link: 'https://aide.example/contact' });
    // The tab re-triages on the settings change; some reply on the page now carries the name.
    await page.waitForFunction(() =>
      [...document.querySelectorAll('sentinelle-card')].some((h) => h.shadowRoot.textContent.includes('Zoé Testeuse')), null, { timeout: 10_000 });
    await options.close();
    await page.close();
  });

  test('the background refuses messages from the wrong sender or of the wrong shape', async () => {
    const popup = await openPopup();
    const answers = await popup.evaluate(async () => ({
      // A page of ours may not use the content scripts' channel…
      triageFromPage: await chrome.runtime.sendMessage({ type: 'triage', messages: [{ id: '1', text: 'hello' }] }),
      unknown: await chrome.runtime.sendMessage({ type: 'rm -rf' }),
      malformed: await chrome.runtime.sendMessage({ type: 'plan:save', plan: 42 }),
    }));
    for (const [name, answer] of Object.entries(answers)) {
      assert.equal(answer.ok, false, name);
      assert.match(answer.error, /^refused/, name);
    }
    await popup.close();
  });
});

describe('the spike detector, in the popup and the badge', () => {
  const suite = extensionSuite();

  const COMPLAINT = 'Ma commande n\'est jamais arrivée, je suis très déçu du service.';

  /**
   * `n` comments of one category arriving at once on the demo inbox, without a time (the
   * background stamps them with the time they arrive); resolves once all have verdicts.
   */
  async function burst(page, prefix, n, text = COMPLAINT) {
    await page.evaluate(([prefix, n, text]) => {
      const list = document.getElementById('comment-list');
      for (let i = 1; i <= n; i++) {
        const thread = document.createElement('section');
        thread.dataset.thread = '';
        const message = document.createElement('div');
        message.className = 'message';
        message.dataset.message = '';
        message.dataset.messageId = `${prefix}${i}`;
        const p = document.createElement('p');
        p.className = 'message-text';
        p.textContent = `${text} (${i})`;
        message.append(p);
        thread.append(message);
        list.prepend(thread);
      }
    }, [prefix, n, text]);
    await page.waitForFunction(([prefix, n]) =>
      document.querySelectorAll(`[data-message-id^="${prefix}"][data-sentinelle-primary]`).length === n, [prefix, n], { timeout: 20_000 });
    return page.locator(`[data-message-id^="${prefix}"]`).evaluateAll((els) => els.map((e) => e.dataset.sentinellePrimary));
  }

  const spikeLines = (popup) => popup.locator('#spike-list li').evaluateAll((lis) =>
    lis.map((li) => ({ category: li.dataset.category, count: Number(li.dataset.count), baseline: Number(li.dataset.baseline), text: li.textContent })));

  test('before any burst the popup says there is no spike', async () => {
    const { page } = await openInbox(suite.browser.context, suite.server.url);
    const popup = await openPopup(suite.browser);
    assert.equal(await popup.locator('#spike-none').isVisible(), true);
    assert.equal(await popup.locator('#spike-none').textContent(), 'No spike: message volumes are usual.');
    assert.deepEqual(await spikeLines(popup), []);
    // The badge counts the demo's open crisis-risk messages (e2e-crisis), and names no spike.
    assert.match(await suite.browser.worker.evaluate(() => chrome.action.getBadgeText({})), /^\d*$/);
    assert.doesNotMatch(await suite.browser.worker.evaluate(() => chrome.action.getTitle({})), /spike/);
    await popup.close();
    await page.close();
  });

  test('a burst of complaints is a spike: the popup names it with its count and baseline, the badge says so', async () => {
    const { page } = await openInbox(suite.browser.context, suite.server.url);
    const primaries = await burst(page, 'burst', 12);
    assert.deepEqual(new Set(primaries), new Set(['complaint']), 'the burst is of one category');
    const popup = await openPopup(suite.browser);
    const lines = await spikeLines(popup);
    const complaint = lines.find((l) => l.category === 'complaint');
    assert.ok(complaint, `complaint spiking: ${JSON.stringify(lines)}`);
    assert.ok(complaint.count >= 12, `count ${complaint.count}`);
    assert.ok(complaint.baseline < complaint.count / 4, `baseline ${complaint.baseline}`);
    assert.match(complaint.text, new RegExp(`^Complaint: ${complaint.count} messages in this window, usually `));
    assert.equal(await popup.locator('#spike-none').isVisible(), false);
    // The badge's tooltip names the spike; its colour turns to the spike's.
    assert.match(await suite.browser.worker.evaluate(() => chrome.action.getTitle({})), /spike of Complaint/);
    assert.deepEqual(await suite.browser.worker.evaluate(() => chrome.action.getBadgeBackgroundColor({})), [181, 71, 8, 255]);
    await popup.close();

    // The engine reads the spike too: a complaint arriving now is a crisis.
    await burst(page, 'after', 1);
    assert.equal(await page.locator('[data-message-id="after1"]').getAttribute('data-sentinelle-severity'), 'crisis');
    await page.close();
  });

  test('what a spike is, is the plan\'s detector\'s call: with min_count 1000 the same burst is none', async () => {
    // A plan whose detector needs 1000 messages in a window: JS counting would still see a burst.
    const plan = JSON.parse(readFileSync(join(ROOT, 'data', 'plan.default.json'), 'utf8'));
    plan.spike.min_count = 1000;
    const popup = await openPopup(suite.browser);
    const saved = await popup.evaluate((plan) => chrome.runtime.sendMessage({ type: 'plan:save', plan }), JSON.stringify(plan));
    assert.equal(saved.ok, true, JSON.stringify(saved.errors));
    await popup.close();

    const { page } = await openInbox(suite.browser.context, suite.server.url);
    await burst(page, 'burst', 12);
    await burst(page, 'after', 1);
    assert.notEqual(await page.locator('[data-message-id="after1"]').getAttribute('data-sentinelle-severity'), 'crisis');
    const again = await openPopup(suite.browser);
    assert.deepEqual(await spikeLines(again), []);
    assert.equal(await again.locator('#spike-none').isVisible(), true);
    assert.doesNotMatch(await suite.browser.worker.evaluate(() => chrome.action.getTitle({})), /spike/);
    await again.close();
    await page.close();
  });
});
