// Makes the README's pictures with the built extension in Chromium, on the demo inbox:
//   docs/inline-card.png   the thread with a chip beside each message and one card open
//   docs/chip.png          chips only, as an agent first sees the thread
//   docs/popup-crisis.png  the popup in crisis mode after a burst of angry messages
//   node scripts/screenshot.mjs     (after `make build`)
import { join } from 'node:path';
import { ROOT, startServer, launchWithExtension, openPopup } from '../tests/browser/helpers.mjs';

const server = await startServer();
const browser = await launchWithExtension();
const out = (name) => join(ROOT, 'docs', name);
try {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1100, height: 900 });
  await page.goto(server.url);
  await page.waitForFunction(() => document.documentElement.dataset.sentinelle === 'ready', null, { timeout: 30_000 });
  await page.waitForFunction(() => document.querySelectorAll('sentinelle-card').length >= 6);
  await page.waitForTimeout(300);
  await page.screenshot({ path: out('chip.png') });
  // One crisis-risk card open, as after a click on its chip.
  const risky = page.locator('sentinelle-card[data-severity="problem"], sentinelle-card[data-severity="crisis"]').first();
  await risky.locator('button.chip').click();
  await risky.scrollIntoViewIfNeeded();
  await page.waitForTimeout(200);
  await page.screenshot({ path: out('inline-card.png') });

  // A burst of angry messages: the spike proposes crisis mode, the team switches it on.
  await page.evaluate(() => {
    const list = document.getElementById('comment-list');
    for (let i = 1; i <= 12; i++) {
      const thread = document.createElement('section');
      thread.dataset.thread = '';
      const message = document.createElement('div');
      message.className = 'message';
      message.dataset.message = '';
      const p = document.createElement('p');
      p.className = 'message-text';
      p.textContent = `Bande d'escrocs, vous m'avez volé mon argent, rendez-le ! (${i})`;
      message.append(p);
      thread.append(message);
      list.prepend(thread);
    }
  });
  await page.waitForFunction(() => document.querySelectorAll('[data-sentinelle-primary]').length >= 29, null, { timeout: 20_000 });
  const popup = await openPopup(browser);
  await popup.setViewportSize({ width: 380, height: 640 });
  await popup.locator('#crisis-toggle').click();
  await popup.waitForFunction(() => document.body.dataset.crisis === 'on');
  await popup.screenshot({ path: out('popup-crisis.png'), fullPage: true });
  console.log(`wrote docs/chip.png, docs/inline-card.png, docs/popup-crisis.png`);
} finally {
  await browser.close();
  server.stop();
}
