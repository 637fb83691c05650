/*
 * The card for a selection ("Triage with Sentinelle" in the context menu): injected by the
 * background with the card's own scripts (lib/verdict.js, content/insert.js, content/card.js),
 * then called with the verdict. It shows the same card as a message's, open, just below the
 * selection, in its own shadow root (card.js), with Copy on each reply and Insert when an editor
 * was focused when the menu was used. Escape or a click elsewhere closes it.
 *
 * A "universal" script (see lib/messages.js): it adds `globalThis.Sentinelle.selection`.
 */
(() => {
  'use strict';
  const S = (globalThis.Sentinelle ??= {});
  const TAG = 'sentinelle-selection';
  const t = (key, subs) => chrome.i18n.getMessage(key, subs) || key;

  let current = null;
  function close() {
    current?.remove();
    current = null;
    document.removeEventListener('keydown', onKey, true);
    document.removeEventListener('pointerdown', onOutside, true);
  }
  const onKey = (e) => { if (e.key === 'Escape') close(); };
  const onOutside = (e) => { if (current && !e.composedPath().includes(current)) close(); };

  /** Where the selection is on the page (document coordinates), or the top left of the view. */
  function anchor() {
    const sel = document.getSelection();
    const r = sel && sel.rangeCount ? sel.getRangeAt(0).getBoundingClientRect() : null;
    // In a textarea the range is the box's; the box is still the right place.
    const box = r && (r.width || r.height) ? r : document.activeElement?.getBoundingClientRect?.();
    const left = Math.max(8, Math.min((box?.left ?? 16), window.innerWidth - 440));
    return { left: left + window.scrollX, top: (box?.bottom ?? 16) + window.scrollY + 6 };
  }

  /** `verdict`: the engine's answer for the selected text; `error`: why there is none. */
  function show(verdict, error) {
    close();
    const focused = document.activeElement;
    const editor = focused && S.insert.editorKind(focused) ? focused : null;
    const { left, top } = anchor();
    const host = document.createElement(S.card.TAG);
    host.setAttribute(`data-${TAG}`, '');
    host.style.cssText = `position:absolute;z-index:2147483647;left:${left}px;top:${top}px;width:420px;max-width:calc(100vw - 16px);` +
      'box-shadow:0 6px 24px rgba(0,0,0,.25);border-radius:6px';
    if (verdict) {
      S.card.render(host, verdict, { onInsert: editor ? (text) => S.insert.insertReply(editor, text) : null });
      S.card.toggle(host, true);
    } else {
      const root = host.attachShadow({ mode: 'open' });
      const p = document.createElement('p');
      p.style.cssText = 'margin:0;padding:8px;background:#fff;color:#b42318;font:13px system-ui,sans-serif;border:1px solid #b42318;border-radius:6px';
      p.textContent = t('selectionFailed', [String(error ?? '')]);
      root.append(p);
    }
    document.body.append(host);
    current = host;
    document.addEventListener('keydown', onKey, true);
    setTimeout(() => document.addEventListener('pointerdown', onOutside, true), 0);
    return host;
  }

  S.selection = Object.freeze({ show, close });
})();
