/*
 * The plan as the options page edits it: one document with two views (the form and the JSON).
 * Pure helpers, no DOM and no chrome.*: the options page, the background (`fingerprint`, to refuse
 * a save based on a plan that changed since) and the Node unit tests load them as they are.
 */

/** `a.b[2].c` → ['a', 'b', 2, 'c']: the engine's own path syntax (`templates[4].body`). */
export function parsePath(path) {
  const out = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

/** The engine's path syntax from parts: keys dotted, indices bracketed. */
export function formatPath(parts) {
  return parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');
}

export function getPath(doc, path) {
  let at = doc;
  for (const p of parsePath(path)) {
    if (at == null || typeof at !== 'object') return undefined;
    at = at[p];
  }
  return at;
}

/** Sets a value, making the objects on the way (an absent `incident` the form fills in). */
export function setPath(doc, path, value) {
  const parts = parsePath(path);
  let at = doc;
  for (const p of parts.slice(0, -1)) {
    if (at[p] == null || typeof at[p] !== 'object') at[p] = {};
    at = at[p];
  }
  at[parts[parts.length - 1]] = value;
}

/**
 * The JSON path of the value being read at 1-based `line`/`column` of `text`: where serde
 * stopped on a type error ("line 41, column 20: invalid type: string, expected u32"), turned
 * into the path a person can find (`deadlines.crisis`). serde counts columns in UTF-8 bytes.
 * Returns '' at the top level and null when the position is outside the text.
 */
export function pathAt(text, line, column) {
  const lines = text.split('\n');
  if (line < 1 || line > lines.length) return null;
  let offset = 0;
  for (let i = 0; i < line - 1; i++) offset += lines[i].length + 1;
  let bytes = 0;
  for (const ch of lines[line - 1]) {
    if (bytes >= column - 1) break;
    bytes += new TextEncoder().encode(ch).length;
    offset += ch.length;
  }
  // Frames: {kind: 'obj', key, expectKey} | {kind: 'arr', index}.
  const stack = [];
  const path = () => formatPath(stack.flatMap((f) => (f.kind === 'arr' ? (f.index >= 0 ? [f.index] : []) : f.key != null ? [f.key] : [])));
  for (let i = 0; i <= offset && i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') { s += text[j + 1] ?? ''; j += 2; } else s += text[j++];
      }
      if (top?.kind === 'obj' && top.expectKey) { top.key = s; top.expectKey = false; }
      i = j;
    } else if (c === '{') {
      if (top?.kind === 'arr' && top.index < 0) top.index = 0;
      stack.push({ kind: 'obj', key: null, expectKey: true });
    } else if (c === '[') {
      if (top?.kind === 'arr' && top.index < 0) top.index = 0;
      stack.push({ kind: 'arr', index: -1 });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      if (top?.kind === 'obj') { top.expectKey = true; top.key = null; } else if (top) top.index += 1;
    } else if (top?.kind === 'arr' && top.index < 0 && !/\s/.test(c)) {
      top.index = 0;
    }
  }
  return path();
}

/**
 * The engine's errors with a path for every one: a parse or type error comes back as
 * "line L, column C"; it gets the JSON path found at that place, the position kept in the message.
 */
export function withPaths(errors, text) {
  return errors.map((e) => {
    const m = /^line (\d+), column (\d+)$/.exec(e.path);
    if (!m) return e;
    const path = pathAt(text, Number(m[1]), Number(m[2]));
    return path ? { path, message: `${e.message} (${e.path})` } : e;
  });
}

/** A short, stable fingerprint of a stored plan (cyrb53): what a draft was based on. */
export function fingerprint(text) {
  const s = text ?? '';
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${s.length}:${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)}`;
}

/** `{name}` variables a text uses (`{{` and `}}` are literal braces). */
export function variablesIn(text) {
  const out = new Set();
  for (const m of String(text ?? '').replace(/\{\{|\}\}/g, '').matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) out.add(m[1]);
  return out;
}

/**
 * The variables the plan allows, asked of the engine rather than retyped: the candidates are the
 * plan's declared `variables` and those its templates and statements already use; each is tried
 * in a probe template appended to the plan, and kept unless `check` reports that template.
 * `check(json)` is the engine's `planErrors`.
 */
export function allowedVariables(doc, check) {
  const candidates = new Set(Object.keys(doc?.variables ?? {}));
  for (const t of Array.isArray(doc?.templates) ? doc.templates : []) for (const v of variablesIn(t?.body)) candidates.add(v);
  for (const s of Object.values(doc?.incident?.statement ?? {})) for (const v of variablesIn(s)) candidates.add(v);
  const names = [...candidates];
  if (!names.length || !Array.isArray(doc?.templates)) return names;
  const base = doc.templates.length;
  const probe = structuredClone(doc);
  names.forEach((v, i) => probe.templates.push({ id: `__probe_${i}`, category: 'other', lang: 'en', body: `{${v}}` }));
  const refused = new Set();
  for (const e of check(JSON.stringify(probe))) {
    const m = /^templates\[(\d+)\]\.body/.exec(e.path);
    if (m && Number(m[1]) >= base) refused.add(names[Number(m[1]) - base]);
  }
  return names.filter((v) => !refused.has(v));
}

/** An id no template of the plan has yet: `complaint-fr-4`. */
export function freshTemplateId(doc, category, lang) {
  const ids = new Set((doc.templates ?? []).map((t) => t.id));
  for (let n = 1; ; n++) {
    const id = `${category}-${lang}-${n}`;
    if (!ids.has(id)) return id;
  }
}
