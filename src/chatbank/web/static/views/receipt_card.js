// The `payment.receipt` card (payments context): posted once when a payment completes. Amount,
// who paid whom (the payee's account masked, ••1234), the bank's reference and when it was paid.
// The payload is untrusted: text only, lengths capped, a bad date shows as "—".

import { h } from "./dom.js";

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const MASKED = /^••\d{4}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function text(value, max = 120) {
  return typeof value === "string" ? value.slice(0, max) : "";
}

function name(value) {
  return value && typeof value === "object" ? text(value.name, 64) || "someone" : "someone";
}

function completedAt(value) {
  const written = text(value, 40);
  const moment = ISO_TIME.test(written) ? new Date(written) : null;
  return moment && !Number.isNaN(moment.getTime()) ? when.format(moment) : "—";
}

export function receiptCard(p) {
  const amount = p.amount && typeof p.amount === "object" ? text(p.amount.display, 40) : "";
  const account = p.payee && typeof p.payee === "object" ? text(p.payee.account, 6) : "";
  const payee = MASKED.test(account) ? `${name(p.payee)} ${account}` : name(p.payee);
  return h("div", { class: "card card-receipt", dataset: { kind: "payment.receipt" } },
    h("div", { class: "card-head" },
      h("div", { class: "card-title" }, "Payment receipt"),
      h("span", { class: "card-status status-completed" }, "Paid")),
    h("div", { class: "card-amount" }, amount),
    h("dl", { class: "card-rows" },
      h("dt", null, "From"), h("dd", { dataset: { field: "payer" } }, name(p.payer)),
      h("dt", null, "To"), h("dd", { dataset: { field: "payee" } }, payee),
      p.note ? [h("dt", null, "For"), h("dd", { dataset: { field: "note" } }, text(p.note, 140))]
        : null,
      h("dt", null, "Bank reference"),
      h("dd", { dataset: { field: "reference" } }, text(p.bank_reference, 64)),
      h("dt", null, "Paid"),
      h("dd", { dataset: { field: "completed" } }, completedAt(p.completed_at))),
    h("div", { class: "card-foot" }, "Made at the payer's bank; chatbank never held the money."));
}
