"""Fit the intent head: TF-IDF (word 1-2 + char_wb 2-5) ⊕ weighted MiniLM embedding → softmax LR.

Deterministic: fixed corpus order, lbfgs (no random state used), one BLAS thread. Hyper-parameters
were chosen by 5-fold stratified CV on the training data only (`cross_validate`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]

from chatbank.assistant.nlu.corpus import (
    DEFAULT_DATA_DIR,
    OUT_OF_SCOPE,
    Example,
    read_banking77_csv,
    training_corpus,
)
from chatbank.assistant.nlu.encoder import MiniLMEncoder
from chatbank.assistant.nlu.features import ANALYZERS
from chatbank.assistant.nlu.head import IntentHead

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """Head hyper-parameters (CV's pick; see docs/nlu.md)."""

    c: float = 10.0
    embedding_weight: float = 2.0
    max_iter: int = 2000


def _vectorizers() -> dict[str, TfidfVectorizer]:
    return {name: TfidfVectorizer(analyzer=fn, sublinear_tf=True, dtype=np.float32)
            for name, fn in ANALYZERS.items()}


def fit_head(examples: Sequence[Example], embeddings: Matrix, b77_labels: Sequence[str],
             config: TrainConfig = TrainConfig()) -> IntentHead:
    """Train on `examples` (row i embedded as `embeddings[i]`) and return the run-time head."""
    texts = [e.text for e in examples]
    vectorizers = _vectorizers()
    blocks = [v.fit_transform(texts) for v in vectorizers.values()]
    blocks.append(sparse.csr_matrix(embeddings * np.float32(config.embedding_weight)))
    model = LogisticRegression(C=config.c, max_iter=config.max_iter, tol=1e-4)
    model.fit(sparse.hstack(blocks, format="csr"), [e.intent for e in examples])
    labels = [str(label) for label in model.classes_]
    return IntentHead(
        labels=labels,
        banking77=[label in set(b77_labels) for label in labels],
        vocabularies={name: _ordered_vocabulary(v) for name, v in vectorizers.items()},
        idfs={name: v.idf_.astype(np.float32) for name, v in vectorizers.items()},
        coef=model.coef_.T.astype(np.float32),
        intercept=model.intercept_.astype(np.float32),
        embedding_weight=config.embedding_weight,
        oos_threshold=0.0,
    )


def _ordered_vocabulary(vectorizer: TfidfVectorizer) -> list[str]:
    vocabulary: dict[str, int] = vectorizer.vocabulary_
    ordered = [""] * len(vocabulary)
    for gram, column in vocabulary.items():
        ordered[column] = gram
    return ordered


@dataclass(frozen=True, slots=True)
class CrossValidation:
    """Out-of-fold probabilities for every example, and the label order they use."""

    labels: list[str]
    probabilities: Matrix


def cross_validate(examples: Sequence[Example], embeddings: Matrix, b77_labels: Sequence[str],
                   config: TrainConfig = TrainConfig(), folds: int = 5) -> CrossValidation:
    """Stratified k-fold (seed 0) over the whole corpus; returns out-of-fold probabilities."""
    intents = np.array([e.intent for e in examples])
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    labels = sorted(set(intents.tolist()))
    out = np.zeros((len(examples), len(labels)), dtype=np.float32)
    for train_rows, test_rows in splitter.split(np.zeros(len(intents)), intents):
        head = fit_head([examples[i] for i in train_rows], embeddings[train_rows],
                        b77_labels, config)
        probs = head.probabilities_batch([examples[i].text for i in test_rows],
                                         embeddings[test_rows])
        columns = [labels.index(label) for label in head.labels]
        out[np.ix_(test_rows, columns)] = probs
    return CrossValidation(labels, out)


def calibrate_threshold(examples: Sequence[Example], cv: CrossValidation,
                        max_false_rejection: float = 0.02) -> float:
    """The confidence below which we answer out_of_scope.

    The largest threshold (step 0.01) that turns away at most `max_false_rejection` of the
    in-scope messages the classifier gets right out of fold. Our out-of-scope set is small
    (25 templates), so we bound the harm to real requests rather than fit to it.
    """
    gold = np.array([cv.labels.index(e.intent) for e in examples])
    top = cv.probabilities.argmax(axis=1)
    confidence = cv.probabilities.max(axis=1)
    in_scope_right = (gold != cv.labels.index(OUT_OF_SCOPE)) & (top == gold)
    best = 0.0
    for threshold in np.arange(0.0, 0.9, 0.01):
        if np.mean(confidence[in_scope_right] < threshold) <= max_false_rejection:
            best = float(threshold)
    return round(best, 2)


def banking77_labels(data_dir: Path = DEFAULT_DATA_DIR) -> list[str]:
    """The 77 BANKING77 intents, from the training CSV."""
    return sorted({e.intent for e in read_banking77_csv(data_dir / "banking77" / "train.csv")})


def train_head(encoder: MiniLMEncoder, data_dir: Path = DEFAULT_DATA_DIR,
               config: TrainConfig = TrainConfig(), oos_threshold: float | None = None,
               ) -> tuple[IntentHead, dict[str, float] | None]:
    """Build the shipped head from the corpus; calibrate the threshold by CV unless given."""
    examples = training_corpus(data_dir)
    embeddings = encoder.encode([e.text for e in examples], batch_size=64)
    b77 = banking77_labels(data_dir)
    summary = None
    if oos_threshold is None:
        cv = cross_validate(examples, embeddings, b77, config)
        oos_threshold = calibrate_threshold(examples, cv)
        summary = cv_summary(examples, cv, b77) | {"oos_threshold": oos_threshold}
    head = fit_head(examples, embeddings, b77, config)
    head.oos_threshold = oos_threshold
    return head, summary


def cv_summary(examples: Sequence[Example], cv: CrossValidation, b77: Sequence[str]
               ) -> dict[str, float]:
    """CV accuracy on BANKING77 rows (ranking only BANKING77 labels) and on the other rows."""
    gold = np.array([cv.labels.index(e.intent) for e in examples])
    is_b77 = np.array([e.intent in set(b77) for e in examples])
    b77_columns = np.array([i for i, label in enumerate(cv.labels) if label in set(b77)])
    b77_top = b77_columns[cv.probabilities[is_b77][:, b77_columns].argmax(axis=1)]
    product_top = cv.probabilities[~is_b77].argmax(axis=1)
    return {
        "cv_banking77_accuracy": round(float(np.mean(b77_top == gold[is_b77])), 4),
        "cv_product_accuracy": round(float(np.mean(product_top == gold[~is_b77])), 4),
        "cv_all_accuracy": round(float(np.mean(cv.probabilities.argmax(axis=1) == gold)), 4),
    }
