// The agent's day on a page: a chip per message that opens its card (mouse and keyboard), the
// brand's own messages left alone, the toolbar badge counting open crisis-risk messages, and
// crisis mode — proposed by a spike, switched on from the popup, putting the plan's holding
// statement first, surviving the service worker being stopped, and logged without a word of text.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addComment, extensionSuite, openInbox, openPopup, waitVerdict } from './helpers.mjs';

const host = (page, id) => page.locator(`[data-message-id="${id}"] sentinelle-card`);

/** A comment arriving on the demo inbox; resolves once it has a verdict or is marked the brand's own. */
async function arrive(page, id, text, author) {
  await addComment(page, { id, text, author });
  await waitVerdict(page, id);
}

const THEFT = 'Votre technicien a volé des bijoux chez ma mère pendant l\'installation, honteux';

describe('chip, card, brand, badge and crisis mode', () => {
  const suite = extensionSuite();

  test('each message gets a closed chip; a click or Alt+Shift+S on the message opens its card', async () => {
    const { page } = await openInbox(suite.browser.context, suite.server.url);
    const c4 = host(page, 'c4');
    await c4.locator('button.chip').waitFor();
    assert.equal(await c4.locator('button.chip').getAttribute('aria-expanded'), 'false');
    assert.equal(await c4.locator('.card').isVisible(), false, 'the card waits for the agent');
    // The chip names the severity and the primary category, in the agent's language.
    const primary = await page.locator('[data-message-id="c4"]').getAttribute('data-sentinelle-primary');
    assert.match(await c4.locator('button.chip').textContent(), /·/);
    await c4.locator('button.chip').click();
    assert.equal(await c4.locator('.card').isVisible(), true);
    assert.equal(await c4.locator('button.chip').getAttribute('aria-expanded'), 'true');
    assert.equal(await c4.getAttribute('data-category'), primary);
    // Keyboard: focus in another message, then the shortcut.
    const c3 = host(page, 'c3');
    await c3.locator('button.chip').focus();
    await page.keyboard.press('Alt+Shift+KeyS');
    assert.equal(await c3.locator('.card').isVisible(), true, 'Alt+Shift+S opened the focused message\'s card');
    await page.keyboard.press('Alt+Shift+KeyS');
    assert.equal(await c3.locator('.card').isVisible(), false, 'and closes it');
    await page.close();
  });

  test('the badge counts open crisis-risk messages across the tab; the popup lists them and scrolls to one', async () => {
    const { page } = await openInbox(suite.browser.context, suite.server.url);
    await page.waitForFunction(() => document.querySelectorAll('[data-sentinelle-primary]').length >= 17);
    // The engine's own list of crisis risks, as the extension reads it (never retyped here).
    const crisisRisk = await suite.browser.worker.evaluate(() => [...globalThis.Sentinelle.taxonomy.crisisRisk]);
    const risky = await page.locator('[data-sentinelle-primary]').evaluateAll((els, risk) =>
      els.filter((e) => risk.includes(e.dataset.sentinellePrimary)).map((e) => e.dataset.messageId), crisisRisk);
    assert.ok(risky.length >= 2, `crisis risks on the demo: ${risky}`);
    await suite.browser.worker.evaluate(async (n) => {
      for (let i = 0; i < 50 && (await chrome.action.getBadgeText({})) !== String(n); i++) await new Promise((r) => setTimeout(r, 100));
    }, risky.length);
    assert.equal(await suite.browser.worker.evaluate(() => chrome.action.getBadgeText({})), String(risky.length));
    // The popup's list, read as the popup reads the active tab (the popup is its own tab here).
    const popup = await openPopup(suite.browser);
    const stats = await popup.evaluate(async () => {
      const { tabStats } = await import('./popup.js');
      const tabs = await chrome.tabs.query({});
      return (await Promise.all(tabs.map((t) => tabStats(t.id).then((s) => s && { ...s, tabId: t.id })))).find((s) => s?.adapter === 'demo');
    });
    assert.equal(stats.risks.length, risky.length);
    assert.ok(stats.risks.every((r) => r.excerpt.length > 0 && r.excerpt.length <= 90));
    const target = stats.risks.at(-1);
    const answer = await popup.evaluate(([tabId, key]) => chrome.tabs.sendMessage(tabId, { type: 'scroll-to', key }), [stats.tabId, target.key]);
    assert.equal(answer.ok, true);
    await page.waitForFunction(() => [...document.querySelectorAll('sentinelle-card')].some((h) => h.dataset.open === 'true'));
    await popup.close();
    await page.close();
  });

  test('the plan\'s brand names mark the brand\'s own messages: no verdict, no chip, counted apart', async () => {
    const { page } = await openInbox(suite.browser.context, suite.server.url);
    const popup = await openPopup(suite.browser);
    const plan = JSON.parse((await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'plan:get' }))).plan);
    plan.brand.names = ['Maison Lumière'];
    const saved = await popup.evaluate((p) => chrome.runtime.sendMessage({ type: 'plan:save', plan: p }), JSON.stringify(plan));
    assert.equal(saved.ok, true, JSON.stringify(saved.errors));
    await popup.close();
    await arrive(page, 'own1', 'Merci à tous pour vos retours, notre équipe vous répond en message privé.', '@maison lumiere');
    await arrive(page, 'guest1', 'Merci à tous pour vos retours, notre équipe vous répond en message privé.', 'Jeanne Client');
    assert.equal(await page.locator('[data-message-id="own1"]').getAttribute('data-sentinelle-own'), 'true');
    assert.equal(await page.locator('[data-message-id="own1"]').getAttribute('data-sentinelle-primary'), null);
    assert.equal(await host(page, 'own1').count(), 0);
    assert.notEqual(await page.locator('[data-message-id="guest1"]').getAttribute('data-sentinelle-primary'), null, 'the same words from a customer are triaged');
    const reset = await (await openPopup(suite.browser)).evaluate(() => chrome.runtime.sendMessage({ type: 'plan:reset' }));
    assert.equal(reset.ok, true);
    await page.close();
  });

  test('crisis mode: proposed by a spike, switched on in the popup, holding statement first, kept when the worker stops, logged without text', async () => {
    const { page } = await openInbox(suite.browser.context, suite.server.url);
    // Before: the theft report's first reply is the category's own.
    await arrive(page, 'before1', THEFT);
    assert.equal(await page.locator('[data-message-id="before1"]').getAttribute('data-sentinelle-primary'), 'employee_misconduct');
    assert.notEqual(await host(page, 'before1').locator('button[data-template]').first().getAttribute('data-template'), 'incident');

    // A burst of angry messages: the spike proposes crisis mode.
    for (let i = 1; i <= 12; i++) await arrive(page, `angry${i}`, `Bande d'escrocs, vous m'avez volé mon argent, rendez-le ! (${i})`);
    let popup = await openPopup(suite.browser);
    await popup.waitForFunction(() => !document.getElementById('crisis-proposed').hidden, null, { timeout: 10_000 });
    assert.equal(await popup.locator('body').getAttribute('data-crisis'), 'off');
    await popup.locator('#crisis-toggle').click();
    await popup.waitForFunction(() => document.body.dataset.crisis === 'on');
    await popup.close();

    await arrive(page, 'during1', THEFT);
    assert.equal(await host(page, 'during1').locator('button[data-template]').first().getAttribute('data-template'), 'incident');

    // The service worker stops (as Chromium stops an idle one); crisis mode does not.
    const cdp = await suite.browser.context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await arrive(page, 'after1', THEFT); // wakes a new worker
    assert.equal(await host(page, 'after1').locator('button[data-template]').first().getAttribute('data-template'), 'incident');
    popup = await openPopup(suite.browser);
    assert.equal(await popup.locator('body').getAttribute('data-crisis'), 'on');

    // The incident log: counts and times per category, crisis mode on, and no text.
    const log = await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'incident-log' }));
    assert.equal(log.ok, true);
    const json = JSON.stringify(log.log);
    assert.ok(log.log.windows.length >= 1 && log.log.crisis.some((c) => c.on), json);
    assert.ok(log.log.windows.some((w) => (w.counts.employee_misconduct ?? 0) >= 3), json);
    for (const word of ['escrocs', 'technicien', 'bijoux', 'volé']) assert.ok(!json.includes(word), `the log holds no text: ${word}`);

    // That file opens the post-crisis review on the triage dashboard: the same report, from counts.
    const dash = await suite.browser.context.newPage();
    await dash.goto(suite.server.url + 'triage.html');
    await dash.waitForSelector('body[data-engine="ready"]');
    await dash.locator('#file').setInputFiles({ name: 'sentinelle-incident-log.json', mimeType: 'application/json', buffer: Buffer.from(json) });
    await dash.locator('#run').click();
    await dash.waitForSelector('#review:not([hidden]) #review-report[data-source="incident_log"]');
    const misconduct = await dash.locator('#review-report table.about tr[data-category="employee_misconduct"] td.num').textContent();
    assert.ok(Number(misconduct) >= 3, `employee misconduct in the review: ${misconduct}`);
    assert.equal(await dash.locator('#review-report [data-chart="timeline"] svg').count(), 1);
    assert.ok(/on at|activé à/.test(await dash.locator('#review-report').textContent()), 'crisis mode switched on, in the review');
    await dash.close();

    // Off again: the next card has the category's own reply first.
    await popup.locator('#crisis-toggle').click();
    await popup.waitForFunction(() => document.body.dataset.crisis === 'off');
    await popup.close();
    await arrive(page, 'calm1', THEFT);
    assert.notEqual(await host(page, 'calm1').locator('button[data-template]').first().getAttribute('data-template'), 'incident');
    await page.close();
  });
});
