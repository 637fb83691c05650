// The mock inbox's own behaviour: relative timestamps, a local "Send" that appends the reply to
// the thread, and a button that adds a new comment (to watch the extension pick up messages that
// arrive after the page loaded). Nothing here talks to a server.

import '/lib/dom.js';

const now = Date.now();
for (const time of document.querySelectorAll('time[data-ago]')) {
  time.dateTime = new Date(now - Number(time.dataset.ago) * 60_000).toISOString();
}

/** The extension's one el() (lib/dom.js), called as (tag, className, text). */
const el = (tag, className, text) => globalThis.Sentinelle.dom.el(tag, className ? { class: className } : {}, text);

function boxText(box) {
  return box instanceof HTMLTextAreaElement ? box.value : box.innerText;
}

function clearBox(box) {
  // A Quill editor (the scenario's reply boxes) keeps its own document: empty it through Quill.
  const quill = box.classList.contains('ql-editor') && globalThis.Quill?.find(box.parentElement);
  if (box instanceof HTMLTextAreaElement) box.value = '';
  else if (quill) quill.setText('');
  else box.replaceChildren();
}

document.addEventListener('submit', (event) => {
  const form = event.target.closest('form.reply');
  if (!form) return;
  event.preventDefault();
  const box = form.querySelector('.reply-box');
  const text = boxText(box).trim();
  if (!text) return;
  const sent = el('div', 'message outgoing');
  const bubble = el('div', 'bubble');
  bubble.append(el('span', 'author', 'Lumière & Co'), ' ', el('time', null, 'now'), el('p', 'sent-text', text));
  sent.append(bubble);
  form.before(sent);
  clearBox(box);
});

// Replying to an existing comment puts focus in its box: the extension's Insert button then
// targets that thread.
const INCOMING = [
  ['Inès M.', 'IM', "Ce produit m'a brûlé la peau, j'ai des cloques partout. Faites attention, c'est dangereux !"],
  ['Chris P.', 'CP', 'Thanks for the quick refund, great service as always!'],
  ['Paul V.', 'PV', 'Est-ce que vous testez sur les animaux ? Je veux une réponse claire.'],
];
let next = 0;
document.getElementById('new-comment').addEventListener('click', () => {
  const [author, initials, text] = INCOMING[next % INCOMING.length];
  next += 1;
  const thread = el('section', 'thread new');
  thread.dataset.thread = '';
  const message = el('div', 'message');
  message.dataset.message = '';
  message.dataset.messageId = `n${next}`;
  const bubble = el('div', 'bubble');
  const time = el('time', null, 'now');
  time.dateTime = new Date().toISOString();
  bubble.append(el('span', 'author', author), ' ', time, el('p', 'message-text', text));
  message.append(el('span', `avatar hue-${(next % 6) + 1}`, initials), bubble);
  const form = el('form', 'reply');
  const box = el('textarea', 'reply-box');
  box.rows = 2;
  box.setAttribute('aria-label', `Reply to ${author}`);
  form.append(box, el('button', null, 'Send'));
  thread.append(message, form);
  document.getElementById('comment-list').prepend(thread);
});
