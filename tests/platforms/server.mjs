// Serves the platform fixtures over HTTPS under the platforms' real hostnames (TOOLCHAIN.md,
// "Serving test pages under the platforms' real hostnames"): a self-signed certificate for every
// host, made with openssl at start in a temporary directory; the page is chosen by the Host
// header, and the bundled editors (build/platforms/, see build.mjs) are served at /_fixture/.
// Chromium reaches it through --host-resolver-rules (see `resolverRules`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OUT, buildEditors } from './build.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** Each platform: its host, the fixture page, and the URL a real post or thread has there. */
export const PLATFORMS = {
  facebook: { host: 'www.facebook.com', page: 'facebook.html', path: '/maisonlumiere/posts/pfbid02Lumiere' },
  business: { host: 'business.facebook.com', page: 'business.html', path: '/latest/inbox/facebook?asset_id=104857600000001' },
  instagram: { host: 'www.instagram.com', page: 'instagram.html', path: '/p/C9LumiereA1/' },
  x: { host: 'x.com', page: 'x.html', path: '/maisonlumiere/status/1864000000000000001' },
  linkedin: { host: 'www.linkedin.com', page: 'linkedin.html', path: '/feed/update/urn:li:activity:7270000000000000001/' },
  youtube: { host: 'www.youtube.com', page: 'youtube.html', path: '/watch?v=LumiereOpal' },
};

export const urlOf = (platform) => `https://${PLATFORMS[platform].host}${PLATFORMS[platform].path}`;

/**
 * Sites no built-in adapter knows (kept out of PLATFORMS, whose every entry e2e-platforms expects
 * the shipped content script to run on): the help desk that e2e-teach teaches by pointing.
 */
export const UNKNOWN_SITES = {
  helpdesk: { host: 'support.example-helpdesk.com', page: 'helpdesk.html', path: '/agent/tickets/4821' },
};
export const unknownUrlOf = (site) => `https://${UNKNOWN_SITES[site].host}${UNKNOWN_SITES[site].path}`;
const ALL_SITES = [...Object.values(PLATFORMS), ...Object.values(UNKNOWN_SITES)];

/** Chromium's rule: the fixtures' hosts to the local server, every other name unresolvable. */
export function resolverRules(port) {
  const maps = ALL_SITES.map((p) => `MAP ${p.host} 127.0.0.1:${port}`);
  return `--host-resolver-rules=${[...maps, 'MAP * ~NOTFOUND', 'EXCLUDE localhost'].join(', ')}`;
}

function certificate(dir) {
  const san = ALL_SITES.map((p) => `DNS:${p.host}`).join(',');
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
    '-subj', '/CN=sentinelle-fixtures', '-addext', `subjectAltName=${san}`], { stdio: 'ignore' });
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

/** Builds the editors, starts the server on a free port; resolves `{port, args, stop}`. */
export async function startPlatformServer() {
  await buildEditors();
  const dir = mkdtempSync(join(tmpdir(), 'sentinelle-cert-'));
  let tls;
  try {
    tls = certificate(dir);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`openssl could not make the test certificate (install openssl): ${e.message}`);
  }
  const byHost = new Map(ALL_SITES.map((p) => [p.host, p.page]));
  const server = createServer(tls, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const path = new URL(req.url, 'https://x').pathname;
    const editor = path.match(/^\/_fixture\/(\w+)\.js$/);
    try {
      if (editor) {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        res.end(readFileSync(join(OUT, `${editor[1]}.js`)));
      } else if (byHost.has(host) && !path.includes('.')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(readFileSync(join(HERE, byHost.get(host))));
      } else {
        res.writeHead(404).end();
      }
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    port,
    args: [resolverRules(port), '--ignore-certificate-errors'],
    stop() {
      server.closeAllConnections?.();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
