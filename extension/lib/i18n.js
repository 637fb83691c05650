/*
 * User-visible strings. The catalogs are the extension's `_locales/<lang>/messages.json`; in the
 * extension they are read through `chrome.i18n.getMessage`, and the demo pages (which have no
 * `chrome.i18n`) load the same files through `fromCatalog`, so there is one set of strings.
 *
 * A "universal" script (see lib/messages.js): it adds `globalThis.Sentinelle.i18n`.
 */
(() => {
  'use strict';
  const S = (globalThis.Sentinelle ??= {});

  /**
   * A `getMessage(key, substitutions)` over a parsed messages.json, following Chrome's rules for
   * the subset we use: named `$PLACEHOLDER$`s whose content is `$1`…`$9`.
   */
  function fromCatalog(catalog) {
    return (key, subs = []) => {
      const entry = catalog[key];
      if (!entry) return '';
      const args = Array.isArray(subs) ? subs : [subs];
      const positional = (s) => s.replace(/\$(\d)/g, (_, n) => String(args[Number(n) - 1] ?? ''));
      return entry.message.replace(/\$([A-Za-z0-9_@]+)\$/g, (whole, name) => {
        const ph = entry.placeholders?.[name.toLowerCase()];
        return ph ? positional(ph.content) : whole;
      });
    };
  }

  /** The browser's own `getMessage`, when there is one. */
  function browserGetMessage() {
    return globalThis.chrome?.i18n?.getMessage ? (k, s) => globalThis.chrome.i18n.getMessage(k, s) : null;
  }

  /**
   * `t(key, subs)`: the string, or the key itself when it is missing, so a forgotten string shows
   * up on screen (and in tests) instead of an empty label.
   */
  function translator(getMessage) {
    return (key, subs) => getMessage(key, subs) || key;
  }

  /** Fills `data-i18n` (text), `data-i18n-placeholder`, `data-i18n-title` and `-aria-label`. */
  function apply(root, t) {
    for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
    for (const attr of ['placeholder', 'title', 'aria-label']) {
      const data = `data-i18n-${attr}`;
      for (const el of root.querySelectorAll(`[${data}]`)) el.setAttribute(attr, t(el.getAttribute(data)));
    }
  }

  /** "fr" for French browsers, otherwise "en": the two languages the plan and strings cover. */
  function uiLanguage() {
    const ui = globalThis.chrome?.i18n?.getUILanguage?.() || globalThis.navigator?.language || 'en';
    return ui.toLowerCase().startsWith('fr') ? 'fr' : 'en';
  }

  S.i18n = Object.freeze({ fromCatalog, browserGetMessage, translator, apply, uiLanguage });
})();
