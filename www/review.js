// The dashboard's charts and the post-crisis review report (the plan's "evaluate and adjust").
//
//   worker: Review (src/review) ──report(labels)──▶ {review: numbers, charts: four <svg> texts}
//     ─▶ showCharts: the four charts under the counts, redrawn as a run goes on
//     ─▶ showReview: a one-page report, printed (or saved as PDF) by the browser's own print
//
// The numbers and the charts are the engine's; this module only lays them out. The charts hold
// our own labels and numbers, never a message's text, and are parsed as SVG (not HTML) into the
// page, so they take the page's colours (light, dark, print).
import '/lib/i18n.js';
import '/lib/dom.js';

const { i18n, dom } = globalThis.Sentinelle;
const { el } = dom;

/** A translator for `lang`, from the extension's catalog and this page's. */
export async function translatorFor(lang) {
  const [ext, page] = await Promise.all(
    [`/_locales/${lang}/messages.json`, `locales/${lang}.json`].map((u) => fetch(u).then((r) => (r.ok ? r.json() : {}))),
  );
  return i18n.translator(i18n.fromCatalog({ ...ext, ...page }));
}

/** The chart labels (`crate::review::svg::Labels`) in the language `t` speaks. */
export function labelsFor(t, lang, taxonomy) {
  const names = (list, prefix) => Object.fromEntries(list.map((x) => [x, t(prefix + x)]));
  const languageName = new Intl.DisplayNames([lang], { type: 'language' });
  return {
    categories: names(taxonomy.categories, 'category_'),
    severities: names(taxonomy.severities, 'severity_'),
    responses: names(taxonomy.responses, 'response_'),
    languages: Object.fromEntries(taxonomy.langs.map((l) => [l, languageName.of(l)])),
    words: {
      timeline: t('reviewTimeline'), categorySeverity: t('reviewCategorySeverity'), responses: t('reviewResponses'),
      languages: t('reviewLanguages'), spike: t('reviewSpike'), peak: t('reviewPeak'), messages: t('reviewMessages'),
    },
    utcOffsetMinutes: -new Date().getTimezoneOffset(),
    dayFirst: lang !== 'en',
  };
}

/** An SVG chart from its text, as SVG nodes of this document (no HTML parser, no script). */
function svgNode(text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = doc.documentElement;
  if (root.nodeName !== 'svg') throw new Error('the engine drew an unreadable chart');
  return document.importNode(root, true);
}

const CHARTS = [['timeline', 'timeline'], ['categorySeverity', 'category-severity'], ['responses', 'responses'], ['languages', 'languages']];

function slotFor(container, name) {
  let slot = container.querySelector(`[data-chart="${name}"]`);
  if (!slot) {
    slot = el('figure', { class: 'chart-slot', 'data-chart': name });
    container.append(slot);
  }
  return slot;
}

/** Puts the report's charts into `container`'s `[data-chart=…]` slots (made when missing). */
export function showCharts(container, report) {
  for (const [key, name] of CHARTS) slotFor(container, name).replaceChildren(svgNode(report.charts[key]));
}

let pending = null;
/**
 * `showCharts` for a live page: one chart an animation frame, and only the newest report's, so
 * redrawing while a run goes on never makes one long task. Resolves when all four are in.
 */
export function showChartsPaced(container, report) {
  const job = { report };
  pending = job;
  return new Promise((resolve) => {
    let k = 0;
    const step = () => {
      if (pending !== job) return resolve(false);
      const [key, name] = CHARTS[k++];
      slotFor(container, name).replaceChildren(svgNode(report.charts[key]));
      if (k < CHARTS.length) requestAnimationFrame(step);
      else resolve(true);
    };
    requestAnimationFrame(step);
  });
}

/** The report, built into `section` in the language `t` speaks. */
export function showReview(section, report, t, lang) {
  const r = report.review;
  const dateTime = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  const clock = new Intl.DateTimeFormat(lang, { timeStyle: 'short' });
  const number = new Intl.NumberFormat(lang);
  const percent = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 });
  const when = (ms) => dateTime.format(new Date(ms));
  const category = (c) => (c ? t('category_' + c) : t('reviewAllMessages'));

  const figures = el('ul', { class: 'figures' },
    el('li', {}, el('strong', {}, number.format(r.messages)), ' ', t('reviewMessages')),
    el('li', {}, el('strong', {}, percent.format(r.crisisRisk.share)), ' ', t('reviewCrisisRisk'), ` (${number.format(r.crisisRisk.count)})`),
    r.peak ? el('li', {}, t('reviewPeakAt', [number.format(r.peak.count), when(r.peak.start)])) : null,
    el('li', {}, el('strong', {}, number.format(r.spikes.length)), ' ', t('reviewSpikes').toLowerCase()),
  );

  const spikes = r.spikes.length
    ? el('ul', { class: 'spikes' }, ...r.spikes.map((s) => el('li', {}, t('reviewSpikeRow', [category(s.category), when(s.start), clock.format(new Date(s.end)), number.format(s.count), s.peakRatio.toFixed(1)]))))
    : el('p', { class: 'muted' }, t('reviewNoSpike'));
  const crisis = r.crisisMode.length
    ? el('p', {}, t('reviewCrisisMode'), ': ', r.crisisMode.map((c) => t(c.on ? 'reviewCrisisOn' : 'reviewCrisisOff', [when(c.time)])).join(' · '))
    : null;

  // Categories: by primary for verdicts, by flag for the incident log (which has no primaries).
  const counts = r.source === 'incident_log' ? r.flagged : r.categories;
  const about = el('table', { class: 'about' },
    el('thead', {}, el('tr', {}, el('th', {}, t('reviewCategory')), el('th', {}, t('reviewCount')), el('th', {}, t('reviewTerms')))),
    el('tbody', {}, ...Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([c, n]) =>
      el('tr', { 'data-category': c }, el('td', {}, category(c)), el('td', { class: 'num' }, number.format(n)),
        el('td', { class: 'terms' }, (r.terms[c] ?? []).map((x) => `${x.term} (${number.format(x.count)})`).join(', '))))),
  );

  const reply = r.reply
    ? el('p', {}, t('reviewReplyFigures', [number.format(r.reply.answered), number.format(r.reply.medianMinutes), number.format(r.reply.p90Minutes), number.format(Math.round(r.reply.withinDeadline * 100))]))
    : el('p', { class: 'muted' }, t('reviewNoReplies'));

  const adjust = [];
  if (r.adjust.routineTerms.length) {
    adjust.push(el('p', {}, t('reviewRoutineTerms')),
      el('ul', { class: 'routine-terms' }, ...r.adjust.routineTerms.map((x) => el('li', {}, t('reviewRoutineTerm', [x.term, category(x.category), number.format(x.count), number.format(x.fired)])))));
  }
  if (r.adjust.noTemplate.length) {
    const languageName = new Intl.DisplayNames([lang], { type: 'language' });
    adjust.push(el('p', {}, t('reviewNoTemplate')),
      el('ul', { class: 'no-template' }, ...r.adjust.noTemplate.map((m) => el('li', {}, t('reviewNoTemplateRow', [category(m.category), m.lang ? languageName.of(m.lang) : t('reviewAnyLanguage'), number.format(m.messages)])))));
  }
  if (!adjust.length) adjust.push(el('p', { class: 'muted' }, t('reviewNothingToAdjust')));

  const charts = el('div', { class: 'review-charts' });
  showCharts(charts, report);
  const small = el('div', { class: 'small-charts' }, ...[...charts.children].slice(1));
  const timeline = r.timeline.length ? charts.firstElementChild : el('p', { class: 'muted' }, t('reviewNoTimes'));

  section.replaceChildren(...[
    el('header', {},
      el('h2', {}, t('reviewTitle')),
      el('p', { class: 'muted' }, t(r.source === 'incident_log' ? 'reviewFromLog' : 'reviewFromExport'), ' · ', t('reviewPlan', [r.plan]),
        r.from != null ? ` · ${t('reviewPeriod', [when(r.from), when(r.to)])}` : '')),
    figures,
    timeline,
    el('h3', {}, t('reviewSpikes')), spikes, crisis,
    el('h3', {}, t('reviewAbout')), about,
    r.source === 'incident_log' ? null : small,
    el('h3', {}, t('reviewReplies')), reply,
    el('h3', {}, t('reviewAdjust')), ...adjust,
    el('p', { class: 'muted generated' }, t('reviewGenerated', [when(Date.now())])),
  ].filter(Boolean));
  section.lang = lang;
  section.dataset.source = r.source;
}
