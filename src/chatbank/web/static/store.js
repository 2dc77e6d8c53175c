// Client state: conversations, messages, cursors, receipts, typing. Views subscribe and
// re-render; every change goes through a method here so the rules live in one place.

import { CursorBook } from "./cursors.js";

const TYPING_SHOWN_MS = 4000;

function emptyThread() {
  return {
    messages: new Map(), // id -> message
    pending: new Map(), // client_id -> optimistic message not yet acknowledged
    historyLoaded: false,
    nextBeforeSeq: null,
    loadingOlder: false,
  };
}

/** A REST answer can be older than frames already applied: never move markers backwards. */
function mergeNewest(merged, existing, incoming) {
  const stale = (existing.last_seq || 0) > (incoming.last_seq || 0);
  merged.last_seq = Math.max(existing.last_seq || 0, incoming.last_seq || 0);
  if ((existing.last_activity_at || "") > (incoming.last_activity_at || "")) {
    merged.last_activity_at = existing.last_activity_at;
  }
  if (stale) merged.unread = Math.max(existing.unread || 0, incoming.unread || 0);
  merged.my_read_seq = Math.max(existing.my_read_seq || 0, incoming.my_read_seq || 0);
  const before = new Map((existing.members || []).map((m) => [m.id, m]));
  merged.members = (incoming.members || []).map((m) => {
    const old = before.get(m.id);
    return old ? { ...m, read_seq: Math.max(m.read_seq || 0, old.read_seq || 0),
      delivered_seq: Math.max(m.delivered_seq || 0, old.delivered_seq || 0) } : m;
  });
}

export class Store {
  constructor() {
    this.me = null;
    this.conversations = new Map();
    this.threads = new Map();
    this.cursorBook = new CursorBook();
    this.typing = new Map(); // conversation id -> Map(user id -> expires at ms)
    this.activeId = null;
    this.connection = "connecting";
    this.listeners = new Set();
    this.scheduled = false;
    this.hooks = { unknownConversation: () => {}, membersChanged: () => {}, messageFromOthers: () => {} };
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Coalesce many changes (a resume burst) into one render. */
  changed() {
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      for (const listener of this.listeners) listener(this);
    }, 0);
  }

  // ---- session -------------------------------------------------------------------------
  setMe(user) {
    this.me = user;
    this.cursorBook.load(user ? user.id : null);
    this.changed();
  }

  knownIds() {
    return new Set(this.conversations.keys());
  }

  saveCursors() {
    this.cursorBook.save(this.knownIds());
  }

  cursors() {
    return this.cursorBook.snapshot(this.knownIds());
  }

  // ---- conversations -------------------------------------------------------------------
  upsertConversation(conversation) {
    const existing = this.conversations.get(conversation.id);
    const merged = { ...existing, ...conversation };
    if (existing) mergeNewest(merged, existing, conversation);
    this.conversations.set(conversation.id, merged);
    this.cursorBook.start(conversation.id, conversation.last_seq);
    if (this.activeId === conversation.id) this.conversations.get(conversation.id).unread = 0;
    this.changed();
  }

  dropConversation(id) {
    this.conversations.delete(id);
    this.threads.delete(id);
    this.cursorBook.forget(id);
    if (this.activeId === id) this.activeId = null;
    this.saveCursors();
    this.changed();
  }

  sortedConversations() {
    return [...this.conversations.values()].sort(
      (a, b) => (b.last_activity_at || "").localeCompare(a.last_activity_at || ""));
  }

  thread(id) {
    if (!this.threads.has(id)) this.threads.set(id, emptyThread());
    return this.threads.get(id);
  }

  member(conversation, userId) {
    return (conversation.members || []).find((m) => m.id === userId);
  }

  /** The members' names for a direct chat's title, or the group's title. */
  titleOf(conversation) {
    if (conversation.kind === "group") return conversation.title || "Group";
    const other = (conversation.members || []).find((m) => m.id !== this.me.id);
    return other ? other.display_name : conversation.title || "Chat";
  }

  lastMessage(conversationId) {
    const thread = this.threads.get(conversationId);
    if (!thread) return null;
    let last = null;
    for (const m of thread.messages.values()) if (!last || m.seq > last.seq) last = m;
    const pending = [...thread.pending.values()].pop();
    return pending || last;
  }

  // ---- messages ------------------------------------------------------------------------
  addMessages(conversationId, messages) {
    const thread = this.thread(conversationId);
    for (const m of messages) {
      thread.messages.set(m.id, m);
      if (m.sender_id === this.me.id) thread.pending.delete(m.client_id);
    }
    this.changed();
  }

  addPending(conversationId, pending) {
    this.thread(conversationId).pending.set(pending.client_id, pending);
    this.changed();
  }

  failPending(conversationId, clientId, reason) {
    const pending = this.thread(conversationId).pending.get(clientId);
    if (pending) {
      pending.failed = reason;
      this.changed();
    }
  }

  /** Our own message as the server stored it (from an ack or an API answer). */
  acknowledge(message) {
    this.addMessages(message.conversation_id, [message]);
    const conversation = this.conversations.get(message.conversation_id);
    if (conversation && message.created_at > (conversation.last_activity_at || "")) {
      conversation.last_activity_at = message.created_at;
    }
  }

  messageById(conversationId, messageId) {
    return this.threads.get(conversationId)?.messages.get(messageId) || null;
  }

  /** Apply one server `event` frame. Returns false for a duplicate. */
  applyEvent(frame) {
    const id = frame.conversation_id;
    if (typeof id !== "string" || !Number.isInteger(frame.seq)) return false;
    if (!this.cursorBook.markSeen(id, frame.seq)) return false;
    let conversation = this.conversations.get(id);
    if (!conversation) {
      conversation = { id, kind: "direct", title: null, last_seq: 0, unread: 0, members: [],
        my_read_seq: 0, placeholder: true };
      this.conversations.set(id, conversation);
      this.hooks.unknownConversation(id);
    }
    conversation.last_seq = Math.max(conversation.last_seq || 0, frame.seq);
    if (frame.created_at && frame.created_at > (conversation.last_activity_at || "")) {
      conversation.last_activity_at = frame.created_at;
    }
    this.applyKind(conversation, frame);
    this.cursorBook.saveSoon(this.knownIds());
    this.changed();
    return true;
  }

  applyKind(conversation, frame) {
    const p = frame.payload || {};
    const message = p.message_id ? this.messageById(conversation.id, p.message_id) : null;
    switch (frame.kind) {
      case "message.new":
        this.addMessages(conversation.id, [p]);
        if (p.sender_id !== this.me.id) {
          // A replay after a resume can bring messages already read (e.g. on another device).
          if (this.activeId !== conversation.id && frame.seq > (conversation.my_read_seq || 0)) {
            conversation.unread = (conversation.unread || 0) + 1;
          }
          this.typing.get(conversation.id)?.delete(p.sender_id);
          this.hooks.messageFromOthers(conversation.id, frame.seq);
        }
        break;
      case "message.edited":
        if (message) Object.assign(message, { text: p.text, edited_at: p.edited_at });
        break;
      case "message.deleted":
        if (message) Object.assign(message, { deleted: true, text: null, card: null });
        break;
      case "reaction.added":
      case "reaction.removed":
        if (message) this.applyReaction(message, p, frame.kind === "reaction.added");
        break;
      case "card.updated":
        if (message) message.card = p.card;
        break;
      case "conversation.renamed":
        conversation.title = p.title;
        break;
      case "member.role":
        this.applyRole(conversation, p);
        break;
      case "member.added":
      case "member.removed":
      case "member.left":
        this.hooks.membersChanged(conversation.id, frame.kind, p.user_id);
        break;
      default:
        break; // conversation.created and kinds this client does not know yet
    }
  }

  applyReaction(message, p, added) {
    const reactions = { ...(message.reactions || {}) };
    const users = new Set(reactions[p.emoji] || []);
    if (added) users.add(p.user_id); else users.delete(p.user_id);
    if (users.size) reactions[p.emoji] = [...users]; else delete reactions[p.emoji];
    message.reactions = reactions;
  }

  applyRole(conversation, p) {
    const member = this.member(conversation, p.user_id);
    if (member) member.role = p.role;
    if (p.user_id === this.me.id) conversation.my_role = p.role;
  }

  /** A `receipt` frame: someone's read or delivered marker moved. */
  applyReceipt(frame) {
    const conversation = this.conversations.get(frame.conversation_id);
    if (!conversation) return;
    const member = this.member(conversation, frame.user_id);
    if (member) {
      if (Number.isInteger(frame.read)) {
        member.read_seq = Math.max(member.read_seq || 0, frame.read);
        member.delivered_seq = Math.max(member.delivered_seq || 0, frame.read);
      }
      if (Number.isInteger(frame.delivered)) {
        member.delivered_seq = Math.max(member.delivered_seq || 0, frame.delivered);
      }
    }
    if (frame.user_id === this.me.id && Number.isInteger(frame.read)) {
      conversation.my_read_seq = Math.max(conversation.my_read_seq || 0, frame.read);
      if (conversation.my_read_seq >= conversation.last_seq) conversation.unread = 0;
    }
    this.changed();
  }

  /** Delivery state of our own message: pending, failed, sent, delivered or read. */
  statusOf(conversation, message) {
    if (message.failed) return "failed";
    if (message.pending) return "pending";
    const others = (conversation.members || []).filter((m) => m.id !== this.me.id);
    if (!others.length) return "sent";
    if (others.every((m) => (m.read_seq || 0) >= message.seq)) return "read";
    if (others.every((m) => (m.delivered_seq || 0) >= message.seq)) return "delivered";
    return "sent";
  }

  setTyping(conversationId, userId) {
    if (!this.typing.has(conversationId)) this.typing.set(conversationId, new Map());
    this.typing.get(conversationId).set(userId, Date.now() + TYPING_SHOWN_MS);
    setTimeout(() => this.changed(), TYPING_SHOWN_MS + 50);
    this.changed();
  }

  typingIn(conversationId) {
    const now = Date.now();
    const entries = this.typing.get(conversationId);
    if (!entries) return [];
    return [...entries].filter(([, until]) => until > now).map(([userId]) => userId);
  }
}
