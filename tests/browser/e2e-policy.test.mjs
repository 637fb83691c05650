// The team policy, through the route an administrator uses: a JSON policy file in Chromium's
// system policy folder (/etc/chromium/policies/managed/), "3rdparty" → "extensions" → the
// extension's id, read by the browser and handed to the extension as chrome.storage.managed
// (checked against extension/managed_schema.json). Nothing is injected into the extension.
//
// The folder is system-wide, so the test (1) writes one uniquely named file and removes it after,
// (2) loads a copy of dist/chrome from a fresh temporary folder: an unpacked extension's id is
// derived from its path, so the policy names an id that no other run's extension has, and
// (3) is skipped, saying why, when the folder cannot be written (not root, read-only /etc).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { accessSync, constants, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmdirSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DIST_CHROME, ROOT, launchWithExtension, openInbox, openOptions, startServer } from './helpers.mjs';

const POLICY_DIR = process.env.CHROMIUM_POLICY_DIR || '/etc/chromium/policies/managed';

/** Chromium's id for an unpacked extension: the first 128 bits of SHA-256 of its absolute path,
 * each hex digit written a–p. (Checked below against the id the browser reports.) */
function unpackedId(dir) {
  const hex = createHash('sha256').update(realpathSync(dir)).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

/** The folder this test made (to remove after), or null: it made none. */
let madeDir = null;
/** Can this process write the policy folder (making it if absent)? A reason when not. */
function policyDirProblem() {
  try {
    madeDir = mkdirSync(POLICY_DIR, { recursive: true }) ?? null;
    accessSync(POLICY_DIR, constants.W_OK);
    return null;
  } catch (e) {
    return `${POLICY_DIR} is not writable (${e.code ?? e.message}; uid ${process.getuid?.()}): the policy file route needs root on this machine`;
  }
}

// The team's plan: the default plan renamed, with the brand, a deadline and a complaint
// template of its own, so that each is recognisably the policy's.
const TEAM_REPLY = 'Bonjour {author}, ici l\'équipe (politique e2e) : nous regardons votre commande tout de suite.';
const teamPlan = JSON.parse(readFileSync(join(ROOT, 'data', 'plan.default.json'), 'utf8'));
teamPlan.name = 'Team plan (policy e2e)';
teamPlan.brand = { names: ['Maison Politique'], watch_terms: ['politique'] };
teamPlan.deadlines = { ...teamPlan.deadlines, crisis: 10 };
teamPlan.templates.find((t) => t.id === 'complaint-fr-1').body = TEAM_REPLY;
const POLICY = {
  plan: JSON.stringify(teamPlan),
  locked: ['brand', 'deadlines', 'templates', 'thresholds', 'categories'],
  allowAgentTemplates: true,
};

const problem = policyDirProblem();

describe('a team policy set by the administrator', { skip: problem ?? false }, () => {
  let server;
  let browser;
  let copy;
  let policyFile;
  const send = (page, msg) => page.evaluate((m) => chrome.runtime.sendMessage(m), msg);

  before(async () => {
    copy = mkdtempSync(join(tmpdir(), 'sentinelle-policy-ext-'));
    cpSync(DIST_CHROME, copy, { recursive: true });
    const id = unpackedId(copy);
    policyFile = join(POLICY_DIR, `sentinelle-e2e-${process.pid}-${id.slice(0, 8)}.json`);
    writeFileSync(policyFile, JSON.stringify({ '3rdparty': { extensions: { [id]: POLICY } } }, null, 2));
    server = await startServer();
    browser = await launchWithExtension(copy);
    assert.equal(browser.extensionId, id, 'the id the policy file names is the one Chromium gave the extension');
  });
  after(async () => {
    await browser?.close();
    server?.stop();
    if (policyFile) rmSync(policyFile, { force: true });
    // The folders this test made, if nothing else was put in them since.
    if (madeDir && existsSync(POLICY_DIR) && !readdirSync(POLICY_DIR).length) {
      for (let d = POLICY_DIR; d.length >= madeDir.length; d = dirname(d)) {
        if (readdirSync(d).length) break;
        rmdirSync(d);
      }
    }
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  test('the policy reaches the extension through chrome.storage.managed', async () => {
    const managed = await browser.worker.evaluate(() => chrome.storage.managed.get(null));
    assert.deepEqual(managed, POLICY);
  });

  test('the effective plan is the policy\'s, its locked parts with it; the popup says whose it is', async () => {
    const page = await openOptions(browser);
    const answer = await send(page, { type: 'plan:get' });
    assert.equal(answer.ok, true);
    assert.deepEqual(answer.policy.locked, POLICY.locked);
    assert.equal(answer.policy.allowAgentTemplates, true);
    const plan = JSON.parse(answer.plan);
    assert.equal(plan.name, teamPlan.name);
    assert.deepEqual(plan.brand, teamPlan.brand);
    assert.equal(plan.deadlines.crisis, 10);
    assert.equal(plan.templates.find((t) => t.id === 'complaint-fr-1').body, TEAM_REPLY);
    const { status } = await send(page, { type: 'status' });
    assert.equal(status.plan.name, teamPlan.name);
    assert.deepEqual(status.plan.brandNames, ['Maison Politique']);
    assert.equal(status.warning, null);
    await page.goto(browser.extensionUrl('pages/popup.html'));
    await page.waitForSelector('body[data-ready="true"]');
    assert.match(await page.locator('#plan').textContent(), /Team plan \(policy e2e\) \(set by your organisation\)/);
    await page.close();
  });

  test('the options page shows the locked parts read-only, the JSON view everything', async () => {
    const page = await openOptions(browser);
    assert.equal(await page.locator('#policy-banner').isVisible(), true);
    assert.match(await page.locator('#policy-banner').textContent(), /managed by your organisation/);
    assert.match(await page.locator('#policy-locked').textContent(), /brand, deadlines, templates/);
    // Locked: disabled, with the note; unlocked (incident, spike): editable.
    assert.equal(await page.locator('#brand-names').isDisabled(), true);
    assert.equal(await page.locator('#brand-names').inputValue(), 'Maison Politique');
    assert.equal(await page.locator('#deadline-crisis').isDisabled(), true);
    assert.equal(await page.locator('section[data-part="brand"] .locked-note').textContent(), 'Set by your organisation.');
    assert.equal(await page.locator('#incident-name').isDisabled(), false);
    assert.equal(await page.locator('#spike-min').isDisabled(), false);
    assert.equal(await page.locator('section[data-part="spike"] .locked-note').count(), 0);
    // The policy's templates: read-only, no delete; adding is allowed.
    await page.locator('#tpl-category').selectOption('complaint');
    await page.locator('#tpl-lang').selectOption('fr');
    const policyTpl = page.locator('#tpl-list li[data-template-id="complaint-fr-1"]');
    assert.equal(await policyTpl.getAttribute('data-locked'), 'true');
    assert.equal(await policyTpl.locator('textarea').evaluate((t) => t.readOnly), true);
    assert.equal(await policyTpl.locator('button[data-remove]').count(), 0);
    assert.equal(await page.locator('#tpl-add').isDisabled(), false);
    const json = JSON.parse(await page.locator('#plan').inputValue());
    assert.deepEqual(json.brand, teamPlan.brand);
    assert.ok(json.categories && json.thresholds, 'the JSON view shows the locked parts too');
    await page.close();
  });

  test('a save that changes a locked part is refused with its path; an agent\'s own template is kept', async () => {
    const page = await openOptions(browser);
    const { plan, stored } = await send(page, { type: 'plan:get' });
    const { fingerprint } = await import('../../extension/lib/plan-doc.js');
    const base = fingerprint(stored);

    const changed = JSON.parse(plan);
    changed.brand.names = ['Someone Else'];
    changed.deadlines.crisis = 99;
    const i = changed.templates.findIndex((t) => t.id === 'complaint-fr-1');
    changed.templates[i].body = 'Changed by the agent.';
    let answer = await send(page, { type: 'plan:save', plan: JSON.stringify(changed), base });
    assert.equal(answer.ok, false);
    assert.deepEqual(answer.errors.map((e) => e.path).sort(), ['brand', 'deadlines', `templates[${i}]`].sort());
    assert.match(answer.errors.find((e) => e.path === 'brand').message, /set by your organisation/);
    assert.equal((await browser.worker.evaluate(() => chrome.storage.local.get('plan'))).plan, undefined, 'nothing stored');

    // An unlocked part and a template of the agent's own: accepted, and layered on the policy.
    const mine = JSON.parse(plan);
    mine.spike.min_count = 7;
    mine.templates.push({ id: 'agent-own-question-en', category: 'question', lang: 'en', body: 'Agent\'s own answer, {author}.' });
    answer = await send(page, { type: 'plan:save', plan: JSON.stringify(mine, null, 2), base });
    assert.equal(answer.ok, true, JSON.stringify(answer.errors));
    const after = await send(page, { type: 'plan:get' });
    const effective = JSON.parse(after.plan);
    assert.equal(effective.spike.min_count, 7);
    assert.equal(effective.templates.find((t) => t.id === 'agent-own-question-en')?.body, 'Agent\'s own answer, {author}.');
    assert.equal(effective.templates.find((t) => t.id === 'complaint-fr-1').body, TEAM_REPLY);
    assert.deepEqual(effective.brand, teamPlan.brand);
    assert.equal(after.custom, true);

    // The options page shows it: the agent's template is editable, the policy's is not; and an
    // edit of a locked part typed in the JSON view comes back with its path, not applied.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.locator('#tpl-category').selectOption('question');
    await page.locator('#tpl-lang').selectOption('en');
    const own = page.locator('#tpl-list li[data-template-id="agent-own-question-en"]');
    assert.equal(await own.getAttribute('data-locked'), 'false');
    assert.equal(await own.locator('button[data-remove]').count(), 1);
    const text = JSON.parse(await page.locator('#plan').inputValue());
    text.thresholds.flag = 0.6;
    await page.locator('#advanced summary').click();
    // As typed (the plan is too long for a keystroke-by-keystroke fill): the value, then `input`.
    await page.locator('#plan').evaluate((el, value) => {
      el.value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, JSON.stringify(text, null, 2));
    await page.waitForSelector('#plan-errors li');
    assert.deepEqual(await page.locator('#plan-errors li code').allTextContents(), ['thresholds']);
    assert.equal(JSON.parse((await browser.worker.evaluate(() => chrome.storage.local.get('plan'))).plan).spike.min_count, 7, 'the stored plan is unchanged');
    await browser.worker.evaluate(() => chrome.storage.local.remove('planDraft'));
    await page.close();
  });

  test('the triaged card on the demo inbox uses the policy\'s template', async () => {
    const { page } = await openInbox(browser.context, server.url);
    await page.locator('[data-message-id="c3"] sentinelle-card button.chip').click();
    await page.waitForFunction(() =>
      document.querySelector('[data-message-id="c3"] sentinelle-card')?.shadowRoot.textContent.includes('ici l\'équipe (politique e2e)'), null, { timeout: 10_000 });
    await page.close();
  });
  // Last: it changes the policy file. Chromium watches the folder and reloads a changed file once
  // it has settled (a few seconds), then storage.onChanged ('managed') reaches the background.
  test('an invalid policy plan: the default plan runs, the popup and the options page say so', async () => {
    const broken = { ...POLICY, plan: JSON.stringify({ ...teamPlan, thresholds: { ...teamPlan.thresholds, flag: 1.5 } }) };
    writeFileSync(policyFile, JSON.stringify({ '3rdparty': { extensions: { [browser.extensionId]: broken } } }, null, 2));
    const page = await openOptions(browser);
    const t0 = Date.now();
    let status;
    for (;;) {
      ({ status } = await send(page, { type: 'status' }));
      if (status.policy?.invalid > 0) break;
      if (Date.now() - t0 > 60_000) throw new Error('the changed policy did not reach the extension within 60 s');
      await new Promise((r) => setTimeout(r, 250));
    }
    console.log(`the changed policy file reached the background in ${Date.now() - t0} ms`);
    assert.match(status.warning, /organisation's crisis plan is invalid \(\d+ errors\): the default plan runs/);
    // The locked parts are the default plan's now (its brand has no names); the agent's own
    // unlocked parts (saved above: the spike, the plan's name) still apply on top of it.
    assert.deepEqual(status.plan.brandNames, []);
    const { plan, policy } = await send(page, { type: 'plan:get' });
    assert.equal(policy.invalid, status.policy.invalid);
    const effective = JSON.parse(plan);
    assert.equal(effective.deadlines.crisis, 15);
    assert.equal(effective.thresholds.flag, 0.5);
    assert.equal(effective.spike.min_count, 7);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.locator('#policy-invalid').isVisible(), true);
    await page.goto(browser.extensionUrl('pages/popup.html'));
    await page.waitForSelector('body[data-ready="true"]');
    assert.match(await page.locator('#engine-warning').textContent(), /invalid/);
    await page.close();
  });
});
