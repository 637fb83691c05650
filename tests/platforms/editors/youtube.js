// YouTube's comment box is a plain contenteditable (#contenteditable-root inside
// yt-formatted-string#contenteditable-textarea inside ytd-commentbox). Its Polymer element keeps
// the comment in a property it updates on `input` events and enables the Comment button from it;
// this stands in for that element: the test reads the property, so an insertion that fires no
// input event is seen as not landed, as on YouTube.
const boxes = new WeakMap();

function attach(commentbox) {
  const editable = commentbox.querySelector('#contenteditable-root');
  const submit = commentbox.querySelector('#submit-button button');
  const state = { commentText: '' };
  boxes.set(editable, state);
  editable.addEventListener('input', () => {
    state.commentText = editable.innerText.replace(/\n$/, '');
    submit.disabled = state.commentText.trim() === '';
    submit.setAttribute('aria-disabled', String(submit.disabled));
  });
}

// "Reply" on a comment opens a reply dialog with its own commentbox inside that comment, as
// YouTube does (ytd-comment-reply-dialog-renderer under the comment's #reply-dialog).
const template = document.getElementById('fixture-reply-dialog');
document.addEventListener('click', (e) => {
  const button = e.target.closest('#reply-button-end button');
  if (!button) return;
  const comment = button.closest('ytd-comment-view-model');
  const slot = comment.querySelector('#reply-dialog');
  if (slot.firstElementChild) return;
  slot.append(template.content.cloneNode(true));
  attach(slot.querySelector('ytd-commentbox'));
  slot.querySelector('#contenteditable-root').focus();
});

for (const box of document.querySelectorAll('ytd-commentbox')) attach(box);

/** The comment text the commentbox element holds, for the box `selector` (else the last focused). */
let lastBox = null;
document.addEventListener('focusin', (e) => { if (boxes.has(e.target)) lastBox = e.target; });
window.fixtureEditorText = (selector) => boxes.get(selector ? document.querySelector(selector) : lastBox)?.commentText ?? null;
