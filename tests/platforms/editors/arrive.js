// The page's own scripts that every platform fixture loads (besides its editor), for
// tests/browser/e2e-hostile.test.mjs:
//
//   window.fixtureArrive({author, text, html, nest, into})  a comment arrives the way a live page
//       adds one: a copy of one of the page's own comments (its markup, its thread), with a new
//       author and body, appended to the comment list. `text` is the body as the platform shows
//       user text (escaped: a text node); `html` is markup of the page's own (a link, a style) set
//       with innerHTML, as a platform renders its rich text; `nest` wraps the body in that many
//       nested spans/divs; `lean` keeps only the elements that hold the body and the name (for
//       pages of tens of thousands of comments, where the page's own markup would be the test).
//       Returns the new comment element (marked data-fixture-arrived).
//   window.fixtureTicks, #fixture-clock   a clock the page runs every 50 ms (text in the page).
//   #fixture-button                        a button of the page's: each click counts in data-clicks.
//
// Where each fixture keeps a comment's body and author name is the page's knowledge, written here
// from the fixtures' markup, not taken from the extension's adapters (extension/content/adapters.js).
const PARTS = {
  'www.facebook.com': { text: 'span[lang][dir="auto"]', author: 'a[role="link"] span[dir="auto"]' },
  'business.facebook.com': { text: 'span[lang][dir="auto"]', author: 'a[role="link"] span[dir="auto"]' },
  'www.instagram.com': { text: 'span._aacu[dir="auto"]', author: 'span._aacw[dir="auto"]' },
  'x.com': { text: '[data-testid="tweetText"]', author: '[data-testid="User-Name"] a[role="link"] span span' },
  'www.linkedin.com': { text: '.comments-comment-item__main-content', author: '.comments-comment-meta__description-title' },
  'www.youtube.com': { text: '#content-text', author: '#author-text span' },
};
const parts = PARTS[location.hostname];

/** The page's first ordinary comment and the list item that holds it (its "cell"). */
function model() {
  const comment = document.querySelector('[data-expect]:not([data-expect-known-failure])');
  let cell = comment;
  while (cell.parentElement && cell.parentElement.querySelectorAll('[data-expect]').length === 1) cell = cell.parentElement;
  return { comment, cell };
}
let template = null;

window.fixtureArrive = ({ author = 'Camille Durand', text = '', html = null, nest = 0, nestTag = 'span', lean = false } = {}) => {
  if (!template) {
    // Taken once, before any extension mark lands on later copies.
    const { comment, cell } = model();
    const copy = cell.cloneNode(true);
    for (const n of copy.querySelectorAll('[data-fixture-brand], sentinelle-card')) n.remove();
    for (const n of [copy, ...copy.querySelectorAll('*')]) {
      for (const a of [...n.attributes]) if (a.name.startsWith('data-sentinelle') || a.name.startsWith('data-expect')) n.removeAttribute(a.name);
    }
    const path = [];
    for (let n = comment; n !== cell; n = n.parentElement) path.unshift([...n.parentElement.children].indexOf(n));
    template = { copy, path, list: cell.parentElement };
  }
  const cell = template.copy.cloneNode(true);
  const comment = template.path.reduce((n, i) => n.children[i], cell);
  if (lean) {
    // Only what holds the body and the name, and their ancestors: avatars and action bars go.
    const keep = [comment.querySelector(parts.text), ...comment.querySelectorAll(parts.author)];
    for (const n of [...cell.querySelectorAll('*')]) if (!keep.some((k) => k.contains(n) || n.contains(k))) n.remove();
  }
  comment.dataset.fixtureArrived = '';
  for (const el of comment.querySelectorAll(parts.author)) el.textContent = author;
  const body = document.createElement(location.hostname === 'x.com' ? 'span' : 'div');
  body.setAttribute('dir', 'auto');
  if (html != null) body.innerHTML = html;
  else body.textContent = text;
  let content = body;
  for (let i = 0; i < nest; i++) {
    const wrap = document.createElement(nestTag);
    wrap.append(content);
    content = wrap;
  }
  comment.querySelector(parts.text).replaceChildren(content);
  template.list.append(cell);
  comment.fixtureCell = cell; // what a page that re-renders would replace
  return comment;
};

// The page's clock and button: its own scripts, which must keep working whatever the extension does.
window.fixtureTicks = 0;
const clock = document.createElement('output');
clock.id = 'fixture-clock';
const button = document.createElement('button');
button.type = 'button';
button.id = 'fixture-button';
button.dataset.clicks = '0';
button.textContent = 'Page button';
button.addEventListener('click', () => { button.dataset.clicks = String(Number(button.dataset.clicks) + 1); });
document.body.prepend(clock, button);
setInterval(() => { clock.textContent = String(++window.fixtureTicks); }, 50);
