/*
 * The card shown under each triaged message: severity, category, response, reply-by, the
 * evidence, and the suggested replies with an Insert button.
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

  const CSS = `
:host { all: initial; display: block; margin: 6px 0; font: 13px/1.4 system-ui, sans-serif; color: #1d2433; }
.card { border: 1px solid #d5dae3; border-left: 4px solid #8a94a6; border-radius: 6px; background: #fbfcfe; padding: 6px 8px; }
.card[data-severity="problem"] { border-left-color: #c77700; }
.card[data-severity="crisis"] { border-left-color: #b42318; background: #fff7f6; }
.head { display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: center; }
.pill { font-weight: 600; font-size: 11px; text-transform: uppercase; letter-spacing: .03em; padding: 1px 6px; border-radius: 9px; background: #e6e9ef; }
[data-severity="problem"] .pill { background: #fdebc8; color: #7a4600; }
[data-severity="crisis"] .pill { background: #fbd5d1; color: #7a1a10; }
.category { font-weight: 600; }
.muted { color: #5b6577; }
.overdue { color: #b42318; font-weight: 600; }
.why { margin: 4px 0 0; color: #5b6577; }
.why q { background: #fff1a8; color: #1d2433; padding: 0 2px; border-radius: 2px; quotes: none; }
ul { list-style: none; margin: 6px 0 0; padding: 0; display: grid; gap: 4px; }
li { display: flex; gap: 8px; align-items: flex-start; }
li p { margin: 0; flex: 1; white-space: pre-wrap; }
button { font: inherit; font-size: 12px; padding: 2px 10px; border-radius: 4px; border: 1px solid #3056d3; background: #3056d3; color: #fff; cursor: pointer; }
button:disabled { opacity: .6; cursor: default; }
.missing { display: block; color: #7a4600; font-size: 12px; }
.note { margin: 4px 0 0; font-size: 11px; color: #5b6577; }
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

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') node.className = v;
      else if (k.includes('-')) node.setAttribute(k, v); // data-*, aria-*
      else node[k] = v;
    }
    node.append(...children.filter((c) => c != null));
    return node;
  }

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

  /**
   * Builds (or rebuilds) the card for `verdict`. `onInsert(text)` resolves like
   * `Sentinelle.insert.insertReply`; the card reports the outcome in its status line.
   */
  function render(host, verdict, { onInsert }) {
    host ??= document.createElement(TAG);
    const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    root.replaceChildren();
    style(root);
    host.dataset.severity = verdict.severity;
    host.dataset.category = verdict.primary;

    const status = el('p', { class: 'status', role: 'status' });
    const replies = el('ul');
    for (const reply of verdict.replies || []) {
      const button = el('button', { type: 'button', 'data-template': reply.template }, t('cardInsert'));
      const missing = reply.missing?.length ? el('span', { class: 'missing' }, t('cardMissing', [reply.missing.join(', ')])) : null;
      button.addEventListener('click', async () => {
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
      replies.append(el('li', {}, el('p', {}, reply.text, missing), button));
    }

    const card = el('section', { class: 'card', 'data-severity': verdict.severity, 'aria-label': t('cardLabel') },
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
    root.append(card);
    return host;
  }

  S.card = Object.freeze({ TAG, render });
})();
