// Modal dialogs: start a direct chat, create a group.

import { api } from "../api.js";
import { fill, h, icon } from "./dom.js";
import { peoplePicker } from "./people.js";

function modal(id, title, ...content) {
  const dialog = h("dialog", { class: "modal", id, "aria-labelledby": `${id}-title` },
    h("header", { class: "modal-head" }, h("h2", { id: `${id}-title` }, title),
      h("button", { type: "button", class: "icon-button", "aria-label": "Close",
        onclick: () => dialog.close() }, icon("close"))),
    ...content);
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

function errorLine() {
  return h("p", { class: "form-error", role: "alert", hidden: true });
}

function showError(line, err) {
  line.textContent = err.userMessage || err.message;
  line.hidden = false;
}

export function openNewChat(app) {
  const error = errorLine();
  const picker = peoplePicker({
    id: "new-chat-search", label: "Who do you want to chat with?",
    exclude: () => [app.store.me.id],
    onPick: async (user) => {
      try {
        const body = await api.openDirect(user.id);
        dialog.close();
        app.adoptConversation(body.conversation, true);
      } catch (err) {
        showError(error, err);
      }
    },
  });
  const dialog = modal("new-chat-dialog", "New chat", h("div", { class: "modal-body" }, picker.el, error));
  picker.input.focus();
}

export function openNewGroup(app) {
  const chosen = new Map();
  const error = errorLine();
  const chips = h("ul", { class: "chips", "aria-label": "Members to add" });
  const title = h("input", { id: "group-title", maxlength: "64", required: true,
    placeholder: "e.g. Flat 4B bills" });
  const renderChips = () => fill(chips, [...chosen.values()].map((u) => h("li", { class: "chip" },
    u.display_name, h("button", { type: "button", class: "chip-remove",
      "aria-label": `Remove ${u.display_name}`,
      onclick: () => { chosen.delete(u.id); renderChips(); } }, "×"))));
  const picker = peoplePicker({
    id: "group-member-search", label: "Add members",
    exclude: () => [app.store.me.id, ...chosen.keys()],
    onPick: (user) => { chosen.set(user.id, user); renderChips(); picker.clear(); picker.input.focus(); },
  });
  const form = h("form", { class: "modal-body" },
    h("div", { class: "field" }, h("label", { for: "group-title" }, "Group name"), title),
    chips, picker.el, error,
    h("div", { class: "modal-actions" },
      h("button", { type: "submit", class: "button primary", id: "create-group" }, "Create group")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    try {
      const body = await api.createGroup(title.value.trim(), [...chosen.keys()]);
      dialog.close();
      app.adoptConversation(body.conversation, true);
    } catch (err) {
      showError(error, err);
    }
  });
  const dialog = modal("new-group-dialog", "New group", form);
  title.focus();
}
