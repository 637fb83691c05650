/*
 * The team policy: the plan an administrator pushes through enterprise policy (managed storage),
 * and what the agent may still change in it. Pure helpers, no DOM and no chrome.*: the background
 * applies them, the options page asks them which parts to show read-only, and the Node unit tests
 * load them as they are.
 *
 *   managed storage {plan, locked, allowAgentTemplates} ─readPolicy─▶ policy
 *   policy plan (or the default plan when it is absent or invalid) ─┐
 *   the agent's own saved plan ─────────────────────────────────────┴─layerPlan─▶ the effective plan
 *   an edit the agent saves ─lockedChanges─▶ one error per locked part it changed (refused)
 *
 * "Locked" names top-level parts of the plan (`brand`, `templates`, …). A locked part is the
 * policy's, whatever the agent's saved plan says; an unlocked part is the agent's when their
 * saved plan has it. Locked templates are the policy's templates; with `allowAgentTemplates` the
 * agent's own templates (ids the policy does not use) come after them.
 */

/** The managed storage's items as a policy, or null when the administrator set none of them. */
export function readPolicy(items) {
  if (!items || typeof items !== 'object') return null;
  if (!['plan', 'locked', 'allowAgentTemplates'].some((k) => items[k] !== undefined)) return null;
  let plan = null;
  if (typeof items.plan === 'string' && items.plan.trim()) plan = items.plan;
  // An object is accepted too: Firefox's policies.json has no schema that would make it a string.
  else if (items.plan && typeof items.plan === 'object' && !Array.isArray(items.plan)) plan = JSON.stringify(items.plan, null, 2);
  const locked = Array.isArray(items.locked) ? [...new Set(items.locked.filter((k) => typeof k === 'string' && k))] : [];
  return { plan, locked, allowAgentTemplates: items.allowAgentTemplates === true };
}

/** Equal as JSON values, whatever the order of object keys. */
export function sameJson(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]));
}

const templatesOf = (doc) => (Array.isArray(doc?.templates) ? doc.templates : []);
const templateIds = (doc) => new Set(templatesOf(doc).map((t) => t?.id));

/** The agent's own templates in `agent`: those whose id the policy's plan `base` does not use. */
export function agentTemplates(base, agent) {
  const ids = templateIds(base);
  return templatesOf(agent).filter((t) => !ids.has(t?.id));
}

/**
 * The effective plan: `base` (the policy's plan, as an object) with the agent's saved plan
 * (`agent`, an object or null) layered on its unlocked parts.
 */
export function layerPlan(base, agent, policy) {
  const out = structuredClone(base);
  if (!agent || typeof agent !== 'object') return out;
  const locked = new Set(policy.locked);
  for (const [k, v] of Object.entries(agent)) if (!locked.has(k)) out[k] = structuredClone(v);
  if (locked.has('templates')) {
    out.templates = structuredClone(templatesOf(base));
    if (policy.allowAgentTemplates) out.templates.push(...structuredClone(agentTemplates(base, agent)));
  }
  return out;
}

/**
 * Every change `doc` (a plan the agent wants to save) makes to a locked part of `base`, as
 * `[{path, message}]` in the engine's path syntax. `say(key, args)` words the messages
 * (chrome.i18n.getMessage in the extension).
 */
export function lockedChanges(base, doc, policy, say) {
  const errors = [];
  for (const k of policy.locked) {
    if (k !== 'templates' && !sameJson(base[k], doc?.[k])) errors.push({ path: k, message: say('errPolicyLocked', [k]) });
  }
  if (!policy.locked.includes('templates')) return errors;
  const mine = templatesOf(doc);
  const at = new Map(mine.map((t, i) => [t?.id, i]));
  for (const t of templatesOf(base)) {
    const i = at.get(t?.id);
    if (i === undefined) errors.push({ path: 'templates', message: say('errPolicyTemplateRemoved', [String(t?.id)]) });
    else if (!sameJson(t, mine[i])) errors.push({ path: `templates[${i}]`, message: say('errPolicyTemplateLocked', [String(t?.id)]) });
  }
  if (!policy.allowAgentTemplates) {
    const ids = templateIds(base);
    mine.forEach((t, i) => {
      if (!ids.has(t?.id)) errors.push({ path: `templates[${i}]`, message: say('errPolicyNoAgentTemplates', [String(t?.id)]) });
    });
  }
  return errors;
}

/** The top-level part of the plan an editor path (`deadlines.crisis`, `templates[3].body`) is in. */
export const partOf = (path) => /^[^.[]*/.exec(path)[0];
