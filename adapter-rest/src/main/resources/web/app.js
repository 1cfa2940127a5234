// Parley's web client: the reference for app developers. It uses only the public API (docs/api.md):
// REST (api.js) for accounts, history, threads, presence and uploads, and the websocket (socket.js) for
// everything live. Plain ES modules, no build step, no dependency.

import { Api } from './api.js';
import { ChatSocket } from './socket.js';
import { $, dot, h, presenceText, time, toast } from './view.js';

const PAGE = 30;                 // messages per history page (the server allows 1–200)
// The server forwards at most one typing notice per 2 s. Sending every 2 s exactly, a notice that reached it just
// before a window ended was dropped, and the next came 4 s after the last one shown: "typing…" flickered off. Sent
// every second, each window gets one within a second of its start, so the gap stays under 3 s.
const TYPING_EVERY_MS = 1000;
const TYPING_SHOWN_MS = 4000;    // how long "typing…" shows after a notice

const api = new Api(() => showLogin('Your session has ended: please log in again.'));
let socket = null;

const state = {
  threads: [],          // GET /chat/user/threads/: [{id, other_user, last_message, unread_count}]
  users: new Map(),     // user id → user object (from threads and history), or {id, fullname, phone_number}
  presence: new Map(),  // user id → {online, last_seen}
  typing: new Map(),    // user id → until when "typing…" shows
  open: null,           // the open conversation: see openConversation
  editing: null,        // the id of the message being edited
  lastTypingSent: 0,
};

// --- messages: REST objects and frames in one shape ------------------------------------------------------------

function remember(user) {
  if (user?.id) state.users.set(user.id, { ...state.users.get(user.id), ...user });
}

/** A message object of REST (history, the upload's answer). */
function fromRest(m) {
  remember(m.sender);
  remember(m.receiver);
  return {
    id: m.id, thread: m.thread, sender: m.sender.id, receiver: m.receiver.id, type: m.message_type,
    text: m.message, file: fileOf(m.attached_file, m.attached_file_name, m.attached_file_size),
    profile: m.attached_profile, created: m.created_at, edited: m.edited, deleted: m.deleted, seen: m.seen,
  };
}

/** A re_message / conf_message frame: no thread, seen or edited; a file's caption is message_body. */
function fromFrame(f) {
  if (f.attached_profile) remember(f.attached_profile);
  return {
    id: f.created_msg_id, sender: f.sender_id, receiver: f.receiver_id, type: f.message_type,
    text: f.message ?? f.message_body ?? null, file: fileOf(f.attached_file, f.attached_file_name, f.attached_file_size),
    profile: f.attached_profile?.id ?? null, created: f.timestamp, edited: false, deleted: f.deleted === true,
    seen: false,
  };
}

function fileOf(url, name, size) {
  return url ? { url, name, size } : null;
}

/** Adds or updates messages of the open conversation (a frame repeats what history said: keep the best of both). */
function merge(messages) {
  const open = state.open;
  for (const m of messages) {
    const known = open.messages.get(m.id);
    open.messages.set(m.id, { ...known, ...m, thread: m.thread ?? known?.thread, seen: m.seen || known?.seen,
      edited: m.edited || known?.edited });
    if (m.thread) open.threadId = m.thread;
    // seen on a message sent to me: my read marker is at or past it.
    if (m.receiver === api.me.id && m.seen) open.marked = Math.max(open.marked, m.id);
  }
}

function inOpenConversation(m) {
  const partner = state.open?.partner;
  return partner && (m.sender === partner || m.receiver === partner);
}

function updateMessage(id, change) {
  const m = state.open?.messages.get(id);
  if (m) {
    Object.assign(m, change);
    renderMessages();
  }
}

// --- websocket frames ------------------------------------------------------------------------------------------

function onFrame(f) {
  switch (f.action) {
    case 're_message':      // someone wrote to me
    case 'conf_message': {  // I wrote, from this device or another of mine
      const m = fromFrame(f);
      if (f.action === 're_message' && state.typing.delete(m.sender)) renderTyping();
      if (inOpenConversation(m)) {
        state.open.pending.delete(f.client_msg_id);
        merge([m]);
        renderMessages();
        markSeen();
      }
      refreshThreadsSoon();
      break;
    }
    case 'message_edited':  // {message_id, thread, message, edited_at}
      updateMessage(f.message_id, { text: f.message, edited: true });
      refreshThreadsSoon();
      break;
    case 'message_deleted': // {message_id, thread, timestamp}: keep a tombstone
      updateMessage(f.message_id, { deleted: true, text: null, file: null, profile: null });
      refreshThreadsSoon();
      break;
    case 'seen_message':    // {thread, reader_id, message_id}: the reader's marker is now at message_id
      if (f.reader_id === state.open?.partner) {
        for (const m of state.open.messages.values()) if (m.sender === api.me.id && m.id <= f.message_id) m.seen = true;
        renderMessages();
      }
      if (f.reader_id === api.me.id) refreshThreadsSoon();   // my unread count changed
      break;
    case 'typing':          // {sender_id}
      state.typing.set(f.sender_id, Date.now() + TYPING_SHOWN_MS);
      renderTyping();
      setTimeout(renderTyping, TYPING_SHOWN_MS + 50);
      break;
    case 'presence':        // {user_id, online, last_seen}
      state.presence.set(f.user_id, { online: f.online, last_seen: f.last_seen });
      renderThreads();
      renderPartner();
      break;
    case 'error':           // {code, message, request_action, client_msg_id?, retry_after_ms?}
      showFrameError(f);
      break;
    default:                // a newer server may send more: ignore what we do not know
  }
}

const REFUSED = {
  text_message: 'Message not sent', file_message: 'File not announced', user_profile_message: 'Contact not shared',
  edit_message: 'Not edited', delete_message: 'Not deleted', seen: 'Not marked as read', typing: 'Typing not shown',
};

function showFrameError(f) {
  const what = REFUSED[f.request_action] ?? 'Refused';
  if (f.code === 'unavailable' || f.code === 'rate_limited') {
    toast(`${f.message} — sending again in ${Math.ceil((f.retry_after_ms ?? 1000) / 1000)} s`, 'info');
  } else {
    toast(`${what}: ${f.message}`);
  }
}

/** An outbox frame refused for good: a pending text shows it was not sent. */
function onRejected(sent, error) {
  const pending = state.open?.pending.get(sent.client_msg_id);
  if (pending) {
    pending.failed = error.message;
    renderMessages();
  }
}

/**
 * After every connection: threads and presence again (notices are not repeated), and what we missed. Also after
 * the first one: a message stored between reading history and the server opening this websocket's session is
 * pushed to nobody (docs/api.md, "Connection behaviour"), so catching up is needed whenever history came first.
 */
async function onOpen() {
  await loadThreads({ presence: true });
  if (state.open?.loaded) await catchUp(state.open);
  markSeen();
}

/**
 * Catching up after a reconnect: GET /chat/messages/<uid>/?after=<the newest id shown>, page by page, brings what
 * was sent meanwhile. Edits and deletions of messages already shown are not "after" them: the newest page is
 * read again for those.
 */
async function catchUp(open) {
  try {
    let after = Math.max(0, ...open.messages.keys());
    for (;;) {
      const page = await api.conversation(open.partner, { limit: 200, after });
      if (state.open !== open) return;
      merge(page.messages.map(fromRest));
      if (!page.has_more) break;
      after = page.next_after;
    }
    const recent = await api.conversation(open.partner, { limit: PAGE });
    if (state.open !== open) return;
    open.marked = 0;
    merge(recent.messages.map(fromRest));
    renderMessages();
  } catch (error) {
    toast(`Could not catch up: ${error.describe()}`);
  }
}

// --- threads and presence --------------------------------------------------------------------------------------

let threadsTimer = null;
function refreshThreadsSoon() {
  clearTimeout(threadsTimer);
  threadsTimer = setTimeout(() => loadThreads(), 150);
}

async function loadThreads({ presence = false } = {}) {
  try {
    state.threads = await api.threads();
  } catch (error) {
    toast(`Could not load the conversations: ${error.describe()}`);
    return;
  }
  for (const t of state.threads) {
    remember(t.other_user);
    if (t.other_user.id === state.open?.partner) state.open.threadId = t.id;
  }
  const ids = state.threads.map((t) => t.other_user.id).filter((id) => presence || !state.presence.has(id));
  if (ids.length) {
    try {
      for (const [id, p] of Object.entries(await api.presence(ids))) state.presence.set(id, p);
    } catch { /* presence is a nicety: the list works without it */ }
  }
  renderThreads();
  renderPartner();
  renderShare();
}

function preview(m) {
  if (!m) return '';
  const who = m.sender.id === api.me.id ? 'You: ' : '';
  if (m.deleted) return `${who}message deleted`;
  if (m.message_type === 'file') return `${who}file ${m.attached_file_name}`;
  if (m.message_type === 'user_profile') return `${who}contact card`;
  return who + m.message;
}

function renderThreads() {
  const now = Date.now();
  $('#threads').replaceChildren(...state.threads.map((t) => {
    const other = t.other_user;
    const typing = (state.typing.get(other.id) ?? 0) > now;
    return h('li', { class: other.id === state.open?.partner ? 'thread active' : 'thread', dataset: { user: other.id } },
      h('button', { onclick: () => openConversation(other.id) },
        dot(state.presence.get(other.id)),
        h('span', { class: 'name' }, other.fullname),
        t.unread_count ? h('span', { class: 'unread', title: 'unread messages' }, String(t.unread_count)) : null,
        h('span', { class: typing ? 'preview typing' : 'preview' }, typing ? 'typing…' : preview(t.last_message))));
  }));
}

// --- the open conversation -------------------------------------------------------------------------------------

async function openConversation(partner) {
  if (!partner || state.open?.partner === partner) return;
  stopEditing();
  const open = {
    partner, threadId: state.threads.find((t) => t.other_user.id === partner)?.id,
    messages: new Map(),      // id → message
    pending: new Map(),       // client_msg_id → a text not yet confirmed
    hasMore: false, nextBefore: null,
    loaded: false,            // the first page has come (catching up needs a place to start from)
    marked: 0,                // my read marker in this thread, as far as this page knows
  };
  state.open = open;
  history.replaceState(null, '', `#${partner}`);
  $('#empty').hidden = true;
  $('#open').hidden = false;
  $('#messages').replaceChildren();
  renderThreads();
  renderPartner();
  renderShare();
  const onlineBefore = socket?.online;
  try {
    // The newest page; older ones on demand with before=<next_before>.
    const page = await api.conversation(partner, { limit: PAGE });
    if (state.open !== open) return;
    merge(page.messages.map(fromRest));
    open.hasMore = page.has_more;
    open.nextBefore = page.next_before;
    open.loaded = true;
  } catch (error) {
    toast(error.code === 'not_found' ? 'There is no such user to write to.' : error.describe());
    closeConversation();
    return;
  }
  // The websocket opened while history was on its way: what came in between was pushed to nobody.
  if (!onlineBefore && socket?.online) await catchUp(open);
  renderPartner();
  renderMessages(true);
  markSeen();
  $('#text').focus();
}

function closeConversation() {
  state.open = null;
  history.replaceState(null, '', location.pathname);
  $('#open').hidden = true;
  $('#empty').hidden = false;
  renderThreads();
}

async function loadOlder() {
  const open = state.open;
  const list = $('#messages');
  const height = list.scrollHeight;
  try {
    const page = await api.conversation(open.partner, { limit: PAGE, before: open.nextBefore });
    if (state.open !== open) return;
    merge(page.messages.map(fromRest));
    open.hasMore = page.has_more;
    open.nextBefore = page.next_before;
    renderMessages();
    list.scrollTop = list.scrollHeight - height;   // keep the reader's place
  } catch (error) {
    toast(`Could not load older messages: ${error.describe()}`);
  }
}

/**
 * While the conversation is visible, tell the server what I have read: {"action":"seen","message_id":<newest
 * message to me>}. The server answers seen_message to both of us (my unread count drops, their ticks turn).
 */
function markSeen() {
  const open = state.open;
  if (!open || document.visibilityState !== 'visible' || !socket?.online) return;
  let newest = 0;
  for (const m of open.messages.values()) if (m.receiver === api.me.id && m.id > newest) newest = m.id;
  if (newest > open.marked) {
    open.marked = newest;
    socket.send({ action: 'seen', message_id: newest });
  }
}

function renderPartner() {
  const open = state.open;
  if (!open) return;
  const user = state.users.get(open.partner);
  $('#partner-name').replaceChildren(dot(state.presence.get(open.partner)), ' ', user?.fullname ?? open.partner);
  renderTyping();
}

function renderTyping() {
  const open = state.open;
  const typing = open && (state.typing.get(open.partner) ?? 0) > Date.now();
  $('#typing').textContent = typing ? `${state.users.get(open.partner)?.fullname ?? 'They'} is typing…` : '';
  if (open) $('#partner-presence').textContent = presenceText(state.presence.get(open.partner));
  renderThreads();
}

function renderMessages(toBottom = false) {
  const open = state.open;
  if (!open) return;
  const list = $('#messages');
  const atBottom = toBottom || list.scrollHeight - list.scrollTop - list.clientHeight < 60;
  const confirmed = [...open.messages.values()].sort((a, b) => a.id - b.id);
  // (replaceChildren, unlike h(), would show a null as the text "null": leave the button out instead.)
  list.replaceChildren(
    ...(open.hasMore ? [h('li', { class: 'older' }, h('button', { class: 'link', onclick: loadOlder }, 'Older messages'))] : []),
    ...confirmed.map(renderMessage),
    ...[...open.pending.values()].map(renderMessage));
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function renderMessage(m) {
  const mine = m.sender === api.me.id;
  const classes = ['msg', mine ? 'mine' : 'theirs', m.deleted && 'deleted', m.pending && 'pending',
    m.failed && 'failed', mine && m.seen && 'seen'].filter(Boolean).join(' ');
  return h('li', { class: classes, dataset: { id: m.id ?? '' } },
    messageBody(m),
    h('div', { class: 'meta' },
      time(m.created),
      m.edited && !m.deleted ? h('span', { class: 'edited' }, ' · edited') : null,
      mine ? ticks(m) : null,
      mine && !m.deleted && !m.pending ? h('span', { class: 'actions' },
        m.type === 'text' ? h('button', { class: 'link', onclick: () => startEditing(m) }, 'Edit') : null,
        h('button', { class: 'link', onclick: () => deleteMessage(m) }, 'Delete')) : null));
}

function messageBody(m) {
  if (m.deleted) return h('p', { class: 'tombstone' }, 'This message was deleted');
  if (m.type === 'file' && m.file) {
    const image = /\.(png|jpe?g|gif|webp)$/i.test(m.file.name);
    return h('div', { class: 'file' },
      image ? h('img', { src: m.file.url, alt: m.file.name, class: 'preview' }) : null,
      // attached_file is a signed link, valid for an hour from when it was rendered: no token needed.
      h('a', { href: m.file.url, download: m.file.name, class: 'download' }, m.file.name),
      h('span', { class: 'hint' }, ` ${m.file.size}`),
      m.text ? h('p', { class: 'text' }, m.text) : null);
  }
  if (m.type === 'user_profile') {
    const user = state.users.get(m.profile) ?? { id: m.profile };
    return h('button', { class: 'contact', onclick: () => showProfile(m.profile) },
      'Contact: ', h('strong', {}, user.fullname ?? 'unknown'), user.phone_number ? ` · ${user.phone_number}` : '');
  }
  return h('p', { class: 'text' }, m.text);
}

function ticks(m) {
  const [mark, label] = m.failed ? ['✗', `not sent: ${m.failed}`] : m.pending ? ['…', 'sending']
    : m.seen ? ['✓✓', 'seen'] : ['✓', 'sent'];
  return h('span', { class: 'ticks', title: label, 'aria-label': label }, ` ${mark}`, m.failed ? ` ${m.failed}` : '');
}

// --- sending ---------------------------------------------------------------------------------------------------

function sendText(text) {
  const open = state.open;
  // {"action":"text_message","message_body","receiver_id","client_msg_id"} → conf_message with that client_msg_id.
  const clientMsgId = socket.sendReliably({ action: 'text_message', message_body: text, receiver_id: open.partner });
  open.pending.set(clientMsgId, {
    pending: true, client_msg_id: clientMsgId, sender: api.me.id, receiver: open.partner, type: 'text', text,
    created: new Date().toISOString(),
  });
  renderMessages(true);
}

function startEditing(m) {
  state.editing = m.id;
  $('#text').value = m.text;
  $('#editing').hidden = false;
  $('#text').focus();
}

function stopEditing() {
  if (state.editing === null) return;
  state.editing = null;
  $('#text').value = '';
  $('#editing').hidden = true;
}

function deleteMessage(m) {
  // {"action":"delete_message","message_id"} → message_deleted to both of us; the message stays as a tombstone.
  if (confirm('Delete this message for both of you?')) socket.sendReliably({ action: 'delete_message', message_id: m.id });
}

async function sendFile(file) {
  const open = state.open;
  const caption = $('#text').value.trim();
  $('#text').value = '';
  const bar = h('progress', { max: 1, value: 0 });
  const percent = h('span', {}, ' 0 %');
  const row = h('li', { class: 'upload' }, `Uploading ${file.name} `, bar, percent);
  $('#uploads').append(row);
  try {
    const message = await api.upload(open.partner, file, caption, (fraction) => {
      bar.value = fraction;
      percent.textContent = ` ${Math.round(fraction * 100)} %`;
    });
    // Stored but not delivered yet: announce it, {"action":"file_message","chat_id":<id>}; the receiver gets a
    // re_message with a signed link.
    socket.sendReliably({ action: 'file_message', chat_id: message.id });
    if (state.open === open) {
      merge([fromRest(message)]);
      renderMessages(true);
    }
  } catch (error) {
    toast(`${file.name} not sent: ${error.describe()}`);
  } finally {
    row.remove();
  }
}

// --- profile cards ---------------------------------------------------------------------------------------------

function renderShare() {
  const open = state.open;
  if (!open) return;
  const people = [api.me, ...state.threads.map((t) => t.other_user)].filter((u) => u.id !== open.partner);
  $('#share').replaceChildren(h('option', { value: '' }, '—'),
    ...people.map((u) => h('option', { value: u.id }, u.id === api.me.id ? `${u.fullname} (you)` : u.fullname)));
}

function showProfile(id) {
  const user = state.users.get(id) ?? { id };
  const row = (label, value) => (value ? [h('dt', {}, label), h('dd', {}, value)] : []);
  $('#profile-body').replaceChildren(
    h('h2', {}, dot(state.presence.get(id)), ' ', user.fullname ?? 'Unknown user'),
    h('dl', {}, ...row('E-mail', user.email), ...row('Phone', user.phone_number),
      ...row('Country', user.country_code), ...row('Seen', presenceText(state.presence.get(id))), ...row('Id', id)));
  $('#profile-write').hidden = id === api.me.id || id === state.open?.partner;
  $('#profile-write').onclick = () => { $('#profile').close(); openConversation(id); };
  $('#profile').showModal();
}

// --- logging in and out ----------------------------------------------------------------------------------------

function showLogin(message = '') {
  socket?.stop();
  socket = null;
  Object.assign(state, { threads: [], open: null, editing: null });
  state.users.clear();
  state.presence.clear();
  $('#chat').hidden = true;
  $('#login').hidden = false;
  $('#login-error').textContent = message;
}

function startChat() {
  $('#login').hidden = true;
  $('#chat').hidden = false;
  $('#my-name').textContent = api.me.fullname;
  $('#my-id').value = api.me.id;
  socket = new ChatSocket(api, {
    onFrame, onOpen, onRejected,
    onStatus: (status) => {
      $('#connection').textContent = status;
      $('#connection').className = `connection ${status}`;
    },
  });
  socket.start();
  loadThreads();
  openConversation(location.hash.slice(1));
}

async function logInOrRegister(event) {
  event.preventDefault();
  const form = event.target;
  const { email, password, fullname } = Object.fromEntries(new FormData(form));
  for (const p of form.querySelectorAll('.field-error, .form-error')) p.textContent = '';
  try {
    if (event.submitter?.value === 'register') await api.register(email, password, fullname);
    await api.logIn(email, password);
    form.reset();
    startChat();
  } catch (error) {
    // validation_error and conflict name fields: show each under its input.
    for (const [field, problems] of Object.entries(error.errors ?? {})) {
      const slot = form.querySelector(`[data-field="${CSS.escape(field)}"]`);
      if (slot) slot.textContent = problems.join(' ');
    }
    $('#login-error').textContent = error.describe?.() ?? String(error);
  }
}

// --- wiring ----------------------------------------------------------------------------------------------------

$('#login-form').addEventListener('submit', logInOrRegister);
$('#logout').addEventListener('click', () => { api.logOut(); showLogin(); });
$('#new-chat').addEventListener('submit', (event) => {
  event.preventDefault();
  openConversation(event.target.user.value.trim());
  event.target.reset();
});
$('#partner-name').addEventListener('click', () => showProfile(state.open.partner));
$('#profile-close').addEventListener('click', () => $('#profile').close());
$('#share').addEventListener('change', (event) => {
  const id = event.target.value;
  event.target.value = '';
  // {"action":"user_profile_message","attached_profile_id","receiver_id"} → the receiver gets the card.
  if (id) socket.sendReliably({ action: 'user_profile_message', attached_profile_id: id, receiver_id: state.open.partner });
});
$('#file').addEventListener('change', (event) => {
  const [file] = event.target.files;
  event.target.value = '';
  if (file && state.open) sendFile(file);
});
$('#composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('#text').value.trim();
  if (!text || !state.open) return;
  if (state.editing !== null) {
    // {"action":"edit_message","message_id","message_body"} → message_edited to both of us.
    socket.sendReliably({ action: 'edit_message', message_id: state.editing, message_body: text });
    stopEditing();
  } else {
    sendText(text);
    $('#text').value = '';
  }
});
$('#text').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    $('#composer').requestSubmit();
  } else if (event.key === 'Escape') {
    stopEditing();
  }
});
$('#text').addEventListener('input', () => {
  // {"action":"typing","receiver_id"}: nothing is answered; the receiver gets {"action":"typing","sender_id"}.
  if (state.open && state.editing === null && Date.now() - state.lastTypingSent > TYPING_EVERY_MS) {
    state.lastTypingSent = Date.now();
    socket?.send({ action: 'typing', receiver_id: state.open.partner });
  }
});
$('#my-id').addEventListener('focus', (event) => event.target.select());
document.addEventListener('visibilitychange', markSeen);

// A stored session is checked with GET /auth/me/ (refreshing the access token when it has expired).
if (api.session) {
  // (When even the refresh token is refused, the Api has ended the session and the log-in form shows why.)
  api.whoAmI().then(startChat, (error) => api.session && showLogin(error.describe()));
} else {
  showLogin();
}
