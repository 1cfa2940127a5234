// The chat websocket, /ws/chat/room/?token=<access> (docs/api.md, "Websocket").
//
// - Frames are JSON objects with an "action". Frames sent with a client_msg_id (text_message, file_message,
//   user_profile_message, edit_message, delete_message) are kept in an outbox until the server answers them —
//   conf_message / message_edited / message_deleted carrying that client_msg_id, or an error frame — and are
//   sent again after a reconnect. Resending is safe: the server stores a text or profile message once per
//   client_msg_id and answers a repeat with the original conf_message (contract §14).
// - The connection is reopened after any close but a log-out, after 0.5 s, then 1, 2, 4 … at most 15 s. A handshake
//   refused with 401 (expired token) looks like any failed connection to a browser, so the access token is
//   refreshed before each attempt when it is close to expiring, and after a connection that never opened.
// - onOpen() lets the page catch up with GET /chat/messages/<uid>/?after=<last id>: frames sent while the
//   connection was down (or before it first opened) are not sent again by the server.

const RESENT_ON_ERROR = new Set(['unavailable', 'rate_limited']);   // the frame was not acted on: send it again

export class ChatSocket {
  /**
   * @param api     the Api (for access tokens)
   * @param handlers {onFrame(frame), onOpen(), onStatus('online'|'connecting'|'offline'),
   *                  onRejected(frame, error): an error frame answering an outbox frame, which is given up}
   */
  constructor(api, handlers) {
    this.api = api;
    this.handlers = handlers;
    this.outbox = new Map();            // client_msg_id → frame, in sending order
    this.ws = null;
    this.attempt = 0;
    this.stopped = false;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close(1000, 'log out');
  }

  get online() {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Sends a frame if connected; frames that need no answer (typing, seen) are simply dropped while offline. */
  send(frame) {
    if (this.online) this.ws.send(JSON.stringify(frame));
  }

  /** Sends a frame with a new client_msg_id, kept in the outbox until answered; returns that client_msg_id. */
  sendReliably(frame) {
    const clientMsgId = frame.client_msg_id || newClientMsgId();
    const withId = { ...frame, client_msg_id: clientMsgId };
    this.outbox.set(clientMsgId, withId);
    this.send(withId);
    return clientMsgId;
  }

  async connect() {
    if (this.stopped) return;
    this.handlers.onStatus?.('connecting');
    let token;
    try {
      token = await this.api.freshAccessToken();
    } catch (error) {
      if (error.code !== 'network') return;        // the refresh token was refused: the session has ended
      return this.retryLater();
    }
    if (this.stopped) return;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}/ws/chat/room/?token=${encodeURIComponent(token)}`);
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.attempt = 0;
      this.handlers.onStatus?.('online');
      for (const frame of this.outbox.values()) ws.send(JSON.stringify(frame));   // unanswered: send again
      this.handlers.onOpen?.();
    };
    ws.onmessage = (event) => this.receive(JSON.parse(event.data));
    ws.onclose = async (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.handlers.onStatus?.('offline');
      if (this.stopped) return;
      if (event.code === 4401) {                    // "Account deactivated": reconnecting would be refused
        this.api.endSession();
        return;
      }
      if (!opened) {
        // Never opened: perhaps a 401 for an expired token. Refresh once (a refused refresh ends the session).
        try { await this.api.refresh(); } catch (error) { if (error.code !== 'network') return; }
      }
      this.retryLater();
    };
  }

  retryLater() {
    const delay = Math.min(15_000, 500 * 2 ** this.attempt++) * (0.8 + Math.random() * 0.4);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  receive(frame) {
    const id = frame.client_msg_id;
    if (id && this.outbox.has(id)) {
      if (frame.action === 'error' && RESENT_ON_ERROR.has(frame.code)) {
        // Not acted on: send it again after the wait the server asks for (retry_after_ms).
        const again = this.outbox.get(id);
        setTimeout(() => this.send(again), frame.retry_after_ms ?? 1000);
      } else {
        // Answered: confirmed (conf_message, message_edited, message_deleted) or refused for good (error).
        const sent = this.outbox.get(id);
        this.outbox.delete(id);
        if (frame.action === 'error') this.handlers.onRejected?.(sent, frame);
      }
    }
    this.handlers.onFrame(frame);
  }
}

/**
 * A fresh client_msg_id (at most 64 characters): random, so it never repeats one of another device.
 * (crypto.randomUUID exists only in secure contexts: https or localhost; getRandomValues everywhere.)
 */
export function newClientMsgId() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
