// The privacy centre (`#/privacy`): linked banks, linking a bank, receiving money, linked
// Messenger and WhatsApp chats, the access log in plain words, exporting my data,
// disconnecting everything and deleting the account. Each section is its own module; this
// one lays them out, loads them and owns the banner. Everything the API sends is shown as text.

import { api } from "../api.js";
import { AccessLog } from "./access_log.js";
import { ask } from "./ask.js";
import { LinkForm, LinkedBanks } from "./bank_links.js";
import { ChannelSettings } from "./channel_settings.js";
import { fill, h, icon } from "./dom.js";
import { ReceivingAccount } from "./receiving.js";
import { str } from "./text.js";

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

function section(title, id, ...content) {
  return h("section", { class: "privacy-section", "aria-labelledby": `${id}-title` },
    h("h3", { id: `${id}-title` }, title), ...content);
}

function hint(text) {
  return h("p", { class: "section-hint" }, text);
}

export class PrivacyCentre {
  constructor(app) {
    this.app = app;
    this.banks = [];
    this.purposes = [];
    this.links = [];
    this.loaded = false;
    const say = (text, tone) => this.say(text, tone);
    this.banner = h("div", { class: "privacy-banner", id: "privacy-banner", role: "status", hidden: true });
    this.linked = new LinkedBanks({ act: (action) => app.act(action), say, reload: () => this.reload() });
    this.linkForm = new LinkForm();
    this.receiving = new ReceivingAccount({ say });
    this.chats = new ChannelSettings({ say });
    this.log = new AccessLog({ say });
    this.el = h("section", { class: "privacy-pane", id: "privacy-centre", "aria-labelledby": "privacy-title", hidden: true },
      this.header(),
      h("div", { class: "privacy-scroll" },
        this.banner,
        section("Linked banks", "privacy-links", this.linked.el),
        section("Link a bank", "privacy-link-new",
          hint("You sign in at your bank, never here. Choose what chatbank may do with your bank data; you can change your mind at any time."),
          this.linkForm.el),
        section("Receiving money", "privacy-receiving",
          hint("Money people send you in chats goes to this account. Only the payer's bank sees its full number."),
          this.receiving.el),
        section("Messenger and WhatsApp", "privacy-channels", this.chats.content),
        section("Access log", "privacy-log", this.log.content),
        section("Your data", "privacy-data", this.dataActions())));
  }

  header() {
    const { app } = this;
    return h("header", { class: "thread-head privacy-head" },
      h("button", { type: "button", class: "icon-button back", "aria-label": "Back to chats",
        onclick: () => { app.closePrivacy(); app.closeConversation(); } }, icon("back")),
      h("span", { class: "head-avatar privacy-mark" }, icon("lock")),
      h("div", { class: "thread-head-text" },
        h("h2", { class: "thread-title", id: "privacy-title" }, "Privacy centre"),
        h("div", { class: "thread-subtitle" }, "Your banks, what chatbank may do, and every time it looked")),
      h("button", { type: "button", class: "icon-button", id: "close-privacy", title: "Close",
        "aria-label": "Close privacy centre", onclick: () => app.closePrivacy() }, icon("close")));
  }

  dataActions() {
    return h("div", { class: "data-actions" },
      h("button", { type: "button", class: "button", id: "download-data",
        onclick: () => this.download() }, "Download my data"),
      h("button", { type: "button", class: "button danger", id: "revoke-all",
        onclick: () => this.revokeAll() }, "Disconnect everything"),
      h("button", { type: "button", class: "button danger", id: "delete-account",
        onclick: () => this.deleteAccount() }, "Delete my account"));
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
        this.linkForm.render(this.banks, this.purposes);
      }
      this.links = Array.isArray(links.links) ? links.links : [];
      this.linked.render(this.links, this.purposes);
      this.receiving.render((await api.receivingAccount()).receiving_account, this.canReceive());
    } catch (err) {
      this.say(err.userMessage || err.message, "error");
    }
    await this.chats.load();
    await this.log.load(false);
  }

  /** Receiving needs an active link that lets chatbank make payments. */
  canReceive() {
    return this.links.some((l) => l.status === "active"
      && Array.isArray(l.purposes) && l.purposes.includes("make_payments_i_ask_for"));
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
