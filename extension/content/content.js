/*
 * Content script: finds messages with the page's adapter, sends them to the background in
 * batches, and shows a card per verdict. It stays thin: no engine, no platform knowledge.
 *
 *   MutationObserver ──(added nodes only)──▶ pending ──idle callback──▶ scan
 *   scan ──unseen messages──▶ TRIAGE batch ──▶ background ──verdicts──▶ next frame: cards + data attributes
 *
 * The observer callback does no DOM work: it only queues nodes (skipping tags that cannot hold a
 * message), and the scan runs later, once per burst of mutations (uBlock Origin's discipline).
 * Page text is only read (innerText) and shown as text, never parsed as HTML.
 *
 * Marks for tests and curious agents: <html data-sentinelle="watching|ready|error|off">, and on
 * each triaged message data-sentinelle-primary / data-sentinelle-severity; the brand's own
 * messages (its post, its replies) get data-sentinelle-own and no chip.
 *
 * Each message gets a chip that opens its card (click, or Alt+Shift+S while focus is in the
 * message). After each batch the tab's open crisis-risk count goes to the background, which shows
 * the total on the toolbar badge; the popup lists those messages and can scroll to one.
 *
 * When the background answers `dead: true` (its engine stopped, or never loaded), this script
 * takes its chips down (no verdict is left standing that a dead engine can no longer update) and
 * stops for good: no retry timer, no observer, marked `error` until the page is reloaded — the
 * reload is what starts the engine again (background.js `load`), so a retry from here would only
 * be noise, or a loop on a message that traps the engine every time.
 *
 * A batch that gets no answer at all (the browser stopped the service worker mid-batch) is sent
 * again, the same batch under the same name, after a short wait that doubles up to RETRY_MS:
 * the worker that wakes counts it in the spike detector once and answers it once.
 */
(async () => {
  'use strict';
  const S = globalThis.Sentinelle;
  const M = S.messages;
  const html = document.documentElement;
  // Injected twice (a taught site: registered and injected at once after teaching): run once.
  if (S.contentRunning) return;
  S.contentRunning = true;

  /** A site the agent taught by pointing (content/picker.js, `customAdapters` in storage), as an
   * adapter like the built-in ones; null when there is none or its selectors do not parse. */
  async function taughtAdapter() {
    let all;
    try {
      ({ customAdapters: all } = await chrome.storage.local.get('customAdapters'));
    } catch {
      return null;
    }
    const taught = all?.[location.hostname];
    if (!taught) return null;
    const errors = M.adapterErrors(location.hostname, taught, S.dom.selectorParses);
    if (errors.length) {
      console.warn('sentinelle: the taught adapter for this site is invalid:', errors);
      return null;
    }
    return { id: 'taught', platform: 'web', hosts: [location.hostname], message: taught.message, text: taught.text,
      textIsMessage: !!taught.textIsMessage, thread: taught.thread, replyBox: taught.replyBox, verified: `taught ${taught.taught ?? ''}` };
  }

  const adapter = (await taughtAdapter()) ?? S.adapters.find(
    (a) =>
      a.hosts.some((h) => h === '*' || h === location.hostname || (h.startsWith('.') && location.hostname.endsWith(h))) &&
      (!a.requires || document.querySelector(a.requires)),
  );
  if (!adapter || !(html instanceof HTMLElement)) {
    S.contentRunning = false;
    return;
  }

  /** Tags that can never be or hold a message: their insertions are not even queued. */
  const SKIP = new Set(['SCRIPT', 'STYLE', 'LINK', 'META', 'NOSCRIPT', 'TEMPLATE', 'IMG', 'PICTURE', 'VIDEO', 'AUDIO',
    'CANVAS', 'IFRAME', 'svg', 'BR', 'HR', 'INPUT', 'TEXTAREA', 'SELECT', 'OPTION', 'BUTTON', S.card.TAG.toUpperCase()]);
  /** A generic page with no message after this long is not a social page: stop watching it. */
  const GIVE_UP_MS = 30_000;
  /** After a failed batch, wait this long before asking again (a live page mutates constantly). */
  const RETRY_MS = 30_000;
  /** The first wait before sending a batch that got no answer again; it doubles up to RETRY_MS. */
  const RESEND_MS = 250;

  const pending = new Set(); // nodes to scan
  const seen = new WeakSet(); // messages sent or answered (WeakSet: virtualised lists drop nodes)
  const cards = new WeakMap(); // message → its card element
  const shown = new WeakMap(); // message → verdict shown (to keep the counts right on re-triage)
  // `resent`: batches sent again after getting no answer (the worker stopped mid-batch).
  const stats = { adapter: adapter.id, platform: adapter.platform, messages: 0, own: 0, severity: {}, category: {}, error: null, resent: 0 };
  /** Batch names: this script's own random prefix (unique per page load), then a counter.
   * getRandomValues, not randomUUID: the latter is missing on plain-http pages. */
  const batchPrefix = Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(36)).join('');
  let nextBatch = 1;
  /** Crisis-risk messages on the page, by key, for the popup's list (no text leaves the tab but
   * to our own popup). */
  const risks = new Map(); // key → {el, primary, severity}
  let nextKey = 1;
  const keys = new WeakMap(); // message → key
  let scheduled = false;
  let stopped = false; // the engine is dead: nothing more until the page is reloaded
  let pausedUntil = 0;
  let nextId = 1;
  let lastEditor = null; // the last editor the agent focused, when a thread has none of its own

  const idle = globalThis.requestIdleCallback ?? ((fn) => setTimeout(fn, 50));
  function schedule() {
    if (scheduled) return;
    scheduled = true;
    idle(scan, { timeout: 300 });
  }

  function onMutations(records) {
    for (const r of records) {
      for (const n of r.addedNodes) {
        if (n.nodeType === Node.ELEMENT_NODE) {
          if (!SKIP.has(n.nodeName)) pending.add(n);
        } else if (n.nodeType === Node.TEXT_NODE && n.parentElement) {
          pending.add(n.parentElement); // text arriving late in a message already on the page
        }
      }
    }
    if (pending.size) schedule();
  }

  function scan() {
    scheduled = false;
    if (stopped) return;
    if (Date.now() < pausedUntil) {
      setTimeout(schedule, pausedUntil - Date.now());
      return; // the queue waits
    }
    const found = new Set();
    for (const node of pending) {
      if (!node.isConnected) continue;
      const inside = node.closest(adapter.message);
      if (inside) found.add(inside);
      for (const m of node.querySelectorAll(adapter.message)) found.add(m);
    }
    pending.clear();
    const batch = [];
    const account = ownAccount();
    for (const el of found) {
      if (seen.has(el)) continue;
      const message = read(el);
      if (!message) continue; // no text yet: the mutation that brings it queues it again
      seen.add(el);
      // The page's own account writing (its post, its replies): nothing to triage.
      if (account && message.author && M.authorKey(message.author) === account) {
        markOwn(el);
        continue;
      }
      batch.push({ el, message });
    }
    for (let i = 0; i < batch.length; i += M.MAX_BATCH) send(batch.slice(i, i + M.MAX_BATCH));
  }

  function textElementOf(el) {
    return el.querySelector(adapter.text) ?? (adapter.textIsMessage ? el : null);
  }

  /** The brand's own account as the page names it (the page's header, the logged-in account). */
  function ownAccount() {
    if (!adapter.ownAccount) return null;
    const name = document.querySelector(adapter.ownAccount)?.textContent.trim();
    return name ? M.authorKey(name) : null;
  }

  /** The message as the engine reads it, or null when it has no text. */
  function read(el) {
    const textEl = textElementOf(el);
    const text = (textEl?.innerText ?? '').trim().slice(0, M.MAX_TEXT);
    if (!text) return null;
    const message = { id: String(nextId++), text, platform: adapter.platform };
    const author = adapter.author && el.querySelector(adapter.author)?.textContent.trim();
    if (author) message.author = author.slice(0, 200);
    const timeEl = adapter.time && adapter.timeAttr && el.querySelector(adapter.time);
    const time = timeEl ? Date.parse(timeEl.getAttribute(adapter.timeAttr) ?? '') : NaN;
    if (Number.isFinite(time)) message.time = time;
    return message;
  }

  async function send(batch, name = `${batchPrefix}:${nextBatch++}`, wait = RESEND_MS) {
    if (stopped) return; // a resend timer that outlived the engine
    let answer;
    try {
      answer = await chrome.runtime.sendMessage({ type: M.ContentToBackground.TRIAGE, batch: name, messages: batch.map((b) => b.message) });
    } catch (e) {
      answer = { ok: false, error: String(e?.message ?? e), unanswered: true };
    }
    answer ??= { ok: false, error: 'no answer from the background', unanswered: true };
    if (stopped) return;
    if (!answer.ok) {
      stats.error = answer.error ?? 'no answer from the background';
      if (answer.dead || !chrome.runtime?.id) {
        // The engine is out of service, or the extension was reloaded or removed (this script
        // is orphaned): either way, for good.
        html.dataset.sentinelle = 'error';
        stop();
        takeDown();
        return;
      }
      if (answer.unanswered) {
        // The worker stopped before answering: the same batch again, once it has woken.
        stats.resent += 1;
        setTimeout(() => send(batch, name, Math.min(wait * 2, RETRY_MS)), wait);
        return;
      }
      html.dataset.sentinelle = 'error';
      pausedUntil = Date.now() + RETRY_MS;
      for (const { el } of batch) {
        seen.delete(el);
        pending.add(el); // retried after the pause
      }
      schedule();
      return;
    }
    stats.error = null;
    const byId = new Map(answer.verdicts.map((v) => [v.id, v]));
    const own = new Set(answer.own ?? []);
    for (const { el, message } of batch) {
      if (own.has(message.id)) {
        if (el.isConnected) markOwn(el); // one of the plan's brand names wrote it
        continue;
      }
      const verdict = byId.get(message.id);
      if (verdict) toShow.push([el, verdict]);
    }
    scheduleShow();
  }

  /*
   * Verdicts wait for the next frame and go onto the page together. Every frame in which we
   * change the page costs the browser a pass over the whole page (layout, pre-paint); showing each
   * batch as it came back cost one such pass per 200 messages: 50,000 comments on a fixture page
   * took six minutes to get their chips and the tab stopped answering for 20 s at a time
   * (e2e-hostile.test.mjs). One flush per frame takes whatever has arrived since the last one.
   * The timer stands in for the frame in a background tab, where frames do not run.
   */
  const toShow = []; // [message, verdict] waiting for the next flush
  let showScheduled = false;
  function scheduleShow() {
    if (showScheduled) return;
    showScheduled = true;
    const timer = setTimeout(flushShow, 250);
    requestAnimationFrame(() => {
      clearTimeout(timer);
      flushShow();
    });
  }
  function flushShow() {
    if (!showScheduled) return;
    showScheduled = false;
    if (stopped) return;
    for (const [el, verdict] of toShow.splice(0)) if (el.isConnected) show(el, verdict);
    html.dataset.sentinelle = 'ready';
    reportCounts();
  }

  function markOwn(el) {
    if (el.dataset.sentinelleOwn === 'true') return;
    el.dataset.sentinelleOwn = 'true';
    stats.own += 1;
  }

  /** The tab's open crisis-risk messages to the background, for the badge (a count, no text). */
  let reported = -1;
  function reportCounts() {
    for (const [key, r] of risks) if (!r.el.isConnected) risks.delete(key);
    if (risks.size === reported) return;
    reported = risks.size;
    chrome.runtime.sendMessage({ type: M.ContentToBackground.COUNTS, crisisRisk: risks.size }).catch(() => {});
  }

  function stop() {
    stopped = true;
    observer.disconnect();
    pending.clear();
  }

  function count(verdict, delta) {
    stats.severity[verdict.severity] = (stats.severity[verdict.severity] ?? 0) + delta;
    stats.category[verdict.primary] = (stats.category[verdict.primary] ?? 0) + delta;
    stats.messages += delta;
  }

  function show(el, verdict) {
    const before = shown.get(el);
    if (before) count(before, -1);
    count(verdict, +1);
    shown.set(el, verdict);
    el.dataset.sentinellePrimary = verdict.primary;
    el.dataset.sentinelleSeverity = verdict.severity;
    if (!keys.has(el)) keys.set(el, String(nextKey++));
    const key = keys.get(el);
    if (S.verdict.isCrisisRisk(verdict.primary)) risks.set(key, { el, primary: verdict.primary, severity: verdict.severity });
    else risks.delete(key);
    const host = S.card.render(cards.get(el), verdict, { onInsert: (text) => S.insert.insertReply(replyBoxFor(el), text) });
    if (!cards.has(el)) {
      cards.set(el, host);
      const textEl = textElementOf(el);
      if (textEl && textEl !== el) textEl.after(host);
      else el.append(host);
    }
  }

  /** The reply box of the message's thread, else the last editor the agent used, else none. */
  function replyBoxFor(el) {
    const box = adapter.thread && el.closest(adapter.thread)?.querySelector(adapter.replyBox);
    if (box) return box;
    return lastEditor?.isConnected ? lastEditor : null;
  }

  document.addEventListener('focusin', (e) => {
    const target = e.composedPath()[0];
    if (target instanceof Element && S.insert.editorKind(target)) lastEditor = target;
  }, true);

  /** A new plan or new agent settings: every message on the page is triaged again. */
  function rescan() {
    if (stopped) return;
    pausedUntil = 0; // the plan may be what failed: try now
    for (const el of document.querySelectorAll(adapter.message)) seen.delete(el);
    pending.add(document.documentElement);
    schedule();
  }
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local') return;
    if ('plan' in changes || 'settings' in changes) rescan();
    // This site was untaught on the options page: its chips go, and the script stops.
    if (adapter.id === 'taught' && 'customAdapters' in changes && !changes.customAdapters.newValue?.[location.hostname]) untaught();
  });

  function untaught() {
    stop();
    takeDown();
    html.dataset.sentinelle = 'off';
  }

  /** Every chip and mark of ours off the page, the counts to zero (the badge's too). */
  function takeDown() {
    for (const el of document.querySelectorAll(adapter.message)) {
      cards.get(el)?.remove();
      cards.delete(el);
      shown.delete(el);
      delete el.dataset.sentinellePrimary;
      delete el.dataset.sentinelleSeverity;
    }
    Object.assign(stats, { messages: 0, severity: {}, category: {} });
    risks.clear();
    reportCounts();
  }

  /** The focused message's card opens with Alt+Shift+S (the chip is also in the tab order). */
  document.addEventListener('keydown', (e) => {
    if (!(e.altKey && e.shiftKey && e.code === 'KeyS')) return;
    // The path crosses our shadow roots (focus may be on a chip), `closest` would not.
    const el = e.composedPath().find((n) => n instanceof Element && n.matches(adapter.message));
    const host = el && cards.get(el);
    if (!host) return;
    e.preventDefault();
    S.card.toggle(host);
  }, true);

  chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id || !M.isPopupToContent(msg)) return false;
    if (msg.type === M.PopupToContent.SCROLL_TO) {
      const r = risks.get(msg.key);
      if (r?.el.isConnected) {
        r.el.scrollIntoView({ block: 'center' });
        const host = cards.get(r.el);
        if (host) S.card.toggle(host, true);
      }
      sendResponse({ ok: !!r });
      return false;
    }
    // Each crisis-risk message for the popup's list: its category, severity and a short excerpt.
    const list = [];
    for (const [key, r] of risks) {
      if (!r.el.isConnected) continue;
      const excerpt = (textElementOf(r.el)?.innerText ?? '').trim().slice(0, 90);
      list.push({ key, primary: r.primary, severity: r.severity, excerpt });
    }
    sendResponse({ ok: true, stats: { ...structuredClone(stats), risks: list } });
    return false;
  });

  const observer = new MutationObserver(onMutations);
  observer.observe(document, { childList: true, subtree: true });
  html.dataset.sentinelle = 'watching';
  pending.add(html);
  schedule();

  if (adapter.id === 'generic') {
    setTimeout(() => {
      if (stats.messages === 0 && !pending.size) {
        observer.disconnect();
        html.dataset.sentinelle = 'off';
      }
    }, GIVE_UP_MS);
  }
})();
