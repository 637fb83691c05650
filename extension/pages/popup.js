/*
 * Popup: the engine's state (loaded, version, plan, or the error that stopped it), crisis mode
 * (proposed by a spike, switched by the team), the spike detector's state, what the content script
 * found on the active tab (counts, its crisis-risk messages to scroll to, whether its adapter
 * found anything), the incident log's export, and "Teach Sentinelle this site" for a site no
 * adapter knows. Plan changes go through the options page.
 *
 * Teaching: the browser grants the site here, in the agent's click (`permissions.request` needs
 * that user gesture in an extension page), then the background injects the picker into the tab
 * and the popup closes so the agent can point at the page.
 */
import '../lib/i18n.js';
import '../lib/taxonomy.js'; // generated at build time from the engine (scripts/package.mjs)
import '../lib/messages.js';
import '../lib/verdict.js';
import '../content/adapters.js'; // the built-in adapters' hosts: teaching is offered elsewhere

const { i18n, messages: M, verdict: V } = globalThis.Sentinelle;
const t = i18n.translator(i18n.browserGetMessage());
const $ = (id) => document.getElementById(id);

async function showEngine() {
  const answer = await chrome.runtime.sendMessage({ type: M.PageToBackground.STATUS });
  const s = answer.status;
  $('engine-state').textContent = t('engineState_' + s.state);
  document.body.dataset.engine = s.state;
  if (s.version) $('version').textContent = s.version;
  if (s.plan) $('plan').textContent = t(s.policy?.fromPolicy ? 'popupPlanPolicy' : s.custom ? 'popupPlanCustom' : 'popupPlanDefault', [s.plan.name]);
  $('engine-error').hidden = !s.error;
  $('engine-error').textContent = s.error ?? '';
  // Stopped or not loaded: a page that asks again (a reload) starts it (background.js `load`).
  $('engine-restart').hidden = !(s.state === 'stopped' || s.state === 'error');
  const recovered = s.state === 'ready' && s.recovered;
  $('engine-recovered').hidden = !recovered;
  $('engine-recovered').textContent = recovered
    ? t('popupEngineRecovered', [new Date(s.recovered.time).toLocaleTimeString(i18n.uiLanguage(), { hour: '2-digit', minute: '2-digit' }), s.recovered.error])
    : '';
  $('engine-warning').hidden = !s.warning;
  $('engine-warning').textContent = s.warning ?? '';
  showSpikes(s.spike);
  showCrisis(s.crisis);
}

function showCrisis(crisis) {
  const on = !!crisis?.on;
  document.body.dataset.crisis = on ? 'on' : 'off';
  const since = crisis?.since ? new Date(crisis.since).toLocaleTimeString(i18n.uiLanguage(), { hour: '2-digit', minute: '2-digit' }) : '';
  $('crisis-state').textContent = on ? t('popupCrisisOn', [since]) : t('popupCrisisOff');
  $('crisis-proposed').hidden = !crisis?.proposed;
  $('crisis-toggle').textContent = t(on ? 'popupCrisisStop' : 'popupCrisisStart');
  $('crisis-toggle').dataset.on = String(on);
}

$('crisis-toggle').addEventListener('click', async () => {
  const on = $('crisis-toggle').dataset.on !== 'true';
  const answer = await chrome.runtime.sendMessage({ type: M.PageToBackground.CRISIS_SET, on });
  if (answer?.ok) showCrisis(answer.status.crisis);
});

/** The incident log as a JSON file: counts and times per category, crisis mode on and off, no text. */
$('export-log').addEventListener('click', async () => {
  const answer = await chrome.runtime.sendMessage({ type: M.PageToBackground.INCIDENT_LOG });
  if (!answer?.ok) return;
  const url = URL.createObjectURL(new Blob([JSON.stringify(answer.log, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `sentinelle-incident-log-${answer.log.exported.slice(0, 10)}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
});

/**
 * The categories in a spike, as the engine's detector reported them after the last batch (the
 * background keeps `engine.observe`'s answer): count in the current window against the baseline.
 * Nothing here counts messages or judges what is a spike.
 */
function showSpikes(spike) {
  const number = new Intl.NumberFormat(i18n.uiLanguage(), { maximumFractionDigits: 1 });
  const reports = (spike?.current ?? []).filter((r) => r.state === 'spike' && r.category);
  $('spike-none').hidden = reports.length > 0;
  $('spike-list').hidden = reports.length === 0;
  $('spike-list').replaceChildren(...reports.map((r) => {
    const li = document.createElement('li');
    li.textContent = t('popupSpikeLine', [t('category_' + r.category), number.format(r.count), number.format(r.baseline)]);
    li.dataset.category = r.category;
    li.dataset.count = String(r.count);
    li.dataset.baseline = String(r.baseline);
    return li;
  }));
}

/** Asks a tab's content script for its counts; null when none runs there. */
export async function tabStats(tabId) {
  try {
    const answer = await chrome.tabs.sendMessage(tabId, { type: M.PopupToContent.TAB_STATS });
    return answer?.ok ? answer.stats : null;
  } catch {
    return null; // no content script in this tab (other site, browser page)
  }
}

async function showTab() {
  // The tab the agent is working in. The popup opened as a tab of its own reports the most
  // recently used tab whose content script answers (the tabs' addresses are not ours to read).
  let [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  let stats = tab ? await tabStats(tab.id) : null;
  if (!stats && tab?.url?.startsWith(location.origin)) {
    const others = (await chrome.tabs.query({})).filter((t) => t.id !== tab.id).sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
    for (const other of others) {
      stats = await tabStats(other.id);
      if (stats) {
        tab = other;
        break;
      }
    }
  }
  const tabId = tab?.id;
  $('tab-none').hidden = !!stats;
  $('tab-stats').hidden = !stats;
  if (!stats) return;
  $('tab-summary').textContent = t('popupTabSummary', [String(stats.messages), stats.adapter]);
  const items = V.countItems(document, t, stats);
  $('severity-counts').replaceChildren(...items.severity);
  $('category-counts').replaceChildren(...items.category);
  $('tab-own').hidden = !stats.own;
  $('tab-own').textContent = stats.own ? t('popupOwnSkipped', [String(stats.own)]) : '';
  // A supported site where the adapter finds nothing: the platform's layout may have moved. Not
  // when the page stopped on an error (its chips were taken down: that is not the layout).
  const nothing = stats.messages === 0 && stats.own === 0 && !stats.error && stats.adapter !== 'generic';
  $('tab-nothing').hidden = !nothing;
  $('tab-nothing').textContent = nothing ? t('popupAdapterNothing', [stats.adapter]) : '';
  const risks = stats.risks ?? [];
  $('risk-none').hidden = risks.length > 0;
  $('risk-list').replaceChildren(...risks.map((r) => {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'link';
    button.dataset.key = r.key;
    button.dataset.category = r.primary;
    button.textContent = `${t('severity_' + r.severity)} · ${t('category_' + r.primary)} — ${r.excerpt}`; // page text, as text
    button.addEventListener('click', () => chrome.tabs.sendMessage(tabId, { type: M.PopupToContent.SCROLL_TO, key: r.key }).catch(() => {}));
    li.append(button);
    return li;
  }));
  $('tab-error').hidden = !stats.error;
  $('tab-error').textContent = stats.error ? t('popupTabError', [stats.error]) : '';
}

/**
 * The web page the popup acts on: the active tab; when the popup itself is open as a tab (a
 * bookmarked popup.html, the tests), the web tab used last instead.
 */
async function targetTab() {
  const [active] = await chrome.tabs.query({ active: true, currentWindow: true });
  if (!active?.url?.startsWith(location.origin)) return active ?? null;
  const tabs = (await chrome.tabs.query({})).filter((tab) => /^https?:/.test(tab.url ?? ''));
  tabs.sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
  return tabs[0] ?? null;
}

/** "Teach Sentinelle this site" on a web page no built-in adapter knows (or one taught before). */
async function showTeach() {
  const tab = await targetTab();
  const url = tab?.url ? new URL(tab.url) : null;
  if (!url || !/^https?:$/.test(url.protocol)) return;
  const known = globalThis.Sentinelle.adapters?.some((a) => a.id !== 'generic' && a.hosts.includes(url.hostname));
  if (known) return;
  const { customAdapters = {} } = await chrome.storage.local.get('customAdapters');
  const taught = url.hostname in customAdapters;
  $('teach-section').hidden = false;
  $('teach-known').hidden = !taught;
  $('teach-known').textContent = taught ? t('popupTeachKnown', [url.hostname]) : '';
  $('teach').textContent = t(taught ? 'popupTeachAgain' : 'popupTeach');
  $('teach').dataset.host = url.hostname;
  const origins = [`${url.protocol}//${url.hostname}/*`];
  $('teach').addEventListener('click', () => {
    // First thing in the click: the browser asks the agent for this site (no other await before
    // it, or the gesture is spent).
    chrome.permissions.request({ origins }).then(async (granted) => {
      if (!granted) {
        $('teach-status').textContent = t('popupTeachDenied', [url.hostname]);
        return;
      }
      const answer = await chrome.runtime.sendMessage({ type: M.PageToBackground.TEACH_START, tabId: tab.id });
      if (!answer?.ok) {
        $('teach-status').textContent = t('popupTeachFailed', [answer?.error ?? '']);
        return;
      }
      $('teach-status').textContent = t('popupTeachStarted');
      document.body.dataset.teach = 'started';
      await chrome.tabs.update(tab.id, { active: true }).catch(() => {});
      window.close(); // the agent points at the page now
    }, (e) => {
      $('teach-status').textContent = t('popupTeachFailed', [String(e?.message ?? e)]);
    });
  });
}

i18n.apply(document, t);
document.documentElement.lang = i18n.uiLanguage();
$('open-options').addEventListener('click', () => chrome.runtime.openOptionsPage());
await Promise.all([showEngine(), showTab(), showTeach()]);
document.body.dataset.ready = 'true';
