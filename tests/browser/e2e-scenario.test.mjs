// The demo inbox playing a day (www/scenario.js, ?scenario=day) under the built extension: at top
// speed the crisis's burst makes the popup propose crisis mode; once it is on, a crisis-risk message
// arriving afterwards leads with the plan's holding statement; Pause stops the day and Restart
// clears it. Without the extension the page says how to install it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { extensionSuite, insertFirstReply, launchPlain, openPopup, startServer } from './helpers.mjs';

/** The burst starts about 25 scenario minutes in: 75 s at 20×; room for a slow machine. */
const PROPOSAL_TIMEOUT_MS = 180_000;

/** Opens the popup until it proposes crisis mode (it shows the status as of its opening). */
async function waitForProposal(browser) {
  const deadline = Date.now() + PROPOSAL_TIMEOUT_MS;
  for (;;) {
    const popup = await openPopup(browser);
    if (await popup.locator('#crisis-proposed').isVisible()) return popup;
    await popup.close();
    if (Date.now() > deadline) throw new Error('the popup never proposed crisis mode');
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe('the demo inbox plays a day, with the extension', () => {
  const suite = extensionSuite();

  test('burst → crisis mode proposed → switched on → holding statement first; Pause stops arrivals; Restart clears', async () => {
    const page = await suite.browser.context.newPage();
    await page.goto(`${suite.server.url}?scenario=day`);
    const bar = page.locator('#scenario');
    await bar.waitFor();
    await page.waitForFunction(() => document.documentElement.dataset.sentinelle != null, null, { timeout: 20_000 });
    assert.equal(await page.locator('[data-message]').count(), 0, 'the day starts with an empty inbox');
    assert.equal(await page.locator('#scenario-clock').textContent(), '08:50');

    await page.locator('button[data-speed="20"]').click();
    await page.locator('#scenario-play').click();
    assert.equal(await bar.getAttribute('data-state'), 'playing');

    // Messages arrive in the demo markup and the extension triages them as they come.
    await page.waitForFunction(() => document.querySelector('[data-message-id="s0"]')?.dataset.sentinellePrimary, null, { timeout: 20_000 });
    const datetime = await page.locator('[data-message-id="s0"] time').getAttribute('datetime');
    assert.ok(Number.isFinite(Date.parse(datetime)), 'each message carries its scenario time');

    const popup = await waitForProposal(suite.browser);
    assert.equal(await popup.locator('body').getAttribute('data-crisis'), 'off');
    const clockAtProposal = await page.locator('#scenario-clock').textContent();
    assert.ok(clockAtProposal >= '09:11', `proposed during the crisis, not before (${clockAtProposal})`);
    await popup.locator('#crisis-toggle').click();
    await popup.waitForFunction(() => document.body.dataset.crisis === 'on');
    await popup.close();
    const playedAtToggle = Number(await bar.getAttribute('data-played'));

    // The next crisis-risk message to arrive leads with the holding statement.
    const crisisRisk = await suite.browser.worker.evaluate(() => [...globalThis.Sentinelle.taxonomy.crisisRisk]);
    const handle = await page.waitForFunction(([from, risk]) => [...document.querySelectorAll('[data-scenario-index]')]
      .find((m) => Number(m.dataset.scenarioIndex) >= from && risk.includes(m.dataset.sentinellePrimary) && m.querySelector('sentinelle-card'))
      ?.dataset.messageId, [playedAtToggle, crisisRisk], { timeout: 90_000 });
    const id = await handle.jsonValue();
    const card = page.locator(`[data-message-id="${id}"] sentinelle-card`);
    await card.locator('button.chip').click();
    assert.equal(await card.locator('button[data-template]').first().getAttribute('data-template'), 'incident', `${id}: holding statement first`);

    // Pause: the clock and the arrivals stop.
    await page.locator('#scenario-play').click();
    assert.equal(await bar.getAttribute('data-state'), 'paused');
    const played = await bar.getAttribute('data-played');
    const clock = await page.locator('#scenario-clock').textContent();
    const shown = await page.locator('[data-scenario]').count();
    await page.waitForTimeout(2500); // 50 scenario seconds at 20×: the crisis has a message every 40 s or less
    assert.equal(await bar.getAttribute('data-played'), played);
    assert.equal(await page.locator('#scenario-clock').textContent(), clock);
    assert.equal(await page.locator('[data-scenario]').count(), shown);

    // The scenario's reply boxes are a real rich-text editor (Quill): Insert puts the statement in.
    const statement = await card.evaluate((h) => h.shadowRoot.querySelector('li p').firstChild.textContent);
    await insertFirstReply(card);
    const inEditor = await page.locator(`[data-thread]:has([data-message-id="${id}"]) .ql-container`)
      .evaluate((container) => globalThis.Quill.find(container).getText());
    assert.equal(inEditor.trim(), statement.trim());

    // Restart: an empty inbox at the start of the day, waiting for Play.
    await page.locator('#scenario-restart').click();
    assert.equal(await page.locator('[data-scenario]').count(), 0);
    assert.equal(await page.locator('[data-message]').count(), 0);
    assert.equal(await page.locator('#scenario-clock').textContent(), '08:50');
    assert.equal(await bar.getAttribute('data-state'), 'idle');
    assert.equal(await bar.getAttribute('data-played'), '0');
    assert.equal(await page.locator('#install-hint').isVisible(), false, 'no install hint with the extension running');
    await page.close();
  });
});

describe('the demo inbox without the extension', () => {
  test('says how to install it, in the browser\'s language; the scenario bar speaks it too', async () => {
    const server = await startServer();
    const browser = await launchPlain();
    try {
      const en = await browser.newPage({ locale: 'en-GB' });
      await en.goto(server.url);
      await en.locator('#install-hint').waitFor({ state: 'visible', timeout: 10_000 });
      assert.match(await en.locator('#install-hint').textContent(), /Load unpacked[\s\S]*dist\/chrome/);
      assert.equal(await en.locator('#scenario').isVisible(), false, 'no scenario without ?scenario=day');

      const fr = await browser.newPage({ locale: 'fr-FR' });
      await fr.goto(`${server.url}?scenario=day`);
      await fr.locator('#install-hint').waitFor({ state: 'visible', timeout: 10_000 });
      assert.match(await fr.locator('#install-hint strong').textContent(), /ne tourne pas/);
      assert.equal(await fr.locator('#scenario-play').textContent(), 'Lecture');
      await fr.locator('#scenario-play').click();
      assert.equal(await fr.locator('#scenario-play').textContent(), 'Pause');
    } finally {
      await browser.close();
      server.stop();
    }
  });
});
