#!/usr/bin/env node
// The demo server: static files on 127.0.0.1 only, no dependencies.
//
//   /            → www/                (demo inbox, triage page)
//   /pkg/        → build/pkg/          (the wasm engine, the same build the extension ships)
//   /lib/        → build/lib/          (scripts generated from the engine by scripts/package.mjs:
//                                       taxonomy.js), then extension/lib/ (the glue shared with the
//                                       extension: one copy)
//   /_locales/   → extension/_locales/ (the extension's strings, reused by the triage page)
//   /vendor/quill/ → node_modules/quill/dist/ (the rich-text reply box of the demo's scenario; npm ci)
//
// Every page is sent with a strict CSP (`script-src 'self' 'wasm-unsafe-eval'`, no inline code;
// workers from this server or a Blob: the triage page's worker, the .xlsx export's compressor),
// the kind of page where wasm cannot run in a content script: the extension has to cope.
// Usage: PORT=8080 node scripts/serve.mjs   (PORT=0 picks a free port; the address is printed)
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PKG = process.env.SENTINELLE_PKG || join(ROOT, 'build', 'pkg');
const MOUNTS = [
  ['/pkg/', PKG],
  ['/lib/', join(ROOT, 'build', 'lib')],
  ['/lib/', join(ROOT, 'extension', 'lib')],
  ['/_locales/', join(ROOT, 'extension', '_locales')],
  ['/vendor/quill/', join(ROOT, 'node_modules', 'quill', 'dist')],
  ['/', join(ROOT, 'www')],
];
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm', // instantiateStreaming insists on it
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.csv': 'text/csv; charset=utf-8',
  '.jsonl': 'application/jsonl; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};
const HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; " +
    // The .xlsx writer of the triage page's export (write-excel-file's fflate) compresses a big
    // sheet in a worker it builds from a Blob; without this it waits forever.
    "worker-src 'self' blob:",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** The file for a URL path, or null: the first mount that has it. Never leaves the mounted folder. */
function resolve(pathname) {
  let path;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  for (const [prefix, dir] of MOUNTS) {
    if (!path.startsWith(prefix)) continue;
    let file = normalize(join(dir, path.slice(prefix.length)));
    if (file !== dir && !file.startsWith(dir + sep)) return null;
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (existsSync(file) && statSync(file).isFile()) return file;
  }
  return null;
}

const server = createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...HEADERS, Allow: 'GET, HEAD' }).end();
    return;
  }
  const { pathname } = new URL(req.url, 'http://127.0.0.1');
  const file = resolve(pathname);
  if (!file) {
    const hint = pathname.startsWith('/pkg/') ? ' (build the wasm engine first: build/pkg is missing)'
      : pathname === '/lib/taxonomy.js' ? ' (generated from the wasm build: run node scripts/package.mjs)' : '';
    res.writeHead(404, { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' }).end(`not found: ${pathname}${hint}\n`);
    return;
  }
  res.writeHead(200, { ...HEADERS, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
});

const port = Number(process.env.PORT ?? 8080);
server.on('error', (e) => {
  console.error(e.code === 'EADDRINUSE' ? `serve: port ${port} is taken; try PORT=8081` : `serve: ${e.message}`);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}/`;
  if (!existsSync(join(PKG, 'sentinelle_bg.wasm'))) console.warn('serve: build/pkg is missing: the triage page needs the wasm build');
  console.log(`Sentinelle demo: ${url} (inbox), ${url}triage.html (triage)`);
});
