/*
 * The one piece of glue around the wasm engine, shared by the background service worker, the
 * options page, the demo's triage page and the Node smoke test.
 *
 * It takes the wasm-bindgen module (`sentinelle.js`) as an argument instead of importing it,
 * because each user finds it at a different place (`../wasm/` in the extension, `/pkg/` in the
 * demo, `build/pkg/` in Node) and a service worker may not use dynamic `import()`.
 */

/**
 * Initialises the wasm and builds an engine.
 * @param glue   the namespace of `sentinelle.js` (`import * as glue from …`)
 * @param wasm   what `init` accepts: a URL, a Response, or the bytes (Node)
 * @param plan   the plan as a JSON string, or undefined for the embedded default plan
 * @returns {{engine, version: string, plan: {name: string}}}
 * @throws Error when the wasm does not load, or the plan's errors ("path: sentence" per line)
 */
export async function startEngine(glue, { wasm, plan } = {}) {
  await glue.default({ module_or_path: wasm });
  const engine = new glue.Engine(plan);
  return { engine, version: glue.version(), plan: describePlan(engine) };
}

/** The few plan facts the UI shows, without keeping the whole document around. */
export function describePlan(engine) {
  const doc = JSON.parse(engine.planJson());
  return { name: String(doc.name ?? ''), version: doc.version, incident: doc.incident?.active ? doc.incident.name : null };
}

/**
 * Every error of a plan as `[{path, message}]`, `[]` when it is valid. Text that is not JSON
 * comes back from the engine as an error too, with the place where parsing stopped.
 */
export function planErrors(glue, json) {
  return Array.from(glue.checkPlan(json), (e) => ({ path: String(e.path ?? ''), message: String(e.message ?? '') }));
}

/**
 * Builds the engine for a plan that passed `planErrors`, or returns its errors. An invalid plan
 * never replaces a working engine.
 */
export function buildEngine(glue, json) {
  const errors = planErrors(glue, json);
  if (errors.length) return { errors };
  try {
    return { engine: new glue.Engine(json), errors: [] };
  } catch (e) {
    return { errors: [{ path: '', message: String(e?.message ?? e) }] };
  }
}

/** The triage options from the agent's settings (`{agent, link}`); empty values stay unset so the
 * template shows its placeholder instead of an empty name. With `scores: false` the verdicts leave
 * out the score of every category (`scores`), which only an export needs: the flagged categories
 * carry their own. */
export function triageOptions(settings = {}, maxReplies = 3, { scores = true } = {}) {
  const reply = { values: {} };
  if (settings.agent?.trim()) reply.agent = settings.agent.trim();
  if (settings.link?.trim()) reply.link = settings.link.trim();
  return scores ? { reply, maxReplies } : { reply, maxReplies, omitScores: true };
}

/**
 * One batch through the engine. Coerces what the engine's serde types insist on (string ids,
 * whole-number reach) so a sloppy caller gets verdicts, not a type error.
 */
export function triage(engine, messages, options) {
  const batch = messages.map((m, i) => {
    const out = { id: m.id == null ? String(i + 1) : String(m.id), text: String(m.text ?? '') };
    if (m.author != null && m.author !== '') out.author = String(m.author);
    if (Number.isFinite(m.time)) out.time = m.time;
    if (m.platform) out.platform = String(m.platform);
    if (m.lang) out.lang = String(m.lang);
    if (Number.isFinite(m.reach) && m.reach >= 0) out.reach = Math.floor(m.reach);
    return out;
  });
  const [numbers, text] = engine.triagePacked(batch, options);
  return unpackVerdicts(numbers, text);
}

/**
 * Reads the verdicts `triagePacked` wrote (src/packed.rs describes the stream) into the objects
 * `engine.triage` gives: the same fields, left out when empty as there. A batch crosses the wasm
 * boundary as these two values; building each object from Rust cost a call per property.
 */
export function unpackVerdicts(numbers, text) {
  let i = 0;
  let at = 0;
  const num = () => numbers[i++];
  const str = () => {
    const end = at + numbers[i++];
    const s = text.slice(at, end);
    at = end;
    return s;
  };
  const list = (read) => {
    const out = new Array(num());
    for (let k = 0; k < out.length; k++) out[k] = read();
    return out;
  };
  const evidence = () => {
    const e = { start: num(), end: num(), text: str(), rule: str() };
    if (num()) e.reported = true;
    return e;
  };
  const verdicts = [];
  while (i < numbers.length) {
    const v = { id: str(), lang: str(), primary: str() };
    v.categories = list(() => ({ category: str(), score: num(), evidence: list(evidence) }));
    const scores = list(() => [str(), num()]);
    if (scores.length) v.scores = Object.fromEntries(scores);
    v.severity = str();
    v.response = str();
    v.replyWithinMinutes = num();
    const by = num();
    if (!Number.isNaN(by)) v.replyBy = by;
    const signals = list(() => ({ signal: str(), evidence: list(evidence) }));
    if (signals.length) v.signals = signals;
    v.incident = num() === 1;
    v.replies = list(() => {
      const r = { template: str(), text: str() };
      const missing = list(str);
      if (missing.length) r.missing = missing;
      return r;
    });
    const warnings = list(str);
    if (warnings.length) v.warnings = warnings;
    verdicts.push(v);
  }
  if (at !== text.length) throw new Error(`unpackVerdicts: ${text.length - at} characters left over`);
  return verdicts;
}
