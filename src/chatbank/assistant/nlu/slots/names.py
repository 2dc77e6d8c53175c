"""Fuzzy and first-name matching of people and merchants against caller-supplied candidates.

The NLU never invents counterparties: it only ranks names the caller already knows (contacts,
saved payees, merchants seen in the user's transactions) and says when the choice is ambiguous.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

_AMBIGUITY_GAP = 0.2
_MIN_SCORE = 0.6
_MIN_SIMILARITY = 0.75  # string similarity below this is no fuzzy match at all
_STOP = frozenset({
    "a", "an", "the", "my", "me", "to", "for", "from", "and", "of", "on", "in", "at", "i", "pay",
    "send", "how", "much", "did", "spend", "what", "is", "it", "back", "money", "please", "you",
})


@dataclass(frozen=True, slots=True)
class NameMatch:
    """Best candidate for a name, how sure we are, and whether another one is nearly as good."""

    name: str | None
    confidence: float
    ambiguous: bool
    ranked: tuple[tuple[str, float], ...]
    span: tuple[int, int] | None = None


@functools.lru_cache(maxsize=8192)
def normalise_name(text: str) -> str:
    """Lower case, accents and punctuation removed, single spaces ("Zoë O'Neil" → "zoe oneil")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = plain.replace("&", " and ").replace("'", "").replace("’", "")
    return " ".join(re.sub(r"[^\w\s]", " ", plain).split())


def name_score(query: str, candidate: str) -> float:
    """How well `query` names `candidate`, from 0 to 1 (both are normalised first)."""
    q, c = normalise_name(query), normalise_name(candidate)
    if not q or not c:
        return 0.0
    if q == c:
        return 1.0
    tokens = c.split()
    if q == tokens[0]:
        return 0.9
    if q in tokens or (len(q.split()) > 1 and f" {q} " in f" {c} "):
        return 0.85
    if len(q) >= 3 and any(t.startswith(q) for t in tokens):
        return 0.75
    fuzzy = max(_similarity(q, c), *(_similarity(q, t) for t in tokens))
    return round(0.8 * fuzzy, 3) if fuzzy >= _MIN_SIMILARITY else 0.0


def _similarity(a: str, b: str) -> float:
    """difflib's ratio, or 0 when its cheap upper bound already rules out `_MIN_SIMILARITY`."""
    matcher = SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < _MIN_SIMILARITY or matcher.quick_ratio() < _MIN_SIMILARITY:
        return 0.0
    return matcher.ratio()


def match_name(query: str, candidates: Sequence[str]) -> NameMatch:
    """Rank `candidates` for `query`, e.g. `match_name("sam", ["Sam Smith", "Samantha Jones"])`.

    `ambiguous` is True when a second candidate scores within 0.2 of the best one.
    """
    scored = sorted(((c, name_score(query, c)) for c in candidates), key=lambda x: -x[1])
    ranked = tuple((c, s) for c, s in scored if s >= _MIN_SCORE)
    if not ranked:
        return NameMatch(None, 0.0, False, ())
    ambiguous = len(ranked) > 1 and ranked[0][1] - ranked[1][1] < _AMBIGUITY_GAP
    return NameMatch(ranked[0][0], ranked[0][1], ambiguous, ranked)


def _phrase_matches(text: str, candidates: Sequence[str], max_words: int) -> list[NameMatch]:
    words = [(m.group(), m.start(), m.end()) for m in re.finditer(r"[\w'&’.-]+", text)]
    found: list[NameMatch] = []
    for i in range(len(words)):
        for j in range(i + 1, min(i + max_words, len(words)) + 1):
            if all(normalise_name(w[0]) in _STOP for w in words[i:j]):
                continue
            match = match_name(text[words[i][1] : words[j - 1][2]], candidates)
            if match.name is not None:
                found.append(NameMatch(match.name, match.confidence, match.ambiguous,
                                       match.ranked, (words[i][1], words[j - 1][2])))
    return found


def find_name(text: str, candidates: Sequence[str], max_words: int = 3) -> NameMatch | None:
    """The best candidate named anywhere in `text` (any run of up to `max_words` words)."""
    named = find_names(text, candidates, max_words)
    return named[0] if named else None


def find_names(text: str, candidates: Sequence[str], max_words: int = 3) -> list[NameMatch]:
    """Every distinct candidate named in `text` ("split it with sam and alex"), best first."""
    chosen: list[NameMatch] = []
    for match in sorted(_phrase_matches(text, candidates, max_words),
                        key=lambda m: (-m.confidence, m.span)):
        assert match.span is not None
        overlaps = any(c.span is not None and match.span[0] < c.span[1]
                       and c.span[0] < match.span[1] for c in chosen)
        if not overlaps and all(c.name != match.name for c in chosen):
            chosen.append(match)
    return chosen
