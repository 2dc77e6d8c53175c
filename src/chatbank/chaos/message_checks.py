"""The messaging invariants: every acknowledged message reaches every member exactly once,
in sequence order, and a client id never makes two messages.

Pure functions of what the senders were told and what each member's sockets received.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

from chatbank.chaos.report import Anomaly


@dataclass(frozen=True)
class Sent:
    """One answer to `POST …/messages` (a retry with the same client id is another Sent)."""

    conversation_id: str
    sender_id: str
    client_id: str
    message_id: str
    seq: int


@dataclass(frozen=True)
class Delivered:
    """One event frame a member's socket received."""

    conversation_id: str
    seq: int
    kind: str
    message_id: str | None = None
    client_id: str | None = None
    sender_id: str | None = None


@dataclass
class MessageHistory:
    """Members per conversation, every send answer, and each member's received frames."""

    members: dict[str, list[str]] = field(default_factory=dict)  # conversation → user ids
    sent: list[Sent] = field(default_factory=list)
    received: dict[str, list[Delivered]] = field(default_factory=dict)  # user id → frames
    start_seq: dict[str, int] = field(default_factory=dict)  # conversation → seq before sends
    last_seq: dict[str, int] = field(default_factory=dict)  # conversation → seq at the end


def same_answer_per_client_id(history: MessageHistory) -> list[Anomaly]:
    """Retries with one client id always name the same message and sequence number."""
    answers: dict[tuple[str, str], set[tuple[str, int]]] = defaultdict(set)
    for s in history.sent:
        answers[(s.sender_id, s.client_id)].add((s.message_id, s.seq))
    return [Anomaly("same_answer_per_client_id", f"{client}: {sorted(seen)}")
            for (_, client), seen in answers.items() if len(seen) > 1]


def in_order_without_gaps(history: MessageHistory) -> list[Anomaly]:
    """Each member sees each conversation's events once each, in order, with no gap."""
    found: list[Anomaly] = []
    for user, frames in history.received.items():
        by_conversation: dict[str, list[int]] = defaultdict(list)
        for frame in frames:
            by_conversation[frame.conversation_id].append(frame.seq)
        for conversation, seqs in by_conversation.items():
            first = history.start_seq.get(conversation, 0) + 1
            expected = list(range(first, history.last_seq.get(conversation, 0) + 1))
            if seqs != expected:
                found.append(Anomaly("in_order_without_gaps", f"{user} in {conversation}: "
                                     f"{_difference(seqs, expected)}"))
    return found


def _difference(seen: list[int], expected: list[int]) -> str:
    duplicates = sorted(seq for seq, n in Counter(seen).items() if n > 1)
    missing = sorted(set(expected) - set(seen))
    disorder = next((f"{a} before {b}" for a, b in pairwise(seen)
                     if b <= a and a not in duplicates), None)
    return f"duplicates {duplicates[:10]}, missing {missing[:10]}, order {disorder}"


def acknowledged_delivered_once(history: MessageHistory) -> list[Anomaly]:
    """Every acknowledged message arrives exactly once at every member, at its seq."""
    found: list[Anomaly] = []
    acknowledged = {s.message_id: s for s in history.sent}
    for user, frames in history.received.items():
        got = Counter((f.message_id, f.seq) for f in frames if f.kind == "message.new")
        for message_id, sent in acknowledged.items():
            if user not in history.members.get(sent.conversation_id, []):
                continue
            count = got[(message_id, sent.seq)]
            if count != 1:
                found.append(Anomaly("acknowledged_delivered_once",
                                     f"{message_id} (seq {sent.seq}) reached {user} "
                                     f"{count} times"))
    return found


def one_message_per_client_id(history: MessageHistory) -> list[Anomaly]:
    """No client id made two messages (a retry never duplicates)."""
    made: dict[tuple[str | None, str | None], set[str | None]] = defaultdict(set)
    for frames in history.received.values():
        for f in frames:
            if f.kind == "message.new":
                made[(f.sender_id, f.client_id)].add(f.message_id)
    return [Anomaly("one_message_per_client_id", f"{client}: messages {sorted(map(str, ids))}")
            for (_, client), ids in made.items() if len(ids) > 1]


def check_messages(history: MessageHistory) -> tuple[list[str], list[Anomaly]]:
    """Run every messaging check; returns their names and every anomaly."""
    checks = (same_answer_per_client_id, in_order_without_gaps, acknowledged_delivered_once,
              one_message_per_client_id)
    return [c.__name__ for c in checks], [a for c in checks for a in c(history)]
