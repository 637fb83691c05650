//! `timeline`: messages by the time they were posted, in windows, with the spike detector's
//! state for each category.

use crate::args::{ingest_options, with_field_flags, Flags};
use crate::input::{self, Problems};
use crate::output::OutputFormat;
use sentinelle::ingest::{iso, Row};
use sentinelle::{Category, Engine, Message, SpikeDetector, SpikeState, TriageOptions, WindowReport};
use std::io::{self, BufWriter, Write};

pub fn timeline(args: &[String]) -> Result<bool, String> {
    let f = Flags::parse(args, &with_field_flags(&["window", "plan", "format", "input"]))?;
    let input = f.one_input()?;
    let time_field = f.get("time-field");
    let format = OutputFormat::from_flag(f.get("format"))?;
    let plan = crate::load_plan(f.get("plan"))?;
    let mut spike = plan.spike();
    if let Some(w) = f.get("window") {
        let m: u32 = w.parse().ok().filter(|m| *m > 0).ok_or_else(|| format!("--window {w}: a whole number of minutes, at least 1"))?;
        spike.window_ms = m as i64 * 60_000;
    }
    let mut detector = SpikeDetector::new(spike);
    let engine = Engine::new(plan);
    let options = sentinelle::ingest::Options { time_required: true, ..ingest_options(&f)? };
    let mut problems = Problems::default();
    let mut reports: Vec<WindowReport> = Vec::new();
    let opts = TriageOptions::default();
    let mut no_time = Vec::new();
    let mut sink = |rows: Vec<Row>| -> Result<(), String> {
        let (lines, batch): (Vec<(u64, bool)>, Vec<Message>) = rows.into_iter().map(|r| ((r.line, r.time.is_some()), r.message)).unzip();
        let verdicts = engine.triage_batch(&batch, &opts);
        for ((m, v), (line, has_time)) in batch.iter().zip(&verdicts).zip(lines) {
            // A time that cannot be read was reported as the row was read.
            let Some(t) = m.time else {
                if !has_time {
                    no_time.push(line);
                }
                continue;
            };
            let cats: Vec<Category> = v.categories.iter().map(|c| c.category).collect();
            detector.observe(t, &cats);
        }
        reports.extend(detector.take_closed());
        Ok(())
    };
    // Follower counts make severities, not counts per window.
    input::read(input, &options, &["reach", "replied"], &mut problems, &mut sink)?;
    for line in no_time {
        problems.report(line, format!("no {:?} value; row left out of the timeline", time_field.unwrap_or("time")));
    }
    reports.extend(detector.finish());
    let stats = detector.stats();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    write_reports(&mut out, format, &reports).map_err(|e| format!("cannot write output: {e}"))?;
    eprintln!(
        "{} messages observed; {} late (left out); {} forward and {} backward clock jumps",
        stats.observed, stats.late, stats.forward_jumps, stats.backward_jumps
    );
    if problems.count > 0 {
        eprintln!("{} row problem{} (see above)", problems.count, if problems.count == 1 { "" } else { "s" });
    }
    Ok(problems.count == 0)
}

fn write_reports(out: &mut impl Write, format: OutputFormat, reports: &[WindowReport]) -> io::Result<()> {
    match format {
        OutputFormat::Table => writeln!(out, "{:<20} {:<22} {:>6} {:>9} {:>7}  state", "window start (UTC)", "category", "count", "baseline", "ratio")?,
        OutputFormat::Csv => writeln!(out, "start,end,category,count,baseline,ratio,state")?,
        OutputFormat::Jsonl => {}
    }
    for r in reports {
        let cat = r.category.map_or("all", |c| c.as_str());
        let state = match r.state {
            SpikeState::Normal => "normal",
            SpikeState::Elevated => "elevated",
            SpikeState::Spike => "spike",
        };
        match format {
            OutputFormat::Jsonl => {
                serde_json::to_writer(&mut *out, &serde_json::json!({"start": iso(r.start), "end": iso(r.end), "category": cat, "count": r.count, "baseline": r.baseline, "ratio": r.ratio, "state": state}))?;
                writeln!(out)?;
            }
            OutputFormat::Csv => writeln!(out, "{},{},{},{},{},{},{}", iso(r.start), iso(r.end), cat, r.count, r.baseline, r.ratio, state)?,
            OutputFormat::Table => writeln!(out, "{:<20} {:<22} {:>6} {:>9.2} {:>7.2}  {}", iso(r.start), cat, r.count, r.baseline, r.ratio, state)?,
        }
    }
    out.flush()
}
