// A confirmation modal (optionally asking for the password) that resolves to the answer.

import { h, icon } from "./dom.js";

/** Resolves to true (or the typed password) when confirmed, null when dismissed. */
export function ask({ id, title, text, confirmLabel, danger = false, password = false }) {
  return new Promise((resolve) => {
    let answer = null;
    const input = password ? h("input", { type: "password", id: `${id}-password`,
      autocomplete: "current-password", required: true }) : null;
    const form = h("form", { class: "modal-body", method: "dialog" },
      h("p", { class: "modal-text" }, text),
      input ? h("div", { class: "field" }, h("label", { for: `${id}-password` }, "Your chatbank password"),
        input) : null,
      h("div", { class: "modal-actions" },
        h("button", { type: "button", class: "button", onclick: () => dialog.close() }, "Cancel"),
        h("button", { type: "submit", class: `button ${danger ? "danger-solid" : "primary"}`,
          id: `${id}-confirm` }, confirmLabel)));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      answer = input ? input.value : true;
      dialog.close();
    });
    const dialog = h("dialog", { class: "modal", id, "aria-labelledby": `${id}-title` },
      h("header", { class: "modal-head" }, h("h2", { id: `${id}-title` }, title),
        h("button", { type: "button", class: "icon-button", "aria-label": "Close",
          onclick: () => dialog.close() }, icon("close"))),
      form);
    dialog.addEventListener("close", () => { dialog.remove(); resolve(answer); });
    document.body.append(dialog);
    dialog.showModal();
    (input || form.querySelector("button[type=submit]")).focus();
  });
}
