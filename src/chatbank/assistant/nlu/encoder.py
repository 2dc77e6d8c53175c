"""all-MiniLM-L6-v2 sentence embeddings in plain numpy (no torch).

A BERT forward pass: 6 layers, hidden 384, 12 heads, GELU, post-LayerNorm; then mean pooling over
real tokens and L2 normalisation, as sentence-transformers does for this model. The weights are
read from the safetensors file that `encoder_fetch` extracts at set-up time.

One text at a time (what a chat turn needs) runs the six blocks on onnxruntime when it is
installed (`encoder_onnx`, same arithmetic, ~1.7x less CPU), else on numpy without a mask (one
text has no padding). Batches always run on numpy with a padding mask.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

from chatbank.assistant.nlu.encoder_onnx import OnnxBlocks, load_blocks

Array = npt.NDArray[np.float32]

_LAYERS = 6
_HEADS = 12
_HIDDEN = 384
_MAX_TOKENS = 128
_EPS = 1e-12
_DTYPES = {"F32": np.float32, "F16": np.float16}


def read_safetensors(path: Path) -> dict[str, Array]:
    """Read every float tensor of a safetensors file as float32 arrays."""
    raw = path.read_bytes()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_len])
    body = memoryview(raw)[8 + header_len :]
    tensors: dict[str, Array] = {}
    for name, meta in header.items():
        if name == "__metadata__" or meta["dtype"] not in _DTYPES:
            continue
        start, end = meta["data_offsets"]
        values = np.frombuffer(body[start:end], dtype=_DTYPES[meta["dtype"]])
        tensors[name] = values.astype(np.float32).reshape(meta["shape"])
    return tensors


def _layer_norm(x: Array, weight: Array, bias: Array) -> Array:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=-1, keepdims=True)
    return (centred / np.sqrt(var + _EPS)) * weight + bias  # type: ignore[no-any-return]


def _gelu(x: Array) -> Array:
    # tanh form of GELU: within 1e-3 of the erf form, and a third of its cost in numpy.
    inner = x * x
    inner *= np.float32(0.044715)
    inner += np.float32(1.0)
    inner *= x
    inner *= np.float32(0.7978845608028654)
    np.tanh(inner, out=inner)
    inner += np.float32(1.0)
    inner *= x
    inner *= np.float32(0.5)
    return inner


class _Layer:
    """One transformer block with pre-transposed, fused weights."""

    def __init__(self, t: dict[str, Array], i: int) -> None:
        p = f"encoder.layer.{i}."
        att = p + "attention.self."
        self.qkv_w = np.concatenate(
            [t[att + n + ".weight"].T for n in ("query", "key", "value")], axis=1
        )
        self.qkv_b = np.concatenate([t[att + n + ".bias"] for n in ("query", "key", "value")])
        self.out_w = np.ascontiguousarray(t[p + "attention.output.dense.weight"].T)
        self.out_b = t[p + "attention.output.dense.bias"]
        self.ln1 = (t[p + "attention.output.LayerNorm.weight"],
                    t[p + "attention.output.LayerNorm.bias"])
        self.up_w = np.ascontiguousarray(t[p + "intermediate.dense.weight"].T)
        self.up_b = t[p + "intermediate.dense.bias"]
        self.down_w = np.ascontiguousarray(t[p + "output.dense.weight"].T)
        self.down_b = t[p + "output.dense.bias"]
        self.ln2 = (t[p + "output.LayerNorm.weight"], t[p + "output.LayerNorm.bias"])

    def __call__(self, x: Array, key_bias: Array | None, batch: int = 1) -> Array:
        """Apply the block to `x` of shape (batch * seq, hidden); no `key_bias`: no padding."""
        seq = x.shape[0] // batch
        head = _HIDDEN // _HEADS
        qkv = x @ self.qkv_w + self.qkv_b
        qkv = qkv.reshape(batch, seq, 3, _HEADS, head).transpose(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        scores = (q @ k.transpose(0, 1, 3, 2)) * np.float32(head**-0.5)
        if key_bias is not None:
            scores += key_bias
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * seq, _HIDDEN)
        x = _layer_norm(context @ self.out_w + self.out_b + x, *self.ln1)
        hidden = _gelu(x @ self.up_w + self.up_b)
        return _layer_norm(hidden @ self.down_w + self.down_b + x, *self.ln2)


class MiniLMEncoder:
    """Sentence encoder: text in, unit-length 384-d float32 vectors out."""

    dimension = _HIDDEN

    def __init__(self, weights: dict[str, Array], tokenizer: Tokenizer,
                 onnx: bool = True) -> None:
        self._tokenizer = tokenizer
        # The shipped tokenizer.json pads everything to 128 tokens; we pad per batch instead.
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(_MAX_TOKENS)
        self._word = weights["embeddings.word_embeddings.weight"]
        self._position = weights["embeddings.position_embeddings.weight"]
        self._token_type = weights["embeddings.token_type_embeddings.weight"][0]
        self._ln = (weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])
        self._layers = [_Layer(weights, i) for i in range(_LAYERS)]
        self._blocks: OnnxBlocks | None = load_blocks(self._layers) if onnx else None

    @property
    def runtime(self) -> str:
        """What runs a single text's transformer blocks: "onnxruntime" or "numpy"."""
        return "numpy" if self._blocks is None else "onnxruntime"

    @classmethod
    def from_directory(cls, directory: Path, onnx: bool = True) -> MiniLMEncoder:
        """Load `model.safetensors` and `tokenizer.json` from `directory`."""
        weights = read_safetensors(directory / "model.safetensors")
        return cls(weights, Tokenizer.from_file(str(directory / "tokenizer.json")), onnx)

    def encode(self, texts: list[str], batch_size: int = 32) -> Array:
        """Embed `texts`; batches are formed from similar lengths to keep padding small."""
        if len(texts) == 1:
            return self._encode_one(self._tokenizer.encode(texts[0]).ids)[None, :]
        encodings = self._tokenizer.encode_batch(texts)
        ids = [e.ids for e in encodings]
        out = np.zeros((len(texts), _HIDDEN), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            out[chunk] = self._encode_ids([ids[i] for i in chunk])
        return out

    def _embed(self, token_ids: npt.NDArray[np.int64], seq: int) -> Array:
        x = self._word[token_ids] + self._position[:seq] + self._token_type
        return _layer_norm(x.reshape(-1, _HIDDEN), *self._ln)

    def _encode_one(self, ids: list[int]) -> Array:
        x = self._embed(np.array(ids, dtype=np.int64), len(ids))
        if self._blocks is not None:
            x = self._blocks(x)
        else:
            for layer in self._layers:
                x = layer(x, None)
        pooled = x.mean(axis=0)
        return pooled / np.maximum(np.linalg.norm(pooled), np.float32(1e-12))  # type: ignore[no-any-return]

    def _encode_ids(self, batch_ids: list[list[int]]) -> Array:
        seq = max(len(ids) for ids in batch_ids)
        token_ids = np.zeros((len(batch_ids), seq), dtype=np.int64)
        mask = np.zeros((len(batch_ids), seq), dtype=np.float32)
        for row, ids in enumerate(batch_ids):
            token_ids[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1.0
        x = self._embed(token_ids, seq)
        key_bias = ((1.0 - mask) * np.float32(-1e4))[:, None, None, :]
        for layer in self._layers:
            x = layer(x, key_bias, len(batch_ids))
        hidden = x.reshape(len(batch_ids), seq, _HIDDEN)
        pooled = (hidden * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)  # type: ignore[no-any-return]
