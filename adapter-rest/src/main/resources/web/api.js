// Parley's REST API (docs/api.md), as a small client: accounts, tokens, history, threads, presence, uploads.
//
// Every answer is an envelope:
//   success  {"status":"success","data":…,"message":…,"success":true}   (uploads say "entity" instead of "data")
//   failure  {"status":"failure","code":"…","message":"<human text>","errors":{"field":["…"]}?,"success":false}
// Failures become an ApiError carrying code, message and field errors, so the page can show them as they are.

const SESSION_KEY = 'parley.session';

/** A failure answer (or no answer at all: code "network"). */
export class ApiError extends Error {
  constructor(status, envelope, retryAfter) {
    super(envelope?.message || `The server answered ${status}`);
    this.status = status;
    this.code = envelope?.code || (status === 0 ? 'network' : 'unknown');
    this.errors = envelope?.errors || {};          // {"email": ["…"], …} for validation_error and conflict
    this.retryAfter = retryAfter;                   // seconds, from Retry-After (429, 503)
  }

  /** One readable line: the message, then each field's errors. */
  describe() {
    const fields = Object.entries(this.errors).map(([field, list]) => `${field}: ${list.join(' ')}`);
    const wait = this.retryAfter ? ` (try again in ${this.retryAfter} s)` : '';
    return [this.message + wait, ...fields].join(' — ');
  }
}

/**
 * The logged-in session: {access, refresh, user}. Kept in sessionStorage, so a reload stays logged in while two
 * windows (tabs) can be two different people.
 */
export function loadSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY));
  } catch {
    return null;
  }
}

function saveSession(session) {
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
}

/** The payload of a JWT (only read for its "exp": the server checks the signature, the client never needs to). */
function claims(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload));
  } catch {
    return {};
  }
}

export class Api {
  /** @param onSessionEnd called once the refresh token is refused too: the user must log in again. */
  constructor(onSessionEnd) {
    this.session = loadSession();
    this.onSessionEnd = onSessionEnd;
    this.refreshing = null;
  }

  get me() {
    return this.session?.user;
  }

  // --- accounts -----------------------------------------------------------------------------------------------

  /** POST /auth/register/ → 201, data = the user. 409 conflict when the e-mail address is taken. */
  register(email, password, fullname) {
    return this.call('POST', '/auth/register/', { email, password, fullname }, { anonymous: true });
  }

  /** POST /auth/token/ → data = {access, refresh, user}. Any failure is the same 401; 429 after 10 failures. */
  async logIn(email, password) {
    const tokens = await this.call('POST', '/auth/token/', { email, password }, { anonymous: true });
    this.session = tokens;
    saveSession(tokens);
    return tokens.user;
  }

  logOut() {
    this.session = null;
    saveSession(null);
  }

  /** GET /auth/me/ → the caller (also checks that the stored session still works). */
  async whoAmI() {
    const user = await this.call('GET', '/auth/me/');
    this.session = { ...this.session, user };
    saveSession(this.session);
    return user;
  }

  /**
   * POST /auth/token/refresh/ {refresh} → {access}. Access tokens live PARLEY_ACCESS_TOKEN_SECONDS (15 min by
   * default); the refresh token a day. Concurrent callers share one refresh.
   */
  refresh() {
    if (!this.refreshing) {
      this.refreshing = this.call('POST', '/auth/token/refresh/', { refresh: this.session?.refresh },
        { anonymous: true })
        .then(({ access }) => {
          this.session = { ...this.session, access };
          saveSession(this.session);
          return access;
        })
        .catch((error) => {
          if (error.status === 401 || error.status === 400) this.endSession();
          throw error;
        })
        .finally(() => { this.refreshing = null; });
    }
    return this.refreshing;
  }

  /** An access token valid for at least another 20 s (for the websocket handshake, which cannot say "401"). */
  async freshAccessToken() {
    const exp = claims(this.session?.access).exp || 0;
    if (exp * 1000 - Date.now() < 20_000) await this.refresh();
    return this.session.access;
  }

  endSession() {
    if (!this.session) return;
    this.logOut();
    this.onSessionEnd?.();
  }

  // --- chat ---------------------------------------------------------------------------------------------------

  /**
   * GET /chat/messages/<uid>/ — the conversation with a user, newest first.
   * {before}: the page below that id (paging back); {after}: what came after that id (catching up after a
   * reconnect). data = {messages, has_more, next_before, next_after}.
   */
  conversation(userId, { limit = 30, before, after } = {}) {
    const query = new URLSearchParams({ limit });
    if (before !== undefined) query.set('before', before);
    if (after !== undefined) query.set('after', after);
    return this.call('GET', `/chat/messages/${encodeURIComponent(userId)}/?${query}`);
  }

  /** GET /chat/user/threads/ — [{id, other_user, last_message, created_at, unread_count}], most recent first. */
  threads() {
    return this.call('GET', '/chat/user/threads/');
  }

  /** GET /chat/presence/?ids=… — {"<uuid>": {online, last_seen}} for thread partners among the ids (≤ 100). */
  presence(ids) {
    return this.call('GET', `/chat/presence/?ids=${ids.slice(0, 100).map(encodeURIComponent).join(',')}`);
  }

  // --- transport ----------------------------------------------------------------------------------------------

  /** One request; a 401 on an authenticated call refreshes the access token once and tries again. */
  async call(method, path, body, { anonymous = false, retried = false } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (!anonymous) headers.Authorization = `Bearer ${this.session?.access}`;
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, { message: 'Cannot reach the server' });
    }
    const envelope = await response.json().catch(() => null);
    if (response.status === 401 && !anonymous && !retried && this.session?.refresh) {
      await this.refresh();
      return this.call(method, path, body, { anonymous, retried: true });
    }
    if (!response.ok || envelope?.status !== 'success') {
      throw new ApiError(response.status, envelope, Number(response.headers.get('Retry-After')) || undefined);
    }
    return envelope.data;
  }

  /**
   * POST /chat/attachment/ (multipart: receiver, message, attached_file, attached_file_name) → 201 with
   * entity.message: the stored file message, not yet delivered (announce it with the websocket's file_message).
   * XMLHttpRequest rather than fetch, because only it reports upload progress: onProgress(0…1).
   */
  upload(receiverId, file, caption, onProgress, retried = false) {
    return new Promise((resolve, reject) => {
      const form = new FormData();
      form.append('receiver', receiverId);
      if (caption) form.append('message', caption);
      form.append('attached_file', file, file.name);
      form.append('attached_file_name', file.name);
      const xhr = new XMLHttpRequest();
      xhr.open('POST', '/chat/attachment/');
      xhr.setRequestHeader('Authorization', `Bearer ${this.session?.access}`);
      xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
      xhr.onerror = () => reject(new ApiError(0, { message: 'Cannot reach the server' }));
      xhr.onload = () => {
        let envelope = null;
        try { envelope = JSON.parse(xhr.responseText); } catch { /* not JSON: reported below */ }
        if (xhr.status === 401 && !retried) {
          this.refresh().then(() => this.upload(receiverId, file, caption, onProgress, true)).then(resolve, reject);
        } else if (xhr.status === 201 && envelope?.status === 'success') {
          resolve(envelope.entity.message);
        } else {
          reject(new ApiError(xhr.status, envelope, Number(xhr.getResponseHeader('Retry-After')) || undefined));
        }
      };
      xhr.send(form);
    });
  }
}
