// Routes in the location hash: "#/" the chats, "#/privacy?linked=…" the privacy centre,
// "#/c/<conversation>?payment=<id>&status=<status>" back from the bank after a payment.

/** The hash as a path ("/" when empty, no trailing slash) and its query. */
export function currentRoute() {
  const [path, query = ""] = location.hash.replace(/^#/, "").split("?");
  return { path: path.replace(/\/+$/, "") || "/", params: new URLSearchParams(query) };
}

export class Router {
  constructor(app) {
    this.app = app;
    this.privacyOpen = false;
  }

  /** Show what the hash names (called on load and on every hashchange). */
  apply() {
    const { app } = this;
    const { path, params } = currentRoute();
    const chat = /^\/c\/([\w-]{1,80})$/.exec(path);
    if (chat) {
      this.backFromPayment(chat[1], params.get("status"));
      return;
    }
    const open = path === "/privacy";
    if (open && (!this.privacyOpen || params.has("linked") || params.has("link_error"))) {
      app.info.open = false;
      app.privacy.show(params);
    }
    this.privacyOpen = open;
    app.store.changed();
  }

  backFromPayment(conversationId, status) {
    if (status) this.app.toast(`Payment ${status.replace(/_/g, " ").slice(0, 40)}.`);
    history.replaceState(null, "", `${location.pathname}${location.search}#/`);
    this.privacyOpen = false;
    this.app.openConversation(conversationId);
  }

  openPrivacy() {
    if (currentRoute().path === "/privacy") this.apply();
    else location.hash = "#/privacy";
  }

  closePrivacy() {
    if (this.privacyOpen) location.hash = "#/";
  }
}
