// Without the extension the demo inbox is just a page: say how to install it. The content script
// marks the page (<html data-sentinelle="watching|ready|error|off">) as soon as it runs; when no
// mark has appeared after a few seconds, the hint shows — and goes away if the mark comes later.
import { localise } from './strings.js';

/** How long the content script gets before the page concludes it is not installed. */
const GRACE_MS = 3000;

const html = document.documentElement;
const hint = document.getElementById('install-hint');
const running = () => html.dataset.sentinelle != null;

if (hint) {
  const strings = localise(hint);
  setTimeout(async () => {
    if (running()) return;
    await strings;
    hint.hidden = running();
    new MutationObserver(() => { hint.hidden = running(); }).observe(html, { attributes: true, attributeFilter: ['data-sentinelle'] });
  }, GRACE_MS);
}
