//! The character steps of normalisation, in the order `normalise_into` runs them. Each keeps,
//! for every character it writes, the original character range it came from.

use super::NChar;
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Step 1: characters that are invisible on screen but break matching: zero-width spaces and
/// joiners, soft hyphens, bidirectional controls, variation selectors, the byte-order mark.
pub(super) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{E0100}'..='\u{E01EF}'
        | '\u{E0000}'..='\u{E007F}')
}

/// Step 2: Unicode compatibility decomposition (the "K" of NFKC: full-width letters, ligatures,
/// mathematical alphanumerics become plain letters), case folding, and accent folding (combining
/// marks are dropped, so `é` matches `e`). Applied per character so each output keeps its origin.
pub(super) fn fold_one(n: NChar, out: &mut Vec<NChar>) {
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
pub(super) fn confusables(mut input: Vec<NChar>) -> Vec<NChar> {
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

pub(super) fn leet(c: char) -> Option<char> {
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
pub(super) fn leetspeak(mut input: Vec<NChar>) -> Vec<NChar> {
    let is_letter = |c: char| c.is_alphabetic();
    let n = input.len();
    // The runs of look-alikes, decided from the last to the first: whether a run opens a word
    // counts the letters after it, and a later run read as letters adds to them (`$à@ｆｕｌｌ` is
    // `saafull`, as its own output `$aafull` is read). What is before a run is never a look-alike
    // (runs are as long as they go), so it is the same in either order.
    let mut i = n;
    while i > 0 {
        if leet(input[i - 1].c).is_none() {
            i -= 1;
            continue;
        }
        let end = i;
        while i > 0 && leet(input[i - 1].c).is_some() {
            i -= 1;
        }
        let start = i; // the run is [start, end)
        let before = start > 0 && is_letter(input[start - 1].c);
        let letters_after = input[end..].iter().take_while(|x| is_letter(x.c)).count();
        let after = letters_after > 0;
        // A run that opens a word may start with symbols the tokens leave out (`!1diot`,
        // `@4lice`): they are not part of the word, which is read as it would be alone — as a
        // plan term copied from the tokens (`1diot`) is read, so the term matches. Not `$`: it
        // is a letter itself (`$$cam`), and peeling it would read the output differently again.
        let mut start = start;
        while !before && end - start > 1 && matches!(input[start].c, '!' | '|' | '@') {
            start += 1;
        }
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
pub(super) fn squeeze_repeats_in_place(v: &mut Vec<NChar>) {
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
pub(super) fn emoji_signal(c: char) -> Option<&'static str> {
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
pub(super) fn emoji_signals(input: Vec<NChar>) -> Vec<NChar> {
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
