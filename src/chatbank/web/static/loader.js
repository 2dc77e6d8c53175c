// Fetching state over REST: the conversation list (with a one-message preview each), single
// conversations after membership changes, and history pages.

import { api } from "./api.js";

const PREVIEW_FETCH_LIMIT = 30;

export class ConversationLoader {
  constructor(store, toast) {
    this.store = store;
    this.toast = toast;
  }

  /** Re-read the list: new chats appear, chats we left disappear, receipts catch up. */
  async refreshAll() {
    const { store } = this;
    const body = await api.conversations();
    const listed = new Set(body.conversations.map((c) => c.id));
    for (const conversation of body.conversations) {
      store.upsertConversation({ ...conversation, placeholder: false });
    }
    for (const id of [...store.conversations.keys()]) {
      if (!listed.has(id) && !store.conversations.get(id).placeholder) store.dropConversation(id);
    }
    store.saveCursors();
    const missing = body.conversations.filter((c) => !store.lastMessage(c.id) && c.last_seq > 1)
      .slice(0, PREVIEW_FETCH_LIMIT);
    await Promise.all(missing.map((c) => this.preview(c.id)));
  }

  async preview(id) {
    try {
      const body = await api.messages(id, null, 1);
      this.store.addMessages(id, body.messages);
    } catch { /* a preview is optional */ }
  }

  async refreshOne(id, withPreview) {
    try {
      const body = await api.conversation(id);
      this.store.upsertConversation({ ...body.conversation, placeholder: false });
      if (withPreview && !this.store.lastMessage(id)) await this.preview(id);
    } catch (err) {
      if (err.status === 404) this.store.dropConversation(id); // left, removed or gone
    }
  }

  async history(id) {
    const thread = this.store.thread(id);
    try {
      const body = await api.messages(id);
      thread.historyLoaded = true;
      thread.nextBeforeSeq = body.next_before_seq;
      this.store.addMessages(id, body.messages);
    } catch (err) {
      this.toast(err.userMessage || err.message);
    }
  }

  async older(id) {
    const thread = this.store.thread(id);
    if (thread.loadingOlder || thread.nextBeforeSeq === null) return;
    thread.loadingOlder = true;
    try {
      const body = await api.messages(id, thread.nextBeforeSeq);
      thread.nextBeforeSeq = body.next_before_seq;
      this.store.addMessages(id, body.messages);
    } catch (err) {
      this.toast(err.userMessage || err.message);
    } finally {
      thread.loadingOlder = false;
      this.store.changed();
    }
  }
}
