// Hostile page content, end to end on the platform fixtures (tests/platforms/, real hostnames and
// real editors): comments and author names that carry markup, scripts, style breakers,
// `javascript:` links, bidi overrides, zero-width runs, lone surrogates, a megabyte of text, 2,000
// levels of nesting; 50,000 comments on one page (each triaged, each the agent scrolls to
// chipped); a page rewriting its comments 100 times a second. Nothing of theirs may run in our UI or the extension's pages, our shadow-root UI stays
// as it is, the page's own scripts keep working, the tab keeps answering, and author names that
// fill a template's {author} reach every editor as text only.
//
// Comments arrive through the fixtures' own hook (tests/platforms/editors/arrive.js): a copy of
// one of the page's comments with a new author and body, the body escaped as platforms show user
// text, or (`html`) markup of the page's own. Speed is measured and printed (diagnostics), never
// asserted: the waits are functional and generous.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPopup, platformSuite } from './helpers.mjs';
import { PLATFORMS, urlOf } from '../platforms/server.mjs';

const PWN = 'window.__pwned=1';
/** The author name that fills {author} in the templates (the issue's own example). */
const NAME = `<img src=x onerror=${PWN}>Zoé "Tester" & co`;
/** What each fixture's reply box is, for the report. */
const EDITOR = { facebook: 'Lexical', business: 'Lexical', instagram: 'textarea (React)', x: 'Draft.js', linkedin: 'Quill', youtube: 'contenteditable' };

/**
 * The hostile comments, each with a body a community manager would triage (so most get a
 * crisis-risk verdict and reach the popup's list). `{hi}`/`{lo}` become lone surrogates in the page
 * (String.fromCharCode), `repeat` repeats the body, `nest` wraps it in nested elements.
 */
const CASES = [
  { id: 'img', author: `<img src=x onerror="${PWN}">`, text: `<img src=x onerror="${PWN}"> this company is a fraud, they steal from their customers` },
  { id: 'script', author: `<script>${PWN}</script>`, text: `<script>${PWN}</script> my order never arrived and nobody answers` },
  { id: 'style', author: '</style><style>*{display:none}</style>', text: '</style><style>*{display:none}</style> your charger caught fire in my kitchen' },
  { id: 'js-text', author: `javascript:${PWN}`, text: `scam! see javascript:${PWN} and <a href="javascript:${PWN}">proof</a>` },
  { id: 'js-link', html: `you are thieves, the proof is <a href="javascript:${PWN}" data-hostile-link>here</a>` },
  { id: 'rtl', author: 'Zoé \u202Egnp.exe\u202C', text: 'Your employee insulted me \u202Eat the checkout\u202C and laughed' },
  { id: 'zero-width', author: 'Z\u200B\u200C\u200D\u2060o\uFEFFé', text: `sc\u200B\u200Bam ${'\u200B'.repeat(5000)} they steal from their customers` },
  { id: 'surrogates', author: 'Zo{hi}é{lo}', text: 'broken {hi} text {lo} and a pair 😀 cut {hi}: this company is a fraud' },
  { id: 'megabyte', author: 'Mega Byte', text: 'my order is late and nobody answers. ', repeat: Math.ceil(1_048_576 / 37) },
  { id: 'deep', author: 'Deep Nest', text: 'the delivery man threw my parcel over the fence', nest: 2000 },
  { id: 'deep-div', author: 'Deep Div', text: 'still no refund after three weeks', nest: 2000, nestTag: 'div' },
];

/** A page stylesheet (the comment's own markup, as if a platform let it through) that bends
 * everything it can reach, the host element of our shadow root included. */
const HOSTILE_SHEET = '<style>* { font: italic 40px/3 serif !important; color: rgb(255, 0, 0) !important; background-color: rgb(0, 0, 255) !important; letter-spacing: 9px !important; text-transform: uppercase !important; direction: rtl !important; visibility: hidden !important; opacity: 0.1 !important; }</style>';

/** Adds `cases` to the page through its own hook; each new comment is marked data-hostile=id. */
function arrive(page, cases) {
  return page.evaluate((cases) => {
    const lone = (s) => s?.replaceAll('{hi}', String.fromCharCode(0xD800)).replaceAll('{lo}', String.fromCharCode(0xDC00));
    for (const c of cases) {
      const text = lone(c.text ?? '').repeat(c.repeat ?? 1);
      const el = window.fixtureArrive({ author: lone(c.author ?? 'Camille Durand'), text, html: c.html ?? null, nest: c.nest ?? 0, nestTag: c.nestTag });
      el.dataset.hostile = c.id;
    }
  }, cases);
}

/**
 * Scrolls to each comment of `selector` in turn, as an agent reading them would, and waits for
 * its chip and card: content.js draws chips only near the viewport, and the megabyte comment and
 * the deep nests push the ones after them far below it.
 */
async function scrollThrough(page, selector) {
  const comments = page.locator(selector);
  for (let i = 0, n = await comments.count(); i < n; i++) {
    const handle = await comments.nth(i).elementHandle();
    await handle.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.waitForFunction((el) => el.querySelector('sentinelle-card')?.shadowRoot?.querySelector('section.card'), handle, { timeout: 10_000 }).catch(() => {});
  }
}

/** Every element inside our shadow roots on the page, by tag, and what is not ours. */
const OUR_TAGS = ['BUTTON', 'SPAN', 'SECTION', 'DIV', 'P', 'Q', 'UL', 'LI', 'TEXTAREA', 'STYLE'];
function shadowCensus(page) {
  return page.evaluate((ours) => {
    const hosts = [...document.querySelectorAll('sentinelle-card')];
    const foreign = [];
    let open = 0;
    for (const h of hosts) {
      if (!h.shadowRoot) { foreign.push('a host without its shadow root'); continue; }
      open += 1;
      for (const n of h.shadowRoot.querySelectorAll('*')) if (!ours.includes(n.tagName)) foreign.push(n.tagName);
      // Attributes that run script, on anything of ours.
      for (const n of h.shadowRoot.querySelectorAll('*')) for (const a of n.attributes) if (/^on/i.test(a.name) || /javascript:/i.test(a.value)) foreign.push(`${n.tagName}[${a.name}]`);
    }
    return { hosts: hosts.length, open, foreign };
  }, OUR_TAGS);
}

/** The computed styles of a host's chip and card that a leaked or injected stylesheet would change. */
function uiStyle(page, selector) {
  return page.evaluate((selector) => {
    const host = document.querySelector(selector).querySelector('sentinelle-card');
    const pick = (el, props) => Object.fromEntries(props.map((p) => [p, getComputedStyle(el).getPropertyValue(p)]));
    const chip = host.shadowRoot.querySelector('.chip');
    const card = host.shadowRoot.querySelector('.card');
    const props = ['display', 'visibility', 'opacity', 'font-family', 'font-size', 'font-weight', 'line-height', 'letter-spacing', 'color', 'background-color', 'border-top-width', 'border-left-color', 'padding-left', 'text-transform', 'direction'];
    return { chip: pick(chip, props), card: pick(card, props), reply: pick(card.querySelector('li p') ?? card, props) };
  }, selector);
}

/** Milliseconds for a page.evaluate round trip, and the longest gap between animation frames over `ms`. */
async function responsiveness(page, ms = 1000) {
  const t0 = Date.now();
  await page.evaluate(() => 1);
  const roundTrip = Date.now() - t0;
  const frames = await page.evaluate((ms) => new Promise((resolve) => {
    const gaps = [];
    let last = performance.now();
    const start = last;
    const tick = (now) => {
      gaps.push(now - last);
      last = now;
      if (now - start < ms) requestAnimationFrame(tick);
      else resolve({ frames: gaps.length, worst: Math.round(Math.max(...gaps)) });
    };
    requestAnimationFrame(tick);
  }), ms);
  return { roundTrip, ...frames };
}

/** Errors of the page and of our scripts: uncaught exceptions, console errors naming us. */
function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (['error', 'warning'].includes(m.type()) && /sentinelle/i.test(m.text())) errors.push(`console ${m.type()}: ${m.text().slice(0, 300)}`);
  });
  return errors;
}

const chipCount = (page, selector) => page.evaluate((s) => [...document.querySelectorAll(s)].filter((el) => el.querySelector('sentinelle-card')?.shadowRoot?.querySelector('.chip')).length, selector);

describe('hostile page content on the platform fixtures', () => {
  const suite = platformSuite();
  const report = [];

  after(() => {
    console.log('hostile page content, measured:');
    for (const line of report) console.log(`  ${line}`);
  });

  for (const platform of Object.keys(PLATFORMS)) {
    describe(platform, () => {
      let page;
      let errors;
      let normal;

      before(async () => {
        page = await suite.browser.context.newPage();
        errors = watchErrors(page);
        await page.goto(urlOf(platform));
        normal = await page.evaluate(() => document.querySelectorAll('[data-expect]').length);
        await page.waitForFunction((n) => document.querySelectorAll('[data-expect][data-sentinelle-primary]').length >= n, normal, { timeout: 20_000 });
      });
      after(async () => page?.close());

      test('hostile comments and author names get their chips, as text, and nothing of theirs runs', async (t) => {
        const t0 = Date.now();
        await arrive(page, CASES);
        const injected = Date.now() - t0;
        const load = await responsiveness(page, 1000);
        await page.waitForFunction((n) => document.querySelectorAll('[data-hostile][data-sentinelle-primary]').length >= n, CASES.length, { timeout: 30_000 })
          .catch(() => {});
        const got = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-hostile]')].map((el) => [el.dataset.hostile, el.dataset.sentinellePrimary ?? null])));
        const chipsIn = Date.now() - t0;
        t.diagnostic(`${platform}: verdicts ${JSON.stringify(got)}`);
        report.push(`${platform}: ${CASES.length} hostile comments injected in ${injected} ms, all chips after ${chipsIn} ms; while triaging: evaluate round trip ${load.roundTrip} ms, ${load.frames} frames in 1 s, worst frame gap ${load.worst} ms`);
        assert.deepEqual(Object.entries(got).filter(([, v]) => !v).map(([k]) => k), [], `${platform}: hostile comments without a verdict`);

        // Nothing of theirs ran: not in the page, not through our UI.
        assert.equal(await page.evaluate(() => window.__pwned), undefined, 'a payload ran in the page');
        const census = await shadowCensus(page);
        assert.equal(census.open, census.hosts);
        assert.deepEqual(census.foreign, [], 'elements or attributes in our UI that are not ours');
        // Every comment has its chip once scrolled to: the page's own and the hostile ones.
        await scrollThrough(page, '[data-hostile]');
        await scrollThrough(page, '[data-expect]');
        assert.equal(await chipCount(page, '[data-expect]'), normal, 'the page\'s own comments keep their chips');
        assert.equal(await chipCount(page, '[data-hostile]'), CASES.length, 'each hostile comment has its chip');
        // The payloads are shown as text: the evidence quotes and the replies (which name the
        // author) hold them literally.
        const img = await page.evaluate(() => {
          const root = document.querySelector('[data-hostile="img"] sentinelle-card').shadowRoot;
          return { replies: [...root.querySelectorAll('li p')].map((p) => p.textContent), quotes: [...root.querySelectorAll('.why q')].map((q) => q.textContent) };
        });
        assert.ok(img.replies.some((r) => r.includes(`<img src=x onerror="${PWN}">`)), `the reply names the author literally: ${JSON.stringify(img.replies[0])}`);
        // The page's own javascript: link is still the page's, and ours has none.
        assert.equal(await page.locator('[data-hostile-link]').count(), 1);
        assert.deepEqual(errors, [], `${platform}: errors`);
      });

      test('a </style> payload neither hides nor restyles the chip or the card', async () => {
        const normalSel = '[data-expect]:not([data-expect-known-failure])';
        const before = await uiStyle(page, normalSel);
        const hostile = await uiStyle(page, '[data-hostile="style"]');
        // Same severity class may differ: compare what a stylesheet would bend, severity colours aside.
        for (const part of ['chip', 'card', 'reply']) {
          for (const p of ['display', 'visibility', 'opacity', 'font-family', 'font-size', 'line-height', 'letter-spacing', 'text-transform', 'direction', 'padding-left', 'border-top-width']) {
            assert.equal(hostile[part][p], before[part][p], `${platform}: ${part} ${p}`);
          }
        }
        assert.equal(hostile.chip.display, 'inline-flex');
        assert.equal(await page.locator('[data-hostile="style"] sentinelle-card').evaluate((h) => h.checkVisibility()), true, 'the chip is visible');
      });

      test('the page\'s own scripts keep working and the tab answers', async (t) => {
        const ticks = await page.evaluate(() => window.fixtureTicks);
        await page.locator('#fixture-button').click();
        await page.locator('#fixture-button').click();
        assert.equal(await page.locator('#fixture-button').getAttribute('data-clicks'), '2');
        await page.waitForFunction((n) => window.fixtureTicks > n + 5, ticks, { timeout: 10_000 });
        const idle = await responsiveness(page, 500);
        t.diagnostic(`${platform}: idle round trip ${idle.roundTrip} ms, worst frame gap ${idle.worst} ms`);
      });

      test(`a template's {author} from a hostile name reaches the ${EDITOR[platform]} editor as text only`, async () => {
        await arrive(page, [{ id: 'name', author: NAME, text: 'Do you ship to Canada? And how much is delivery?' }]);
        const message = page.locator('[data-hostile="name"]');
        await page.waitForFunction(() => document.querySelector('[data-hostile="name"]')?.dataset.sentinellePrimary, null, { timeout: 20_000 });
        if (platform === 'youtube') {
          // YouTube has no reply box until the agent clicks Reply under the comment (the page's script).
          await message.locator('#reply-button-end button').first().click();
          await page.waitForSelector('[data-hostile="name"] #reply-dialog #contenteditable-root');
        }
        await message.scrollIntoViewIfNeeded(); // arrived at the end of the list: its chip comes as the agent gets there
        const host = message.locator('sentinelle-card');
        await host.locator('button.chip').click();
        const button = host.locator('li', { hasText: NAME }).locator('button[data-template]').first();
        const reply = await host.locator('li', { hasText: NAME }).first().locator('p').evaluate((p) => p.firstChild.textContent);
        await button.click();
        await host.locator('.status').filter({ hasText: /\S/ }).waitFor({ timeout: 10_000 });
        await page.waitForFunction((name) => (window.fixtureEditorText() ?? '').includes(name), NAME, { timeout: 5_000 }).catch(() => {});
        const text = await page.evaluate(() => window.fixtureEditorText());
        assert.ok(text?.includes(NAME), `${platform}: the editor holds the name literally: ${JSON.stringify(text)}`);
        assert.equal(text.replace(/\n+$/, ''), reply, `${platform}: the editor holds the reply as the card shows it`);
        const markup = await page.evaluate(() => [...document.querySelectorAll('[contenteditable="true"], [data-fixture-editor]')].map((e) => e.querySelectorAll('img, script').length).reduce((a, b) => a + b, 0));
        assert.equal(markup, 0, 'no element made from the name in the editor');
        assert.equal(await page.evaluate(() => window.__pwned), undefined, 'the name ran as script');
      });

      test('the popup lists the hostile crisis-risk messages as text, and nothing runs there', async () => {
        await page.bringToFront();
        const popup = await openPopup(suite.browser);
        await popup.waitForFunction(() => document.querySelectorAll('#risk-list button').length > 0, null, { timeout: 10_000 });
        const list = await popup.evaluate(() => ({
          items: [...document.querySelectorAll('#risk-list button')].map((b) => b.textContent),
          foreign: document.querySelectorAll('#risk-list img, #risk-list script, #risk-list a, #risk-list style').length,
          pwned: window.__pwned,
        }));
        assert.equal(list.pwned, undefined);
        assert.equal(list.foreign, 0);
        assert.ok(list.items.some((i) => i.includes(`<img src=x onerror="${PWN}">`)), `the excerpt is shown literally: ${JSON.stringify(list.items)}`);
        await popup.close();
        assert.deepEqual(errors, [], `${platform}: errors`);
      });

      test('a stylesheet in a comment, restyling everything with !important, does not reach into the chip or card', async () => {
        // The megabyte and the deep nests have had their turn: relaid out in 40px type they cost
        // the page half a minute (its own layout, not ours).
        await page.evaluate(() => { for (const el of document.querySelectorAll('[data-hostile="megabyte"], [data-hostile^="deep"]')) el.fixtureCell.remove(); });
        const normalSel = '[data-expect]:not([data-expect-known-failure])';
        const before = await uiStyle(page, normalSel);
        await arrive(page, [{ id: 'sheet', html: `${HOSTILE_SHEET} you are thieves` }]);
        const after = await uiStyle(page, normalSel);
        const changed = [];
        for (const part of ['chip', 'card', 'reply']) for (const [p, v] of Object.entries(before[part])) if (after[part][p] !== v) changed.push(`${part} ${p}: ${v} → ${after[part][p]}`);
        await page.evaluate(() => document.querySelector('[data-hostile="sheet"] style').remove());
        assert.deepEqual(changed, [], `${platform}: the page's stylesheet restyled our UI`);
      });
    });
  }

  test('the options page, opened after all of it, ran nothing and threw nothing', async () => {
    const options = await suite.browser.context.newPage();
    const errors = [];
    options.on('pageerror', (e) => errors.push(e.message));
    await options.goto(suite.browser.extensionUrl('pages/options.html'));
    await options.waitForSelector('body[data-ready="true"]');
    assert.equal(await options.evaluate(() => window.__pwned), undefined);
    assert.equal(await options.evaluate(() => document.querySelectorAll('img[onerror], script:not([src])').length), 0);
    assert.deepEqual(errors, []);
    await options.close();
  });
});

describe('load: many comments, and a page that never stops rewriting', () => {
  const suite = platformSuite();
  const report = [];
  after(() => {
    console.log('hostile load, measured:');
    for (const line of report) console.log(`  ${line}`);
  });

  test('50,000 comments on one Facebook page: each gets its verdict, each one scrolled to its chip, the page keeps working', async (t) => {
    const N = 50_000;
    const page = await suite.browser.context.newPage();
    const errors = watchErrors(page);
    await page.goto(urlOf('facebook'));
    await page.waitForFunction(() => document.documentElement.dataset.sentinelle === 'ready', null, { timeout: 20_000 });
    const t0 = Date.now();
    // The page streams them in as an infinite scroll does, 10,000 per task, each with only the
    // markup that holds its author and text (the fixture's full markup, 25 elements a comment,
    // took the page alone a minute to lay out at 50,000).
    await page.evaluate((n) => new Promise((resolve) => {
      const bodies = ['my order is late and nobody answers', 'do you ship to Canada?', 'love the new lamps, thank you', 'they steal from their customers, a fraud'];
      let i = 0;
      const step = () => {
        for (const end = Math.min(n, i + 10_000); i < end; i++) window.fixtureArrive({ author: `Fan ${i}`, text: `${bodies[i % 4]} #${i}`, lean: true }).dataset.bulk = '';
        if (i < n) setTimeout(step, 0);
        else resolve();
      };
      step();
    }), N);
    const injected = Date.now() - t0;
    const load = await responsiveness(page, 1000);
    const ticks = await page.evaluate(() => window.fixtureTicks);
    await page.waitForFunction((n) => document.querySelectorAll('[data-bulk][data-sentinelle-primary]').length >= n, N, { timeout: 100_000, polling: 1000 }).catch(() => {});
    const verdictsIn = Date.now() - t0;
    const got = await page.evaluate(() => ({
      verdicts: document.querySelectorAll('[data-bulk][data-sentinelle-primary]').length,
      chips: [...document.querySelectorAll('[data-bulk] sentinelle-card')].filter((h) => h.shadowRoot?.querySelector('.chip')).length,
      ticks: window.fixtureTicks,
    }));
    const after = await responsiveness(page, 500);
    // Chips go only on the comments in or near the viewport (content.js): wherever the agent
    // scrolls, the comments in view have theirs, one each, soon after.
    const scrolls = [];
    for (const at of [0.5, 0.1, 0.9, 1]) {
      const t1 = Date.now();
      await page.evaluate((at) => {
        const all = document.querySelectorAll('[data-bulk]');
        all[Math.round((all.length - 1) * at)].scrollIntoView({ block: 'center' });
      }, at);
      const inView = () => page.evaluate(() => {
        const seen = [...document.querySelectorAll('[data-bulk]')].filter((m) => {
          const r = m.getBoundingClientRect();
          return r.bottom > 0 && r.top < innerHeight;
        });
        return { seen: seen.length, chipped: seen.filter((m) => m.querySelectorAll('sentinelle-card').length === 1).length };
      });
      await page.waitForFunction(() => {
        const seen = [...document.querySelectorAll('[data-bulk]')].filter((m) => {
          const r = m.getBoundingClientRect();
          return r.bottom > 0 && r.top < innerHeight;
        });
        return seen.length > 0 && seen.every((m) => m.querySelectorAll('sentinelle-card').length === 1);
      }, null, { timeout: 20_000, polling: 100 }).catch(() => {});
      const v = await inView();
      scrolls.push({ at, ...v, ms: Date.now() - t1 });
    }
    const chipsAfter = await page.evaluate(() => document.querySelectorAll('[data-bulk] sentinelle-card').length);
    report.push(`facebook, ${N} comments: in the page after ${injected} ms; ${got.verdicts} verdicts after ${verdictsIn} ms, with ${got.chips} chips (near the viewport); during triage: evaluate round trip ${load.roundTrip} ms, ${load.frames} frames in 1 s, worst frame gap ${load.worst} ms; afterwards: round trip ${after.roundTrip} ms, worst frame gap ${after.worst} ms; scrolled to ${scrolls.map((s) => `${s.at * 100} % (${s.chipped} of ${s.seen} in view chipped after ${s.ms} ms)`).join(', ')}; ${chipsAfter} chips in all`);
    t.diagnostic(report.at(-1));
    assert.equal(got.verdicts, N, 'every comment got a verdict');
    for (const s of scrolls) assert.ok(s.seen > 0 && s.chipped === s.seen, `every comment in view at ${s.at * 100} % of the page has one chip (${s.chipped} of ${s.seen})`);
    // Not a chip per comment: those are what stalled the tab and filled its memory.
    assert.ok(chipsAfter < N / 10, `chips only near where the agent looked (${chipsAfter})`);
    assert.ok(got.ticks > ticks, 'the page\'s clock kept ticking');
    await page.locator('#fixture-button').click({ timeout: 60_000 });
    assert.equal(await page.locator('#fixture-button').getAttribute('data-clicks'), '1');
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('an X page that rewrites its replies every 10 ms for 3 s: the tab answers, the replies left get their chips', async (t) => {
    const page = await suite.browser.context.newPage();
    const errors = watchErrors(page);
    await page.goto(urlOf('x'));
    await page.waitForFunction(() => document.documentElement.dataset.sentinelle === 'ready', null, { timeout: 20_000 });
    const ticks = await page.evaluate(() => window.fixtureTicks);
    // Twenty replies, each replaced by a fresh copy of itself every 10 ms, as a page that
    // re-renders its list from scratch on every state change.
    await page.evaluate(() => {
      const bodies = ['my order is late and nobody answers', 'your charger caught fire', 'do you ship to Canada?', 'you are thieves and liars', `<img src=x onerror="window.__pwned=1"> scam`];
      const make = (i, n) => {
        const el = window.fixtureArrive({ author: `<b>Churn</b> ${i}`, text: `${bodies[i % bodies.length]} (${n})` });
        el.dataset.churn = String(i);
        return el;
      };
      let live = Array.from({ length: 20 }, (_, i) => make(i, 0));
      window.churn = { rewrites: 0, nodes: 20 };
      window.churn.timer = setInterval(() => {
        window.churn.rewrites += 1;
        live = live.map((el, i) => {
          el.fixtureCell.remove();
          window.churn.nodes += 1;
          return make(i, window.churn.rewrites);
        });
      }, 10);
    });
    const during = await responsiveness(page, 1000);
    const t1 = Date.now();
    await page.evaluate(() => 1);
    const roundTrip2 = Date.now() - t1;
    await page.waitForTimeout(2000);
    const churn = await page.evaluate(() => {
      clearInterval(window.churn.timer);
      return { rewrites: window.churn.rewrites, nodes: window.churn.nodes, ticks: window.fixtureTicks };
    });
    const t0 = Date.now();
    await page.waitForFunction(() => document.querySelectorAll('[data-churn][data-sentinelle-primary]').length === 20, null, { timeout: 30_000 }).catch(() => {});
    // The replies arrived at the end of the list; their chips come as the agent gets there.
    await scrollThrough(page, '[data-churn]');
    const settled = Date.now() - t0;
    const got = await page.evaluate(() => ({
      churn: document.querySelectorAll('[data-churn]').length,
      chips: [...document.querySelectorAll('[data-churn] sentinelle-card')].filter((h) => h.shadowRoot?.querySelector('.chip')).length,
      hosts: document.querySelectorAll('sentinelle-card').length,
    }));
    report.push(`x, a page rewriting 20 replies every 10 ms for 3 s: ${churn.rewrites} rewrites (${churn.nodes} reply nodes); during: evaluate round trips ${during.roundTrip} and ${roundTrip2} ms, ${during.frames} frames in 1 s, worst frame gap ${during.worst} ms, page clock ${churn.ticks - ticks} ticks; the 20 left had their chips ${settled} ms after it stopped; ${got.hosts} chip hosts on the page`);
    t.diagnostic(report.at(-1));
    assert.ok(churn.rewrites >= 50, `the page kept rewriting (${churn.rewrites})`);
    assert.ok(churn.ticks > ticks + 10, 'the page\'s clock kept ticking');
    assert.deepEqual(got, { churn: 20, chips: 20, hosts: got.hosts }, 'the replies left all have their chips');
    assert.ok(got.hosts <= 20 + 10 + 5, `chips of removed replies do not pile up (${got.hosts})`);
    await page.locator('#fixture-button').click();
    assert.equal(await page.locator('#fixture-button').getAttribute('data-clicks'), '1');
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
