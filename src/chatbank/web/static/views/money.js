// Send or request money in a direct chat. The chat only gets a card: money moves after the
// payer approves the exact amount and payee at their own bank.

import { api } from "../api.js";
import { h, icon } from "./dom.js";

const AMOUNT = /^\d{1,7}(\.\d{1,2})?$/;

/** kind: "pay" (I pay them) or "request" (I ask them to pay me). */
export function openMoneyDialog(app, conversation, other, kind) {
  const id = kind === "pay" ? "pay-dialog" : "request-dialog";
  const title = kind === "pay" ? `Send money to ${other.display_name}`
    : `Request money from ${other.display_name}`;
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const amount = h("input", { id: `${id}-amount`, name: "amount", inputmode: "decimal",
    autocomplete: "off", required: true, placeholder: "0.00", maxlength: "10",
    "aria-describedby": `${id}-amount-hint` });
  const note = h("input", { id: `${id}-note`, name: "note", maxlength: "140", autocomplete: "off",
    placeholder: kind === "pay" ? "e.g. pizza" : "e.g. concert tickets" });
  const submit = h("button", { type: "submit", class: "button primary", id: `${id}-submit` },
    kind === "pay" ? "Continue" : "Send request");
  const clientId = `web-${crypto.randomUUID ? crypto.randomUUID() : Date.now()}`;
  const form = h("form", { class: "modal-body" },
    h("div", { class: "field" }, h("label", { for: `${id}-amount` }, "Amount (£)"), amount,
      h("p", { class: "field-hint", id: `${id}-amount-hint` },
        kind === "pay" ? "You approve this payment at your bank before any money moves."
          : `${other.display_name} approves the payment at their bank. The money goes to your receiving account.`)),
    h("div", { class: "field" }, h("label", { for: `${id}-note` }, "What for (optional)"), note),
    error, h("div", { class: "modal-actions" }, submit));
  const dialog = h("dialog", { class: "modal", id, "aria-labelledby": `${id}-title` },
    h("header", { class: "modal-head" }, h("h2", { id: `${id}-title` }, title),
      h("button", { type: "button", class: "icon-button", "aria-label": "Close",
        onclick: () => dialog.close() }, icon("close"))),
    form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    const value = amount.value.trim().replace(/^£/, "");
    if (!AMOUNT.test(value) || Number(value) <= 0) {
      error.textContent = "Enter an amount like 12.50.";
      error.hidden = false;
      amount.focus();
      return;
    }
    submit.disabled = true;
    try {
      const body = { conversation_id: conversation.id, amount: value, currency: "GBP",
        note: note.value.trim() };
      if (kind === "pay") await api.pay({ ...body, payee_id: other.id, client_id: clientId });
      else await api.requestMoney({ ...body, payer_id: other.id });
      dialog.close();
    } catch (err) {
      error.textContent = err.userMessage || err.message;
      error.hidden = false;
      submit.disabled = false;
    }
  });
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  amount.focus();
}
