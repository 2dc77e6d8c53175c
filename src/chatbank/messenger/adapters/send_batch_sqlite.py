"""A whole group-commit batch of sends in about seven SQLite statements, not six per message.

`post_in_transaction` runs six statements per message. In the writer thread every call into
`sqlite3`, and every row fetched, releases and retakes the GIL; while the event loop runs
Python, retaking it waits, so each statement is a hand-over with the event loop. Here the batch
is one `BEGIN IMMEDIATE` transaction (its reads see exactly what it writes on) and each step is
one statement for the whole batch: the members and sequence numbers of every conversation in one
row of JSON, the client-id lookups in one query, the blocks between direct-chat members in one
query, every conversation's sequence bump in one UPDATE, and the messages in one multi-row
INSERT (a message is its own `message.new` event: see `Messages.events_since`). The rules, their
order and the error codes are those of `post_in_transaction`, which remains the path for
retrying a failed batch one request at a time.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from chatbank.core import fastjson
from chatbank.core.errors import ChatbankError
from chatbank.core.ids import new_sortable_id
from chatbank.messenger.adapters.send_path import (
    PostOutcome,
    PostRequest,
    Renderer,
    blocked_error,
    client_id_reused,
    not_member,
    render_outcome,
    reply_target_gone,
    same_content,
)
from chatbank.messenger.adapters.send_statements_sqlite import (
    INSERT_MESSAGE_PREFIX,
    MESSAGE_ROW,
    SqliteSendStatements,
    message_from_row,
    sqlite_timestamp,
)
from chatbank.messenger.model import ConversationKind, Message

Key = tuple[str, str, str]  # conversation, sender, client id
Result = PostOutcome | ChatbankError

# One row, one GIL hand-over, however many members: [[conversation, kind, last seq, user], …]
_MEMBERS = ("SELECT json_group_array(json_array(c.id, c.kind, c.last_seq, m.user_id))"
            " FROM conversations c JOIN members m ON m.conversation_id = c.id"
            " WHERE m.left_seq IS NULL AND c.id IN ({})")
# CROSS JOIN keeps the keys as the outer loop: one unique-index probe per key, never a scan
# of `messages` (which `(a, b, c) IN (VALUES …)` gave).
_EXISTING = ("SELECT m.conversation_id, m.sender_id, m.client_id, m.id, m.seq, m.text,"
             " m.card_kind, m.card_payload, m.reply_to_id, m.created_at, m.edited_at,"
             " m.deleted_at FROM (VALUES {}) k CROSS JOIN messages m"
             " ON m.conversation_id = k.column1 AND m.sender_id = k.column2"
             " AND m.client_id = k.column3")
_BLOCKS = ("SELECT blocker_id, blocked_id FROM blocks"
           " WHERE blocker_id IN ({0}) AND blocked_id IN ({0})")
# {conversation id: messages in the batch} as one JSON parameter.
_BUMP = ("UPDATE conversations SET last_seq = last_seq + j.value, last_activity_at = ?"
         " FROM json_each(?) AS j WHERE conversations.id = j.key")


def _marks(count: int) -> str:
    return ",".join("?" * count)


@lru_cache(maxsize=64)
def _insert_messages(rows: int) -> str:
    return INSERT_MESSAGE_PREFIX + ",".join([MESSAGE_ROW] * rows)


@dataclass(slots=True)
class _Reads:
    """What the batch's checks need, read once for the whole batch."""

    kinds: dict[str, str]
    last_seq: dict[str, int]
    members: dict[str, list[str]]
    blocks: set[tuple[str, str]]
    existing: dict[Key, Message]


def _read(cursor: sqlite3.Cursor, requests: list[PostRequest]) -> _Reads:
    conversations = list({r.conversation_id for r in requests})
    kinds: dict[str, str] = {}
    last_seq: dict[str, int] = {}
    members: dict[str, list[str]] = {}
    (found,) = cursor.execute(_MEMBERS.format(_marks(len(conversations))),
                              conversations).fetchone()
    for conversation_id, kind, seq, user_id in fastjson.loads(found):
        kinds[conversation_id] = kind
        last_seq[conversation_id] = seq
        members.setdefault(conversation_id, []).append(user_id)
    keys = list({(r.conversation_id, r.sender_id, r.client_id) for r in requests})
    existing = {(row[0], row[1], row[2]): message_from_row(row[0], row[1], row[2], row[3:])
                for row in cursor.execute(_EXISTING.format(",".join(["(?,?,?)"] * len(keys))),
                                          [value for key in keys for value in key])}
    direct_users = list({user for conversation_id, kind in kinds.items()
                         if kind == ConversationKind.DIRECT.value
                         for user in members[conversation_id]})
    blocks: set[tuple[str, str]] = set()
    if direct_users:
        marks = _marks(len(direct_users))
        blocks = {(a, b) for a, b in cursor.execute(_BLOCKS.format(marks),
                                                    direct_users + direct_users)}
    return _Reads(kinds, last_seq, members, blocks, existing)


def _check(cursor: sqlite3.Cursor, reads: _Reads, req: PostRequest) -> Message | None:
    """Raise the request's coded error, return the message it already sent, or None (new)."""
    recipients = reads.members.get(req.conversation_id, [])
    if req.sender_id not in recipients:
        raise not_member()
    existing = reads.existing.get((req.conversation_id, req.sender_id, req.client_id))
    if existing is not None:
        if not same_content(existing, req):
            raise client_id_reused()
        return existing
    if reads.kinds[req.conversation_id] == ConversationKind.DIRECT.value and any(
            (req.sender_id, other) in reads.blocks or (other, req.sender_id) in reads.blocks
            for other in recipients if other != req.sender_id):
        raise blocked_error()
    if req.reply_to_id is not None and SqliteSendStatements(cursor).conversation_of(
            req.reply_to_id) != req.conversation_id:
        raise reply_target_gone()
    return None


def post_batch(cursor: sqlite3.Cursor, requests: list[PostRequest], now: datetime,
               render: Renderer) -> list[Result]:
    """Store the batch's new messages (in request order within each conversation) and answer
    every request: its outcome, or the coded error it alone fails with (nothing written for it).
    """
    reads = _read(cursor, requests)
    results: list[Result | None] = []
    new: list[int] = []  # indexes of the requests that create a message
    first: dict[Key, int] = {}  # a retry inside the batch answers with the first one's message
    for index, req in enumerate(requests):
        key = (req.conversation_id, req.sender_id, req.client_id)
        try:
            if key in first:
                if not _same_request(requests[first[key]], req):
                    raise client_id_reused()
                results.append(None)
                continue
            existing = _check(cursor, reads, req)
        except ChatbankError as refused:
            results.append(refused)
            continue
        if existing is not None:
            results.append(render_outcome(existing, False, reads.members[req.conversation_id],
                                          render))
        else:
            first[key] = index
            new.append(index)
            results.append(None)
    created = _insert(cursor, [requests[i] for i in new], reads, now, render)
    by_index = dict(zip(new, created, strict=True))
    return [result if result is not None else _answer(requests, index, first, by_index)
            for index, result in enumerate(results)]


def _same_request(a: PostRequest, b: PostRequest) -> bool:
    """Whether two sends with the same client id carry the same content."""
    return (a.text, a.card_kind, a.card_payload, a.reply_to_id) == (
        b.text, b.card_kind, b.card_payload, b.reply_to_id)


def _answer(requests: list[PostRequest], index: int, first: dict[Key, int],
            created: dict[int, PostOutcome]) -> PostOutcome:
    req = requests[index]
    original = first[(req.conversation_id, req.sender_id, req.client_id)]
    outcome = created[original]
    if original == index:
        return outcome
    return PostOutcome(outcome.message, False, outcome.recipients, outcome.wire,
                       outcome.wire_json)


def _insert(cursor: sqlite3.Cursor, requests: list[PostRequest], reads: _Reads, now: datetime,
            render: Renderer) -> list[PostOutcome]:
    """Allocate each conversation's sequence numbers in one UPDATE and insert all the rows.

    The sequence numbers follow `last_seq` as read in this transaction, which holds the write
    lock from its start (`BEGIN IMMEDIATE`), so nobody else can have moved it since.
    """
    if not requests:
        return []
    stamp = sqlite_timestamp(now)
    counts: dict[str, int] = {}
    for req in requests:
        counts[req.conversation_id] = counts.get(req.conversation_id, 0) + 1
    cursor.execute(_BUMP, (stamp, fastjson.dumps(counts)))
    next_seq = {conversation_id: reads.last_seq[conversation_id] + 1 for conversation_id in counts}
    outcomes: list[PostOutcome] = []
    message_rows: list[object] = []
    for req in requests:
        seq = next_seq[req.conversation_id]
        next_seq[req.conversation_id] = seq + 1
        message = Message(new_sortable_id("msg"), req.conversation_id, seq, req.sender_id,
                          req.client_id, req.text, req.card_kind, req.card_payload,
                          req.reply_to_id, now, None, None)
        outcome = render_outcome(message, True, reads.members[req.conversation_id], render)
        outcomes.append(outcome)
        card = json.dumps(req.card_payload) if req.card_payload is not None else None
        message_rows += (message.id, req.conversation_id, seq, req.sender_id, req.client_id,
                         req.text, req.card_kind, card, req.reply_to_id, stamp)
    cursor.execute(_insert_messages(len(requests)), message_rows)
    return outcomes
