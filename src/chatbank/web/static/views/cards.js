// Structured message cards. Known kinds get a renderer; unknown kinds get a neutral box.
// Payloads are untrusted: everything is rendered as text, never as HTML, and no URL from a
// payload is ever followed.

import { assistantCard } from "./assistant_card.js";
import { avatar, h, initialsOf } from "./dom.js";
import { paymentCard } from "./payment_card.js";
import { receiptCard } from "./receipt_card.js";

/** Kinds drawn by the generic renderer (title, amount, status, rows, buttons, note). */
export const GENERIC_KINDS = new Set([
  "balance", "balances", "payment_request", "split", "transactions", "transaction",
  "spending", "bill", "card_status", "bank_link", "consent", "confirmation", "receipt",
]);

const MAX_ROWS = 20;
const MAX_BUTTONS = 4;

function str(value, max = 200) {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? "" : String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Render a card. ctx: {meId, onAction(action), onOpenContact(handle), onReply(text),
 * onPaymentAction(paymentId, verb)}.
 */
export function renderCard(card, ctx = {}) {
  const { onAction, onOpenContact } = ctx;
  if (!card || typeof card !== "object" || typeof card.kind !== "string") return unsupported("");
  const payload = card.payload && typeof card.payload === "object" ? card.payload : {};
  if (card.kind === "contact") return contactCard(payload, onOpenContact);
  if (card.kind === "payment") return paymentCard(payload, ctx);
  if (card.kind === "payment.receipt") return receiptCard(payload);
  if (card.kind === "assistant.reply") return assistantCard(payload, ctx);
  if (GENERIC_KINDS.has(card.kind)) return genericCard(card.kind, payload, onAction);
  return unsupported(card.kind);
}

function unsupported(kind) {
  return h("div", { class: "card card-unsupported", role: "note", dataset: { kind: str(kind, 40) } },
    h("div", { class: "card-title" }, "Unsupported card"),
    h("div", { class: "card-note" }, "This message needs a newer version of chatbank."));
}

function contactCard(payload, onOpenContact) {
  const handle = str(payload.handle, 40);
  const name = str(payload.display_name, 64) || handle;
  return h("div", { class: "card card-contact", dataset: { kind: "contact" } },
    h("div", { class: "card-contact-row" },
      avatar(initialsOf(name), handle),
      h("div", { class: "card-contact-text" },
        h("div", { class: "card-title" }, name),
        h("div", { class: "card-sub" }, `@${handle}`))),
    onOpenContact && handle
      ? h("button", { type: "button", class: "card-button", onclick: () => onOpenContact(handle) },
        "Message")
      : null);
}

function formatAmount(payload) {
  const minor = payload.amount_minor;
  const currency = str(payload.currency, 3);
  if (!Number.isInteger(minor) || !/^[A-Z]{3}$/.test(currency)) return str(payload.amount, 40);
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(minor / 100);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

function genericCard(kind, payload, onAction) {
  const rows = Array.isArray(payload.rows) ? payload.rows.slice(0, MAX_ROWS) : [];
  const buttons = Array.isArray(payload.buttons) ? payload.buttons.slice(0, MAX_BUTTONS) : [];
  const amount = formatAmount(payload);
  const status = str(payload.status, 40);
  return h("div", { class: "card card-generic", dataset: { kind: str(kind, 40) } },
    h("div", { class: "card-head" },
      h("div", { class: "card-title" }, str(payload.title, 120) || kind.replace(/_/g, " ")),
      status ? h("span", { class: `card-status status-${status.replace(/[^a-z_]/g, "")}` }, status)
        : null),
    amount ? h("div", { class: "card-amount" }, amount) : null,
    rows.length ? h("dl", { class: "card-rows" }, rows.map((row) => [
      h("dt", null, str(row && row.label, 60)),
      h("dd", null, str(row && row.value, 200)),
    ])) : null,
    payload.note ? h("div", { class: "card-note" }, str(payload.note, 400)) : null,
    buttons.length ? h("div", { class: "card-buttons" }, buttons.map((b) => h("button", {
      type: "button", class: "card-button",
      disabled: !onAction || (b && b.disabled === true),
      onclick: () => onAction && onAction(str(b && b.action, 60)),
    }, str(b && b.label, 40) || "Open"))) : null);
}
