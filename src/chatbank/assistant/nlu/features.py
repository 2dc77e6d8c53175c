"""TF-IDF features shared by training (through scikit-learn) and inference (plain numpy).

The analyzers are ours, so training and run time cut text into exactly the same n-grams; at run
time we only need each vocabulary and its idf weights, not a pickled vectorizer.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

_WORD = re.compile(r"(?u)\b\w\w+\b")

Analyzer = Callable[[str], list[str]]


def word_ngrams(text: str) -> list[str]:
    """Lower-cased word unigrams and bigrams (tokens of two or more word characters)."""
    words = _WORD.findall(text.lower())
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def char_ngrams(text: str) -> list[str]:
    """Character 2- to 5-grams inside word boundaries, each word padded with one space a side."""
    grams: list[str] = []
    for word in text.lower().split():
        padded = f" {word} "
        for size in range(2, 6):
            grams.extend(padded[i : i + size] for i in range(len(padded) - size + 1))
    return grams


ANALYZERS: dict[str, Analyzer] = {"word": word_ngrams, "char": char_ngrams}


class TfidfSpace:
    """One TF-IDF space: sublinear term frequency times idf, L2-normalised (as scikit-learn)."""

    def __init__(self, analyzer: Analyzer, vocabulary: dict[str, int],
                 idf: npt.NDArray[np.float32]) -> None:
        self._analyzer = analyzer
        self._vocabulary = vocabulary
        self._idf = idf

    def transform(self, text: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """Sparse features of `text` as (column indices, values)."""
        counts = Counter(self._analyzer(text))
        pairs = [(self._vocabulary[g], n) for g, n in counts.items() if g in self._vocabulary]
        if not pairs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        columns = np.array([c for c, _ in pairs], dtype=np.int64)
        tf = np.array([1.0 + math.log(n) for _, n in pairs], dtype=np.float32)
        values = tf * self._idf[columns]
        return columns, (values / np.linalg.norm(values)).astype(np.float32)
