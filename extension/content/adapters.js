/*
 * Platform adapters: data, not code. Each says where a platform keeps its messages, so supporting
 * a new layout is a change here, never in content.js. The content script takes the first adapter
 * whose `hosts` match the page (and whose `requires` selector is present, if it has one).
 *
 * Fields (CSS selectors unless said otherwise):
 *   id, platform    adapter name; platform sent to the engine
 *   hosts           hostnames; "*" matches any; ".example.com" matches subdomains
 *   requires        selector that must exist on the page for this adapter to apply
 *   message         one incoming comment/DM (the unit that gets a verdict and a card)
 *   text            inside `message`: its text. Missing → the message is skipped, unless
 *                   `textIsMessage` is true, then the message element itself is read
 *   author, time    inside `message`; `timeAttr` names the attribute with a date (else none)
 *   thread          ancestor of `message` that also holds the reply box for it
 *   replyBox        inside `thread`: the editor to insert a reply into
 *   ownAccount      optional, on the page: the element naming the account the agent works as;
 *                   messages it wrote are the brand's own and get no chip (the plan's
 *                   `brand.names` do the same everywhere, in the background)
 *   verified        where the selectors were checked. The demo adapter is checked by the
 *                   end-to-end tests; the platform ones follow the platforms' public markup and
 *                   must be re-checked when a platform ships a new layout.
 *
 * A "universal" script (see lib/messages.js): it adds `globalThis.Sentinelle.adapters`.
 */
(() => {
  'use strict';
  const S = (globalThis.Sentinelle ??= {});

  const EDITORS = 'textarea, [contenteditable="true"], [contenteditable=""], [role="textbox"]';

  S.adapters = Object.freeze([
    {
      id: 'demo',
      platform: 'demo',
      hosts: ['127.0.0.1', 'localhost'],
      requires: '[data-inbox]',
      message: '[data-message]',
      text: '.message-text',
      author: '.author',
      time: 'time',
      timeAttr: 'datetime',
      thread: '[data-thread]',
      replyBox: '.reply-box',
      verified: 'tests/browser (www/index.html)',
    },
    {
      id: 'business.facebook',
      platform: 'facebook',
      hosts: ['business.facebook.com'],
      message: '[role="row"] [data-testid="message-container"], div[role="article"][aria-label]',
      // The comment body is a span[lang][dir=auto] holding one div[dir=auto] per paragraph: the
      // span first, so a comment of several paragraphs is read whole.
      text: 'span[lang][dir="auto"], div[dir="auto"]',
      author: 'a[role="link"] span[dir="auto"], a[role="link"] span, h4 span',
      thread: '[role="main"]',
      replyBox: 'textarea, [contenteditable="true"][role="textbox"]',
      verified: 'tests/platforms/business.html (fixture: Facebook comment markup in an inbox pane; the inbox itself is not publicly described), 2026-12-05',
    },
    {
      id: 'facebook',
      platform: 'facebook',
      hosts: ['www.facebook.com', 'web.facebook.com'],
      message: 'div[role="article"][aria-label]',
      text: 'span[lang][dir="auto"], div[dir="auto"]', // see business.facebook
      author: 'a[role="link"] span[dir="auto"], a[role="link"] span',
      thread: 'div[role="article"]:not([aria-label]), div[role="dialog"], [role="feed"] > div',
      replyBox: '[contenteditable="true"][role="textbox"]',
      verified: 'tests/platforms/facebook.html (fixture from public markup: scrapers and extensions, Lexical editor), 2026-12-05',
    },
    {
      id: 'instagram',
      platform: 'instagram',
      hosts: ['www.instagram.com'],
      // Since 2024 a post's comments are divs inside its ul (no li any more); the only li left is
      // the caption's (ul > div[role=button] > li, an h1), which the old selector found instead.
      // A comment is the div four levels above its text span: depth-bound, as nothing on the
      // comment element itself names it (atomic class names only).
      message: 'ul div:has(> div > div > div > span._ap3a._aacu[dir="auto"])',
      // _aacu (regular weight): the comment text; the username is the same span with _aacw (bold).
      text: 'span._ap3a._aacu[dir="auto"]',
      author: 'a[role="link"] span[dir="auto"]',
      time: 'time',
      timeAttr: 'datetime',
      thread: 'article, div[role="dialog"]',
      replyBox: 'textarea[aria-label], form textarea',
      verified: 'tests/platforms/instagram.html (fixture from 2024 public scrapers: ul/div comments, _ap3a _aacu text spans), 2026-12-05',
    },
    {
      id: 'x',
      platform: 'x',
      hosts: ['x.com', 'twitter.com', 'mobile.x.com', 'mobile.twitter.com'],
      message: 'article[data-testid="tweet"]',
      text: '[data-testid="tweetText"]',
      author: '[data-testid="User-Name"] a[role="link"] span',
      time: 'time',
      timeAttr: 'datetime',
      thread: 'main [data-testid="primaryColumn"]',
      replyBox: '[data-testid="tweetTextarea_0"], [role="textbox"][contenteditable="true"]',
      verified: 'tests/platforms/x.html (fixture from public data-testid attributes, Draft.js editor), 2026-12-05',
    },
    {
      id: 'linkedin',
      platform: 'linkedin',
      hosts: ['www.linkedin.com'],
      message: 'article.comments-comment-entity, article.comments-comment-item',
      text: '.comments-comment-item__main-content, .update-components-text',
      author: '.comments-comment-meta__description-title, .comments-post-meta__name-text',
      time: 'time',
      // The post holds the comment box (.comments-comment-box) above its comments list.
      thread: '.feed-shared-update-v2',
      replyBox: '.ql-editor[contenteditable="true"]',
      verified: 'tests/platforms/linkedin.html (fixture from public class names, Quill editor), 2026-12-05',
    },
    {
      id: 'youtube',
      platform: 'youtube',
      hosts: ['www.youtube.com', 'studio.youtube.com'],
      message: 'ytd-comment-view-model, ytd-comment-renderer, ytcp-comment',
      text: '#content-text',
      author: '#author-text',
      thread: 'ytd-comment-thread-renderer, ytcp-comment-thread',
      replyBox: '#contenteditable-root[contenteditable], textarea#textarea',
      verified: 'tests/platforms/youtube.html (fixture from public custom elements, plain contenteditable), 2026-12-05',
    },
    {
      // Any other page the content script runs on: conservative, and the content script turns
      // itself off when this finds nothing.
      id: 'generic',
      platform: 'web',
      hosts: ['*'],
      message: '[role="comment"], [itemprop="comment"], .comment',
      text: '[itemprop="text"], .comment-text, .comment-body, .comment-content',
      textIsMessage: true,
      author: '[itemprop="author"], .comment-author, .author',
      time: 'time',
      timeAttr: 'datetime',
      thread: 'form, section, article',
      replyBox: EDITORS,
      verified: 'schema.org Comment and ARIA comment role',
    },
  ]);
})();
