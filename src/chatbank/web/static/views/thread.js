// The right pane: header, messages (grouped by sender and day), typing line and composer.

import { avatar, dayLabel, fill, h, icon, initialsOf } from "./dom.js";
import { bubbleSignature, renderMessage } from "./message.js";
import { openMoneyDialog } from "./money.js";

const GROUP_GAP_MS = 5 * 60 * 1000;
const TYPING_FRAME_EVERY_MS = 3000;

/** Make `parent`'s children exactly `nodes`, leaving unchanged ones where they are (so a
 * screen reader does not hear the whole log again, and focus stays put). */
function reconcile(parent, nodes) {
  nodes.forEach((node, i) => {
    if (parent.children[i] !== node) parent.insertBefore(node, parent.children[i] || null);
  });
  while (parent.children.length > nodes.length) parent.lastElementChild.remove();
}

export class Thread {
  constructor(app) {
    this.app = app;
    this.shownId = null;
    this.cache = new Map(); // bubble key -> {sig, el}
    this.replyTo = null;
    this.editing = null;
    this.lastTypingSent = 0;
    this.preserveFromTop = null;

    this.headAvatar = h("span", { class: "head-avatar" });
    this.title = h("h2", { class: "thread-title", id: "thread-title" });
    this.subtitle = h("div", { class: "thread-subtitle", id: "thread-subtitle" });
    this.infoButton = h("button", { type: "button", class: "icon-button", id: "open-info",
      title: "Chat info", "aria-label": "Chat info", onclick: () => app.toggleInfo() }, icon("info"));
    this.olderButton = h("button", { type: "button", class: "load-older", id: "load-older",
      onclick: () => this.loadOlder() }, "Load older messages");
    this.list = h("div", { class: "messages", id: "messages", role: "log", "aria-live": "polite",
      "aria-labelledby": "thread-title" });
    this.scroller = h("div", { class: "scroller" }, this.olderButton, this.list);
    this.typingLine = h("div", { class: "typing-line", id: "typing-indicator", "aria-live": "polite" });
    this.contextBar = h("div", { class: "context-bar", hidden: true });
    this.input = h("textarea", { id: "composer-input", class: "composer-input", rows: "1",
      placeholder: "Write a message", "aria-label": "Message", maxlength: "4000" });
    this.sendButton = h("button", { type: "submit", class: "send-button", id: "send",
      "aria-label": "Send" }, icon("send"));
    this.moneyMenu = h("div", { class: "money-menu", id: "money-menu", role: "menu", hidden: true },
      h("button", { type: "button", role: "menuitem", id: "menu-pay",
        onclick: () => this.money("pay") }, "💷 Send money"),
      h("button", { type: "button", role: "menuitem", id: "menu-request",
        onclick: () => this.money("request") }, "🧾 Request money"));
    this.moneyButton = h("button", { type: "button", class: "icon-button money-button", id: "money-button",
      title: "Send or request money", "aria-label": "Send or request money", "aria-haspopup": "menu",
      "aria-expanded": "false", onclick: () => this.toggleMoneyMenu() }, icon("pound"));
    this.composer = h("form", { class: "composer", id: "composer" },
      h("div", { class: "money-wrap" }, this.moneyButton, this.moneyMenu), this.input, this.sendButton);
    document.addEventListener("click", (event) => {
      if (!this.moneyMenu.hidden && !event.target.closest(".money-wrap")) this.toggleMoneyMenu(false);
    });
    this.empty = h("div", { class: "thread-empty" },
      h("div", { class: "thread-empty-mark" }, icon("lock")),
      h("h2", null, "Welcome to chatbank"),
      h("p", null, "Pick a chat on the left, or start a new one. Bank data is only ever shared with your consent, and never used for ads."));
    this.body = h("div", { class: "thread-body" },
      h("header", { class: "thread-head" },
        h("button", { type: "button", class: "icon-button back", id: "back", "aria-label": "Back to chats",
          onclick: () => app.closeConversation() }, icon("back")),
        this.headAvatar, h("div", { class: "thread-head-text" }, this.title, this.subtitle),
        this.infoButton),
      h("div", { class: "offline-banner", role: "status" },
        "You are offline. Messages you send now go out when the connection is back."),
      this.scroller, this.typingLine, this.contextBar, this.composer);
    this.el = h("section", { class: "thread-pane", "aria-label": "Conversation" }, this.empty, this.body);
    this.bindComposer();
    this.scroller.addEventListener("scroll", () => {
      if (this.atBottom()) app.markReadIfVisible();
    });
  }

  bindComposer() {
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      } else if (event.key === "Escape") {
        this.clearContext();
      }
    });
    this.input.addEventListener("input", () => {
      this.autoGrow();
      const now = Date.now();
      if (this.input.value && now - this.lastTypingSent > TYPING_FRAME_EVERY_MS) {
        this.lastTypingSent = now;
        this.app.sendTyping(this.shownId);
      }
    });
    this.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  /** The other person in a direct chat with a human (bots cannot pay or be paid). */
  payableOther() {
    const conversation = this.conversation();
    if (!conversation || conversation.kind !== "direct") return null;
    const other = (conversation.members || []).find((m) => m.id !== this.app.store.me.id);
    return other && other.handle !== "assistant" && !other.is_bot ? other : null;
  }

  toggleMoneyMenu(force) {
    const open = force === undefined ? this.moneyMenu.hidden : force;
    this.moneyMenu.hidden = !open;
    this.moneyButton.setAttribute("aria-expanded", String(open));
    if (open) this.moneyMenu.querySelector("button").focus();
  }

  money(kind) {
    this.toggleMoneyMenu(false);
    const other = this.payableOther();
    if (other) openMoneyDialog(this.app, this.conversation(), other, kind);
  }

  autoGrow() {
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight, 160)}px`;
  }

  submit() {
    const text = this.input.value.trim();
    if (!text || !this.shownId) return;
    if (this.editing) this.app.editMessage(this.editing, text);
    else this.app.sendText(this.shownId, text, this.replyTo ? this.replyTo.id : null);
    this.input.value = "";
    this.autoGrow();
    this.clearContext();
    this.input.focus();
  }

  startReply(message) {
    this.editing = null;
    this.replyTo = message;
    this.showContext("Replying to", this.app.store.member(this.conversation(), message.sender_id)
      ?.display_name || "message", message.text || "Card");
  }

  startEdit(message) {
    this.replyTo = null;
    this.editing = message;
    this.input.value = message.text || "";
    this.autoGrow();
    this.showContext("Editing", "your message", message.text || "");
  }

  showContext(verb, who, text) {
    fill(this.contextBar,
      h("div", { class: "context-text" }, h("strong", null, `${verb} ${who}`),
        h("span", null, text.length > 100 ? `${text.slice(0, 99)}…` : text)),
      h("button", { type: "button", class: "icon-button small", "aria-label": `Cancel ${verb.toLowerCase()}`,
        onclick: () => this.clearContext() }, icon("close")));
    this.contextBar.hidden = false;
    this.input.focus();
  }

  clearContext() {
    if (this.editing) this.input.value = "";
    this.replyTo = null;
    this.editing = null;
    this.contextBar.hidden = true;
  }

  conversation() {
    return this.app.store.conversations.get(this.shownId);
  }

  atBottom() {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 80;
  }

  async loadOlder() {
    const s = this.scroller;
    this.preserveFromTop = s.scrollHeight - s.scrollTop;
    await this.app.loadOlder(this.shownId);
  }

  update() {
    const { store } = this.app;
    const conversation = store.conversations.get(store.activeId);
    this.empty.hidden = Boolean(conversation);
    this.body.hidden = !conversation;
    if (!conversation) {
      this.shownId = null;
      return;
    }
    const switched = this.shownId !== conversation.id;
    if (switched) {
      this.shownId = conversation.id;
      this.cache.clear();
      this.clearContext();
      this.input.value = "";
    }
    this.renderHead(conversation);
    this.moneyButton.hidden = !this.payableOther();
    if (this.moneyButton.hidden) this.toggleMoneyMenu(false);
    const stick = switched || this.atBottom();
    this.renderMessages(conversation);
    if (this.preserveFromTop !== null) {
      this.scroller.scrollTop = this.scroller.scrollHeight - this.preserveFromTop;
      this.preserveFromTop = null;
    } else if (stick) {
      this.scroller.scrollTop = this.scroller.scrollHeight;
    }
    if (switched && window.matchMedia("(min-width: 721px)").matches) this.input.focus();
  }

  renderHead(conversation) {
    const { store } = this.app;
    const title = store.titleOf(conversation);
    const other = conversation.kind === "direct"
      ? (conversation.members || []).find((m) => m.id !== store.me.id) : null;
    fill(this.headAvatar, avatar(other ? other.initials : initialsOf(title),
      other ? other.id : conversation.id));
    this.title.textContent = title;
    this.subtitle.textContent = other ? `@${other.handle}`
      : `${(conversation.members || []).length} members`;
    const typers = store.typingIn(conversation.id)
      .map((id) => store.member(conversation, id)?.display_name.split(" ")[0]).filter(Boolean);
    this.typingLine.textContent = typers.length
      ? `${typers.join(", ")} ${typers.length > 1 ? "are" : "is"} typing…` : "";
    this.typingLine.classList.toggle("active", typers.length > 0);
  }

  renderMessages(conversation) {
    const { store } = this.app;
    const thread = store.thread(conversation.id);
    this.olderButton.hidden = !(thread.historyLoaded && thread.nextBeforeSeq !== null);
    this.olderButton.disabled = thread.loadingOlder;
    const ordered = [...thread.messages.values()].sort((a, b) => a.seq - b.seq)
      .concat([...thread.pending.values()]);
    const nodes = [];
    const used = new Map();
    let lastDay = null;
    ordered.forEach((message, i) => {
      const day = dayLabel(message.created_at);
      if (day !== lastDay) {
        const key = `day:${day}`;
        const el = this.cache.get(key)?.el
          || h("div", { class: "day-separator", role: "separator" }, h("span", null, day));
        used.set(key, { sig: day, el });
        nodes.push(el);
        lastDay = day;
      }
      const ctx = this.contextFor(conversation, ordered, i);
      const key = message.id || `pending:${message.client_id}`;
      const sig = bubbleSignature(message, ctx);
      const cached = this.cache.get(key);
      const el = cached && cached.sig === sig ? cached.el : renderMessage(message, ctx);
      used.set(key, { sig, el });
      nodes.push(el);
    });
    this.cache = used;
    if (!ordered.length) {
      nodes.push(h("div", { class: "no-messages" }, thread.historyLoaded
        ? "No messages yet. Say hello!" : "Loading messages…"));
    }
    reconcile(this.list, nodes);
  }

  contextFor(conversation, ordered, i) {
    const { store } = this.app;
    const message = ordered[i];
    const prev = ordered[i - 1];
    const next = ordered[i + 1];
    const sameGroup = (a, b) => a && b && a.sender_id === b.sender_id
      && Math.abs(new Date(b.created_at) - new Date(a.created_at)) < GROUP_GAP_MS
      && dayLabel(a.created_at) === dayLabel(b.created_at);
    const mine = message.sender_id === store.me.id;
    const sender = store.member(conversation, message.sender_id);
    const first = !sameGroup(prev, message);
    const quote = message.reply_to_id ? store.messageById(conversation.id, message.reply_to_id) : null;
    const quoteSender = quote ? store.member(conversation, quote.sender_id) : null;
    return {
      app: this.app, conversation, mine, first, last: !sameGroup(message, next),
      showName: first && !mine && conversation.kind === "group",
      senderName: sender ? sender.display_name : "Former member",
      status: mine ? store.statusOf(conversation, message) : "",
      quote, quoteName: quote ? (quote.sender_id === store.me.id ? "You"
        : quoteSender?.display_name || "Former member") : null,
    };
  }

  scrollTo(messageId) {
    const el = this.list.querySelector(`[data-message-id="${CSS.escape(messageId)}"]`);
    if (!el) return;
    el.scrollIntoView({ block: "center", behavior: "smooth" });
    el.classList.add("flash");
    setTimeout(() => el.classList.remove("flash"), 1200);
    el.focus({ preventScroll: true });
  }
}
