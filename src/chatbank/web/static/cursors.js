// Per-conversation cursors: the last event seq seen without gaps, kept in memory and in
// localStorage so a reload or reconnect resumes exactly where the client left off.

function storageKey(userId) {
  return `chatbank.cursors.${userId}`;
}

export class CursorBook {
  constructor() {
    this.userId = null;
    this.entries = new Map(); // conversation id -> {cursor, ahead:Set of seqs seen past a gap}
  }

  load(userId) {
    this.userId = userId;
    this.entries.clear();
    if (!userId) return;
    let stored = {};
    try {
      stored = JSON.parse(localStorage.getItem(storageKey(userId)) || "{}");
    } catch { /* unreadable: start without */ }
    for (const [id, seq] of Object.entries(stored)) {
      if (Number.isInteger(seq) && seq >= 0) this.entries.set(id, { cursor: seq, ahead: new Set() });
    }
  }

  save(knownIds) {
    if (!this.userId) return;
    try {
      localStorage.setItem(storageKey(this.userId), JSON.stringify(this.snapshot(knownIds)));
    } catch { /* storage full or disabled: cursors stay in memory */ }
  }

  saveSoon(knownIds) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(knownIds), 300);
  }

  /** {conversation id: cursor} for the `resume` frame (only conversations still listed). */
  snapshot(knownIds) {
    const out = {};
    for (const [id, entry] of this.entries) if (knownIds.has(id)) out[id] = entry.cursor;
    return out;
  }

  has(id) {
    return this.entries.has(id);
  }

  /** Start tracking a conversation whose history up to `seq` is fetched over REST. */
  start(id, seq) {
    if (!this.entries.has(id)) this.entries.set(id, { cursor: seq, ahead: new Set() });
  }

  forget(id) {
    this.entries.delete(id);
  }

  /**
   * True the first time an event seq is seen. Seqs can arrive out of order around a resume
   * (a live event may overtake the catch-up), so seqs past a gap are remembered until the
   * gap fills and the cursor moves over them.
   */
  markSeen(id, seq) {
    let entry = this.entries.get(id);
    if (!entry) {
      entry = { cursor: Math.max(0, seq - 1), ahead: new Set() };
      this.entries.set(id, entry);
    }
    if (seq <= entry.cursor || entry.ahead.has(seq)) return false;
    entry.ahead.add(seq);
    while (entry.ahead.has(entry.cursor + 1)) {
      entry.cursor += 1;
      entry.ahead.delete(entry.cursor);
    }
    return true;
  }
}
