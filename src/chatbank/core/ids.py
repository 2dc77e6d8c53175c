"""Opaque, prefixed, URL-safe identifiers (`usr_…`, `cnv_…`)."""

from __future__ import annotations

import secrets


def new_id(prefix: str) -> str:
    """Return a fresh random identifier such as ``usr_3q2x…`` (128 bits of entropy)."""
    return f"{prefix}_{secrets.token_urlsafe(16)}"


def new_secret_token() -> str:
    """Return a bearer secret (256 bits), for sessions and API tokens."""
    return secrets.token_urlsafe(32)
