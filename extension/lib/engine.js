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
  const names = Array.isArray(doc.brand?.names) ? doc.brand.names.filter((n) => typeof n === 'string' && n.trim()) : [];
  return { name: String(doc.name ?? ''), version: doc.version, incident: doc.incident?.active ? doc.incident.name : null, brandNames: names };
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
  const [numbers, text] = triagePacked(engine, messages, options);
  return unpackVerdicts(numbers, text);
}

/**
 * `triage` without the unpacking: the packed stream `[numbers: Float64Array, text: string]`, for a
 * worker to post as it is (the numbers' buffer transfers) and the page to unpack
 * (www/triage-worker.js). With a `review` (a wasm `Review`), every verdict also goes into it.
 */
export function triagePacked(engine, messages, options, review = null) {
  const batch = messages.map((m, i) => {
    const out = { id: m.id == null ? String(i + 1) : String(m.id), text: String(m.text ?? '') };
    if (m.author != null && m.author !== '') out.author = String(m.author);
    if (Number.isFinite(m.time)) out.time = m.time;
    if (m.platform) out.platform = String(m.platform);
    if (m.lang) out.lang = String(m.lang);
    if (Number.isFinite(m.reach) && m.reach >= 0) out.reach = Math.floor(m.reach);
    return out;
  });
  if (!review) return engine.triagePacked(batch, options);
  // The post-crisis review also takes when each message was answered, where the export says.
  const replied = Float64Array.from(messages, (m) => (Number.isFinite(m.repliedAt) ? m.repliedAt : NaN));
  return engine.triagePackedReviewed(batch, options, review, replied);
}

/** The packed stream's format this reader reads: `PACK_FORMAT` in src/web/packed.rs. */
export const PACK_FORMAT = 2;

/**
 * Reads the verdicts `triagePacked` wrote (src/web/packed.rs describes the stream) into the
 * objects `engine.triage` gives. The stream is written by serde from the verdict's own type, so
 * this reader knows no field name: it rebuilds whatever objects, lists, strings and numbers were
 * written. It refuses another format (an engine and glue from different builds) and a verdict
 * with more fields than the header announces, with an error that says so.
 *
 * Anything else malformed is refused too, with an `Error`, never read into odd objects: a tag,
 * count, length or key index that is not a whole number in range, a string running past the text
 * or cutting a character in two, a key named `__proto__`, a verdict that is not an object, numbers
 * or text left over. The work is bounded by the stream's length (every value reads at least one
 * number), so a hostile stream cannot make it spin; tests/browser/fuzz.test.mjs mutates real
 * streams to hold it to this.
 */
export function unpackVerdicts(numbers, text) {
  if (numbers[0] !== PACK_FORMAT) {
    throw new Error(`packed verdicts: the engine wrote format ${numbers[0]}, this page reads format ${PACK_FORMAT}; the extension's files come from different builds: rebuild or reinstall it`);
  }
  const bad = (what) => new Error(`packed verdicts: ${what}; the stream is damaged`);
  if (typeof text !== 'string' || (typeof text.isWellFormed === 'function' && !text.isWellFormed())) throw bad('the text is not well-formed');
  const fields = numbers[1];
  const count = numbers[2];
  const end = numbers.length;
  // A whole number in 0..max, read at `i`: every count, length and key index is one.
  const whole = (x, max, what) => {
    if (!Number.isInteger(x) || x < 0 || x > max) throw bad(`${what} ${x} at ${i - 1}`);
    return x;
  };
  if (!Number.isInteger(fields) || fields < 0) throw bad(`a header of ${fields} fields`);
  const keys = [];
  let i = 3;
  let at = 0;
  const str = (len) => {
    const stop = at + whole(len, text.length - at, 'a string length');
    // A high surrogate last: the string stops inside a character (the text itself is well-formed).
    const last = stop > at ? text.charCodeAt(stop - 1) : 0;
    if (last >= 0xd800 && last <= 0xdbff) throw bad(`a string cut inside a character at ${at}`);
    const s = text.slice(at, stop);
    at = stop;
    return s;
  };
  const value = () => {
    switch (numbers[i++]) {
      case 0: return null;
      case 1: return false;
      case 2: return true;
      case 3:
        if (i >= end) throw bad('the numbers end inside a number');
        return numbers[i++];
      case 4: return str(numbers[i++]);
      case 5: {
        // Each item takes at least one number: a length past the end is damage, not a big list.
        const out = new Array(whole(numbers[i++], end - i, 'a list length'));
        for (let k = 0; k < out.length; k++) out[k] = value();
        return out;
      }
      case 6: {
        const n = whole(numbers[i++], end - i, 'an object length');
        const out = {};
        for (let k = 0; k < n; k++) {
          const key = numbers[i++];
          let name;
          if (key >= 0) name = keys[whole(key, keys.length - 1, 'a key index')];
          else keys.push((name = str(-key - 1)));
          if (name === '__proto__') throw bad(`a key named __proto__ at ${i - 1}`);
          out[name] = value();
        }
        return out;
      }
      default:
        throw new Error(`packed verdicts: unknown tag ${numbers[i - 1]} at ${i - 1}`);
    }
  };
  const verdicts = new Array(whole(count, end - 3, 'a verdict count'));
  for (let v = 0; v < count; v++) {
    // A verdict is an object whose field count comes next: checked before it is read.
    if (numbers[i] !== 6) throw bad(`verdict ${v} is not an object`);
    const n = numbers[i + 1];
    if (n > fields) throw new Error(`packed verdicts: verdict ${v} has ${n} fields, the header says at most ${fields}`);
    verdicts[v] = value();
  }
  if (i !== numbers.length || at !== text.length) {
    throw new Error(`packed verdicts: ${numbers.length - i} numbers and ${text.length - at} characters left over`);
  }
  return verdicts;
}
