//! Properties that must hold for any input, hostile or strange.

use proptest::prelude::*;
use sentinelle::internals::normalise;
use sentinelle::{Engine, Message, TriageOptions};
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(Engine::with_default_plan)
}

/// Text that looks like what pages throw at us: words, leetspeak, emoji, accents, invisible and
/// combining characters, quotes, punctuation, other scripts.
fn social_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z]{1,8}",
        "[àéèçêîôûœÀÉ]{1,3}",
        Just("sc4m".to_string()),
        Just("ѕсаm".to_string()),
        Just("\u{200B}".to_string()),
        Just("e\u{0301}".to_string()),
        Just("😡".to_string()),
        Just("❤️".to_string()),
        Just("👨‍👩‍👧".to_string()),
        Just("« ".to_string()),
        Just(" »".to_string()),
        Just("\"".to_string()),
        Just("?!".to_string()),
        Just("...".to_string()),
        Just("ｆｕｌｌ".to_string()),
        Just("ﬁ".to_string()),
        Just("ß".to_string()),
        Just("İ".to_string()),
        Just("s c a m".to_string()),
        "[0-9@$!]{1,3}",
        "\\PC{1,4}",
        Just(" ".to_string()),
        Just("\n".to_string()),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn normalisation_keeps_offsets_in_bounds_and_ordered(text in social_text()) {
        let n = normalise(&text);
        let len = text.chars().count() as u32;
        prop_assert_eq!(n.original_len, len);
        let mut prev_start = 0;
        for t in &n.tokens {
            prop_assert!(t.start < t.end && t.end <= len, "{:?} out of 0..{}", t, len);
            prop_assert!(t.start >= prev_start);
            prev_start = t.start;
            prop_assert!(!n.text_of(t).is_empty());
        }
        for c in &n.chars {
            prop_assert!(c.src < c.end && c.end <= len);
        }
        // The canonical string is exactly the tokens' texts, one space around each: what the
        // lexicons' automaton and the token lookup by byte offset rely on.
        let texts: Vec<&str> = n.texts().collect();
        let canon = if texts.is_empty() { " ".to_string() } else { format!(" {} ", texts.join(" ")) };
        prop_assert_eq!(&n.canon, &canon);
        prop_assert!(n.tokens.windows(2).all(|w| w[0].at + w[0].len + 1 == w[1].at));
    }

    #[test]
    fn triage_is_total_deterministic_and_evidence_is_the_text(text in social_text()) {
        let msg = Message { id: Some("p".into()), text: text.clone(), ..Default::default() };
        let a = engine().triage_one(&msg, 0, &TriageOptions::default());
        let b = engine().triage_one(&msg, 0, &TriageOptions::default());
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(a.scores.len(), 12);
        for s in a.scores.values() {
            prop_assert!((0.0..=1.0).contains(s));
        }
        let chars: Vec<char> = text.chars().collect();
        for c in &a.categories {
            for e in &c.evidence {
                let at: String = chars[e.start as usize..e.end as usize].iter().collect();
                prop_assert_eq!(&at, &e.text);
            }
        }
        prop_assert!(!a.replies.is_empty());
    }
}

#[test]
fn huge_and_degenerate_texts_are_handled() {
    let cases = [
        "a".repeat(5_000_000),
        "😡".repeat(100_000),
        "\u{0301}".repeat(50_000),
        "s c a m ".repeat(10_000),
        "?".repeat(100_000),
        String::new(),
        " \n\t ".into(),
    ];
    let batch: Vec<Message> = cases.iter().map(|t| Message { text: t.clone(), ..Default::default() }).collect();
    let verdicts = engine().triage_batch(&batch, &TriageOptions::default());
    assert_eq!(verdicts.len(), cases.len());
    assert!(verdicts[0].warnings.iter().any(|w| w.contains("only the first")));
    assert!(verdicts[5].warnings.iter().any(|w| w == "empty text"));
}
