//! Normalisation: from hostile, creative social-media text to tokens that lexicons can match.
//!
//! A chain of small steps, each a function from a sequence of [`NChar`] to another. Every
//! normalised character remembers the index of the *original* character it came from, so a match
//! found in the normalised text always reports a span of the text the user actually sees.
//!
//! ```text
//! original ─▶ is_invisible ─▶ fold_one (NFKD, case, accents) ─▶ leetspeak ─▶ confusables
//!          ─▶ squeeze_repeats_in_place ─▶ emoji_signals ─▶ tokens (with clause and quotation marks)
//! ```
//!
//! The steps are for *matching*, not display: `ѕс4ммм` becomes `scam`, `nuuuul` becomes `nul`,
//! `😡` becomes the token `emoji_anger`.

mod steps;
mod tokens;

use steps::{confusables, emoji_signals, fold_one, is_invisible, leet, leetspeak, squeeze_repeats_in_place};
use tokens::{join_spelled_out, tokens_into};

/// One normalised character and the original characters it came from: `src..end`, in
/// characters (usually one; a squeezed run `mmm` → `m` covers all three).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NChar {
    pub c: char,
    pub src: u32,
    pub end: u32,
}

/// What kind of token a [`Token`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    /// An emoji mapped to a signal word such as `emoji_anger`.
    Emoji,
    /// `?` or `!`, kept because questions and exclamations are evidence.
    Punct,
}

/// A token of normalised text with its span in the original text, in characters. Its text is
/// bytes `at..at + len` of [`Normalised::canon`] ([`Normalised::text_of`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub at: u32,
    pub len: u32,
    pub start: u32,
    pub end: u32,
    pub kind: TokenKind,
    /// Index of the clause (text between `. , ; : ! ?`, quotes and line breaks) the token is in.
    pub clause: u32,
    /// Whether the token opens its sentence (first word after `. ! ?`, a line break or the start).
    pub sentence_start: bool,
    /// Whether the token opens its clause (first word after any clause boundary).
    pub clause_start: bool,
    /// Whether the token is inside quotation marks («…», “…”, "…").
    pub quoted: bool,
}

impl Token {
    /// The token's text in `canon`, the canonical string it was written into.
    fn text_in<'a>(&self, canon: &'a str) -> &'a str {
        &canon[self.at as usize..(self.at + self.len) as usize]
    }
}

/// The whole normalised form of a text.
#[derive(Debug, Clone)]
pub struct Normalised {
    pub chars: Vec<NChar>,
    pub tokens: Vec<Token>,
    /// The tokens' texts joined by single spaces, with a space at each end (` c est nul `): the
    /// one string the lexicons' automaton reads, the language guess and the model hash, and where
    /// every token's text lies.
    pub canon: String,
    /// Length of the original text in characters.
    pub original_len: u32,
}

impl Default for Normalised {
    fn default() -> Normalised {
        Normalised { chars: Vec::new(), tokens: Vec::new(), canon: " ".to_string(), original_len: 0 }
    }
}

impl Normalised {
    /// The normalised text as a string (for display and for the learned model's features).
    pub fn text(&self) -> String {
        self.chars.iter().map(|n| n.c).collect()
    }

    /// A token's text.
    pub fn text_of(&self, t: &Token) -> &str {
        t.text_in(&self.canon)
    }

    /// A token's text as bytes (without the check that a `str` slice makes of its ends).
    pub fn bytes_of(&self, t: &Token) -> &[u8] {
        &self.canon.as_bytes()[t.at as usize..(t.at + t.len) as usize]
    }

    /// Every token's text, in order.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.tokens.iter().map(|t| self.text_of(t))
    }
}

/// Runs every step on `text`. The same steps as the functions below, in that order, but the
/// first two in one pass, and the steps that can change nothing skipped: text that is ASCII after
/// folding has no confusables and no emoji.
pub fn normalise(text: &str) -> Normalised {
    let mut out = Normalised::default();
    normalise_into(text, &mut out);
    out
}

/// [`normalise`] into `out`, reusing its buffers (a batch keeps one).
pub fn normalise_into(text: &str, out: &mut Normalised) {
    let mut chars = std::mem::take(&mut out.chars);
    chars.clear();
    chars.reserve(text.len() + 2);
    let mut original_len = 0u32;
    let mut ascii = true;
    if text.is_ascii() {
        // Byte by byte: never invisible, and folding only lowers the case.
        chars.extend(text.bytes().enumerate().map(|(i, b)| NChar { c: b.to_ascii_lowercase() as char, src: i as u32, end: i as u32 + 1 }));
        original_len = text.len() as u32;
    } else {
        for (i, c) in text.chars().enumerate() {
            let i = i as u32;
            original_len = i + 1;
            let n = NChar { c, src: i, end: i + 1 };
            if c.is_ascii() {
                chars.push(NChar { c: c.to_ascii_lowercase(), ..n });
            } else if !is_invisible(c) {
                let before = chars.len();
                fold_one(n, &mut chars);
                ascii &= chars[before..].iter().all(|n| n.c.is_ascii());
            }
        }
    }
    // Leetspeak only writes ASCII letters (and has nothing to read in most texts); squeezing
    // only removes characters.
    if chars.iter().any(|n| leet(n.c).is_some()) {
        chars = leetspeak(chars);
    }
    if !ascii {
        chars = confusables(chars);
    }
    // Most texts have no character three times in a row: nothing to squeeze.
    if chars.windows(3).any(|w| w[0].c == w[1].c && w[1].c == w[2].c) {
        squeeze_repeats_in_place(&mut chars);
    }
    if !ascii {
        chars = emoji_signals(chars);
    }
    tokens_into(&chars, &mut out.tokens, &mut out.canon);
    join_spelled_out(&mut out.tokens, &mut out.canon, &chars);
    out.chars = chars;
    out.original_len = original_len;
}

/// Normalises a lexicon term the same way as message text, returning its tokens' texts.
pub fn term_tokens(term: &str) -> Vec<String> {
    normalise(term).texts().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        normalise(s).texts().map(str::to_string).collect()
    }

    #[test]
    fn steps_each_do_their_job() {
        let rows: &[(&str, &str, &[&str])] = &[
            ("case and accents", "C'EST NUL, Arnaque à l'Été", &["c", "est", "nul", "arnaque", "a", "l", "ete"]),
            ("zero width", "sc\u{200B}am", &["scam"]),
            ("full width", "ｓｃａｍ", &["scam"]),
            ("math bold", "𝐬𝐜𝐚𝐦", &["scam"]),
            ("cyrillic confusables", "ѕсаm", &["scam"]),
            ("real cyrillic untouched", "привет", &["привет"]),
            ("leet inside a word", "sc4m", &["scam"]),
            ("leet opening a word", "$cam 1diot", &["scam", "idiot"]),
            ("a look-alike after read as a letter first", "$à@ｆｕｌｌ", &["saafull"]),
            ("numbers stay numbers", "covid19 24h 2024 1st", &["covid19", "24h", "2024", "1st"]),
            ("mentions stay mentions", "@user", &["user"]),
            ("repeats", "nuuuul scaaaam cool", &["nul", "scam", "cool"]),
            ("emoji", "bravo😡👍", &["bravo", "emoji_anger", "emoji_positive"]),
            ("heart with variation selector", "❤️", &["emoji_love"]),
            ("questions", "why?!?", &["why", "?"]),
            ("spelled out", "s c a m, t.u.e.r et f-r-a-u-d", &["scam", "tuer", "et", "fraud"]),
            ("elisions are not spelled out", "l'a j'y", &["l", "a", "j", "y"]),
            ("ligature and eszett", "ﬁne Straße", &["fine", "strasse"]),
        ];
        for (name, input, want) in rows {
            assert_eq!(toks(input), want.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "{name}");
        }
    }

    #[test]
    fn spans_point_into_the_original() {
        let text = "Quelle ѕс4ммм 😡 !";
        let n = normalise(text);
        let orig: Vec<char> = text.chars().collect();
        let scam = &n.tokens[1];
        assert_eq!(n.text_of(scam), "scam");
        let s: String = orig[scam.start as usize..scam.end as usize].iter().collect();
        assert_eq!(s, "ѕс4ммм");
        let emoji = &n.tokens[2];
        let s: String = orig[emoji.start as usize..emoji.end as usize].iter().collect();
        assert_eq!(s, "😡");
    }

    #[test]
    fn quotes_and_clauses() {
        let n = normalise("Il a dit « arnaque » puis rien. \"scam");
        let q: Vec<_> = n.tokens.iter().map(|t| (n.text_of(t), t.quoted)).collect();
        assert_eq!(q, vec![("il", false), ("a", false), ("dit", false), ("arnaque", true), ("puis", false), ("rien", false), ("scam", false)]);
        assert!(n.tokens[6].sentence_start);
    }
}
