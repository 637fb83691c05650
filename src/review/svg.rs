//! The review's charts as SVG, drawn here so the dashboard, the printed report and the command
//! line show the same picture from the same numbers.
//!
//! Text and axes are `currentColor`: an inline chart takes the page's colour, so it reads in the
//! light and dark themes and in print. Every label comes from [`Labels`] (the page's language)
//! and is escaped; the charts never hold a message's text.

use super::Review;
use crate::ingest::iso;
use crate::{Category, Lang, Response, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The words the charts show, in the reader's language; a missing one falls back to the
/// engine's name for it (`identity_attack`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Labels {
    pub categories: BTreeMap<String, String>,
    pub severities: BTreeMap<String, String>,
    pub responses: BTreeMap<String, String>,
    pub languages: BTreeMap<String, String>,
    /// Chart titles: `timeline`, `categorySeverity`, `responses`, `languages`; and `spike`,
    /// `peak`, `messages` for the marks.
    pub words: BTreeMap<String, String>,
    /// The reader's offset from UTC in minutes (east positive), for the time axis.
    pub utc_offset_minutes: i32,
    /// Day before month (`05/12`) unless `false`.
    pub day_first: Option<bool>,
}

impl Labels {
    fn word<'a>(&'a self, key: &'a str) -> &'a str {
        self.words.get(key).map_or(key, String::as_str)
    }
    fn category(&self, c: Category) -> &str {
        self.categories.get(c.as_str()).map_or(c.as_str(), String::as_str)
    }
    fn time(&self, ms: f64, with_day: bool, with_clock: bool) -> String {
        let s = iso(ms + self.utc_offset_minutes as f64 * 60_000.0);
        let (month, day, clock) = (&s[5..7], &s[8..10], &s[11..16]);
        let date = if self.day_first.unwrap_or(true) { format!("{day}/{month}") } else { format!("{month}/{day}") };
        match (with_day, with_clock) {
            (true, true) => format!("{date} {clock}"),
            (true, false) => date,
            _ => clock.to_string(),
        }
    }
}

/// The four charts, each a standalone `<svg>` element.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Charts {
    pub timeline: String,
    pub category_severity: String,
    pub responses: String,
    pub languages: String,
}

/// A fill per category: crisis risks in warm colours, ordinary messages in cool ones.
pub fn category_colour(c: Category) -> &'static str {
    match c {
        Category::IdentityAttack => "#d62728",
        Category::InsensitivityBacklash => "#f28e2b",
        Category::Misinformation => "#9467bd",
        Category::DefamationRisk => "#8c564b",
        Category::EmployeeMisconduct => "#e377c2",
        Category::SafetyIncident => "#e6b800",
        Category::Threat => "#7f0000",
        Category::Abuse => "#17becf",
        Category::Complaint => "#4e79a7",
        Category::Question => "#59a14f",
        Category::Praise => "#8fbce6",
        Category::Other => "#a0a0a0",
    }
}

fn severity_colour(s: Severity) -> &'static str {
    match s {
        Severity::Routine => "#59a14f",
        Severity::Problem => "#f28e2b",
        Severity::Crisis => "#d62728",
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not XML; a label never needs them.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

/// Width of a label in pixels at 12 px, near enough for layout (no font metrics here).
fn text_width(s: &str) -> f64 {
    s.chars().count() as f64 * 7.2
}

fn open(w: f64, h: f64, class: &str, title: &str, desc: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart {class}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" font-family=\"system-ui, sans-serif\" font-size=\"12\" fill=\"currentColor\"><title>{}</title><desc>{}</desc>",
        escape(title),
        escape(desc)
    )
}

/// A round step for about `ticks` gridlines up to `max`.
fn nice_step(max: f64, ticks: f64) -> f64 {
    let raw = (max / ticks).max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    mag * if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    }
}

/// Legend rows under a chart: a swatch and a label per entry, wrapped at `width`.
fn legend(out: &mut String, entries: &[(String, &str)], x0: f64, y0: f64, width: f64) -> f64 {
    let (mut x, mut y) = (x0, y0);
    for (label, colour) in entries {
        let w = 18.0 + text_width(label) + 14.0;
        if x + w > width && x > x0 {
            x = x0;
            y += 18.0;
        }
        let _ = write!(out, "<rect x=\"{x}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{colour}\"/><text x=\"{}\" y=\"{}\">{}</text>", y - 10.0, x + 16.0, y, escape(label));
        x += w;
    }
    y
}

/// Volume over time, stacked by category, with the spike windows shaded and the peak marked.
pub fn timeline(r: &Review, l: &Labels) -> String {
    let (w, top, plot_h, left, right) = (760.0, 28.0, 180.0, 48.0, 744.0);
    let cats: Vec<Category> = Category::ALL.iter().copied().filter(|c| r.timeline.iter().any(|b| b.counts.contains_key(c))).collect();
    let entries: Vec<(String, &str)> = cats.iter().map(|c| (l.category(*c).to_string(), category_colour(*c))).collect();
    let mut body = String::new();
    let legend_y = top + plot_h + 44.0;
    let last_legend = legend(&mut body, &entries, left, legend_y, right);
    let h = last_legend + 12.0;
    let desc = match &r.peak {
        Some(p) => format!("{} {}; {} {} {}", r.timed, l.word("messages"), l.word("peak"), l.time(p.start, true, true), p.count),
        None => format!("0 {}", l.word("messages")),
    };
    let mut s = open(w, h, "timeline", l.word("timeline"), &desc);
    let (Some(from), Some(_)) = (r.timeline.first().map(|b| b.start), r.timeline.last()) else {
        s.push_str(&body);
        s.push_str("</svg>");
        return s;
    };
    let width_ms = r.bucket_minutes as f64 * 60_000.0;
    let to = from + width_ms * r.timeline.len() as f64;
    let max = r.timeline.iter().map(|b| b.total).max().unwrap_or(0).max(1) as f64;
    let step = nice_step(max, 4.0);
    let y_max = (max / step).ceil() * step;
    let x = |t: f64| left + (t - from) / (to - from) * (right - left);
    let y = |n: f64| top + plot_h - n / y_max * plot_h;
    // Spike windows behind the columns.
    for run in &r.spikes {
        let colour = run.category.map_or("currentColor", category_colour);
        let (x0, x1) = (x(run.start.max(from)), x(run.end.min(to)));
        let _ = write!(
            s,
            "<rect class=\"spike\" x=\"{x0:.1}\" y=\"{top}\" width=\"{:.1}\" height=\"{plot_h}\" fill=\"{colour}\" fill-opacity=\"0.16\" stroke=\"{colour}\" stroke-dasharray=\"3 2\"><title>{} · {} · {}–{}</title></rect>",
            (x1 - x0).max(2.0),
            escape(l.word("spike")),
            escape(run.category.map_or(l.word("messages"), |c| l.category(c))),
            l.time(run.start, true, true),
            l.time(run.end, false, true)
        );
    }
    // Gridlines and the count axis.
    let mut n = 0.0;
    while n <= y_max + 0.5 {
        let _ = write!(s, "<line x1=\"{left}\" x2=\"{right}\" y1=\"{0:.1}\" y2=\"{0:.1}\" stroke=\"currentColor\" stroke-opacity=\"0.18\"/><text x=\"{1}\" y=\"{2:.1}\" text-anchor=\"end\">{3}</text>", y(n), left - 6.0, y(n) + 4.0, n);
        n += step;
    }
    // The columns, stacked in the plan's order (crisis risks at the bottom).
    let col_w = ((right - left) / r.timeline.len() as f64 - 1.0).max(0.5);
    for b in &r.timeline {
        let mut acc = 0.0;
        let x0 = x(b.start);
        if b.total > 0 {
            // The whole column, transparent, carries the tooltip: time and count.
            let _ = write!(s, "<rect class=\"column\" x=\"{x0:.1}\" y=\"{top}\" width=\"{col_w:.1}\" height=\"{plot_h}\" fill=\"transparent\"><title>{} · {}</title></rect>", l.time(b.start, true, true), b.total);
        }
        for c in &cats {
            let Some(&k) = b.counts.get(c) else { continue };
            let (y1, y0) = (y(acc + k as f64), y(acc));
            // No <title> a piece: hundreds of them would double the nodes the page lays out; the
            // column's total is in its own title below.
            let _ = write!(s, "<rect class=\"bar\" data-category=\"{}\" data-count=\"{k}\" x=\"{x0:.1}\" y=\"{y1:.1}\" width=\"{col_w:.1}\" height=\"{:.1}\" fill=\"{}\"/>", c.as_str(), (y0 - y1).max(0.0), category_colour(*c));
            acc += k as f64;
        }
    }
    // The peak.
    if let Some(p) = &r.peak {
        let px = x(p.start) + col_w / 2.0;
        let py = y(p.count as f64);
        // The label sits beside the mark, on the side with room.
        let (tx, anchor) = if px > (left + right) / 2.0 { (px - 8.0, "end") } else { (px + 8.0, "start") };
        let _ = write!(s, "<path class=\"peak\" d=\"M{:.1} {:.1} l-5 -8 h10 z\"/><text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" font-weight=\"600\">{} {}</text>", px, py - 2.0, (py - 2.0).max(top + 10.0), escape(l.word("peak")), p.count);
    }
    // Time axis: a few labels at bucket starts.
    let span_days = (to - from) / 86_400_000.0;
    let every = (r.timeline.len() as f64 / 6.0).ceil().max(1.0) as usize;
    let _ = write!(s, "<line x1=\"{left}\" x2=\"{right}\" y1=\"{0}\" y2=\"{0}\" stroke=\"currentColor\" stroke-opacity=\"0.5\"/>", top + plot_h);
    for (i, b) in r.timeline.iter().enumerate().step_by(every) {
        let label = l.time(b.start, span_days > 0.9 || i == 0, r.bucket_minutes < 1440);
        let _ = write!(s, "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>", x(b.start) + col_w / 2.0, top + plot_h + 16.0, escape(&label));
    }
    // Bucket width, so "a column" has a meaning.
    let _ = write!(s, "<text x=\"{}\" y=\"14\" fill-opacity=\"0.7\">{} / {} min</text>", left - 40.0, escape(l.word("messages")), r.bucket_minutes);
    s.push_str(&body);
    s.push_str("</svg>");
    s
}

/// Primary category × severity: a grid of counts, shaded by severity.
pub fn category_severity(r: &Review, l: &Labels) -> String {
    let rows: Vec<(&Category, &[u32; 3])> = r.category_severity.iter().collect();
    let label_w = rows.iter().map(|(c, _)| text_width(l.category(**c))).fold(80.0, f64::max) + 12.0;
    let (cell_w, cell_h, top) = (96.0, 22.0, 24.0);
    let w = label_w + cell_w * 3.0 + 8.0;
    let h = top + cell_h * rows.len().max(1) as f64 + 8.0;
    let total: u64 = rows.iter().flat_map(|(_, v)| v.iter()).map(|&n| n as u64).sum();
    let mut s = open(w, h, "category-severity", l.word("categorySeverity"), &format!("{total} {}", l.word("messages")));
    let max = rows.iter().flat_map(|(_, v)| v.iter()).copied().max().unwrap_or(0).max(1) as f64;
    for (j, sev) in Severity::ALL.iter().enumerate() {
        let name = l.severities.get(sev.as_str()).map_or(sev.as_str(), String::as_str);
        let _ = write!(s, "<text x=\"{:.1}\" y=\"16\" text-anchor=\"middle\" font-weight=\"600\">{}</text>", label_w + cell_w * (j as f64 + 0.5), escape(name));
    }
    for (i, (c, counts)) in rows.iter().enumerate() {
        let y0 = top + cell_h * i as f64;
        let _ = write!(s, "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>", label_w - 8.0, y0 + 15.0, escape(l.category(**c)));
        for (j, sev) in Severity::ALL.iter().enumerate() {
            let n = counts[j];
            let opacity = if n == 0 { 0.04 } else { 0.18 + 0.72 * (n as f64 / max) };
            let _ = write!(
                s,
                "<rect class=\"cell\" x=\"{:.1}\" y=\"{y0:.1}\" width=\"{}\" height=\"{}\" fill=\"{}\" fill-opacity=\"{opacity:.2}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{n}</text>",
                label_w + cell_w * j as f64 + 1.0,
                cell_w - 2.0,
                cell_h - 2.0,
                severity_colour(*sev),
                label_w + cell_w * (j as f64 + 0.5),
                y0 + 15.0
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars with their counts.
fn bars(class: &str, title: &str, rows: &[(String, u64, &str)], unit: &str) -> String {
    let label_w = rows.iter().map(|r| text_width(&r.0)).fold(60.0, f64::max) + 12.0;
    let (bar_max, row_h, top) = (240.0, 22.0, 8.0);
    let w = label_w + bar_max + 70.0;
    let h = top + row_h * rows.len().max(1) as f64 + 4.0;
    let total: u64 = rows.iter().map(|r| r.1).sum();
    let mut s = open(w, h, class, title, &format!("{total} {unit}"));
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f64;
    for (i, (label, n, colour)) in rows.iter().enumerate() {
        let y0 = top + row_h * i as f64;
        let len = (*n as f64 / max * bar_max).max(1.0);
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect class=\"bar\" x=\"{label_w}\" y=\"{:.1}\" width=\"{len:.1}\" height=\"{}\" fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{:.1}\">{n}</text>",
            label_w - 8.0,
            y0 + 15.0,
            escape(label),
            y0 + 3.0,
            row_h - 6.0,
            label_w + len + 6.0,
            y0 + 15.0
        );
    }
    s.push_str("</svg>");
    s
}

pub fn responses(r: &Review, l: &Labels) -> String {
    let colour = |x: Response| match x {
        Response::Escalate => "#d62728",
        Response::Moderate => "#9467bd",
        Response::ReplyPrivate => "#f28e2b",
        Response::Reply => "#4e79a7",
        Response::Monitor => "#a0a0a0",
    };
    let rows: Vec<(String, u64, &str)> = Response::ALL
        .iter()
        .filter_map(|x| r.responses.get(x).map(|n| (l.responses.get(x.as_str()).cloned().unwrap_or_else(|| x.as_str().into()), *n, colour(*x))))
        .collect();
    bars("responses", l.word("responses"), &rows, l.word("messages"))
}

pub fn languages(r: &Review, l: &Labels) -> String {
    let rows: Vec<(String, u64, &str)> = Lang::ALL
        .iter()
        .filter_map(|x| r.languages.get(x).map(|n| (l.languages.get(x.as_str()).cloned().unwrap_or_else(|| x.as_str().into()), *n, "#4e79a7")))
        .collect();
    bars("languages", l.word("languages"), &rows, l.word("messages"))
}

pub fn charts(r: &Review, l: &Labels) -> Charts {
    Charts { timeline: timeline(r, l), category_severity: category_severity(r, l), responses: responses(r, l), languages: languages(r, l) }
}
