// Instagram's comment box: a <textarea> whose value React controls (state + onChange), with a
// "Post" button that stays disabled while React's state is empty.
import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';

let current = '';

function CommentForm() {
  const [value, setValue] = useState('');
  current = value;
  const empty = value.trim() === '';
  return (
    <form className="x78zum5 x1iyjqo2 x1qjc9v5" method="POST" onSubmit={(e) => e.preventDefault()}>
      <textarea
        aria-label="Add a comment…"
        placeholder="Add a comment…"
        autoComplete="off"
        autoCorrect="off"
        className="x1i0vuye xvbhtw8 x1ejq31n xd10rxx x1sy0etr x17r0tee x5n08af x78zum5 x1iyjqo2 x1qlqyl8 x1d6elog xlk1fp6 x1a2a7pz xexx8yu x4uap5 x18d9i69 xkhd6sd xtt52l0 xnalus7 xs3hnx8 x1bq4at4 xaqnwrm"
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <div role="button" tabIndex={0} aria-disabled={empty} className="x1i10hfl xjqpnuy xa49m3k" data-fixture-post={empty ? 'disabled' : 'enabled'}>
        Post
      </div>
    </form>
  );
}

createRoot(document.querySelector('[data-fixture-editor="textarea"]')).render(<CommentForm />);
/** The comment as React holds it (component state), not the element's value. */
window.fixtureEditorText = () => current;
/** Whether the Post button is enabled, which React decides from its state. */
window.fixturePostEnabled = () => current.trim() !== '';
