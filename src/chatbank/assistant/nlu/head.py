"""The trained intent head as stored on disk (`artefacts/intent_head.npz`) and run at inference."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from chatbank.assistant.nlu.errors import NluError
from chatbank.assistant.nlu.features import ANALYZERS, TfidfSpace

Matrix = npt.NDArray[np.float32]
HEAD_PATH = Path(__file__).parent / "artefacts" / "intent_head.npz"


@dataclass
class IntentHead:
    """Linear softmax head over [TF-IDF word | TF-IDF char | weight * MiniLM embedding]."""

    labels: list[str]
    banking77: list[bool]
    vocabularies: dict[str, list[str]]
    idfs: dict[str, Matrix]
    coef: Matrix  # (n_features, n_labels)
    intercept: Matrix
    embedding_weight: float
    oos_threshold: float

    def __post_init__(self) -> None:
        self._spaces: list[tuple[TfidfSpace, int]] = []
        offset = 0
        for name in ANALYZERS:
            vocabulary = {gram: i for i, gram in enumerate(self.vocabularies[name])}
            self._spaces.append((TfidfSpace(ANALYZERS[name], vocabulary, self.idfs[name]),
                                 offset))
            offset += len(vocabulary)
        self._embedding_offset = offset

    def logits(self, text: str, embedding: Matrix) -> Matrix:
        """Unnormalised scores for every label."""
        scores = self.intercept.copy()
        for space, offset in self._spaces:
            columns, values = space.transform(text)
            if len(columns):
                scores += values @ self.coef[columns + offset]
        embedded = self.coef[self._embedding_offset :]
        scores += (embedding * np.float32(self.embedding_weight)) @ embedded
        return scores

    def probabilities_batch(self, texts: Sequence[str], embeddings: Matrix) -> Matrix:
        """Softmax probabilities over all labels, one row per text."""
        logits = np.stack([self.logits(t, e) for t, e in zip(texts, embeddings, strict=True)])
        return softmax(logits)

    def save(self, path: Path = HEAD_PATH) -> None:
        """Write the head as a compressed npz (fp16 weights; no pickled objects)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, npt.NDArray[Any]] = {
            "labels": np.array(self.labels), "banking77": np.array(self.banking77),
            "coef": self.coef.astype(np.float16), "intercept": self.intercept,
            "embedding_weight": np.array(self.embedding_weight, dtype=np.float32),
            "oos_threshold": np.array(self.oos_threshold, dtype=np.float32),
        }
        for name in ANALYZERS:
            arrays[f"vocab_{name}"] = np.array(self.vocabularies[name])
            arrays[f"idf_{name}"] = self.idfs[name]
        with path.open("wb") as handle:
            np.savez_compressed(handle, allow_pickle=False, **arrays)

    @classmethod
    def load(cls, path: Path = HEAD_PATH) -> IntentHead:
        """Read a head written by `save`."""
        if not path.is_file():
            raise NluError("model_missing", f"No intent head at {path}; run `chatbank nlu train`.")
        with np.load(path, allow_pickle=False) as data:
            return cls(
                labels=[str(x) for x in data["labels"]],
                banking77=[bool(x) for x in data["banking77"]],
                vocabularies={n: [str(x) for x in data[f"vocab_{n}"]] for n in ANALYZERS},
                idfs={n: data[f"idf_{n}"].astype(np.float32) for n in ANALYZERS},
                coef=data["coef"].astype(np.float32),
                intercept=data["intercept"].astype(np.float32),
                embedding_weight=float(data["embedding_weight"]),
                oos_threshold=round(float(data["oos_threshold"]), 4),
            )


def softmax(logits: Matrix) -> Matrix:
    """Row-wise softmax."""
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return (shifted / shifted.sum(axis=-1, keepdims=True)).astype(np.float32)  # type: ignore[no-any-return]
