// The privacy centre's "Messenger and WhatsApp" section: the third-party chats that talk to
// chatbank as me (each can be unlinked) and the choice to see only masked amounts there.
// Everything the API sends is shown as text.

import { api } from "../api.js";
import { ask } from "./ask.js";
import { fill, h } from "./dom.js";
import { dateOnly, str, when } from "./text.js";

const CHANNEL_NAMES = { messenger: "Messenger", whatsapp: "WhatsApp" };

/** Enough of a chat's id to recognise it ("•••• 0123"), not enough to copy it. */
export function maskedId(externalId) {
  const id = str(externalId, 200);
  return id.length > 4 ? `•••• ${id.slice(-4)}` : id;
}

function linkedOn(iso) {
  const day = when(iso, dateOnly);
  return day ? `Linked ${day}` : "";
}

export class ChannelSettings {
  /** `say` shows the privacy centre's banner. */
  constructor({ say }) {
    this.say = say;
    this.box = h("input", { type: "checkbox", id: "masked-amounts", onchange: () => this.save() });
    this.list = h("ul", { class: "link-list", id: "linked-chats", "aria-label": "Linked chats" });
    this.content = [
      h("p", { class: "section-hint" }, "Chats on Messenger or WhatsApp that you linked talk to chatbank as you. Those apps can read what chatbank answers there."),
      h("label", { class: "purpose-choice", for: "masked-amounts" }, this.box,
        h("span", null, "Show only masked amounts (£•••.••) on Messenger and WhatsApp")),
      this.list];
  }

  async load() {
    try {
      this.render(await api.channelSettings());
    } catch (err) {
      this.say(err.userMessage || err.message, "error");
    }
  }

  render(body) {
    this.box.checked = body.masked_amounts === true;
    const chats = Array.isArray(body.linked) ? body.linked : [];
    if (!chats.length) {
      fill(this.list, h("li", { class: "empty-list" }, "No Messenger or WhatsApp chats linked."));
      return;
    }
    fill(this.list, chats.map((chat) => {
      const channel = str(chat.channel, 20);
      const name = `${CHANNEL_NAMES[channel] || channel} ${maskedId(chat.external_id)}`;
      return h("li", { class: "link-item", dataset: { channel } },
        h("div", { class: "link-top" }, h("span", { class: "link-bank" }, name)),
        chat.linked_at ? h("div", { class: "link-dates" }, linkedOn(chat.linked_at)) : null,
        h("button", { type: "button", class: "button danger small chat-unlink",
          "aria-label": `Unlink ${name}`, onclick: () => this.unlink(chat, name) }, "Unlink"));
    }));
  }

  async save() {
    const wanted = this.box.checked;
    this.box.disabled = true;
    try {
      this.render(await api.setChannelSettings(wanted));
      this.say(wanted ? "Messenger and WhatsApp now show only masked amounts."
        : "Messenger and WhatsApp show amounts in full again.", "ok");
    } catch (err) {
      this.box.checked = !wanted;
      this.say(err.userMessage || err.message, "error");
    }
    this.box.disabled = false;
  }

  async unlink(chat, name) {
    const ok = await ask({ id: "confirm-unlink-chat", title: `Unlink ${name}?`,
      text: "chatbank will stop answering that chat as you. You can link it again from the chat.",
      confirmLabel: "Unlink", danger: true });
    if (!ok) return;
    try {
      await api.unlinkChat(str(chat.channel, 20), str(chat.external_id, 200));
      this.say(`${name} is unlinked.`, "ok");
    } catch (err) {
      this.say(err.userMessage || err.message, "error");
    }
    await this.load();
  }
}
