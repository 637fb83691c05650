//! Native triage speed on real texts from ../shared/data cut or padded to 200 characters, with
//! and without the learned model. Prints numbers, and checks the answer it times: one verdict per
//! message, each the verdict the message gets alone (so a faster batch path cannot be a wrong one).
//!
//!     cargo run --release --example bench [MESSAGES=20000]

mod common;

use sentinelle::{Engine, Message, Plan, TriageOptions};
use std::time::Instant;

fn main() {
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
