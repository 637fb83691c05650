/*
 * What each triaged message gets: a small chip beside it (severity colour, primary category,
 * reply-by for problems and crises) that opens its card — severity, category, response, reply-by,
 * the evidence, and the suggested replies with Insert and Copy. A thread with a full card under
 * every message would double in length; the chip keeps the page the platform's.
 *
 * It lives in a shadow root on its own <sentinelle-card> element so the page's CSS cannot bend it
 * and ours cannot leak. The page's text is hostile: it only ever enters the card as text
 * (textContent, text nodes), never as HTML.
 *
 * A "universal" script (see lib/messages.js): it adds `globalThis.Sentinelle.card`.
 */
(() => {
  'use strict';
  const S = (globalThis.Sentinelle ??= {});
  const TAG = 'sentinelle-card';

  // The host element is the one part of the card the page's CSS can reach, and what the host
  // inherits, the whole card inherits. A page rule with !important (`* { visibility: hidden
  // !important; font-size: 40px !important }`, e2e-hostile.test.mjs) beats a plain :host rule and
  // hid or restyled every card; an !important :host rule beats the page's (the inner tree wins
  // among !important declarations). Only what the card inherits, and what hides it, is
  // !important: the selection's card places its host with an inline style (selection.js), which
  // an !important `all` would undo. Direction follows our UI's language, not the page's.
  const DIR = chrome.i18n.getMessage('@@bidi_dir') === 'rtl' ? 'rtl' : 'ltr';
  const CSS = `
:host { all: initial; display: block !important; margin: 4px 0; font: 13px/1.4 system-ui, sans-serif !important;
  color: #1d2433 !important; direction: ${DIR} !important; unicode-bidi: isolate !important; writing-mode: horizontal-tb !important;
  visibility: visible !important; opacity: 1 !important; filter: none !important; letter-spacing: normal !important;
  word-spacing: normal !important; text-transform: none !important; text-indent: 0 !important; text-align: start !important;
  text-shadow: none !important; white-space: normal !important; cursor: auto !important; pointer-events: auto !important;
  --bg: #fbfcfe !important; --line: #d5dae3 !important; --muted: #5b6577 !important; --chip: #eef1f6 !important; --text: #1d2433 !important; }
@media (prefers-color-scheme: dark) {
  :host { color: #e6e9ef !important; --bg: #1f2430 !important; --line: #3a4254 !important; --muted: #a7b0c0 !important; --chip: #2a3140 !important; --text: #e6e9ef !important; }
}
.chip { display: inline-flex; gap: 6px; align-items: center; max-width: 100%; font: inherit; font-size: 12px; line-height: 1.6;
  padding: 0 8px; border-radius: 10px; border: 1px solid var(--line); background: var(--chip); color: var(--text); cursor: pointer; }
.chip:focus-visible { outline: 2px solid #3056d3; outline-offset: 2px; }
.dot { width: 8px; height: 8px; border-radius: 50%; background: #8a94a6; flex: none; }
.chip[data-severity="problem"] .dot { background: #c77700; }
.chip[data-severity="crisis"] .dot { background: #b42318; }
.chip[data-severity="crisis"] { border-color: #b42318; }
.chip .muted, .chip .overdue { font-weight: 400; }
.card[hidden] { display: none; }
.card { margin-top: 4px; color: var(--text); border: 1px solid var(--line); border-left: 4px solid #8a94a6; border-radius: 6px; background: var(--bg); padding: 6px 8px; }
.card[data-severity="problem"] { border-left-color: #c77700; }
.card[data-severity="crisis"] { border-left-color: #b42318; }
.head { display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: center; }
.pill { font-weight: 600; font-size: 11px; text-transform: uppercase; letter-spacing: .03em; padding: 1px 6px; border-radius: 9px; background: #e6e9ef; }
[data-severity="problem"] .pill { background: #fdebc8; color: #7a4600; }
[data-severity="crisis"] .pill { background: #fbd5d1; color: #7a1a10; }
.category { font-weight: 600; }
.muted { color: var(--muted); }
.overdue { color: #b42318; font-weight: 600; }
.why { margin: 4px 0 0; color: var(--muted); }
.why q { background: #fff1a8; color: #1d2433; padding: 0 2px; border-radius: 2px; quotes: none; }
ul { list-style: none; margin: 6px 0 0; padding: 0; display: grid; gap: 4px; }
li { display: flex; gap: 8px; align-items: flex-start; }
li p { margin: 0; flex: 1; white-space: pre-wrap; }
.actions { display: flex; gap: 4px; flex: none; }
.actions button { font: inherit; font-size: 12px; padding: 2px 10px; border-radius: 4px; border: 1px solid #3056d3; background: #3056d3; color: #fff; cursor: pointer; }
.actions button.secondary { background: transparent; color: inherit; }
.actions button:focus-visible { outline: 2px solid #3056d3; outline-offset: 2px; }
button:disabled { opacity: .6; cursor: default; }
.missing { display: block; color: #7a4600; font-size: 12px; }
.note { margin: 4px 0 0; font-size: 11px; color: var(--muted); }
.status:empty { display: none; }
.status { margin: 4px 0 0; font-weight: 600; }
textarea { width: 100%; box-sizing: border-box; min-height: 4em; font: inherit; }
`;

  let sheet = null;
  /** A constructed stylesheet: page CSPs govern <style> elements, not CSSOM sheets. */
  function style(root) {
    try {
      sheet ??= new CSSStyleSheet();
      if (!sheet.cssRules.length) sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch {
      // Firefox content scripts could not adopt sheets built in their own compartment.
      const el = document.createElement('style');
      el.textContent = CSS;
      root.append(el);
    }
  }

  const t = (key, subs) => chrome.i18n.getMessage(key, subs) || key;

  const { el } = S.dom; // lib/dom.js

  function time(d) {
    return d.toLocaleTimeString(chrome.i18n.getUILanguage(), { hour: '2-digit', minute: '2-digit' });
  }

  function deadlineNode(verdict) {
    const d = S.verdict.deadlineLabel(verdict, t, time);
    return el('span', { class: d.overdue ? 'overdue' : 'muted' }, d.text);
  }

  function evidenceNode(verdict) {
    const ev = S.verdict.allEvidence(verdict).slice(0, 6);
    if (!ev.length) return null;
    const p = el('p', { class: 'why' }, t('cardEvidence'), ' ');
    ev.forEach((e, i) => {
      if (i) p.append(' ');
      p.append(el('q', { title: `${t('category_' + e.category)} · ${e.rule}` }, e.text));
    });
    return p;
  }

  let cardIds = 0;

  /*
   * A chip is drawn at once; its card (replies, buttons, evidence: most of the DOM) is built when
   * the browser is idle, or at once when it is opened. The content script draws chips only near
   * the viewport, a few frames' worth at a time, and their cards fill in between them, a few
   * milliseconds at a time, instead of stalling the tab (e2e-hostile.test.mjs).
   */
  const cardBuilders = new WeakMap(); // host → () => builds its card
  const unbuilt = new Set(); // hosts whose card waits for idle time, oldest first
  let idleScheduled = false;
  const whenIdle = globalThis.requestIdleCallback ?? ((f) => setTimeout(() => f({ timeRemaining: () => 8, didTimeout: false }), 16));
  const IDLE_MS = 8;

  function scheduleCards() {
    if (idleScheduled || !unbuilt.size) return;
    idleScheduled = true;
    whenIdle(buildSome, { timeout: 500 });
  }

  function buildSome(deadline) {
    idleScheduled = false;
    // An idle period can last 50 ms, and a task that long is a long frame for the page when it
    // wants to draw meanwhile: at most IDLE_MS of building per callback, and at least one card
    // (a browser that never idles still gets them, one callback per timeout).
    const end = performance.now() + (deadline.didTimeout ? IDLE_MS : Math.min(IDLE_MS, deadline.timeRemaining()));
    for (const host of unbuilt) {
      // A host taken off the page meanwhile is let go, not built.
      if (host.isConnected) ensureCard(host);
      else {
        unbuilt.delete(host);
        cardBuilders.delete(host);
      }
      if (performance.now() >= end) break;
    }
    scheduleCards();
  }

  /** Builds `host`'s card now if it is still waiting. */
  function ensureCard(host) {
    const build = cardBuilders.get(host);
    unbuilt.delete(host);
    if (!build) return;
    cardBuilders.delete(host);
    build();
  }

  /**
   * Builds (or rebuilds) the chip and card for `verdict`. `onInsert(text)` resolves like
   * `Sentinelle.insert.insertReply`; the card reports the outcome in its status line. With no
   * `onInsert` (a selection's card with no editor focused) the card offers Copy only. A rebuilt
   * card stays open if it was.
   */
  function render(host, verdict, { onInsert }) {
    host ??= document.createElement(TAG);
    const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    const wasOpen = host.dataset.open === 'true';
    root.replaceChildren();
    style(root);
    host.dataset.severity = verdict.severity;
    host.dataset.category = verdict.primary;

    const id = `sentinelle-card-${++cardIds}`;
    // The chip: what the agent sees on the page until they open the card.
    const urgent = verdict.severity !== 'routine';
    const chip = el('button', { type: 'button', class: 'chip', 'data-severity': verdict.severity, 'aria-expanded': String(wasOpen),
      'aria-controls': id, title: t('chipTitle') },
      el('span', { class: 'dot', 'aria-hidden': 'true' }),
      el('span', { class: 'category' }, `${t('severity_' + verdict.severity)} · ${t('category_' + verdict.primary)}`),
      urgent ? deadlineNode(verdict) : null);
    chip.addEventListener('click', () => toggle(host));
    root.append(chip);
    cardBuilders.set(host, () => root.append(card(verdict, { onInsert, id, open: wasOpen })));
    if (wasOpen) ensureCard(host);
    else {
      unbuilt.add(host);
      scheduleCards();
    }
    return host;
  }

  /** The card: severity, category, response, reply-by, evidence, replies with Insert and Copy. */
  function card(verdict, { onInsert, id, open }) {
    const status = el('p', { class: 'status', role: 'status' });
    const replies = el('ul');
    for (const reply of verdict.replies || []) {
      const button = onInsert ? el('button', { type: 'button', 'data-template': reply.template }, t('cardInsert')) : null;
      const copy = el('button', { type: 'button', class: 'secondary', 'data-copy': reply.template }, t('cardCopy'));
      copy.addEventListener('click', async () => {
        let ok = false;
        try {
          await navigator.clipboard.writeText(reply.text);
          ok = true;
        } catch {
          // The page may deny the clipboard: the text, selected, for the agent to copy by hand.
        }
        status.replaceChildren(t(ok ? 'cardCopied' : 'cardCopyFailed'));
        if (!ok) {
          const area = el('textarea', { readOnly: true, value: reply.text });
          status.append(area);
          area.select();
        }
      });
      const missing = reply.missing?.length ? el('span', { class: 'missing' }, t('cardMissing', [reply.missing.join(', ')])) : null;
      button?.addEventListener('click', async () => {
        button.disabled = true;
        const result = await onInsert(reply.text);
        button.disabled = false;
        status.replaceChildren(result.ok ? t('cardInserted') : t(result.copied ? 'cardCopied' : 'cardCopyFailed'));
        if (!result.ok && !result.copied) {
          // Last resort: the text, selected, for the agent to copy by hand.
          const area = el('textarea', { readOnly: true, value: reply.text });
          status.append(area);
          area.select();
        }
      });
      replies.append(el('li', {}, el('p', {}, reply.text, missing), el('span', { class: 'actions' }, button, copy)));
    }

    const section = el('section', { class: 'card', id, role: 'region', 'data-severity': verdict.severity, 'aria-label': t('cardLabel') },
      el('div', { class: 'head' },
        el('span', { class: 'pill' }, t('severity_' + verdict.severity)),
        el('span', { class: 'category' }, t('category_' + verdict.primary)),
        el('span', {}, t('response_' + verdict.response)),
        deadlineNode(verdict),
        verdict.incident ? el('span', { class: 'overdue' }, t('cardIncident')) : null),
      evidenceNode(verdict),
      replies.childElementCount ? replies : el('p', { class: 'note' }, t('cardNoReply')),
      status,
      el('p', { class: 'note' }, t('cardHeuristic')));
    section.hidden = !open;
    return section;
  }

  /** Opens or closes a host's card (`open` undefined: the other way); focus follows into it. */
  function toggle(host, open) {
    ensureCard(host);
    const root = host.shadowRoot;
    const chip = root?.querySelector('.chip');
    const card = root?.querySelector('.card');
    if (!chip || !card) return;
    const show = open ?? card.hidden;
    card.hidden = !show;
    chip.setAttribute('aria-expanded', String(show));
    host.dataset.open = String(show);
    if (show) card.querySelector('button')?.focus({ preventScroll: true });
  }

  S.card = Object.freeze({ TAG, render, toggle });
})();
