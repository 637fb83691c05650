// Makes docs/teach.png: the picker overlay mid-flow on the help-desk fixture (a message picked,
// now asking for its text), with the built extension in Chromium. The site is granted the way
// e2e-teach.test.mjs grants it (chrome://extensions site access, then a request in a click).
//   node scripts/screenshot-teach.mjs   (after `node scripts/package.mjs`)
import { join } from 'node:path';
import { ROOT, launchWithExtension } from '../tests/browser/helpers.mjs';
import { UNKNOWN_SITES, startPlatformServer, unknownUrlOf } from '../tests/platforms/server.mjs';

const HOST = UNKNOWN_SITES.helpdesk.host;
const server = await startPlatformServer();
const browser = await launchWithExtension(undefined, { args: server.args, ignoreHTTPSErrors: true });
try {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1100, height: 760 });
  await page.goto(unknownUrlOf('helpdesk'));
  const settings = await browser.context.newPage();
  await settings.goto(`chrome://extensions/?id=${browser.extensionId}`);
  await settings.evaluate(([id, host]) => chrome.developerPrivate.addHostPermission(id, `https://${host}/*`), [browser.extensionId, HOST]);
  await settings.close();
  const popup = await browser.context.newPage();
  await popup.goto(browser.extensionUrl('pages/popup.html'));
  await popup.evaluate((host) => {
    const b = document.createElement('button');
    b.id = 'grant';
    b.addEventListener('click', () => chrome.permissions.request({ origins: [`https://${host}/*`] }).then(() => { b.dataset.done = '1'; }));
    document.body.prepend(b);
  }, HOST);
  await popup.locator('#grant').click();
  await popup.waitForSelector('#grant[data-done]', { state: 'attached' });
  await popup.reload();
  await popup.waitForSelector('body[data-ready="true"]');
  const closed = popup.waitForEvent('close');
  await popup.locator('#teach').click();
  await closed;
  await page.bringToFront();
  await page.waitForSelector('sentinelle-picker', { state: 'attached' });
  await page.locator('[data-expect]').nth(2).locator('[data-test-id="omni-log-item-sender"]').click();
  await page.locator('[data-expect]').nth(3).locator('p').hover();
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(ROOT, 'docs', 'teach.png') });
  console.log('wrote docs/teach.png');
} finally {
  await browser.close();
  server.stop();
}
