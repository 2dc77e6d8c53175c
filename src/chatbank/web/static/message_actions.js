// What a user does to a message from the thread: edit, delete, react, act on a card, and
// pay/decline/cancel a payment card. Every failure is a toast; the store changes through events.

import { api } from "./api.js";
import { chooseBank } from "./views/bank_choice.js";

export class MessageActions {
  constructor(app) {
    this.app = app;
  }

  /** Run an API call; its error becomes a toast. */
  async act(action) {
    try {
      await action();
    } catch (err) {
      this.app.toast(err.userMessage || err.message);
    }
  }

  edit(message, text) {
    if (text === message.text) return;
    this.act(async () => {
      const body = await api.edit(message.id, text);
      Object.assign(message, { text: body.message.text, edited_at: body.message.edited_at });
      this.app.store.changed();
    });
  }

  remove(message) {
    if (!window.confirm("Delete this message for everyone?")) return;
    this.act(() => api.remove(message.id));
  }

  toggleReaction(message, emoji) {
    const mine = (message.reactions?.[emoji] || []).includes(this.app.store.me.id);
    this.act(() => (mine ? api.unreact(message.id, emoji) : api.react(message.id, emoji)));
  }

  /** Pay (off to the payer's bank to approve), decline or cancel; the card updates live. */
  payment(paymentId, verb) {
    this.act(async () => {
      if (verb !== "authorise") {
        await api.paymentVerb(paymentId, verb === "decline" ? "decline" : "cancel");
        return;
      }
      const body = await this.authorise(paymentId);
      if (body && typeof body.authorize_url === "string" && /^https?:\/\//.test(body.authorize_url)) {
        location.assign(body.authorize_url);
      }
    });
  }

  /** Ask to authorise; a payer with several banks first chooses one (null if they don't). */
  async authorise(paymentId) {
    try {
      return await api.authorisePayment(paymentId);
    } catch (err) {
      if (err.code !== "bank_required") throw err;
      const bankId = await chooseBank((await api.banks()).banks || []);
      return bankId ? api.authorisePayment(paymentId, bankId) : null;
    }
  }

  card(message, action) {
    window.dispatchEvent(new CustomEvent("chatbank:card-action", {
      detail: { conversation_id: message.conversation_id, message_id: message.id, action },
    }));
  }
}
