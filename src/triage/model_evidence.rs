//! The learned model's say: its heads become one more piece of evidence per category, within
//! what the plan allows (`model_gate`, `model_confident`, `model_heads`).

use super::*;
use super::evidence::push_evidence;
use crate::plan::HeadsRule;

impl Engine {
    /// Adds the learned heads' evidence: for each category, the strongest head whose language fits
    /// the message is one more piece of evidence, weighted so that the head's cross-validated
    /// threshold lands on the category's flag threshold. A category the lexicons saw only negated
    /// keeps half; only reported, or with its model gate closed, none.
    #[allow(clippy::too_many_arguments, reason = "the analysis parts it updates, named")]
    pub(super) fn apply_model(&self, model: &Model, scratch: &crate::model::Scratch, norm: &Normalised, chars: &[char], lang: Lang, probs: &[Option<f32>], damp: &PerCategory<f32>, gate_open: &PerCategory<bool>, miss: &mut PerCategory<f32>, evidence: &mut PerCategory<Vec<Evidence>>) {
        // Several heads can speak for one category (one per data set): the strongest counts, or
        // their mean, or the weakest, as the plan says (`model_heads`).
        // Heads of another language do not count, nor, when the strongest counts, heads whose
        // weight below is 0 whatever they say (damped to nothing, or gate closed with no
        // `model_confident` to open it): under the strongest, a weight of 0 changes no score
        // and, under a flag threshold above 0, gives no evidence, so skipping them changes
        // nothing. Under the mean or the weakest a 0 counts: those heads all count.
        let needed = |c: Category| {
            let i = c.index();
            let zero = damp[i] == 0.0 || (!gate_open[i] && self.plan.model_confident[i].is_none());
            !zero || self.plan.model_heads[i] != HeadsRule::Any || self.plan.flag[i] <= 0.0
        };
        let targets: Vec<Option<Category>> =
            (0..model.heads.len()).map(|h| model.target(h).filter(|(c, l)| l.is_none_or(|l| l == lang) && needed(*c)).map(|(c, _)| c)).collect();
        let mut best: PerCategory<Option<(f32, usize)>> = [None; Category::COUNT];
        let mut sums = [(0.0f32, 0u32); Category::COUNT];
        for (h, (cat, p)) in targets.iter().zip(probs).enumerate() {
            let (Some(cat), Some(p)) = (cat, p) else { continue };
            let head = &model.heads[h];
            let flag = self.plan.flag[cat.index()];
            let t = head.threshold.clamp(0.01, 0.99);
            let mut w = if *p < t { flag * (p / t).powi(2) } else { flag + (0.95 - flag) * (p - t) / (1.0 - t) };
            // The lexicons saw the category only negated or reported: so does the model.
            w *= damp[cat.index()];
            let sure = self.plan.model_confident[cat.index()].is_some_and(|k| *p >= t + (1.0 - t) * k);
            if !gate_open[cat.index()] && !sure {
                // The rules veto: without a foothold in the plan's own words, the data sets'
                // domains (health news, French racism tweets) would speak for customer messages —
                // unless the plan lets a sure enough model speak alone.
                w = 0.0;
            }
            sums[cat.index()].0 += w;
            sums[cat.index()].1 += 1;
            let all = self.plan.model_heads[cat.index()] == HeadsRule::All;
            if best[cat.index()].is_none_or(|(b, _)| if all { w < b } else { w > b }) {
                best[cat.index()] = Some((w, h));
            }
        }
        for (c, found) in best.iter().enumerate() {
            let Some((mut w, head)) = *found else { continue };
            if self.plan.model_heads[c] == HeadsRule::Mean {
                // The strongest head still names the evidence.
                w = sums[c].0 / sums[c].1.max(1) as f32;
            }
            miss[c] *= 1.0 - w;
            let (cat, flag) = (Category::ALL[c], self.plan.flag[c]);
            if w >= flag {
                for ev in head_words(model, scratch, norm, chars, head) {
                    push_evidence(&mut evidence[cat.index()], ev);
                }
            }
        }
    }

    /// Evidence for a category the learned decision chose with no word of the plan's: the words
    /// that weighed most in the most confident head that speaks for it, in any language. Empty
    /// when no head speaks for the category.
    pub(super) fn strongest_head_words(&self, model: &Model, scratch: &crate::model::Scratch, norm: &Normalised, chars: &[char], probs: &[Option<f32>], category: Category) -> Vec<Evidence> {
        let best = (0..model.heads.len())
            .filter(|&h| model.heads[h].category == Some(category))
            .filter_map(|h| probs.get(h).copied().flatten().map(|p| (h, p)))
            .fold(None, |b: Option<(usize, f32)>, (h, p)| if b.is_none_or(|(_, q)| p > q) { Some((h, p)) } else { b });
        best.map_or_else(Vec::new, |(h, _)| head_words(model, scratch, norm, chars, h))
    }
}

/// The words that pushed a head's score up most: up to two, each with at least half the
/// strongest one's share.
fn head_words(model: &Model, scratch: &crate::model::Scratch, norm: &Normalised, chars: &[char], head: usize) -> Vec<Evidence> {
    let tokens = &norm.tokens;
    let contrib = model.evidence(scratch, head, tokens.len());
    // The two largest shares in one pass, the earlier token first on a tie (as a stable sort
    // would order them): a sort of every token was 3 % of triage for two of them.
    let mut top: [Option<usize>; 2] = [None, None];
    for i in (0..tokens.len()).filter(|&i| contrib[i] > 0.0 && tokens[i].kind == crate::normalise::TokenKind::Word && !lang::is_function_word(norm.text_of(&tokens[i]))) {
        match top {
            [Some(a), _] if contrib[i] <= contrib[a] => {
                if top[1].is_none_or(|b| contrib[i] > contrib[b]) {
                    top[1] = Some(i);
                }
            }
            _ => top = [Some(i), top[0]],
        }
    }
    let strongest = top[0].map_or(0.0, |i| contrib[i]);
    top.iter()
        .flatten()
        .filter(|&&i| contrib[i] >= 0.5 * strongest)
        .map(|&i| {
            let t = &tokens[i];
            let text: String = chars[t.start as usize..t.end as usize].iter().collect();
            Evidence { start: t.start, end: t.end, text, rule: format!("model:{}", model.heads[head].name), reported: false }
        })
        .collect()
}
