/*
 * Options: the crisis plan in people's hands, and the agent's template variables.
 *
 *   form fields ─┐                       ┌─▶ engine accepts ─▶ PLAN_SAVE (background validates again)
 *   templates  ──┼─▶ one document ─800ms─┤
 *   JSON view  ──┘   (S.doc / S.text)    └─▶ engine refuses ─▶ planDraft in storage, every error + path
 *                                            plan changed under us (another tab) ─▶ warning, no save
 *
 * The page loads the wasm itself (the extension's CSP allows it) to validate and preview while
 * the user edits; saving goes through the background, which validates again and only then swaps
 * its engine, so an invalid plan is never applied, whatever this page does.
 *
 * Under a team policy (lib/policy.js): the page shows the effective plan; parts the organisation
 * locked are read-only in the form (the JSON view shows everything, and the background refuses a
 * save that changes them, with their paths), as are its templates when `templates` is locked.
 *
 * Two tabs: the page remembers the stored plan it started from (`S.base`). If the stored plan is
 * no longer that one when it comes to save — or `storage.onChanged` says so — it does not save:
 * it asks "reload theirs" or "keep mine". A tab with no edits of its own simply takes theirs.
 */
import * as glue from '../wasm/sentinelle.js';
import { planErrors, buildEngine, triage, triageOptions } from '../lib/engine.js';
import '../lib/i18n.js';
import '../lib/taxonomy.js'; // generated at build time from the engine (scripts/package.mjs)
import '../lib/messages.js';
import '../lib/verdict.js';
import '../lib/dom.js';
import '../content/card.js';
import { fingerprint, getPath, setPath, withPaths } from '../lib/plan-doc.js';
import { templatesEditor } from './templates-editor.js';
import { mountSites } from './sites.js';
import { partOf } from '../lib/policy.js';

const { i18n, messages: M, taxonomy } = globalThis.Sentinelle;
const T = M.PageToBackground;
const t = i18n.translator(i18n.browserGetMessage());
const $ = (id) => document.getElementById(id);
const send = (msg) => chrome.runtime.sendMessage(msg);
const DRAFT_KEY = 'planDraft';
const AUTOSAVE_MS = 800;

/** The edited document: `doc` parsed from `text` (null while the JSON does not parse). */
const S = { doc: null, text: '', base: null, dirty: false, conflict: false, theirs: null, pending: null };
let settings = {};
let wasmOk = false;
/** The team policy as PLAN_GET gave it (`{locked, allowAgentTemplates, templateIds, invalid}`), or null. */
let policy = null;
const isLocked = (path) => !!policy?.locked.includes(partOf(path));
/** A template the organisation set and locked: shown, never edited or removed here. */
const isPolicyTemplate = (tpl) => !!policy?.locked.includes('templates') && policy.templateIds.includes(tpl?.id);
const canAddTemplates = () => !policy?.locked.includes('templates') || policy.allowAgentTemplates;

const pretty = (json) => JSON.stringify(JSON.parse(json), null, 2);

function say(id, text, kind = '') {
  $(id).textContent = text;
  $(id).className = kind;
}

function errorItems(errors) {
  return errors.map((e) => {
    const li = document.createElement('li');
    const path = document.createElement('code');
    path.textContent = e.path || t('optRoot');
    li.append(path, `: ${e.message}`);
    li.dataset.path = e.path;
    return li;
  });
}
const showErrors = (errors) => $('plan-errors').replaceChildren(...errorItems(errors));

function planName(text) {
  try {
    return String(JSON.parse(text).name ?? '');
  } catch {
    return '';
  }
}

/** Every error of `text` with a path, or null when the wasm could not load here. */
function check(text) {
  return wasmOk ? withPaths(planErrors(glue, text), text) : null;
}

// ── The two views ────────────────────────────────────────────────────────────────────────────

const editor = templatesEditor({
  t,
  taxonomy,
  uiLang: i18n.uiLanguage(),
  doc: () => S.doc,
  edited: formEdited,
  isLocked: isPolicyTemplate,
  lockedNote: () => t('optLockedNote'),
  check: (json) => (wasmOk ? planErrors(glue, json) : []),
  preview,
});

/** The reply-by deadline fields, one per severity of the engine's list. */
function buildDeadlineFields() {
  $('deadlines').replaceChildren(...taxonomy.severities.map((s) => {
    const wrap = document.createElement('div');
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.id = `deadline-${s}`;
    Object.assign(input, { type: 'number', min: '1', step: '1' });
    input.dataset.path = `deadlines.${s}`;
    input.dataset.kind = 'number';
    label.htmlFor = input.id;
    label.textContent = t('optDeadlineFor', [t('severity_' + s)]);
    wrap.append(label, input);
    return wrap;
  }));
}

function readField(el) {
  switch (el.dataset.kind) {
    case 'bool': return el.checked;
    case 'lines': return el.value.split('\n').map((l) => l.trim()).filter(Boolean);
    case 'number': {
      // Kept as typed when it is not a number: the engine then says where, and what it expects.
      const v = el.value.trim();
      return v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
    }
    default: return el.value;
  }
}

function writeField(el, value) {
  switch (el.dataset.kind) {
    case 'bool': el.checked = value === true; break;
    case 'lines': el.value = Array.isArray(value) ? value.join('\n') : ''; break;
    default: el.value = value == null ? '' : String(value);
  }
}

function renderForm() {
  const parsed = S.doc !== null;
  for (const el of document.querySelectorAll('[data-path]')) {
    el.disabled = !parsed || isLocked(el.dataset.path);
    if (parsed) writeField(el, getPath(S.doc, el.dataset.path));
  }
  $('tpl-add').disabled = !parsed || !canAddTemplates();
}

/** The banner and the "set by your organisation" notes of the locked sections. */
function renderPolicy() {
  $('policy-banner').hidden = !policy;
  document.body.dataset.policy = policy ? 'true' : 'false';
  for (const section of document.querySelectorAll('section[data-part]')) {
    const locked = !!policy?.locked.includes(section.dataset.part);
    section.dataset.locked = String(locked);
    let note = section.querySelector(':scope > .locked-note');
    if (locked && !note) {
      note = document.createElement('p');
      note.className = 'locked-note';
      note.textContent = t('optLockedNote');
      section.querySelector('h2').after(note);
    }
    note?.toggleAttribute('hidden', !locked);
  }
  if (!policy) return;
  $('policy-locked').textContent = policy.locked.length ? t('optPolicyLockedParts', [policy.locked.join(', ')]) : t('optPolicyNothingLocked');
  $('policy-templates').hidden = !policy.locked.includes('templates');
  $('policy-templates').textContent = t(policy.allowAgentTemplates ? 'optPolicyAgentTemplates' : 'optPolicyNoAgentTemplates');
  $('policy-invalid').hidden = !policy.invalid;
  $('policy-invalid').textContent = policy.invalid ? t('optPolicyInvalid', [String(policy.invalid)]) : '';
}

/** A new whole document (loaded, imported, restored, or typed in the JSON view). */
function setDocument(text, { fromJson = false } = {}) {
  S.text = text;
  try {
    const doc = JSON.parse(text);
    S.doc = doc && typeof doc === 'object' && !Array.isArray(doc) ? doc : null;
  } catch {
    S.doc = null;
  }
  if (!fromJson) $('plan').value = text;
  renderForm();
  editor.refresh();
}

/** A field of the form or a template changed `S.doc`: the JSON view follows. */
function formEdited() {
  S.text = JSON.stringify(S.doc, null, 2);
  $('plan').value = S.text;
  edited();
}

// A checkbox fires both events: it is read on `change`, every other field on `input`.
document.addEventListener('input', (e) => { if (e.target.dataset?.kind !== 'bool') onField(e.target); });
document.addEventListener('change', (e) => { if (e.target.dataset?.kind === 'bool') onField(e.target); });
function onField(el) {
  if (!el.dataset?.path || !S.doc) return;
  setPath(S.doc, el.dataset.path, readField(el));
  formEdited();
}

let jsonTimer = null;
$('plan').addEventListener('input', () => {
  S.text = $('plan').value;
  edited();
  clearTimeout(jsonTimer);
  jsonTimer = setTimeout(() => setDocument($('plan').value, { fromJson: true }), 300);
});

// ── Saving, drafts, conflicts ────────────────────────────────────────────────────────────────

let saveTimer = null;
function edited() {
  S.dirty = true;
  say('plan-status', t('optSaving'), 'muted');
  clearTimeout(saveTimer);
  saveTimer = setTimeout(commit, AUTOSAVE_MS);
}

/**
 * Keeps the edit as a draft; true when it is kept. chrome.storage.local first; when that fails —
 * full (its 10 MB quota, which is also why a save may just have failed) — the page's own
 * localStorage, a separate quota. Never throws: a failed draft must not hide why the save failed.
 */
async function writeDraft(text) {
  const draft = { text, base: fingerprint(S.base), time: Date.now() };
  try {
    await chrome.storage.local.set({ [DRAFT_KEY]: draft });
    localStorage.removeItem(DRAFT_KEY);
    return true;
  } catch (e) {
    console.warn('sentinelle: draft not kept in extension storage:', e);
    try {
      localStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
      return true;
    } catch {
      return false;
    }
  }
}

async function removeDraft() {
  localStorage.removeItem(DRAFT_KEY);
  await chrome.storage.local.remove(DRAFT_KEY).catch(() => {});
}

/** The newest draft, from extension storage or the page's fallback; null when there is none. */
async function readDraft() {
  const { [DRAFT_KEY]: stored } = await chrome.storage.local.get(DRAFT_KEY);
  let local = null;
  try {
    local = JSON.parse(localStorage.getItem(DRAFT_KEY) ?? 'null');
  } catch {
    local = null;
  }
  const drafts = [stored, local].filter((d) => typeof d?.text === 'string');
  drafts.sort((a, b) => (b.time ?? 0) - (a.time ?? 0));
  return drafts[0] ?? null;
}

/** Why a save failed, as the agent can act on it: storage full is said in words. */
function notSaved(error, kept) {
  const reason = /quota/i.test(String(error)) ? t('optStorageFull') : t('optFailed', [String(error)]);
  return `${t('optNotSaved', [reason])} ${t(kept ? 'optDraftKept' : 'optDraftNotKept')}`;
}

function showConflict() {
  $('conflict').hidden = !S.conflict;
  if (S.conflict) say('plan-status', t('optConflictHeld'), 'warning');
}

let chain = Promise.resolve();
/** Validates the document and saves it if the engine accepts it and nobody changed it under us. */
function commit() {
  clearTimeout(saveTimer);
  chain = chain.then(commitNow, commitNow);
  return chain;
}

async function commitNow() {
  const text = S.text;
  if (!S.dirty) return;
  const errors = check(text);
  showErrors(errors ?? []);
  if (errors?.length) {
    await writeDraft(text);
    return say('plan-status', `${t('optInvalid', [String(errors.length)])} ${t('optDraftKept')}`, 'error');
  }
  if (S.conflict) {
    await writeDraft(text);
    return showConflict();
  }
  S.pending = text;
  // The background refuses the save if the stored plan is no longer the one this edit started from.
  let answer;
  try {
    answer = await send({ type: T.PLAN_SAVE, plan: text, base: fingerprint(S.base) });
  } catch (e) {
    // No answer: the worker stopped mid-save (the browser may stop it at any time). Its one
    // `set` either happened or not; the stored plan is whole either way, and this edit is kept.
    answer = { ok: false, error: String(e?.message ?? e) };
  } finally {
    S.pending = null;
  }
  if (answer.conflict) {
    S.conflict = true;
    S.theirs = answer.plan;
    await writeDraft(text);
    return showConflict();
  }
  if (answer.errors) {
    await writeDraft(text);
    showErrors(withPaths(answer.errors, text));
    return say('plan-status', `${t('optInvalid', [String(answer.errors.length)])} ${t('optDraftKept')}`, 'error');
  }
  if (!answer.ok) {
    const kept = await writeDraft(text);
    document.body.dataset.saveFailed = String(Number(document.body.dataset.saveFailed ?? 0) + 1);
    return say('plan-status', notSaved(answer.error, kept), 'error');
  }
  S.base = text;
  if (S.text === text) {
    S.dirty = false;
    await removeDraft();
  }
  say('plan-status', t('optSaved', [answer.status.plan.name]));
  say('plan-source', t('optPlanSourceCustom', [answer.status.plan.name]), 'muted');
  document.body.dataset.saved = String(Number(document.body.dataset.saved ?? 0) + 1);
}

chrome.storage.onChanged.addListener((changes, area) => {
  // The organisation changed its policy: the background has rebuilt its engine; a page without
  // edits of its own shows the new plan (one with edits keeps them: a save is checked anew).
  if (area === 'managed') {
    if (!S.dirty) setTimeout(() => loadPlan().then(() => say('plan-status', t('optPolicyChanged'), 'warning')), 200);
    return;
  }
  if (area !== 'local' || !('plan' in changes)) return;
  const theirs = changes.plan.newValue ?? null;
  if (theirs === S.base || (S.pending !== null && theirs === S.pending)) return; // our own save
  if (!S.dirty) {
    // Nothing of ours to lose: take theirs, and say so.
    loadPlan().then(() => say('plan-status', t('optReloaded'), 'warning'));
    return;
  }
  S.conflict = true;
  S.theirs = theirs;
  clearTimeout(saveTimer);
  writeDraft(S.text);
  showConflict();
});

$('conflict-theirs').addEventListener('click', async () => {
  S.conflict = false;
  showConflict();
  await removeDraft();
  await loadPlan();
  showErrors([]);
  say('plan-status', t('optReloaded'));
  $('plan-status').focus?.();
});

$('conflict-mine').addEventListener('click', async () => {
  S.base = S.theirs;
  S.conflict = false;
  S.dirty = true;
  showConflict();
  await commit();
});

/** The stored plan (or the default) into both views. */
async function loadPlan() {
  const answer = await send({ type: T.PLAN_GET });
  if (!answer.ok) return say('plan-status', t('optFailed', [answer.error]), 'error');
  policy = answer.policy ?? null;
  // `base` is always the stored plan: under a policy the page shows the effective plan instead.
  S.base = policy ? answer.stored : answer.custom ? answer.plan : null;
  S.dirty = false;
  S.conflict = false;
  renderPolicy();
  // The user's own text stays as they wrote it; the default plan is laid out for editing.
  setDocument(answer.custom || policy ? answer.plan : pretty(answer.plan));
  const source = policy?.fromPolicy && !answer.custom ? 'optPlanSourcePolicy' : answer.custom ? 'optPlanSourceCustom' : 'optPlanSourceDefault';
  say('plan-source', t(source, [planName(answer.plan)]), 'muted');
  // A plan saved under an older format was migrated by the engine when it loaded: say so once a page.
  $('plan-upgraded').hidden = !answer.upgraded;
  $('plan-upgraded').textContent = answer.upgraded ? t('optPlanUpgraded', [String(answer.upgraded.from), String(answer.upgraded.to)]) : '';
}

/** A draft left by an earlier visit (an invalid edit, or one the tab closed before saving). */
async function restoreDraft() {
  const draft = await readDraft();
  if (!draft) return;
  // The save went through after all (the worker stopped after its write, before its answer).
  if (draft.text === S.text) return removeDraft();
  setDocument(draft.text);
  S.dirty = true;
  if (draft.base !== fingerprint(S.base)) {
    S.conflict = true;
    S.theirs = S.base;
  }
  await commit();
  if (S.dirty) say('plan-status', `${$('plan-status').textContent} ${t('optDraftRestored')}`, $('plan-status').className);
}

// ── Preview, buttons, files ──────────────────────────────────────────────────────────────────

/** A sample comment through the edited plan: the verdict the agent would get, or why not. */
function preview(message, spiking) {
  if (!wasmOk) return {};
  const built = buildEngine(glue, S.text);
  if (!built.engine) return { errors: built.errors };
  try {
    const opts = triageOptions(settings, 20);
    if (spiking) opts.spiking = spiking;
    return { verdict: triage(built.engine, [message], opts)[0] };
  } finally {
    built.engine.free();
  }
}

$('validate').addEventListener('click', () => {
  const errors = check(S.text);
  if (!errors) return;
  showErrors(errors);
  if (errors.length) say('plan-status', t('optInvalid', [String(errors.length)]), 'error');
  else say('plan-status', t('optValid', [planName(S.text)]));
});

$('save').addEventListener('click', () => {
  clearTimeout(jsonTimer);
  S.text = $('plan').value;
  S.dirty = true;
  return commit();
});

// Reset replaces the user's plan, so it takes a second click within a few seconds.
let resetArmed = null;
$('reset').addEventListener('click', async () => {
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
  clearTimeout(saveTimer);
  S.base = null; // the removal that follows is ours
  const answer = await send({ type: T.PLAN_RESET });
  if (!answer.ok) return say('plan-status', t('optFailed', [answer.error]), 'error');
  await removeDraft();
  await loadPlan();
  showErrors([]);
  say('plan-status', t('optResetDone'));
});

// The export is the document on screen, byte for byte: what imports back is that same plan. An
// edit with errors still exports (it is the agent's work), with a warning that it will not import.
$('export').addEventListener('click', () => {
  const errors = check(S.text) ?? [];
  const url = URL.createObjectURL(new Blob([S.text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'sentinelle-plan.json';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  if (errors.length) say('import-status', t('optExportedInvalid', [String(errors.length)]), 'warning');
  else say('import-status', t('optExported'));
});

$('import').addEventListener('click', () => $('import-file').click());
$('import-file').addEventListener('change', async () => {
  const file = $('import-file').files?.[0];
  $('import-file').value = '';
  if (!file) return;
  let text = await file.text();
  const errors = check(text) ?? [];
  $('import-errors').replaceChildren(...errorItems(errors));
  if (errors.length) return say('import-status', t('optImportRefused', [String(errors.length)]), 'error');
  // A backup of an older format: the engine migrates it, and the migrated plan is what is saved.
  const migrated = wasmOk ? glue.migratePlan(text) : null;
  if (migrated?.json) text = migrated.json;
  setDocument(text);
  S.dirty = true;
  say('import-status', migrated?.json ? `${t('optImported', [planName(text)])} ${t('optImportUpgraded', [String(migrated.from), String(migrated.to)])}` : t('optImported', [planName(text)]));
  await commit();
});

// Leaving with an edit still waiting for its autosave: it goes to the draft at once.
window.addEventListener('pagehide', () => {
  if (S.dirty && saveTimer) writeDraft(S.text);
});

// ── Stored data ──────────────────────────────────────────────────────────────────────────────
//
// Two buttons, because an agent clearing "what Sentinelle recorded" does not expect to lose
// their plan: activity (counts, incident log, crisis mode) alone, or everything (then the
// default plan, or the organisation's, runs again). Everything takes a second click.

$('clear-activity').addEventListener('click', async () => {
  const answer = await send({ type: T.DATA_CLEAR, scope: 'activity' }).catch((e) => ({ ok: false, error: String(e?.message ?? e) }));
  if (!answer.ok) return say('data-status', t('optFailed', [answer.error]), 'error');
  say('data-status', t('optClearedActivity'));
  document.body.dataset.cleared = 'activity';
});

let eraseArmed = null;
$('clear-everything').addEventListener('click', async () => {
  if (!eraseArmed) {
    $('clear-everything').textContent = t('optClearEverythingConfirm');
    eraseArmed = setTimeout(() => {
      eraseArmed = null;
      $('clear-everything').textContent = t('optClearEverything');
    }, 5000);
    return;
  }
  clearTimeout(eraseArmed);
  eraseArmed = null;
  $('clear-everything').textContent = t('optClearEverything');
  clearTimeout(saveTimer);
  S.base = null; // the removal of the plan that follows is ours, not another tab's
  const answer = await send({ type: T.DATA_CLEAR, scope: 'everything' }).catch((e) => ({ ok: false, error: String(e?.message ?? e) }));
  if (!answer.ok) return say('data-status', t('optFailed', [answer.error]), 'error');
  localStorage.clear();
  await loadSettings(); // the taught sites' list follows storage by itself (sites.js)
  await loadPlan();
  showErrors([]);
  say('plan-status', '');
  say('data-status', t('optClearedEverything'));
  document.body.dataset.cleared = 'everything';
});

// ── The agent's settings ─────────────────────────────────────────────────────────────────────

async function loadSettings() {
  ({ settings = {} } = await chrome.storage.local.get('settings'));
  $('agent').value = settings.agent ?? '';
  $('link').value = settings.link ?? '';
}

$('settings-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const answer = await send({ type: T.SETTINGS_SAVE, settings: { agent: $('agent').value, link: $('link').value } });
  if (answer.ok) {
    say('settings-status', t('optSettingsSaved'));
    await loadSettings();
    editor.schedulePreview(0);
  } else say('settings-status', answer.errors?.map((e) => e.message).join('\n') ?? t('optFailed', [answer.error]), 'error');
});

// ── Start ────────────────────────────────────────────────────────────────────────────────────

i18n.apply(document, t);
document.documentElement.lang = i18n.uiLanguage();
buildDeadlineFields();
wasmOk = await glue.default({ module_or_path: new URL('../wasm/sentinelle_bg.wasm', import.meta.url) }).then(
  () => true,
  (e) => {
    $('wasm-error').hidden = false;
    $('wasm-error').textContent = t('optWasmFailed', [String(e?.message ?? e)]);
    return false;
  },
);
await loadSettings();
await mountSites($('sites-list'), $('sites-empty'));
await loadPlan();
await restoreDraft();
// Templates from and to a spreadsheet: an import goes through the same document, check and
// autosave as an edit in the form, so an invalid one changes nothing and says where.
globalThis.Sentinelle.templatesIO?.mountTemplateImport($('template-import'), {
  getPlan: () => S.doc ?? JSON.parse(S.text),
  applyPlan: async (plan) => {
    const text = JSON.stringify(plan, null, 2);
    const errors = check(text);
    if (errors === null) return [{ path: '', message: t('optWasmFailed', ['']) }];
    if (errors.length) return errors;
    setDocument(text);
    edited();
    return [];
  },
  t,
});
document.body.dataset.ready = 'true';
