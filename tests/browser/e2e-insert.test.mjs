// Reply insertion (extension/content/insert.js) against the kinds of editors platforms use, with
// a multi-line reply: the route each editor needs (docs/TOOLCHAIN), read back from the editor,
// and the fallback when an editor swallows the text.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, launchPlain } from './helpers.mjs';

const REPLY = 'Bonjour Ann,\nnous sommes désolés.\n\nÉcrivez-nous en privé. 🙏';
const lines = (s) => s.split('\n').map((l) => l.trim()).filter(Boolean);

const PAGE = `<!doctype html><meta charset="utf-8">
<textarea id="plain"></textarea>
<textarea id="react"></textarea>
<div id="editable" contenteditable="true"></div>
<div id="lexical" contenteditable="true" data-lexical-editor="true"></div>
<div id="black-hole" contenteditable="true" data-lexical-editor="true"></div>
<div id="wrapper" role="textbox"><textarea id="inner"></textarea></div>
<div id="static">not editable</div>`;

describe('inserting a reply', () => {
  let browser;
  let page;
  const insert = (selector) => page.evaluate(([sel, text]) => globalThis.Sentinelle.insert.insertReply(document.querySelector(sel), text), [selector, REPLY]);

  before(async () => {
    browser = await launchPlain();
    page = await browser.newPage();
    await page.setContent(PAGE);
    await page.addScriptTag({ path: join(ROOT, 'extension', 'content', 'insert.js') });
    await page.evaluate(() => {
      // Like React: the component keeps its own copy of the value and only learns of changes
      // from input events, which it sees through the instance's value.
      const react = document.getElementById('react');
      react.seen = '';
      react.addEventListener('input', () => { react.seen = react.value; });
      // Like Lexical: DOM edits are ignored; only its paste handler changes the document.
      const lexical = document.getElementById('lexical');
      lexical.addEventListener('beforeinput', (e) => e.preventDefault());
      lexical.addEventListener('paste', (e) => {
        e.preventDefault();
        lexical.dataset.pasted = 'true';
        const text = e.clipboardData.getData('text/plain');
        lexical.replaceChildren(...text.split('\n').map((l) => Object.assign(document.createElement('p'), { textContent: l })));
      });
      // An editor that accepts nothing at all.
      const hole = document.getElementById('black-hole');
      for (const type of ['beforeinput', 'paste']) hole.addEventListener(type, (e) => e.preventDefault());
    });
  });
  after(async () => browser?.close());

  test('textarea: the exact text, newlines included', async () => {
    assert.deepEqual(await insert('#plain'), { ok: true, how: 'textarea' });
    assert.equal(await page.locator('#plain').inputValue(), REPLY);
  });

  test('React-style textarea: the framework hears about it', async () => {
    assert.equal((await insert('#react')).ok, true);
    assert.equal(await page.evaluate(() => document.getElementById('react').seen), REPLY);
  });

  test('plain contenteditable: line by line, lines kept', async () => {
    assert.deepEqual(await insert('#editable'), { ok: true, how: 'contenteditable' });
    assert.deepEqual(lines(await page.locator('#editable').innerText()), lines(REPLY));
  });

  test('Lexical: through a synthetic paste', async () => {
    assert.deepEqual(await insert('#lexical'), { ok: true, how: 'lexical' });
    assert.equal(await page.locator('#lexical').getAttribute('data-pasted'), 'true');
    assert.deepEqual(lines(await page.locator('#lexical').innerText()), lines(REPLY));
  });

  test('the first unfilled placeholder is selected after Insert, so typing replaces it', async () => {
    const WITH = 'Bonjour Ann,\nnous revenons vers vous.\n[prénom de l\'agent] — [lien]';
    await page.evaluate(() => {
      for (const id of ['plain', 'editable']) {
        const el = document.getElementById(id);
        if ('value' in el) el.value = ''; else el.replaceChildren();
      }
    });
    for (const id of ['plain', 'editable']) {
      const result = await page.evaluate(([id, text]) => globalThis.Sentinelle.insert.insertReply(document.getElementById(id), text), [id, WITH]);
      assert.equal(result.selected, '[prénom de l\'agent]', id);
      const selected = await page.evaluate((id) => {
        const el = document.getElementById(id);
        return 'value' in el ? el.value.slice(el.selectionStart, el.selectionEnd) : document.getSelection().toString();
      }, id);
      assert.equal(selected, '[prénom de l\'agent]', `${id}: the placeholder is the selection`);
      await page.keyboard.type('Camille');
      const text = await page.evaluate((id) => { const el = document.getElementById(id); return 'value' in el ? el.value : el.innerText; }, id);
      assert.deepEqual(lines(text), lines(WITH.replace('[prénom de l\'agent]', 'Camille')), `${id}: typing replaced it`);
    }
    // A reply without a placeholder leaves the caret after it.
    assert.equal((await page.evaluate(() => globalThis.Sentinelle.insert.firstPlaceholder('Merci !'))), null);
  });

  test('a wrapper around the editor is looked into', async () => {
    assert.equal((await insert('#wrapper')).ok, true);
    assert.equal(await page.locator('#inner').inputValue(), REPLY);
  });

  test('an editor that swallows the text, or no editor: reported, and handed to the clipboard', async () => {
    for (const sel of ['#black-hole', '#static', '#nothing-here']) {
      const result = await insert(sel);
      assert.equal(result.ok, false, sel);
      assert.equal(typeof result.copied, 'boolean', sel);
    }
    assert.equal(await page.locator('#black-hole').innerText(), '');
  });
});
