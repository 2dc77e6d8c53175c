"""Which of the user's contacts (or a chat's members) a message names."""

from __future__ import annotations

import re


def _where_named(text: str, name: str, whole: bool) -> int | None:
    words = name.lower().split()
    wanted = " ".join(words) if whole else (words[0] if words else "")
    found = re.search(rf"\b{re.escape(wanted)}\b", f" {text.lower()} ") if wanted else None
    return found.start() if found else None


def contact_named_in(text: str, contacts: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The contact whose full or first name the text mentions (full names win)."""
    for whole in (True, False):
        for user_id, name in contacts:
            if _where_named(text, name, whole) is not None:
                return user_id, name
    return None


def contacts_named_in(text: str, contacts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Every contact the text names ("ask Ana and Ben …"), in the order they are named; a
    first name shared by several contacts counts once (the first, as `contact_named_in`)."""
    found: dict[int, tuple[str, str]] = {}
    for whole in (True, False):
        for user_id, name in contacts:
            at = _where_named(text, name, whole)
            if at is not None and at not in found and all(
                    user_id != other for other, _ in found.values()):
                found[at] = (user_id, name)
    return [found[at] for at in sorted(found)]
