/*
 * Reading a verdict for display: the categories in the plan's order, evidence spans turned into
 * safe DOM (text nodes and <mark>, never HTML), and the reply-by deadline.
 *
 * Shared by the content script's cards and the demo's triage page (www/triage.js), so the two
 * show a verdict the same way. Needs lib/taxonomy.js loaded first. A "universal" script (see
 * lib/messages.js): it adds `globalThis.Sentinelle.verdict`.
 */
(() => {
  'use strict';
  const S = (globalThis.Sentinelle ??= {});

  // The engine's own lists (lib/taxonomy.js, generated from the wasm at build time), never retyped:
  // every category the engine scores, crisis risks first (the plan's order), severities, responses.
  if (!S.taxonomy) throw new Error('sentinelle: lib/taxonomy.js must load before lib/verdict.js (scripts/package.mjs generates it)');
  const { categories: CATEGORIES, severities: SEVERITIES, responses: RESPONSES, crisisRisk: CRISIS_RISK } = S.taxonomy;
  const crisisRisk = new Set(CRISIS_RISK);
  /** True for the plan's crisis-risk categories (the engine's list, not retyped). */
  const isCrisisRisk = (category) => crisisRisk.has(category);

  /**
   * Splits `text` into segments by the evidence spans. The engine counts offsets in Unicode code
   * points while JS strings index UTF-16 units, so slicing by `start`/`end` directly would cut
   * emoji and shift every later span: we index an array of code points instead. Overlapping
   * spans are merged. Returns `[{text, evidence: [...]|null}]` covering the whole text.
   */
  function segments(text, evidence) {
    const cps = Array.from(text);
    const spans = (evidence || [])
      .filter((e) => Number.isInteger(e.start) && Number.isInteger(e.end) && e.start < e.end && e.end <= cps.length)
      .slice()
      .sort((a, b) => a.start - b.start || b.end - a.end);
    const merged = [];
    for (const e of spans) {
      const last = merged[merged.length - 1];
      if (last && e.start < last.end) {
        last.end = Math.max(last.end, e.end);
        last.evidence.push(e);
      } else {
        merged.push({ start: e.start, end: e.end, evidence: [e] });
      }
    }
    const out = [];
    let at = 0;
    for (const m of merged) {
      if (m.start > at) out.push({ text: cps.slice(at, m.start).join(''), evidence: null });
      out.push({ text: cps.slice(m.start, m.end).join(''), evidence: m.evidence });
      at = m.end;
    }
    if (at < cps.length || out.length === 0) out.push({ text: cps.slice(at).join(''), evidence: null });
    return out;
  }

  /** `text` as a DocumentFragment with evidence in <mark> (title: the rule that fired). */
  function highlight(doc, text, evidence) {
    const frag = doc.createDocumentFragment();
    for (const seg of segments(text, evidence)) {
      if (!seg.evidence) {
        frag.append(doc.createTextNode(seg.text));
        continue;
      }
      const mark = doc.createElement('mark');
      mark.textContent = seg.text;
      mark.title = seg.evidence.map((e) => e.rule).join(', '); // the plan's own terms
      if (seg.evidence.some((e) => e.reported)) mark.dataset.reported = 'true'; // quoted: counted less
      frag.append(mark);
    }
    return frag;
  }

  /** Evidence of every flagged category, primary first, without repeats. */
  function allEvidence(verdict) {
    const seen = new Set();
    const out = [];
    for (const c of verdict.categories || []) {
      for (const e of c.evidence || []) {
        const key = `${e.start}:${e.end}`;
        if (!seen.has(key)) { seen.add(key); out.push({ ...e, category: c.category }); }
      }
    }
    return out;
  }

  /**
   * When to answer: `{minutes, by: Date|null, overdue}`. `by` exists when the message had a time.
   */
  function deadline(verdict, now = Date.now()) {
    const by = Number.isFinite(verdict.replyBy) ? new Date(verdict.replyBy) : null;
    return { minutes: verdict.replyWithinMinutes, by, overdue: by !== null && by.getTime() < now };
  }

  /**
   * The reply-by line the agent reads: `{text, overdue}`, in the words of `t` (a translator over
   * the extension's strings) with `formatTime(Date)` for the clock. The card and the triage page
   * both show it, each with its own clock format.
   */
  function deadlineLabel(verdict, t, formatTime, now = Date.now()) {
    const d = deadline(verdict, now);
    if (d.by) return { text: t(d.overdue ? 'cardOverdue' : 'cardReplyBy', [formatTime(d.by)]), overdue: d.overdue };
    return { text: t('cardReplyWithin', [String(d.minutes)]), overdue: false };
  }

  /**
   * `<li>`s "Name: n" for the counts of a tally (`{severity, category}`, as `tally` or the content
   * script's stats give), in the engine's order, leaving out zeros: `{severity: [li], category: [li]}`.
   * Each item carries its key in `data-key`. Shown by the popup and the triage page.
   */
  function countItems(doc, t, counts) {
    const items = (keys, byKey = {}, prefix) => keys.filter((k) => (byKey[k] ?? 0) > 0).map((k) => {
      const li = doc.createElement('li');
      li.textContent = `${t(prefix + k)}: ${byKey[k]}`;
      li.dataset.key = k;
      return li;
    });
    return { severity: items(SEVERITIES, counts.severity, 'severity_'), category: items(CATEGORIES, counts.category, 'category_') };
  }

  /** Counts per category (primary) and per severity over a list of verdicts. */
  function tally(verdicts) {
    const category = Object.fromEntries(CATEGORIES.map((c) => [c, 0]));
    const severity = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
    for (const v of verdicts) {
      if (v.primary in category) category[v.primary] += 1;
      if (v.severity in severity) severity[v.severity] += 1;
    }
    return { total: verdicts.length, category, severity };
  }

  S.verdict = Object.freeze({ CATEGORIES, SEVERITIES, RESPONSES, isCrisisRisk, segments, highlight, allEvidence, deadline, deadlineLabel, tally, countItems });
})();
