// Entry point: session, layout, and the actions the views call.

import { api, setCsrfToken } from "./api.js";
import { ConversationLoader } from "./loader.js";
import { Outbox } from "./outbox.js";
import { MessageActions } from "./message_actions.js";
import { ReceiptSender } from "./receipts.js";
import { Router } from "./router.js";
import { RealtimeSocket } from "./socket.js";
import { Store } from "./store.js";
import { openNewChat, openNewGroup } from "./views/dialogs.js";
import { h } from "./views/dom.js";
import { InfoPanel } from "./views/groupinfo.js";
import { renderLogin } from "./views/login.js";
import { PrivacyCentre } from "./views/privacy.js";
import { Sidebar } from "./views/sidebar.js";
import { Thread } from "./views/thread.js";

const root = document.getElementById("app");

class App {
  constructor(session) {
    this.store = new Store();
    this.socket = new RealtimeSocket({
      cursors: () => this.store.cursors(),
      onFrame: (frame) => this.onFrame(frame),
      onStatus: (status) => { this.store.connection = status; this.store.changed(); },
      onUnauthenticated: () => this.sessionEnded(),
      onConnectFailed: () => this.checkSession(),
    });
    this.outbox = new Outbox(this.store, this.socket);
    this.receipts = new ReceiptSender(this.store, this.socket);
    this.loader = new ConversationLoader(this.store, (text) => this.toast(text));
    this.store.hooks = {
      unknownConversation: (id) => this.refreshConversation(id, true),
      membersChanged: (id) => this.refreshConversation(id),
      messageFromOthers: (id, seq) => {
        if (this.threadOnScreen(id)) this.markReadSoon(); else this.receipts.arrived(id, seq);
      },
    };
    setCsrfToken(session.csrf_token);
    this.store.setMe(session.user);
    this.sidebar = new Sidebar(this);
    this.thread = new Thread(this);
    this.info = new InfoPanel(this);
    this.privacy = new PrivacyCentre(this);
    this.router = new Router(this);
    this.actions = new MessageActions(this);
    this.toasts = h("div", { class: "toasts", role: "status", "aria-live": "polite" });
    root.replaceChildren(h("div", { class: "shell" }, this.sidebar.el, this.thread.el,
      this.privacy.el, this.info.el),
      this.toasts);
    this.store.subscribe(() => this.render());
    document.addEventListener("visibilitychange", () => this.markReadIfVisible());
    window.addEventListener("pagehide", () => this.store.saveCursors());
    window.addEventListener("focus", () => this.markReadIfVisible());
    window.addEventListener("hashchange", () => this.router.apply());
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.info.open && !document.querySelector("dialog[open]")) {
        this.toggleInfo(false);
      }
    });
  }

  async start() {
    try {
      await this.refreshConversations();
    } catch (err) {
      this.toast(err.userMessage || err.message);
    }
    this.socket.start();
  }

  render() {
    const { privacyOpen } = this.router;
    document.body.dataset.pane = this.store.activeId || privacyOpen ? "thread" : "list";
    document.body.dataset.route = privacyOpen ? "privacy" : "chats";
    this.thread.el.hidden = privacyOpen;
    this.privacy.el.hidden = !privacyOpen;
    const unread = [...this.store.conversations.values()].reduce((n, c) => n + (c.unread || 0), 0);
    document.title = unread ? `(${unread}) chatbank` : "chatbank";
    this.sidebar.update();
    this.thread.update();
    this.info.update();
  }

  toast(text) {
    const item = h("div", { class: "toast" }, text);
    this.toasts.append(item);
    setTimeout(() => item.remove(), 5000);
  }

  // ---- real time -----------------------------------------------------------------------
  onFrame(frame) {
    const { store } = this;
    switch (frame.type) {
      case "event": store.applyEvent(frame); break;
      case "receipt": store.applyReceipt(frame); break;
      case "typing": if (frame.user_id !== store.me.id) store.setTyping(frame.conversation_id, frame.user_id); break;
      case "ack": if (frame.message) store.acknowledge(frame.message); break;
      case "error": this.onSocketError(frame); break;
      case "resumed": this.onResumed(); break;
      default: break;
    }
  }

  onSocketError(frame) {
    if (typeof frame.ref === "string") this.outbox.rejected(frame.ref, frame.message);
    else this.toast(frame.message || "Something went wrong.");
  }

  async onResumed() {
    this.outbox.resendAll();
    try {
      await this.refreshConversations();
    } catch { /* the next reconnect tries again */ }
    this.markReadIfVisible();
  }

  async checkSession() {
    try {
      await api.me();
    } catch (err) {
      if (err.status === 401) this.sessionEnded();
    }
  }

  sessionEnded() {
    this.socket.stop();
    location.reload();
  }

  // ---- routes (router.js) -------------------------------------------------------------
  applyRoute() { this.router.apply(); }
  openPrivacy() { this.router.openPrivacy(); }
  closePrivacy() { this.router.closePrivacy(); }

  // ---- conversations -------------------------------------------------------------------
  refreshConversations() { return this.loader.refreshAll(); }
  refreshConversation(id, withPreview = false) { return this.loader.refreshOne(id, withPreview); }

  adoptConversation(conversation, open) {
    this.store.upsertConversation({ ...conversation, placeholder: false });
    if (open) this.openConversation(conversation.id);
  }

  openConversation(id) {
    const { store } = this;
    this.closePrivacy();
    store.activeId = id;
    const conversation = store.conversations.get(id);
    if (conversation) conversation.unread = 0;
    store.changed();
    const thread = store.thread(id);
    if (!thread.historyLoaded) this.loadHistory(id);
    this.markReadSoon();
  }

  closeConversation() {
    this.info.open = false;
    this.store.activeId = null;
    this.store.changed();
  }

  loadHistory(id) { return this.loader.history(id); }
  loadOlder(id) { return this.loader.older(id); }

  threadOnScreen(id) {
    return this.store.activeId === id && document.visibilityState === "visible";
  }

  markReadSoon() {
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => this.markReadIfVisible(), 50);
  }

  markReadIfVisible() {
    const { store } = this;
    if (!store.activeId || !this.threadOnScreen(store.activeId)) return;
    const conversation = store.conversations.get(store.activeId);
    if (conversation) this.receipts.read(conversation);
  }

  toggleInfo(force) {
    this.info.open = force === undefined ? !this.info.open : force;
    this.store.changed();
  }

  openNewChat() { openNewChat(this); }
  openNewGroup() { openNewGroup(this); }

  async openDirectByHandle(handle) {
    await this.act(async () => {
      const found = await api.userByHandle(handle);
      if (found.user.id === this.store.me.id) return;
      const body = await api.openDirect(found.user.id);
      this.adoptConversation(body.conversation, true);
    });
  }

  // ---- messages ------------------------------------------------------------------------
  sendText(conversationId, text, replyToId) { this.outbox.send(conversationId, text, replyToId); }
  retryPending(pending) { this.outbox.retry(pending); }
  sendTyping(conversationId) { this.socket.send({ type: "typing", conversation_id: conversationId }); }
  scrollToMessage(messageId) { this.thread.scrollTo(messageId); }

  // ---- what a user does to a message (message_actions.js) -------------------------------
  act(action) { return this.actions.act(action); }
  editMessage(message, text) { this.actions.edit(message, text); }
  deleteMessage(message) { this.actions.remove(message); }
  toggleReaction(message, emoji) { this.actions.toggleReaction(message, emoji); }
  paymentAction(paymentId, verb) { this.actions.payment(paymentId, verb); }
  cardAction(message, action) { this.actions.card(message, action); }

  async logOut() {
    try { await api.logOut(); } catch { /* the session is gone either way */ }
    this.socket.stop();
    location.reload();
  }
}

async function boot() {
  let session = null;
  try {
    session = await api.me();
  } catch (err) {
    if (err.status !== 401) root.replaceChildren(h("p", { class: "boot-error" }, err.userMessage || err.message));
  }
  const begin = (body) => {
    const app = new App(body);
    if (new URLSearchParams(location.search).get("test") === "1") {
      // Test hook: lets browser tests feed frames the server would never send.
      window.__chatbank = { applyEvent: (frame) => app.store.applyEvent(frame), app };
    }
    app.start();
    app.applyRoute();
    // The payment callback sends the browser back with `#/?payment_error=<code>` on failure.
    const failed = new URLSearchParams(location.hash.replace(/^#\/?\??/, "")).get("payment_error");
    if (failed) app.toast(`The payment did not go through (${failed.replace(/_/g, " ")}).`);
  };
  if (session) begin(session); else renderLogin(root, begin);
}

boot();
