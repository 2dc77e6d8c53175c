// The `payment` card (payments context): amount, who pays whom, status, and the actions the
// viewer may take. Money only moves after the payer authorises at their own bank.

import { h } from "./dom.js";

const STATUS_TEXT = {
  draft: "Waiting for the payer", awaiting_authorisation: "Waiting for bank approval",
  pending: "Processing", completed: "Paid", rejected: "Rejected by the bank",
  expired: "Expired", cancelled: "Cancelled", declined: "Declined",
};
const OPEN = new Set(["draft", "awaiting_authorisation"]);

function text(value, max = 120) {
  return typeof value === "string" ? value.slice(0, max) : "";
}

function person(value) {
  return value && typeof value === "object" ? { id: text(value.id, 40), name: text(value.name, 64),
    account: text(value.account, 12) } : { id: "", name: "someone", account: "" };
}

/** Buttons for the viewer: the payer pays or declines; whoever asked can cancel. */
function actionsFor(p, meId) {
  const payer = person(p.payer);
  const payee = person(p.payee);
  const status = text(p.status, 40);
  if (!OPEN.has(status)) return [];
  const actions = [];
  if (payer.id === meId) actions.push(["authorise", "Pay"]);
  if (payer.id === meId && p.kind === "request") actions.push(["decline", "Decline"]);
  const creator = p.kind === "request" ? payee.id : payer.id;
  if (creator === meId) actions.push(["cancel", "Cancel"]);
  return actions;
}

export function paymentCard(p, { meId, onPaymentAction }) {
  const payer = person(p.payer);
  const payee = person(p.payee);
  const status = text(p.status, 40);
  const amount = p.amount && typeof p.amount === "object" ? text(p.amount.display, 40) : "";
  const title = p.kind === "request"
    ? `${payee.id === meId ? "You" : payee.name} requested money`
    : `${payer.id === meId ? "You are" : `${payer.name} is`} paying`;
  const actions = actionsFor(p, meId);
  const statusText = status === "draft" && payer.id === meId ? "Waiting for you"
    : STATUS_TEXT[status] || status;
  return h("div", { class: "card card-payment", dataset: { kind: "payment", status } },
    h("div", { class: "card-head" },
      h("div", { class: "card-title" }, title),
      h("span", { class: `card-status status-${status.replace(/[^a-z_]/g, "")}` },
        statusText)),
    h("div", { class: "card-amount" }, amount),
    h("dl", { class: "card-rows" },
      h("dt", null, "From"), h("dd", null, payer.name),
      h("dt", null, "To"), h("dd", null, payee.account ? `${payee.name} ${payee.account}` : payee.name),
      p.note ? [h("dt", null, "For"), h("dd", null, text(p.note, 140))] : null),
    p.reason ? h("div", { class: "card-note" }, text(p.reason, 300)) : null,
    actions.length ? h("div", { class: "card-buttons" }, actions.map(([verb, label]) => h("button", {
      type: "button", class: `card-button${verb === "authorise" ? "" : " secondary"}`,
      dataset: { action: verb },
      onclick: () => onPaymentAction && onPaymentAction(text(p.payment_id, 60), verb),
    }, label))) : null,
    h("div", { class: "card-foot" }, "Approved at your bank, never in the chat."));
}
