"""Optional faster runtime for the encoder's six transformer blocks: onnxruntime.

The graph is built here, node by node, from the weights the numpy encoder already holds (which
come from the shipped safetensors): no torch, no export, no download. It is the same arithmetic as
`encoder._Layer` (tanh GELU written out op by op, LayerNorm with eps 1e-12), for one text at a
time (no padding, so no mask). onnxruntime's prepacked matrix products make a single utterance
~1.7x cheaper in CPU than numpy + OpenBLAS (docs/performance.md, NLU).

Used only when both `onnx` (to build the graph) and `onnxruntime` import; otherwise `load_blocks`
answers None and the encoder stays on numpy. Set CHATBANK_NLU_RUNTIME=numpy to force numpy.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float32]
_HEADS, _HEAD, _HIDDEN = 12, 32, 384
_GELU_CONSTANTS = {"c_cube": 0.044715, "c_one": 1.0, "c_sqrt": 0.7978845608028654, "c_half": 0.5}


class BlockWeights(Protocol):
    """What one transformer block exposes (`encoder._Layer`): transposed, q/k/v fused."""

    qkv_w: Array
    qkv_b: Array
    out_w: Array
    out_b: Array
    ln1: tuple[Array, Array]
    up_w: Array
    up_b: Array
    down_w: Array
    down_b: Array
    ln2: tuple[Array, Array]


class _Graph:
    """Accumulates ONNX nodes and initialisers."""

    def __init__(self, onnx: Any) -> None:
        self.onnx, self.nodes, self.inits = onnx, list[Any](), list[Any]()

    def const(self, name: str, value: npt.ArrayLike) -> str:
        self.inits.append(self.onnx.numpy_helper.from_array(np.asarray(value), name))
        return name

    def op(self, kind: str, inputs: Sequence[str], out: str, **attrs: Any) -> str:
        self.nodes.append(self.onnx.helper.make_node(kind, list(inputs), [out], **attrs))
        return out

    def linear(self, x: str, w: Array, b: Array, name: str) -> str:
        product = self.op("MatMul", [x, self.const(name + "_w", w)], name + "_mm")
        return self.op("Add", [product, self.const(name + "_b", b)], name)

    def layer_norm(self, x: str, weight_bias: tuple[Array, Array], name: str) -> str:
        weight, bias = weight_bias
        return self.op("LayerNormalization", [x, self.const(name + "_w", weight),
                                              self.const(name + "_b", bias)],
                       name, axis=-1, epsilon=1e-12)

    def gelu(self, u: str, p: str) -> str:
        """0.5 * u * (1 + tanh(0.79788 * u * (1 + 0.044715 * u²))), as `encoder._gelu`."""
        t = self.op("Mul", [self.op("Mul", [u, u], p + "g0"), "c_cube"], p + "g1")
        t = self.op("Mul", [self.op("Add", [t, "c_one"], p + "g2"), u], p + "g3")
        t = self.op("Tanh", [self.op("Mul", [t, "c_sqrt"], p + "g4")], p + "g5")
        t = self.op("Mul", [self.op("Add", [t, "c_one"], p + "g6"), u], p + "g7")
        return self.op("Mul", [t, "c_half"], p + "gelu")

    def attention(self, x: str, block: BlockWeights, p: str) -> str:
        qkv = self.linear(x, block.qkv_w, block.qkv_b, p + "qkv")
        self.nodes.append(self.onnx.helper.make_node(
            "Split", [qkv, "split3"], [p + "q", p + "k", p + "v"], axis=1))
        heads = {n: self.op("Reshape", [p + n, "per_head"], p + n + "h") for n in "qkv"}
        q = self.op("Transpose", [heads["q"]], p + "qt", perm=[1, 0, 2])
        k = self.op("Transpose", [heads["k"]], p + "kt", perm=[1, 2, 0])
        v = self.op("Transpose", [heads["v"]], p + "vt", perm=[1, 0, 2])
        scores = self.op("Mul", [self.op("MatMul", [q, k], p + "s0"), "scale"], p + "s")
        weights = self.op("Softmax", [scores], p + "p", axis=-1)
        context = self.op("Transpose", [self.op("MatMul", [weights, v], p + "c0")], p + "c1",
                          perm=[1, 0, 2])
        return self.op("Reshape", [context, "flat"], p + "ctx")

    def block(self, x: str, block: BlockWeights, p: str) -> str:
        attended = self.linear(self.attention(x, block, p), block.out_w, block.out_b, p + "o")
        x = self.layer_norm(self.op("Add", [attended, x], p + "r1"), block.ln1, p + "ln1")
        hidden = self.gelu(self.linear(x, block.up_w, block.up_b, p + "up"), p)
        down = self.linear(hidden, block.down_w, block.down_b, p + "down")
        return self.layer_norm(self.op("Add", [down, x], p + "r2"), block.ln2, p + "ln2")


def build_model(blocks: Sequence[BlockWeights], onnx: Any) -> bytes:
    """Serialised ONNX model: (seq, 384) embeddings after LayerNorm in, last hidden state out."""
    g = _Graph(onnx)
    g.const("split3", np.array([_HIDDEN] * 3, dtype=np.int64))
    g.const("per_head", np.array([0, _HEADS, _HEAD], dtype=np.int64))
    g.const("flat", np.array([0, _HIDDEN], dtype=np.int64))
    g.const("scale", np.float32(_HEAD**-0.5))
    for name, value in _GELU_CONSTANTS.items():
        g.const(name, np.float32(value))
    x = "x"
    for i, block in enumerate(blocks):
        x = g.block(x, block, f"l{i}_")
    helper, float_type = onnx.helper, onnx.TensorProto.FLOAT
    graph = helper.make_graph(
        g.nodes, "minilm_blocks", [helper.make_tensor_value_info("x", float_type, ["seq", 384])],
        [helper.make_tensor_value_info(x, float_type, ["seq", 384])], g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return bytes(model.SerializeToString())


class OnnxBlocks:
    """The six blocks as one onnxruntime session on one thread (callers run it concurrently)."""

    def __init__(self, blocks: Sequence[BlockWeights], onnx: Any, ort: Any) -> None:
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self._session = ort.InferenceSession(build_model(blocks, onnx), options,
                                             providers=["CPUExecutionProvider"])

    def __call__(self, x: Array) -> Array:
        """Last hidden state (seq, 384) for the embeddings `x` (seq, 384) of one text."""
        out: Array = self._session.run(None, {"x": x})[0]
        return out


def load_blocks(blocks: Sequence[BlockWeights]) -> OnnxBlocks | None:
    """An onnxruntime session for `blocks`, or None when onnx/onnxruntime are not installed."""
    if os.environ.get("CHATBANK_NLU_RUNTIME", "auto") == "numpy":
        return None
    try:
        onnx = importlib.import_module("onnx")
        ort = importlib.import_module("onnxruntime")
    except ImportError:
        return None
    return OnnxBlocks(blocks, onnx, ort)
