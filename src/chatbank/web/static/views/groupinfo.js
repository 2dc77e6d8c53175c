// The chat info panel: rename, members with roles, add/remove, make admin, leave.

import { api } from "../api.js";
import { avatar, fill, h, icon, initialsOf } from "./dom.js";
import { peoplePicker } from "./people.js";

export class InfoPanel {
  constructor(app) {
    this.app = app;
    this.open = false;
    this.shownId = null;
    this.content = h("div", { class: "info-content" });
    this.error = h("p", { class: "form-error", role: "alert", hidden: true });
    this.el = h("aside", { class: "info-panel", id: "info-panel", "aria-label": "Chat info", hidden: true },
      h("header", { class: "info-head" },
        h("h2", null, "Chat info"),
        h("button", { type: "button", class: "icon-button", id: "close-info", "aria-label": "Close chat info",
          onclick: () => app.toggleInfo(false) }, icon("close"))),
      this.error, this.content);
  }

  async run(action) {
    this.error.hidden = true;
    try {
      await action();
      await this.app.refreshConversation(this.shownId);
    } catch (err) {
      this.error.textContent = err.userMessage || err.message;
      this.error.hidden = false;
    }
  }

  update() {
    const { store } = this.app;
    const conversation = store.conversations.get(store.activeId);
    this.el.hidden = !(this.open && conversation);
    document.body.classList.toggle("info-open", !this.el.hidden);
    if (this.el.hidden) return;
    // Keep the inputs (and what the user typed) while the same chat stays open.
    if (this.shownId === conversation.id && this.signature === this.signatureOf(conversation)) return;
    this.shownId = conversation.id;
    this.signature = this.signatureOf(conversation);
    fill(this.content, conversation.kind === "group" ? this.group(conversation)
      : this.direct(conversation));
  }

  signatureOf(conversation) {
    return JSON.stringify([conversation.title, conversation.my_role,
      (conversation.members || []).map((m) => [m.id, m.role])]);
  }

  direct(conversation) {
    const other = conversation.members.find((m) => m.id !== this.app.store.me.id);
    if (!other) return h("p", null, "This chat has no other member.");
    return h("div", { class: "info-hero" }, avatar(other.initials, other.id, "lg"),
      h("div", { class: "info-title" }, other.display_name),
      h("div", { class: "info-sub" }, `@${other.handle}`),
      h("p", { class: "info-note" }, icon("lock"),
        " Payments and bank data in this chat need your consent at your bank."));
  }

  group(conversation) {
    const { store } = this.app;
    const admin = conversation.my_role === "admin";
    const titleInput = h("input", { id: "group-rename", value: conversation.title || "", maxlength: "64",
      "aria-label": "Group name" });
    const rename = h("form", { class: "inline-form" }, titleInput,
      h("button", { type: "submit", class: "button", id: "group-rename-save" }, "Rename"));
    rename.addEventListener("submit", (event) => {
      event.preventDefault();
      this.run(() => api.rename(conversation.id, titleInput.value.trim()));
    });
    const members = [...conversation.members].sort((a, b) =>
      (a.role === "admin" ? 0 : 1) - (b.role === "admin" ? 0 : 1)
      || a.display_name.localeCompare(b.display_name));
    const picker = admin ? peoplePicker({
      id: "add-member-search", label: "Add people",
      exclude: () => conversation.members.map((m) => m.id),
      onPick: (user) => this.run(() => api.addMembers(conversation.id, [user.id])),
    }) : null;
    return [
      h("div", { class: "info-hero" }, avatar(initialsOf(conversation.title), conversation.id, "lg"),
        h("div", { class: "info-title" }, conversation.title || "Group"),
        h("div", { class: "info-sub" }, `${members.length} members`)),
      h("section", { class: "info-section" }, h("h3", null, "Name"), rename),
      h("section", { class: "info-section" }, h("h3", null, "Members"),
        h("ul", { class: "member-list", id: "member-list" },
          members.map((m) => this.memberRow(conversation, m, admin, store.me.id)))),
      picker ? h("section", { class: "info-section" }, picker.el) : null,
      h("section", { class: "info-section" },
        h("button", { type: "button", class: "button danger wide", id: "leave-group",
          onclick: () => this.leave(conversation) }, "Leave group")),
    ];
  }

  memberRow(conversation, member, admin, meId) {
    const me = member.id === meId;
    const buttons = [];
    if (admin && !me) {
      const toAdmin = member.role !== "admin";
      buttons.push(h("button", { type: "button", class: "link-button",
        onclick: () => this.run(() => api.setRole(conversation.id, member.id, toAdmin ? "admin" : "member")),
      }, toAdmin ? "Make admin" : "Remove admin"));
      buttons.push(h("button", { type: "button", class: "link-button danger-text",
        "aria-label": `Remove ${member.display_name}`,
        onclick: () => this.run(() => api.removeMember(conversation.id, member.id)) }, "Remove"));
    }
    return h("li", { class: "member", dataset: { userId: member.id } },
      avatar(member.initials, member.id, "sm"),
      h("span", { class: "person-text" },
        h("span", { class: "person-name" }, me ? `${member.display_name} (you)` : member.display_name),
        h("span", { class: "person-handle" }, `@${member.handle}`)),
      member.role === "admin" ? h("span", { class: "role-pill" }, "Admin") : null,
      buttons.length ? h("span", { class: "member-actions" }, buttons) : null);
  }

  async leave(conversation) {
    if (!window.confirm(`Leave “${conversation.title}”? You will stop getting its messages.`)) return;
    this.error.hidden = true;
    try {
      await api.leave(conversation.id);
      this.open = false;
      this.app.store.dropConversation(conversation.id);
      this.app.closeConversation();
    } catch (err) {
      this.error.textContent = err.userMessage || err.message;
      this.error.hidden = false;
    }
  }
}
