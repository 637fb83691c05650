// X (Twitter) composes posts and replies with Draft.js under React. `webDriverTestID` is the
// Draft prop that puts data-testid="tweetTextarea_0" on the contenteditable, as on x.com.
import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Editor, EditorState } from 'draft-js';

let current = EditorState.createEmpty();

function Composer() {
  const [state, setState] = useState(current);
  current = state;
  const empty = !state.getCurrentContent().hasText();
  return (
    <div>
      <div className="DraftEditor-wrapper">
        <Editor
          editorState={state}
          onChange={(s) => { current = s; setState(s); }}
          placeholder="Post your reply"
          ariaLabel="Post text"
          ariaMultiline
          webDriverTestID="tweetTextarea_0"
          spellCheck
        />
      </div>
      <div className="r-1awozwy r-18u37iz">
        <button type="button" data-testid="tweetButtonInline" role="button" disabled={empty} aria-disabled={empty}>
          <span>Reply</span>
        </button>
      </div>
    </div>
  );
}

createRoot(document.querySelector('[data-fixture-editor="draft"]')).render(<Composer />);
/** The reply as Draft holds it: its ContentState's plain text. */
window.fixtureEditorText = () => current.getCurrentContent().getPlainText();
