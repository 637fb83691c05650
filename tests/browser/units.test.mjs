// Fast checks without a browser or the wasm: the message guards, the verdict helpers, the
// strings, the manifests, the zip writer and the demo server.
// They read the engine's lists from build/lib/taxonomy.js, which scripts/package.mjs generates
// from the wasm build: no list of categories is typed here.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { crc32, inflateRawSync } from 'node:zlib';
import { ROOT, startServer } from './helpers.mjs';
import { firefoxManifest, taxonomyScript, zip, GECKO_ID, GENERATED_LIB } from '../../scripts/package.mjs';

const TAXONOMY = join(GENERATED_LIB, 'taxonomy.js');
if (!existsSync(TAXONOMY)) throw new Error(`${TAXONOMY} is missing: build the wasm and run node scripts/package.mjs first`);
// In load order, as the manifest and the pages load them: the taxonomy first.
for (const f of [TAXONOMY, 'extension/lib/messages.js', 'extension/lib/verdict.js', 'extension/lib/i18n.js', 'extension/content/adapters.js']) {
  await import(pathToFileURL(f.startsWith('/') ? f : join(ROOT, f)).href);
}

const { messages: M, verdict: V, i18n, adapters, taxonomy: X } = globalThis.Sentinelle;
const read = (p) => readFileSync(join(ROOT, p), 'utf8');
const json = (p) => JSON.parse(read(p));

/** Every file under a folder of the repository, relative paths. */
function files(dir) {
  const out = [];
  (function walk(d) {
    for (const n of readdirSync(join(ROOT, d))) {
      const p = `${d}/${n}`;
      if (statSync(join(ROOT, p)).isDirectory()) walk(p);
      else out.push(p);
    }
  })(dir);
  return out;
}

describe('messages between the parts', () => {
  const msg = (over = {}) => ({ id: '1', text: 'Bonjour', ...over });
  test('a triage batch is accepted only in its exact shape', () => {
    assert.ok(M.isContentToBackground({ type: 'triage', messages: [msg(), msg({ author: 'A', time: 1, reach: 10, platform: 'x' })] }));
    assert.ok(M.isContentToBackground({ type: 'triage', messages: [] }));
    assert.ok(M.isContentToBackground({ type: 'triage', batch: 'a1b2:3', messages: [msg()] }));
    assert.ok(M.isContentToBackground({ type: 'triage', batch: 'a1b2:4', again: true, messages: [msg()] }));
    const bad = [
      { type: 'triage', batch: 7, messages: [] }, { type: 'triage', batch: '', messages: [] },
      { type: 'triage', again: 'yes', messages: [msg()] }, { type: 'triage', again: 1, messages: [msg()] },
      { type: 'triage', batch: 'x'.repeat(101), messages: [] },
      null, 'triage', [], { type: 'triage' }, { type: 'triage', messages: {} },
      { type: 'triage', messages: [msg({ id: 1 })] },
      { type: 'triage', messages: [msg({ text: 42 })] },
      { type: 'triage', messages: [msg({ text: 'x'.repeat(M.MAX_TEXT + 1) })] },
      { type: 'triage', messages: [msg({ reach: 1.5 })] },
      { type: 'triage', messages: [msg({ time: 'now' })] },
      { type: 'triage', messages: Array.from({ length: M.MAX_BATCH + 1 }, () => msg()) },
      { type: 'plan:save', plan: '{}' }, // privileged: never from a content script
    ];
    for (const b of bad) assert.equal(M.isContentToBackground(b), false, JSON.stringify(b)?.slice(0, 80));
  });

  test('page messages are typed too', () => {
    assert.ok(M.isPageToBackground({ type: 'status' }));
    assert.ok(M.isPageToBackground({ type: 'plan:save', plan: '{}' }));
    assert.ok(M.isPageToBackground({ type: 'settings:save', settings: { agent: 'A', link: '' } }));
    assert.equal(M.isPageToBackground({ type: 'plan:save', plan: 42 }), false);
    assert.equal(M.isPageToBackground({ type: 'settings:save', settings: { agent: 7 } }), false);
    assert.equal(M.isPageToBackground({ type: 'triage', messages: [] }), false);
  });

  test('senders: our pages, our content scripts, anything else', () => {
    const id = 'abc';
    const origin = 'chrome-extension://abc/';
    assert.equal(M.senderKind({ id, url: `${origin}pages/options.html`, tab: { id: 3 }, frameId: 0 }, id, origin), 'page');
    assert.equal(M.senderKind({ id, url: `${origin}pages/popup.html` }, id, origin), 'page');
    assert.equal(M.senderKind({ id, url: 'https://x.com/home', tab: { id: 3 }, frameId: 0 }, id, origin), 'content');
    assert.equal(M.senderKind({ id: 'other', url: `${origin}pages/options.html` }, id, origin), 'other');
    assert.equal(M.senderKind({ id, url: 'https://x.com/home' }, id, origin), 'other', 'no tab, not our page');
    assert.equal(M.senderKind({ id, url: `${origin}pages/options.html`, tab: { id: 3 }, frameId: 2 }, id, origin), 'other', 'framed');
    assert.equal(M.senderKind(undefined, id, origin), 'other');
  });
});

describe('reading verdicts', () => {
  test('segments follow code points and merge overlapping evidence', () => {
    const text = '😡 Vous êtes des escrocs et des voleurs';
    const cps = Array.from(text);
    const at = (word) => { const s = cps.join('').indexOf(word); return Array.from(text.slice(0, s)).length; };
    const e1 = { start: at('escrocs'), end: at('escrocs') + 7, text: 'escrocs', rule: 'escroc*' };
    const e2 = { start: at('des voleurs'), end: at('des voleurs') + 11, rule: 'r1' };
    const e3 = { start: at('voleurs'), end: at('voleurs') + 7, rule: 'voleur*' };
    const segs = V.segments(text, [e3, e1, e2]);
    assert.equal(segs.map((s) => s.text).join(''), text, 'nothing lost or repeated');
    assert.deepEqual(segs.filter((s) => s.evidence).map((s) => s.text), ['escrocs', 'des voleurs']);
    assert.equal(segs.find((s) => s.text === 'des voleurs').evidence.length, 2);
  });

  test('bad spans are ignored, not thrown', () => {
    assert.deepEqual(V.segments('abc', [{ start: 2, end: 9 }, { start: 2, end: 1 }, { start: 'x', end: 2 }]), [{ text: 'abc', evidence: null }]);
    assert.deepEqual(V.segments('', []), [{ text: '', evidence: null }]);
  });

  test('deadline and tally', () => {
    const d = V.deadline({ replyWithinMinutes: 15, replyBy: 1000 }, 2000);
    assert.equal(d.overdue, true);
    assert.equal(V.deadline({ replyWithinMinutes: 15 }).by, null);
    const t = V.tally([{ primary: 'abuse', severity: 'problem' }, { primary: 'abuse', severity: 'crisis' }, { primary: 'praise', severity: 'routine' }]);
    assert.equal(t.total, 3);
    assert.equal(t.category.abuse, 2);
    assert.equal(t.severity.crisis, 1);
    assert.deepEqual(Object.keys(t.category), X.categories);
  });
});

describe('display helpers shared by the extension and the demo', () => {
  const t = i18n.translator(i18n.fromCatalog(json('extension/_locales/en/messages.json')));
  const hhmm = (d) => d.toISOString().slice(11, 16);

  test('deadlineLabel: overdue, reply by, reply within', () => {
    const at = Date.UTC(2025, 0, 1, 10, 30);
    assert.deepEqual(V.deadlineLabel({ replyWithinMinutes: 15, replyBy: at }, t, hhmm, at + 1), { text: 'overdue since 10:30', overdue: true });
    assert.deepEqual(V.deadlineLabel({ replyWithinMinutes: 15, replyBy: at }, t, hhmm, at - 1), { text: 'reply by 10:30', overdue: false });
    assert.deepEqual(V.deadlineLabel({ replyWithinMinutes: 15 }, t, hhmm), { text: 'reply within 15 min', overdue: false });
  });

  test('countItems: the engine\'s order, zeros and unknown keys left out, keys kept', () => {
    const doc = { createElement: (tag) => ({ tag, dataset: {}, textContent: '' }) };
    const items = V.countItems(doc, t, { severity: { crisis: 2, routine: 0, bogus: 4 }, category: { praise: 1, abuse: 3 } });
    assert.deepEqual(items.severity.map((li) => [li.tag, li.dataset.key, li.textContent]), [['li', 'crisis', 'Crisis: 2']]);
    const order = X.categories.filter((c) => c === 'praise' || c === 'abuse');
    assert.deepEqual(items.category.map((li) => li.dataset.key), order);
    assert.deepEqual(V.countItems(doc, t, { severity: {}, category: {} }), { severity: [], category: [] });
  });
});

describe('one taxonomy, the engine\'s', () => {
  test('verdict.js and messages.js read the generated lists, frozen', () => {
    assert.equal(V.CATEGORIES, X.categories);
    assert.equal(V.SEVERITIES, X.severities);
    assert.equal(V.RESPONSES, X.responses);
    assert.equal(M.MAX_TEXT, X.maxChars);
    assert.ok(Object.isFrozen(X) && Object.isFrozen(X.categories));
    assert.ok(X.categories.length > 5 && X.crisisRisk.every((c) => X.categories.includes(c)));
    assert.ok(Number.isSafeInteger(X.maxChars) && X.maxChars > 0);
  });

  test('no list of the taxonomy is retyped in the extension, the demo or the tests', () => {
    const quoted = (list) => new RegExp(list.map((v) => `['"]${v}['"]`).join('\\s*,\\s*'));
    const sources = [...files('extension'), ...files('www'), ...files('tests/browser')].filter((f) => /\.(m?js|html)$/.test(f));
    for (const list of [X.categories, X.severities, X.responses, X.crisisRisk]) {
      // Three values in the engine's order are already a copy of its list.
      const head = quoted(list.slice(0, 3));
      for (const f of sources) assert.doesNotMatch(read(f), head, `${f} retypes ${list.slice(0, 3)}…`);
    }
  });

  test('the taxonomy loads before the scripts that read it, everywhere', () => {
    const js = json('extension/manifest.json').content_scripts[0].js;
    assert.equal(js[0], 'lib/taxonomy.js');
    for (const f of [...files('extension'), 'www/triage.js'].filter((f) => /\.m?js$/.test(f))) {
      const src = read(f);
      const at = (name) => src.search(new RegExp(`^import '[./]*lib/${name}\\.js'`, 'm'));
      if (at('verdict') < 0 && at('messages') < 0) continue;
      if (f === 'www/triage.js') {
        assert.match(read('www/triage.html'), /<script src="\/lib\/taxonomy\.js"><\/script>\s*<script type="module" src="triage\.js">/, f);
        continue;
      }
      assert.ok(at('taxonomy') >= 0, `${f} imports lib/taxonomy.js`);
      for (const n of ['verdict', 'messages']) if (at(n) >= 0) assert.ok(at('taxonomy') < at(n), `${f}: taxonomy before ${n}`);
    }
  });

  test('the generated script is a universal script that freezes what it is given', () => {
    const src = taxonomyScript({ categories: ['a', 'b'], maxChars: 7 });
    const scope = {};
    new Function('globalThis', src)(scope);
    assert.deepEqual(JSON.parse(JSON.stringify(scope.Sentinelle.taxonomy)), { categories: ['a', 'b'], maxChars: 7 });
    assert.ok(Object.isFrozen(scope.Sentinelle.taxonomy.categories));
    assert.equal(read('.gitignore').includes('/build/'), true, 'build/lib/taxonomy.js is never committed');
  });
});

describe('strings', () => {
  const en = json('extension/_locales/en/messages.json');
  const fr = json('extension/_locales/fr/messages.json');

  test('English and French have the same keys and placeholders', () => {
    assert.deepEqual(Object.keys(fr).sort(), Object.keys(en).sort());
    for (const k of Object.keys(en)) {
      assert.deepEqual(Object.keys(fr[k].placeholders ?? {}), Object.keys(en[k].placeholders ?? {}), k);
      for (const name of Object.keys(en[k].placeholders ?? {})) {
        assert.ok(fr[k].message.includes(`$${name.toUpperCase()}$`), `fr ${k} uses $${name.toUpperCase()}$`);
      }
    }
    const wwwEn = json('www/locales/en.json');
    assert.deepEqual(Object.keys(json('www/locales/fr.json')).sort(), Object.keys(wwwEn).sort());
  });

  test('every string the code names exists', () => {
    const used = new Set();
    const sources = [...files('extension'), ...files('www')].filter((f) => /\.(js|html|json)$/.test(f) && !f.includes('_locales') && !f.includes('locales/'));
    for (const f of sources) {
      const src = read(f);
      for (const m of src.matchAll(/\b(?:t|getMessage)\('([A-Za-z_]+)'/g)) used.add(m[1]);
      for (const m of src.matchAll(/data-i18n(?:-[a-z-]+)?="([A-Za-z_]+)"/g)) used.add(m[1]);
      for (const m of src.matchAll(/__MSG_([A-Za-z_]+)__/g)) used.add(m[1]);
      // Keys built from a prefix: the prefix must be followed by every value it can take.
      for (const m of src.matchAll(/'(category_|severity_|response_|engineState_)' \+/g)) used.add(m[1]);
    }
    const expand = { category_: V.CATEGORIES, severity_: V.SEVERITIES, response_: V.RESPONSES, engineState_: ['loading', 'ready', 'error', 'stopped'] };
    const all = { ...en, ...json('www/locales/en.json') };
    for (const key of used) {
      if (key in expand) for (const v of expand[key]) assert.ok(en[key + v], `missing string ${key + v}`);
      else assert.ok(all[key], `missing string ${key}`);
    }
    assert.ok(used.size > 40, `found ${used.size} keys: the scan itself works`);
  });

  test('fromCatalog fills named placeholders like chrome.i18n', () => {
    const t = i18n.fromCatalog(en);
    assert.equal(t('cardReplyWithin', ['15']), 'reply within 15 min');
    assert.equal(t('popupTabSummary', ['3', 'demo']), '3 messages triaged (demo)');
    assert.equal(t('nope'), '');
    assert.equal(i18n.translator(t)('nope'), 'nope', 'a missing string shows its key');
  });
});

describe('manifests and packaging', () => {
  const manifest = json('extension/manifest.json');

  test('the Chromium manifest asks for little', () => {
    assert.equal(manifest.manifest_version, 3);
    // scripting + activeTab: the picker and the selection's card, injected on the agent's click;
    // contextMenus: "Triage with Sentinelle". Sites are asked for one at a time, when taught.
    assert.deepEqual(manifest.permissions, ['storage', 'scripting', 'activeTab', 'contextMenus']);
    assert.equal(manifest.host_permissions, undefined);
    assert.deepEqual(manifest.optional_host_permissions, ['https://*/*', 'http://*/*'], 'optional: granted per site from the popup');
    assert.equal(manifest.web_accessible_resources, undefined, 'nothing exposed to pages');
    assert.equal(manifest.content_security_policy.extension_pages, "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'");
    assert.equal(manifest.background.type, 'module');
    for (const k of ['name', 'description']) assert.match(manifest[k], /^__MSG_\w+__$/);
    const matches = manifest.content_scripts[0].matches;
    for (const m of ['http://127.0.0.1/*', 'http://localhost/*', 'https://x.com/*', 'https://business.facebook.com/*']) assert.ok(matches.includes(m), m);
    assert.ok(!matches.some((m) => m === '<all_urls>' || m.startsWith('*://*/')), 'no blanket host access');
  });

  test('the Firefox manifest is derived: event page, gecko id, same CSP', () => {
    const f = firefoxManifest(manifest);
    assert.deepEqual(f.background, { scripts: ['background.js'], type: 'module' });
    assert.equal(f.browser_specific_settings.gecko.id, GECKO_ID);
    assert.match(f.browser_specific_settings.gecko.strict_min_version, /^\d+\.0$/);
    assert.deepEqual(f.browser_specific_settings.gecko.data_collection_permissions, { required: ['none'] });
    assert.equal(f.minimum_chrome_version, undefined);
    assert.deepEqual(f.content_security_policy, manifest.content_security_policy);
    assert.equal(manifest.background.service_worker, 'background.js', 'the source is left alone');
  });

  test('the team policy\'s schema: Chromium reads it, Firefox is not shown a key it lacks', () => {
    assert.equal(manifest.storage.managed_schema, 'managed_schema.json');
    const schema = json('extension/managed_schema.json');
    assert.equal(schema.type, 'object');
    assert.deepEqual(Object.keys(schema.properties).sort(), ['allowAgentTemplates', 'locked', 'plan']);
    // Chromium's policy schemas know one type per value and no "any": an object plan would arrive empty.
    assert.equal(schema.properties.plan.type, 'string');
    assert.equal(schema.properties.locked.items.type, 'string');
    assert.equal(schema.properties.allowAgentTemplates.type, 'boolean');
    const f = firefoxManifest(manifest);
    assert.equal(f.storage, undefined, 'Firefox reads policies.json by gecko id, without a schema key');
    assert.equal(f.browser_specific_settings.gecko.id, GECKO_ID);
    assert.deepEqual(manifest.storage, { managed_schema: 'managed_schema.json' }, 'the source is left alone');
  });

  test('adapters are plain data with the fields the content script reads', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(adapters)), adapters, 'no functions, no regexps');
    const ids = adapters.map((a) => a.id);
    for (const id of ['demo', 'facebook', 'business.facebook', 'instagram', 'x', 'linkedin', 'youtube', 'generic']) assert.ok(ids.includes(id), id);
    assert.equal(adapters.at(-1).hosts[0], '*', 'the generic adapter comes last');
    for (const a of adapters) for (const k of ['id', 'platform', 'hosts', 'message', 'text', 'replyBox']) assert.ok(a[k], `${a.id}.${k}`);
  });

  test('the zip writer makes archives that unzip to the same bytes', () => {
    const files = [
      { name: 'manifest.json', data: Buffer.from('{"a": 1}\n'.repeat(50)) },
      { name: 'wasm/x.wasm', data: Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]) },
      { name: 'é/ü.txt', data: Buffer.alloc(0) },
    ];
    const archive = zip(files);
    assert.deepEqual(zip(files), archive, 'reproducible');
    // Read it back by its central directory.
    const eocd = archive.length - 22;
    assert.equal(archive.readUInt32LE(eocd), 0x06054b50);
    let at = archive.readUInt32LE(eocd + 16);
    for (const f of files) {
      assert.equal(archive.readUInt32LE(at), 0x02014b50);
      const [method, crc, size, nameLen, offset] = [archive.readUInt16LE(at + 10), archive.readUInt32LE(at + 16), archive.readUInt32LE(at + 20), archive.readUInt16LE(at + 28), archive.readUInt32LE(at + 42)];
      assert.equal(archive.subarray(at + 46, at + 46 + nameLen).toString('utf8'), f.name);
      const body = archive.subarray(offset + 30 + nameLen, offset + 30 + nameLen + size);
      const data = method === 8 ? inflateRawSync(body) : body;
      assert.deepEqual(data, f.data);
      assert.equal(crc32(data) >>> 0, crc);
      at += 46 + nameLen;
    }
    // And by an independent reader, when the machine has one.
    if (spawnSync('unzip', ['-v']).status === 0) {
      const dir = mkdtempSync(join(tmpdir(), 'sentinelle-zip-'));
      writeFileSync(join(dir, 't.zip'), archive);
      execFileSync('unzip', ['-tq', join(dir, 't.zip')]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('code hygiene the tests above rely on', () => {
  const code = [...files('extension'), ...files('www')].filter((f) => f.endsWith('.js'));

  test('no HTML parsing of strings anywhere in the extension or the demo', () => {
    for (const f of code) assert.doesNotMatch(read(f), /\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|createContextualFragment/, f);
  });

  test('no network API in the extension\'s own code (only the wasm glue fetches its own file)', () => {
    for (const f of code.filter((c) => c.startsWith('extension/'))) {
      assert.doesNotMatch(read(f), /\bfetch\(|XMLHttpRequest|WebSocket|sendBeacon|EventSource|RTCPeerConnection/, f);
    }
  });
});

describe('the demo server', () => {
  test('serves www, the shared lib and the locales; never a file outside them', async () => {
    const server = await startServer();
    try {
      const get = (p) => fetch(server.url.slice(0, -1) + p);
      const index = await get('/');
      assert.equal(index.status, 200);
      assert.match(index.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval'/);
      assert.match(await index.text(), /data-inbox/);
      const lib = await get('/lib/engine.js');
      assert.equal(lib.status, 200);
      assert.match(lib.headers.get('content-type'), /text\/javascript/);
      assert.equal(await lib.text(), read('extension/lib/engine.js'), 'the same file, not a copy');
      const taxonomy = await get('/lib/taxonomy.js');
      assert.equal(taxonomy.status, 200, 'the generated taxonomy is served where the pages load lib/ from');
      assert.equal(await taxonomy.text(), readFileSync(TAXONOMY, 'utf8'));
      assert.equal((await get('/_locales/fr/messages.json')).status, 200);
      for (const p of ['/../package.json', '/%2e%2e/package.json', '/lib/../../package.json', '/lib/%2e%2e/%2e%2e/package.json', '/pkg/%00']) {
        assert.equal((await get(p)).status, 404, p);
      }
      assert.equal((await fetch(server.url, { method: 'POST', body: 'x' })).status, 405);
    } finally {
      server.stop();
    }
  });
});

describe('the team policy (lib/policy.js)', async () => {
  const { readPolicy, layerPlan, lockedChanges, agentTemplates, sameJson, partOf } = await import(pathToFileURL(join(ROOT, 'extension/lib/policy.js')).href);
  const say = (k, args = []) => `${k}(${args.join(',')})`;
  const base = {
    name: 'Team',
    brand: { names: ['Team'] },
    deadlines: { crisis: 10 },
    spike: { min_count: 5 },
    templates: [{ id: 't1', category: 'complaint', lang: 'fr', body: 'team' }],
  };

  test('readPolicy: nothing set is no policy; a plan as a string or an object; locks cleaned', () => {
    assert.equal(readPolicy({}), null);
    assert.equal(readPolicy(undefined), null);
    assert.deepEqual(readPolicy({ locked: ['brand', 'brand', 3, ''] }), { plan: null, locked: ['brand'], allowAgentTemplates: false });
    assert.equal(readPolicy({ plan: '{"a":1}' }).plan, '{"a":1}');
    assert.deepEqual(JSON.parse(readPolicy({ plan: { a: 1 } }).plan), { a: 1 });
    assert.equal(readPolicy({ plan: '  ', allowAgentTemplates: 'yes' }).allowAgentTemplates, false);
  });

  test('layerPlan: the agent\'s unlocked parts over the policy\'s; locked templates keep the policy\'s, plus the agent\'s own when allowed', () => {
    const agent = { ...structuredClone(base), brand: { names: ['Mine'] }, spike: { min_count: 9 },
      templates: [{ id: 't1', category: 'complaint', lang: 'fr', body: 'changed' }, { id: 'own', category: 'question', lang: 'en', body: 'own' }] };
    const locked = { locked: ['brand', 'templates'], allowAgentTemplates: true };
    const out = layerPlan(base, agent, locked);
    assert.deepEqual(out.brand, base.brand);
    assert.equal(out.spike.min_count, 9);
    assert.deepEqual(out.templates.map((t) => `${t.id}:${t.body}`), ['t1:team', 'own:own']);
    assert.deepEqual(layerPlan(base, agent, { ...locked, allowAgentTemplates: false }).templates.map((t) => t.id), ['t1']);
    assert.deepEqual(layerPlan(base, agent, { locked: [], allowAgentTemplates: false }).templates.map((t) => t.body), ['changed', 'own']);
    assert.deepEqual(layerPlan(base, null, locked), base);
    assert.deepEqual(agentTemplates(base, agent).map((t) => t.id), ['own']);
    assert.equal(base.templates[0].body, 'team', 'the policy\'s plan is not modified');
  });

  test('lockedChanges: one error per changed locked part, with its path', () => {
    const policy = { locked: ['brand', 'deadlines', 'templates'], allowAgentTemplates: false };
    assert.deepEqual(lockedChanges(base, structuredClone(base), policy, say), []);
    // Key order is not a change.
    assert.deepEqual(lockedChanges(base, { ...structuredClone(base), deadlines: { crisis: 10 }, brand: { names: ['Team'] } }, policy, say), []);
    const doc = structuredClone(base);
    doc.brand.names = ['Other'];
    doc.spike.min_count = 1; // unlocked
    doc.templates = [{ id: 'own', category: 'question', lang: 'en', body: 'own' }, { ...base.templates[0], body: 'changed' }];
    assert.deepEqual(lockedChanges(base, doc, policy, say), [
      { path: 'brand', message: 'errPolicyLocked(brand)' },
      { path: 'templates[1]', message: 'errPolicyTemplateLocked(t1)' },
      { path: 'templates[0]', message: 'errPolicyNoAgentTemplates(own)' },
    ]);
    assert.deepEqual(lockedChanges(base, { ...structuredClone(base), templates: [] }, policy, say), [{ path: 'templates', message: 'errPolicyTemplateRemoved(t1)' }]);
    assert.deepEqual(lockedChanges(base, { ...structuredClone(base), templates: [...base.templates, { id: 'own' }] }, { ...policy, allowAgentTemplates: true }, say), []);
    const { deadlines, ...withoutDeadlines } = structuredClone(base);
    assert.deepEqual(lockedChanges(base, withoutDeadlines, policy, say).map((e) => e.path), ['deadlines']);
  });

  test('sameJson and partOf', () => {
    assert.ok(sameJson({ a: [1, { b: 2 }], c: undefined }, { a: [1, { b: 2 }] }));
    assert.ok(!sameJson([1, 2], [2, 1]));
    assert.ok(!sameJson({ a: 1 }, { a: '1' }));
    assert.equal(partOf('templates[3].body'), 'templates');
    assert.equal(partOf('deadlines.crisis'), 'deadlines');
    assert.equal(partOf('brand'), 'brand');
  });
});
