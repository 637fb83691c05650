/*
 * The reply templates of one category and language: list, add, edit, delete; the palette of
 * variables that inserts at the cursor; the live preview, which runs a sample comment through
 * the edited plan and shows the card exactly as the content script would (Sentinelle.card).
 *
 *   category + lang ─▶ list of doc.templates (edited in place) ─▶ ctx.edited()
 *                                                               └▶ preview: Engine(plan) → triage(sample) → card.render
 */
import '../lib/dom.js';
import { SAMPLES } from './samples.js';
import { allowedVariables, freshTemplateId } from '../lib/plan-doc.js';

const $ = (id) => document.getElementById(id);

const { el } = globalThis.Sentinelle.dom; // lib/dom.js

/**
 * `ctx`: {doc(): the edited plan, edited(): after every change, t, taxonomy, check(json): errors,
 * preview(json, message, spiking): verdict | {errors}, isLocked(tpl): a template the organisation's
 * policy set (shown read-only, no delete), lockedNote(): the note it carries}.
 */
export function templatesEditor(ctx) {
  const { t, taxonomy } = ctx;
  const state = { category: taxonomy.categories[0], lang: taxonomy.langs.includes(ctx.uiLang) ? ctx.uiLang : taxonomy.langs[0] };
  /** The text field the palette writes into: the last template body or statement focused. */
  let target = null;

  $('tpl-category').replaceChildren(...taxonomy.categories.map((c) => el('option', { value: c }, t('category_' + c))));
  const langName = new Intl.DisplayNames([ctx.uiLang], { type: 'language' });
  $('tpl-lang').replaceChildren(...taxonomy.langs.map((l) => el('option', { value: l }, langName.of(l) ?? l)));
  $('tpl-lang').value = state.lang;
  $('tpl-category').addEventListener('change', () => { state.category = $('tpl-category').value; renderList(); schedulePreview(0); });
  $('tpl-lang').addEventListener('change', () => { state.lang = $('tpl-lang').value; renderList(); schedulePreview(0); });
  $('preview-severity').addEventListener('change', () => schedulePreview(0));
  $('tpl-add').addEventListener('click', add);
  document.addEventListener('focusin', (e) => {
    if (e.target.matches?.('textarea[data-vars]')) target = e.target;
  });

  const templates = () => (Array.isArray(ctx.doc()?.templates) ? ctx.doc().templates : []);

  function renderList() {
    const list = templates().filter((tpl) => tpl?.category === state.category && tpl?.lang === state.lang);
    $('tpl-list').replaceChildren(...list.map(item));
    $('tpl-empty').hidden = list.length > 0;
  }

  function item(tpl) {
    const n = templates().indexOf(tpl);
    const bodyId = `tpl-body-${n}`;
    const locked = !!ctx.isLocked?.(tpl);
    const body = el('textarea', { id: bodyId, rows: 3, value: String(tpl.body ?? ''), 'data-template-id': String(tpl.id ?? '') });
    if (locked) body.readOnly = true;
    else body.setAttribute('data-vars', ''); // the palette writes only into editable bodies
    body.addEventListener('input', () => { tpl.body = body.value; ctx.edited(); schedulePreview(); });
    const legend = el('span', { class: 'legend', id: `${bodyId}-sev` }, t('optTplSeverity'));
    const severities = el('div', { class: 'severities', role: 'group', 'aria-labelledby': legend.id }, legend,
      ...taxonomy.severities.map((s) => {
        const box = el('input', { type: 'checkbox', value: s, checked: Array.isArray(tpl.severity) && tpl.severity.includes(s), disabled: locked });
        box.addEventListener('change', () => {
          const chosen = [...severities.querySelectorAll('input:checked')].map((b) => b.value);
          if (chosen.length) tpl.severity = chosen;
          else delete tpl.severity; // empty means every severity
          ctx.edited();
          schedulePreview();
        });
        return el('label', { class: 'inline' }, box, ' ', t('severity_' + s));
      }));
    const remove = el('button', { type: 'button', class: 'secondary danger', 'data-remove': String(tpl.id ?? '') }, t('optTplDelete'));
    remove.setAttribute('aria-label', t('optTplDeleteNamed', [String(tpl.id ?? '')]));
    remove.addEventListener('click', () => {
      const all = templates();
      const at = all.indexOf(tpl);
      if (at >= 0) all.splice(at, 1);
      renderList();
      ctx.edited();
      schedulePreview();
      ($('tpl-list').querySelector('textarea') ?? $('tpl-add')).focus();
    });
    const head = locked
      ? el('div', { class: 'template-head' }, el('label', { htmlFor: bodyId }, el('code', {}, String(tpl.id ?? ''))), el('span', { class: 'locked-note' }, ctx.lockedNote()))
      : el('div', { class: 'template-head' }, el('label', { htmlFor: bodyId }, el('code', {}, String(tpl.id ?? ''))), remove);
    return el('li', { class: locked ? 'template locked' : 'template', 'data-template-id': String(tpl.id ?? ''), 'data-locked': String(locked) },
      head, body, severities);
  }

  function add() {
    const doc = ctx.doc();
    if (!Array.isArray(doc.templates)) doc.templates = [];
    const tpl = { id: freshTemplateId(doc, state.category, state.lang), category: state.category, lang: state.lang, body: '' };
    doc.templates.push(tpl);
    renderList();
    ctx.edited();
    $('tpl-list').lastElementChild?.querySelector('textarea')?.focus();
  }

  /** The palette: the variables the engine accepts in this plan, each inserted at the cursor. */
  function renderPalette() {
    const doc = ctx.doc();
    const names = doc ? allowedVariables(doc, ctx.check) : [];
    $('palette').replaceChildren(...names.map((v) => {
      const label = doc.variables?.[v]?.[ctx.uiLang];
      const b = el('button', { type: 'button', class: 'secondary var', 'data-var': v }, `{${v}}`);
      if (label) b.title = label;
      // Keep the text field's selection: a mouse press would move focus before the click.
      b.addEventListener('mousedown', (e) => e.preventDefault());
      b.addEventListener('click', () => insert(`{${v}}`));
      return b;
    }));
  }

  function insert(text) {
    const field = target?.isConnected ? target : $('tpl-list').querySelector('textarea[data-vars]');
    if (!field) return;
    field.focus();
    field.setRangeText(text, field.selectionStart, field.selectionEnd, 'end');
    field.dispatchEvent(new Event('input', { bubbles: true }));
  }

  let previewTimer = null;
  let host = null;
  function schedulePreview(ms = 300) {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(renderPreview, ms);
  }

  function renderPreview() {
    const text = SAMPLES[state.category]?.[state.lang] ?? '';
    $('preview-sample').textContent = text;
    const spiking = $('preview-severity').value === 'spike' ? [state.category] : undefined;
    const result = ctx.preview({ id: 'preview', text, lang: state.lang, author: t('optSampleAuthor') }, spiking);
    if (!result.verdict) {
      $('preview-note').textContent = t(result.errors ? 'optPreviewInvalid' : 'optPreviewUnavailable');
      $('preview').replaceChildren();
      host = null;
      return;
    }
    const v = result.verdict;
    $('preview-note').textContent = v.primary === state.category ? '' : t('optPreviewOtherCategory', [t('category_' + v.primary)]);
    host ??= document.createElement('sentinelle-card');
    host.dataset.open = 'true'; // rendered open, without the focus move of toggle()
    globalThis.Sentinelle.card.render(host, v, {
      onInsert: async (reply) => {
        try {
          await navigator.clipboard.writeText(reply);
          return { ok: false, copied: true };
        } catch {
          return { ok: false, copied: false };
        }
      },
    });
    if (!host.isConnected) $('preview').replaceChildren(host);
    document.body.dataset.preview = String(Number(document.body.dataset.preview ?? 0) + 1);
  }

  return {
    /** The whole document changed (loaded, imported, edited as JSON): everything again. */
    refresh() {
      renderList();
      renderPalette();
      schedulePreview(0);
    },
    schedulePreview,
    get state() { return state; },
  };
}
