/*
 * Background (module service worker in Chromium, event page in Firefox): owns the one engine.
 *
 *   content script ─TRIAGE batch─▶ [guard] ─▶ engine.triage(batch) ─▶ verdicts ─▶ content script
 *                                                      │
 *                              {time, categories} only ▼ (never text)
 *                                             engine.observe ─▶ status.spike ─▶ popup, badge
 *   options/popup  ─PLAN_*, SETTINGS_SAVE, STATUS─▶ [guard + own-page check] ─▶ storage + engine
 *   content script ─COUNTS (open crisis-risk messages in its tab)─▶ badge
 *   popup          ─CRISIS_SET, INCIDENT_LOG─▶ crisis mode (storage), the incident log
 *   popup          ─TEACH_START─▶ picker injected in the tab ─TAUGHT─▶ customAdapters + registered
 *                  content scripts for that host (the browser granted it from the popup)
 *   options        ─ADAPTER_SAVE, ADAPTER_REMOVE─▶ customAdapters, registrations
 *   context menu "Triage with Sentinelle" ─selection─▶ engine ─verdict─▶ card injected by the selection
 *   storage.managed (the team policy) + storage.local `plan` (the agent's own) ─▶ effective plan ─▶ engine
 *
 * A TRIAGE batch marked `again` holds messages triaged before, whose verdicts the page let go
 * while they were far from the viewport (content.js): triaged, not counted a second time. An
 * empty one starts the engine while the page is still loading its messages.
 *
 * The team policy (lib/policy.js, docs/POLICY.md): an administrator's plan, read from managed
 * storage at load and whenever it changes; the agent's saved plan is layered on its unlocked
 * parts, and a save that changes a locked part is refused with the path of each change.
 *
 * Crisis mode, the per-tab counts and the spike detector's memory live in storage, not only in
 * memory: Chromium stops an idle service worker at any time (even in the middle of a batch), and
 * a crisis or a spike does not end because the worker slept. A batch is counted by the detector
 * once: a content script that got no answer sends the same batch again, under the same name.
 *
 * Faults (docs/reliability/faults.md): a wasm that fails to load, or an instance that traps
 * during triage, puts the engine out of service and says so (popup, badge, `dead` answers); the
 * next page that asks — a reload — starts it again (`revive`).
 *
 * The wasm runs here and not in content scripts because a page's CSP can forbid compiling wasm
 * in its content scripts (ARCHITECTURE.md: every route failed under `script-src 'self'`), while
 * the extension's own CSP allows it. It loads lazily, on the first message that needs it, so a
 * browser that only visits other sites never pays for it. Nothing here touches the network: the
 * only fetch is the extension's own wasm file.
 */
import * as glue from './wasm/sentinelle.js';
import { startEngine, buildEngine, describePlan, planErrors, triage, triageOptions } from './lib/engine.js';
import './lib/taxonomy.js'; // generated at build time from the engine (scripts/package.mjs)
import './lib/messages.js';
import { fingerprint } from './lib/plan-doc.js';
import { layerPlan, lockedChanges, readPolicy } from './lib/policy.js';

const M = globalThis.Sentinelle.messages;
const WASM_URL = chrome.runtime.getURL('wasm/sentinelle_bg.wasm');

/**
 * What the popup shows. `state`: loading | ready | error (the wasm did not load) | stopped (the
 * engine threw during triage: see `stop`). `spike`: the spike detector's state after the last
 * batch, as `engine.observe` returns it (`{current, closed, stats}`, src/spike.rs) plus
 * `spiking`, the categories whose current window is a spike; null before the first batch.
 * `recovered`: `{error, time}` of the last fault the engine was started again after, else null.
 */
const status = { state: 'loading', version: null, plan: null, custom: false, policy: null, error: null, warning: null, spike: null, crisis: { on: false, since: null, proposed: false }, recovered: null, upgraded: null };
/** The plan's `brand.names`, as `authorKey`s: messages they write are the brand's own. */
let brandNames = new Set();

/** Crisis mode and the incident log's windows (counts and times per category, never text). */
const CRISIS_KEY = 'crisis';
const LOG_KEY = 'incidentLog';
const LOG_WINDOW_MS = 10 * 60_000;
const LOG_MAX_WINDOWS = 7 * 24 * 6; // a week of ten-minute windows
/** Open crisis-risk messages per tab; in session storage where the browser has it (cleared with
 * the browser session, kept across worker restarts). */
const COUNTS_KEY = 'tabRisks';
const sessionArea = chrome.storage.session ?? chrome.storage.local;
/** The spike detector's memory (`engine.spikeState()`, counts and times) and the names of the
 * last batches it counted, in one value so that both are written at once. */
const SPIKES_KEY = 'spikes';
const COUNTED_MAX = 100; // a batch is sent again within seconds of its first try
let counted = []; // names of the batches the detector has counted, oldest first
let current = null; // the live Engine; replaced whole, never mutated
let loading = null;
let faultTime = null; // when the engine last stopped or failed to load

const BADGE_DEAD = { text: '!', color: '#b42318' };
const BADGE_SPIKE = { text: '\u2191', color: '#b54708' }; // ↑: more messages than usual
const RISK_COLOR = '#b42318';

let badgeShown = null;
/** The toolbar badge and tooltip; `look` null clears the badge. Unchanged looks cost nothing. */
function badge(look, title) {
  const key = `${look?.text ?? ''}\n${title ?? ''}`;
  if (key === badgeShown) return;
  badgeShown = key;
  chrome.action.setBadgeBackgroundColor({ color: look?.color ?? '#000000' });
  chrome.action.setBadgeText({ text: look?.text ?? '' });
  chrome.action.setTitle({ title: title ?? chrome.i18n.getMessage('actionTitle') });
}

/** True once the engine is out of service for the life of this worker: nothing may call it. */
const dead = () => status.state === 'error' || status.state === 'stopped';

/**
 * The team policy as last read (lib/policy.js `readPolicy`), or null. `base`: the plan its locks
 * protect, `{json, doc}`: the policy's plan, or the default plan when it has none or an invalid
 * one (`invalid`: its errors' count).
 */
let policy = null;
/** The plan the engine runs, as JSON, while a policy applies (PLAN_GET shows it). */
let effectiveJson = null;

async function readManaged() {
  try {
    return readPolicy(await chrome.storage.managed.get(null));
  } catch {
    return null; // Firefox rejects when no managed storage is installed for the add-on: no policy
  }
}

/** The policy from managed storage (`reading`: a read already under way), its plan checked by
 * the engine. */
async function loadPolicy(reading = readManaged()) {
  const read = await reading;
  if (!read) return (policy = null);
  let json = read.plan;
  let invalid = 0;
  if (json !== null) {
    const errors = planErrors(glue, json);
    if (errors.length) {
      console.warn('sentinelle: the policy plan is invalid:', errors);
      invalid = errors.length;
      json = null;
    }
  }
  json ??= glue.defaultPlan();
  // An administrator's plan of an older format: the engine migrates it (managed storage is
  // read-only to us, so in memory, at every load), and the locks compare against the migrated one.
  json = glue.migratePlan(json).json ?? json;
  policy = { ...read, invalid, base: { json, doc: JSON.parse(json) } };
  return policy;
}

const policyStatus = () => (policy ? { locked: policy.locked, allowAgentTemplates: policy.allowAgentTemplates, invalid: policy.invalid, fromPolicy: policy.plan !== null && !policy.invalid } : null);

/**
 * The engine for the agent's stored plan (`stored`: text or null) under the policy:
 * `{engine, custom, warning}`. Never throws for a bad plan: it falls back and says so.
 */
function planFor(stored) {
  const custom = typeof stored === 'string';
  if (!policy) {
    effectiveJson = null;
    if (custom) {
      const built = buildEngine(glue, stored);
      if (built.engine) return { engine: built.engine, custom, warning: null };
      // Saved under an older engine, or written around the guard: say so, run the default.
      return { engine: new glue.Engine(undefined), custom, warning: chrome.i18n.getMessage('warnSavedPlanInvalid', [String(built.errors.length)]) };
    }
    return { engine: new glue.Engine(undefined), custom, warning: null };
  }
  const warnings = policy.invalid ? [chrome.i18n.getMessage('warnPolicyPlanInvalid', [String(policy.invalid)])] : [];
  let agent = null;
  if (custom) {
    try {
      agent = JSON.parse(stored);
    } catch {
      agent = null;
    }
  }
  if (custom && agent) {
    const json = JSON.stringify(layerPlan(policy.base.doc, agent, policy), null, 2);
    const built = buildEngine(glue, json);
    if (built.engine) {
      effectiveJson = json;
      return { engine: built.engine, custom, warning: warnings.join(' ') || null };
    }
  }
  // The agent's parts do not fit the policy's plan (or are not a plan): the policy's alone.
  if (custom) warnings.push(chrome.i18n.getMessage('warnAgentPartsInvalid'));
  effectiveJson = JSON.stringify(policy.base.doc, null, 2);
  return { engine: new glue.Engine(effectiveJson), custom, warning: warnings.join(' ') || null };
}

function apply(run) {
  status.warning = run.warning;
  status.policy = policyStatus();
  swap(run.engine, run.custom);
}

/** Where the plan saved before a migration is kept: migrating changes what the agent wrote, so
 * the text they wrote stays until they clear the extension's data. */
const UPGRADED_KEY = 'planBeforeUpgrade';

/**
 * The agent's stored plan (text, or undefined), migrated to the engine's format version when it
 * was saved under an older one (src/plan/migrate.rs: the engine migrates, this only stores the
 * result). The migrated plan and the original go in one `set`: a worker stopped half-way leaves
 * either the old plan (migrated again at the next start) or both, never a plan without its
 * original. A plan that fails to migrate (invalid, or newer than this engine) stays as it is.
 */
async function storedPlan() {
  const { plan } = await chrome.storage.local.get('plan');
  if (typeof plan !== 'string') return plan;
  const m = glue.migratePlan(plan);
  if (!m.json) return plan;
  status.upgraded = { from: m.from, to: m.to };
  try {
    await chrome.storage.local.set({ plan: m.json, [UPGRADED_KEY]: { from: m.from, to: m.to, time: Date.now(), plan } });
  } catch (e) {
    // Storage full: the migrated plan runs from memory, and the migration is tried at each start.
    console.warn('sentinelle: the migrated plan was not stored:', e);
  }
  return m.json;
}

/**
 * Starts the engine: the default plan first (proves the wasm works), then the saved plan under
 * the team policy, then the spike detector's saved memory. Once started, every caller shares it.
 * After a failure (`error`: the wasm did not load; `stopped`: it trapped, see `stop`) the next
 * call tries again: a page reload brings the engine back without waiting for the browser to
 * restart the worker. Callers that only report (the popup's STATUS) do not call it then.
 */
function load() {
  // Without a way to replace the instance, a trapped engine stays stopped until the browser
  // restarts the worker (the module, and a new instance, load anew then).
  if (status.state === 'stopped' && typeof glue.__wbg_reset_state !== 'function') return Promise.reject(new Error(status.error));
  loading ??= (async () => {
    const fault = dead() ? { error: status.error, time: faultTime } : null;
    try {
      if (status.state === 'stopped') revive();
      status.state = 'loading';
      // Managed storage, read while the wasm compiles: in a browser that has just started it
      // answers only once the browser's policies are loaded, about 2.7 s after launch in
      // headless Chromium 156 (measured; a second later it answers in 1 ms), and the first page
      // of the session waited for the wasm and then for that, one after the other.
      const reading = readManaged();
      const started = await startEngine(glue, { wasm: WASM_URL });
      status.version = started.version;
      await loadPolicy(reading);
      const plan = await storedPlan();
      if (typeof plan !== 'string' && !policy) apply({ engine: started.engine, custom: false, warning: null });
      else {
        started.engine.free();
        apply(planFor(plan));
      }
      status.error = null;
      if (fault) {
        status.recovered = fault;
        console.warn('sentinelle: the engine started again after:', fault.error);
      }
      await restoreSpikes();
    } catch (e) {
      loading = null; // the next page that asks tries again
      faultTime = Date.now();
      status.state = 'error';
      status.error = String(e?.message ?? e);
      console.error('sentinelle: engine failed to load:', e);
      badge(BADGE_DEAD, chrome.i18n.getMessage('engineFailed', [status.error]));
      throw e;
    }
  })();
  return loading;
}

/**
 * A fresh wasm instance in place of the one that trapped. The glue's `__wbg_reset_state`
 * (wasm-bindgen --experimental-reset-state-function, scripts/build-wasm.sh) instantiates the
 * same compiled module anew: new linear memory, nothing of the old allocator; objects of the old
 * instance throw if used and are never freed into the new one.
 */
function revive() {
  glue.__wbg_reset_state();
}

/** The detector's memory as the last worker saved it; a plan with other spike settings starts
 * afresh (the engine refuses the state). */
async function restoreSpikes() {
  const { [SPIKES_KEY]: saved } = await sessionArea.get(SPIKES_KEY);
  await restored; // crisis mode first: a spike proposes it only when it is off
  if (!saved || typeof saved !== 'object') return;
  counted = Array.isArray(saved.batches) ? saved.batches.filter((b) => typeof b === 'string').slice(-COUNTED_MAX) : [];
  if (typeof saved.state !== 'string' || !current) return;
  try {
    showSpike(current.restoreSpikes(saved.state));
  } catch (e) {
    console.warn('sentinelle: spike state not restored:', e);
  }
}

/** The detector's memory and the batch names it counted, into session storage. */
function saveSpikes(state) {
  return sessionArea.set({ [SPIKES_KEY]: { state, batches: [...counted] } });
}

function swap(engine, custom) {
  const old = current;
  current = engine;
  old?.free();
  status.state = 'ready';
  status.plan = describePlan(engine);
  brandNames = new Set((status.plan.brandNames ?? []).map(M.authorKey));
  status.custom = custom;
  // A new engine has a new detector (the plan may window and threshold differently): its
  // baseline starts again from the next batch. Its saved memory goes too, or a worker restarted
  // now would put the old plan's back (the engine refuses it only when the settings differ).
  status.spike = null;
  if (old) saveSpikes(null).catch((e) => console.warn('sentinelle: spike state not cleared:', e));
  showBadge();
}

/**
 * The engine threw during triage: out of service until a page asks again.
 *
 * Why not rebuild it at once (a plan save would make a fresh `new glue.Engine`)? The exception
 * may be a trap of the wasm instance itself (`WebAssembly.RuntimeError`: out-of-bounds access, a
 * panic turned into `unreachable`), which leaves its linear memory — the allocator, every engine
 * in it — in an unknown state; a new engine would live in that same memory. So nothing in the
 * instance is called again (not even `free`), and the pages that asked are answered "dead": they
 * take their chips down and stop. The next request that needs the engine — a page reloaded, a
 * plan saved — gets a fresh instance (`load` → `revive`). A message that traps the engine every
 * time costs one batch per reload, never a loop: the page that sent it has stopped asking.
 */
function stop(e) {
  loading = null;
  faultTime = Date.now();
  status.state = 'stopped';
  status.error = `${e?.name ?? 'Error'}: ${String(e?.message ?? e)}`;
  status.spike = null;
  current = null; // never touched again; its memory is the instance's, not ours to free
  console.error('sentinelle: the engine stopped during triage:', e);
  badge(BADGE_DEAD, chrome.i18n.getMessage('engineStopped', [status.error]));
}

const deadAnswer = () => ({ ok: false, dead: true, error: status.error });

/** The spike detector's state into the status and the badge (a dead engine's '!' wins). */
function showSpike(state) {
  const spiking = state.current.filter((r) => r.state === 'spike' && r.category).map((r) => r.category);
  status.spike = { ...state, spiking };
  // A spike proposes crisis mode; the team decides (the popup asks).
  status.crisis = { ...status.crisis, proposed: spiking.length > 0 && !status.crisis.on };
  showBadge();
}

let tabRisks = {}; // tab id → open crisis-risk messages
/** The badge: the open crisis-risk messages across tabs, '↑' in a spike with none open. */
function showBadge() {
  if (dead()) return; // the '!' stays
  const total = Object.values(tabRisks).reduce((a, b) => a + b, 0);
  const spiking = status.spike?.spiking ?? [];
  const names = spiking.map((c) => chrome.i18n.getMessage(`category_${c}`) || c).join(', ');
  const titles = [];
  if (total) titles.push(chrome.i18n.getMessage('badgeRisks', [String(total)]));
  if (spiking.length) titles.push(chrome.i18n.getMessage('badgeSpike', [names]));
  if (total) badge({ text: total > 999 ? '999+' : String(total), color: spiking.length || status.crisis.on ? BADGE_SPIKE.color : RISK_COLOR }, titles.join('\n'));
  else if (spiking.length) badge(BADGE_SPIKE, titles.join('\n'));
  else badge(null);
}

async function setTabRisks(tabId, n) {
  if (n) tabRisks[tabId] = n;
  else delete tabRisks[tabId];
  await sessionArea.set({ [COUNTS_KEY]: tabRisks });
  showBadge();
}

/** What a restarted worker knew: crisis mode and the tabs' counts. */
const restored = (async () => {
  const [{ [CRISIS_KEY]: crisis }, { [COUNTS_KEY]: counts }] = await Promise.all([chrome.storage.local.get(CRISIS_KEY), sessionArea.get(COUNTS_KEY)]);
  if (crisis?.on) status.crisis = { on: true, since: crisis.since ?? null, proposed: false };
  if (counts && typeof counts === 'object') tabRisks = counts;
  showBadge();
})();

/**
 * Writes to the incident log one at a time: each reads the log and writes it back, and two
 * batches (two tabs, or one page's batches of MAX_BATCH) interleaving would lose one's counts.
 */
let logQueue = Promise.resolve();
function serialLog(work) {
  const next = logQueue.then(work, work);
  logQueue = next.catch(() => {});
  return next;
}

/** Counts per category per ten-minute window into the incident log (the post-crisis review). */
function logEvents(events) {
  return serialLog(() => writeEvents(events));
}

async function writeEvents(events) {
  const { [LOG_KEY]: log = { windows: {}, crisis: [] } } = await chrome.storage.local.get(LOG_KEY);
  for (const e of events) {
    const w = String(Math.floor(e.time / LOG_WINDOW_MS) * LOG_WINDOW_MS);
    const counts = (log.windows[w] ??= {});
    for (const c of e.categories.length ? e.categories : ['other']) counts[c] = (counts[c] ?? 0) + 1;
  }
  const keys = Object.keys(log.windows).map(Number).sort((a, b) => a - b);
  for (const k of keys.slice(0, Math.max(0, keys.length - LOG_MAX_WINDOWS))) delete log.windows[String(k)];
  await chrome.storage.local.set({ [LOG_KEY]: log });
}

async function setCrisis(on) {
  await restored;
  const since = on ? (status.crisis.on ? status.crisis.since : Date.now()) : null;
  status.crisis = { on, since, proposed: !on && (status.spike?.spiking.length ?? 0) > 0 };
  await serialLog(async () => {
    const { [LOG_KEY]: log = { windows: {}, crisis: [] } } = await chrome.storage.local.get(LOG_KEY);
    log.crisis.push({ on, time: Date.now() });
    await chrome.storage.local.set({ [CRISIS_KEY]: { on, since }, [LOG_KEY]: log });
  });
  showBadge();
}

async function settings() {
  const { settings } = await chrome.storage.local.get('settings');
  return settings ?? {};
}

async function onTriage(msg) {
  const opts = triageOptions(await settings(), 3, { scores: false });
  await restored;
  if (status.crisis.on) opts.crisisMode = true;
  try {
    await load();
  } catch {
    return deadAnswer(); // the wasm did not load: it will not until the worker restarts
  }
  if (dead()) return deadAnswer();
  // `current` is read after the last await, so a plan swap cannot free it under us.
  const engine = current;
  // The detector's spiking categories make messages in them crises. The engine would read its
  // own detector when this list is empty; passing the state the popup shows keeps the two the same.
  if (status.spike?.spiking.length) opts.spiking = status.spike.spiking;
  // The brand's own messages (its post, its replies) are not triaged: their ids come back in `own`.
  const own = [];
  const incoming = msg.messages.filter((m) => {
    const mine = brandNames.size > 0 && m.author != null && brandNames.has(M.authorKey(m.author));
    if (mine) own.push(m.id);
    return !mine;
  });
  // An empty batch is a page's content script starting the engine early: nothing to count.
  if (!msg.messages.length) return { ok: true, verdicts: [], own: [] };
  // A batch sent again because its first try got no answer (the worker was stopped mid-batch)
  // is triaged again but not counted again, if the stopped worker had already counted it; nor
  // is a batch marked `again`: messages the page triaged before, whose verdicts it let go while
  // they were far from the viewport and asks for again as the agent scrolls to them.
  const fresh = !msg.again && (!msg.batch || !counted.includes(msg.batch));
  let verdicts;
  let events = null;
  let spikes = null;
  try {
    verdicts = triage(engine, incoming, opts);
    if (fresh) {
      // Time and flagged categories only: the detector never sees a word of the messages.
      const now = Date.now();
      events = verdicts.map((v, i) => {
        const time = incoming[i]?.time;
        return { time: Number.isFinite(time) ? time : now, categories: v.categories.map((c) => c.category) };
      });
      showSpike(engine.observe(events));
      spikes = engine.spikeState();
    }
  } catch (e) {
    stop(e);
    return deadAnswer();
  }
  if (fresh) {
    if (msg.batch) counted = [...counted, msg.batch].slice(-COUNTED_MAX);
    // Saved before the answer: a verdict the page shows is one the next worker has counted.
    await Promise.all([
      saveSpikes(spikes).catch((e) => console.warn('sentinelle: spike state not saved:', e)),
      logEvents(events).catch((e) => console.warn('sentinelle: incident log not written:', e)),
    ]);
  }
  return { ok: true, verdicts, own };
}

/** Plan saves and resets one at a time: a save compares the stored plan with its base and then
 * writes, and no other write may come between the two. */
let planQueue = Promise.resolve();
function serialPlan(work) {
  const next = planQueue.then(work, work);
  planQueue = next.catch(() => {});
  return next;
}

// ── Sites taught by pointing ─────────────────────────────────────────────────────────────────
//
// `customAdapters` in storage maps a hostname to its selectors (lib/messages.js `adapterErrors`).
// Each has a registered content script (`taught:<host>`) with the manifest's own files, so the
// site gets chips on every visit; the browser injects it only while the site is granted.

const ADAPTERS_KEY = 'customAdapters';
const TEACHING_KEY = 'teachingTabs'; // tab id → the host the popup started teaching there
const CONTENT_FILES = chrome.runtime.getManifest().content_scripts[0].js;
const PICKER_FILES = ['lib/taxonomy.js', 'lib/messages.js', 'lib/dom.js', 'content/picker.js'];
const scriptId = (host) => `taught:${host}`;
const hostPatterns = (host) => [`https://${host}/*`, `http://${host}/*`];

async function customAdapters() {
  const { [ADAPTERS_KEY]: all } = await chrome.storage.local.get(ADAPTERS_KEY);
  return all && typeof all === 'object' ? all : {};
}

/** Registers (or re-registers) the content scripts of a taught host. */
async function registerHost(host) {
  await chrome.scripting.unregisterContentScripts({ ids: [scriptId(host)] }).catch(() => {});
  await chrome.scripting.registerContentScripts([{
    id: scriptId(host), matches: hostPatterns(host), js: CONTENT_FILES, runAt: 'document_idle', persistAcrossSessions: true,
  }]);
}

/** Registrations as storage says (a browser that dropped them, an update): once per start. */
async function syncRegistrations() {
  const [all, registered] = await Promise.all([customAdapters(), chrome.scripting.getRegisteredContentScripts()]);
  const have = new Set(registered.map((r) => r.id));
  for (const host of Object.keys(all)) if (!have.has(scriptId(host))) await registerHost(host).catch((e) => console.warn('sentinelle: not registered:', host, e));
  const stale = registered.filter((r) => r.id.startsWith('taught:') && !(r.id.slice(7) in all)).map((r) => r.id);
  if (stale.length) await chrome.scripting.unregisterContentScripts({ ids: stale });
}

async function saveAdapter(host, adapter) {
  const errors = M.adapterErrors(host, adapter);
  if (errors.length) return { ok: false, errors };
  const all = await customAdapters();
  all[host] = { ...adapter, taught: adapter.taught ?? all[host]?.taught ?? new Date().toISOString() };
  await chrome.storage.local.set({ [ADAPTERS_KEY]: all });
  await registerHost(host);
  return { ok: true };
}

async function teachStart(tabId) {
  const tab = await chrome.tabs.get(tabId);
  const url = new URL(tab.url ?? 'about:blank');
  if (!/^https?:$/.test(url.protocol)) return { ok: false, error: 'not a web page' };
  // The popup asked the browser for this site in the agent's click; without it, nothing is injected.
  if (!(await chrome.permissions.contains({ origins: [`${url.protocol}//${url.hostname}/*`] }))) return { ok: false, error: 'no access to this site' };
  const { [TEACHING_KEY]: teaching = {} } = await sessionArea.get(TEACHING_KEY);
  teaching[tabId] = url.hostname;
  await sessionArea.set({ [TEACHING_KEY]: teaching });
  await chrome.scripting.executeScript({ target: { tabId }, files: PICKER_FILES });
  return { ok: true, host: url.hostname };
}

/** The picker's adapter: only from a tab the popup started teaching, for that tab's own host. */
async function taught(msg, sender) {
  const { [TEACHING_KEY]: teaching = {} } = await sessionArea.get(TEACHING_KEY);
  const host = new URL(sender.url).hostname;
  if (teaching[sender.tab.id] !== msg.host || host !== msg.host || sender.frameId) return { ok: false, error: 'this tab is not being taught' };
  const saved = await saveAdapter(msg.host, msg.adapter);
  if (!saved.ok) return saved;
  delete teaching[sender.tab.id];
  await sessionArea.set({ [TEACHING_KEY]: teaching });
  // Chips now, not at the next visit: the same files the registration injects.
  await chrome.scripting.executeScript({ target: { tabId: sender.tab.id }, files: CONTENT_FILES }).catch((e) => console.warn('sentinelle: content script not injected:', e));
  return { ok: true };
}

async function removeAdapter(host) {
  const all = await customAdapters();
  delete all[host];
  await chrome.storage.local.set({ [ADAPTERS_KEY]: all });
  await chrome.scripting.unregisterContentScripts({ ids: [scriptId(host)] }).catch(() => {});
  return { ok: true };
}

// ── "Triage with Sentinelle" on a selection ──────────────────────────────────────────────────

const MENU_ID = 'sentinelle-triage-selection';
const SELECTION_FILES = ['lib/taxonomy.js', 'lib/messages.js', 'lib/verdict.js', 'lib/dom.js', 'content/insert.js', 'content/card.js', 'content/selection.js'];

function createMenu() {
  chrome.contextMenus.removeAll(() => {
    chrome.contextMenus.create({ id: MENU_ID, title: chrome.i18n.getMessage('menuTriage'), contexts: ['selection'] });
  });
}

/**
 * The selected text through the engine (not the spike detector or the incident log: a selection
 * is one look, not a message arriving), then its card beside the selection. The click grants
 * activeTab, so this works on any page the browser lets extensions script. Text stays local.
 */
async function onMenuClicked(info, tab) {
  if (info.menuItemId !== MENU_ID || !tab?.id) return;
  const text = String(info.selectionText ?? '').trim().slice(0, M.MAX_TEXT);
  if (!text) return;
  const opts = triageOptions(await settings(), 3, { scores: false });
  await restored;
  if (status.crisis.on) opts.crisisMode = true;
  let verdict = null;
  try {
    await load();
    if (!dead()) verdict = triage(current, [{ id: 'selection', text, platform: 'web' }], opts)[0];
  } catch (e) {
    if (status.state === 'ready') stop(e);
  }
  const target = { tabId: tab.id, frameIds: [info.frameId ?? 0] };
  try {
    await chrome.scripting.executeScript({ target, files: SELECTION_FILES });
    await chrome.scripting.executeScript({
      target,
      func: (v, error) => globalThis.Sentinelle.selection.show(v, error),
      args: [verdict, verdict ? null : (status.error ?? 'engine unavailable')],
    });
  } catch (e) {
    console.warn('sentinelle: cannot show the card on this page:', e);
  }
}

async function onPage(msg) {
  const T = M.PageToBackground;
  switch (msg.type) {
    case T.TEACH_START:
      return teachStart(msg.tabId);
    case T.ADAPTER_SAVE: {
      if (!(msg.host in (await customAdapters()))) return { ok: false, errors: [{ path: 'host', message: 'not a taught site' }] };
      return saveAdapter(msg.host, msg.adapter);
    }
    case T.ADAPTER_REMOVE:
      return removeAdapter(msg.host);
    case T.STATUS:
      // Reports, never revives: after a fault the popup says what happened, and the page's
      // reload (or a plan save) is what starts the engine again.
      if (!dead()) await load().catch(() => {});
      return { ok: true, status: { ...status } };
    case T.PLAN_GET: {
      await load();
      await planQueue; // a save or a policy change under way: answer with its result
      if (dead()) return deadAnswer();
      const { plan, [UPGRADED_KEY]: before } = await chrome.storage.local.get(['plan', UPGRADED_KEY]);
      const stored = typeof plan === 'string' ? plan : null;
      // The notice stays while the text as it was is kept (until the agent erases stored data).
      const upgraded = stored === null ? null : status.upgraded ?? (before ? { from: before.from, to: before.to } : null);
      if (!policy) return { ok: true, plan: stored ?? glue.defaultPlan(), custom: stored !== null, policy: null, upgraded };
      // Under a policy the editor shows the effective plan, but its `base` is the stored one.
      const templateIds = (policy.base.doc.templates ?? []).map((t) => t?.id);
      return { ok: true, plan: effectiveJson, custom: stored !== null, stored, policy: { ...policyStatus(), templateIds }, upgraded };
    }
    case T.PLAN_SAVE: return serialPlan(async () => {
      await load();
      if (dead()) return deadAnswer(); // see `stop`: no new engine in a trapped instance
      let built = buildEngine(glue, msg.plan);
      if (!built.engine) return { ok: false, errors: built.errors };
      if (policy) {
        // A locked part is the organisation's: an edit that changes one is refused, each with its path.
        const errors = lockedChanges(policy.base.doc, JSON.parse(msg.plan), policy, (k, args) => chrome.i18n.getMessage(k, args));
        if (errors.length) {
          built.engine.free();
          return { ok: false, errors, locked: true };
        }
      }
      // An editor says which stored plan its edit started from: if another tab saved since, its
      // edit would overwrite that one unseen, so it is refused and the editor asks the user.
      if (msg.base !== undefined) {
        const { plan: now } = await chrome.storage.local.get('plan');
        const stored = typeof now === 'string' ? now : null;
        if (fingerprint(stored) !== msg.base) {
          built.engine.free();
          return { ok: false, conflict: true, plan: stored };
        }
      }
      if (policy) {
        // The engine runs the effective plan: the same parts, the policy's templates first.
        built.engine.free();
        const json = JSON.stringify(layerPlan(policy.base.doc, JSON.parse(msg.plan), policy), null, 2);
        built = buildEngine(glue, json);
        if (!built.engine) return { ok: false, errors: built.errors };
        effectiveJson = json;
      }
      try {
        await chrome.storage.local.set({ plan: msg.plan });
      } catch (e) {
        built.engine.free();
        throw e;
      }
      apply({ engine: built.engine, custom: true, warning: policy?.invalid ? chrome.i18n.getMessage('warnPolicyPlanInvalid', [String(policy.invalid)]) : null });
      return { ok: true, status: { ...status } };
    });
    case T.PLAN_RESET: return serialPlan(async () => {
      await load();
      if (dead()) return deadAnswer();
      await chrome.storage.local.remove('plan');
      apply(planFor(null)); // the default plan, or the organisation's
      return { ok: true, status: { ...status } };
    });
    case T.SETTINGS_SAVE: {
      const agent = (msg.settings.agent ?? '').trim();
      const link = (msg.settings.link ?? '').trim();
      if (link && !/^https?:\/\/[^\s]+$/i.test(link)) {
        return { ok: false, errors: [{ path: 'link', message: chrome.i18n.getMessage('errLink') }] };
      }
      await chrome.storage.local.set({ settings: { agent, link } });
      return { ok: true };
    }
    case T.CRISIS_SET:
      await setCrisis(msg.on);
      return { ok: true, status: { ...status } };
    case T.DATA_CLEAR:
      return serialPlan(() => clearData(msg.scope));
    case T.INCIDENT_LOG: {
      await restored;
      const { [LOG_KEY]: log = { windows: {}, crisis: [] } } = await chrome.storage.local.get(LOG_KEY);
      const windows = Object.entries(log.windows).map(([start, counts]) => ({ start: new Date(Number(start)).toISOString(), minutes: LOG_WINDOW_MS / 60_000, counts }));
      windows.sort((a, b) => a.start.localeCompare(b.start));
      const crisis = log.crisis.map((c) => ({ on: c.on, time: new Date(c.time).toISOString() }));
      return { ok: true, log: { kind: 'sentinelle-incident-log', version: 1, plan: status.plan?.name ?? null, exported: new Date().toISOString(), windows, crisis } };
    }
  }
  throw new Error(`unhandled message ${msg.type}`);
}

// ── Clearing what the extension stored ───────────────────────────────────────────────────────
//
// What is stored, and where (docs/PERMISSIONS.md, "Stored data"): no message text, ever, unless
// the agent typed it into their plan (a template, a term) or their settings.
//   local:   plan, planDraft, planBeforeUpgrade, settings, customAdapters   (the agent's own work)
//            crisis, incidentLog                                           (activity: counts and times)
//   session: tabRisks, teachingTabs, spikes                                (activity: per tab, the detector)

/** Activity: what the extension recorded while the agent worked, counts and times only. */
const ACTIVITY_LOCAL = [CRISIS_KEY, LOG_KEY];
const ACTIVITY_SESSION = [COUNTS_KEY, TEACHING_KEY, SPIKES_KEY];

/**
 * `activity`: the counts per tab, the incident log, crisis mode and the spike detector's memory;
 * the plan, its draft, the settings and the taught sites stay. `everything`: all the extension
 * stored, back to the default plan (or the organisation's), taught sites unregistered and their
 * site access given back. An organisation's policy is in managed storage, not ours to clear.
 */
async function clearData(scope) {
  await restored;
  const hosts = scope === 'everything' ? Object.keys(await customAdapters()) : [];
  if (scope === 'everything') await chrome.storage.local.clear(); // the plan first: the engine below reads it
  tabRisks = {};
  counted = [];
  status.crisis = { on: false, since: null, proposed: false };
  status.upgraded = null;
  // The spike detector's history is activity too: a fresh detector, on the plan now stored.
  if (!dead() && loading) {
    await load().catch(() => {});
    if (!dead()) apply(planFor(await storedPlan()));
  }
  // After the swap, whose write of the detector's (empty) memory is queued before these.
  if (scope === 'everything') {
    await chrome.storage.local.clear();
    if (sessionArea !== chrome.storage.local) await sessionArea.clear();
    await chrome.scripting.unregisterContentScripts({ ids: hosts.map(scriptId) }).catch(() => {});
    await chrome.permissions.remove({ origins: hosts.flatMap(hostPatterns) }).catch(() => {});
  } else {
    await chrome.storage.local.remove(ACTIVITY_LOCAL);
    await sessionArea.remove(ACTIVITY_SESSION);
  }
  showBadge();
  return { ok: true, status: { ...status } };
}

// Registered synchronously at top level: a service worker woken by a message must find its
// listener before the first await.
chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  const from = M.senderKind(sender, chrome.runtime.id, chrome.runtime.getURL(''));
  let work;
  if (from === 'page' && M.isPageToBackground(msg)) work = onPage(msg);
  else if (from === 'content' && M.isContentToBackground(msg)) {
    if (msg.type === M.ContentToBackground.COUNTS) work = restored.then(() => setTabRisks(sender.tab.id, msg.crisisRisk)).then(() => ({ ok: true }));
    else if (msg.type === M.ContentToBackground.TAUGHT) work = taught(msg, sender);
    else work = onTriage(msg);
  }
  else {
    sendResponse({ ok: false, error: `refused: ${typeof msg?.type === 'string' ? msg.type : 'malformed'} from ${from}` });
    return false;
  }
  work.then(sendResponse, (e) => sendResponse({ ok: false, error: String(e?.message ?? e) }));
  return true; // answer asynchronously
});

// The administrator changed the policy: the engine follows at once (a worker that has not
// loaded yet reads it when it does).
chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== 'managed' || !loading) return;
  serialPlan(async () => {
    await load();
    if (dead()) return;
    await loadPolicy();
    apply(planFor(await storedPlan()));
  }).catch((e) => console.error('sentinelle: the policy change was not applied:', e));
});

// A closed tab, or one that navigates away, has no open messages any more.
chrome.tabs.onRemoved.addListener((tabId) => {
  restored.then(() => tabId in tabRisks && setTabRisks(tabId, 0));
});
chrome.tabs.onUpdated.addListener((tabId, info) => {
  if (info.status === 'loading') restored.then(() => tabId in tabRisks && setTabRisks(tabId, 0));
});

chrome.contextMenus.onClicked.addListener((info, tab) => {
  onMenuClicked(info, tab).catch((e) => console.error('sentinelle: selection triage failed:', e));
});
chrome.runtime.onInstalled.addListener(() => {
  createMenu();
  syncRegistrations().catch((e) => console.warn('sentinelle: registrations not synced:', e));
});
chrome.runtime.onStartup.addListener(() => {
  syncRegistrations().catch((e) => console.warn('sentinelle: registrations not synced:', e));
});
