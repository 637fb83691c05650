//! Language detection, French or English, per message, from function words and accents.
//!
//! Short social-media messages carry few words, so this counts the function words each language
//! cannot do without (`le`, `est`, `pas` / `the`, `is`, `not`) and French accented letters. Words
//! both languages share (`a`, `en`, `on`, `me`, `ce`) count for neither. With no evidence, or a
//! tie, the caller falls back to the plan's default language.

use crate::normalise::Token;
use crate::taxonomy::Lang;

const FR: &[&str] = &[
    "le", "la", "les", "des", "du", "de", "un", "une", "est", "et", "je", "tu", "il", "elle", "nous", "vous", "ils",
    "elles", "pas", "ne", "que", "qui", "pour", "avec", "sur", "dans", "c", "ca", "cette", "cet", "mon", "ma", "mes",
    "ton", "ta", "tes", "votre", "vos", "leur", "leurs", "au", "aux", "mais", "ou", "donc", "tres", "merci", "bonjour",
    "bonsoir", "svp", "suis", "sont", "etre", "fait", "faire", "avoir", "j", "y", "n", "qu", "d", "l", "s", "m", "t",
    "plus", "rien", "tout", "tous", "toujours", "jamais", "deja", "encore", "alors", "quand", "comment", "pourquoi",
    "ont", "avez", "sommes", "etes", "moi", "toi", "lui", "eux", "ici", "aussi", "chez", "parce", "quoi", "mdr", "jsp",
    "fois", "mois", "jour", "jours", "depuis", "commande", "livraison", "colis", "vraiment", "ca", "cest", "jai", "vos",
];

const EN: &[&str] = &[
    "the", "an", "is", "are", "was", "were", "and", "or", "but", "i", "you", "he", "she", "we", "they", "it", "this",
    "that", "to", "of", "in", "for", "with", "my", "your", "our", "their", "not", "no", "do", "does", "did", "have", "has",
    "had", "be", "been", "will", "would", "can", "could", "what", "why", "how", "when", "where", "thanks", "thank",
    "please", "hi", "hello", "just", "so", "very", "there", "from", "at", "by", "about", "get", "got", "its", "im",
    "dont", "don", "didn", "doesn", "isn", "can't", "cant", "who", "which", "all", "any", "been", "being", "if", "then",
    "than", "because", "still", "again", "never", "always", "lol", "u", "ur", "ve", "ll", "re", "go", "yourself",
    "yourselves", "guys", "ppl", "pls", "plz", "thx", "gonna", "wanna", "ngl", "tbh", "omg", "these", "those", "some",
    "every", "much", "many", "really", "literally", "people", "ever", "them", "him", "her", "his", "up", "off", "out",
    "order", "delivery", "package", "days", "weeks", "week", "after", "before", "would", "should", "since", "yet",
];

/// Whether a normalised word is one of the function words the detector counts (`the`, `est`):
/// never useful as evidence.
pub fn is_function_word(w: &str) -> bool {
    FR.contains(&w) || EN.contains(&w) || matches!(w, "a" | "en" | "on" | "me" | "ce" | "se" | "sa" | "son" | "ses")
}

/// Spelling habits of each language, weak evidence that only decides when function words do not
/// (headlines, stopword-stripped exports): English `-ing`, `th`, `w`, `k`, `-ly`; French `-eux`,
/// `-ait`, `-ais`, `-ment`, `eau`, `ou`.
fn spelling(w: &str) -> (u32, u32) {
    if w.len() < 3 || w.starts_with("emoji_") || w.chars().any(|c| c.is_ascii_digit()) {
        return (0, 0);
    }
    let en = (w.ends_with("ing") || w.contains("th") || w.contains('w') || w.contains('k') || w.ends_with("ly") || w.ends_with("ed")) as u32;
    let fr = (w.ends_with("eux") || w.ends_with("ait") || w.ends_with("ais") || w.ends_with("ment") || w.contains("eau") || w.contains("ou") || w.ends_with("ees") || w.ends_with("ee")) as u32;
    (fr, en)
}

/// The detected language and how sure the detector is (0.5 = a guess, 1 = only one language seen).
pub fn detect(original: &str, tokens: &[Token]) -> Option<(Lang, f32)> {
    let (mut fr, mut en) = (0u32, 0u32);
    let (mut fr_spell, mut en_spell) = (0u32, 0u32);
    for t in tokens {
        let w = t.text.as_str();
        if FR.contains(&w) {
            fr += 1;
        } else if EN.contains(&w) {
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
    let accents = original.chars().filter(|c| matches!(c, 'é' | 'è' | 'ê' | 'à' | 'ç' | 'ù' | 'û' | 'ô' | 'î' | 'â' | 'ë' | 'ï' | 'œ' | 'É' | 'È' | 'À' | 'Ç')).count() as u32;
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
        detect(s, &normalise(s).tokens).map(|x| x.0)
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
