//! Native triage speed on real texts from ../shared/data cut or padded to 200 characters, with
//! and without the learned model. Prints numbers, and checks the answer it times: one verdict per
//! message, each the verdict the message gets alone (so a faster batch path cannot be a wrong one).
//!
//!     cargo run --release --example bench [MESSAGES=20000]
//!
//! With `--corpus FILE` (JSONL, `id` and `text`; what bench/run.mjs writes to target/bench/corpus.jsonl)
//! it times instead the triage alone, as `sentinelle triage` runs it but without reading, parsing
//! or writing: the corpus in the CLI's batches of 512 (a warm-up, then the median of 3), and each
//! message in a batch of its own for the p50, p99 and mean latency. Prints one JSON line for the harness, after the
//! same check of the answer.

mod common;

use sentinelle::{Engine, Message, Plan, TriageOptions};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).is_some_and(|a| a == "--corpus") {
        return corpus(args.get(2).expect("--corpus FILE"));
    }
    let total: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let texts = common::texts(true);
    let step = (texts.len() / total).max(1);
    let batch: Vec<Message> = texts.iter().step_by(step).take(total).map(|t| Message { text: t.clone(), ..Default::default() }).collect();
    for (name, engine) in [("lexicons and rules only", Engine::with_model(Plan::default_plan(), None)), ("with the learned model", Engine::with_default_plan())] {
        engine.triage_batch(&batch[..1000.min(batch.len())], &TriageOptions::default()); // warm-up
        let mut runs: Vec<f64> = (0..3)
            .map(|_| {
                let s = Instant::now();
                let v = engine.triage_batch(&batch, &TriageOptions::default());
                assert_eq!(v.len(), batch.len());
                s.elapsed().as_secs_f64() * 1e6 / batch.len() as f64
            })
            .collect();
        runs.sort_by(f64::total_cmp);
        let verdicts = engine.triage_batch(&batch, &TriageOptions::default());
        let checked = (0..batch.len()).step_by(97).filter(|&i| {
            let alone = engine.triage_one(&batch[i], i, &TriageOptions::default());
            assert_eq!(verdicts[i], alone, "message {i}: the batch's verdict differs from the verdict it gets alone");
            true
        });
        let checked = checked.count();
        println!("{name}: median {:.1} µs per 200-character message ({} messages; best {:.1}, worst {:.1}); answer checked on {checked} messages", runs[1], batch.len(), runs[0], runs[2]);
        let (hits, misses) = engine.word_cache_stats();
        if hits + misses > 0 {
            println!("  distinct words of a message found in the model's word cache: {:.1} %", 100.0 * hits as f64 / (hits + misses) as f64);
        }
    }
}

/// The CLI's batch (src/bin/sentinelle/input.rs): one batch of the whole corpus would time the
/// allocation of tens of thousands of live verdicts, which the CLI never holds.
const CLI_BATCH: usize = 512;

fn corpus(path: &str) {
    let batch: Vec<Message> = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("a JSON object per line");
            Message { id: v["id"].as_str().map(String::from), text: v["text"].as_str().expect("a text").to_string(), ..Default::default() }
        })
        .collect();
    let bytes: usize = batch.iter().map(|m| m.text.len()).sum();
    let engine = Engine::with_default_plan();
    let opts = TriageOptions::default();
    engine.triage_batch(&batch[..1000.min(batch.len())], &opts); // warm-up
    let mut runs: Vec<f64> = (0..3)
        .map(|_| {
            let s = Instant::now();
            let n: usize = batch.chunks(CLI_BATCH).map(|chunk| engine.triage_batch(chunk, &opts).len()).sum();
            assert_eq!(n, batch.len());
            s.elapsed().as_secs_f64()
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    // Latency: each message alone, in the order of the corpus (the engine's caches warm, as in a stream).
    let mut each: Vec<f64> = batch
        .iter()
        .map(|m| {
            let s = Instant::now();
            let v = engine.triage_batch(std::slice::from_ref(m), &opts);
            let t = s.elapsed().as_secs_f64() * 1e6;
            assert_eq!(v.len(), 1);
            t
        })
        .collect();
    each.sort_by(f64::total_cmp);
    let pct = |p: f64| each[((each.len() as f64 * p) as usize).min(each.len() - 1)];
    // The answer: one verdict per message with its id, in order, and every 97th the verdict it gets alone.
    let verdicts = engine.triage_batch(&batch, &opts);
    for (m, v) in batch.iter().zip(&verdicts) {
        assert_eq!(m.id.as_deref(), Some(v.id.as_str()), "the verdicts are not in the corpus's order");
    }
    let mut checked = 0;
    for i in (0..batch.len()).step_by(97) {
        assert_eq!(verdicts[i], engine.triage_one(&batch[i], i, &opts), "message {i}: the batch's verdict differs from the verdict it gets alone");
        checked += 1;
    }
    println!(
        "{}",
        serde_json::json!({ "messages": batch.len(), "bytes": bytes, "ms": runs[1] * 1e3, "p50_us": pct(0.50), "p99_us": pct(0.99), "mean_us": each.iter().sum::<f64>() / each.len() as f64, "checked": checked })
    );
}
