// Makes docs/inline-card.png: the demo inbox with the built extension's cards, in Chromium.
//   node scripts/screenshot.mjs     (after `make build`)
import { join } from 'node:path';
import { ROOT, startServer, launchWithExtension } from '../tests/browser/helpers.mjs';

const server = await startServer();
const browser = await launchWithExtension();
try {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1100, height: 900 });
  await page.goto(server.url);
  await page.waitForFunction(() => document.documentElement.dataset.sentinelle === 'ready', null, { timeout: 30_000 });
  await page.waitForTimeout(500);
  const out = join(ROOT, 'docs', 'inline-card.png');
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  server.stop();
}
