// The privacy centre's "Receiving money": the account money sent to me in chats goes to,
// and choosing it among my linked accounts that can receive.

import { api } from "../api.js";
import { fill, h } from "./dom.js";
import { str } from "./text.js";

function accountWords(account) {
  return `${str(account.label, 80)} ${str(account.account, 8)}`.trim();
}

export class ReceivingAccount {
  /** `say` shows the centre's banner. */
  constructor({ say }) {
    this.say = say;
    this.el = h("div", { class: "receiving", id: "receiving-account" });
  }

  /** `canChoose`: some active link lets chatbank make payments (so can receive). */
  render(account, canChoose) {
    const current = account && typeof account === "object" ? accountWords(account) : "";
    fill(this.el,
      h("p", { class: "receiving-current" }, current || "No receiving account yet: people cannot send you money."),
      canChoose ? h("button", { type: "button", class: "button small", id: "choose-receiving",
        onclick: () => this.choose() }, current ? "Change account" : "Choose account")
        : h("p", { class: "section-hint" }, "Link a bank and let chatbank make the payments you ask for to receive money."));
  }

  async choose() {
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
      options.map((o, i) => h("option", { value: String(i) }, accountWords(o))));
    const save = h("button", { type: "submit", class: "button primary small", id: "save-receiving" }, "Use this account");
    const form = h("form", { class: "inline-form" }, select, save);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      save.disabled = true;
      if (!(await this.save(options[Number(select.value)]))) save.disabled = false;
    });
    this.el.append(form);
    select.focus();
  }

  /** True when saved (the section then shows the new account). */
  async save(chosen) {
    try {
      const body = await api.setReceiving(chosen.link_id, chosen.account_id);
      this.render(body.receiving_account, true);
      this.say("Saved: money sent to you goes to this account.", "ok");
      return true;
    } catch (err) {
      this.say(err.userMessage || err.message, "error");
      return false;
    }
  }
}
