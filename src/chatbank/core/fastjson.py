"""Compact JSON for the real-time path: orjson where it can, the standard library where it cannot.

Each chat message is parsed once and encoded a few times between the sender's socket and the
members' sockets; the standard `json` module was about a tenth of the server's CPU per message
(docs/performance.md). Output is the same document as `json.dumps(value, separators=(",", ":"))`
except that non-ASCII characters are written as UTF-8 rather than `\\u` escapes.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps(value: Any) -> str:
    """`value` as compact JSON text."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # lone surrogates, integers beyond 64 bits: json still writes them
        return json.dumps(value, separators=(",", ":"))


def loads(text: str | bytes) -> Any:
    """The JSON document in `text`; `ValueError` if it is malformed, nested too deep, has a lone
    surrogate escape or a NaN (none of which a chat frame needs)."""
    return orjson.loads(text)
