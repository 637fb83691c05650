// LinkedIn's comment box is a Quill editor (.ql-container > .ql-editor). LinkedIn labels the
// editable element itself; Quill creates it, so the labels are put on after.
import Quill from 'quill/core';

const mount = document.querySelector('[data-fixture-editor="quill"]');
const quill = new Quill(mount, { placeholder: 'Add a comment…' });
const editable = mount.querySelector('.ql-editor');
editable.setAttribute('role', 'textbox');
editable.setAttribute('aria-label', 'Text editor for creating content');
editable.setAttribute('aria-multiline', 'true');
/** The comment as Quill holds it (its Delta's text; Quill always ends it with one "\n"). */
window.fixtureEditorText = () => quill.getText();
