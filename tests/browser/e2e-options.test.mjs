// The options page as a community manager uses it: templates edited in the form show in the
// preview and then on a page's card; an invalid edit is refused with its path, never applied, and
// kept as a draft across a reload; the plan round-trips through export and import; two tabs
// editing at once get a warning instead of overwriting each other; the brand's names reach the plan.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extensionSuite, openInbox, openOptions, scratchFolder } from './helpers.mjs';

describe('the options page edits the plan for people', () => {
  const suite = extensionSuite();
  const scratch = scratchFolder('sentinelle-options-');
  const stored = () => suite.browser.worker.evaluate(() => chrome.storage.local.get(null));
  const storedPlan = async () => {
    const { plan } = await stored();
    return typeof plan === 'string' ? JSON.parse(plan) : null;
  };

  /** Polls `fn` until it returns something truthy (autosave is debounced). */
  async function until(fn, what, timeout = 10_000) {
    const end = Date.now() + timeout;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }


  /** The textarea of one template, by id. */
  const body = (page, id) => page.locator(`#tpl-list textarea[data-template-id="${id}"]`);
  const previewText = (page) => page.locator('#preview sentinelle-card').evaluate((h) => h.shadowRoot.textContent);

  // Every test starts from the default plan and no draft.
  beforeEach(async () => {
    const page = await openOptions(suite.browser);
    await page.evaluate(() => chrome.runtime.sendMessage({ type: 'plan:reset' }));
    await suite.browser.worker.evaluate(() => chrome.storage.local.remove('planDraft'));
    await page.close();
  });

  test('a template edited in the editor shows in the preview, then on a page\'s card', async () => {
    const options = await openOptions(suite.browser);
    await options.locator('#tpl-category').selectOption('complaint');
    await options.locator('#tpl-lang').selectOption('fr');
    const field = body(options, 'complaint-fr-1');
    await field.fill('Bonjour {author}, réponse de test e2e. ');
    // The palette inserts at the cursor: at the end here.
    await field.press('End');
    await options.locator('#palette button[data-var="agent"]').click();
    assert.equal(await field.inputValue(), 'Bonjour {author}, réponse de test e2e. {agent}');
    // The preview is the card the agent will see, from the edited plan, the sample's author filled in.
    await options.waitForFunction(() =>
      document.querySelector('#preview sentinelle-card')?.shadowRoot.textContent.includes('Bonjour Camille, réponse de test e2e.'));
    assert.match(await previewText(options), /Complaint/);
    // Autosaved: the plan in storage carries it, and the engine runs it on the page.
    await until(async () => (await storedPlan())?.templates.find((t) => t.id === 'complaint-fr-1').body.includes('test e2e'), 'the autosave');
    const { page } = await openInbox(suite.browser.context, suite.server.url);
    const card = page.locator('[data-message-id="c3"] sentinelle-card');
    await card.locator('button.chip').click();
    await page.waitForFunction(() =>
      document.querySelector('[data-message-id="c3"] sentinelle-card')?.shadowRoot.textContent.includes('réponse de test e2e.'), null, { timeout: 10_000 });
    await page.close();
    await options.close();
  });

  test('an invalid edit is refused with its path, the plan unchanged, and survives a reload as a draft', async () => {
    const options = await openOptions(suite.browser);
    const before = (await stored()).plan;
    await options.locator('#tpl-category').selectOption('question');
    await options.locator('#tpl-lang').selectOption('en');
    const id = await options.locator('#tpl-list textarea').first().getAttribute('data-template-id');
    const index = (await options.evaluate(() => JSON.parse(document.getElementById('plan').value).templates)).findIndex((t) => t.id === id);
    await body(options, id).fill('Hello {author}, your order {ordre} is on its way.');
    await options.waitForSelector('#plan-errors li');
    const paths = await options.locator('#plan-errors li code').allTextContents();
    assert.deepEqual(paths, [`templates[${index}].body`]);
    assert.match(await options.locator('#plan-errors li').first().textContent(), /unknown variable \{ordre\}/);
    assert.match(await options.locator('#plan-status').textContent(), /not applied/);
    assert.equal((await stored()).plan, before, 'the plan is unchanged');
    assert.match((await stored()).planDraft.text, /\{ordre\}/, 'the edit is kept as a draft');
    assert.match(await options.locator('#preview-note').textContent(), /errors/);

    // Reopened, the page shows the draft and its error again, still not applied.
    await options.reload();
    await options.waitForSelector('body[data-ready="true"]');
    await options.locator('#tpl-category').selectOption('question');
    await options.locator('#tpl-lang').selectOption('en');
    assert.equal(await body(options, id).inputValue(), 'Hello {author}, your order {ordre} is on its way.');
    assert.deepEqual(await options.locator('#plan-errors li code').allTextContents(), [`templates[${index}].body`]);
    assert.equal((await stored()).plan, before);

    // Fixed, it saves and the draft is gone.
    await body(options, id).fill('Hello {author}, your order is on its way.');
    await until(async () => (await storedPlan())?.templates[index].body === 'Hello {author}, your order is on its way.', 'the fixed edit saved');
    await until(async () => (await stored()).planDraft === undefined, 'the draft removed');
    assert.equal(await options.locator('#plan-errors li').count(), 0);

    // A number field left empty: the engine's type error comes back with the field's path.
    await options.locator('#deadline-crisis').fill('');
    await options.waitForSelector('#plan-errors li');
    assert.deepEqual(await options.locator('#plan-errors li code').allTextContents(), ['deadlines.crisis']);
    assert.equal((await storedPlan()).deadlines.crisis, 15);
    await options.close();
  });

  test('brand names, incident, deadlines and spike edited in the form reach the plan', async () => {
    const options = await openOptions(suite.browser);
    await options.locator('#brand-names').fill('Maison Lumière\n@maisonlumiere');
    await options.locator('#brand-watch').fill('lampe aurore\n#lumiere');
    await options.locator('#incident-active').check();
    await options.locator('#incident-name').fill('Rappel lampe Aurore');
    await options.locator('#deadline-problem').fill('45');
    await options.locator('#spike-min').fill('8');
    const plan = await until(async () => {
      const p = await storedPlan();
      return p?.spike.min_count === 8 && p.deadlines.problem === 45 ? p : null;
    }, 'the form saved');
    assert.deepEqual(plan.brand.names, ['Maison Lumière', '@maisonlumiere']);
    assert.deepEqual(plan.brand.watch_terms, ['lampe aurore', '#lumiere']);
    assert.equal(plan.incident.active, true);
    assert.equal(plan.incident.name, 'Rappel lampe Aurore');
    // The JSON view is the same document.
    assert.deepEqual(JSON.parse(await options.locator('#plan').inputValue()).brand.names, ['Maison Lumière', '@maisonlumiere']);
    // The background runs it: the status names the brand.
    const status = await options.evaluate(() => chrome.runtime.sendMessage({ type: 'status' }));
    assert.deepEqual(status.status.plan.brandNames, ['Maison Lumière', '@maisonlumiere']);
    await options.close();
  });

  test('a plan round-trips through export and import unchanged; an invalid import changes nothing', async () => {
    const options = await openOptions(suite.browser);
    await options.locator('#brand-names').fill('Export Test');
    const saved = await until(async () => ((await storedPlan())?.brand.names[0] === 'Export Test' ? (await stored()).plan : null), 'the edit saved');

    const [download] = await Promise.all([options.waitForEvent('download'), options.locator('#export').click()]);
    assert.equal(download.suggestedFilename(), 'sentinelle-plan.json');
    const file = join(scratch.path, 'exported.json');
    await download.saveAs(file);
    assert.equal(readFileSync(file, 'utf8'), saved, 'the export is the plan, byte for byte');

    // Something else changes, then the import brings the exported plan back exactly.
    await options.locator('#brand-names').fill('Changed Since');
    await until(async () => (await storedPlan())?.brand.names[0] === 'Changed Since', 'the change saved');
    await options.locator('#import-file').setInputFiles(file);
    await until(async () => (await stored()).plan === saved, 'the import saved');
    assert.equal(await options.locator('#brand-names').inputValue(), 'Export Test');

    // An invalid file: every error with its path, nothing changed.
    const broken = JSON.parse(saved);
    broken.templates[2].lang = 'de';
    broken.thresholds.flag = 1.5;
    const bad = join(scratch.path, 'broken.json');
    writeFileSync(bad, JSON.stringify(broken, null, 2));
    await options.locator('#import-file').setInputFiles(bad);
    await options.waitForSelector('#import-errors li');
    const paths = await options.locator('#import-errors li code').allTextContents();
    for (const p of ['templates[2].lang', 'thresholds.flag']) assert.ok(paths.includes(p), `no error at ${p}: ${paths}`);
    assert.match(await options.locator('#import-status').textContent(), /nothing changed/);
    await new Promise((r) => setTimeout(r, 1200)); // past the autosave delay
    assert.equal((await stored()).plan, saved);
    assert.equal(await options.locator('#brand-names').inputValue(), 'Export Test');
    await options.close();
  });

  test('two tabs editing at once get a warning, not a silent overwrite', async () => {
    const a = await openOptions(suite.browser);
    const b = await openOptions(suite.browser);
    // B edits; before its autosave fires, A's edit is saved.
    await b.locator('#brand-names').fill('Tab B');
    await a.evaluate(() => {
      const doc = JSON.parse(document.getElementById('plan').value);
      doc.brand.names = ['Tab A'];
      return chrome.runtime.sendMessage({ type: 'plan:save', plan: JSON.stringify(doc, null, 2) });
    });
    await b.waitForSelector('#conflict:not([hidden])');
    await new Promise((r) => setTimeout(r, 1200)); // past B's autosave delay
    assert.deepEqual((await storedPlan()).brand.names, ['Tab A'], 'B did not overwrite A');
    assert.match((await stored()).planDraft.text, /Tab B/, 'B\'s edit is kept as a draft');
    // B keeps its own, knowingly.
    await b.locator('#conflict-mine').click();
    await until(async () => (await storedPlan())?.brand.names[0] === 'Tab B', 'B saved after "keep mine"');
    assert.equal(await b.locator('#conflict').isHidden(), true);

    // A had no edits of its own: it took B's plan without a word lost. Now A edits, B edits
    // before A saves… and B chooses theirs.
    await a.waitForFunction(() => document.getElementById('brand-names').value === 'Tab B');
    await a.locator('#brand-names').fill('Tab A again');
    await b.locator('#brand-names').fill('Tab B again');
    await Promise.race([a.waitForSelector('#conflict:not([hidden])'), b.waitForSelector('#conflict:not([hidden])')]);
    const [loser, winnerName] = (await a.locator('#conflict').isVisible()) ? [a, 'Tab B again'] : [b, 'Tab A again'];
    assert.deepEqual((await storedPlan()).brand.names, [winnerName]);
    await loser.locator('#conflict-theirs').click();
    await loser.waitForFunction((name) => document.getElementById('brand-names').value === name, winnerName);
    assert.deepEqual((await storedPlan()).brand.names, [winnerName]);
    assert.equal((await stored()).planDraft, undefined);
    await a.close();
    await b.close();
  });
});
