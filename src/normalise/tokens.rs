//! Tokens over the normalised characters: words, numbers, emoji signals and question marks, with
//! their clause, sentence and quotation, written once into the canonical token string.

use super::{NChar, Token, TokenKind};

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
pub(super) fn tokens_into(chars: &[NChar], out: &mut Vec<Token>, canon: &mut String) {
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
pub(super) fn join_spelled_out(tokens: &mut Vec<Token>, canon: &mut String, chars: &[NChar]) {
    // One letter: at most four bytes, one character, alphabetic.
    let single = |t: &Token| {
        let mut c = t.text_in(canon).chars();
        t.kind == TokenKind::Word && t.len <= 4 && c.next().is_some_and(char::is_alphabetic) && c.next().is_none()
    };
    // The one separator between two tokens, if that is all there is.
    let gap = |a: &Token, b: &Token| -> Option<char> {
        // `chars` are in the order of the original text: the characters between two tokens are
        // one run of it, found by a binary search rather than a scan of the whole text (French
        // has many one-letter neighbours: `j y`, `il y a`).
        let from = chars.partition_point(|n| n.src < a.end);
        let mut between = chars[from..].iter().take_while(|n| n.end <= b.start).map(|n| n.c);
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
