// The privacy centre (`#/privacy`): linked banks, linking a bank, the access log in plain
// words, exporting my data, disconnecting everything and deleting the account.
// Everything the API sends is shown as text; the only URL ever followed is the bank's
// authorisation address, and only if it is http(s).

import { api } from "../api.js";
import { fill, h, icon } from "./dom.js";
import { ChannelSettings } from "./channel_settings.js";

const LOG_PAGE = 20;
const STATUS_WORDS = {
  active: "Active", pending: "Waiting for your bank", revoked: "Disconnected",
  expired: "Expired", failed: "Not completed",
};
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

function when(iso, format = dateTime) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : format.format(d);
}

function str(value, max = 300) {
  return typeof value === "string" ? value.slice(0, max) : "";
}

/** A modal that resolves to the submitted form's values (or null when dismissed). */
function ask({ id, title, text, confirmLabel, danger = false, password = false }) {
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

/** Save `data` as a pretty-printed JSON file through a temporary link. */
function downloadJson(data, filename) {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export class PrivacyCentre {
  constructor(app) {
    this.app = app;
    this.banks = [];
    this.purposes = [];
    this.links = [];
    this.log = [];
    this.nextBefore = null;
    this.loaded = false;
    this.banner = h("div", { class: "privacy-banner", id: "privacy-banner", role: "status", hidden: true });
    this.linksList = h("ul", { class: "link-list", id: "linked-banks", "aria-label": "Linked banks" });
    this.linkForm = h("form", { class: "link-form", id: "link-bank-form" });
    this.receiving = h("div", { class: "receiving", id: "receiving-account" });
    this.chats = new ChannelSettings({ ask, say: (text, tone) => this.say(text, tone) });
    this.logList = h("ol", { class: "access-log", id: "access-log", "aria-label": "Access log" });
    this.olderLog = h("button", { type: "button", class: "button", id: "access-log-older", hidden: true,
      onclick: () => this.loadLog(true) }, "Show older entries");
    this.el = h("section", { class: "privacy-pane", id: "privacy-centre", "aria-labelledby": "privacy-title", hidden: true },
      h("header", { class: "thread-head privacy-head" },
        h("button", { type: "button", class: "icon-button back", "aria-label": "Back to chats",
          onclick: () => { app.closePrivacy(); app.closeConversation(); } }, icon("back")),
        h("span", { class: "head-avatar privacy-mark" }, icon("lock")),
        h("div", { class: "thread-head-text" },
          h("h2", { class: "thread-title", id: "privacy-title" }, "Privacy centre"),
          h("div", { class: "thread-subtitle" }, "Your banks, what chatbank may do, and every time it looked")),
        h("button", { type: "button", class: "icon-button", id: "close-privacy", title: "Close",
          "aria-label": "Close privacy centre", onclick: () => app.closePrivacy() }, icon("close"))),
      h("div", { class: "privacy-scroll" },
        this.banner,
        this.section("Linked banks", "privacy-links", this.linksList),
        this.section("Link a bank", "privacy-link-new",
          h("p", { class: "section-hint" }, "You sign in at your bank, never here. Choose what chatbank may do with your bank data; you can change your mind at any time."),
          this.linkForm),
        this.section("Receiving money", "privacy-receiving",
          h("p", { class: "section-hint" }, "Money people send you in chats goes to this account. Only the payer's bank sees its full number."),
          this.receiving),
        this.section("Messenger and WhatsApp", "privacy-channels", this.chats.content),
        this.section("Access log", "privacy-log",
          h("p", { class: "section-hint" }, "Every time chatbank used your bank data, newest first."),
          this.logList, this.olderLog),
        this.section("Your data", "privacy-data",
          h("div", { class: "data-actions" },
            h("button", { type: "button", class: "button", id: "download-data",
              onclick: () => this.download() }, "Download my data"),
            h("button", { type: "button", class: "button danger", id: "revoke-all",
              onclick: () => this.revokeAll() }, "Disconnect everything"),
            h("button", { type: "button", class: "button danger", id: "delete-account",
              onclick: () => this.deleteAccount() }, "Delete my account")))));
  }

  section(title, id, ...content) {
    return h("section", { class: "privacy-section", "aria-labelledby": `${id}-title` },
      h("h3", { id: `${id}-title` }, title), ...content);
  }

  /** Called when the page is opened: read what the URL says happened, then (re)load. */
  async show(params) {
    const linked = params.get("linked");
    const failed = params.get("link_error");
    this.banner.hidden = true;
    if (linked || failed) {
      // Show the result once; a reload should not announce it again.
      history.replaceState(null, "", `${location.pathname}${location.search}#/privacy`);
    }
    await this.reload();
    if (linked) {
      const bank = this.banks.find((b) => b.id === linked);
      this.say(`${bank ? bank.name : str(linked, 40)} is now linked. You can ask the assistant about your accounts.`, "ok");
    } else if (failed) {
      this.say(`Linking did not work: ${str(failed, 300)}`, "error");
    }
  }

  say(text, tone) {
    fill(this.banner, h("span", null, text),
      h("button", { type: "button", class: "icon-button small", "aria-label": "Dismiss",
        onclick: () => { this.banner.hidden = true; } }, icon("close")));
    this.banner.dataset.tone = tone;
    this.banner.hidden = false;
  }

  async reload() {
    try {
      const [catalogue, links] = await Promise.all([
        this.loaded ? null : api.banks(), api.links()]);
      if (catalogue) {
        this.banks = Array.isArray(catalogue.banks) ? catalogue.banks : [];
        this.purposes = Array.isArray(catalogue.purposes) ? catalogue.purposes : [];
        this.loaded = true;
        this.renderLinkForm();
      }
      this.links = Array.isArray(links.links) ? links.links : [];
      this.renderLinks();
      this.renderReceiving((await api.receivingAccount()).receiving_account);
    } catch (err) {
      this.say(err.userMessage || err.message, "error");
    }
    await this.chats.load();
    await this.loadLog(false);
  }

  purposeWords(id) {
    const purpose = this.purposes.find((p) => p.id === id);
    return purpose ? str(purpose.description) : str(id, 60).replace(/_/g, " ");
  }

  renderLinks() {
    const shown = this.links.filter((l) => l.status !== "failed");
    if (!shown.length) {
      fill(this.linksList, h("li", { class: "empty-list" }, "No banks linked yet."));
      return;
    }
    fill(this.linksList, shown.map((link) => {
      const status = str(link.status, 20).replace(/[^a-z]/g, "");
      const live = status === "active" || status === "pending";
      const name = str(link.bank_name, 60) || str(link.bank_id, 40);
      let dates = "";
      if (status === "active") dates = `Access until ${when(link.expires_at, dateOnly)}`;
      else if (status === "revoked" && link.revoked_at) dates = `Disconnected ${when(link.revoked_at)}`;
      else if (status === "expired") dates = `Expired ${when(link.expires_at, dateOnly)}`;
      return h("li", { class: "link-item", dataset: { linkId: str(link.id, 80), bankId: str(link.bank_id, 40), status } },
        h("div", { class: "link-top" },
          h("span", { class: "link-bank" }, name),
          h("span", { class: `link-status status-${status}` }, STATUS_WORDS[status] || status)),
        live ? null : h("div", { class: "link-dates" }, "chatbank no longer has access. It had asked to:"),
        h("ul", { class: `link-purposes${live ? "" : " ended"}`,
          "aria-label": live ? `What chatbank may do with ${name}` : `What chatbank could do with ${name}` },
          (Array.isArray(link.purposes) ? link.purposes : []).map((p) =>
            h("li", null, `${this.capital(this.purposeWords(p))}`))),
        dates ? h("div", { class: "link-dates" }, dates) : null,
        live ? h("button", { type: "button", class: "button danger small link-disconnect",
          "aria-label": `Disconnect ${name}`, onclick: () => this.disconnect(link, name) },
        "Disconnect") : null);
    }));
  }

  renderReceiving(account) {
    const canChoose = this.links.some((l) => l.status === "active"
      && Array.isArray(l.purposes) && l.purposes.includes("make_payments_i_ask_for"));
    const current = account && typeof account === "object"
      ? `${str(account.label, 80)} ${str(account.account, 8)}`.trim() : "";
    fill(this.receiving,
      h("p", { class: "receiving-current" }, current || "No receiving account yet: people cannot send you money."),
      canChoose ? h("button", { type: "button", class: "button small", id: "choose-receiving",
        onclick: () => this.chooseReceiving() }, current ? "Change account" : "Choose account")
        : h("p", { class: "section-hint" }, "Link a bank and let chatbank make the payments you ask for to receive money."));
  }

  async chooseReceiving() {
    let options = [];
    try {
      const body = await api.receivingOptions();
      options = Array.isArray(body.options) ? body.options : [];
    } catch (err) {
      this.say(err.userMessage || err.message, "error");
      return;
    }
    if (!options.length) {
      this.say("None of your linked accounts can receive money.", "error");
      return;
    }
    const select = h("select", { id: "receiving-choice", "aria-label": "Account to receive money in" },
      options.map((o, i) => h("option", { value: String(i) },
        `${str(o.label, 80)} ${str(o.account, 8)}`.trim())));
    const save = h("button", { type: "submit", class: "button primary small", id: "save-receiving" }, "Use this account");
    const form = h("form", { class: "inline-form" }, select, save);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const chosen = options[Number(select.value)];
      save.disabled = true;
      try {
        const body = await api.setReceiving(chosen.link_id, chosen.account_id);
        this.renderReceiving(body.receiving_account);
        this.say("Saved: money sent to you goes to this account.", "ok");
      } catch (err) {
        this.say(err.userMessage || err.message, "error");
        save.disabled = false;
      }
    });
    this.receiving.append(form);
    select.focus();
  }

  capital(text) {
    return text ? text[0].toUpperCase() + text.slice(1) : text;
  }

  renderLinkForm() {
    const error = h("p", { class: "form-error", role: "alert", hidden: true });
    const bankSelect = h("select", { id: "link-bank", name: "bank" },
      this.banks.map((b) => h("option", { value: str(b.id, 40) }, str(b.name, 60))));
    const boxes = this.purposes.map((p) => {
      const id = `purpose-${str(p.id, 60)}`;
      return h("label", { class: "purpose-choice", for: id },
        h("input", { type: "checkbox", id, name: "purpose", value: str(p.id, 60), checked: true }),
        h("span", null, this.capital(str(p.description))));
    });
    const submit = h("button", { type: "submit", class: "button primary", id: "link-bank-submit" },
      "Continue to your bank");
    if (!this.banks.length) {
      fill(this.linkForm, h("p", { class: "section-hint" }, "No banks are available right now."));
      return;
    }
    fill(this.linkForm,
      h("div", { class: "field" }, h("label", { for: "link-bank" }, "Bank"), bankSelect),
      h("fieldset", { class: "purpose-set" }, h("legend", null, "What chatbank may do"), boxes),
      error, h("div", { class: "modal-actions" }, submit));
    this.linkForm.onsubmit = async (event) => {
      event.preventDefault();
      error.hidden = true;
      const purposes = boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
      if (!purposes.length) {
        error.textContent = "Choose at least one thing chatbank may do.";
        error.hidden = false;
        return;
      }
      submit.disabled = true;
      try {
        const body = await api.startLink(bankSelect.value, purposes);
        if (typeof body.authorize_url === "string" && /^https?:\/\//.test(body.authorize_url)) {
          location.assign(body.authorize_url);
          return;
        }
        error.textContent = "The bank did not give us a page to continue on.";
        error.hidden = false;
      } catch (err) {
        error.textContent = err.userMessage || err.message;
        error.hidden = false;
      }
      submit.disabled = false;
    };
  }

  async loadLog(older) {
    try {
      const body = await api.accessLog(older ? this.nextBefore : null, LOG_PAGE);
      const entries = Array.isArray(body.entries) ? body.entries : [];
      this.log = older ? this.log.concat(entries) : entries;
      this.nextBefore = Number.isInteger(body.next_before) ? body.next_before : null;
    } catch (err) {
      this.say(err.userMessage || err.message, "error");
    }
    this.olderLog.hidden = this.nextBefore === null;
    if (!this.log.length) {
      fill(this.logList, h("li", { class: "empty-list" }, "Nothing yet: chatbank has not used any bank data."));
      return;
    }
    fill(this.logList, this.log.map((e) => h("li", {
      class: `log-entry${e.allowed === false ? " refused" : ""}`,
      dataset: { action: str(e.action, 40), seq: String(Number.isInteger(e.seq) ? e.seq : "") },
    },
    // The time is shown on its own, in local time: drop the server's UTC "— 17:14, 25 Nov 2026".
    h("span", { class: "log-text" }, str(e.text, 400).replace(/\s+—\s+\d{1,2}:\d{2}, \d{1,2} \w+ \d{4}$/, "")),
    h("time", { class: "log-time", datetime: str(e.at, 40) }, when(e.at)))));
  }

  async disconnect(link, name) {
    const ok = await ask({ id: "confirm-disconnect", title: `Disconnect ${name}?`,
      text: `chatbank will stop reading your ${name} data and the bank will delete its consent. You can link it again later.`,
      confirmLabel: "Disconnect", danger: true });
    if (!ok) return;
    await this.app.act(async () => {
      await api.revokeLink(link.id);
      this.say(`${name} is disconnected.`, "ok");
    });
    await this.reload();
  }

  async revokeAll() {
    const ok = await ask({ id: "confirm-revoke-all", title: "Disconnect every bank?",
      text: "chatbank will stop reading all your bank data, the banks will delete their consents and the data chatbank kept is destroyed.",
      confirmLabel: "Disconnect everything", danger: true });
    if (!ok) return;
    await this.app.act(async () => {
      const body = await api.revokeAll();
      const count = Array.isArray(body.revoked) ? body.revoked.length : 0;
      this.say(count ? `Disconnected ${count} bank${count === 1 ? "" : "s"}.` : "No banks were linked.", "ok");
    });
    await this.reload();
  }

  async download() {
    await this.app.act(async () => {
      const data = await api.exportData();
      downloadJson(data, `chatbank-data-${new Date().toISOString().slice(0, 10)}.json`);
    });
  }

  async deleteAccount() {
    const password = await ask({ id: "confirm-delete-account", title: "Delete your account?",
      text: "This cannot be undone. Your bank links are revoked at the banks, your data is destroyed and you are logged out.",
      confirmLabel: "Delete my account", danger: true, password: true });
    if (password === null) return;
    try {
      await api.deleteAccount(password);
    } catch (err) {
      this.say(err.userMessage || err.message, "error");
      return;
    }
    this.app.socket.stop();
    history.replaceState(null, "", `${location.pathname}#/`);
    location.reload();
  }
}
