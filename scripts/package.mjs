#!/usr/bin/env node
// Assembles the browser extension from extension/ and the wasm build (build/pkg/):
//
//   build/pkg/ ─taxonomy()─▶ build/lib/taxonomy.js   (the engine's categories, severities, … as a
//                                                     universal script: served to www/ at /lib/)
//   node_modules/ (VENDOR) ─▶ build/lib/vendor/       (the same vendored builds, for www/triage.html)
//   node_modules/ (VENDOR: browser builds + licences) ─▶ lib/vendor/  (used by lib/templates-io.js)
//   extension/ + build/pkg/{sentinelle.js, sentinelle_bg.wasm} + build/lib/taxonomy.js + lib/vendor/
//                                                               ─▶ dist/chrome/   (MV3 manifest as written)
//                                                               ─▶ dist/firefox/  (manifest derived below)
//   dist/<browser>/ ─▶ dist/sentinelle-<version>-<browser>.zip  (reproducible: sorted, fixed dates)
//
// Node 20, no dependencies of its own (the vendored files come from `npm ci`).
// Usage: node scripts/package.mjs   (SENTINELLE_DIST: another output folder than dist/)
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'extension');
// SENTINELLE_PKG: a wasm build from elsewhere (a CI artifact), instead of build/pkg.
const PKG = process.env.SENTINELLE_PKG || join(ROOT, 'build', 'pkg');
const DIST = process.env.SENTINELLE_DIST || join(ROOT, 'dist');
const WASM_FILES = ['sentinelle.js', 'sentinelle_bg.wasm'];
/** Scripts generated from the engine, copied into each package's lib/ and served at /lib/. */
export const GENERATED_LIB = join(ROOT, 'build', 'lib');

/**
 * Third-party browser builds shipped in lib/vendor/, copied byte for byte from the npm packages
 * pinned in package.json (a reviewer can compare them with the registry's), each with its licence
 * and the licences of what its bundle inlines. Classic UMD scripts: loaded by <script>, they set
 * `Papa`, `readXlsxFile`, `writeXlsxFile` on the page's global object.
 */
export const VENDOR = [
  { from: 'papaparse/papaparse.min.js', to: 'papaparse.min.js' },
  { from: 'papaparse/LICENSE', to: 'papaparse.LICENSE.txt' },
  { from: 'read-excel-file/bundle/read-excel-file.min.js', to: 'read-excel-file.min.js' },
  { from: 'read-excel-file/LICENSE', to: 'read-excel-file.LICENSE.txt' },
  { from: 'write-excel-file/bundle/write-excel-file.min.js', to: 'write-excel-file.min.js' },
  { from: 'write-excel-file/LICENSE', to: 'write-excel-file.LICENSE.txt' },
  // Inlined in the two excel bundles: fflate (zip), saxen (XML, read-excel-file only).
  { from: 'fflate/LICENSE', to: 'fflate.LICENSE.txt' },
  { from: 'saxen/LICENSE', to: 'saxen.LICENSE.txt' },
];
const NODE_MODULES = join(ROOT, 'node_modules');

/** The vendored files' sources, or an error naming the missing ones (`npm ci` not run). */
export function vendorSources(modules = NODE_MODULES) {
  const files = VENDOR.map((v) => ({ ...v, src: join(modules, ...v.from.split('/')) }));
  const missing = files.filter((f) => !existsSync(f.src)).map((f) => f.from);
  if (missing.length) throw new Error(`node_modules lacks ${missing.join(', ')}: run \`npm ci\` first`);
  return files;
}

export const GECKO_ID = 'sentinelle@sentinelle.dev';
// 140 (ESR): the first Firefox that reads data_collection_permissions; MV3, module background
// scripts, 'wasm-unsafe-eval' and :has() all came earlier.
export const FIREFOX_MIN = '140.0';
export const FIREFOX_ANDROID_MIN = '142.0';

/** Firefox has no extension service workers: the same module runs as an event page there. */
export function firefoxManifest(chrome) {
  const m = structuredClone(chrome);
  delete m.minimum_chrome_version;
  m.background = { scripts: [chrome.background.service_worker], type: 'module' };
  // Firefox has no `storage.managed_schema` (its manifest schema warns on the key): it reads a
  // policy from policies.json "3rdparty" → "Extensions" → the gecko id below, unchecked, so the
  // id must stay fixed. docs/POLICY.md.
  delete m.storage;
  m.browser_specific_settings = {
    gecko: {
      id: GECKO_ID,
      strict_min_version: FIREFOX_MIN,
      // Nothing is collected or transmitted: triage runs on the device.
      data_collection_permissions: { required: ['none'] },
    },
    // Firefox for Android reads data_collection_permissions from 142.
    gecko_android: { strict_min_version: FIREFOX_ANDROID_MIN },
  };
  return m;
}

/**
 * The engine's vocabulary, asked of the wasm build itself (`taxonomy()` in src/web/bindings.rs):
 * `{categories, crisisRisk, severities, responses, langs, maxChars}`.
 */
export async function engineTaxonomy(pkg = PKG) {
  const glue = await import(pathToFileURL(join(pkg, 'sentinelle.js')).href);
  await glue.default({ module_or_path: readFileSync(join(pkg, 'sentinelle_bg.wasm')) });
  return glue.taxonomy();
}

/**
 * `lib/taxonomy.js`: a "universal" script (see extension/lib/messages.js) that sets
 * `globalThis.Sentinelle.taxonomy`, so the lists the JS side reads (verdict.js, messages.js,
 * the popup) are the engine's and are never retyped. A build output, never committed.
 */
export function taxonomyScript(taxonomy) {
  const lines = Object.entries(taxonomy).map(([k, v]) =>
    `    ${k}: ${Array.isArray(v) ? `Object.freeze(${JSON.stringify(v)})` : JSON.stringify(v)},`);
  return [
    '// Generated by scripts/package.mjs from the engine\'s taxonomy() (src/web/bindings.rs): do not edit.',
    '// A "universal" script (see lib/messages.js): it adds `globalThis.Sentinelle.taxonomy`.',
    '(() => {',
    '  \'use strict\';',
    '  const S = (globalThis.Sentinelle ??= {});',
    '  S.taxonomy = Object.freeze({',
    ...lines,
    '  });',
    '})();',
    '',
  ].join('\n');
}

/** Every file under `dir`, as sorted forward-slash paths relative to it (dotfiles skipped). */
export function listFiles(dir) {
  const out = [];
  (function walk(d) {
    for (const name of readdirSync(d)) {
      if (name.startsWith('.')) continue;
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full).split(sep).join('/'));
    }
  })(dir);
  return out.sort();
}

/**
 * A zip archive of `files` ([{name, data: Buffer}]), deflated where that helps. Dates are fixed
 * (1980-01-01) so the same inputs give the same bytes: a reviewer can rebuild and compare.
 */
export function zip(files) {
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  const UTF8 = 0x0800;
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of files) {
    const nameBuf = Buffer.from(name, 'utf8');
    const deflated = deflateRawSync(data, { level: 9 });
    const stored = deflated.length >= data.length;
    const body = stored ? data : deflated;
    const crc = crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(UTF8, 6);
    local.writeUInt16LE(stored ? 0 : 8, 8);
    local.writeUInt16LE(0, 10); // time 00:00
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by: 2.0, MS-DOS attributes
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(UTF8, 8);
    central.writeUInt16LE(stored ? 0 : 8, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42); // fields 30–41 (extra, comment, disk, attributes) stay 0
    locals.push(local, nameBuf, body);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** Files the manifest names, so a typo fails the build instead of the browser's loader. */
function referencedFiles(m) {
  return [
    ...Object.values(m.icons ?? {}),
    ...Object.values(m.action?.default_icon ?? {}),
    m.action?.default_popup,
    m.options_ui?.page,
    m.storage?.managed_schema,
    m.background?.service_worker,
    ...(m.background?.scripts ?? []),
    ...(m.content_scripts ?? []).flatMap((c) => [...(c.js ?? []), ...(c.css ?? [])]),
    `_locales/${m.default_locale}/messages.json`,
  ].filter(Boolean);
}

function assemble(browser, manifest) {
  const out = join(DIST, browser);
  rmSync(out, { recursive: true, force: true });
  // Dotfiles and the contributors' README stay out of the package.
  const shipped = (src) => !src.slice(SRC.length).split(sep).some((p) => p.startsWith('.')) && !src.endsWith('.md');
  cpSync(SRC, out, { recursive: true, filter: shipped });
  cpSync(GENERATED_LIB, join(out, 'lib'), { recursive: true });
  mkdirSync(join(out, 'lib', 'vendor'), { recursive: true });
  for (const v of vendorSources()) cpSync(v.src, join(out, 'lib', 'vendor', v.to));
  mkdirSync(join(out, 'wasm'), { recursive: true });
  for (const f of WASM_FILES) cpSync(join(PKG, f), join(out, 'wasm', f));
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  const missing = referencedFiles(manifest).filter((f) => !existsSync(join(out, f)));
  if (missing.length) throw new Error(`${browser}: the manifest names files that do not exist: ${missing.join(', ')}`);
  const files = listFiles(out).map((name) => ({ name, data: readFileSync(join(out, name)) }));
  const archive = join(DIST, `sentinelle-${manifest.version}-${browser}.zip`);
  writeFileSync(archive, zip(files));
  return { out, archive, count: files.length, bytes: statSync(archive).size };
}

async function main() {
  const absent = WASM_FILES.filter((f) => !existsSync(join(PKG, f)));
  if (absent.length) {
    console.error(`package: ${relative(ROOT, PKG) || PKG} is missing ${absent.join(' and ')}.\n` +
      'Build the wasm engine first (scripts/build-wasm.sh, see README.md), then run this again.');
    process.exit(1);
  }
  vendorSources(); // fail before deleting anything
  rmSync(GENERATED_LIB, { recursive: true, force: true });
  mkdirSync(GENERATED_LIB, { recursive: true });
  writeFileSync(join(GENERATED_LIB, 'taxonomy.js'), taxonomyScript(await engineTaxonomy()));
  // The demo's triage page exports CSV and .xlsx with the same vendored builds: served at
  // /lib/vendor/ from here (scripts/serve.mjs), copied into each package's lib/vendor/ anyway.
  mkdirSync(join(GENERATED_LIB, 'vendor'), { recursive: true });
  for (const v of vendorSources()) cpSync(v.src, join(GENERATED_LIB, 'vendor', v.to));
  const manifest = JSON.parse(readFileSync(join(SRC, 'manifest.json'), 'utf8'));
  mkdirSync(DIST, { recursive: true });
  for (const [browser, m] of [['chrome', manifest], ['firefox', firefoxManifest(manifest)]]) {
    const r = assemble(browser, m);
    console.log(`${browser}: ${relative(ROOT, r.out) || r.out}/ (${r.count} files), ${relative(ROOT, r.archive)} (${(r.bytes / 1024).toFixed(1)} KiB)`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    console.error(`package: ${e.message}`);
    process.exit(1);
  });
}
