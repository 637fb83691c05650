// The manifests ask for exactly what docs/PERMISSIONS.md lists, each with its reason: the doc is
// the one reviewed source, parsed here, so a permission added without its row fails (and a row
// left behind after a permission is dropped fails too). No browser: runs with the smoke tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers.mjs';
import { firefoxManifest } from '../../scripts/package.mjs';

const BROWSERS = ['chrome', 'firefox'];
/** The manifest keys under review, and how to read each from a manifest. */
const KEYS = {
  permissions: (m) => m.permissions ?? [],
  optional_permissions: (m) => m.optional_permissions ?? [],
  host_permissions: (m) => m.host_permissions ?? [],
  optional_host_permissions: (m) => m.optional_host_permissions ?? [],
  'content_scripts.matches': (m) => (m.content_scripts ?? []).flatMap((c) => [...(c.matches ?? []), ...(c.include_globs ?? []), ...(c.exclude_matches ?? [])]),
  // Each resource and who may load it: a new match pattern on an existing file is a change too.
  web_accessible_resources: (m) => (m.web_accessible_resources ?? []).flatMap((w) => (typeof w === 'string' ? [w] : (w.resources ?? []).flatMap((r) => [...(w.matches ?? ['*']), ...(w.extension_ids ?? [])].map((to) => `${r} → ${to}`)))),
  data_collection_permissions: (m) => {
    const d = m.browser_specific_settings?.gecko?.data_collection_permissions ?? {};
    return [...(d.required ?? []), ...(d.optional ?? []).map((p) => `optional:${p}`)];
  },
};

/**
 * The reviewed list: `{key: [{value, browsers: Set, reason}]}` from the `###` sections under
 * "## Reviewed list". A key with no table has no rows.
 */
export function reviewedList(markdown) {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Reviewed list'));
  assert.ok(section, 'docs/PERMISSIONS.md has no "## Reviewed list" section');
  const list = {};
  for (const part of section.split(/^### /m).slice(1)) {
    const key = part.split('\n')[0].trim();
    const rows = [];
    for (const line of part.split('\n')) {
      const m = /^\|\s*`([^`]+)`\s*\|([^|]*)\|(.*)\|\s*$/.exec(line);
      if (!m) continue;
      rows.push({ value: m[1], browsers: new Set(m[2].split(',').map((b) => b.trim()).filter(Boolean)), reason: m[3].trim() });
    }
    list[key] = rows;
  }
  return list;
}

const DOC = readFileSync(join(ROOT, 'docs', 'PERMISSIONS.md'), 'utf8');
const chrome = JSON.parse(readFileSync(join(ROOT, 'extension', 'manifest.json'), 'utf8'));
const MANIFESTS = { chrome, firefox: firefoxManifest(chrome) };

/** Every difference between the manifests and the doc, as sentences. */
function differences(list, manifests) {
  const problems = [];
  for (const key of Object.keys(KEYS)) if (!(key in list)) problems.push(`docs/PERMISSIONS.md has no "### ${key}" section`);
  for (const key of Object.keys(list)) if (!(key in KEYS)) problems.push(`docs/PERMISSIONS.md reviews "${key}", which this test does not read: add it to KEYS`);
  for (const [key, read] of Object.entries(KEYS)) {
    const rows = list[key] ?? [];
    for (const r of rows) {
      if (r.reason.split(/\s+/).length < 4) problems.push(`${key} \`${r.value}\`: its reason is too short to review: "${r.reason}"`);
      for (const b of r.browsers) if (!BROWSERS.includes(b)) problems.push(`${key} \`${r.value}\`: unknown browser "${b}"`);
    }
    for (const browser of BROWSERS) {
      const asked = new Set(read(manifests[browser]));
      const reviewed = new Set(rows.filter((r) => r.browsers.has(browser)).map((r) => r.value));
      for (const v of asked) if (!reviewed.has(v)) problems.push(`${browser} manifest: ${key} \`${v}\` has no row (and reason) in docs/PERMISSIONS.md`);
      for (const v of reviewed) if (!asked.has(v)) problems.push(`docs/PERMISSIONS.md: ${key} \`${v}\` (${browser}) is not in the ${browser} manifest any more: remove its row`);
    }
  }
  return problems;
}

test('the manifests ask for exactly the reviewed permissions, each with its reason', () => {
  assert.deepEqual(differences(reviewedList(DOC), MANIFESTS), []);
});

test('the packaged manifests are the ones reviewed', (t) => {
  // dist/ is a build output: checked when it exists (npm run test:e2e packages first).
  for (const browser of BROWSERS) {
    const path = join(ROOT, 'dist', browser, 'manifest.json');
    if (!existsSync(path)) {
      t.diagnostic(`${path} missing: run node scripts/package.mjs to check it too`);
      continue;
    }
    const shipped = JSON.parse(readFileSync(path, 'utf8'));
    for (const [key, read] of Object.entries(KEYS)) assert.deepEqual(read(shipped), read(MANIFESTS[browser]), `${browser}: ${key} in dist differs from the source manifest`);
  }
});

test('a permission added without its row, or a row left behind, fails', () => {
  // The same check on edited copies: it must be able to fail, in both directions.
  const more = structuredClone(chrome);
  more.permissions.push('tabs');
  more.host_permissions = ['https://example.com/*'];
  more.web_accessible_resources = [{ resources: ['wasm/sentinelle_bg.wasm'], matches: ['<all_urls>'] }];
  const problems = differences(reviewedList(DOC), { chrome: more, firefox: firefoxManifest(more) });
  for (const want of ['chrome manifest: permissions `tabs`', 'firefox manifest: permissions `tabs`', 'chrome manifest: host_permissions `https://example.com/*`', 'chrome manifest: web_accessible_resources `wasm/sentinelle_bg.wasm → <all_urls>`']) {
    assert.ok(problems.some((p) => p.startsWith(want)), `not caught: ${want}\n${problems.join('\n')}`);
  }
  const fewer = structuredClone(chrome);
  fewer.permissions = fewer.permissions.filter((p) => p !== 'contextMenus');
  assert.ok(differences(reviewedList(DOC), { chrome: fewer, firefox: firefoxManifest(fewer) }).some((p) => p.includes('`contextMenus` (chrome) is not in the chrome manifest')));
  // A row whose reason says nothing is refused too.
  const terse = DOC.replace(/\| `storage` \| chrome, firefox \| [^|]*\|/, '| `storage` | chrome, firefox | needed |');
  assert.ok(differences(reviewedList(terse), MANIFESTS).some((p) => p.startsWith('permissions `storage`: its reason is too short')));
});
