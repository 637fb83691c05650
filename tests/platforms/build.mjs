#!/usr/bin/env node
// Bundles each platform fixture's real editor (Lexical, Draft.js + React 18, Quill, a
// React-controlled textarea, YouTube's plain contenteditable) and the hooks every fixture loads
// (editors/arrive.js: comments arriving, the page's clock and button) from node_modules with
// esbuild into build/platforms/, where tests/platforms/server.mjs serves them. Built at test time, never committed.
// Usage: node tests/platforms/build.mjs
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const OUT = fileURLToPath(new URL('../../build/platforms/', import.meta.url));
export const EDITORS = { lexical: 'lexical.js', draft: 'draft.jsx', quill: 'quill.js', textarea: 'textarea.jsx', youtube: 'youtube.js', arrive: 'arrive.js' };

export async function buildEditors() {
  mkdirSync(OUT, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(Object.entries(EDITORS).map(([name, file]) => [name, join(HERE, 'editors', file)])),
    outdir: OUT,
    bundle: true,
    format: 'iife',
    target: 'chrome116',
    jsx: 'automatic',
    // Draft.js reads process.env.NODE_ENV and `global`; React picks its production build.
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    minify: false,
    logLevel: 'warning',
  });
  return OUT;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildEditors();
  console.log(`editors bundled into ${OUT}`);
}
