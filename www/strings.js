// The demo pages' strings, the way triage.js loads them: the extension's own catalog
// (/_locales/<lang>/messages.json, served by scripts/serve.mjs) overlaid with this page's
// (locales/<lang>.json), in the browser's language (French or English), through lib/i18n.js.
import '/lib/i18n.js';

const { i18n } = globalThis.Sentinelle;
let loading = null;

/** The page's translator `t(key, subs)`, loaded once (a missing catalog leaves the keys showing). */
export function strings() {
  loading ??= (async () => {
    const lang = i18n.uiLanguage();
    const [ext, page] = await Promise.all(
      [`/_locales/${lang}/messages.json`, `locales/${lang}.json`].map((u) => fetch(u).then((r) => (r.ok ? r.json() : {})).catch(() => ({}))),
    );
    document.documentElement.lang = lang;
    return i18n.translator(i18n.fromCatalog({ ...ext, ...page }));
  })();
  return loading;
}

/** Fills the `data-i18n*` attributes under `root`; resolves the translator. */
export async function localise(root) {
  const t = await strings();
  i18n.apply(root, t);
  return t;
}
