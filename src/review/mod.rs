//! The post-crisis review: the plan's "evaluate and adjust" step, from what was triaged.
//!
//! ```text
//!   verdicts (+ time, reply time) ──add──┐
//!   incident log (counts per window) ──add_log──┴─▶ Collected ──review()──▶ Review (numbers)
//!                                                                           └─▶ svg::charts
//! ```
//!
//! The review holds numbers and the plan's own terms, never a message's text: the extension's
//! incident log has no text either, and both give the same report. The spike windows are the
//! plan's own detector run again over the messages in time order, so the report marks the windows
//! the extension would have.

pub mod svg;

use crate::ingest::parse_time;
use crate::{Category, Lang, Plan, Response, Severity, SpikeConfig, SpikeDetector, SpikeState, Verdict};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Bucket widths the timeline picks from, in minutes: the smallest that keeps it within
/// [`MAX_BUCKETS`] columns.
const BUCKET_MINUTES: [i64; 12] = [1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 10080];
/// Columns on the timeline: enough to see a crisis build up, few enough to read on one page.
pub const MAX_BUCKETS: usize = 72;
/// Terms listed per category, and terms listed to adjust.
const TOP_TERMS: usize = 6;
const TOP_ROUTINE_TERMS: usize = 10;
/// A term must have fired this often on messages that ended routine to be worth adjusting.
const MIN_ROUTINE_FIRINGS: u32 = 2;
/// The most messages an incident log may count: far above what one browser triages (the log
/// keeps a week of ten-minute windows), and low enough that re-running the spike detector over
/// them stays quick. A larger count is a damaged or forged file, refused with a sentence.
pub const MAX_LOG_MESSAGES: u64 = 5_000_000;

/// One message as the review keeps it: no text.
#[derive(Debug, Clone)]
struct Seen {
    /// NaN when the export gave no time.
    time: f64,
    primary: Category,
    severity: Severity,
    response: Response,
    lang: Lang,
    /// Flagged categories, one bit each by [`Category::index`].
    flagged: u16,
    replied: f64,
    reply_by: f64,
    /// Plan terms that fired: indices into `Collected::terms`, with the category they fired for.
    fired: Vec<(u32, Category)>,
}

/// One window of the extension's incident log: counts per category, no text.
#[derive(Debug, Clone, Deserialize)]
pub struct LogWindow {
    /// ISO 8601, as the extension writes it.
    pub start: String,
    pub minutes: u32,
    pub counts: BTreeMap<String, u32>,
}

/// Crisis mode turned on or off, from the incident log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrisisSwitch {
    pub on: bool,
    /// ms since the epoch (the log writes ISO 8601).
    #[serde(deserialize_with = "iso_or_ms")]
    pub time: f64,
}

fn iso_or_ms<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum T {
        Ms(f64),
        Text(String),
    }
    match T::deserialize(d)? {
        T::Ms(ms) => Ok(ms),
        T::Text(s) => parse_time(&s).ok_or_else(|| serde::de::Error::custom(format!("{s:?} is not a time"))),
    }
}

/// The extension's incident log (the popup's export): `{kind: "sentinelle-incident-log",
/// version: 1, plan, exported, windows: [{start, minutes, counts}], crisis: [{on, time}]}`.
#[derive(Debug, Clone, Deserialize)]
pub struct IncidentLog {
    pub kind: String,
    pub version: u32,
    #[serde(default)]
    pub plan: Option<String>,
    pub windows: Vec<LogWindow>,
    #[serde(default)]
    pub crisis: Vec<CrisisSwitch>,
}

impl IncidentLog {
    /// Reads the popup's export, with a sentence for anything else.
    pub fn from_json(json: &str) -> crate::Result<IncidentLog> {
        let log: IncidentLog = serde_json::from_str(json).map_err(|e| crate::Error::invalid(format!("not a Sentinelle incident log: {e}")))?;
        if log.kind != "sentinelle-incident-log" {
            return Err(crate::Error::invalid(format!("not a Sentinelle incident log (its kind is {:?})", log.kind)));
        }
        if log.version != 1 {
            return Err(crate::Error::invalid(format!("incident log version {} is newer than this engine reads (1)", log.version)));
        }
        Ok(log)
    }
}

/// Where a review's numbers come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Verdicts: every section.
    Verdicts,
    /// The extension's incident log: counts and times per category only.
    IncidentLog,
}

/// Collects what the review needs as messages are triaged; [`Collected::review`] may be asked
/// any number of times (after the agent marks more messages routine, say).
#[derive(Debug, Clone)]
pub struct Collected {
    spike: SpikeConfig,
    /// Per category and language: does the plan have a reply template?
    has_template: [[bool; 2]; Category::COUNT],
    plan: String,
    seen: Vec<Seen>,
    terms: Vec<String>,
    term_ids: HashMap<String, u32>,
    /// Incident-log windows: (start ms, width ms, counts per category).
    windows: Vec<(f64, f64, [u32; Category::COUNT])>,
    crisis: Vec<CrisisSwitch>,
    /// Rows the agent marked routine (indices in the order added).
    marked: Vec<bool>,
}

impl Collected {
    pub fn new(plan: &Plan) -> Collected {
        let mut has_template = [[false; 2]; Category::COUNT];
        for c in Category::ALL {
            for (li, l) in Lang::ALL.iter().enumerate().take(2) {
                has_template[c.index()][li] = !plan.template_ids(*c, *l).is_empty();
            }
        }
        Collected {
            spike: plan.spike(),
            has_template,
            plan: plan.document().name.clone(),
            seen: Vec::new(),
            terms: Vec::new(),
            term_ids: HashMap::new(),
            windows: Vec::new(),
            crisis: Vec::new(),
            marked: Vec::new(),
        }
    }

    /// Messages added so far.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty() && self.windows.is_empty()
    }

    /// One triaged message: its time and reply time when the export had them (ms since the epoch).
    pub fn add(&mut self, time: Option<f64>, replied: Option<f64>, v: &Verdict) {
        let mut flagged = 0u16;
        let mut fired = Vec::new();
        for c in &v.categories {
            flagged |= 1 << c.category.index();
            for e in &c.evidence {
                let next = self.terms.len() as u32;
                let id = *self.term_ids.entry(e.rule.clone()).or_insert_with(|| {
                    self.terms.push(e.rule.clone());
                    next
                });
                if !fired.contains(&(id, c.category)) {
                    fired.push((id, c.category));
                }
            }
        }
        let finite = |t: Option<f64>| t.filter(|t| t.is_finite()).unwrap_or(f64::NAN);
        self.seen.push(Seen {
            time: finite(time),
            primary: v.primary,
            severity: v.severity,
            response: v.response,
            lang: v.lang,
            flagged,
            replied: finite(replied),
            reply_by: finite(v.reply_by),
            fired,
        });
        self.marked.push(false);
    }

    /// The agent's own reading: the message added `index`-th (from 0) was routine after all.
    /// An index past the messages is an error, not ignored.
    pub fn mark_routine(&mut self, index: usize, routine: bool) -> crate::Result<()> {
        let n = self.marked.len();
        let slot = self.marked.get_mut(index).ok_or_else(|| crate::Error::invalid(format!("message {index} is not in the review ({n} messages)")))?;
        *slot = routine;
        Ok(())
    }

    /// The extension's incident log, instead of (or beside) verdicts.
    pub fn add_log(&mut self, log: &IncidentLog) -> crate::Result<()> {
        let mut total = self.windows.iter().flat_map(|w| w.2).map(u64::from).sum::<u64>();
        for (i, w) in log.windows.iter().enumerate() {
            let start = parse_time(&w.start).ok_or_else(|| crate::Error::invalid(format!("incident log window {}: {:?} is not a time", i + 1, w.start)))?;
            let mut counts = [0u32; Category::COUNT];
            for (name, n) in &w.counts {
                let c = Category::parse(name).ok_or_else(|| crate::Error::invalid(format!("incident log window {}: unknown category {name:?}", i + 1)))?;
                total += u64::from(*n);
                if total > MAX_LOG_MESSAGES {
                    return Err(crate::Error::invalid(format!(
                        "incident log window {}: more than {MAX_LOG_MESSAGES} messages in the log, more than Sentinelle ever logs (a damaged file?)",
                        i + 1
                    )));
                }
                counts[c.index()] += n;
            }
            self.windows.push((start, w.minutes.max(1) as f64 * 60_000.0, counts));
        }
        self.crisis.extend(log.crisis.iter().cloned());
        if let Some(p) = &log.plan {
            self.plan = p.clone();
        }
        Ok(())
    }

    /// The report's numbers.
    pub fn review(&self) -> Review {
        let source = if self.seen.is_empty() && !self.windows.is_empty() { Source::IncidentLog } else { Source::Verdicts };
        // Every timed unit the timeline counts: (time, per-category counts of primaries or flags).
        let mut timed: Vec<(f64, Category, u32)> = Vec::new();
        for s in &self.seen {
            if s.time.is_finite() {
                timed.push((s.time, s.primary, 1));
            }
        }
        for (start, _, counts) in &self.windows {
            for c in Category::ALL {
                if counts[c.index()] > 0 {
                    timed.push((*start, *c, counts[c.index()]));
                }
            }
        }
        timed.sort_by(|a, b| a.0.total_cmp(&b.0));

        let mut categories = BTreeMap::new();
        let mut flagged = BTreeMap::new();
        let mut matrix: BTreeMap<Category, [u32; 3]> = BTreeMap::new();
        let mut responses = BTreeMap::new();
        let mut languages = BTreeMap::new();
        let mut crisis_risk = 0u64;
        for s in &self.seen {
            *categories.entry(s.primary).or_insert(0u64) += 1;
            for c in Category::ALL {
                if s.flagged & (1 << c.index()) != 0 {
                    *flagged.entry(*c).or_insert(0u64) += 1;
                }
            }
            matrix.entry(s.primary).or_insert([0; 3])[s.severity as usize] += 1;
            *responses.entry(s.response).or_insert(0u64) += 1;
            *languages.entry(s.lang).or_insert(0u64) += 1;
            if s.flagged & crisis_risk_bits() != 0 || s.primary.is_crisis_risk() {
                crisis_risk += 1;
            }
        }
        let mut log_total = 0u64;
        for (_, _, counts) in &self.windows {
            for c in Category::ALL {
                let n = counts[c.index()] as u64;
                if n > 0 {
                    // The log counts a message in each category it flagged: flags, not primaries.
                    *flagged.entry(*c).or_insert(0) += n;
                    log_total += n;
                    if c.is_crisis_risk() {
                        crisis_risk += n;
                    }
                }
            }
        }
        let messages = self.seen.len() as u64 + log_total;
        let (timeline, bucket_ms) = buckets(&timed, &self.windows);
        let peak = timeline.iter().max_by_key(|b| b.total).filter(|b| b.total > 0).map(|b| Peak { start: b.start, end: b.start + bucket_ms as f64, count: b.total });
        Review {
            source,
            plan: self.plan.clone(),
            messages,
            timed: timed.iter().map(|t| t.2 as u64).sum(),
            from: timed.first().map(|t| t.0),
            to: timed.last().map(|t| t.0),
            bucket_minutes: bucket_ms / 60_000,
            timeline,
            peak,
            spikes: spikes(self.spike, &timed),
            categories,
            flagged,
            category_severity: matrix,
            responses,
            languages,
            crisis_risk: Share { count: crisis_risk, share: ratio(crisis_risk, messages) },
            terms: self.top_terms(),
            reply: self.reply_times(),
            adjust: Adjust { routine_terms: self.routine_terms(), no_template: self.no_template() },
            crisis_mode: self.crisis.clone(),
        }
    }

    fn top_terms(&self) -> BTreeMap<Category, Vec<TermCount>> {
        let mut counts: HashMap<(Category, u32), u32> = HashMap::new();
        for s in &self.seen {
            for &(t, c) in &s.fired {
                *counts.entry((c, t)).or_insert(0) += 1;
            }
        }
        let mut by_cat: BTreeMap<Category, Vec<TermCount>> = BTreeMap::new();
        for ((c, t), n) in counts {
            by_cat.entry(c).or_default().push(TermCount { term: self.terms[t as usize].clone(), category: c, count: n, fired: n });
        }
        for list in by_cat.values_mut() {
            list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.term.cmp(&b.term)));
            list.truncate(TOP_TERMS);
        }
        by_cat
    }

    /// Terms that fired most on messages that ended routine (the verdict's severity, or the
    /// agent's mark): the ones to narrow, negate or drop in the plan.
    fn routine_terms(&self) -> Vec<TermCount> {
        let mut fired: HashMap<(u32, Category), (u32, u32)> = HashMap::new();
        for (s, marked) in self.seen.iter().zip(&self.marked) {
            let routine = *marked || s.severity == Severity::Routine;
            // Questions and praise are routine by design: their terms ending routine is no news.
            for &(t, c) in s.fired.iter().filter(|(_, c)| !matches!(c, Category::Question | Category::Praise | Category::Other)) {
                let e = fired.entry((t, c)).or_insert((0, 0));
                e.1 += 1;
                if routine {
                    e.0 += 1;
                }
            }
        }
        let mut list: Vec<TermCount> = fired
            .into_iter()
            .filter(|(_, (routine, _))| *routine >= MIN_ROUTINE_FIRINGS)
            .map(|((t, c), (routine, all))| TermCount { term: self.terms[t as usize].clone(), category: c, count: routine, fired: all })
            .collect();
        list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.term.cmp(&b.term)));
        list.truncate(TOP_ROUTINE_TERMS);
        list
    }

    /// Categories messages came in under, in a language the plan has no reply template for.
    fn no_template(&self) -> Vec<Missing> {
        let mut missing: BTreeMap<(Category, Lang), u64> = BTreeMap::new();
        for s in &self.seen {
            let li = Lang::ALL.iter().position(|l| *l == s.lang).unwrap_or(0).min(1);
            if s.primary != Category::Other && !self.has_template[s.primary.index()][li] {
                *missing.entry((s.primary, s.lang)).or_insert(0) += 1;
            }
        }
        if self.seen.is_empty() {
            // The incident log has no languages: a category with no template in any.
            for (_, _, counts) in &self.windows {
                for c in Category::ALL {
                    if *c != Category::Other && counts[c.index()] > 0 && !self.has_template[c.index()].iter().any(|x| *x) {
                        *missing.entry((*c, Lang::Fr)).or_insert(0) += counts[c.index()] as u64;
                    }
                }
            }
        }
        missing.into_iter().map(|((category, lang), messages)| Missing { category, lang: (!self.seen.is_empty()).then_some(lang), messages }).collect()
    }

    fn reply_times(&self) -> Option<ReplyTimes> {
        let mut delays: Vec<f64> = Vec::new();
        let mut on_time = 0u64;
        let mut with_deadline = 0u64;
        for s in &self.seen {
            if s.replied.is_finite() && s.time.is_finite() && s.replied >= s.time {
                delays.push((s.replied - s.time) / 60_000.0);
                if s.reply_by.is_finite() {
                    with_deadline += 1;
                    if s.replied <= s.reply_by {
                        on_time += 1;
                    }
                }
            }
        }
        if delays.is_empty() {
            return None;
        }
        delays.sort_by(f64::total_cmp);
        let at = |q: f64| delays[((delays.len() - 1) as f64 * q).round() as usize];
        Some(ReplyTimes {
            answered: delays.len() as u64,
            median_minutes: round1(at(0.5)),
            p90_minutes: round1(at(0.9)),
            within_deadline: ratio(on_time, with_deadline),
        })
    }
}

fn crisis_risk_bits() -> u16 {
    Category::ALL.iter().filter(|c| c.is_crisis_risk()).fold(0, |b, c| b | 1 << c.index())
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        (a as f64 / b as f64 * 1000.0).round() / 1000.0
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The timeline's columns: counts per category per bucket, from the first time to the last
/// (empty buckets included, so silence shows as silence).
fn buckets(timed: &[(f64, Category, u32)], windows: &[(f64, f64, [u32; Category::COUNT])]) -> (Vec<Bucket>, i64) {
    let (Some(first), Some(last)) = (timed.first(), timed.last()) else { return (Vec::new(), 60_000) };
    let span = last.0 - first.0;
    // An incident log's buckets are never narrower than its windows.
    let floor = windows.iter().map(|w| w.1).fold(0.0, f64::max);
    let minutes = BUCKET_MINUTES
        .iter()
        .copied()
        .find(|m| (*m as f64 * 60_000.0) >= floor && span / (*m as f64 * 60_000.0) < MAX_BUCKETS as f64)
        .unwrap_or_else(|| {
            // Longer than ten weeks: whole weeks, as many as it takes to fit.
            let weeks = (span / (10080.0 * 60_000.0) / MAX_BUCKETS as f64).ceil() as i64;
            10080 * weeks.max(1)
        });
    let width = minutes * 60_000;
    let start = (first.0 as i64).div_euclid(width) * width;
    let n = ((last.0 as i64 - start) / width + 1) as usize;
    let mut out: Vec<Bucket> = (0..n).map(|i| Bucket { start: (start + i as i64 * width) as f64, counts: BTreeMap::new(), total: 0 }).collect();
    for &(t, c, k) in timed {
        let i = ((t as i64 - start) / width) as usize;
        let b = &mut out[i.min(n - 1)];
        *b.counts.entry(c).or_insert(0) += k;
        b.total += k;
    }
    (out, width)
}

/// The plan's detector over the timed messages, in time order; the windows it called a spike,
/// consecutive ones of a category joined.
fn spikes(cfg: SpikeConfig, timed: &[(f64, Category, u32)]) -> Vec<SpikeRun> {
    let mut detector = SpikeDetector::new(cfg);
    let mut reports = Vec::new();
    for &(t, c, k) in timed {
        let cats: &[Category] = if c == Category::Other { &[] } else { std::slice::from_ref(&c) };
        for _ in 0..k {
            detector.observe(t, cats);
        }
        reports.extend(detector.take_closed());
    }
    reports.extend(detector.finish());
    let mut runs: Vec<SpikeRun> = Vec::new();
    // The file's first window has no history to be compared with: its messages are how the day
    // started, not a spike (the live detector, which cannot know, may still call it one).
    let first_window = timed.first().map(|t| (t.0 as i64).div_euclid(cfg.window_ms) * cfg.window_ms);
    let mut spiking: Vec<_> = reports.into_iter().filter(|r| r.state == SpikeState::Spike && Some(r.start as i64) != first_window).collect();
    spiking.sort_by(|a, b| a.category.cmp(&b.category).then(a.start.total_cmp(&b.start)));
    for r in spiking {
        match runs.last_mut() {
            Some(last) if last.category == r.category && last.end >= r.start => {
                last.end = r.end;
                last.count += r.count;
                last.peak_ratio = last.peak_ratio.max(r.ratio);
            }
            _ => runs.push(SpikeRun { category: r.category, start: r.start, end: r.end, count: r.count, peak_ratio: r.ratio }),
        }
    }
    runs.sort_by(|a, b| a.start.total_cmp(&b.start).then(a.category.cmp(&b.category)));
    runs
}

/// The post-crisis report's numbers (`review()`), serialised for the page as camelCase JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Review {
    pub source: Source,
    pub plan: String,
    pub messages: u64,
    /// Messages with a time (on the timeline).
    pub timed: u64,
    pub from: Option<f64>,
    pub to: Option<f64>,
    pub bucket_minutes: i64,
    pub timeline: Vec<Bucket>,
    pub peak: Option<Peak>,
    pub spikes: Vec<SpikeRun>,
    /// Messages per primary category (verdicts only).
    pub categories: BTreeMap<Category, u64>,
    /// Messages flagging each category.
    pub flagged: BTreeMap<Category, u64>,
    /// Per primary category: routine, problem, crisis.
    pub category_severity: BTreeMap<Category, [u32; 3]>,
    pub responses: BTreeMap<Response, u64>,
    pub languages: BTreeMap<Lang, u64>,
    pub crisis_risk: Share,
    /// The plan's terms that drove each category, most frequent first.
    pub terms: BTreeMap<Category, Vec<TermCount>>,
    /// Where the export had reply times.
    pub reply: Option<ReplyTimes>,
    pub adjust: Adjust,
    pub crisis_mode: Vec<CrisisSwitch>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucket {
    pub start: f64,
    /// Messages per primary category (per flagged category for an incident log).
    pub counts: BTreeMap<Category, u32>,
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Peak {
    pub start: f64,
    pub end: f64,
    pub count: u32,
}

/// Consecutive spike windows of one category (`None`: all messages together).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpikeRun {
    pub category: Option<Category>,
    pub start: f64,
    pub end: f64,
    pub count: u32,
    /// The highest count / baseline of its windows.
    pub peak_ratio: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    pub count: u64,
    /// 0..1, to three decimals.
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermCount {
    /// As the plan writes it (`arnaqu*`), or `rule:<id>`.
    pub term: String,
    pub category: Category,
    /// How often it fired (for routine terms: on messages that ended routine)…
    pub count: u32,
    /// …out of how often it fired at all.
    pub fired: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplyTimes {
    pub answered: u64,
    pub median_minutes: f64,
    pub p90_minutes: f64,
    /// Share of the answered messages with a deadline that were answered by it.
    pub within_deadline: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Adjust {
    pub routine_terms: Vec<TermCount>,
    pub no_template: Vec<Missing>,
}

/// Messages of a category in a language the plan has no template for (`lang` is `None` for an
/// incident log, which has no languages: the category has no template at all).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Missing {
    pub category: Category,
    pub lang: Option<Lang>,
    pub messages: u64,
}

#[cfg(test)]
mod tests;
