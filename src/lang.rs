//! Language detection, French or English, per message, from function words and accents.
//!
//! Short social-media messages carry few words, so this counts the function words each language
//! cannot do without (`le`, `est`, `pas` / `the`, `is`, `not`) and French accented letters. Words
//! both languages share (`a`, `en`, `on`, `me`, `ce`) count for neither. With no evidence, or a
//! tie, the caller falls back to the plan's default language.

// The lists are looked up by FNV-1a, the hash of the model's features.
use crate::hash::fnv_hash as hash;
use crate::normalise::Normalised;
use crate::taxonomy::Lang;

/// Sorted (a test keeps them so), for readers; looked up through their hashes.
const FR: &[&str] = &[
    "alors", "au", "aussi", "aux", "avec", "avez", "avoir", "bonjour", "bonsoir", "c", "ca", "cest", "cet",
    "cette", "chez", "colis", "commande", "comment", "d", "dans", "de", "deja", "depuis", "des", "donc",
    "du", "elle", "elles", "encore", "est", "et", "etes", "etre", "eux", "faire", "fait", "fois", "ici",
    "il", "ils", "j", "jai", "jamais", "je", "jour", "jours", "jsp", "l", "la", "le", "les", "leur", "leurs",
    "livraison", "lui", "m", "ma", "mais", "mdr", "merci", "mes", "moi", "mois", "mon", "n", "ne", "nous",
    "ont", "ou", "parce", "pas", "plus", "pour", "pourquoi", "qu", "quand", "que", "qui", "quoi", "rien",
    "s", "sommes", "sont", "suis", "sur", "svp", "t", "ta", "tes", "toi", "ton", "toujours", "tous", "tout",
    "tres", "tu", "un", "une", "vos", "votre", "vous", "vraiment", "y",
];

/// Sorted, like `FR`.
const EN: &[&str] = &[
    "about", "after", "again", "all", "always", "an", "and", "any", "are", "at", "be", "because", "been",
    "before", "being", "but", "by", "can", "can't", "cant", "could", "days", "delivery", "did", "didn", "do",
    "does", "doesn", "don", "dont", "ever", "every", "for", "from", "get", "go", "gonna", "got", "guys",
    "had", "has", "have", "he", "hello", "her", "hi", "him", "his", "how", "i", "if", "im", "in", "is",
    "isn", "it", "its", "just", "literally", "ll", "lol", "many", "much", "my", "never", "ngl", "no", "not",
    "of", "off", "omg", "or", "order", "our", "out", "package", "people", "please", "pls", "plz", "ppl",
    "re", "really", "she", "should", "since", "so", "some", "still", "tbh", "than", "thank", "thanks",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "thx", "to", "u",
    "up", "ur", "ve", "very", "wanna", "was", "we", "week", "weeks", "were", "what", "when", "where",
    "which", "who", "why", "will", "with", "would", "yet", "you", "your", "yourself", "yourselves",
];

/// Which lists a word's hash is in: `IN_FR`, `IN_EN` or both bits. The lists' hashes sit in a small
/// open-addressing table: a lookup is one or two probes, with no string comparison (profiled:
/// string comparisons here were once a tenth of triage time, then a binary search over the
/// sorted hashes of each list was a twentieth).
const IN_FR: u8 = 1;
const IN_EN: u8 = 2;

fn lists(h: u64) -> u8 {
    const SIZE: usize = 1024; // over four times the words: probes stay short
    static T: std::sync::OnceLock<Vec<(u64, u8)>> = std::sync::OnceLock::new();
    let slot = |h: u64| (h ^ (h >> 32)) as usize & (SIZE - 1);
    let table = T.get_or_init(|| {
        let mut t = vec![(0u64, 0u8); SIZE];
        for (words, bit) in [(FR, IN_FR), (EN, IN_EN)] {
            for w in words {
                let h = hash(w.as_bytes());
                let mut i = slot(h);
                while t[i].1 != 0 && t[i].0 != h {
                    i = (i + 1) & (SIZE - 1);
                }
                t[i] = (h, t[i].1 | bit);
            }
        }
        t
    });
    let mut i = slot(h);
    loop {
        let (k, bits) = table[i];
        if bits == 0 || k == h {
            return bits;
        }
        i = (i + 1) & (SIZE - 1);
    }
}

#[cfg(test)]
fn is_fr(w: &str) -> bool {
    lists(hash(w.as_bytes())) & IN_FR != 0
}

#[cfg(test)]
fn is_en(w: &str) -> bool {
    lists(hash(w.as_bytes())) & IN_EN != 0
}

/// Whether a normalised word is one of the function words the detector counts (`the`, `est`):
/// never useful as evidence.
pub fn is_function_word(w: &str) -> bool {
    // One hash and one probe for both lists.
    lists(hash(w.as_bytes())) != 0 || matches!(w, "a" | "en" | "on" | "me" | "ce" | "se" | "sa" | "son" | "ses")
}

/// Spelling habits of each language, weak evidence that only decides when function words do not
/// (headlines, stopword-stripped exports): English `-ing`, `th`, `w`, `k`, `-ly`; French `-eux`,
/// `-ait`, `-ais`, `-ment`, `eau`, `ou`.
fn spelling(w: &[u8]) -> (u32, u32) {
    // One pass over the bytes, then the endings: the same answers as `str::contains` and
    // `str::ends_with` (every pattern is ASCII, and an ASCII byte in UTF-8 is always that
    // character), without a library call or a searcher for each pattern.
    let b = w;
    let n = b.len();
    if n < 3 || b.starts_with(b"emoji_") {
        return (0, 0);
    }
    let (mut th, mut wk, mut ou, mut eau) = (false, false, false, false);
    let (mut p, mut pp) = (0u8, 0u8); // the two bytes before; 0 is in no word
    let mut i = 0;
    while i < n {
        let c = b[i];
        if c.is_ascii_digit() {
            return (0, 0);
        }
        th |= p == b't' && c == b'h';
        wk |= c == b'w' || c == b'k';
        ou |= p == b'o' && c == b'u';
        eau |= pp == b'e' && p == b'a' && c == b'u';
        (pp, p) = (p, c);
        i += 1;
    }
    let (l4, l3, l2, l1) = (if n >= 4 { b[n - 4] } else { 0 }, b[n - 3], b[n - 2], b[n - 1]);
    let ends2 = |x: u8, y: u8| l2 == x && l1 == y;
    let ends3 = |x: u8, y: u8, z: u8| l3 == x && ends2(y, z);
    let en = (ends3(b'i', b'n', b'g') || th || wk || ends2(b'l', b'y') || ends2(b'e', b'd')) as u32;
    let fr = (ends3(b'e', b'u', b'x') || ends3(b'a', b'i', b't') || ends3(b'a', b'i', b's') || (l4 == b'm' && ends3(b'e', b'n', b't')) || eau || ou || ends3(b'e', b'e', b's') || ends2(b'e', b'e')) as u32;
    (fr, en)
}

/// The detected language and how sure the detector is (0.5 = a guess, 1 = only one language seen).
pub fn detect(original: &str, norm: &Normalised) -> Option<(Lang, f32)> {
    let (mut fr, mut en) = (0u32, 0u32);
    let (mut fr_spell, mut en_spell) = (0u32, 0u32);
    for t in &norm.tokens {
        let w = norm.bytes_of(t);
        let l = lists(hash(w));
        if l & IN_FR != 0 {
            fr += 1;
        } else if l & IN_EN != 0 {
            en += 1;
        } else {
            let (f, e) = spelling(w);
            fr_spell += f;
            en_spell += e;
        }
    }
    if fr == en && fr_spell != en_spell {
        // Function words tie (usually: none at all): let spelling decide, with low confidence.
        let lang = if fr_spell > en_spell { Lang::Fr } else { Lang::En };
        return Some((lang, 0.55));
    }
    // French accented letters are strong evidence; count at most a few so a name does not decide.
    let accents = if original.is_ascii() { 0 } else { original.chars().filter(|c| matches!(c, 'é' | 'è' | 'ê' | 'à' | 'ç' | 'ù' | 'û' | 'ô' | 'î' | 'â' | 'ë' | 'ï' | 'œ' | 'É' | 'È' | 'À' | 'Ç')).count() as u32 };
    fr += accents.min(3);
    if fr == en {
        return None;
    }
    let (lang, win) = if fr > en { (Lang::Fr, fr) } else { (Lang::En, en) };
    Some((lang, win as f32 / (fr + en) as f32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::normalise;

    fn lang(s: &str) -> Option<Lang> {
        detect(s, &normalise(s)).map(|x| x.0)
    }

    /// The lookup is a hash table now; the lists stay sorted so that a reader finds a word, and
    /// strictly sorted so that a word listed twice shows.
    #[test]
    fn word_lists_are_sorted_without_repeats() {
        assert!(FR.windows(2).all(|p| p[0] < p[1]));
        assert!(EN.windows(2).all(|p| p[0] < p[1]));
    }

    #[test]
    fn the_lookup_table_holds_exactly_the_lists() {
        assert!(FR.iter().all(|w| is_fr(w) && !is_en(w)));
        assert!(EN.iter().all(|w| is_en(w) && !is_fr(w)));
        for w in ["", "a", "en", "arnaque", "scam", "thee", "vous_", "théâtre"] {
            assert_eq!((is_fr(w), is_en(w)), (FR.contains(&w), EN.contains(&w)), "{w}");
        }
    }

    #[test]
    fn spelling_on_bytes_answers_as_str_methods_do() {
        fn by_str(w: &str) -> (u32, u32) {
            if w.len() < 3 || w.starts_with("emoji_") || w.chars().any(|c| c.is_ascii_digit()) {
                return (0, 0);
            }
            let en = (w.ends_with("ing") || w.contains("th") || w.contains('w') || w.contains('k') || w.ends_with("ly") || w.ends_with("ed")) as u32;
            let fr = (w.ends_with("eux") || w.ends_with("ait") || w.ends_with("ais") || w.ends_with("ment") || w.contains("eau") || w.contains("ou") || w.ends_with("ees") || w.ends_with("ee")) as u32;
            (fr, en)
        }
        let words = [
            "thing", "gateaux", "vraiment", "eau", "ou", "kw", "bed", "fly", "emoji_love", "covid19", "réécrit", "œuvre", "ﬁth", "thé", "où", "a", "ing", "séance",
            "ёжик", "beauté", "ment", "xment", "aiment", "mais", "fait", "tees", "see", "bee", "athx", "bout", "bureau", "eaux", "hello2", "ly", "fly_", "ed", "e_d",
        ];
        for w in words {
            assert_eq!(spelling(w.as_bytes()), by_str(w), "{w}");
        }
        // Every word of up to four letters from the patterns' letters and a few others.
        let letters: Vec<char> = "thoueaiwkmnsxgdlyé1_".chars().collect();
        let mut words = vec![String::new()];
        for _ in 0..4 {
            words = words.iter().flat_map(|w| letters.iter().map(move |c| format!("{w}{c}"))).collect();
            for w in &words {
                assert_eq!(spelling(w.as_bytes()), by_str(w), "{w}");
            }
        }
    }

    #[test]
    fn french_english_and_unknown() {
        assert_eq!(lang("Ce n'est pas normal, je suis très déçu"), Some(Lang::Fr));
        assert_eq!(lang("This is not ok, I want my money back"), Some(Lang::En));
        assert_eq!(lang("Génial"), Some(Lang::Fr));
        assert_eq!(lang("ok"), None);
        assert_eq!(lang("call sis boy girl still thinking shut"), Some(Lang::En));
        assert_eq!(lang("gateaux delicieux vraiment"), Some(Lang::Fr));
        assert_eq!(lang("👍"), None);
    }
}
