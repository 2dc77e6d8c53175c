"""The conversation log as a resuming client reads it: messages are their own `message.new`
events, merged in sequence with every other event, and a message deleted for everyone comes
back without its text, its edits' texts included. (A member who joins later catches up from
when they joined: `test_messages.py`.)"""

from __future__ import annotations

from typing import Any

from tests.support.api import Api


async def events(api: Api, conversation_id: str, after_seq: int = 0,
                 limit: int = 200) -> list[dict[str, Any]]:
    found = await api.call("GET", f"/conversations/{conversation_id}/events", expect=200,
                           after_seq=after_seq, limit=limit)
    return list(found["events"])


async def test_a_message_deleted_for_everyone_catches_up_without_its_text(
        alice: Api, bob: Api) -> None:
    conv = await alice.direct_with(bob)
    secret = await alice.send(conv, "my PIN is 4921")
    await alice.call("PATCH", f"/messages/{secret['id']}", {"text": "my PIN is 4922"},
                     expect=200)
    kept = await alice.send(conv, "see you at 8")
    await alice.call("PATCH", f"/messages/{kept['id']}", {"text": "see you at 9"}, expect=200)
    await alice.call("DELETE", f"/messages/{secret['id']}", expect=204)
    log = await events(bob, conv)
    assert "PIN" not in str(log)  # ("492" alone also turns up in random ids and timestamps)
    new = {e["payload"]["id"]: e for e in log if e["kind"] == "message.new"}
    assert new[secret["id"]]["payload"]["deleted"] is True
    assert new[secret["id"]]["payload"]["text"] is None
    assert new[kept["id"]]["payload"]["text"] == "see you at 9"
    edits = {e["payload"]["message_id"]: e["payload"]["text"]
             for e in log if e["kind"] == "message.edited"}
    assert edits == {secret["id"]: None, kept["id"]: "see you at 9"}  # only its own edits


async def test_the_log_pages_forward_in_sequence_without_gaps_or_repeats(
        alice: Api, bob: Api) -> None:
    conv = await alice.direct_with(bob)
    for i in range(12):
        sent = await alice.send(conv, f"m{i}")
        if i % 3 == 0:
            await bob.call("POST", f"/messages/{sent['id']}/reactions", {"emoji": "👍"},
                           expect=204)
    everything = await events(bob, conv)
    paged: list[dict[str, Any]] = []
    cursor = 0
    while page := await events(bob, conv, after_seq=cursor, limit=5):
        paged += page
        cursor = page[-1]["seq"]
    assert paged == everything
    seqs = [e["seq"] for e in everything]
    assert seqs == list(range(1, seqs[-1] + 1))
    assert [e["payload"]["text"] for e in everything if e["kind"] == "message.new"] == [
        f"m{i}" for i in range(12)]

