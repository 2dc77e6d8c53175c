"""Audit entries: cleaned reasons, the hash chain rule, and plain-words rendering (pure)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chatbank.core.errors import InvalidInput
from chatbank.privacy.audit import (
    GENESIS_HASH,
    AuditAction,
    AuditEntry,
    AuditRecord,
    ChainVerifier,
    canonical_json,
    chain_entry,
    clean_reason,
)
from chatbank.privacy.policy import Decision
from chatbank.privacy.purposes import DataClass, Purpose
from chatbank.privacy.wording import describe_entry

AT = datetime(2026, 11, 25, 14, 2, 7, 123456, tzinfo=UTC)


def read_record(reason: str = "how much do I have?", allowed: bool = True) -> AuditRecord:
    decision = Decision(True) if allowed else Decision(False, "purpose_not_granted", "no")
    return AuditRecord.for_read("usr_a", "assistant", Purpose.ANSWER_ACCOUNT_QUESTIONS,
                                "northbank", DataClass.BALANCES, decision, reason)


@pytest.mark.parametrize("text, expected", [
    ("how much do I have?", "how much do I have?"),
    ("send £20.50 to Sam for pizza", "send … to Sam for pizza"),
    ("pay 12-34-56 12345678 now", "pay … now"),
    ("token eyJhbGciOiJIUzI1NiJ9abcdefghijkl here", "token … here"),
    ("  lots   of\nspace ", "lots of space"),
])
def test_reasons_keep_words_but_never_numbers_or_tokens(text: str, expected: str) -> None:
    assert clean_reason(text) == expected


def test_long_reasons_are_truncated() -> None:
    cleaned = clean_reason("why " * 60)
    assert len(cleaned) <= 80 and cleaned.endswith("…")


def test_an_actor_name_must_be_a_known_shape() -> None:
    with pytest.raises(InvalidInput) as raised:
        AuditRecord("usr_a", "Robert'); DROP TABLE", AuditAction.READ)
    assert raised.value.code == "invalid_actor"
    assert AuditRecord("usr_a", "channel:whatsapp", AuditAction.DISCLOSURE_TO_CHANNEL).actor
    with pytest.raises(InvalidInput) as too_long:
        AuditRecord("usr_a", "connect", AuditAction.LINK_CREATED, bank="b" * 65)
    assert too_long.value.code == "invalid_audit_record"


def test_the_hash_is_sha256_of_canonical_content_plus_the_previous_hash() -> None:
    entry = chain_entry(read_record(), 1, AT, GENESIS_HASH)
    content = entry.content()
    assert "hash" not in content and content["at"] == "2026-11-25T14:02:07.123456Z"
    expected = hashlib.sha256((canonical_json(content) + GENESIS_HASH).encode()).hexdigest()
    assert entry.hash == expected and entry.prev_hash == GENESIS_HASH
    second = chain_entry(read_record(), 2, AT, entry.hash)
    assert second.prev_hash == entry.hash and second.hash != entry.hash


def test_the_verifier_accepts_a_chain_and_names_the_first_broken_entry() -> None:
    entries, prev = [], GENESIS_HASH
    for seq in range(1, 6):
        entry = chain_entry(read_record(), seq, AT, prev)
        entries.append(entry)
        prev = entry.hash
    good = ChainVerifier()
    assert all(good.feed(e) for e in entries)
    assert good.finish(5, prev).ok
    skipped = ChainVerifier()
    assert not all(skipped.feed(e) for e in entries[:2] + entries[3:])
    assert skipped.finish(5, prev).first_bad_seq == 3
    truncated = ChainVerifier()
    assert all(truncated.feed(e) for e in entries[:4])
    assert truncated.finish(5, prev).first_bad_seq == 5


def test_an_allowed_read_reads_as_a_sentence() -> None:
    entry = chain_entry(read_record(), 1, AT, GENESIS_HASH)
    assert describe_entry(entry) == (
        "Assistant read your balances at Northbank to answer 'how much do I have?' "
        "— 14:02, 25 Nov 2026")


def test_a_refused_read_says_why() -> None:
    entry = chain_entry(read_record(allowed=False), 1, AT, GENESIS_HASH)
    text = describe_entry(entry, bank_name=lambda _bank: "North Bank")
    assert text.startswith("Assistant was stopped from reading your balances at North Bank: "
                           "you had not allowed that purpose")


@pytest.mark.parametrize("record, words", [
    (AuditRecord("usr_a", "connect", AuditAction.LINK_CREATED,
                 Purpose.SPENDING_INSIGHTS, "eastbank"), "You linked Eastbank (you agreed:"),
    (AuditRecord("usr_a", "connect", AuditAction.LINK_REVOKED, bank="eastbank"),
     "Your link to Eastbank was revoked"),
    (AuditRecord("usr_a", "payments", AuditAction.PAYMENT_INITIATED,
                 Purpose.MAKE_PAYMENTS_I_ASK_FOR, "eastbank", DataClass.PAYMENTS,
                 reason="send £20 to Sam"), "Payments started a payment from your Eastbank"),
    (AuditRecord("usr_a", "channel:whatsapp", AuditAction.DISCLOSURE_TO_CHANNEL,
                 bank="eastbank", data_class=DataClass.BALANCES),
     "Your balances from Eastbank were shown in WhatsApp"),
    (AuditRecord("usr_a", "privacy-centre", AuditAction.DATA_EXPORTED),
     "You exported a copy of your data"),
    (AuditRecord("usr_a", "connect", AuditAction.TOKEN_REFRESHED, bank="eastbank"),
     "chatbank renewed its access to Eastbank"),
])
def test_every_action_has_plain_words(record: AuditRecord, words: str) -> None:
    text = describe_entry(chain_entry(record, 1, AT, GENESIS_HASH))
    assert text.startswith(words) and "£" not in text and "20" not in text.split("—")[0]


def test_every_action_renders() -> None:
    for action in AuditAction:
        entry = chain_entry(AuditRecord("usr_a", "connect", action, bank="northbank"), 1, AT,
                            GENESIS_HASH)
        assert describe_entry(entry).endswith("— 14:02, 25 Nov 2026")


def _chain(length: int) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    prev = GENESIS_HASH
    for seq in range(1, length + 1):
        entries.append(chain_entry(read_record(f"question {seq}"), seq, AT, prev))
        prev = entries[-1].hash
    return entries


def _verify(entries: list[AuditEntry], head: AuditEntry) -> tuple[bool, int | None]:
    verifier = ChainVerifier()
    for entry in entries:
        if not verifier.feed(entry):
            break
    result = verifier.finish(head.seq, head.hash)
    return result.ok, result.first_bad_seq


_FIELDS = ["seq", "user_id", "actor", "action", "purpose", "bank", "data_class", "result",
           "code", "reason", "prev_hash"]


@given(length=st.integers(2, 12), data=st.data())
def test_any_single_change_delete_or_swap_is_caught_at_or_before_that_entry(
        length: int, data: st.DataObject) -> None:
    entries = _chain(length)
    head = entries[-1]
    index = data.draw(st.integers(0, length - 1))
    how = data.draw(st.sampled_from(["change", "delete", "swap"]))
    tampered = list(entries)
    if how == "change":
        name = data.draw(st.sampled_from(_FIELDS))
        value = (entries[index].seq + 100) if name == "seq" else "tampered"
        tampered[index] = replace(entries[index], **{name: value})
    elif how == "delete":
        del tampered[index]
    else:
        other = data.draw(st.integers(0, length - 1).filter(lambda n: n != index))
        tampered[index], tampered[other] = tampered[other], tampered[index]
        index = min(index, other)
    assert _verify(entries, head) == (True, None)
    ok, first_bad = _verify(tampered, head)
    assert not ok and first_bad == index + 1
