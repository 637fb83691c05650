//! One triage pass over the bench's messages, for callgrind: only `run` is worth counting, so
//! instruction counts compare the engine alone (not the loading of the data).
//!
//!     CARGO_PROFILE_RELEASE_DEBUG=1 CARGO_TARGET_DIR=target/prof cargo build --release --example profile
//!     valgrind --tool=callgrind --toggle-collect=profile::run target/prof/release/examples/profile model 2000
//!
//! `lex` runs the lexicons and rules only, `model` adds the learned model. With `fingerprint`
//! instead, prints a hash of every verdict, every normalised text (characters, spans, tokens) and
//! the exact bits of every model feature, head probability (listed and fast) and token
//! contribution over all of ../shared/data: two builds that print the same line compute the same.

mod common;

use common::texts;
use sentinelle::{Engine, Message, Plan, TriageOptions};

#[inline(never)]
fn run(engine: &Engine, batch: &[Message]) -> usize {
    engine.triage_batch(batch, &TriageOptions::default()).len()
}

struct Fnv(u64);
impl Fnv {
    fn eat(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x100000001b3);
        }
    }
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "model".into());
    if mode == "fingerprint" {
        let engine = Engine::with_default_plan();
        let model = engine.model().expect("model");
        let (mut fv, mut ff, mut fp, mut fn_) = (Fnv(0xcbf29ce484222325), Fnv(0xcbf29ce484222325), Fnv(0xcbf29ce484222325), Fnv(0xcbf29ce484222325));
        let all = texts(false);
        // One message per batch (the CLI's comparison covers batches).
        for t in &all {
            let v = engine.triage_batch(&[Message { text: t.clone(), ..Default::default() }], &TriageOptions::default());
            fv.eat(serde_json::to_string(&v).unwrap().as_bytes());
        }
        let mut scratch = sentinelle::internals::Scratch::default();
        for t in &all {
            let norm = sentinelle::internals::normalise(t);
            fn_.eat(&norm.original_len.to_le_bytes());
            for n in &norm.chars {
                fn_.eat(&(n.c as u32).to_le_bytes());
                fn_.eat(&n.src.to_le_bytes());
                fn_.eat(&n.end.to_le_bytes());
            }
            for tk in &norm.tokens {
                fn_.eat(format!("{:?} {} {} {:?} {} {} {} {}", norm.text_of(tk), tk.start, tk.end, tk.kind, tk.clause, tk.sentence_start, tk.clause_start, tk.quoted).as_bytes());
            }
            let tokens = &norm.tokens;
            let lex = engine.lexicon_scores(t);
            let f = sentinelle::internals::features_with_lexicon(&norm, model.bits, &lex);
            // Buffers kept from the previous text change nothing.
            let again = scratch.features(&norm, model.bits, &lex);
            assert!(again.group_ends == f.group_ends && again.items == f.items, "{t:?}");
            for x in &f.items {
                ff.eat(&x.index.to_le_bytes());
                ff.eat(&x.value.to_bits().to_le_bytes());
                ff.eat(&x.token.to_le_bytes());
            }
            for g in f.group_ends {
                ff.eat(&g.to_le_bytes());
            }
            let all_heads = vec![true; model.heads.len()];
            for p in model.probabilities(&f, &all_heads) {
                fp.eat(&p.unwrap().to_bits().to_le_bytes());
            }
            // And as triage computes them: without listing the character features.
            for p in model.score(&mut scratch, &norm, &lex, &all_heads) {
                fp.eat(&p.unwrap().to_bits().to_le_bytes());
            }
            for h in 0..model.heads.len() {
                for c in model.evidence(&scratch, h, tokens.len()) {
                    fp.eat(&c.to_bits().to_le_bytes());
                }
            }
        }
        println!("{} texts: verdicts {:016x} features {:016x} probabilities {:016x} normalised {:016x}", all.len(), fv.0, ff.0, fp.0, fn_.0);
        return;
    }
    let total: usize = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let texts = texts(true);
    let step = (texts.len() / total).max(1);
    let batch: Vec<Message> = texts.iter().step_by(step).take(total).map(|t| Message { text: t.clone(), ..Default::default() }).collect();
    let engine = match mode.as_str() {
        "lex" => Engine::with_model(Plan::default_plan(), None),
        _ => Engine::with_default_plan(),
    };
    println!("{} verdicts", run(&engine, &batch));
}
