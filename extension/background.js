/*
 * Background (module service worker in Chromium, event page in Firefox): owns the one engine.
 *
 *   content script ─TRIAGE batch─▶ [guard] ─▶ engine.triage(batch) ─▶ verdicts
 *   options/popup  ─PLAN_*, SETTINGS_SAVE, STATUS─▶ [guard + own-page check] ─▶ storage + engine
 *
 * The wasm runs here and not in content scripts because a page's CSP can forbid compiling wasm
 * in its content scripts (docs/TOOLCHAIN: every route failed under `script-src 'self'`), while
 * the extension's own CSP allows it. It loads lazily, on the first message that needs it, so a
 * browser that only visits other sites never pays for it. Nothing here touches the network: the
 * only fetch is the extension's own wasm file.
 */
import * as glue from './wasm/sentinelle.js';
import { startEngine, buildEngine, describePlan, triage, triageOptions } from './lib/engine.js';
import './lib/messages.js';

const M = globalThis.Sentinelle.messages;
const WASM_URL = chrome.runtime.getURL('wasm/sentinelle_bg.wasm');

/** What the popup shows. `state`: loading | ready | error. */
const status = { state: 'loading', version: null, plan: null, custom: false, error: null, warning: null };
let current = null; // the live Engine; replaced whole, never mutated
let loading = null;

/** Starts the engine once: the default plan first (proves the wasm works), then the saved plan. */
function load() {
  loading ??= (async () => {
    try {
      const started = await startEngine(glue, { wasm: WASM_URL });
      status.version = started.version;
      const { plan } = await chrome.storage.local.get('plan');
      if (typeof plan === 'string') {
        const built = buildEngine(glue, plan);
        if (built.engine) {
          started.engine.free();
          swap(built.engine, true);
          return;
        }
        // Saved under an older engine, or written around the guard: say so, run the default.
        status.warning = chrome.i18n.getMessage('warnSavedPlanInvalid', [String(built.errors.length)]);
      }
      swap(started.engine, false);
    } catch (e) {
      status.state = 'error';
      status.error = String(e?.message ?? e);
      console.error('sentinelle: engine failed to load:', e);
      chrome.action.setBadgeBackgroundColor({ color: '#b42318' });
      chrome.action.setBadgeText({ text: '!' });
      chrome.action.setTitle({ title: chrome.i18n.getMessage('engineFailed', [status.error]) });
      throw e;
    }
  })();
  return loading;
}

function swap(engine, custom) {
  const old = current;
  current = engine;
  old?.free();
  status.state = 'ready';
  status.plan = describePlan(engine);
  status.custom = custom;
}

async function settings() {
  const { settings } = await chrome.storage.local.get('settings');
  return settings ?? {};
}

async function onTriage(msg) {
  const opts = triageOptions(await settings(), 3, { scores: false });
  await load();
  // `current` is read after the last await, so a plan swap cannot free it under us.
  return { ok: true, verdicts: triage(current, msg.messages, opts) };
}

async function onPage(msg) {
  const T = M.PageToBackground;
  switch (msg.type) {
    case T.STATUS:
      await load().catch(() => {});
      return { ok: true, status: { ...status } };
    case T.PLAN_GET: {
      await load();
      const { plan } = await chrome.storage.local.get('plan');
      return { ok: true, plan: typeof plan === 'string' ? plan : glue.defaultPlan(), custom: typeof plan === 'string' };
    }
    case T.PLAN_SAVE: {
      await load();
      const built = buildEngine(glue, msg.plan);
      if (!built.engine) return { ok: false, errors: built.errors };
      try {
        await chrome.storage.local.set({ plan: msg.plan });
      } catch (e) {
        built.engine.free();
        throw e;
      }
      status.warning = null;
      swap(built.engine, true);
      return { ok: true, status: { ...status } };
    }
    case T.PLAN_RESET: {
      await load();
      await chrome.storage.local.remove('plan');
      status.warning = null;
      swap(new glue.Engine(undefined), false);
      return { ok: true, status: { ...status } };
    }
    case T.SETTINGS_SAVE: {
      const agent = (msg.settings.agent ?? '').trim();
      const link = (msg.settings.link ?? '').trim();
      if (link && !/^https?:\/\/[^\s]+$/i.test(link)) {
        return { ok: false, errors: [{ path: 'link', message: chrome.i18n.getMessage('errLink') }] };
      }
      await chrome.storage.local.set({ settings: { agent, link } });
      return { ok: true };
    }
  }
  throw new Error(`unhandled message ${msg.type}`);
}

// Registered synchronously at top level: a service worker woken by a message must find its
// listener before the first await.
chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  const from = M.senderKind(sender, chrome.runtime.id, chrome.runtime.getURL(''));
  let work;
  if (from === 'page' && M.isPageToBackground(msg)) work = onPage(msg);
  else if (from === 'content' && M.isContentToBackground(msg)) work = onTriage(msg);
  else {
    sendResponse({ ok: false, error: `refused: ${typeof msg?.type === 'string' ? msg.type : 'malformed'} from ${from}` });
    return false;
  }
  work.then(sendResponse, (e) => sendResponse({ ok: false, error: String(e?.message ?? e) }));
  return true; // answer asynchronously
});
