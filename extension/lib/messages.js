/*
 * Message types between the parts of the extension, named by direction, and their guards.
 *
 *   content script ──TRIAGE────────────────▶ background   (any tab of ours)
 *   extension page ──STATUS, PLAN_* (PLAN_SAVE with the base it edited), SETTINGS_SAVE──▶ background   (privileged: our pages only)
 *   popup          ──TAB_STATS─────────────▶ content script of the active tab
 *   popup          ──TEACH_START (tab id)──▶ background: injects the picker (content/picker.js)
 *   picker         ──TAUGHT (host, adapter)▶ background: validates, saves `customAdapters`, registers
 *   options        ──ADAPTER_SAVE, ADAPTER_REMOVE──▶ background (an edited or removed taught site)
 *   options        ──DATA_CLEAR (activity | everything)──▶ background: clears what it stored
 *
 * A "universal" script: no import/export, it adds one namespace to `globalThis.Sentinelle`, so
 * the same file loads as a classic content script (content scripts cannot be static modules) and,
 * by `import './lib/messages.js'`, in the module service worker and pages. Needs lib/taxonomy.js
 * (generated from the engine by scripts/package.mjs) loaded first.
 */
(() => {
  'use strict';
  const S = (globalThis.Sentinelle ??= {});

  /** Most messages one TRIAGE request may carry: a hostile page must not make one huge batch. */
  const MAX_BATCH = 200;
  /** Longest text sent per message: the engine reads no more (`MAX_CHARS` in src/triage.rs, via
   * lib/taxonomy.js, generated from the wasm at build time). */
  if (!S.taxonomy) throw new Error('sentinelle: lib/taxonomy.js must load before lib/messages.js (scripts/package.mjs generates it)');
  const MAX_TEXT = S.taxonomy.maxChars;

  const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
  const isOptString = (v, max) => v === undefined || (typeof v === 'string' && v.length <= max);

  const ContentToBackground = Object.freeze({ TRIAGE: 'triage', COUNTS: 'counts', TAUGHT: 'adapter:taught' });
  const PageToBackground = Object.freeze({
    STATUS: 'status',
    PLAN_GET: 'plan:get',
    PLAN_SAVE: 'plan:save',
    PLAN_RESET: 'plan:reset',
    SETTINGS_SAVE: 'settings:save',
    CRISIS_SET: 'crisis:set',
    INCIDENT_LOG: 'incident-log',
    TEACH_START: 'teach:start',
    ADAPTER_SAVE: 'adapter:save',
    ADAPTER_REMOVE: 'adapter:remove',
    DATA_CLEAR: 'data:clear',
  });
  const PopupToContent = Object.freeze({ TAB_STATS: 'tab-stats', SCROLL_TO: 'scroll-to' });

  /**
   * An author's name as compared with the brand's own names: trimmed, without a leading `@`,
   * case and accents folded, so "@MaisonLumiere" on one platform is "Maison Lumière"'s handle
   * only if written the same way — names are compared whole, never by part.
   */
  function authorKey(name) {
    return String(name).trim().replace(/^@/, '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ');
  }

  /** One message of a TRIAGE batch, as the engine reads it (`Message` in src/triage.rs). */
  function isPageMessage(m) {
    return (
      isObject(m) &&
      typeof m.id === 'string' && m.id.length <= 64 &&
      typeof m.text === 'string' && m.text.length <= MAX_TEXT &&
      isOptString(m.author, 200) &&
      isOptString(m.platform, 40) &&
      isOptString(m.lang, 8) &&
      (m.time === undefined || Number.isFinite(m.time)) &&
      (m.reach === undefined || (Number.isSafeInteger(m.reach) && m.reach >= 0))
    );
  }

  /**
   * A site taught by pointing (content/picker.js) or edited on the options page, as stored in
   * `customAdapters[hostname]`: selectors only, data like the built-in adapters. Selectors are
   * bounded and checked for balanced brackets and quotes here (the service worker has no DOM to
   * parse them); the picker, the options page and the content script, which have one, also parse
   * them (`parses`), and the content script treats one that throws as no adapter at all.
   */
  const ADAPTER_FIELDS = Object.freeze(['message', 'text', 'thread', 'replyBox']);
  const MAX_SELECTOR = 500;
  const HOSTNAME = /^(?=.{1,253}$)[a-z0-9-]+(\.[a-z0-9-]+)*$/;
  function selectorShapeOk(s) {
    if (typeof s !== 'string' || !s.trim() || s.length > MAX_SELECTOR || /[\u0000-\u001f{};<]/.test(s)) return false;
    const close = { '[': ']', '(': ')' };
    const stack = [];
    let quote = null;
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      if (c === '\\') { i++; continue; }
      if (quote) { if (c === quote) quote = null; continue; }
      if (c === '"' || c === "'") quote = c;
      else if (close[c]) stack.push(close[c]);
      else if (c === ']' || c === ')') { if (stack.pop() !== c) return false; }
    }
    return !quote && stack.length === 0;
  }
  /** Errors of a taught adapter, `[{path, message}]` (empty: valid). `parses(selector)`: a real
   * CSS parser where there is a DOM. */
  function adapterErrors(host, a, parses = null) {
    const errors = [];
    if (typeof host !== 'string' || !HOSTNAME.test(host)) errors.push({ path: 'host', message: 'not a hostname' });
    if (!isObject(a)) return [...errors, { path: '', message: 'not an object' }];
    for (const k of Object.keys(a)) {
      if (![...ADAPTER_FIELDS, 'textIsMessage', 'taught'].includes(k)) errors.push({ path: k, message: 'unknown field' });
    }
    for (const k of ADAPTER_FIELDS) {
      if (!selectorShapeOk(a[k])) errors.push({ path: k, message: `a CSS selector of at most ${MAX_SELECTOR} characters` });
      else if (parses && !parses(a[k])) errors.push({ path: k, message: 'not a valid CSS selector' });
    }
    if (a.textIsMessage !== undefined && typeof a.textIsMessage !== 'boolean') errors.push({ path: 'textIsMessage', message: 'true or false' });
    if (!isOptString(a.taught, 40)) errors.push({ path: 'taught', message: 'a date' });
    return errors;
  }

  /** True when `msg` is a well-formed content → background message. */
  function isContentToBackground(msg) {
    if (!isObject(msg)) return false;
    if (msg.type === ContentToBackground.TRIAGE) {
      // `batch`: the sender's name for this batch, the same when it sends it again after getting
      // no answer (the background was stopped mid-batch), so the batch is counted once.
      const batchOk = msg.batch === undefined || (typeof msg.batch === 'string' && msg.batch.length > 0 && msg.batch.length <= 100);
      // `again`: messages triaged before, whose verdicts the page let go (content.js): not counted again.
      const againOk = msg.again === undefined || typeof msg.again === 'boolean';
      return batchOk && againOk && Array.isArray(msg.messages) && msg.messages.length <= MAX_BATCH && msg.messages.every(isPageMessage);
    }
    if (msg.type === ContentToBackground.COUNTS) return Number.isSafeInteger(msg.crisisRisk) && msg.crisisRisk >= 0 && msg.crisisRisk <= 1_000_000;
    if (msg.type === ContentToBackground.TAUGHT) return adapterErrors(msg.host, msg.adapter).length === 0;
    return false;
  }

  /** True when `msg` is a well-formed extension page → background message. */
  function isPageToBackground(msg) {
    if (!isObject(msg)) return false;
    switch (msg.type) {
      case PageToBackground.STATUS:
      case PageToBackground.PLAN_GET:
      case PageToBackground.PLAN_RESET:
      case PageToBackground.INCIDENT_LOG:
        return true;
      case PageToBackground.CRISIS_SET:
        return typeof msg.on === 'boolean';
      case PageToBackground.PLAN_SAVE:
        // `base`: the fingerprint of the stored plan the edit started from (lib/plan-doc.js).
        return typeof msg.plan === 'string' && msg.plan.length <= 2_000_000 && (msg.base === undefined || (typeof msg.base === 'string' && msg.base.length <= 64));
      case PageToBackground.SETTINGS_SAVE:
        return isObject(msg.settings) && isOptString(msg.settings.agent, 200) && isOptString(msg.settings.link, 2000);
      case PageToBackground.TEACH_START:
        return Number.isSafeInteger(msg.tabId) && msg.tabId >= 0;
      case PageToBackground.ADAPTER_SAVE:
        // Shape only: the background answers with the adapter's errors, for the form to show.
        return typeof msg.host === 'string' && msg.host.length <= 253 && isObject(msg.adapter);
      case PageToBackground.ADAPTER_REMOVE:
        return typeof msg.host === 'string' && HOSTNAME.test(msg.host);
      case PageToBackground.DATA_CLEAR:
        // `activity`: counts, incident log, crisis mode; `everything`: all the extension stored.
        return msg.scope === 'activity' || msg.scope === 'everything';
      default:
        return false;
    }
  }

  /**
   * Who sent a runtime message: 'page' (one of our own extension pages: popup, options),
   * 'content' (our content script in a web page), or 'other'. Privileged messages are accepted
   * from 'page' only, so a page that subverts a content script still cannot change the plan.
   */
  function senderKind(sender, extensionId, extensionOrigin) {
    if (!sender || sender.id !== extensionId) return 'other';
    if (typeof sender.url === 'string' && sender.url.startsWith(extensionOrigin) && !sender.frameId) return 'page';
    if (sender.tab && typeof sender.url === 'string' && !sender.url.startsWith(extensionOrigin)) return 'content';
    return 'other';
  }

  function isPopupToContent(msg) {
    if (!isObject(msg)) return false;
    if (msg.type === PopupToContent.SCROLL_TO) return typeof msg.key === 'string' && msg.key.length <= 20;
    return msg.type === PopupToContent.TAB_STATS;
  }

  S.messages = Object.freeze({
    MAX_BATCH,
    MAX_TEXT,
    ContentToBackground,
    PageToBackground,
    PopupToContent,
    isPageMessage,
    isContentToBackground,
    isPageToBackground,
    isPopupToContent,
    senderKind,
    authorKey,
    ADAPTER_FIELDS,
    adapterErrors,
  });
})();
