// "Pay from which bank?": asked when the payer has no linked bank the platform could pick.
// The payer then signs in at the chosen bank, which shows the amount and payee for approval.

import { h, icon } from "./dom.js";

/** Resolves with the chosen bank id, or null if the payer closes the dialog. */
export function chooseBank(banks) {
  return new Promise((resolve) => {
    let chosen = null;
    const dialog = h("dialog", { class: "modal", id: "choose-bank", "aria-labelledby": "choose-bank-title" },
      h("header", { class: "modal-head" }, h("h2", { id: "choose-bank-title" }, "Pay from which bank?"),
        h("button", { type: "button", class: "icon-button", "aria-label": "Close",
          onclick: () => dialog.close() }, icon("close"))),
      h("div", { class: "modal-body" },
        h("p", { class: "field-hint" }, "You approve the payment at that bank; nothing moves before."),
        h("div", { class: "modal-actions" }, banks.map((bank) => h("button", {
          type: "button", class: "button primary", dataset: { bankId: String(bank.id) },
          onclick: () => { chosen = String(bank.id); dialog.close(); },
        }, String(bank.name).slice(0, 40))))));
    dialog.addEventListener("close", () => { dialog.remove(); resolve(chosen); });
    document.body.append(dialog);
    dialog.showModal();
  });
}
