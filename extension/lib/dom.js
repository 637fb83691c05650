/*
 * Building our own UI from data, and checking a selector, the same way in every script that
 * needs to: the card, the picker, the options page's editors.
 *
 * `el(tag, attrs, ...children)`: `class` sets the class name, a name with a dash (`data-*`,
 * `aria-*`) is an attribute, anything else a property; children are nodes or strings (text
 * nodes: a page's text never becomes HTML), `null`/`undefined` skipped.
 *
 * A "universal" script (see lib/messages.js): it adds `globalThis.Sentinelle.dom`.
 */
(() => {
  'use strict';
  const S = (globalThis.Sentinelle ??= {});

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

  /** Whether the browser's own CSS parser accepts `selector` (no element is matched). */
  function selectorParses(selector) {
    try {
      document.createDocumentFragment().querySelector(selector);
      return true;
    } catch {
      return false;
    }
  }

  S.dom = Object.freeze({ el, selectorParses });
})();
