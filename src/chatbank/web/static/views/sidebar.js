// The left pane: who I am, connection state, new chat / new group, and the conversation list.

import { api } from "../api.js";
import { avatar, fill, h, icon, initialsOf, listTime } from "./dom.js";

const STATUS_TEXT = { online: "Connected", connecting: "Connecting…", offline: "Offline — reconnecting" };

/** One line for a card in the conversation list (payload fields are untrusted text). */
function cardPreview(card) {
  const p = card.payload && typeof card.payload === "object" ? card.payload : {};
  const str = (v) => (typeof v === "string" ? v.slice(0, 80) : "");
  if (card.kind === "contact") return `👤 ${str(p.display_name) || str(p.handle) || "Contact"}`;
  if (card.kind === "payment") {
    const amount = p.amount && typeof p.amount === "object" ? str(p.amount.display) : "";
    return `💷 ${amount} ${p.kind === "request" ? "request" : "payment"}`.replace("  ", " ");
  }
  if (card.kind === "assistant.reply") return str(p.title) || "Assistant";
  return "📄 Card";
}

export class Sidebar {
  constructor(app) {
    this.app = app;
    this.filter = "";
    this.list = h("ul", { class: "conv-list", id: "conversation-list", "aria-label": "Conversations" });
    this.status = h("span", { class: "conn-status", id: "connection-status", role: "status" });
    this.meBox = h("div", { class: "me" });
    const search = h("input", {
      type: "search", class: "conv-filter", placeholder: "Search chats",
      "aria-label": "Search chats",
      oninput: (e) => { this.filter = e.target.value.trim().toLowerCase(); this.update(); },
    });
    this.el = h("aside", { class: "sidebar", "aria-label": "Chats" },
      h("header", { class: "sidebar-head" }, this.meBox,
        h("div", { class: "head-actions" },
          h("button", { type: "button", class: "icon-button", id: "new-chat", title: "New chat",
            "aria-label": "New chat", onclick: () => app.openNewChat() }, icon("plus")),
          h("button", { type: "button", class: "icon-button", id: "new-group", title: "New group",
            "aria-label": "New group", onclick: () => app.openNewGroup() }, icon("group")),
          h("button", { type: "button", class: "icon-button", id: "open-assistant",
            title: "Ask the assistant", "aria-label": "Ask the assistant",
            onclick: () => app.openDirectByHandle("assistant") }, icon("spark")),
          h("button", { type: "button", class: "icon-button", id: "open-privacy",
            title: "Privacy centre", "aria-label": "Privacy centre",
            onclick: () => app.openPrivacy() }, icon("shield")),
          h("button", { type: "button", class: "icon-button", id: "log-out", title: "Log out",
            "aria-label": "Log out", onclick: () => app.logOut() }, icon("logout")))),
      h("div", { class: "filter-box" }, icon("search"), search),
      this.list, this.adBox = h("aside", { class: "sponsored", id: "sponsored-slot",
        "aria-label": "Sponsored", hidden: true }));
    this.adLoaded = false;
  }

  // One sponsored message, chosen by the server from the interests the user picked — the ads
  // context cannot see any banking data. Shown as plain text.
  async loadAd() {
    this.adLoaded = true;
    try {
      const { ad } = await api.adSlot();
      if (!ad) { this.adBox.hidden = true; return; }
      fill(this.adBox, h("div", { class: "sponsored-label" }, "Sponsored"),
        h("div", { class: "sponsored-title" }, ad.title),
        h("div", { class: "sponsored-body" }, ad.body),
        h("div", { class: "sponsored-why" }, "Chosen from the interests you picked, never from your banking."));
      this.adBox.hidden = false;
    } catch {
      this.adBox.hidden = true;
    }
  }

  update() {
    const { store } = this.app;
    if (!store.me) return;
    if (!this.adLoaded) this.loadAd();
    fill(this.meBox, avatar(store.me.initials, store.me.id),
      h("div", { class: "me-text" },
        h("div", { class: "me-name" }, store.me.display_name),
        this.status));
    this.status.dataset.state = store.connection;
    this.status.textContent = STATUS_TEXT[store.connection] || store.connection;
    document.body.dataset.connection = store.connection;

    const items = store.sortedConversations().filter((c) => !c.placeholder)
      .filter((c) => !this.filter || store.titleOf(c).toLowerCase().includes(this.filter));
    if (!items.length) {
      fill(this.list, h("li", { class: "empty-list" },
        this.filter ? "No chats match." : "No chats yet. Start one with the + button, or ask the assistant with ✦."));
      return;
    }
    fill(this.list, items.map((c) => this.item(c)));
  }

  item(conversation) {
    const { store } = this.app;
    const title = store.titleOf(conversation);
    const other = conversation.kind === "direct"
      ? (conversation.members || []).find((m) => m.id !== store.me.id) : null;
    const last = store.lastMessage(conversation.id);
    const unread = conversation.unread || 0;
    const active = store.activeId === conversation.id;
    return h("li", null, h("button", {
      type: "button", class: `conv-item${active ? " active" : ""}${unread ? " has-unread" : ""}`,
      "aria-current": active ? "true" : null,
      dataset: { conversationId: conversation.id },
      onclick: () => this.app.openConversation(conversation.id),
    },
    avatar(other ? other.initials : initialsOf(title), other ? other.id : conversation.id),
    h("span", { class: "conv-main" },
      h("span", { class: "conv-top" },
        h("span", { class: "conv-title" }, title),
        h("span", { class: "conv-time" }, listTime(conversation.last_activity_at))),
      h("span", { class: "conv-bottom" },
        h("span", { class: "conv-preview" }, this.preview(conversation, last)),
        unread ? h("span", { class: "badge", "aria-label": `${unread} unread` },
          unread > 99 ? "99+" : String(unread)) : null))));
  }

  preview(conversation, last) {
    const { store } = this.app;
    const typing = store.typingIn(conversation.id);
    if (typing.length) return "typing…";
    if (!last) return conversation.kind === "group" ? "Group created" : "Say hello 👋";
    const mine = last.sender_id === store.me.id;
    let text;
    if (last.deleted) text = "Message deleted";
    else if (last.card) text = cardPreview(last.card);
    else text = last.text || "";
    if (mine) return `You: ${text}`;
    if (conversation.kind === "group") {
      const sender = store.member(conversation, last.sender_id);
      return sender ? `${sender.display_name.split(" ")[0]}: ${text}` : text;
    }
    return text;
  }
}
