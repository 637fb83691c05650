/*
 * Popup: the engine's state (loaded, version, plan, or the error that stopped it), the spike
 * detector's state, and what the content script found on the active tab. Reads only; changes go
 * through the options page.
 */
import '../lib/i18n.js';
import '../lib/taxonomy.js'; // generated at build time from the engine (scripts/package.mjs)
import '../lib/messages.js';
import '../lib/verdict.js';

const { i18n, messages: M, verdict: V } = globalThis.Sentinelle;
const t = i18n.translator(i18n.browserGetMessage());
const $ = (id) => document.getElementById(id);

async function showEngine() {
  const answer = await chrome.runtime.sendMessage({ type: M.PageToBackground.STATUS });
  const s = answer.status;
  $('engine-state').textContent = t('engineState_' + s.state);
  document.body.dataset.engine = s.state;
  if (s.version) $('version').textContent = s.version;
  if (s.plan) $('plan').textContent = t(s.custom ? 'popupPlanCustom' : 'popupPlanDefault', [s.plan.name]);
  $('engine-error').hidden = !s.error;
  $('engine-error').textContent = s.error ?? '';
  $('engine-warning').hidden = !s.warning;
  $('engine-warning').textContent = s.warning ?? '';
  showSpikes(s.spike);
}

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
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  const stats = tab ? await tabStats(tab.id) : null;
  $('tab-none').hidden = !!stats;
  $('tab-stats').hidden = !stats;
  if (!stats) return;
  $('tab-summary').textContent = t('popupTabSummary', [String(stats.messages), stats.adapter]);
  const items = V.countItems(document, t, stats);
  $('severity-counts').replaceChildren(...items.severity);
  $('category-counts').replaceChildren(...items.category);
  $('tab-error').hidden = !stats.error;
  $('tab-error').textContent = stats.error ? t('popupTabError', [stats.error]) : '';
}

i18n.apply(document, t);
document.documentElement.lang = i18n.uiLanguage();
$('open-options').addEventListener('click', () => chrome.runtime.openOptionsPage());
await Promise.all([showEngine(), showTab()]);
document.body.dataset.ready = 'true';
