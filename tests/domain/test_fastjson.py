"""The real-time path's JSON: the standard library's documents, orjson's speed."""

from __future__ import annotations

import json

import pytest

from chatbank.core import fastjson

MESSAGE = {"id": "msg_x", "seq": 7, "text": "café — 👍 \u2028 \"quoted\" <b>", "card": None,
           "deleted": False, "reactions": {"👍": ["usr_a"]}, "ratio": 0.5}


def test_a_document_reads_back_as_the_same_value_and_is_compact() -> None:
    text = fastjson.dumps(MESSAGE)
    assert json.loads(text) == MESSAGE
    assert text == json.dumps(MESSAGE, separators=(",", ":"), ensure_ascii=False)


@pytest.mark.parametrize("value", ["lone \ud800 surrogate", {"big": 2**80}])
def test_what_orjson_refuses_is_written_by_the_standard_library(value: object) -> None:
    assert fastjson.dumps(value) == json.dumps(value, separators=(",", ":"))


@pytest.mark.parametrize("text", ['{"text":"\\ud800"}', "[NaN]", "[" * 5000 + "]" * 5000,
                                  '{"a":', ""])
def test_malformed_or_unstorable_input_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        fastjson.loads(text)


def test_a_frame_parses_to_the_standard_librarys_value() -> None:
    frame = '{"type":"send","ref":"r1","text":"caf\\u00e9","seq":12}'
    assert fastjson.loads(frame) == json.loads(frame)
