/*
 * Content script: finds messages with the page's adapter, sends them to the background in
 * batches, marks each with its verdict and draws a chip beside those near the viewport. It stays
 * thin: no engine, no platform knowledge.
 *
 *   MutationObserver ──(added nodes only)──▶ pending ──idle callback, slices of SLICE_MS──▶ scan
 *   scan ──unseen messages──▶ TRIAGE batch ──▶ background ──verdicts──▶ every message: marks,
 *        counts, crisis-risk list ──▶ IntersectionObserver (NEAR_MARGIN beyond the viewport)
 *        near it: a chip, drawn in animation frames (FRAME_MS each; card.js, whose card is built
 *        when idle or opened); its verdict asked for `again` if it was let go while far away
 *
 * The observer callback does no DOM work: it only queues nodes (skipping tags that cannot hold a
 * message), and the scan runs later, once per burst of mutations (uBlock Origin's discipline).
 * Page text is only read (innerText) and shown as text, never parsed as HTML.
 *
 * Marks for tests and curious agents: <html data-sentinelle="watching|ready|error|off">, and on
 * each triaged message data-sentinelle-primary / data-sentinelle-severity; the brand's own
 * messages (its post, its replies) get data-sentinelle-own and no chip.
 *
 * Each message the agent scrolls to has a chip that opens its card (click, or Alt+Shift+S while
 * focus is in the message; a message reached from the popup's list gets its chip at once). After
 * each burst of batches the tab's open crisis-risk count goes to the background, which shows the
 * total on the toolbar badge; the popup lists those messages and can scroll to one.
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
  const shown = new WeakMap(); // message → the tally of its verdict, {primary, severity} (the counts on re-triage)
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
      if (r.removedNodes.length && watched.size) sweepDue = true;
      for (const n of r.addedNodes) {
        if (n.nodeType === Node.ELEMENT_NODE) {
          if (!SKIP.has(n.nodeName)) pending.add(n);
        } else if (n.nodeType === Node.TEXT_NODE && n.parentElement) {
          pending.add(n.parentElement); // text arriving late in a message already on the page
        }
      }
    }
    if (pending.size || sweepDue) schedule();
  }

  /*
   * Reading is cut into slices of SLICE_MS, each in its own task: 50,000 comments arriving at
   * once took one scan of over a second (innerText of each), during which the tab did not answer
   * (e2e-hostile.test.mjs). A slice sends every full batch it read; what is left waits for the
   * next slice, in document order.
   */
  const SLICE_MS = 8;
  const unread = []; // messages found, not read yet, oldest first
  let unreadAt = 0; // index of the next one in `unread`

  function scan() {
    scheduled = false;
    if (stopped) return;
    if (Date.now() < pausedUntil) {
      setTimeout(schedule, pausedUntil - Date.now());
      return; // the queue waits
    }
    const end = performance.now() + SLICE_MS;
    // The added nodes first: searching them is cheap next to reading messages, and the reading
    // after it then goes in document order.
    for (const node of pending) {
      pending.delete(node);
      if (!node.isConnected) continue;
      const inside = node.closest(adapter.message);
      if (inside) unread.push(inside);
      for (const m of node.querySelectorAll(adapter.message)) unread.push(m);
      if (performance.now() > end) break;
    }
    const batch = batches();
    const account = ownAccount();
    while (unreadAt < unread.length && performance.now() < end) {
      const el = unread[unreadAt++];
      if (seen.has(el) || !el.isConnected) continue;
      const message = read(el);
      if (!message) continue; // no text yet: the mutation that brings it queues it again
      seen.add(el);
      // The page's own account writing (its post, its replies): nothing to triage.
      if (account && message.author && M.authorKey(message.author) === account) {
        markOwn(el);
        continue;
      }
      batch.add({ el, message });
    }
    batch.flush();
    if (unreadAt === unread.length) unread.length = unreadAt = 0;
    if (pending.size || unreadAt < unread.length) {
      // More to read: the next slice after the page has had its turn (a frame, its own tasks).
      scheduled = true;
      idle(scan, { timeout: 50 });
    }
    sweep();
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

  /** Messages into batches of M.MAX_BATCH, each sent to triage as soon as it is full; `flush`
   * sends the rest. `again`: see `send`. */
  function batches(again = false) {
    let batch = [];
    const flush = () => {
      if (batch.length) send(batch, undefined, undefined, again);
      batch = [];
    };
    return {
      add(item) {
        batch.push(item);
        if (batch.length === M.MAX_BATCH) flush();
      },
      flush,
    };
  }

  /** Sends a batch to triage; `again`: messages triaged before (their verdict let go while they
   * were far from the viewport), which the background does not count a second time. */
  async function send(batch, name = `${batchPrefix}:${nextBatch++}`, wait = RESEND_MS, again = false) {
    if (stopped) return; // a resend timer that outlived the engine
    let answer;
    try {
      const request = { type: M.ContentToBackground.TRIAGE, batch: name, messages: batch.map((b) => b.message) };
      if (again) request.again = true;
      answer = await chrome.runtime.sendMessage(request);
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
        setTimeout(() => send(batch, name, Math.min(wait * 2, RETRY_MS), again), wait);
        return;
      }
      html.dataset.sentinelle = 'error';
      pausedUntil = Date.now() + RETRY_MS;
      if (again) {
        // Their marks stand; their chips are asked for again after the pause.
        for (const { el } of batch) asked.delete(el);
        setTimeout(() => {
          for (const { el } of batch) if (nearNow.has(el)) toAsk.add(el);
          askAgain();
        }, RETRY_MS);
        return;
      }
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
        asked.delete(el);
        if (el.isConnected) markOwn(el); // one of the plan's brand names wrote it
        continue;
      }
      const verdict = byId.get(message.id);
      if (verdict && el.isConnected) show(el, verdict);
    }
    if (batch.length) html.dataset.sentinelle = 'ready'; // not for the empty batch that starts the engine
    scheduleCounts();
  }

  /*
   * Every message gets its verdict (the counts, the badge, the popup's list, the marks), but only
   * the messages in or near the viewport get a chip. Chips drawn for a whole page were most of
   * the cost of a long one: 500 chips at load, each a shadow root the browser styles and lays
   * out, stalled frames for 50 to 80 ms each, and their cards held megabytes for messages nobody
   * scrolled to (bench/extension-cost.mjs; 50,000 comments in e2e-hostile.test.mjs). A triaged
   * message is watched by an IntersectionObserver whose margin reaches NEAR_MARGIN beyond the
   * viewport, so its chip is drawn before the agent scrolls to it, and no longer watched once
   * drawn: a chip stays where it was put.
   *
   * What a message keeps while it waits is its tally (primary category and severity: the counts
   * and marks), not its verdict: the replies and evidence of a verdict are about a kilobyte, six
   * of the seven megabytes 5,000 messages cost the page. The verdict is kept only for a message
   * that is near the viewport when it arrives; one that comes near later is triaged again, in
   * batches marked `again` that the background does not count a second time, a round trip well
   * inside the time the margin gives (and its card then has the replies of the moment: crisis
   * mode's holding statement, a new plan). It is read again in the observer's callback, which
   * runs after the browser's layout: innerText in an animation frame forced the page's layout
   * inside our script.
   *
   * Marks go on as each batch's verdicts arrive (attributes: no layout, a millisecond a batch);
   * chips are drawn in animation frames, at most FRAME_MS of our script per frame, the rest in
   * the next one. Every frame we cause costs the browser a pass over the page (pre-paint,
   * intersections), so a frame per batch of marks was itself a long frame on a long page.
   */
  const NEAR_MARGIN = '300% 0px'; // three viewport heights above and below
  const FRAME_MS = 6;
  const verdicts = new WeakMap(); // message → its whole verdict, while its chip may be drawn soon
  const watched = new Set(); // messages the observer watches (it holds them: see sweep)
  const located = new WeakSet(); // watched messages the observer has reported on at least once
  const nearNow = new Set(); // watched messages in the observer's margin now
  const toChip = new Set(); // of those, the ones with a verdict waiting for a frame to get their chip
  const toAsk = new Set(); // of those, the ones without a verdict, to be triaged again
  const asked = new WeakSet(); // triaged again, answer pending
  const openWhenDrawn = new WeakSet(); // the popup asked for its card before the chip was drawn
  const near = new IntersectionObserver(onNear, { rootMargin: NEAR_MARGIN });
  let frameScheduled = false;
  let askScheduled = false;
  let sweepDue = false; // the page removed nodes since the last sweep

  function onNear(entries) {
    // The messages in the viewport itself first, then the rest of the margin: on a slow page each
    // frame draws only FRAME_MS of chips, and the agent is looking at the first.
    const height = innerHeight;
    const inView = (e) => e.boundingClientRect.bottom > 0 && e.boundingClientRect.top < height;
    const ordered = entries.length > 1 ? [...entries.filter(inView), ...entries.filter((e) => !inView(e))] : entries;
    for (const { target: el, isIntersecting } of ordered) {
      located.add(el);
      if (isIntersecting && el.isConnected && !cards.has(el)) {
        nearNow.add(el);
        if (verdicts.has(el)) toChip.add(el);
        else if (shown.has(el) && !asked.has(el)) toAsk.add(el);
      } else {
        nearNow.delete(el);
        toChip.delete(el);
        toAsk.delete(el);
        if (!cards.has(el)) verdicts.delete(el); // far away: triaged again if it comes near
      }
    }
    if (toChip.size) scheduleFrame();
    askAgain();
  }

  /** Sends the messages near the viewport that have no verdict at hand, SLICE_MS at a time. */
  function askAgain() {
    askScheduled = false;
    if (stopped || Date.now() < pausedUntil) return;
    const end = performance.now() + SLICE_MS;
    const batch = batches(true);
    for (const el of toAsk) {
      toAsk.delete(el);
      if (!el.isConnected || cards.has(el) || asked.has(el)) continue;
      const message = read(el);
      if (message) {
        asked.add(el);
        batch.add({ el, message });
      }
      if (performance.now() > end) break;
    }
    batch.flush();
    if (toAsk.size && !askScheduled) {
      askScheduled = true;
      idle(askAgain, { timeout: 100 });
    }
  }

  function scheduleFrame() {
    if (frameScheduled || stopped) return;
    frameScheduled = true;
    const timer = setTimeout(onFrame, 250);
    requestAnimationFrame(() => {
      clearTimeout(timer);
      onFrame();
    });
  }

  function onFrame() {
    if (!frameScheduled) return;
    frameScheduled = false;
    if (stopped) return;
    const end = performance.now() + FRAME_MS;
    for (const el of toChip) {
      toChip.delete(el);
      if (el.isConnected && !cards.has(el)) drawChip(el);
      if (performance.now() > end) break;
    }
    if (toChip.size) scheduleFrame();
  }

  /** Observed messages the page has removed: the observer would keep them alive. A walk over
   * every watched message, so only after the page removed something, and at most once a second
   * (a live page removes nodes all the time). */
  let lastSweep = 0;
  function sweep() {
    if (!sweepDue || performance.now() - lastSweep < 1000) return;
    sweepDue = false;
    lastSweep = performance.now();
    for (const el of watched) if (!el.isConnected) unwatch(el);
  }

  /** No longer watched for nearness: its chip is drawn, or the page removed it. */
  function unwatch(el) {
    near.unobserve(el);
    watched.delete(el);
    nearNow.delete(el);
    toChip.delete(el);
    toAsk.delete(el);
  }

  function markOwn(el) {
    if (el.dataset.sentinelleOwn === 'true') return;
    el.dataset.sentinelleOwn = 'true';
    stats.own += 1;
  }

  /** The badge's count after a burst of batches: counting the risks walks over every one of
   * them, not something to redo for each batch of a long page. */
  let countsScheduled = false;
  function scheduleCounts() {
    if (countsScheduled) return;
    countsScheduled = true;
    setTimeout(() => {
      countsScheduled = false;
      if (!stopped) reportCounts();
    }, 100);
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
    near.disconnect();
    watched.clear();
    nearNow.clear();
    toChip.clear();
    toAsk.clear();
    pending.clear();
    unread.length = unreadAt = 0;
  }

  function count(verdict, delta) {
    stats.severity[verdict.severity] = (stats.severity[verdict.severity] ?? 0) + delta;
    stats.category[verdict.primary] = (stats.category[verdict.primary] ?? 0) + delta;
    stats.messages += delta;
  }

  /** One shared {primary, severity} per pair: thousands of messages, a few dozen tallies. */
  const tallies = new Map();
  function tallyOf({ primary, severity }) {
    const key = `${primary} ${severity}`;
    let tally = tallies.get(key);
    if (!tally) tallies.set(key, (tally = Object.freeze({ primary, severity })));
    return tally;
  }

  /** A message's verdict: its marks and counts now, its chip when it is near the viewport. */
  function show(el, verdict) {
    asked.delete(el);
    const before = shown.get(el);
    if (before) count(before, -1);
    count(verdict, +1);
    shown.set(el, tallyOf(verdict)); // its tally, not its verdict
    el.dataset.sentinellePrimary = verdict.primary;
    el.dataset.sentinelleSeverity = verdict.severity;
    // A key only for the messages the popup may list.
    if (S.verdict.isCrisisRisk(verdict.primary)) {
      if (!keys.has(el)) keys.set(el, String(nextKey++));
      risks.set(keys.get(el), { el, primary: verdict.primary, severity: verdict.severity });
    } else if (keys.has(el)) risks.delete(keys.get(el));
    if (cards.has(el)) {
      drawChip(el, verdict); // triaged again (a new plan): the chip follows
      return;
    }
    // Kept until the observer says whether the message is near (it answers after the next frame).
    if (!located.has(el) || nearNow.has(el)) verdicts.set(el, verdict);
    if (!watched.has(el)) {
      watched.add(el);
      near.observe(el);
    } else if (nearNow.has(el)) {
      toAsk.delete(el);
      toChip.add(el);
      scheduleFrame();
    }
  }

  /** Draws (or redraws) the chip of a message with `verdict`; returns its host. */
  function drawChip(el, verdict = verdicts.get(el)) {
    if (!verdict) return null;
    verdicts.delete(el); // the card holds what it needs
    const host = S.card.render(cards.get(el), verdict, { onInsert: (text) => S.insert.insertReply(replyBoxFor(el), text) });
    if (!cards.has(el)) {
      cards.set(el, host);
      unwatch(el);
      const textEl = textElementOf(el);
      if (textEl && textEl !== el) textEl.after(host);
      else el.append(host);
    }
    if (openWhenDrawn.has(el)) {
      openWhenDrawn.delete(el);
      S.card.toggle(host, true);
    }
    return host;
  }

  /** Opens the card of a message the agent reaches without scrolling to it (the popup's list,
   * the keyboard): now if its chip is drawn or its verdict at hand, else once it is. */
  function openCard(el) {
    const host = cards.get(el) ?? drawChip(el);
    if (host) S.card.toggle(host, true);
    else if (shown.has(el)) {
      openWhenDrawn.add(el);
      if (watched.has(el) && !asked.has(el)) {
        toAsk.add(el);
        askAgain();
      }
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
      verdicts.delete(el);
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
    if (!el || !shown.has(el)) return;
    e.preventDefault();
    const host = cards.get(el);
    if (host) S.card.toggle(host);
    else openCard(el);
  }, true);

  chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id || !M.isPopupToContent(msg)) return false;
    if (msg.type === M.PopupToContent.SCROLL_TO) {
      const r = risks.get(msg.key);
      if (r?.el.isConnected) {
        r.el.scrollIntoView({ block: 'center' });
        openCard(r.el);
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
  // On a platform's page, the engine starts now (an empty batch), while the page is still
  // bringing its messages: started by the first batch, it added its 200 ms to the first screen's
  // wait. Not on the generic adapter's pages, most of which have no comment at all.
  if (adapter.id !== 'generic') send([]);
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
