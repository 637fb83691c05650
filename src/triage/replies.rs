//! Which replies a message gets: the incident's holding statement first, then the plan's
//! templates for the primary category, language and severity, in rotating order.

use crate::plan::Plan;
use crate::reply::{Reply, ReplyContext, Template};
use crate::taxonomy::{Category, Lang, Severity};

/// Ranked reply suggestions for a message: the incident's holding statement first when
/// `holding_first` (the message is about the active incident, or crisis mode is on and it is a
/// crisis risk), then the templates for the primary category, language
/// and severity. `seed` rotates the variants so that consecutive replies do not read the same.
#[allow(clippy::too_many_arguments, reason = "what a reply depends on, named")]
pub(super) fn suggest(
    plan: &Plan,
    primary: Category,
    lang: Lang,
    severity: Severity,
    holding_first: bool,
    author: Option<&str>,
    ctx: &ReplyContext,
    seed: u64,
    max: usize,
) -> Vec<Reply> {
    let value = |name: &str| -> Option<&str> {
        match name {
            "author" => author.map(|a| a.trim_start_matches('@')),
            "brand" => plan.brand.as_deref(),
            "agent" => ctx.agent.as_deref(),
            "link" => ctx.link.as_deref(),
            other => ctx.values.get(other).map(String::as_str),
        }
    };
    let mut out = Vec::with_capacity(max.min(8));
    if holding_first {
        if let Some(inc) = &plan.incident {
            let st = inc.statement.get(&lang).or_else(|| inc.statement.get(&plan.default_lang)).or_else(|| inc.statement.values().next());
            if let Some(tpl) = st {
                out.push(tpl.render(lang, &plan.labels, &value));
            }
        }
    }
    let pick = |l: Lang, strict_sev: bool| -> Vec<&Template> {
        plan.templates.iter().filter(|t| t.category == primary && t.lang == l && (!strict_sev || t.suits(severity))).collect()
    };
    let mut cands = pick(lang, true);
    if cands.is_empty() {
        cands = pick(lang, false);
    }
    let mut render_lang = lang;
    if cands.is_empty() && lang != plan.default_lang {
        cands = pick(plan.default_lang, true);
        render_lang = plan.default_lang;
    }
    if !cands.is_empty() {
        let n = cands.len();
        let r = (seed % n as u64) as usize;
        for i in 0..n {
            if out.len() >= max {
                break;
            }
            out.push(cands[(r + i) % n].render(render_lang, &plan.labels, &value));
        }
    }
    out.truncate(max);
    out
}
