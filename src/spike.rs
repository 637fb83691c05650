//! Spike detection: "a spike of angry messages is the classic sign" of a crisis.
//!
//! Fed with timestamped verdicts (no text), it counts messages per fixed window, per category and
//! overall, and compares each window with a baseline learned from the windows before it (an
//! exponential moving average over about `baseline_windows` windows). A window is `elevated` when
//! its count reaches `elevated_ratio` × the baseline and `spike` at `spike_ratio` ×, and never below
//! `min_count` messages, so that three messages on a quiet night are not a crisis.
//!
//! Real streams are messy:
//! - **Out of order.** Windows stay open for `max_lateness` after the newest message; a message
//!   inside that delay still counts in its own window. Later ones are counted as `late` and left out.
//! - **Clock jumps.** A message more than `max_gap` ahead of the newest is a jump: the windows
//!   skipped are *not* taken as silence (the baseline would collapse and every next window would be
//!   a spike). A run of messages far *behind* the newest is a clock set back: the detector
//!   re-anchors on them instead of dropping everything that follows.
//!
//! A host that can be stopped between batches (the extension's service worker: the browser stops
//! it whenever it likes) keeps the detector's memory as a [`SpikeSnapshot`] and restores it, so a
//! spike does not end because the host slept.

use crate::taxonomy::Category;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Index of the "all messages" counter, after the categories.
/// Counts per window: one per category, then the count of all messages.
const ALL: usize = Category::COUNT;
const COUNTS: usize = Category::COUNT + 1;
/// Messages in a row far behind the newest before the detector believes the clock was set back.
const BACKWARD_JUMP_RUN: u32 = 5;

/// How unusual a window is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpikeState {
    Normal,
    Elevated,
    Spike,
}

/// The numbers behind a state, for one window and one category (or all messages).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowReport {
    /// Window start and end, ms since the epoch.
    pub start: f64,
    pub end: f64,
    /// `None` for all messages together.
    pub category: Option<Category>,
    pub count: u32,
    /// Expected messages per window, learned from the windows before.
    pub baseline: f32,
    /// count / max(baseline, 1).
    pub ratio: f32,
    pub state: SpikeState,
}

/// Counters that explain what the detector did with odd input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpikeStats {
    pub observed: u64,
    /// Too late to count (behind the newest by more than the allowed lateness).
    pub late: u64,
    /// Forward clock jumps (gaps not taken as silence).
    pub forward_jumps: u64,
    /// Backward clock jumps the detector re-anchored on.
    pub backward_jumps: u64,
}

/// Spike detection settings, in the engine's units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpikeConfig {
    pub window_ms: i64,
    pub baseline_windows: u32,
    pub min_count: u32,
    pub elevated_ratio: f32,
    pub spike_ratio: f32,
    pub max_lateness_ms: i64,
    pub max_gap_ms: i64,
}

#[derive(Debug, Clone)]
pub struct SpikeDetector {
    cfg: SpikeConfig,
    open: BTreeMap<i64, [u32; COUNTS]>,
    baseline: [f32; COUNTS],
    /// Windows that have fed the baseline, capped at `baseline_windows`.
    learned: u32,
    newest: Option<i64>,
    /// Index of the last window closed (or skipped over by a jump).
    closed_to: Option<i64>,
    far_behind: Vec<(i64, Vec<Category>)>,
    closed: Vec<WindowReport>,
    stats: SpikeStats,
}

impl SpikeDetector {
    pub fn new(cfg: SpikeConfig) -> SpikeDetector {
        SpikeDetector {
            cfg,
            open: BTreeMap::new(),
            baseline: [0.0; COUNTS],
            learned: 0,
            newest: None,
            closed_to: None,
            far_behind: Vec::new(),
            closed: Vec::new(),
            stats: SpikeStats::default(),
        }
    }

    pub fn stats(&self) -> SpikeStats {
        self.stats
    }

    /// Counts one message posted at `time_ms` carrying `categories` (each counted once).
    pub fn observe(&mut self, time_ms: f64, categories: &[Category]) {
        self.stats.observed += 1;
        if !time_ms.is_finite() {
            self.stats.late += 1;
            return;
        }
        let t = time_ms as i64;
        let newest = *self.newest.get_or_insert(t);
        if t > newest {
            self.drop_far_behind();
            if t - newest > self.cfg.max_gap_ms {
                // Forward jump: close what is open, and skip the gap without learning silence.
                self.stats.forward_jumps += 1;
                self.close_until(i64::MAX, false);
                self.closed_to = Some(self.window_of(t) - 1);
            }
            self.newest = Some(t);
            self.close_until(t - self.cfg.max_lateness_ms, true);
        } else if newest - t > self.cfg.max_gap_ms {
            self.far_behind.push((t, categories.to_vec()));
            if self.far_behind.len() as u32 >= BACKWARD_JUMP_RUN {
                // The clock was set back: re-anchor on the new times and count the run.
                self.stats.backward_jumps += 1;
                self.close_until(i64::MAX, false);
                let run = std::mem::take(&mut self.far_behind);
                let first = run.iter().map(|r| r.0).min().unwrap_or(t);
                self.closed_to = Some(self.window_of(first) - 1);
                self.newest = Some(run.iter().map(|r| r.0).max().unwrap_or(t));
                for (rt, rc) in run {
                    self.count(rt, &rc);
                }
            }
            return;
        } else if newest - t > self.cfg.max_lateness_ms {
            self.drop_far_behind();
            self.stats.late += 1;
            return;
        } else {
            self.drop_far_behind();
        }
        self.count(t, categories);
    }

    /// A run of far-behind messages that ended before it made a backward jump: they were late.
    fn drop_far_behind(&mut self) {
        self.stats.late += self.far_behind.len() as u64;
        self.far_behind.clear();
    }

    fn count(&mut self, t: i64, categories: &[Category]) {
        let w = self.window_of(t);
        if self.closed_to.is_some_and(|c| w <= c) {
            self.stats.late += 1;
            return;
        }
        let counts = self.open.entry(w).or_insert([0; COUNTS]);
        counts[ALL] += 1;
        let mut seen = [false; Category::COUNT];
        for c in categories {
            if !seen[c.index()] {
                seen[c.index()] = true;
                counts[c.index()] += 1;
            }
        }
    }

    fn window_of(&self, t: i64) -> i64 {
        t.div_euclid(self.cfg.window_ms)
    }

    /// Closes every window that ends at or before `t` (every open one for `i64::MAX`), reporting
    /// and learning from each; the empty windows between count as silence only when `silence`.
    fn close_until(&mut self, t: i64, silence: bool) {
        let end = if t == i64::MAX {
            match self.open.keys().next_back() {
                Some(&k) => k,
                None => return,
            }
        } else {
            self.window_of(t) - 1
        };
        let mut next = match (self.closed_to, self.open.keys().next()) {
            (Some(c), _) => c + 1,
            (None, Some(&k)) => k,
            (None, None) => return,
        };
        // Bounded: without a jump, the distance is at most max_gap plus lateness.
        while next <= end {
            let counts = self.open.remove(&next).unwrap_or([0; COUNTS]);
            self.report(next, &counts);
            if counts[ALL] > 0 || silence {
                self.learn(&counts);
            }
            self.closed_to = Some(next);
            next = if silence { next + 1 } else { self.open.keys().next().map_or(end + 1, |&k| k.max(next + 1)) };
        }
    }

    fn state(&self, count: u32, baseline: f32) -> (f32, SpikeState) {
        let ratio = count as f32 / baseline.max(1.0);
        let state = if count < self.cfg.min_count.max(1) {
            SpikeState::Normal
        } else if ratio >= self.cfg.spike_ratio {
            SpikeState::Spike
        } else if ratio >= self.cfg.elevated_ratio {
            SpikeState::Elevated
        } else {
            SpikeState::Normal
        };
        (ratio, state)
    }

    /// Window `w`'s numbers for counter `i` (a category, or all messages), against the baseline now.
    fn window_report(&self, w: i64, i: usize, count: u32) -> WindowReport {
        let (ratio, state) = self.state(count, self.baseline[i]);
        WindowReport {
            start: (w * self.cfg.window_ms) as f64,
            end: ((w + 1) * self.cfg.window_ms) as f64,
            category: if i == ALL { None } else { Some(Category::ALL[i]) },
            count,
            baseline: round2(self.baseline[i]),
            ratio: round2(ratio),
            state,
        }
    }

    fn report(&mut self, w: i64, counts: &[u32; COUNTS]) {
        for i in (0..COUNTS).filter(|&i| counts[i] > 0) {
            let r = self.window_report(w, i, counts[i]);
            self.closed.push(r);
        }
    }

    fn learn(&mut self, counts: &[u32; COUNTS]) {
        self.learned = (self.learned + 1).min(self.cfg.baseline_windows);
        // While the history is short, a plain running mean; then an EMA over baseline_windows.
        let alpha = 1.0 / self.learned.max(1) as f32;
        let alpha = alpha.max(2.0 / (self.cfg.baseline_windows as f32 + 1.0));
        for (b, c) in self.baseline.iter_mut().zip(counts) {
            *b += alpha * (*c as f32 - *b);
        }
    }

    /// Reports of the windows closed since the last call, oldest first.
    pub fn take_closed(&mut self) -> Vec<WindowReport> {
        std::mem::take(&mut self.closed)
    }

    /// Closes every open window (end of a file) and returns all reports not yet taken.
    pub fn finish(&mut self) -> Vec<WindowReport> {
        self.drop_far_behind();
        self.close_until(i64::MAX, true);
        self.take_closed()
    }

    /// The live state of the newest window, per category and overall, against the current
    /// baseline: what the extension shows while messages arrive.
    pub fn current(&self) -> Vec<WindowReport> {
        let Some(n) = self.newest else { return Vec::new() };
        let w = self.window_of(n);
        let counts = self.open.get(&w).copied().unwrap_or([0; COUNTS]);
        (0..COUNTS).filter(|&i| counts[i] > 0).map(|i| self.window_report(w, i, counts[i])).collect()
    }

    /// Categories whose newest window is a spike, for [`crate::TriageOptions::spiking`].
    pub fn spiking(&self) -> Vec<Category> {
        self.current().into_iter().filter(|r| r.state == SpikeState::Spike).filter_map(|r| r.category).collect()
    }
}

/// The format [`SpikeSnapshot`] writes; a snapshot of another format is refused, not guessed at.
const SNAPSHOT_FORMAT: u32 = 1;

/// Everything a [`SpikeDetector`] has counted and learned, as plain data (serde, `camelCase`): the
/// open windows' counts, the baseline, the newest time, the counters. Counts and times only —
/// the detector never sees text. Counters are keyed by category name, not by position, so a
/// snapshot cannot shift onto other categories; the settings travel with it, so it is never
/// restored into a detector that windows or thresholds differently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SpikeSnapshot {
    format: u32,
    settings: SpikeConfig,
    open: Vec<OpenWindow>,
    baseline: Counters<f32>,
    learned: u32,
    newest: Option<i64>,
    closed_to: Option<i64>,
    far_behind: Vec<(i64, Vec<Category>)>,
    closed: Vec<WindowReport>,
    stats: SpikeStats,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct OpenWindow {
    /// The window's index: its start is `window × window_ms`.
    window: i64,
    counts: Counters<u32>,
}

/// One counter per category (zero ones left out) and the count of all messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Counters<T> {
    all: T,
    categories: BTreeMap<Category, T>,
}

impl<T: Copy + Default + PartialEq> Counters<T> {
    fn from_table(table: &[T; COUNTS]) -> Counters<T> {
        let categories = Category::ALL.iter().filter(|c| table[c.index()] != T::default()).map(|&c| (c, table[c.index()])).collect();
        Counters { all: table[ALL], categories }
    }

    fn to_table(&self) -> [T; COUNTS] {
        let mut table = [T::default(); COUNTS];
        for (c, &v) in &self.categories {
            table[c.index()] = v;
        }
        table[ALL] = self.all;
        table
    }
}

impl SpikeDetector {
    /// The detector's state, to restore with [`SpikeDetector::restore`] in another process.
    pub fn snapshot(&self) -> SpikeSnapshot {
        SpikeSnapshot {
            format: SNAPSHOT_FORMAT,
            settings: self.cfg,
            open: self.open.iter().map(|(&window, counts)| OpenWindow { window, counts: Counters::from_table(counts) }).collect(),
            baseline: Counters::from_table(&self.baseline),
            learned: self.learned,
            newest: self.newest,
            closed_to: self.closed_to,
            far_behind: self.far_behind.clone(),
            closed: self.closed.clone(),
            stats: self.stats,
        }
    }

    /// The detector a [`SpikeDetector::snapshot`] was taken of, for settings `cfg`. It then reports
    /// exactly what the original would have. Refused (and the caller starts afresh) when the
    /// snapshot is of another format or was taken under other settings: a baseline learned over
    /// ten-minute windows means nothing over five-minute ones.
    pub fn restore(cfg: SpikeConfig, snapshot: SpikeSnapshot) -> crate::Result<SpikeDetector> {
        if snapshot.format != SNAPSHOT_FORMAT {
            return Err(crate::Error::invalid(format!("spike snapshot: format {} (this engine reads {SNAPSHOT_FORMAT})", snapshot.format)));
        }
        if snapshot.settings != cfg {
            return Err(crate::Error::invalid("spike snapshot: taken under other spike settings (the plan changed)"));
        }
        if snapshot.learned > cfg.baseline_windows {
            return Err(crate::Error::invalid("spike snapshot: more windows learned than the baseline holds"));
        }
        Ok(SpikeDetector {
            cfg,
            open: snapshot.open.iter().map(|w| (w.window, w.counts.to_table())).collect(),
            baseline: snapshot.baseline.to_table(),
            learned: snapshot.learned,
            newest: snapshot.newest,
            closed_to: snapshot.closed_to,
            far_behind: snapshot.far_behind,
            closed: snapshot.closed,
            stats: snapshot.stats,
        })
    }
}

fn round2(x: f32) -> f32 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> SpikeConfig {
        SpikeConfig {
            window_ms: 10 * 60_000,
            baseline_windows: 12,
            min_count: 5,
            elevated_ratio: 2.0,
            spike_ratio: 4.0,
            max_lateness_ms: 20 * 60_000,
            max_gap_ms: 6 * 3_600_000,
        }
    }

    const MIN: f64 = 60_000.0;
    const C: Category = Category::Complaint;

    fn states(reports: &[WindowReport], cat: Option<Category>) -> Vec<(u32, SpikeState)> {
        reports.iter().filter(|r| r.category == cat).map(|r| (r.count, r.state)).collect()
    }

    #[test]
    fn a_quiet_day_stays_normal() {
        let mut d = SpikeDetector::new(cfg());
        // two complaints every 10 minutes for a day
        for i in 0..(6 * 24 * 2) {
            d.observe(i as f64 * 5.0 * MIN, &[C]);
        }
        let r = d.finish();
        assert!(r.iter().all(|r| r.state == SpikeState::Normal), "{:?}", r.iter().find(|r| r.state != SpikeState::Normal));
        assert_eq!(d.stats().late, 0);
    }

    #[test]
    fn a_sudden_burst_is_a_spike() {
        let mut d = SpikeDetector::new(cfg());
        for i in 0..60 {
            d.observe(i as f64 * 10.0 * MIN, &[C]); // one per window for 10 hours
        }
        let t0 = 600.0 * MIN;
        for i in 0..30 {
            d.observe(t0 + i as f64 * 10_000.0, &[Category::DefamationRisk, C]);
        }
        assert!(d.spiking().contains(&Category::DefamationRisk));
        let r = d.finish();
        let last = r.iter().rfind(|r| r.category.is_none()).unwrap();
        assert_eq!((last.count, last.state), (30, SpikeState::Spike));
        assert!(last.baseline > 0.9 && last.baseline < 1.1, "{}", last.baseline);
    }

    #[test]
    fn a_slow_rise_is_learned_not_a_spike() {
        let mut d = SpikeDetector::new(cfg());
        let mut t = 0.0;
        for w in 0..100u32 {
            let n = 2 + w / 10; // +1 per window every 100 minutes
            for k in 0..n {
                d.observe(t + k as f64 * (10.0 * MIN / n as f64), &[C]);
            }
            t += 10.0 * MIN;
        }
        let r = d.finish();
        assert!(states(&r, Some(C)).iter().all(|s| s.1 != SpikeState::Spike));
    }

    #[test]
    fn out_of_order_within_lateness_counts_in_its_window() {
        let mut d = SpikeDetector::new(cfg());
        d.observe(25.0 * MIN, &[C]);
        d.observe(3.0 * MIN, &[C]); // 22 minutes late: beyond 20, dropped
        d.observe(12.0 * MIN, &[C]); // 13 minutes late: counted in window 1
        d.observe(28.0 * MIN, &[C]);
        let r = d.finish();
        assert_eq!(d.stats().late, 1);
        let all: Vec<(f64, u32)> = r.iter().filter(|r| r.category.is_none()).map(|r| (r.start / MIN, r.count)).collect();
        assert_eq!(all, vec![(10.0, 1), (20.0, 2)]);
    }

    #[test]
    fn clock_jumps_do_not_fake_or_hide_spikes() {
        let mut d = SpikeDetector::new(cfg());
        for i in 0..48 {
            for k in 0..3 {
                d.observe(i as f64 * 10.0 * MIN + k as f64 * MIN, &[C]);
            }
        }
        // The clock jumps a week ahead; the same rate goes on. No spike, baseline kept.
        let jump = 7.0 * 24.0 * 60.0 * MIN;
        for i in 0..12 {
            for k in 0..3 {
                d.observe(jump + i as f64 * 10.0 * MIN + k as f64 * MIN, &[C]);
            }
        }
        assert_eq!(d.stats().forward_jumps, 1);
        // Then back to the old time: after a short run it re-anchors rather than dropping all.
        for i in 0..12 {
            for k in 0..3 {
                d.observe(480.0 * MIN + i as f64 * 10.0 * MIN + k as f64 * MIN, &[C]);
            }
        }
        assert_eq!(d.stats().backward_jumps, 1);
        let r = d.finish();
        assert!(r.iter().all(|r| r.state == SpikeState::Normal), "{:?}", r.iter().find(|r| r.state != SpikeState::Normal));
        assert!(d.stats().late <= 4, "{:?}", d.stats());
        let counted: u32 = r.iter().filter(|r| r.category.is_none()).map(|r| r.count).sum();
        assert_eq!(counted as u64 + d.stats().late, 3 * (48 + 12 + 12));
    }

    /// A messy stream: a quiet start, a burst, late and out-of-order messages, a forward clock
    /// jump, then a clock set back (the backward-jump run straddles some split points).
    fn messy_stream() -> Vec<(f64, Vec<Category>)> {
        let mut out = Vec::new();
        for i in 0..40 {
            out.push((i as f64 * 7.0 * MIN, vec![C]));
        }
        let t0 = 280.0 * MIN;
        for i in 0..25 {
            out.push((t0 + i as f64 * 20_000.0, vec![Category::DefamationRisk, C]));
        }
        out.push((t0 - 15.0 * MIN, vec![Category::Abuse])); // late, still counted
        out.push((t0 - 60.0 * MIN, vec![Category::Abuse])); // too late
        let jump = t0 + 9.0 * 60.0 * MIN;
        for i in 0..10 {
            out.push((jump + i as f64 * 3.0 * MIN, vec![Category::Threat]));
        }
        for i in 0..8 {
            out.push((t0 + i as f64 * MIN, vec![C])); // the clock set back
        }
        out
    }

    fn through_json(d: &SpikeDetector) -> SpikeDetector {
        let json = serde_json::to_string(&d.snapshot()).unwrap();
        let snapshot: SpikeSnapshot = serde_json::from_str(&json).unwrap();
        assert_eq!(snapshot, d.snapshot(), "the snapshot survives JSON exactly");
        SpikeDetector::restore(cfg(), snapshot).unwrap()
    }

    #[test]
    fn a_restored_detector_reports_what_an_uninterrupted_one_does() {
        let stream = messy_stream();
        let mut whole = SpikeDetector::new(cfg());
        let mut whole_taken = Vec::new();
        let mut whole_live = Vec::new();
        for (t, c) in &stream {
            whole.observe(*t, c);
            whole_taken.extend(whole.take_closed());
            whole_live.push((whole.current(), whole.spiking()));
        }
        whole_taken.extend(whole.finish());
        assert!(whole_taken.iter().any(|r| r.state == SpikeState::Spike), "the stream has a spike to keep");
        assert_eq!((whole.stats().forward_jumps, whole.stats().backward_jumps), (1, 1), "{:?}", whole.stats());
        // Restarted before every message (the worst a host can do), and once, at every point.
        for every in [true, false] {
            for split in 0..=stream.len() {
                let mut d = SpikeDetector::new(cfg());
                let mut taken = Vec::new();
                let mut live = Vec::new();
                for (i, (t, c)) in stream.iter().enumerate() {
                    if every || i == split {
                        d = through_json(&d);
                    }
                    d.observe(*t, c);
                    taken.extend(d.take_closed());
                    live.push((d.current(), d.spiking()));
                }
                taken.extend(d.finish());
                assert_eq!(taken, whole_taken, "closed windows, restarted at {split} (every: {every})");
                assert_eq!(live, whole_live, "live state, restarted at {split} (every: {every})");
                assert_eq!(d.stats(), whole.stats());
                if every {
                    break;
                }
            }
        }
    }

    #[test]
    fn reports_not_yet_taken_survive_a_restore() {
        let mut d = SpikeDetector::new(cfg());
        for i in 0..5 {
            d.observe(i as f64 * 10.0 * MIN, &[C]);
        }
        let mut restored = through_json(&d);
        assert_eq!(restored.take_closed(), d.take_closed());
    }

    #[test]
    fn a_snapshot_is_refused_under_other_settings_or_another_format() {
        let mut d = SpikeDetector::new(cfg());
        d.observe(0.0, &[C]);
        let other = SpikeConfig { window_ms: 5 * 60_000, ..cfg() };
        let e = SpikeDetector::restore(other, d.snapshot()).unwrap_err();
        assert!(e.to_string().contains("other spike settings"), "{e}");
        let mut json: serde_json::Value = serde_json::to_value(d.snapshot()).unwrap();
        json["format"] = 99.into();
        let e = SpikeDetector::restore(cfg(), serde_json::from_value(json).unwrap()).unwrap_err();
        assert!(e.to_string().contains("format 99"), "{e}");
        // An unknown category name is not read as another one.
        let mut json: serde_json::Value = serde_json::to_value(d.snapshot()).unwrap();
        json["open"][0]["counts"]["categories"] = serde_json::json!({ "no_such_category": 1 });
        assert!(serde_json::from_value::<SpikeSnapshot>(json).is_err());
    }

    #[test]
    fn a_snapshot_names_its_counters_and_holds_no_text() {
        let mut d = SpikeDetector::new(cfg());
        d.observe(0.0, &[Category::DefamationRisk]);
        let json = serde_json::to_string(&d.snapshot()).unwrap();
        assert!(json.contains(r#""categories":{"defamation_risk":1}"#), "{json}");
    }
}
