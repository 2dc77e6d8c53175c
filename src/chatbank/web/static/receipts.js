// Telling the server what arrived (`delivered`) and what the user has seen (`read`).

import { api } from "./api.js";

const FLUSH_DELAY_MS = 150;

export class ReceiptSender {
  constructor(store, socket) {
    this.store = store;
    this.socket = socket;
    this.delivered = new Map(); // conversation id -> highest seq to acknowledge
    this.timer = null;
  }

  arrived(conversationId, seq) {
    this.delivered.set(conversationId, Math.max(seq, this.delivered.get(conversationId) || 0));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), FLUSH_DELAY_MS);
  }

  flush() {
    for (const [conversationId, seq] of this.delivered) {
      const conversation = this.store.conversations.get(conversationId);
      if (conversation && seq > (conversation.my_read_seq || 0)) {
        this.socket.send({ type: "delivered", conversation_id: conversationId, seq });
      }
    }
    this.delivered.clear();
  }

  /** Mark everything in the conversation as read (the caller checked it is on screen). */
  read(conversation) {
    const seq = conversation.last_seq || 0;
    if (seq <= (conversation.my_read_seq || 0)) return;
    conversation.my_read_seq = seq;
    conversation.unread = 0;
    this.store.changed();
    const frame = { type: "read", conversation_id: conversation.id, seq };
    if (!this.socket.send(frame)) api.read(conversation.id, seq).catch(() => {
      conversation.my_read_seq = 0; // try again on the next chance
    });
  }
}
