// The privacy centre's banks: the linked ones (what chatbank may do in plain words, until
// when, Disconnect with a confirmation) and the form that starts linking one at the bank.
// The only URL ever followed is the bank's authorisation address, and only if it is http(s).

import { api } from "../api.js";
import { ask } from "./ask.js";
import { fill, h } from "./dom.js";
import { capital, dateOnly, str, when } from "./text.js";

const STATUS_WORDS = {
  active: "Active", pending: "Waiting for your bank", revoked: "Disconnected",
  expired: "Expired", failed: "Not completed",
};

/** A purpose in the words the bank catalogue gives it (its id, spaced, if unknown). */
function purposeWords(purposes, id) {
  const purpose = purposes.find((p) => p.id === id);
  return capital(purpose ? str(purpose.description) : str(id, 60).replace(/_/g, " "));
}

function linkDates(link, status) {
  if (status === "active") return `Access until ${when(link.expires_at, dateOnly)}`;
  if (status === "revoked" && link.revoked_at) return `Disconnected ${when(link.revoked_at)}`;
  if (status === "expired") return `Expired ${when(link.expires_at, dateOnly)}`;
  return "";
}

export class LinkedBanks {
  /** `act` runs an API call (toasting its error), `say` shows the centre's banner and
   * `reload` re-reads the centre after a change. */
  constructor({ act, say, reload }) {
    Object.assign(this, { act, say, reload });
    this.el = h("ul", { class: "link-list", id: "linked-banks", "aria-label": "Linked banks" });
  }

  render(links, purposes) {
    const shown = links.filter((l) => l.status !== "failed");
    if (!shown.length) {
      fill(this.el, h("li", { class: "empty-list" }, "No banks linked yet."));
      return;
    }
    fill(this.el, shown.map((link) => this.item(link, purposes)));
  }

  item(link, purposes) {
    const status = str(link.status, 20).replace(/[^a-z]/g, "");
    const live = status === "active" || status === "pending";
    const name = str(link.bank_name, 60) || str(link.bank_id, 40);
    const dates = linkDates(link, status);
    return h("li", { class: "link-item", dataset: { linkId: str(link.id, 80), bankId: str(link.bank_id, 40), status } },
      h("div", { class: "link-top" },
        h("span", { class: "link-bank" }, name),
        h("span", { class: `link-status status-${status}` }, STATUS_WORDS[status] || status)),
      live ? null : h("div", { class: "link-dates" }, "chatbank no longer has access. It had asked to:"),
      h("ul", { class: `link-purposes${live ? "" : " ended"}`,
        "aria-label": live ? `What chatbank may do with ${name}` : `What chatbank could do with ${name}` },
        (Array.isArray(link.purposes) ? link.purposes : []).map((p) =>
          h("li", null, purposeWords(purposes, p)))),
      dates ? h("div", { class: "link-dates" }, dates) : null,
      live ? h("button", { type: "button", class: "button danger small link-disconnect",
        "aria-label": `Disconnect ${name}`, onclick: () => this.disconnect(link, name) },
      "Disconnect") : null);
  }

  async disconnect(link, name) {
    const ok = await ask({ id: "confirm-disconnect", title: `Disconnect ${name}?`,
      text: `chatbank will stop reading your ${name} data and the bank will delete its consent. You can link it again later.`,
      confirmLabel: "Disconnect", danger: true });
    if (!ok) return;
    await this.act(async () => {
      await api.revokeLink(link.id);
      this.say(`${name} is disconnected.`, "ok");
    });
    await this.reload();
  }
}

/** "Link a bank": the bank, what chatbank may do (all ticked), then off to the bank. */
export class LinkForm {
  constructor() {
    this.el = h("form", { class: "link-form", id: "link-bank-form" });
  }

  render(banks, purposes) {
    if (!banks.length) {
      fill(this.el, h("p", { class: "section-hint" }, "No banks are available right now."));
      return;
    }
    const error = h("p", { class: "form-error", role: "alert", hidden: true });
    const bankSelect = h("select", { id: "link-bank", name: "bank" },
      banks.map((b) => h("option", { value: str(b.id, 40) }, str(b.name, 60))));
    const boxes = purposes.map((p) => {
      const id = `purpose-${str(p.id, 60)}`;
      return h("label", { class: "purpose-choice", for: id },
        h("input", { type: "checkbox", id, name: "purpose", value: str(p.id, 60), checked: true }),
        h("span", null, capital(str(p.description))));
    });
    const submit = h("button", { type: "submit", class: "button primary", id: "link-bank-submit" },
      "Continue to your bank");
    fill(this.el,
      h("div", { class: "field" }, h("label", { for: "link-bank" }, "Bank"), bankSelect),
      h("fieldset", { class: "purpose-set" }, h("legend", null, "What chatbank may do"), boxes),
      error, h("div", { class: "modal-actions" }, submit));
    const showError = (text) => { error.textContent = text; error.hidden = false; };
    this.el.onsubmit = async (event) => {
      event.preventDefault();
      error.hidden = true;
      const chosen = boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
      if (!chosen.length) {
        showError("Choose at least one thing chatbank may do.");
        return;
      }
      submit.disabled = true;
      // Left for the bank: the button stays disabled while the page goes.
      if (!(await this.start(bankSelect.value, chosen, showError))) submit.disabled = false;
    };
  }

  /** True when the browser is on its way to the bank. */
  async start(bankId, purposes, showError) {
    try {
      const body = await api.startLink(bankId, purposes);
      if (typeof body.authorize_url === "string" && /^https?:\/\//.test(body.authorize_url)) {
        location.assign(body.authorize_url);
        return true;
      }
      showError("The bank did not give us a page to continue on.");
    } catch (err) {
      showError(err.userMessage || err.message);
    }
    return false;
  }
}
