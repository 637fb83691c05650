// The demo inbox plays a day (?scenario=day): the timeline in scenario-day.js, delivered by a
// small player into the same markup as the static messages, so the extension's "demo" adapter
// triages each one as it arrives.
//
//   scenario-day.js ─▶ player (clock × speed, tick every 100 ms) ─▶ due rows ─▶ thread markup
//        (Play/Pause, 1× 5× 20×, Restart)                                     with <time datetime>
//
// Without the query the page is the static inbox the tests know, untouched.
//
// Times. The clock shows the scenario's time of day (08:50 → 10:06); each message's
// <time datetime> is that moment on a real timeline, so the extension's spike detector sees the
// burst as a burst: the day's 08:50 is placed at the next ten-minute mark (the plan's window, so
// the story's windows are the detector's), and a day played again (Restart, or a reload) is placed
// at least seven hours after the last one shown — a new day to the detector (beyond its six-hour
// gap), never "late" messages from a day it has already counted.
import '/lib/dom.js';
import { DAY } from './scenario-day.js';
import { localise } from './strings.js';

const MINUTE = 60_000;
const TICK_MS = 100;
/** Where a day starts on the real timeline: a multiple of the plan's default window. */
const ALIGN_MS = 10 * MINUTE;
/** A replay starts this long after the last message shown, so the detector reads a new day. */
const NEXT_DAY_GAP_MS = 7 * 60 * MINUTE;
const LAST_KEY = 'sentinelle-demo:scenario-last';

/** "hh:mm[:ss]" → ms since midnight. */
function clockMs(at) {
  const [h, m, s = 0] = at.split(':').map(Number);
  return ((h * 60 + m) * 60 + s) * 1000;
}
/** ms since midnight → "hh:mm". */
function clockText(ms) {
  const minutes = Math.floor(ms / MINUTE);
  return `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

const START = clockMs(DAY.start);
const END = clockMs(DAY.end);
/** Rows with their offset from the start, in order of arrival. */
const ROWS = DAY.messages.map((row) => ({ ...row, offset: clockMs(row.at) - START }))
  .sort((a, b) => a.offset - b.offset)
  .map((row, index) => ({ ...row, index }));
const PHASES = [...DAY.phases].map((p) => ({ ...p, offset: clockMs(p.from) - START })).sort((a, b) => b.offset - a.offset);

/** The extension's one el() (lib/dom.js), called as (tag, className, text). */
const el = (tag, className, text) => globalThis.Sentinelle.dom.el(tag, className ? { class: className } : {}, text);

const initials = (name) => name.replace(/[^\p{L}\s]/gu, ' ').trim().split(/\s+/).slice(0, 2).map((w) => w[0].toUpperCase()).join('') || '?';

/** A customer's message as a thread, in the markup the demo adapter reads. */
function threadFor(row, datetime) {
  const dm = row.kind === 'dm';
  const thread = el('section', dm ? 'thread dm arrived' : 'thread arrived');
  thread.dataset.thread = '';
  thread.dataset.scenario = '';
  const message = el('div', 'message');
  message.dataset.message = '';
  message.dataset.messageId = `s${row.index}`;
  message.dataset.scenarioIndex = String(row.index);
  const bubble = el('div', 'bubble');
  const time = el('time', null, clockText(START + row.offset));
  time.dateTime = new Date(datetime).toISOString();
  const text = el('p', 'message-text', row.text);
  text.lang = row.lang;
  bubble.append(el('span', 'author', row.author), ' ', time, text);
  message.append(el('span', `avatar hue-${(row.index % 6) + 1}`, initials(row.author)), bubble);
  const form = el('form', 'reply');
  const label = `${dm ? 'Message' : 'Reply to'} ${row.author}`;
  const send = el('button', null, 'Send');
  send.type = 'submit';
  if (globalThis.Quill) {
    // A real rich-text editor, as on the platforms (LinkedIn's comment box is Quill): the
    // editable element Quill creates is the adapter's .reply-box.
    const mount = el('div', 'reply-editor');
    form.append(mount, send);
    const quill = new globalThis.Quill(mount, { placeholder: 'Reply as Lumière & Co…' });
    quill.root.classList.add('reply-box');
    quill.root.setAttribute('role', 'textbox');
    quill.root.setAttribute('aria-multiline', 'true');
    quill.root.setAttribute('aria-label', label);
  } else {
    const box = el('textarea', 'reply-box');
    box.rows = 2;
    box.placeholder = 'Reply as Lumière & Co…';
    box.setAttribute('aria-label', label);
    form.append(box, send);
  }
  thread.append(message, form);
  return thread;
}

/**
 * Quill's browser build (served from node_modules by scripts/serve.mjs): a classic script that
 * sets `Quill`. Without it (no `npm ci`) the reply boxes are plain textareas, and the page says why
 * in the console.
 */
function loadQuill() {
  const css = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: '/vendor/quill/quill.core.css' });
  document.head.append(css);
  return new Promise((resolve) => {
    const script = Object.assign(document.createElement('script'), { src: '/vendor/quill/quill.core.js' });
    script.onload = () => resolve(true);
    script.onerror = () => {
      console.warn('scenario: Quill did not load (run npm ci); reply boxes are plain textareas');
      resolve(false);
    };
    document.head.append(script);
  });
}

/** The brand's own post (the holding statement): shown pinned, not a [data-message], never triaged. */
function statementFor(row, t) {
  const post = el('article', 'post statement arrived');
  post.dataset.scenario = '';
  const head = el('div', 'post-head');
  const who = el('div');
  const time = el('time', null, clockText(START + row.offset));
  who.append(el('span', 'post-author', row.author), ' ', time, ' ', el('span', 'pin', t('scenarioStatement')));
  head.append(el('span', 'avatar brand', 'L'), who);
  const text = el('p', null, row.text);
  text.lang = row.lang;
  post.append(head, text);
  return post;
}

/** The latest <time datetime> this page has shown (remembered across reloads in localStorage). */
let lastShown = 0;

/** Where the detector should see this play of the day start: see "Times" above. */
function anchorDay() {
  let last = 0;
  try {
    last = Number(localStorage.getItem(LAST_KEY)) || 0;
  } catch {
    // storage refused (privacy settings): only this page's own plays are known
  }
  const earliest = Math.max(Date.now(), last ? last + NEXT_DAY_GAP_MS : 0, lastShown ? lastShown + NEXT_DAY_GAP_MS : 0);
  return Math.ceil(earliest / ALIGN_MS) * ALIGN_MS;
}

function remember(time) {
  lastShown = Math.max(lastShown, time);
  try {
    localStorage.setItem(LAST_KEY, String(lastShown));
  } catch {
    // see anchorDay
  }
}

async function main() {
  const bar = document.getElementById('scenario');
  const link = document.getElementById('scenario-link');
  if (new URLSearchParams(location.search).get('scenario') !== 'day') {
    if (link) await localise(link.parentElement);
    return;
  }
  // The day starts with an empty inbox: the static messages go before the extension reads them
  // (this module runs before the content script, which waits for the page to be idle).
  for (const thread of document.querySelectorAll('main [data-thread]')) thread.remove();
  const comments = document.getElementById('comment-list');
  const dms = document.getElementById('messages-title');
  const clock = document.getElementById('scenario-clock');
  const phase = document.getElementById('scenario-phase');
  const play = document.getElementById('scenario-play');
  const progress = document.getElementById('scenario-progress');
  const speeds = [...bar.querySelectorAll('button[data-speed]')];
  link.href = './';
  link.dataset.i18n = 'scenarioLeave';
  bar.hidden = false;
  document.body.classList.add('scenario');
  const [t] = await Promise.all([localise(document.body), loadQuill()]);

  const state = { elapsed: 0, speed: 1, playing: false, next: 0, anchor: null, lastTick: 0, timer: null };

  function render() {
    clock.textContent = clockText(START + state.elapsed);
    clock.dateTime = clock.textContent;
    const current = PHASES.find((p) => p.offset <= state.elapsed);
    const ended = state.next >= ROWS.length && state.elapsed >= END - START;
    phase.textContent = ended ? t('scenarioEnded') : current ? t(current.key) : '';
    play.textContent = t(state.playing ? 'scenarioPause' : 'scenarioPlay');
    play.setAttribute('aria-pressed', String(state.playing));
    progress.textContent = t('scenarioProgress', [String(state.next), String(ROWS.length)]);
    bar.dataset.state = state.playing ? 'playing' : ended ? 'ended' : state.elapsed || state.next ? 'paused' : 'idle';
    bar.dataset.played = String(state.next);
    for (const b of speeds) b.setAttribute('aria-pressed', String(Number(b.dataset.speed) === state.speed));
  }

  function deliver(row) {
    const when = state.anchor + row.offset;
    if (row.brand) comments.prepend(statementFor(row, t));
    else if (row.kind === 'dm') dms.after(threadFor(row, when));
    else comments.prepend(threadFor(row, when));
    remember(when);
  }

  function tick() {
    const now = performance.now();
    state.elapsed = Math.min(END - START, state.elapsed + (now - state.lastTick) * state.speed);
    state.lastTick = now;
    while (state.next < ROWS.length && ROWS[state.next].offset <= state.elapsed) deliver(ROWS[state.next++]);
    if (state.next >= ROWS.length && state.elapsed >= END - START) pause();
    render();
  }

  function start() {
    if (state.playing) return;
    if (state.next >= ROWS.length && state.elapsed >= END - START) restart(); // Play at the end plays the day again
    state.anchor ??= anchorDay();
    state.playing = true;
    state.lastTick = performance.now();
    state.timer = setInterval(tick, TICK_MS);
    render();
  }

  function pause() {
    state.playing = false;
    clearInterval(state.timer);
    state.timer = null;
    render();
  }

  function restart() {
    pause();
    for (const node of document.querySelectorAll('[data-scenario]')) node.remove();
    Object.assign(state, { elapsed: 0, next: 0, anchor: null });
    render();
  }

  play.addEventListener('click', () => (state.playing ? pause() : start()));
  document.getElementById('scenario-restart').addEventListener('click', restart);
  for (const b of speeds) {
    b.addEventListener('click', () => {
      if (state.playing) tick(); // time so far at the old speed
      state.speed = Number(b.dataset.speed);
      render();
    });
  }
  render();
}

main().catch((e) => console.error('scenario:', e));
