//! The decision: from the evidence of each category to the verdict the agent sees — the primary
//! category, the severity (the plan's "problem vs crisis"), the response level, the deadline and
//! the replies.

use super::*;
use super::replies::suggest;
use super::decider;

/// How sure the learned decision must be to put a complaint before a flagged question, or the
/// other way round.
const DECISION_OVERRIDE: f32 = 0.6;

/// How sure it must be to overrule the plan's words where they flag praise or abuse (and no crisis
/// risk): sarcasm ("merci de m'avoir coupé la wifi, franchement génial") and swearing at an outage
/// ("c'est quoi ce bordel") are complaints, but a sincere "super service, merci" is praise. Below
/// 0.9 the decision started calling the plan's own French praise cases complaints (0.8: one of
/// them, 0.7: three), for 1 to 5 more points on the French brand file.
const DECISION_OVER_FLAGGED: f32 = 0.9;

/// How sure the learned decision must be to name a category where the plan flagged none.
const DECISION_SURE: f32 = 0.5;

impl Engine {
    /// [`Engine::triage_one`] with buffers kept from the batch's previous messages.
    pub(super) fn triage_with(&self, msg: &Message, index: usize, opts: &TriageOptions, scratch: &mut Scratch) -> Verdict {
        let plan = &self.plan;
        let id = msg.id.clone().unwrap_or_else(|| (index + 1).to_string());
        let mut warnings = Vec::new();
        let mut text: &str = &msg.text;
        // No more characters than bytes: a text of at most MAX_CHARS bytes is never cut.
        if let Some((cut, _)) = if text.len() > MAX_CHARS { text.char_indices().nth(MAX_CHARS) } else { None } {
            text = &text[..cut];
            warnings.push(format!("text longer than {MAX_CHARS} characters: only the first {MAX_CHARS} were read"));
        }
        if text.trim().is_empty() {
            warnings.push("empty text".to_string());
        }
        let Analysis { lang, mut miss, mut evidence, negated_only, reported_only, signals, about_incident, refs } =
            self.analyse(text, msg.lang.as_deref().and_then(Lang::parse), scratch);
        let Scratch { model: model_scratch, norm, chars, decision_x, decision_words } = scratch;
        let has = |signal: Signal| signals.iter().any(|s| s.signal == signal);
        let reach = has(Signal::Reach) || msg.reach.is_some_and(|r| r >= plan.reach_followers);
        let many = has(Signal::ManyAffected);
        let open: PerCategory<bool> = std::array::from_fn(|c| {
            let gate = &self.plan.gates[c];
            gate.is_empty() || refs.iter().any(|(r, _, _)| gate.contains(r))
        });
        // The plan's own evidence, before the model's.
        let lexicon: PerCategory<f32> = miss.map(|m| 1.0 - m);
        let mut probabilities = Vec::new();
        if let Some(model) = &self.model {
            // Every head at once (no list of wanted heads; the sums are computed for all of them
            // in one pass anyway): the plan's evidence path reads some, the decision all.
            probabilities = model.score(model_scratch, norm, &lexicon, &[]);
            // The lexicons saw the category only negated: the model keeps half. Only in quotes or
            // reported speech: the author is not saying it, so the model, which cannot tell, is vetoed.
            let damp: PerCategory<f32> = std::array::from_fn(|c| if reported_only[c] { 0.0 } else if negated_only[c] { 0.5 } else { 1.0 });
            self.apply_model(model, model_scratch, norm, chars, lang, &probabilities, &damp, &open, &mut miss, &mut evidence);
        }

        // Indexed by `Category::index`.
        let mut score = [0.0f32; Category::COUNT];
        let mut best_other = 0.0f32;
        for c in Category::ALL {
            if *c == Category::Other {
                continue;
            }
            let s = round3(1.0 - miss[c.index()]);
            best_other = best_other.max(s);
            score[c.index()] = s;
        }
        score[Category::Other.index()] = round3(1.0 - best_other);

        let mut flagged: Vec<Category> = Category::ALL
            .iter()
            .copied()
            .filter(|c| *c != Category::Other && score[c.index()] >= plan.flag[c.index()] && score[c.index()] > 0.0)
            .collect();
        // The plan assesses risk first: a threat leads (people's safety), then any crisis-risk
        // category over a complaint or a question, then the higher score, then the plan's order.
        flagged.sort_by(|a, b| {
            (*b == Category::Threat)
                .cmp(&(*a == Category::Threat))
                .then(b.is_crisis_risk().cmp(&a.is_crisis_risk()))
                .then(score[b.index()].total_cmp(&score[a.index()]))
                .then(a.cmp(b))
        });
        // Where the plan's words or heads flag a category, the plan's order decides (the crisis
        // risks first). The learned decision speaks where they flag none, and between a flagged
        // complaint and a flagged question (a complaint phrased as a question is a complaint:
        // "3 jours sans internet, on fait quoi ?"), and, when very sure, over flagged praise or
        // abuse; it is only computed there. A flagged crisis risk is never overruled.
        let decided = match &self.decider {
            Some(d) if flagged.iter().all(|c| matches!(c, Category::Complaint | Category::Question | Category::Praise | Category::Abuse)) => {
                let input = decider::DecisionInput { lexicon: &lexicon, negated_only: &negated_only, reported_only: &reported_only, logits: &model_scratch.logits, reach, many, lang };
                decider::read(&input, &d.slots, norm, &model_scratch.token_hashes, d.word_bits, decision_x, decision_words);
                Some(d.probabilities(decision_x, lang, decision_words))
            }
            _ => None,
        };
        let primary = match &decided {
            None => flagged.first().copied().unwrap_or(Category::Other),
            Some(p) => {
                // A category whose `model_gate` is closed, with no `model_confident` to open it,
                // leads only on the plan's own words: the administrator's veto.
                let vetoed = |c: Category| !open[c.index()] && plan.model_confident[c.index()].is_none() && score[c.index()] < plan.flag[c.index()];
                // Where the plan flags nothing, it decides among all the categories (most customer
                // messages name no term of the plan: "toujours rien depuis 3 semaines"); where it
                // flags a complaint or a question, between those two.
                let between_complaint_and_question = flagged.iter().all(|c| matches!(c, Category::Complaint | Category::Question));
                let candidates: Vec<Category> = if flagged.is_empty() {
                    Category::ALL.iter().copied().filter(|c| !vetoed(*c)).collect()
                } else {
                    // Where the plan flags praise or abuse, those stay candidates beside the two.
                    let mut candidates = vec![Category::Complaint, Category::Question];
                    candidates.extend(flagged.iter().copied().filter(|c| matches!(c, Category::Praise | Category::Abuse)));
                    candidates
                };
                let best = candidates.iter().copied().fold(candidates[0], |b, c| if p[c.index()] > p[b.index()] { c } else { b });
                // Only a sure decision names a category the plan's evidence did not: an unsure
                // one leaves the message `other`, to be read, as before.
                let best = if flagged.is_empty() {
                    if p[best.index()] >= DECISION_SURE { best } else { Category::Other }
                } else {
                    let sure = if between_complaint_and_question { DECISION_OVERRIDE } else { DECISION_OVER_FLAGGED };
                    if p[best.index()] >= sure { best } else { flagged[0] }
                };
                if best != Category::Other {
                    // The decision's primary leads; the plan's other flags follow it.
                    flagged.retain(|c| *c != best);
                    flagged.insert(0, best);
                    score[best.index()] = score[best.index()].max(round3(p[best.index()]));
                    if evidence[best.index()].is_empty() {
                        // Why: the words the decision weighed most for it, else the strongest head's.
                        let decider = self.decider.as_ref().expect("a decision was computed");
                        let words = decider.words_for(norm, &model_scratch.token_hashes, best, |i| !crate::lang::is_function_word(norm.text_of(&norm.tokens[i])));
                        evidence[best.index()] = words
                            .into_iter()
                            .map(|i| {
                                let t = &norm.tokens[i];
                                Evidence { start: t.start, end: t.end, text: chars[t.start as usize..t.end as usize].iter().collect(), rule: "decision".to_string(), reported: false }
                            })
                            .collect();
                        if evidence[best.index()].is_empty() {
                            if let Some(model) = &self.model {
                                evidence[best.index()] = self.strongest_head_words(model, model_scratch, norm, chars, &probabilities, best);
                            }
                        }
                    }
                }
                best
            }
        };
        let spiking = opts.spiking.contains(&primary);
        let mut severity = if primary.is_crisis_risk() {
            let strong = plan.strong[primary.index()];
            // A strong threshold of 1 means: never by the wording alone, only by reach or numbers.
            if (strong < 1.0 && score[primary.index()] >= strong) || reach || many || spiking {
                Severity::Crisis
            } else {
                Severity::Problem
            }
        } else {
            match primary {
                Category::Complaint | Category::Abuse if (reach && many) || spiking => Severity::Crisis,
                Category::Complaint | Category::Abuse => Severity::Problem,
                _ => Severity::Routine,
            }
        };
        if about_incident {
            severity = severity.raised();
        }
        let response = plan.response(primary, severity);
        let reply_within_minutes = plan.deadline_minutes(severity);
        let reply_by = msg.time.map(|t| t + reply_within_minutes as f64 * 60_000.0);

        let max = if opts.max_replies == 0 { 3 } else { opts.max_replies };
        let seed = crate::hash::fnv_hash(id.as_bytes());
        let holding_first = about_incident || (opts.crisis_mode && (primary.is_crisis_risk() || spiking));
        let replies = suggest(plan, primary, lang, severity, holding_first, msg.author.as_deref(), &opts.reply, seed, max);

        let categories = flagged
            .iter()
            .map(|c| CategoryScore { category: *c, score: score[c.index()], evidence: std::mem::take(&mut evidence[c.index()]) })
            .collect();
        let scores = if opts.omit_scores { BTreeMap::new() } else { Category::ALL.iter().map(|c| (*c, score[c.index()])).collect() };
        Verdict {
            id,
            lang,
            primary,
            categories,
            scores,
            severity,
            response,
            reply_within_minutes,
            reply_by,
            signals,
            incident: about_incident,
            replies,
            warnings,
        }
    }
}

fn round3(x: f32) -> f32 {
    (x.clamp(0.0, 1.0) * 1000.0).round() / 1000.0
}
