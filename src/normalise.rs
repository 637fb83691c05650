//! Normalisation: from hostile, creative social-media text to tokens that lexicons can match.
//!
//! A chain of small steps, each a function from a sequence of [`NChar`] to another. Every
//! normalised character remembers the index of the *original* character it came from, so a match
//! found in the normalised text always reports a span of the text the user actually sees.
//!
//! ```text
//! original ─▶ drop_invisible ─▶ fold (NFKD, case, accents) ─▶ leetspeak ─▶ confusables
//!          ─▶ squeeze_repeats ─▶ emoji_signals ─▶ tokens (with clause and quotation marks)
//! ```
//!
//! The steps are for *matching*, not display: `ѕс4ммм` becomes `scam`, `nuuuul` becomes `nul`,
//! `😡` becomes the token `emoji_anger`.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

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

/// Step 1: drop characters that are invisible on screen but break matching: zero-width spaces and
/// joiners, soft hyphens, bidirectional controls, variation selectors, the byte-order mark.
pub fn drop_invisible(input: Vec<NChar>) -> Vec<NChar> {
    input.into_iter().filter(|n| !is_invisible(n.c)).collect()
}

fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{E0100}'..='\u{E01EF}'
        | '\u{E0000}'..='\u{E007F}')
}

/// Step 2: Unicode compatibility decomposition (the "K" of NFKC: full-width letters, ligatures,
/// mathematical alphanumerics become plain letters), case folding, and accent folding (combining
/// marks are dropped, so `é` matches `e`). Applied per character so each output keeps its origin.
pub fn fold(input: Vec<NChar>) -> Vec<NChar> {
    let mut out = Vec::with_capacity(input.len());
    for n in input {
        fold_one(n, &mut out);
    }
    out
}

fn fold_one(n: NChar, out: &mut Vec<NChar>) {
    if n.c.is_ascii() {
        out.push(NChar { c: n.c.to_ascii_lowercase(), src: n.src, end: n.end });
        return;
    }
    decompose_compatible(n.c, |d| {
        if is_combining_mark(d) {
            return;
        }
        if d == 'ß' || d == 'ẞ' {
            out.push(NChar { c: 's', src: n.src, end: n.end });
            out.push(NChar { c: 's', src: n.src, end: n.end });
            return;
        }
        for l in d.to_lowercase() {
            if !is_combining_mark(l) {
                out.push(NChar { c: fold_letter(l), src: n.src, end: n.end });
            }
        }
    });
}

/// Letters that carry no combining mark in Unicode but that French and English writers type as
/// plain letters.
fn fold_letter(c: char) -> char {
    match c {
        'œ' => 'o', // kept short: "œuvre" ~ "oeuvre" is handled by lexicons listing both
        'æ' => 'a',
        'ø' => 'o',
        'đ' => 'd',
        'ł' => 'l',
        'ı' => 'i',
        // Typographic apostrophes and quotes: one form each, so tokenising sees them.
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{2032}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => '"',
        _ => c,
    }
}

/// Step 4: confusable letters from other scripts that look like Latin ones (`ѕсаm` with Cyrillic
/// letters). Applied only inside words that also contain a Latin letter, so real Cyrillic or Greek
/// text is left alone. Runs after leetspeak, so that `ѕс4м` (Cyrillic and a digit) has its Latin
/// `a` by the time this step looks for one.
pub fn confusables(mut input: Vec<NChar>) -> Vec<NChar> {
    let mut i = 0;
    while i < input.len() {
        if !input[i].c.is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < input.len() && input[i].c.is_alphanumeric() {
            i += 1;
        }
        if input[start..i].iter().any(|n| n.c.is_ascii_alphabetic()) {
            for n in &mut input[start..i] {
                if let Some(l) = confusable(n.c) {
                    n.c = l;
                }
            }
        }
    }
    input
}

fn confusable(c: char) -> Option<char> {
    Some(match c {
        'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ё' | 'ε' => 'e',
        'һ' => 'h',
        'і' | 'ї' | 'ι' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'п' | 'η' => 'n',
        'о' | 'ο' | 'σ' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' => 'u',
        'ν' => 'v',
        'ѡ' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        'ɡ' => 'g',
        _ => return None,
    })
}

fn leet(c: char) -> Option<char> {
    Some(match c {
        '4' | '@' => 'a',
        '3' => 'e',
        '1' | '!' | '|' => 'i',
        '0' => 'o',
        '5' | '$' => 's',
        '7' => 't',
        _ => return None,
    })
}

/// Step 3: leetspeak (`sc4m`, `1d10t`, `$cam`). A run of look-alike digits or symbols is read as
/// letters only where it sits inside a word (letters on both sides) or opens a word of at least
/// two more letters; `covid19`, `24h`, `@user` and `1st` stay as they are.
pub fn leetspeak(mut input: Vec<NChar>) -> Vec<NChar> {
    let is_letter = |c: char| c.is_alphabetic();
    let n = input.len();
    let mut i = 0;
    while i < n {
        if leet(input[i].c).is_none() {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && leet(input[i].c).is_some() {
            i += 1;
        }
        let end = i; // run is [start, end)
        let before = start > 0 && is_letter(input[start - 1].c);
        let letters_after = input[end..].iter().take_while(|x| is_letter(x.c)).count();
        let after = letters_after > 0;
        let digits_before = start > 0 && input[start - 1].c.is_ascii_digit();
        let replace = if before && after {
            true
        } else if !before && !digits_before && letters_after >= 2 && end - start == 1 {
            // Opens a word: not a mention, not punctuation, not an ordinal.
            let c = input[start].c;
            let rest: String = input[end..end + letters_after].iter().map(|x| x.c).collect();
            c != '@' && c != '!' && c != '|' && !matches!(rest.as_str(), "st" | "nd" | "rd" | "th" | "er" | "ere" | "eme" | "e" | "h" | "min" | "am" | "pm")
        } else {
            false
        };
        if replace {
            for x in &mut input[start..end] {
                if let Some(l) = leet(x.c) {
                    x.c = l;
                }
            }
        }
    }
    input
}

/// Step 5: letters repeated three times or more are read once (`nuuuul` → `nul`,
/// `scaaaam` → `scam`); doubled letters stay, because they spell real words.
pub fn squeeze_repeats(mut input: Vec<NChar>) -> Vec<NChar> {
    squeeze_repeats_in_place(&mut input);
    input
}

fn squeeze_repeats_in_place(v: &mut Vec<NChar>) {
    // Writes never pass reads: `w <= i`.
    let (mut i, mut w) = (0, 0);
    while i < v.len() {
        let c = v[i].c;
        let mut j = i + 1;
        while j < v.len() && v[j].c == c {
            j += 1;
        }
        if j - i >= 3 && c.is_alphabetic() {
            v[w] = NChar { c, src: v[i].src, end: v[j - 1].end };
            w += 1;
        } else if w == i {
            // Nothing squeezed yet: already in place.
            w = j;
        } else {
            for k in i..j {
                v[w] = v[k];
                w += 1;
            }
        }
        i = j;
    }
    v.truncate(w);
}

/// The signal word an emoji stands for, if it carries one.
pub fn emoji_signal(c: char) -> Option<&'static str> {
    Some(match c {
        '😡' | '😠' | '🤬' | '👿' | '💢' | '😤' => "emoji_anger",
        '👎' => "emoji_thumbs_down",
        '🤮' | '🤢' | '💩' => "emoji_disgust",
        '❤' | '😍' | '🥰' | '💕' | '💖' | '💗' | '💙' | '💚' | '💛' | '💜' | '🧡' | '😘' | '♥' => "emoji_love",
        '🙏' => "emoji_thanks",
        '👍' | '👏' | '🙌' | '😊' | '😀' | '😃' | '😁' | '🥳' | '⭐' | '🌟' | '💯' | '✨' => "emoji_positive",
        '😢' | '😭' | '😞' | '😔' | '💔' => "emoji_sad",
        '🤡' | '🙄' => "emoji_mock",
        '😂' | '🤣' => "emoji_laugh",
        '🔪' | '🔫' | '💣' | '🪓' => "emoji_weapon",
        '⚠' | '🚨' | '☠' => "emoji_alert",
        '🤥' => "emoji_lie",
        _ => return None,
    })
}

/// Step 6: emoji become signal words with spaces around them (`😡` → ` emoji_anger `), so that
/// lexicons can weigh them like any word and evidence points at the emoji itself.
pub fn emoji_signals(input: Vec<NChar>) -> Vec<NChar> {
    if input.iter().all(|n| n.c.is_ascii()) {
        return input;
    }
    let mut out = Vec::with_capacity(input.len() + 16);
    for n in input {
        match emoji_signal(n.c) {
            Some(word) => {
                out.push(NChar { c: ' ', src: n.src, end: n.end });
                out.extend(word.chars().map(|c| NChar { c, src: n.src, end: n.end }));
                out.push(NChar { c: ' ', src: n.src, end: n.end });
            }
            None => out.push(n),
        }
    }
    out
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        c.is_alphanumeric()
    }
}

/// Step 7: tokens, their texts written into `canon`. Words are runs of letters, digits and `_`;
/// apostrophes and hyphens split (`n'est` → `n est`, `anti-vax` → `anti vax`), as they do when
/// lexicon terms are normalised, so both sides agree. `?` and `!` are tokens of their own.
fn tokens_into(chars: &[NChar], out: &mut Vec<Token>, canon: &mut String) {
    out.clear();
    canon.clear();
    canon.push(' ');
    // A token's text, appended to `canon` with its space: (at, len).
    fn text_of(canon: &mut String, run: impl Iterator<Item = char>) -> (u32, u32) {
        let at = canon.len();
        // Pushed as chars: no UTF-8 validation of the bytes afterwards.
        canon.extend(run);
        let len = canon.len() - at;
        canon.push(' ');
        (at as u32, len as u32)
    }
    let mut clause = 0u32;
    let mut sentence_start = true;
    let mut quoted = false;
    let mut guillemets = 0i32;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].c;
        if is_word_char(c) {
            let start = i;
            while i < chars.len() && is_word_char(chars[i].c) {
                i += 1;
            }
            let emoji = i - start >= 6 && chars[start..start + 6].iter().map(|n| n.c).eq("emoji_".chars());
            let (at, len) = text_of(canon, chars[start..i].iter().map(|n| n.c));
            let kind = if emoji { TokenKind::Emoji } else { TokenKind::Word };
            let clause_start = kind == TokenKind::Word && out.last().is_none_or(|t: &Token| t.clause != clause);
            out.push(Token {
                at,
                len,
                start: chars[start].src,
                end: chars[i - 1].end,
                kind,
                clause,
                sentence_start: sentence_start && kind == TokenKind::Word,
                clause_start,
                quoted: quoted || guillemets > 0,
            });
            if kind == TokenKind::Word {
                sentence_start = false;
            }
            continue;
        }
        match c {
            '?' | '!' => {
                // A run of ?!?! is one token, spanning the whole run.
                let start = i;
                while i < chars.len() && matches!(chars[i].c, '?' | '!') {
                    i += 1;
                }
                let has_q = chars[start..i].iter().any(|n| n.c == '?');
                let (at, len) = text_of(canon, std::iter::once(if has_q { '?' } else { '!' }));
                out.push(Token {
                    at,
                    len,
                    start: chars[start].src,
                    end: chars[i - 1].end,
                    kind: TokenKind::Punct,
                    clause,
                    sentence_start: false,
                    clause_start: false,
                    quoted: quoted || guillemets > 0,
                });
                clause += 1;
                sentence_start = true;
                continue;
            }
            '.' | '\n' | '\r' | '…' => {
                clause += 1;
                sentence_start = true;
            }
            ',' | ';' | ':' | '(' | ')' | '[' | ']' => clause += 1,
            '"' => {
                quoted = !quoted;
                clause += 1;
            }
            '«' => {
                guillemets += 1;
                clause += 1;
            }
            '»' => {
                guillemets = (guillemets - 1).max(0);
                clause += 1;
            }
            _ => {}
        }
        i += 1;
    }
    // An unclosed quotation mark quotes nothing: people type a lone " for inches or by mistake.
    if quoted || guillemets > 0 {
        let last_open = last_unclosed_quote(chars);
        if let Some(src) = last_open {
            for t in out.iter_mut().filter(|t| t.start > src) {
                t.quoted = false;
            }
        }
    }
}

fn last_unclosed_quote(chars: &[NChar]) -> Option<u32> {
    chars.iter().rev().find(|n| n.c == '"' || n.c == '«').map(|n| n.src)
}

/// Step 8: words spelled out letter by letter (`s c a m`, `t.u.e.r`, `f-r-a-u-d`) become one
/// token. Three or more one-letter tokens in a row, each separated by a single space, dot, dash,
/// underscore or asterisk, are joined; French elisions (`l'`, `j'`) never come three in a row.
fn join_spelled_out(tokens: &mut Vec<Token>, canon: &mut String, chars: &[NChar]) {
    // One letter: at most four bytes, one character, alphabetic.
    let single = |t: &Token| {
        let mut c = t.text_in(canon).chars();
        t.kind == TokenKind::Word && t.len <= 4 && c.next().is_some_and(char::is_alphabetic) && c.next().is_none()
    };
    // The one separator between two tokens, if that is all there is.
    let gap = |a: &Token, b: &Token| -> Option<char> {
        let mut between = chars.iter().filter(|n| n.src >= a.end && n.end <= b.start).map(|n| n.c);
        match (between.next(), between.next()) {
            (Some(c @ (' ' | '.' | '-' | '_' | '*')), None) => Some(c),
            _ => None,
        }
    };
    // The runs to join, found first: most texts have none, and keep their tokens as they are.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let mut j = i;
        let mut sep = None;
        // One separator throughout: `s c a m` is a word, `a.b c` is not.
        while j < tokens.len() && single(&tokens[j]) {
            if j > i {
                let g = gap(&tokens[j - 1], &tokens[j]);
                if g.is_none() || (sep.is_some() && g != sep) {
                    break;
                }
                sep = g;
            }
            j += 1;
        }
        if j - i >= 3 {
            runs.push((i, j));
            i = j;
        } else {
            i += 1;
        }
    }
    if runs.is_empty() {
        return;
    }
    // The canonical string is written anew: each run's letters as one token.
    let old = std::mem::replace(canon, String::with_capacity(canon.len()));
    canon.push(' ');
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut runs = runs.into_iter().peekable();
    let mut k = 0;
    while k < tokens.len() {
        let mut t = tokens[k].clone();
        let at = canon.len();
        canon.push_str(t.text_in(&old));
        if let Some(&(i, j)) = runs.peek().filter(|r| r.0 == k) {
            // The first letter's token, with every letter's text and the last one's end.
            for u in &tokens[i + 1..j] {
                canon.push_str(u.text_in(&old));
                t.end = u.end;
            }
            runs.next();
            k = j;
        } else {
            k += 1;
        }
        (t.at, t.len) = (at as u32, (canon.len() - at) as u32);
        canon.push(' ');
        out.push(t);
    }
    *tokens = out;
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
