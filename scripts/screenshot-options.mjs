// Makes docs/options-editor.png: the options page's template editor with its live preview, with
// the built extension in Chromium.   node scripts/screenshot-options.mjs   (after `make build`)
import { join } from 'node:path';
import { ROOT, launchWithExtension } from '../tests/browser/helpers.mjs';

const browser = await launchWithExtension();
try {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1100, height: 820 });
  await page.goto(browser.extensionUrl('pages/options.html'));
  await page.waitForSelector('body[data-ready="true"]');
  await page.locator('#tpl-category').selectOption('complaint');
  await page.locator('#tpl-lang').selectOption('en');
  await page.waitForFunction(() => document.querySelector('#preview sentinelle-card')?.shadowRoot.textContent.includes('Complaint'));
  await page.locator('#tpl-list textarea').first().focus();
  await page.waitForTimeout(300);
  await page.locator('#templates-heading').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ROOT, 'docs', 'options-editor.png') });
  // The page is reset untouched: nothing was edited, nothing saved.
} finally {
  await browser.close();
}
