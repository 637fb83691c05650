//! `sentinelle` — the command line over the same engine as the browser extension.
//!
//! ```text
//! sentinelle triage   [--plan FILE] [--format table|jsonl|csv] [--agent NAME] [--link URL]
//!                     [--input auto|csv|jsonl|json|lines] [--FIELD-field COLUMN]… FILE|-
//! sentinelle timeline [--time-field NAME] [--window MINUTES] [--plan FILE] [--format table|jsonl|csv] FILE|-
//! sentinelle plan default
//! sentinelle plan check FILE
//! sentinelle train … | sentinelle eval …
//! ```
//! Exit status: 0 all rows fine; 1 some rows had problems (reported on stderr with their line
//! number; every other row was still triaged); 2 the command could not run at all.
//!
//! ```text
//! main.rs      commands: triage, plan; dispatch
//! args.rs      flags and usage
//! input.rs     files and stdin → sentinelle::ingest, problems on stderr, progress
//! output.rs    verdicts as a table, CSV or JSON Lines
//! timeline.rs  the timeline command
//! eval.rs      train and eval, and their tables
//! ```

#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod args;
mod eval;
mod input;
mod output;
mod timeline;

use args::{ingest_options, with_field_flags, Flags, USAGE};
use input::{Problems, Progress};
use output::{OutputFormat, VerdictWriter};
use sentinelle::ingest::Row;
use sentinelle::{Engine, Message, Plan, TriageOptions};
use std::io::{self, BufWriter};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("triage") => triage(&args[1..]),
        Some("timeline") => timeline::timeline(&args[1..]),
        Some("plan") => plan(&args[1..]),
        Some("train") => eval::train_cmd(&args[1..]),
        Some("eval") => eval::eval_cmd(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(true)
        }
        Some("--version" | "-V") => {
            println!("sentinelle {}", sentinelle::VERSION);
            Ok(true)
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("sentinelle: {e}");
            ExitCode::from(2)
        }
    }
}

pub(crate) fn load_plan(path: Option<&str>) -> Result<Plan, String> {
    match path {
        None => Ok(Plan::default_plan()),
        Some(p) => {
            let json = std::fs::read_to_string(p).map_err(|e| format!("cannot read plan {p}: {e}"))?;
            Plan::from_json(&json).map_err(|e| format!("plan {p} is not valid, nothing was triaged.\n{e}"))
        }
    }
}

fn plan(args: &[String]) -> Result<bool, String> {
    match args {
        [cmd] if cmd == "default" => {
            print!("{}", sentinelle::DEFAULT_PLAN_JSON);
            Ok(true)
        }
        [cmd, file] if cmd == "check" => {
            let json = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
            match Plan::from_json(&json) {
                Ok(p) => {
                    println!(
                        "{file}: valid plan {:?} (version {}), {} templates, {} lexicon entries",
                        p.document().name,
                        p.document().version,
                        p.document().templates.len(),
                        p.document().categories.values().flat_map(|c| &c.terms).map(|t| t.terms.len()).sum::<usize>()
                    );
                    Ok(true)
                }
                Err(e) => {
                    eprint!("{file}: {e}");
                    Ok(false)
                }
            }
        }
        _ => Err("usage: sentinelle plan default | sentinelle plan check FILE".into()),
    }
}

fn triage(args: &[String]) -> Result<bool, String> {
    let f = Flags::parse(args, &with_field_flags(&["plan", "format", "agent", "link", "input"]))?;
    let input = f.one_input()?;
    let format = OutputFormat::from_flag(f.get("format"))?;
    let engine = Engine::new(load_plan(f.get("plan"))?);
    let mut opts = TriageOptions::default();
    opts.reply.agent = f.get("agent").map(String::from);
    opts.reply.link = f.get("link").map(String::from);
    let options = ingest_options(&f)?;
    let stdout = io::stdout();
    let mut out = VerdictWriter::new(format, BufWriter::new(stdout.lock()));
    let mut problems = Problems::default();
    let mut warned = Vec::new();
    let mut progress = Progress::new();
    let mut sink = |rows: Vec<Row>| -> Result<(), String> {
        // Each message has its id (else its line number) and its time, which gives the reply's
        // deadline (`replyBy`), from the reader.
        let (lines, batch): (Vec<u64>, Vec<Message>) = rows.into_iter().map(|r| (r.line, r.message)).unzip();
        let verdicts = engine.triage_batch(&batch, &opts);
        for ((m, v), line) in batch.iter().zip(&verdicts).zip(&lines) {
            for w in &v.warnings {
                warned.push((*line, w.clone()));
            }
            out.write(m, v).map_err(|e| format!("cannot write output: {e}"))?;
        }
        progress.add(batch.len());
        Ok(())
    };
    // Verdicts do not use when a message was answered: an unreadable reply time is no problem here.
    input::read(input, &options, &["replied"], &mut problems, &mut sink)?;
    out.finish().map_err(|e| format!("cannot write output: {e}"))?;
    progress.done();
    for (line, w) in warned {
        problems.report(line, w);
    }
    if problems.count > 0 {
        eprintln!("{} row problem{} (see above); the other rows were triaged", problems.count, if problems.count == 1 { "" } else { "s" });
    }
    Ok(problems.count == 0)
}
