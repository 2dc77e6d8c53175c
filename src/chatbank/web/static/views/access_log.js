// The privacy centre's access log: every use of my bank data in plain words, newest first,
// a page at a time ("Show older entries").

import { api } from "../api.js";
import { fill, h } from "./dom.js";
import { str, when } from "./text.js";

const LOG_PAGE = 20;
// The time is shown on its own, in local time: drop the server's UTC "— 17:14, 25 Nov 2026".
const SERVER_TIME = /\s+—\s+\d{1,2}:\d{2}, \d{1,2} \w+ \d{4}$/;

function entryItem(e) {
  return h("li", {
    class: `log-entry${e.allowed === false ? " refused" : ""}`,
    dataset: { action: str(e.action, 40), seq: String(Number.isInteger(e.seq) ? e.seq : "") },
  },
  h("span", { class: "log-text" }, str(e.text, 400).replace(SERVER_TIME, "")),
  h("time", { class: "log-time", datetime: str(e.at, 40) }, when(e.at)));
}

export class AccessLog {
  /** `say` shows the centre's banner. */
  constructor({ say }) {
    this.say = say;
    this.entries = [];
    this.nextBefore = null;
    this.list = h("ol", { class: "access-log", id: "access-log", "aria-label": "Access log" });
    this.older = h("button", { type: "button", class: "button", id: "access-log-older", hidden: true,
      onclick: () => this.load(true) }, "Show older entries");
    this.content = [
      h("p", { class: "section-hint" }, "Every time chatbank used your bank data, newest first."),
      this.list, this.older];
  }

  /** The newest page, or (`older`) the page before the oldest shown. */
  async load(older) {
    try {
      const body = await api.accessLog(older ? this.nextBefore : null, LOG_PAGE);
      const entries = Array.isArray(body.entries) ? body.entries : [];
      this.entries = older ? this.entries.concat(entries) : entries;
      this.nextBefore = Number.isInteger(body.next_before) ? body.next_before : null;
    } catch (err) {
      this.say(err.userMessage || err.message, "error");
    }
    this.older.hidden = this.nextBefore === null;
    if (!this.entries.length) {
      fill(this.list, h("li", { class: "empty-list" }, "Nothing yet: chatbank has not used any bank data."));
      return;
    }
    fill(this.list, this.entries.map(entryItem));
  }
}
