"""The audit log's entries and their hash chain (pure: no I/O).

Every entry carries the hash of the one before it, and its own hash is
``sha256(canonical_json(entry_without_hash) + prev_hash)``, so changing, deleting or reordering
any stored entry breaks the chain from that entry on. Reasons are short plain words (the user's
question, cleaned): never amounts, tokens or account numbers.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from chatbank.core.errors import InvalidInput
from chatbank.privacy.policy import Decision
from chatbank.privacy.purposes import DataClass, Purpose

GENESIS_HASH = "0" * 64
MAX_REASON_CHARS = 80
_ACTOR = re.compile(r"^[a-z][a-z-]{0,30}(:[a-z0-9-]{1,30})?$")
# Anything that looks like an amount, a date, a sort code or an account number.
_NUMBERS = re.compile(r"(?:[£$€¥]\s?)?\d(?:[\d,.:/ -]*\d)?")
# Long unbroken runs look like tokens, IBANs or card numbers.
_TOKENISH = re.compile(r"\S{20,}")


class AuditAction(StrEnum):
    """What happened."""

    READ = "read"
    PAYMENT_INITIATED = "payment_initiated"
    PAYMENT_REQUESTED = "payment_requested"
    PAYMENT_AUTHORISED = "payment_authorised"
    PAYMENT_COMPLETED = "payment_completed"
    PAYMENT_REJECTED = "payment_rejected"
    PAYMENT_CANCELLED = "payment_cancelled"
    PAYMENT_EXPIRED = "payment_expired"  # nobody paid or authorised it in time (the sweeper)
    PAYMENT_DECLINED = "payment_declined"
    LINK_STARTED = "link_started"
    LINK_CREATED = "link_created"
    LINK_FAILED = "link_failed"
    LINK_RECONFIRMED = "link_reconfirmed"
    TOKEN_REFRESHED = "token_refreshed"  # noqa: S105 (an action name, not a secret)
    LINK_REVOKED = "link_revoked"
    DATA_EXPORTED = "data_exported"
    ACCOUNT_DELETED = "account_deleted"
    DISCLOSURE_TO_CHANNEL = "disclosure_to_channel"
    CARD_CHANGED = "card_changed"


def parse_action(name: str) -> AuditAction:
    """The audit action called `name`; raises `unknown_audit_action` otherwise."""
    try:
        return AuditAction(name)
    except ValueError:
        raise InvalidInput("unknown_audit_action",
                           f"{name[:40]!r} is not an audited action.") from None


def clean_reason(text: str) -> str:
    """Short plain words for the log: numbers and token-like strings removed, truncated."""
    cleaned = _TOKENISH.sub("…", _NUMBERS.sub("…", " ".join(text.split())))
    if len(cleaned) > MAX_REASON_CHARS:
        cleaned = cleaned[: MAX_REASON_CHARS - 1].rstrip() + "…"
    return cleaned


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """What a caller asks to be logged; the log adds the sequence number, time and hashes."""

    user_id: str
    actor: str  # "assistant", "payments", "privacy-centre", "connect", "channel:whatsapp"
    action: AuditAction
    purpose: Purpose | None = None
    bank: str | None = None
    data_class: DataClass | None = None
    allowed: bool = True
    code: str | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        if not _ACTOR.match(self.actor):
            raise InvalidInput("invalid_actor", f"{self.actor[:40]!r} is not an audit actor name.")
        if any(value is not None and len(value) > limit
               for value, limit in ((self.user_id, 40), (self.bank, 64), (self.code, 40))):
            raise InvalidInput("invalid_audit_record",
                               "user ids and codes are at most 40 characters, bank names 64.")
        object.__setattr__(self, "reason", clean_reason(self.reason))

    @classmethod
    def for_read(cls, user_id: str, actor: str, purpose: Purpose, bank: str,
                 data_class: DataClass, decision: Decision, reason: str = "") -> AuditRecord:
        """The entry for a policy-checked read, allowed or refused."""
        return cls(user_id, actor, AuditAction.READ, purpose, bank, data_class,
                   decision.allowed, decision.code, reason)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One stored, chained entry."""

    seq: int
    at: datetime
    user_id: str
    actor: str
    action: str
    purpose: str | None
    bank: str | None
    data_class: str | None
    result: str  # "allowed" | "refused"
    code: str | None
    reason: str
    prev_hash: str
    hash: str

    @property
    def allowed(self) -> bool:
        return self.result == "allowed"

    def content(self) -> dict[str, Any]:
        """Every field except `hash`, with the time in canonical UTC form."""
        fields = asdict(self)
        del fields["hash"]
        fields["at"] = canonical_time(self.at)
        return fields


def canonical_time(moment: datetime) -> str:
    """UTC, microsecond precision, fixed format: the same string on SQLite and PostgreSQL."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(fields: Mapping[str, Any]) -> str:
    """Sorted keys, no whitespace, UTF-8 text: one byte string per entry content."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(content: Mapping[str, Any], prev_hash: str) -> str:
    """``sha256(canonical_json(content) + prev_hash)`` as lower-case hex."""
    return hashlib.sha256((canonical_json(content) + prev_hash).encode()).hexdigest()


def chain_entry(record: AuditRecord, seq: int, at: datetime, prev_hash: str) -> AuditEntry:
    """The entry that follows `prev_hash` at position `seq`, with its hash computed."""
    unhashed = AuditEntry(
        seq=seq, at=at, user_id=record.user_id, actor=record.actor, action=record.action.value,
        purpose=record.purpose.value if record.purpose else None, bank=record.bank,
        data_class=record.data_class.value if record.data_class else None,
        result="allowed" if record.allowed else "refused", code=record.code,
        reason=record.reason, prev_hash=prev_hash, hash="",
    )
    return _with_hash(unhashed)


def _with_hash(entry: AuditEntry) -> AuditEntry:
    fields = asdict(entry)
    fields["hash"] = entry_hash(entry.content(), entry.prev_hash)
    return AuditEntry(**fields)


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The outcome of walking the chain; `first_bad_seq` is where it first breaks."""

    ok: bool
    entries_checked: int
    first_bad_seq: int | None = None
    problem: str | None = None
    head_hash: str = GENESIS_HASH  # publish this elsewhere to anchor the chain


class ChainVerifier:
    """Checks entries fed in sequence order; stops at the first broken one."""

    def __init__(self) -> None:
        self.expected_seq = 1
        self.prev_hash = GENESIS_HASH
        self.checked = 0
        self.failure: VerifyResult | None = None

    def feed(self, entry: AuditEntry) -> bool:
        """Check one entry; returns False (and records why) once the chain is broken."""
        if entry.seq != self.expected_seq:
            return self._fail(self.expected_seq, f"entry {self.expected_seq} is missing")
        if entry.prev_hash != self.prev_hash:
            return self._fail(entry.seq, f"entry {entry.seq} does not follow the one before")
        if entry_hash(entry.content(), entry.prev_hash) != entry.hash:
            return self._fail(entry.seq, f"entry {entry.seq} was changed after it was written")
        self.checked += 1
        self.expected_seq += 1
        self.prev_hash = entry.hash
        return True

    def _fail(self, seq: int, problem: str) -> bool:
        self.failure = VerifyResult(False, self.checked, seq, problem, self.prev_hash)
        return False

    def finish(self, head_seq: int, head_hash: str) -> VerifyResult:
        """The result, given the chain head the log recorded with its last append."""
        if self.failure is not None:
            return self.failure
        if self.expected_seq - 1 != head_seq:
            self._fail(self.expected_seq, f"entries after {self.expected_seq - 1} are missing")
        elif self.prev_hash != head_hash:
            self._fail(head_seq, f"entry {head_seq} does not match the recorded chain head")
        return self.failure or VerifyResult(True, self.checked, None, None, self.prev_hash)
