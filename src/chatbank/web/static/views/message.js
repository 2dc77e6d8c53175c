// One message bubble: reply quote, text or card, edited/deleted markers, time, ticks,
// reactions and the actions menu (reply, react, edit, delete).

import { renderCard } from "./cards.js";
import { h, icon, timeOf } from "./dom.js";

export const QUICK_REACTIONS = ["👍", "❤️", "😂", "😮", "🎉", "🙏"];

const STATUS_LABEL = {
  pending: "Sending", failed: "Not sent", sent: "Sent", delivered: "Delivered", read: "Read",
};
const STATUS_ICON = { pending: "clock", failed: "alert", sent: "check", delivered: "checks", read: "checks" };

/** A signature of everything the bubble shows, so unchanged bubbles are reused as they are. */
export function bubbleSignature(message, ctx) {
  return JSON.stringify([message.id, message.client_id, message.text, message.edited_at,
    message.deleted, message.card, message.reactions, message.failed, ctx.status, ctx.first,
    ctx.last, ctx.showName, ctx.conversation.my_role,
    ctx.quote && [ctx.quote.text, ctx.quote.deleted]]);
}

/**
 * ctx: {mine, status, first, last, showName, senderName, quote: message|null, quoteName,
 *       conversation, app}
 */
export function renderMessage(message, ctx) {
  const { app } = ctx;
  const classes = ["msg", ctx.mine ? "mine" : "theirs"];
  if (ctx.first) classes.push("first");
  if (ctx.last) classes.push("last");
  if (message.deleted) classes.push("deleted");
  const body = [];
  if (ctx.showName) body.push(h("div", { class: "sender-name" }, ctx.senderName));
  if (message.reply_to_id && !message.deleted) body.push(quoteBlock(message, ctx));
  if (message.deleted) {
    body.push(h("div", { class: "msg-text deleted-text" }, "This message was deleted"));
  } else if (message.card) {
    body.push(renderCard(message.card, {
      meId: app.store.me.id,
      onAction: (action) => app.cardAction(message, action),
      onOpenContact: (handle) => app.openDirectByHandle(handle),
      onReply: (text) => text && app.sendText(message.conversation_id, text, null),
      onPaymentAction: (paymentId, verb) => app.paymentAction(paymentId, verb),
    }));
    if (message.text) body.push(h("div", { class: "msg-text" }, message.text));
  } else {
    body.push(h("div", { class: "msg-text" }, message.text || ""));
  }
  body.push(meta(message, ctx));
  const el = h("div", {
    class: classes.join(" "), tabindex: "0", role: "article",
    "aria-label": `${ctx.mine ? "You" : ctx.senderName}, ${timeOf(message.created_at)}`,
    dataset: { messageId: message.id || "", clientId: message.client_id || "",
      seq: message.seq == null ? "" : String(message.seq), status: ctx.mine ? ctx.status : "" },
  }, h("div", { class: message.card && !message.deleted ? "bubble has-card" : "bubble" }, body), reactions(message, ctx), actions(message, ctx));
  return el;
}

function quoteBlock(message, ctx) {
  const original = ctx.quote;
  let text = "Original message not loaded";
  if (original) {
    if (original.deleted) text = "This message was deleted";
    else if (original.card) text = "Card";
    else text = original.text || "";
  }
  return h("button", {
    type: "button", class: "quote", "aria-label": `Reply to ${ctx.quoteName || "a message"}`,
    onclick: () => ctx.app.scrollToMessage(message.reply_to_id),
  }, h("span", { class: "quote-name" }, ctx.quoteName || "Message"),
  h("span", { class: "quote-text" }, text.length > 140 ? `${text.slice(0, 139)}…` : text));
}

function meta(message, ctx) {
  const parts = [];
  if (message.edited_at && !message.deleted) parts.push(h("span", { class: "edited" }, "edited"));
  parts.push(h("time", { datetime: message.created_at || "" }, timeOf(message.created_at)));
  if (ctx.mine && !message.deleted) {
    parts.push(h("span", {
      class: `ticks ticks-${ctx.status}`, role: "img", "aria-label": STATUS_LABEL[ctx.status],
      title: STATUS_LABEL[ctx.status],
    }, icon(STATUS_ICON[ctx.status])));
  }
  if (message.failed) {
    parts.push(h("button", { type: "button", class: "link-button retry",
      onclick: () => ctx.app.retryPending(message) }, "Retry"));
  }
  return h("span", { class: "meta" }, parts);
}

function reactions(message, ctx) {
  const entries = Object.entries(message.reactions || {}).filter(([, users]) => users.length);
  if (!entries.length || message.deleted) return null;
  const me = ctx.app.store.me.id;
  return h("div", { class: "reactions" }, entries.map(([emoji, users]) => {
    const mineToo = users.includes(me);
    return h("button", {
      type: "button", class: `reaction${mineToo ? " mine" : ""}`, "aria-pressed": String(mineToo),
      "aria-label": `${emoji} ${users.length}${mineToo ? ", including you" : ""}`,
      onclick: () => ctx.app.toggleReaction(message, emoji),
    }, h("span", null, emoji), h("span", { class: "count" }, String(users.length)));
  }));
}

function actions(message, ctx) {
  if (message.pending || message.deleted || !message.id) return null;
  const { app } = ctx;
  const palette = h("div", { class: "react-palette", hidden: true, role: "group",
    "aria-label": "Pick a reaction" },
  QUICK_REACTIONS.map((emoji) => h("button", {
    type: "button", class: "emoji", "aria-label": `React ${emoji}`,
    onclick: () => { palette.hidden = true; app.toggleReaction(message, emoji); },
  }, emoji)));
  const canDelete = ctx.mine || ctx.conversation.my_role === "admin";
  return h("div", { class: "msg-actions", role: "toolbar", "aria-label": "Message actions" },
    h("button", { type: "button", class: "icon-button small", title: "Reply", "aria-label": "Reply",
      onclick: () => app.thread.startReply(message) }, icon("reply")),
    h("button", { type: "button", class: "icon-button small", title: "React", "aria-label": "React",
      onclick: () => { palette.hidden = !palette.hidden; } }, icon("smile")),
    ctx.mine && !message.card ? h("button", { type: "button", class: "icon-button small",
      title: "Edit", "aria-label": "Edit", onclick: () => app.thread.startEdit(message) },
    icon("edit")) : null,
    canDelete ? h("button", { type: "button", class: "icon-button small", title: "Delete",
      "aria-label": "Delete", onclick: () => app.deleteMessage(message) }, icon("trash")) : null,
    palette);
}
