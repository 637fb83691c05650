// What the built extension (dist/chrome) costs a page: bench/fixtures/scroll.html, an inbox in the
// demo adapter's markup, opens with FIRST messages and grows by STEP at each of ROUNDS scrolls to
// its end (500 + 10 × 450 = 5,000). Measured in headless Chromium, the page's own observers
// keeping the times:
//   - load → last chip: from navigation start to the <sentinelle-card> of the first screen's last
//     message; then, per round, from the new messages' insertion to their last chip;
//   - long animation frames (Long Animation Frames API), beside the same page without the
//     extension, and those in which no page script ran (Chromium hides content scripts from the
//     API, so these are the extension's scripts and the layout of its chips);
//   - the page's JS heap after a garbage collection (the content script's isolated world lives in
//     the same heap: the difference with the page alone is the extension's), and the background's
//     JS heap and the wasm engine's linear memory (DevTools protocol on the service worker).
// Checks the answer: one chip per message after every round.
//   node bench/extension-cost.mjs [MESSAGES=5000]
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST_CHROME, launchPlain, launchWithExtension } from '../tests/browser/helpers.mjs';
import { ROOT, benchSample } from './sample.mjs';

function serve(texts) {
  const page = fs.readFileSync(path.join(ROOT, 'bench/fixtures/scroll.html'));
  const json = JSON.stringify(texts);
  const server = http.createServer((req, res) => {
    const p = new URL(req.url, 'http://x').pathname;
    if (p === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    else if (p === '/messages.json') res.writeHead(200, { 'content-type': 'application/json' }).end(json);
    else res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}/`, stop: () => server.close() })));
}

/** The wasm memory and JS heap of the extension's service worker, through the DevTools protocol. */
async function workerMemory(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const sw = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith('chrome-extension://'));
    if (!sw) return null;
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: sw.targetId, flatten: false });
    let next = 1;
    const pending = new Map();
    cdp.on('Target.receivedMessageFromTarget', (e) => {
      if (e.sessionId !== sessionId) return;
      const m = JSON.parse(e.message);
      if (pending.has(m.id)) pending.get(m.id)(m);
    });
    const send = (method, params = {}) => new Promise((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => reject(new Error(`${method}: no answer from the service worker`)), 10_000);
      pending.set(id, (m) => { clearTimeout(timer); m.error ? reject(new Error(m.error.message)) : resolve(m.result); });
      cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
    });
    await send('HeapProfiler.collectGarbage');
    const heap = await send('Runtime.getHeapUsage');
    // The wasm engine's linear memory: every WebAssembly.Memory in the worker's heap, found by
    // prototype (the glue keeps its instance in module scope, out of reach of an evaluation).
    const proto = await send('Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype' });
    const { objects } = await send('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId });
    const sum = await send('Runtime.callFunctionOn', {
      objectId: objects.objectId, returnByValue: true,
      functionDeclaration: 'function () { return this.reduce((a, m) => a + m.buffer.byteLength, 0); }',
    });
    return { jsHeap: heap.usedSize, wasmMemory: sum.result.value };
  } finally {
    await cdp.detach().catch(() => {});
  }
}

async function pageHeap(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize;
}

async function run(context, url, { first, step, rounds, withExtension }) {
  const page = await context.newPage();
  await page.goto(`${url}?first=${first}&step=${step}`);
  const roundDone = (r) => page.waitForFunction(
    ({ r, withExtension }) => {
      const b = window.bench;
      const round = b.rounds[r];
      if (!round) return false;
      if (!withExtension) return performance.now() - round.start > 500; // no chips to wait for: let it render
      return !!round.lastChip;
    },
    { r, withExtension },
    { timeout: 120_000, polling: 50 },
  );
  await roundDone(0);
  for (let r = 1; r <= rounds; r++) {
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await roundDone(r);
  }
  await page.waitForTimeout(500); // the last frames' entries
  const b = await page.evaluate(() => ({ ...window.bench, cards: document.querySelectorAll('sentinelle-card').length, messages: document.querySelectorAll('[data-message]').length }));
  const heap = await pageHeap(page);
  const worker = withExtension ? await workerMemory(page).catch((e) => ({ error: e.message })) : null;
  await page.close();
  return { ...b, heap, worker };
}

/**
 * Runs the fixture with and without the extension. Resolves the figures described at the top,
 * after checking one chip per message.
 */
export async function extensionCost({ messages = 5000, rounds = 10, first = 500 } = {}) {
  if (!fs.existsSync(path.join(DIST_CHROME, 'manifest.json'))) throw new Error('dist/chrome is missing: run node scripts/package.mjs');
  const step = Math.ceil((messages - first) / rounds);
  const texts = benchSample(messages).map((m) => m.text);
  const server = await serve(texts);
  const opts = { first, step, rounds };
  try {
    const ext = await launchWithExtension(DIST_CHROME);
    let withExt;
    try {
      withExt = await run(ext.context, server.url, { ...opts, withExtension: true });
    } finally {
      await ext.close();
    }
    const plain = await launchPlain();
    let without;
    try {
      without = await run(await plain.newContext(), server.url, { ...opts, withExtension: false });
    } finally {
      await plain.close();
    }
    if (withExt.messages !== texts.length || withExt.cards !== withExt.messages) throw new Error(`${withExt.cards} chips for ${withExt.messages} messages (${texts.length} served)`);
    // Chromium leaves content scripts (an isolated world) out of a frame's `scripts`: a long frame
    // in which no page script ran is the extension's work or the layout of its chips.
    const loaf = (frames) => ({
      frames: frames.length,
      ms: frames.reduce((a, f) => a + f.duration, 0),
      blockingMs: frames.reduce((a, f) => a + (f.blocking ?? 0), 0),
    });
    const noPageScript = (frames) => loaf(frames.filter((f) => f.scripts.length === 0));
    const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    return {
      messages: withExt.messages,
      rounds,
      loadToLastChipMs: withExt.rounds[0].lastChip,
      roundToLastChipMs: median(withExt.rounds.slice(1).map((r) => r.lastChip - r.start)),
      roundToLastChipMaxMs: Math.max(...withExt.rounds.slice(1).map((r) => r.lastChip - r.start)),
      longFrames: { withExtension: loaf(withExt.frames), without: loaf(without.frames), noPageScript: { withExtension: noPageScript(withExt.frames), without: noPageScript(without.frames) } },
      longTasks: { withExtension: withExt.longTasks.length, without: without.longTasks.length },
      pageHeap: { withExtension: withExt.heap, without: without.heap },
      worker: withExt.worker,
    };
  } finally {
    server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await extensionCost({ messages: Number(process.argv[2] || 5000) }), null, 2));
}
