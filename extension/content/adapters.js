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
      text: 'div[dir="auto"]',
      author: 'a[role="link"] span, h4 span',
      thread: '[role="main"]',
      replyBox: 'textarea, [contenteditable="true"][role="textbox"]',
      verified: 'unverified: Meta Business Suite inbox markup as publicly documented, 2024',
    },
    {
      id: 'facebook',
      platform: 'facebook',
      hosts: ['www.facebook.com', 'web.facebook.com'],
      message: 'div[role="article"][aria-label]',
      text: 'div[dir="auto"]',
      author: 'a[role="link"] span[dir="auto"], a[role="link"] span',
      thread: 'div[role="article"]:not([aria-label]), div[role="dialog"], [role="feed"] > div',
      replyBox: '[contenteditable="true"][role="textbox"]',
      verified: 'unverified: public comment markup (Lexical editor), 2024',
    },
    {
      id: 'instagram',
      platform: 'instagram',
      hosts: ['www.instagram.com'],
      message: 'ul ul > div > li, ul > div[role="button"] > li',
      text: 'span[dir="auto"]:not(:has(a))',
      author: 'h3 a, a[role="link"] span',
      time: 'time',
      timeAttr: 'datetime',
      thread: 'article, div[role="dialog"]',
      replyBox: 'textarea[aria-label], form textarea',
      verified: 'unverified: public comment markup, 2024',
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
      verified: 'unverified: public data-testid attributes (Draft.js editor), 2024',
    },
    {
      id: 'linkedin',
      platform: 'linkedin',
      hosts: ['www.linkedin.com'],
      message: 'article.comments-comment-entity, article.comments-comment-item',
      text: '.comments-comment-item__main-content, .update-components-text',
      author: '.comments-comment-meta__description-title, .comments-post-meta__name-text',
      time: 'time',
      thread: '.comments-comment-list, .feed-shared-update-v2',
      replyBox: '.ql-editor[contenteditable="true"]',
      verified: 'unverified: public comment markup (Quill editor), 2024',
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
      verified: 'unverified: public custom elements (plain contenteditable), 2024',
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
