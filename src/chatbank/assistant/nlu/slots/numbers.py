"""Numbers written as words ("twenty five", "a hundred and fifty") and their values."""

from __future__ import annotations

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
NUMBER_WORDS = tuple(sorted([*_UNITS, *_SCALES], key=len, reverse=True))
# A run of number words such as "a hundred and twenty-five"; needs at least one real number word.
WORD_NUMBER_PATTERN = (
    r"(?:(?:an?\s+)?(?:{w})(?:(?:\s+and\s+|[\s-]+)(?:{w}))*)".format(w="|".join(NUMBER_WORDS))
)


def word_number_value(text: str) -> int | None:
    """Value of a run of English number words, or None if it is not one."""
    words = text.lower().replace("-", " ").split()
    total, current, seen = 0, 0, False
    for word in words:
        if word in ("a", "an", "and"):
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in _SCALES:
            total += max(current, 1) * _SCALES[word]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None
