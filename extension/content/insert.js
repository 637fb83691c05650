/*
 * Putting a reply into the platform's reply box, the way each editor accepts it (measured in
 * Chromium 156 with each editor's real package; ARCHITECTURE.md, "Inserting a reply"):
 *
 *   textarea / input     execCommand('insertText'), else native value setter + `input` event
 *   Lexical, Draft.js    a synthetic `paste` carrying text/plain (insertText corrupts newlines)
 *   Quill                execCommand('insertText')
 *   plain contenteditable  insertText line by line with insertLineBreak between lines
 *
 * Every route is checked afterwards by reading the box back; when it did not take, or there is no
 * box, the reply goes to the clipboard and the caller says so: the text is never lost.
 *
 * After it lands, the reply's first unfilled placeholder (`[prénom de l'agent]`) is selected, so
 * the agent types over it. Each editor follows the DOM selection (`selectionchange`), so its own
 * state, and its own undo, see an ordinary selection.
 *
 * A "universal" script (see lib/messages.js): it adds `globalThis.Sentinelle.insert`.
 */
(() => {
  'use strict';
  const S = (globalThis.Sentinelle ??= {});

  /** Which kind of editor `el` is. */
  function editorKind(el) {
    if (el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement) return 'textarea';
    if (!el.isContentEditable) return null;
    if (el.closest('[data-lexical-editor="true"]')) return 'lexical';
    if (el.closest('.DraftEditor-root, .public-DraftEditor-content')) return 'draft';
    if (el.closest('.ql-editor')) return 'quill';
    return 'contenteditable';
  }

  /** The editable element itself when `el` wraps one (platforms often label the wrapper). */
  function editableIn(el) {
    if (!el) return null;
    if (editorKind(el)) return el;
    return el.querySelector('textarea, input[type="text"], [contenteditable="true"], [contenteditable=""]');
  }

  const visibleChars = (s) => s.replace(/\s+/g, '').length;
  const contentOf = (el) => (editorKind(el) === 'textarea' ? el.value : el.innerText ?? el.textContent);
  const nextFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));

  /** Caret at the end, unless the agent already placed it inside the box. */
  function placeCaret(el) {
    el.focus({ preventScroll: true });
    if (editorKind(el) === 'textarea') return;
    const sel = el.ownerDocument.getSelection();
    if (sel && sel.rangeCount && el.contains(sel.anchorNode)) return;
    sel?.selectAllChildren(el);
    sel?.collapseToEnd();
  }

  function intoTextarea(el, text) {
    if (el.ownerDocument.execCommand('insertText', false, text)) return;
    // React keeps its own copy of `value`; the prototype's setter bypasses it so React notices.
    const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    const setter = Object.getOwnPropertyDescriptor(proto, 'value').set;
    const [a, b] = [el.selectionStart ?? el.value.length, el.selectionEnd ?? el.value.length];
    setter.call(el, el.value.slice(0, a) + text + el.value.slice(b));
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function paste(el, text) {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }

  async function lineByLine(el, text) {
    const doc = el.ownerDocument;
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (i > 0) {
        doc.execCommand('insertLineBreak');
        await nextFrame(); // Draft.js-style editors reconcile between steps
      }
      if (lines[i]) doc.execCommand('insertText', false, lines[i]);
    }
  }

  /** The first unfilled placeholder of a reply (`[label]`, as the engine renders a variable
   * without a value), or null. */
  function firstPlaceholder(text) {
    return text.match(/\[[^[\]\n]{1,80}\]/)?.[0] ?? null;
  }

  /** Selects `placeholder` inside the text just inserted into `el` (`text`); false if not found. */
  function selectPlaceholder(el, text, placeholder) {
    if (editorKind(el) === 'textarea') {
      const end = el.selectionEnd ?? el.value.length;
      const from = Math.max(0, el.value.lastIndexOf(text, end) >= 0 ? el.value.lastIndexOf(text, end) : end - text.length);
      const at = el.value.indexOf(placeholder, from);
      if (at < 0) return false;
      el.setSelectionRange(at, at + placeholder.length);
      return true;
    }
    // The editor's text nodes, in order; newlines are elements (<br>, blocks), not text.
    const walker = el.ownerDocument.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const nodes = [];
    let flat = '';
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      nodes.push([n, flat.length]);
      flat += n.data;
    }
    const inserted = flat.lastIndexOf(text.replace(/\n/g, ''));
    const at = inserted >= 0 ? flat.indexOf(placeholder, inserted) : flat.lastIndexOf(placeholder);
    if (at < 0) return false;
    const locate = (i) => {
      for (let k = nodes.length - 1; k >= 0; k--) if (nodes[k][1] <= i) return [nodes[k][0], i - nodes[k][1]];
      return null;
    };
    const [startNode, startOffset] = locate(at);
    const [endNode, endOffset] = locate(at + placeholder.length - 1);
    const range = el.ownerDocument.createRange();
    range.setStart(startNode, startOffset);
    range.setEnd(endNode, endOffset + 1);
    const sel = el.ownerDocument.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    return true;
  }

  /** Whether the selection in `el` is exactly `placeholder`. */
  function selectionIs(el, placeholder) {
    if (editorKind(el) === 'textarea') return el.value.slice(el.selectionStart, el.selectionEnd) === placeholder;
    return el.ownerDocument.getSelection()?.toString() === placeholder;
  }

  /**
   * Inserts `text` into `box`. Resolves `{ok: true, how}` when the box now holds it, otherwise
   * `{ok: false, copied}` after trying the clipboard (`copied`: whether that worked).
   */
  async function insertReply(box, text) {
    const el = editableIn(box);
    const kind = el && editorKind(el);
    if (kind) {
      const before = visibleChars(contentOf(el));
      try {
        placeCaret(el);
        if (kind === 'textarea') intoTextarea(el, text);
        else if (kind === 'lexical' || kind === 'draft') paste(el, text);
        else if (kind === 'quill') el.ownerDocument.execCommand('insertText', false, text);
        else await lineByLine(el, text);
        await nextFrame();
        if (visibleChars(contentOf(el)) >= before + visibleChars(text)) {
          const placeholder = firstPlaceholder(text);
          let selected = placeholder ? selectPlaceholder(el, text, placeholder) : false;
          if (selected) {
            await nextFrame(); // the editor reads the new selection
            // A page that re-renders its box after the input events may have moved the caret
            // back to the end: select again, once.
            if (!selectionIs(el, placeholder)) {
              selected = selectPlaceholder(el, text, placeholder);
              await nextFrame();
            }
          }
          return selected ? { ok: true, how: kind, selected: placeholder } : { ok: true, how: kind };
        }
      } catch (e) {
        console.warn('sentinelle: insertion failed, copying instead', e);
      }
    }
    return { ok: false, copied: await copy(text) };
  }

  /** Copies through the async clipboard, then the older copy command. */
  async function copy(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      const area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.cssText = 'position:fixed;top:0;left:0;opacity:0;pointer-events:none';
      document.body.append(area);
      area.select();
      try {
        return document.execCommand('copy');
      } finally {
        area.remove();
      }
    }
  }

  S.insert = Object.freeze({ editorKind, editableIn, insertReply, copy, firstPlaceholder });
})();
