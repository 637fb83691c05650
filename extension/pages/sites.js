/*
 * Options: the sites taught by pointing (`customAdapters`, see content/picker.js). Each is listed
 * with its selectors in text fields, checked as they are typed (bounded, parsed by this page's CSS
 * parser) and saved through the background, which checks them again and re-registers the site's
 * content scripts; a site is removed the same way, and its access to the site can be released.
 */
import '../lib/i18n.js';
import '../lib/taxonomy.js';
import '../lib/messages.js';
import '../lib/dom.js';

const { i18n, messages: M } = globalThis.Sentinelle;
const t = i18n.translator(i18n.browserGetMessage());
const FIELDS = M.ADAPTER_FIELDS; // message, text, thread, replyBox

const parses = globalThis.Sentinelle.dom.selectorParses;

const { el } = globalThis.Sentinelle.dom; // lib/dom.js

function siteItem(host, adapter) {
  const id = (f) => `site-${host.replace(/[^a-z0-9]/g, '-')}-${f}`;
  const inputs = {};
  const errors = el('ul', { class: 'errors', 'aria-live': 'polite' });
  const status = el('p', { role: 'status' });
  const fields = FIELDS.map((f) => {
    inputs[f] = el('input', { type: 'text', id: id(f), value: adapter[f] ?? '', maxLength: 500, spellcheck: false, 'data-field': f });
    return el('div', {}, el('label', { htmlFor: id(f) }, t(`optSiteField_${f}`)), inputs[f]);
  });
  const edited = () => {
    const next = { ...adapter };
    for (const f of FIELDS) next[f] = inputs[f].value.trim();
    return next;
  };
  const check = () => {
    const errs = M.adapterErrors(host, edited(), parses);
    for (const f of FIELDS) inputs[f].setAttribute('aria-invalid', String(errs.some((e) => e.path === f)));
    errors.replaceChildren(...errs.map((e) => el('li', { 'data-path': e.path }, `${e.path}: ${e.message}`)));
    save.disabled = errs.length > 0;
    return errs;
  };
  const save = el('button', { type: 'button', 'data-action': 'save' }, t('optSiteSave'));
  const release = el('input', { type: 'checkbox', checked: true, id: id('release') });
  const remove = el('button', { type: 'button', class: 'secondary danger', 'data-action': 'remove' }, t('optSiteRemove'));
  for (const f of FIELDS) inputs[f].addEventListener('input', check);
  save.addEventListener('click', async () => {
    if (check().length) return;
    const answer = await chrome.runtime.sendMessage({ type: M.PageToBackground.ADAPTER_SAVE, host, adapter: edited() });
    status.textContent = answer?.ok ? t('optSiteSaved') : t('optFailed', [answer?.errors?.map((e) => `${e.path}: ${e.message}`).join('; ') ?? answer?.error ?? '']);
  });
  remove.addEventListener('click', async () => {
    const answer = await chrome.runtime.sendMessage({ type: M.PageToBackground.ADAPTER_REMOVE, host });
    if (!answer?.ok) {
      status.textContent = t('optFailed', [answer?.error ?? '']);
      return;
    }
    if (release.checked) {
      await chrome.permissions.remove({ origins: [`https://${host}/*`, `http://${host}/*`] }).catch(() => false);
    }
  });
  const taught = adapter.taught ? new Date(adapter.taught).toLocaleString(i18n.uiLanguage()) : '';
  return el('li', { 'data-host': host },
    el('h3', {}, host),
    taught ? el('p', { class: 'muted' }, t('optSiteTaught', [taught])) : null,
    el('div', { class: 'row' }, ...fields),
    errors,
    el('div', { class: 'buttons' }, save, remove, el('label', { class: 'inline', htmlFor: id('release') }, release, ' ', t('optSiteRelease'))),
    status);
}

let shown = null; // the hosts listed, so an edit saved here does not rebuild (and clear) its form
async function render(list, empty, { force = true } = {}) {
  const { customAdapters = {} } = await chrome.storage.local.get('customAdapters');
  const hosts = Object.keys(customAdapters).sort();
  if (!force && hosts.join('\n') === shown) return;
  shown = hosts.join('\n');
  empty.hidden = hosts.length > 0;
  list.replaceChildren(...hosts.map((h) => siteItem(h, customAdapters[h])));
  list.dataset.count = String(hosts.length);
}

/** Fills `list` (an <ol>) with the taught sites, kept in step with storage. */
export async function mountSites(list, empty) {
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && 'customAdapters' in changes) render(list, empty, { force: false });
  });
  await render(list, empty);
}
