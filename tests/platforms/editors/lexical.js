// Facebook and Meta Business Suite compose comments with Lexical (plain text, as their comment
// boxes are). The page marks up the root element as Facebook does; Lexical takes it over.
import { $getRoot, createEditor } from 'lexical';
import { registerPlainText } from '@lexical/plain-text';

for (const root of document.querySelectorAll('[data-fixture-editor="lexical"]')) {
  const editor = createEditor({ namespace: 'fixture', onError: (e) => { throw e; } });
  editor.setRootElement(root);
  registerPlainText(editor);
  root.fixtureEditor = editor;
}

/** The text of a Lexical editor, read from its own state (not the DOM). */
function textOf(root) {
  return root.fixtureEditor.getEditorState().read(() => $getRoot().getTextContent());
}
// The test reads the editor the extension inserted into (or the first one).
window.fixtureEditorText = (selector) => textOf(document.querySelector(selector ?? '[data-fixture-editor="lexical"]'));
window.fixtureEditorTexts = () => [...document.querySelectorAll('[data-fixture-editor="lexical"]')].map(textOf);
