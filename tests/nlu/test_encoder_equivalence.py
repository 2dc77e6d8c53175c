"""The encoder's fast paths give the embeddings, labels and confidences of the original code.

`_reference_embeddings` is the numpy forward pass as it was before the single-text fast path and
the onnxruntime blocks (batched, padding mask, scale after q·k): kept here, not in src, so that
any later speed-up is checked against the same arithmetic. The shared data has no BANKING77 test
split, so the check runs on every template and every 20th BANKING77 training utterance
(docs/performance.md records a one-off run over all 10,003).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt
import pytest
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from chatbank.assistant.nlu.corpus import DEFAULT_DATA_DIR, read_banking77_csv, read_templates
from chatbank.assistant.nlu.encoder import MiniLMEncoder, read_safetensors
from chatbank.assistant.nlu.encoder_fetch import DEFAULT_ENCODER_DIR
from chatbank.assistant.nlu.head import HEAD_PATH, IntentHead, softmax
from tests.nlu.test_everyday_phrasings import PHRASINGS

Array = npt.NDArray[np.float32]
Weights = dict[str, Array]
ONNX = importlib.util.find_spec("onnxruntime") is not None and importlib.util.find_spec("onnx")
RUNTIMES = ["numpy", pytest.param("onnxruntime", marks=pytest.mark.skipif(
    not ONNX, reason="onnx/onnxruntime not installed"))]


def _ln(x: Array, w: Array, b: Array) -> Array:
    centred = x - x.mean(axis=-1, keepdims=True)
    var = (centred * centred).mean(axis=-1, keepdims=True)
    return (centred / np.sqrt(var + 1e-12)) * w + b  # type: ignore[no-any-return]


def _gelu(x: Array) -> Array:
    return x * 0.5 * (1.0 + np.tanh(0.7978845608028654 * (x + 0.044715 * x**3)))  # type: ignore[no-any-return]


def _block(t: Weights, i: int, x: Array, key_bias: Array) -> Array:
    p, batch = f"encoder.layer.{i}.", key_bias.shape[0]
    seq = x.shape[0] // batch

    def dense(name: str, v: Array) -> Array:
        return v @ t[p + name + ".weight"].T + t[p + name + ".bias"]  # type: ignore[no-any-return]

    q, k, v = (dense(f"attention.self.{n}", x).reshape(batch, seq, 12, 32).transpose(0, 2, 1, 3)
               for n in ("query", "key", "value"))
    scores = (q @ k.transpose(0, 1, 3, 2)) / np.sqrt(np.float32(32)) + key_bias
    scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
    scores /= scores.sum(axis=-1, keepdims=True)
    context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * seq, 384)
    x = _ln(dense("attention.output.dense", context) + x,
            t[p + "attention.output.LayerNorm.weight"], t[p + "attention.output.LayerNorm.bias"])
    hidden = _gelu(dense("intermediate.dense", x))
    return _ln(dense("output.dense", hidden) + x, t[p + "output.LayerNorm.weight"],
               t[p + "output.LayerNorm.bias"])


def _reference_embeddings(t: Weights, ids: Sequence[list[int]]) -> Array:
    """The original forward pass over one padded batch."""
    seq = max(len(row) for row in ids)
    token_ids = np.zeros((len(ids), seq), dtype=np.int64)
    mask = np.zeros((len(ids), seq), dtype=np.float32)
    for r, row in enumerate(ids):
        token_ids[r, : len(row)], mask[r, : len(row)] = row, 1.0
    x = (t["embeddings.word_embeddings.weight"][token_ids]
         + t["embeddings.position_embeddings.weight"][:seq]
         + t["embeddings.token_type_embeddings.weight"][0])
    x = _ln(x.reshape(-1, 384), t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"])
    key_bias = ((1.0 - mask) * np.float32(-1e4))[:, None, None, :]
    for i in range(6):
        x = _block(t, i, x, key_bias)
    hidden = x.reshape(len(ids), seq, 384)
    pooled = (hidden * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def weights() -> Iterator[Weights]:
    with threadpool_limits(limits=1, user_api="blas"):  # as load_nlu: extra threads only spin
        yield read_safetensors(DEFAULT_ENCODER_DIR / "model.safetensors")


@pytest.fixture(scope="module")
def encoders(weights: Weights) -> dict[str, MiniLMEncoder]:
    numpy_only = MiniLMEncoder.from_directory(DEFAULT_ENCODER_DIR, onnx=False)
    found = {"numpy": numpy_only}
    if ONNX:
        found["onnxruntime"] = MiniLMEncoder.from_directory(DEFAULT_ENCODER_DIR)
    return found


def reference(encoder: MiniLMEncoder, weights: Weights, texts: Sequence[str]) -> Array:
    ids = [e.ids for e in encoder._tokenizer.encode_batch(list(texts))]
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    out = np.zeros((len(texts), 384), dtype=np.float32)
    for start in range(0, len(order), 32):
        chunk = order[start : start + 32]
        out[chunk] = _reference_embeddings(weights, [ids[i] for i in chunk])
    return out


CORPORA = {  # every template, in two halves (each test stays well inside pytest's timeout)
    "templates_even": lambda: [e.text for e in read_templates()][::2],
    "templates_odd": lambda: [e.text for e in read_templates()][1::2],
    "banking77": lambda: [e.text for e in read_banking77_csv(
        DEFAULT_DATA_DIR / "banking77" / "train.csv")][::20],
}


def test_the_runtime_is_onnxruntime_exactly_when_it_is_installed(
        encoders: dict[str, MiniLMEncoder]) -> None:
    assert encoders["numpy"].runtime == "numpy"
    assert ("onnxruntime" in encoders) == bool(ONNX)
    if ONNX:
        assert encoders["onnxruntime"].runtime == "onnxruntime"


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("corpus", list(CORPORA))
def test_one_text_at_a_time_matches_the_reference(encoders: dict[str, MiniLMEncoder],
                                                   weights: Weights, runtime: str,
                                                   corpus: str) -> None:
    texts = CORPORA[corpus]()
    expected = reference(encoders["numpy"], weights, texts)
    got = np.stack([encoders[runtime].encode([text])[0] for text in texts])
    assert got.dtype == np.float32 and got.shape == expected.shape
    cosines = (got * expected).sum(axis=1)
    assert cosines.min() >= 0.9999, texts[int(cosines.argmin())]


def test_batches_match_the_reference(encoders: dict[str, MiniLMEncoder],
                                     weights: Weights) -> None:
    texts = [*CORPORA["banking77"]()[:300], "hi", "ok", "a much longer message " * 20]
    got = encoders["numpy"].encode(texts, batch_size=16)
    assert got.dtype == np.float32
    assert (got * reference(encoders["numpy"], weights, texts)).sum(axis=1).min() >= 0.9999


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_held_out_labels_and_confidences_are_unchanged(encoders: dict[str, MiniLMEncoder],
                                                      weights: Weights, runtime: str) -> None:
    head = IntentHead.load(HEAD_PATH)
    texts = [text for text, _ in PHRASINGS]
    expected = reference(encoders[runtime], weights, texts)
    for text, ref in zip(texts, expected, strict=True):
        want = softmax(head.logits(text, ref)[None, :])[0]
        got = softmax(head.logits(text, encoders[runtime].encode([text])[0])[None, :])[0]
        assert int(got.argmax()) == int(want.argmax()), text
        assert np.abs(got - want).max() < 1e-3, text
