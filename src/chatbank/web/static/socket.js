// The real-time socket: resume from cursors on every (re)connect, exponential backoff with
// jitter, keep-alive pings. It knows nothing about conversations; the app feeds it cursors.

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 10000;
const PING_EVERY_MS = 25000;
const STALE_AFTER_MS = 2 * PING_EVERY_MS + 5000; // no frame, not even a pong: a dead link
const CLOSE_UNAUTHENTICATED = 4401;

export class RealtimeSocket {
  /**
   * @param {object} hooks
   *   cursors(): {conversationId: lastSeqSeen}, read on every (re)connect
   *   onFrame(frame), onStatus("connecting"|"online"|"offline"), onUnauthenticated(),
 *   onConnectFailed(attempts) (optional)
   */
  constructor(hooks) {
    this.hooks = hooks;
    this.ws = null;
    this.attempts = 0;
    this.stopped = false;
    this.retryTimer = null;
    this.pingTimer = null;
    this.onBrowserOnline = () => this.reconnectNow();
    window.addEventListener("online", this.onBrowserOnline);
  }

  get isOpen() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    window.removeEventListener("online", this.onBrowserOnline);
    if (this.ws) this.ws.close(1000, "bye");
    this.ws = null;
  }

  /** Send a frame if the socket is open; returns false otherwise (the caller falls back). */
  send(frame) {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  reconnectNow() {
    if (this.stopped || this.isOpen) return;
    clearTimeout(this.retryTimer);
    this.attempts = 0;
    this.connect();
  }

  connect() {
    if (this.stopped) return;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}/ws`);
    this.ws = ws;
    this.hooks.onStatus("connecting");
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.attempts = 0;
      ws.send(JSON.stringify({ type: "resume", cursors: this.hooks.cursors() }));
      this.hooks.onStatus("online");
      this.lastFrameAt = Date.now();
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => {
        if (Date.now() - this.lastFrameAt > STALE_AFTER_MS) this.drop(ws);
        else this.send({ type: "ping" });
      }, PING_EVERY_MS);
    };
    ws.onmessage = (message) => {
      this.lastFrameAt = Date.now();
      let frame;
      try { frame = JSON.parse(message.data); } catch { return; }
      if (frame && typeof frame === "object") this.hooks.onFrame(frame);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      clearInterval(this.pingTimer);
      this.ws = null;
      this.hooks.onStatus("offline");
      if (event.code === CLOSE_UNAUTHENTICATED) {
        this.hooks.onUnauthenticated();
        return;
      }
      // A refused handshake (e.g. an expired session) looks like any other failure here.
      if (!opened && this.hooks.onConnectFailed) this.hooks.onConnectFailed(this.attempts);
      this.scheduleReconnect();
    };
  }

  /** Give up on a socket that stopped answering (a half-open TCP link never fires close). */
  drop(ws) {
    if (this.ws !== ws) return;
    ws.onclose = null;
    ws.close();
    this.ws = null;
    clearInterval(this.pingTimer);
    this.hooks.onStatus("offline");
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    if (this.stopped) return;
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** this.attempts);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.attempts += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }
}
