// Property tests of the JS side of the wasm boundary, with fast-check, over the real wasm build
// (build/pkg, or SENTINELLE_PKG as in smoke.test.mjs):
// - `unpackVerdicts` (extension/lib/engine.js) on real packed streams, then on those streams
//   mutated: it returns the verdicts `engine.triage` gives, or throws an Error — never returns
//   odd objects silently, never spins;
// - `segments` (extension/lib/verdict.js) on the engine's own evidence: spans counted in code
//   points become slices of the JS (UTF-16) string that are the evidence's text, never half a
//   surrogate pair, and the segments put back together are the text.
// FUZZ_RUNS sets the number of runs per property (default 300); docs/reliability/fuzz.md has the
// counts of the last long run. A failure prints fast-check's seed and path: replay with
// FUZZ_SEED=<seed> FUZZ_PATH=<path>.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { ROOT } from './helpers.mjs';
import { PACK_FORMAT, startEngine, triageOptions, unpackVerdicts } from '../../extension/lib/engine.js';

const PKG = process.env.SENTINELLE_PKG || join(ROOT, 'build', 'pkg');
const RUNS = Number(process.env.FUZZ_RUNS) || 300;
const replay = process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED), path: process.env.FUZZ_PATH } : {};
const params = { numRuns: RUNS, ...replay };

let engine;
let V;

before(async () => {
  for (const f of ['sentinelle.js', 'sentinelle_bg.wasm']) {
    assert.ok(existsSync(join(PKG, f)), `${join(PKG, f)} is missing: build the wasm engine first (scripts/build-wasm.sh)`);
  }
  const glue = await import(pathToFileURL(join(PKG, 'sentinelle.js')).href);
  engine = (await startEngine(glue, { wasm: readFileSync(join(PKG, 'sentinelle_bg.wasm')) })).engine;
  // verdict.js reads the engine's lists from globalThis.Sentinelle.taxonomy: straight from the wasm.
  globalThis.Sentinelle = { taxonomy: Object.freeze(glue.taxonomy()) };
  await import(pathToFileURL(join(ROOT, 'extension', 'lib', 'verdict.js')).href);
  V = globalThis.Sentinelle.verdict;
});

/** Text like the pages': words, accents, emoji (astral: two UTF-16 units), joiners, confusables. */
const pieces = ['arnaque', 'escrocs', 'idiot', 'voleurs', 'merci', 'scam', 'sc4m', 'ѕсаm', 'vous êtes des', ' ', ' ', '\n', '!', '?', '« ', ' »', '😡', '🤬', '❤️', '👨‍👩‍👧', '𝕍𝕠𝕦𝕤', 'e\u0301', '\u200b', 'ﬁ', 'İ', 'ß', '@Zoé', 'je vais te tuer', 'rendez l\'argent', 'fake news', 'covid'];
const socialText = fc.oneof(
  fc.array(fc.constantFrom(...pieces), { maxLength: 30 }).map((a) => a.join('')),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 40 }), // lone surrogates too: what a page can hold
);
const batchOf = fc.array(socialText, { minLength: 1, maxLength: 8 }).map((texts) => texts.map((text, i) => ({ id: `m${i}`, text, ...(i % 2 ? { time: 1.7e12 + i, author: '@a' } : {}) })));

/** A value as the reader may build it: JSON-like, plain objects, dense lists, well-formed strings. */
function wellFormed(x, path = 'v') {
  if (x === null || typeof x === 'boolean' || typeof x === 'number') return;
  if (typeof x === 'string') {
    assert.ok(x.isWellFormed(), `${path}: a string with a lone surrogate`);
    return;
  }
  if (Array.isArray(x)) {
    for (let k = 0; k < x.length; k++) {
      assert.ok(k in x, `${path}[${k}]: a hole`);
      wellFormed(x[k], `${path}[${k}]`);
    }
    return;
  }
  assert.equal(typeof x, 'object', `${path}: a ${typeof x}`);
  assert.equal(Object.getPrototypeOf(x), Object.prototype, `${path}: not a plain object`);
  for (const [k, v] of Object.entries(x)) wellFormed(v, `${path}.${k}`);
}

test('real packed streams read back as the verdicts engine.triage gives', () => {
  fc.assert(
    fc.property(batchOf, fc.boolean(), (batch, scores) => {
      const options = triageOptions({ agent: 'Léa' }, 3, { scores });
      const [numbers, text] = engine.triagePacked(batch, options);
      const verdicts = unpackVerdicts(numbers, text);
      assert.deepEqual(verdicts, engine.triage(batch, options));
      verdicts.forEach((v) => wellFormed(v));
    }),
    params,
  );
});

/**
 * The stream's grammar (src/web/packed.rs) read as plainly as possible, every rule checked: the
 * oracle the reader under test is held to. Returns the verdicts, or null for a stream it refuses.
 */
function reference(numbers, text) {
  let i = 0;
  let at = 0;
  const keys = [];
  const fail = () => {
    throw new RangeError('refused');
  };
  const num = () => (i < numbers.length ? numbers[i++] : fail());
  const count = (max) => {
    const n = num();
    return Number.isInteger(n) && n >= 0 && n <= max ? n : fail();
  };
  const str = (len) => {
    if (!Number.isInteger(len) || len < 0 || at + len > text.length) fail();
    const s = text.slice(at, (at += len));
    return s.isWellFormed() ? s : fail();
  };
  const value = (depth) => {
    if (depth > 5000) fail();
    const tag = num();
    if (tag === 0) return null;
    if (tag === 1) return false;
    if (tag === 2) return true;
    if (tag === 3) return num();
    if (tag === 4) return str(num());
    if (tag === 5) return Array.from({ length: count(numbers.length) }, () => value(depth + 1));
    if (tag === 6) {
      const n = count(numbers.length);
      const out = {};
      for (let k = 0; k < n; k++) {
        const key = num();
        let name;
        if (Number.isInteger(key) && key >= 0 && key < keys.length) name = keys[key];
        else if (Number.isInteger(key) && key < 0) keys.push((name = str(-key - 1)));
        else fail();
        if (name === '__proto__') fail();
        out[name] = value(depth + 1);
      }
      return out;
    }
    return fail();
  };
  try {
    if (!text.isWellFormed() || num() !== PACK_FORMAT) fail();
    const fields = count(Infinity);
    const n = count(numbers.length);
    const verdicts = [];
    for (let v = 0; v < n; v++) {
      if (numbers[i] !== 6 || numbers[i + 1] > fields) fail();
      verdicts.push(value(0));
    }
    return i === numbers.length && at === text.length ? verdicts : null;
  } catch (e) {
    if (e instanceof RangeError) return null; // refused (or nested past the stack: refused too)
    throw e;
  }
}

/** One change to a stream: a number set to a hostile value, numbers cut or inserted, text cut or grown. */
const hostileNumber = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7, -1, -2, -0, 0.5, 1.5, -0.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 32, 2 ** 32 - 1, 1e15, -1e15, Number.MAX_VALUE),
  fc.integer({ min: -100, max: 100 }),
  fc.double(),
);
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set'), at: fc.nat(), value: hostileNumber }),
  fc.record({ kind: fc.constant('insert'), at: fc.nat(), value: hostileNumber }),
  fc.record({ kind: fc.constant('delete'), at: fc.nat(), count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('truncate'), at: fc.nat() }),
  fc.record({ kind: fc.constant('text-cut'), at: fc.nat(), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('text-insert'), at: fc.nat(), value: fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }) }),
);

function mutate([numbers, text], mutations) {
  let n = Array.from(numbers);
  let t = text;
  for (const m of mutations) {
    const at = n.length ? m.at % (n.length + 1) : 0;
    const tat = m.at % (t.length + 1);
    switch (m.kind) {
      case 'set': if (n.length) n[at % n.length] = m.value; break;
      case 'insert': n.splice(at, 0, m.value); break;
      case 'delete': n.splice(at, m.count); break;
      case 'truncate': n = n.slice(0, at); break;
      case 'text-cut': t = t.slice(0, tat) + t.slice(tat + m.count); break;
      case 'text-insert': t = t.slice(0, tat) + m.value + t.slice(tat); break;
    }
  }
  return [Float64Array.from(n), t];
}

test('damaged streams give the verdicts or an Error, quickly, never odd objects', (t) => {
  const streams = [
    [{ id: 'a', text: 'Vous êtes des escrocs 😡, rendez l\'argent !', time: 1.7e12, author: '@Zoé' }, { id: 'b', text: '' }, { id: 'c', text: 'He called me an idiot 🤬 but thanks!' }],
    [{ id: '1', text: '𝕍𝕠𝕦𝕤 ê𝕥𝕖𝕤 des escrocs 🤬🤬 je vais te tuer' }],
  ].map((batch) => engine.triagePacked(batch, triageOptions({})));
  let refused = 0;
  let read = 0;
  fc.assert(
    fc.property(fc.nat({ max: streams.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), (which, mutations) => {
      const stream = streams[which];
      const [numbers, text] = mutate(stream, mutations);
      const want = reference(numbers, text);
      const t0 = performance.now();
      let out;
      try {
        out = unpackVerdicts(numbers, text);
      } catch (e) {
        assert.ok(e instanceof Error, `threw a ${typeof e}, not an Error`);
        assert.equal(want, null, `refused a stream the grammar reads: ${e.message}`);
        refused++;
        return;
      } finally {
        assert.ok(performance.now() - t0 < 1000, 'the reader took over a second');
      }
      read++;
      assert.notEqual(want, null, 'read a stream the grammar refuses');
      assert.deepEqual(out, want);
      assert.ok(Array.isArray(out) && out.length === numbers[2], 'as many verdicts as the header says');
      for (const v of out) {
        assert.ok(v && typeof v === 'object' && !Array.isArray(v), 'a verdict is an object');
        wellFormed(v);
      }
    }),
    params,
  );
  // Most damage is caught; some (a score changed, a string's letter changed) still reads.
  t.diagnostic(`${refused} damaged streams refused, ${read} read as the grammar reads them`);
  assert.ok(refused > 0, `${refused} refused, ${read} read`);
});

test('hand-made damage the contract names is refused', () => {
  const [numbers, text] = engine.triagePacked([{ id: 'x', text: 'Arnaque 😡' }], triageOptions({}));
  const n = Array.from(numbers);
  const with_ = (i, v) => Float64Array.from(n.map((x, k) => (k === i ? v : x)));
  assert.throws(() => unpackVerdicts(with_(2, 1.5), text), /verdict count 1.5/);
  assert.throws(() => unpackVerdicts(with_(2, 2 ** 40), text), /verdict count/);
  assert.throws(() => unpackVerdicts(with_(3, 4), text), /verdict 0 is not an object/);
  assert.throws(() => unpackVerdicts(with_(4, -1), text), /object length -1/);
  assert.throws(() => unpackVerdicts(Float64Array.from([...n, 0]), text), /1 numbers and 0 characters left over/);
  assert.throws(() => unpackVerdicts(numbers, text.slice(0, -1)), Error);
  // A key index past the keys read so far: the verdict's first key is new (-len - 1), made index 9.
  assert.throws(() => unpackVerdicts(with_(5, 9), text), /key index 9/);
  // A string that stops between the two UTF-16 units of an emoji (key `i`, then a 1-unit string).
  assert.throws(() => unpackVerdicts(Float64Array.from([2, 30, 1, 6, 1, -2, 4, 1, 4, 1]), 'i😡'), /cut inside a character/);
  // `__proto__` as a key: refused, not turned into the object's prototype.
  const stream = [Float64Array.from([2, 30, 1, 6, 1, -10, 4, 2]), '__proto__ab'];
  assert.throws(() => unpackVerdicts(...stream), /__proto__/);
  // A text with a lone surrogate cannot come from the engine.
  assert.throws(() => unpackVerdicts(Float64Array.from([2, 30, 1, 6, 1, -2, 4, 1]), 'a\ud800'), /not well-formed/);
});

test('evidence in code points becomes JS slices that are the evidence, whole characters', () => {
  fc.assert(
    fc.property(batchOf, (batch) => {
      const verdicts = engine.triage(batch, triageOptions({}));
      verdicts.forEach((v, i) => {
        // The engine reads a lone surrogate as U+FFFD: the text it saw is the well-formed one.
        const text = batch[i].text.toWellFormed();
        const evidence = v.categories.flatMap((c) => c.evidence);
        const cps = Array.from(text);
        for (const e of evidence) {
          assert.ok(Number.isInteger(e.start) && e.start < e.end && e.end <= cps.length, `${e.start}..${e.end} in ${cps.length} code points`);
          // The same span in UTF-16 units, as the browser's string indexes it.
          const u0 = cps.slice(0, e.start).join('').length;
          const u1 = u0 + cps.slice(e.start, e.end).join('').length;
          const slice = text.slice(u0, u1);
          assert.equal(slice, e.text);
          assert.ok(slice.isWellFormed(), 'a span cutting a surrogate pair');
        }
        const segs = V.segments(text, evidence);
        assert.equal(segs.map((s) => s.text).join(''), text, 'the segments are the whole text');
        for (const s of segs) {
          assert.ok(s.text.isWellFormed());
          if (s.evidence) for (const e of s.evidence) assert.ok(s.text.includes(e.text), `a mark holds ${JSON.stringify(e.text)}`);
        }
      });
    }),
    params,
  );
});
