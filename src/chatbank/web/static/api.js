// REST client for the platform API. Cookie session + X-CSRF-Token on every unsafe request.

const BASE = "/api/v1";
let csrfToken = null;

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }

  /** A sentence for the user: the API's message plus per-field problems, if any. */
  get userMessage() {
    const fields = Array.isArray(this.details.fields) ? this.details.fields : [];
    const extra = fields.map((f) => `${f.field || "field"}: ${f.problem}`).join("; ");
    return extra ? `${this.message} (${extra})` : this.message;
  }
}

export function setCsrfToken(token) {
  csrfToken = token;
}

export async function request(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  let response;
  try {
    response = await fetch(BASE + path, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, "network_error", "Cannot reach chatbank. Check your connection.");
  }
  const text = await response.text();
  let parsed = null;
  if (text) {
    try { parsed = JSON.parse(text); } catch { parsed = null; }
  }
  if (!response.ok) {
    const error = (parsed && parsed.error) || {};
    throw new ApiError(response.status, error.code || "http_error",
      error.message || `The server answered ${response.status}.`, error.details);
  }
  return parsed;
}

const enc = encodeURIComponent;

export const api = {
  signUp: (handle, display_name, password) =>
    request("POST", "/auth/signup", { handle, display_name, password, issue_token: false }),
  logIn: (handle, password) => request("POST", "/auth/login", { handle, password, issue_token: false }),
  logOut: () => request("POST", "/auth/logout"),
  me: () => request("GET", "/me"),
  searchUsers: (q) => request("GET", `/users/search?q=${enc(q)}`),
  userByHandle: (handle) => request("GET", `/users/by-handle/${enc(handle)}`),
  conversations: () => request("GET", "/conversations"),
  conversation: (id) => request("GET", `/conversations/${enc(id)}`),
  openDirect: (user_id) => request("POST", "/conversations/direct", { user_id }),
  createGroup: (title, member_ids) => request("POST", "/conversations/group", { title, member_ids }),
  rename: (id, title) => request("PATCH", `/conversations/${enc(id)}`, { title }),
  addMembers: (id, user_ids) => request("POST", `/conversations/${enc(id)}/members`, { user_ids }),
  removeMember: (id, userId) =>
    request("DELETE", `/conversations/${enc(id)}/members/${enc(userId)}`),
  setRole: (id, userId, role) =>
    request("PATCH", `/conversations/${enc(id)}/members/${enc(userId)}`, { role }),
  leave: (id) => request("POST", `/conversations/${enc(id)}/leave`),
  messages: (id, beforeSeq, limit = 50) => {
    const before = beforeSeq == null ? "" : `&before_seq=${beforeSeq}`;
    return request("GET", `/conversations/${enc(id)}/messages?limit=${limit}${before}`);
  },
  send: (id, message) => request("POST", `/conversations/${enc(id)}/messages`, message),
  read: (id, seq) => request("POST", `/conversations/${enc(id)}/read`, { seq }),
  edit: (messageId, text) => request("PATCH", `/messages/${enc(messageId)}`, { text }),
  remove: (messageId) => request("DELETE", `/messages/${enc(messageId)}`),
  react: (messageId, emoji) => request("POST", `/messages/${enc(messageId)}/reactions`, { emoji }),
  authorisePayment: (paymentId, bankId) => request("POST", `/payments/${enc(paymentId)}/authorise`,
    bankId ? { bank_id: bankId } : {}),
  paymentVerb: (paymentId, verb) => request("POST", `/payments/${enc(paymentId)}/${verb}`),
  unreact: (messageId, emoji) =>
    request("DELETE", `/messages/${enc(messageId)}/reactions/${enc(emoji)}`),
  // Payments in chats (docs/payments.md).
  pay: (body) => request("POST", "/payments", body),
  requestMoney: (body) => request("POST", "/payments/requests", body),
  receivingAccount: () => request("GET", "/payments/receiving-account"),
  receivingOptions: () => request("GET", "/payments/receiving-account/options"),
  setReceiving: (link_id, account_id) =>
    request("PUT", "/payments/receiving-account", { link_id, account_id }),
  // Bank links and the privacy centre.
  adSlot: () => request("GET", "/ads/slot"),
  banks: () => request("GET", "/banks"),
  links: () => request("GET", "/links"),
  startLink: (bank_id, purposes) => request("POST", "/links", { bank_id, purposes }),
  revokeLink: (linkId) => request("DELETE", `/links/${enc(linkId)}`),
  accessLog: (before, limit = 20) =>
    request("GET", `/privacy/access-log?limit=${limit}${before ? `&before=${before}` : ""}`),
  exportData: () => request("GET", "/privacy/export"),
  revokeAll: () => request("POST", "/privacy/revoke-all"),
  deleteAccount: (password) => request("POST", "/privacy/delete-account", { password }),
  channelSettings: () => request("GET", "/privacy/channels"),
  setChannelSettings: (masked_amounts) => request("PUT", "/privacy/channels", { masked_amounts }),
  unlinkChat: (channel, externalId) =>
    request("DELETE", `/privacy/channels/${enc(channel)}/${enc(externalId)}`),
};
