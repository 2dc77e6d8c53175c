// Log in / sign up. Errors show the API's own message (it says what to do).

import { api } from "../api.js";
import { h, icon } from "./dom.js";

function field(id, label, attrs, hint) {
  return h("div", { class: "field" },
    h("label", { for: id }, label),
    h("input", { id, name: id.replace(/^auth-/, ""), required: true, ...attrs }),
    hint ? h("p", { class: "field-hint", id: `${id}-hint` }, hint) : null);
}

/** Render the auth screen into `root`; `onSession(body)` gets the API's {user, csrf_token}. */
export function renderLogin(root, onSession) {
  let mode = "login";
  const error = h("p", { class: "form-error", role: "alert", id: "auth-error", hidden: true });
  const nameField = field("auth-display-name", "Your name", { autocomplete: "name", maxlength: 64 });
  const handleField = field("auth-handle", "Handle", {
    autocomplete: "username", autocapitalize: "none", spellcheck: "false", maxlength: 32,
    "aria-describedby": "auth-handle-hint",
  }, "3–32 characters: letters, digits and _, starting with a letter.");
  const passwordField = field("auth-password", "Password", {
    type: "password", autocomplete: "current-password", minlength: 1 });
  const submit = h("button", { type: "submit", class: "button primary wide", id: "auth-submit" });
  const loginTab = h("button", { type: "button", role: "tab", id: "tab-login", class: "tab" }, "Log in");
  const signupTab = h("button", { type: "button", role: "tab", id: "tab-signup", class: "tab" }, "Sign up");
  const form = h("form", { class: "auth-form", novalidate: true },
    h("div", { class: "tabs", role: "tablist", "aria-label": "Log in or sign up" }, loginTab, signupTab),
    handleField, nameField, passwordField, error, submit);

  function setMode(next) {
    mode = next;
    loginTab.setAttribute("aria-selected", String(mode === "login"));
    signupTab.setAttribute("aria-selected", String(mode === "signup"));
    nameField.hidden = mode === "login";
    nameField.querySelector("input").required = mode === "signup";
    handleField.querySelector(".field-hint").hidden = mode === "login";
    passwordField.querySelector("input").autocomplete =
      mode === "login" ? "current-password" : "new-password";
    submit.textContent = mode === "login" ? "Log in" : "Create account";
    error.hidden = true;
  }

  loginTab.addEventListener("click", () => setMode("login"));
  signupTab.addEventListener("click", () => setMode("signup"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const handle = form.querySelector("#auth-handle").value.trim();
    const password = form.querySelector("#auth-password").value;
    const name = form.querySelector("#auth-display-name").value.trim();
    error.hidden = true;
    submit.disabled = true;
    try {
      const body = mode === "login" ? await api.logIn(handle, password)
        : await api.signUp(handle, name, password);
      onSession(body);
    } catch (err) {
      error.textContent = err.userMessage || err.message;
      error.hidden = false;
      submit.disabled = false;
    }
  });

  root.replaceChildren(h("main", { class: "auth-screen" },
    h("section", { class: "auth-card", "aria-labelledby": "auth-title" },
      h("div", { class: "brand" }, h("span", { class: "brand-mark" }, icon("lock")),
        h("h1", { id: "auth-title" }, "chatbank")),
      h("p", { class: "auth-tagline" },
        "Chat with friends. Bank with your bank. Your money data never leaves it without your consent."),
      form)));
  setMode(mode);
  form.querySelector("#auth-handle").focus();
}
