// What the built extension (dist/chrome) costs a page: bench/fixtures/scroll.html, an inbox in the
// demo adapter's markup, opens with FIRST messages and grows by STEP at each of ROUNDS scrolls to
// its end (500 + 10 × 450 = 5,000). The extension triages every message and draws chips only for
// those in or near the viewport, so a jump to the end leaves the messages in between without a
// chip until the agent scrolls to them. Measured in headless Chromium, the page's own observers
// keeping the times:
//   - load → first screen: from navigation start until every message is triaged (marked with its
//     verdict) and until, moreover, every message in the viewport has its chip; then, per round,
//     the same from the new messages' insertion. The browser is given the time to finish starting
//     before the page opens (its managed storage, which the background reads before its first
//     verdict, answers only once the browser's policies are loaded, about 2.7 s after launch);
//     `coldBrowser` is the same first screen on a page opened at once after launch, separately;
//   - long animation frames (Long Animation Frames API), beside the same page without the
//     extension, and those in which no page script ran (Chromium hides content scripts from the
//     API, so these are the extension's scripts and the layout of its chips);
//   - the page's JS heap after a garbage collection (the content script's isolated world lives in
//     the same heap: the difference with the page alone is the extension's), its growth from the
//     first screen to the end of the scrolls, and the background's
//     JS heap and the wasm engine's linear memory (DevTools protocol on the service worker).
// Checks the answer after every round: every message on the page triaged (one mark each), and
// every message in the viewport or within one viewport height of it with exactly one chip.
//   node bench/extension-cost.mjs [MESSAGES=5000]       (BENCH_EXT_DIST=DIR: another build than dist/chrome)
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST_CHROME, launchPlain, launchWithExtension } from '../tests/browser/helpers.mjs';
import { ROOT, benchSample } from './sample.mjs';

const DIST = process.env.BENCH_EXT_DIST || DIST_CHROME;

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

/**
 * Every message triaged, every message within one viewport height of the viewport with exactly
 * one chip: waits up to 10 s for it (chips are drawn a few frames' worth at a time), then throws
 * with what is missing.
 */
async function checkRound(page, r) {
  const state = () => page.evaluate(() => {
    const messages = [...document.querySelectorAll('[data-message]')];
    const reach = innerHeight; // one viewport above and below: "near" (the extension reaches further)
    const near = messages.filter((m) => {
      const b = m.getBoundingClientRect();
      return b.bottom > -reach && b.top < innerHeight + reach;
    });
    return {
      messages: messages.length,
      triaged: messages.filter((m) => m.dataset.sentinellePrimary).length,
      near: near.length,
      nearChipped: near.filter((m) => m.querySelectorAll('sentinelle-card').length === 1).length,
      chips: document.querySelectorAll('sentinelle-card').length,
    };
  });
  const ok = (s) => s.triaged === s.messages && s.nearChipped === s.near && s.near > 0;
  const deadline = Date.now() + 10_000;
  let s = await state();
  while (!ok(s) && Date.now() < deadline) {
    await page.waitForTimeout(100);
    s = await state();
  }
  if (!ok(s)) throw new Error(`round ${r}: ${s.triaged} of ${s.messages} messages triaged, ${s.nearChipped} of the ${s.near} near the viewport with one chip`);
  return s;
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
      return !!round.chipped;
    },
    { r, withExtension },
    { timeout: 120_000, polling: 50 },
  );
  const checked = [];
  await roundDone(0);
  if (withExtension) checked.push(await checkRound(page, 0));
  const heapFirst = await pageHeap(page); // after the first screen: the scrolls' growth is measured from here
  for (let r = 1; r <= rounds; r++) {
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await roundDone(r);
    if (withExtension) checked.push(await checkRound(page, r));
  }
  await page.waitForTimeout(500); // the last frames' entries
  const b = await page.evaluate(() => ({ ...window.bench, cards: document.querySelectorAll('sentinelle-card').length, messages: document.querySelectorAll('[data-message]').length }));
  const heap = await pageHeap(page);
  const worker = withExtension ? await workerMemory(page).catch((e) => ({ error: e.message })) : null;
  await page.close();
  return { ...b, heap, heapFirst, worker, checked };
}

/** The browser has finished starting: the extension's managed storage answers (see the top). */
async function settled(ext) {
  await ext.worker.evaluate(() => chrome.storage.managed.get(null));
}

/** The first screen on a page opened at once after the browser's launch: what an agent whose
 * browser opens on the inbox waits. */
async function coldBrowser(url, { first, step }) {
  const ext = await launchWithExtension(DIST);
  try {
    const page = await ext.context.newPage();
    await page.goto(`${url}?first=${first}&step=${step}`);
    await page.waitForFunction(() => window.bench?.rounds[0]?.chipped, null, { timeout: 120_000, polling: 50 });
    return await page.evaluate(() => ({ triaged: window.bench.rounds[0].triaged, chipped: window.bench.rounds[0].chipped }));
  } finally {
    await ext.close();
  }
}

/**
 * Runs the fixture with and without the extension. Resolves the figures described at the top,
 * after checking every round (`checkRound`).
 */
export async function extensionCost({ messages = 5000, rounds = 10, first = 500 } = {}) {
  if (!fs.existsSync(path.join(DIST, 'manifest.json'))) throw new Error('dist/chrome is missing: run node scripts/package.mjs');
  const step = Math.ceil((messages - first) / rounds);
  const texts = benchSample(messages).map((m) => m.text);
  const server = await serve(texts);
  const opts = { first, step, rounds };
  try {
    const ext = await launchWithExtension(DIST);
    let withExt;
    try {
      await settled(ext);
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
    if (withExt.messages !== texts.length) throw new Error(`${withExt.messages} messages on the page, ${texts.length} served`);
    const cold = await coldBrowser(server.url, opts);
    // Chromium leaves content scripts (an isolated world) out of a frame's `scripts`: a long frame
    // in which no page script ran is the extension's work or the layout of its chips.
    const loaf = (frames) => ({
      frames: frames.length,
      ms: frames.reduce((a, f) => a + f.duration, 0),
      blockingMs: frames.reduce((a, f) => a + (f.blocking ?? 0), 0),
    });
    const noPageScript = (frames) => loaf(frames.filter((f) => f.scripts.length === 0));
    const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const after = (pick) => withExt.rounds.slice(1).map((r) => pick(r) - r.start);
    return {
      messages: withExt.messages,
      rounds,
      loadToTriagedMs: withExt.rounds[0].triaged,
      loadToChipsMs: withExt.rounds[0].chipped,
      roundToTriagedMs: median(after((r) => r.triaged)),
      roundToTriagedMaxMs: Math.max(...after((r) => r.triaged)),
      roundToChipsMs: median(after((r) => r.chipped)),
      roundToChipsMaxMs: Math.max(...after((r) => r.chipped)),
      coldBrowser: { loadToTriagedMs: cold.triaged, loadToChipsMs: cold.chipped },
      // What the checks saw after the last round, and the chips on the page at the end.
      checked: { ...withExt.checked.at(-1), rounds: withExt.checked.length },
      chips: withExt.cards,
      longFrames: { withExtension: loaf(withExt.frames), without: loaf(without.frames), noPageScript: { withExtension: noPageScript(withExt.frames), without: noPageScript(without.frames) } },
      longTasks: { withExtension: withExt.longTasks.length, without: without.longTasks.length },
      pageHeap: { withExtension: withExt.heap, without: without.heap },
      // How much the page's heap grew over the ten scrolls (from the first screen to the end).
      pageHeapGrowth: { withExtension: withExt.heap - withExt.heapFirst, without: without.heap - without.heapFirst },
      worker: withExt.worker,
    };
  } finally {
    server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await extensionCost({ messages: Number(process.argv[2] || 5000) }), null, 2));
}
