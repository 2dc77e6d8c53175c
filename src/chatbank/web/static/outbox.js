// Sending messages: an optimistic pending bubble, a client_id chosen once per message so any
// retry (socket or REST, before or after a reconnect) can never create a duplicate.

import { api } from "./api.js";

function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export class Outbox {
  constructor(store, socket) {
    this.store = store;
    this.socket = socket;
  }

  /** Show the message at once and send it. */
  send(conversationId, text, replyToId) {
    const pending = {
      id: null, seq: null, client_id: newClientId(), conversation_id: conversationId,
      sender_id: this.store.me.id, text, card: null, reply_to_id: replyToId || null,
      created_at: new Date().toISOString(), edited_at: null, deleted: false, reactions: {},
      pending: true, failed: null,
    };
    this.store.addPending(conversationId, pending);
    this.transmit(pending);
  }

  retry(pending) {
    pending.failed = null;
    this.store.changed();
    this.transmit(pending);
  }

  /** After a reconnect: send again whatever was not acknowledged (same client ids). */
  resendAll() {
    for (const thread of this.store.threads.values()) {
      for (const pending of thread.pending.values()) if (!pending.failed) this.transmit(pending);
    }
  }

  transmit(pending) {
    const frame = {
      type: "send", ref: pending.client_id, conversation_id: pending.conversation_id,
      client_id: pending.client_id, text: pending.text,
    };
    if (pending.reply_to_id) frame.reply_to_id = pending.reply_to_id;
    if (this.socket.send(frame)) return; // the ack (or the message.new event) settles it
    this.viaRest(pending);
  }

  async viaRest(pending) {
    try {
      const body = await api.send(pending.conversation_id, {
        client_id: pending.client_id, text: pending.text, reply_to_id: pending.reply_to_id,
      });
      this.store.acknowledge(body.message);
    } catch (err) {
      // Offline: keep it pending; it goes out again when the socket is back.
      if (err.code !== "network_error" && err.status < 500) {
        this.store.failPending(pending.conversation_id, pending.client_id, err.userMessage);
      }
    }
  }

  /** A socket `error` frame answering one of our sends. */
  rejected(ref, message) {
    for (const [conversationId, thread] of this.store.threads) {
      if (thread.pending.has(ref)) this.store.failPending(conversationId, ref, message);
    }
  }
}
