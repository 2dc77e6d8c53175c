// A handle search box with a result list, shared by "new chat", "new group" and "add members".

import { api } from "../api.js";
import { avatar, fill, h } from "./dom.js";

const SEARCH_DELAY_MS = 200;

/**
 * A search field; `onPick(user)` is called when a result is chosen.
 * `exclude()` returns ids to leave out of the results.
 */
export function peoplePicker({ id, label, onPick, exclude = () => [] }) {
  const results = h("ul", { class: "people-results", id: `${id}-results`, "aria-label": "Matching people" });
  const status = h("p", { class: "picker-status", role: "status" });
  const input = h("input", { id, type: "search", autocomplete: "off", autocapitalize: "none",
    spellcheck: "false", placeholder: "Search by handle, e.g. alice" });
  let timer = null;
  let generation = 0;

  async function search() {
    const q = input.value.trim().replace(/^@/, "");
    const mine = ++generation;
    if (q.length < 1) {
      fill(results);
      status.textContent = "";
      return;
    }
    try {
      const body = await api.searchUsers(q);
      if (mine !== generation) return;
      const skip = new Set(exclude());
      const users = body.users.filter((u) => !skip.has(u.id));
      status.textContent = users.length ? "" : `Nobody found for “${q}”.`;
      fill(results, users.map((user) => h("li", null, h("button", {
        type: "button", class: "person", dataset: { handle: user.handle },
        onclick: () => onPick(user),
      }, avatar(user.initials, user.id, "sm"),
      h("span", { class: "person-text" }, h("span", { class: "person-name" }, user.display_name),
        h("span", { class: "person-handle" }, `@${user.handle}`))))));
    } catch (err) {
      if (mine === generation) status.textContent = err.userMessage || err.message;
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, SEARCH_DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      results.querySelector("button")?.click();
    }
  });
  const el = h("div", { class: "picker" }, h("label", { for: id }, label), input, status, results);
  return { el, input, refresh: search, clear: () => { input.value = ""; fill(results); } };
}
