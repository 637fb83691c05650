/*
 * Options: the agent's template variables, and the crisis-plan editor.
 *
 * The page loads the wasm itself (the extension's CSP allows it) to validate while the user
 * edits; saving goes through the background, which validates again and only then swaps its
 * engine, so an invalid plan is never applied, whatever this page does.
 */
import * as glue from '../wasm/sentinelle.js';
import { planErrors } from '../lib/engine.js';
import '../lib/i18n.js';
import '../lib/taxonomy.js'; // generated at build time from the engine (scripts/package.mjs)
import '../lib/messages.js';

const { i18n, messages: M } = globalThis.Sentinelle;
const T = M.PageToBackground;
const t = i18n.translator(i18n.browserGetMessage());
const $ = (id) => document.getElementById(id);
const send = (msg) => chrome.runtime.sendMessage(msg);

let wasmReady = null; // resolves true when local validation is available

function showErrors(errors) {
  $('plan-errors').replaceChildren(...errors.map((e) => {
    const li = document.createElement('li');
    const path = document.createElement('code');
    path.textContent = e.path || t('optRoot');
    li.append(path, `: ${e.message}`);
    return li;
  }));
}

function say(id, text, kind = '') {
  $(id).textContent = text;
  $(id).className = kind;
}

function planName(json) {
  try {
    return String(JSON.parse(json).name ?? '');
  } catch {
    return '';
  }
}

async function loadPlan() {
  const answer = await send({ type: T.PLAN_GET });
  if (!answer.ok) return say('plan-status', t('optFailed', [answer.error]), 'error');
  // The user's own text stays as they wrote it; the default plan is laid out for editing.
  $('plan').value = answer.custom ? answer.plan : JSON.stringify(JSON.parse(answer.plan), null, 2);
  say('plan-source', t(answer.custom ? 'optPlanSourceCustom' : 'optPlanSourceDefault', [planName(answer.plan)]), 'muted');
}

/** Local check; null when the wasm could not load here (the background still checks on save). */
async function validate() {
  if (!(await wasmReady)) return null;
  const errors = planErrors(glue, $('plan').value);
  showErrors(errors);
  if (errors.length) say('plan-status', t('optInvalid', [String(errors.length)]), 'error');
  else say('plan-status', t('optValid', [planName($('plan').value)]));
  return errors;
}

async function save() {
  const local = await validate();
  if (local?.length) return;
  const answer = await send({ type: T.PLAN_SAVE, plan: $('plan').value });
  if (answer.errors) {
    showErrors(answer.errors);
    return say('plan-status', t('optInvalid', [String(answer.errors.length)]), 'error');
  }
  if (!answer.ok) return say('plan-status', t('optFailed', [answer.error]), 'error');
  showErrors([]);
  say('plan-status', t('optSaved', [answer.status.plan.name]));
  say('plan-source', t('optPlanSourceCustom', [answer.status.plan.name]), 'muted');
}

// Reset replaces the user's plan, so it takes a second click within a few seconds.
let resetArmed = null;
async function reset() {
  if (!resetArmed) {
    $('reset').textContent = t('optResetConfirm');
    resetArmed = setTimeout(() => {
      resetArmed = null;
      $('reset').textContent = t('optReset');
    }, 5000);
    return;
  }
  clearTimeout(resetArmed);
  resetArmed = null;
  $('reset').textContent = t('optReset');
  const answer = await send({ type: T.PLAN_RESET });
  if (!answer.ok) return say('plan-status', t('optFailed', [answer.error]), 'error');
  await loadPlan();
  showErrors([]);
  say('plan-status', t('optResetDone'));
}

async function loadSettings() {
  const { settings = {} } = await chrome.storage.local.get('settings');
  $('agent').value = settings.agent ?? '';
  $('link').value = settings.link ?? '';
}

async function saveSettings(event) {
  event.preventDefault();
  const answer = await send({ type: T.SETTINGS_SAVE, settings: { agent: $('agent').value, link: $('link').value } });
  if (answer.ok) say('settings-status', t('optSettingsSaved'));
  else say('settings-status', answer.errors?.map((e) => e.message).join('\n') ?? t('optFailed', [answer.error]), 'error');
}

i18n.apply(document, t);
document.documentElement.lang = i18n.uiLanguage();
wasmReady = glue.default({ module_or_path: new URL('../wasm/sentinelle_bg.wasm', import.meta.url) }).then(
  () => true,
  (e) => {
    $('wasm-error').hidden = false;
    $('wasm-error').textContent = t('optWasmFailed', [String(e?.message ?? e)]);
    return false;
  },
);
$('validate').addEventListener('click', validate);
$('save').addEventListener('click', save);
$('reset').addEventListener('click', reset);
$('settings-form').addEventListener('submit', saveSettings);
await Promise.all([loadPlan(), loadSettings()]);
document.body.dataset.ready = 'true';
