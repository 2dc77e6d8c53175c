// The assistant's `assistant.reply` card: title, rows, a bar chart drawn here from numbers,
// source line, reply buttons and safe links.

import { h } from "./dom.js";

const SVG_NS = "http://www.w3.org/2000/svg";

function text(value, max) {
  return typeof value === "string" ? value.slice(0, max) : "";
}

/** Only plain web links or same-site paths ("//host" and "javascript:" are refused). */
export function safeHref(url) {
  if (typeof url !== "string") return null;
  if (/^\/(?!\/)/.test(url)) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

function svg(tag, attrs) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function chart(data) {
  const bars = Array.isArray(data.bars) ? data.bars.slice(0, 24)
    .filter((b) => b && typeof b.value === "number" && b.value >= 0) : [];
  if (!bars.length) return null;
  const max = Math.max(...bars.map((b) => b.value)) || 1;
  const width = 280;
  const height = 120;
  const slot = width / bars.length;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height + 18}`, class: "card-chart",
    role: "img", "aria-label": bars.map((b) => `${text(b.label, 40)} ${text(b.display, 40) || b.value}`).join(", ") });
  bars.forEach((b, i) => {
    const barHeight = Math.max(2, (b.value / max) * (height - 4));
    const rect = svg("rect", { x: i * slot + slot * 0.15, y: height - barHeight, width: slot * 0.7,
      height: barHeight, rx: 3 });
    const title = svg("title", {});
    title.textContent = `${text(b.label, 40)}: ${text(b.display, 40) || b.value}`;
    rect.append(title);
    const label = svg("text", { x: i * slot + slot / 2, y: height + 13, "text-anchor": "middle" });
    label.textContent = text(b.label, 6);
    root.append(rect, label);
  });
  return root;
}

export function assistantCard(p, { onReply }) {
  const state = text(p.state, 20).replace(/[^a-z]/g, "") || "info";
  const rows = Array.isArray(p.rows) ? p.rows.slice(0, 60) : [];
  const buttons = Array.isArray(p.buttons) ? p.buttons.slice(0, 6) : [];
  const links = (Array.isArray(p.links) ? p.links.slice(0, 6) : [])
    .map((l) => ({ label: text(l && l.label, 60), href: safeHref(l && l.url) }))
    .filter((l) => l.label && l.href);
  return h("div", { class: `card card-assistant state-${state}`, dataset: { kind: "assistant.reply" } },
    h("div", { class: "card-title" }, text(p.title, 120)),
    p.subtitle ? h("div", { class: "card-sub" }, text(p.subtitle, 300)) : null,
    rows.length ? h("dl", { class: "card-rows" }, rows.map((r) => [
      h("dt", null, text(r && r.label, 120),
        r && r.detail ? h("span", { class: "row-detail" }, text(r.detail, 200)) : null),
      h("dd", null, text(r && r.value, 60))])) : null,
    p.chart && typeof p.chart === "object" ? chart(p.chart) : null,
    p.source ? h("div", { class: "card-foot" }, text(p.source, 200)) : null,
    buttons.length ? h("div", { class: "card-buttons" }, buttons.map((b) => h("button", {
      type: "button", class: `card-button ${text(b && b.style, 12) === "primary" ? "" : "secondary"}`,
      onclick: () => onReply && onReply(text(b && b.reply, 200)),
    }, text(b && b.label, 40) || "Reply"))) : null,
    links.length ? h("div", { class: "card-links" }, links.map((l) => h("a", {
      href: l.href, target: l.href.startsWith("/") ? null : "_blank", rel: "noopener noreferrer",
    }, l.label))) : null);
}
