/*
 * Message types between the parts of the extension, named by direction, and their guards.
 *
 *   content script ──TRIAGE────────────────▶ background   (any tab of ours)
 *   extension page ──STATUS, PLAN_* (PLAN_SAVE with the base it edited), SETTINGS_SAVE──▶ background   (privileged: our pages only)
 *   popup          ──TAB_STATS─────────────▶ content script of the active tab
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

  const ContentToBackground = Object.freeze({ TRIAGE: 'triage', COUNTS: 'counts' });
  const PageToBackground = Object.freeze({
    STATUS: 'status',
    PLAN_GET: 'plan:get',
    PLAN_SAVE: 'plan:save',
    PLAN_RESET: 'plan:reset',
    SETTINGS_SAVE: 'settings:save',
    CRISIS_SET: 'crisis:set',
    INCIDENT_LOG: 'incident-log',
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

  /** True when `msg` is a well-formed content → background message. */
  function isContentToBackground(msg) {
    if (!isObject(msg)) return false;
    if (msg.type === ContentToBackground.TRIAGE) {
      return Array.isArray(msg.messages) && msg.messages.length <= MAX_BATCH && msg.messages.every(isPageMessage);
    }
    if (msg.type === ContentToBackground.COUNTS) return Number.isSafeInteger(msg.crisisRisk) && msg.crisisRisk >= 0 && msg.crisisRisk <= 1_000_000;
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
  });
})();
