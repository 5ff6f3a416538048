"""The transformer layers of multilingual-e5-small as an ONNX graph, built in memory from the packed 4-bit weights.

Each linear layer is ONNX Runtime's `MatMulNBits` (4-bit blocks of 32, zero point 8: exactly the Q4_0 format,
repacked), computed with int8 activations (`accuracy_level` 4), so nothing is dequantised to float32 and the graph
is 13 MB.  The embeddings are looked up in numpy (`E5Weights.embed`): the graph takes layer-normalised embeddings
and an additive attention mask and returns the last hidden states.  Measured against the wheel's own C engine on
one reply's passages: cosine >= 0.9999 to its vectors, 3.4x faster on one thread.
"""

from __future__ import annotations

import numpy as np

from .e5_weights import BLOCK, E5Weights

ACCURACY_LEVEL = 4  # int8 activations (AVX2/AVX-512 VNNI kernels)


def repack(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0 blocks (rows, k) -> MatMulNBits' (rows, k, 16) bytes, element 2i in the low nibble of byte i, and the
    (rows * k) scales."""
    qs = blocks["qs"]
    values = np.concatenate([qs & 0x0F, qs >> 4], axis=-1)  # the 32 weights of a block, in order
    packed = (values[..., 0::2] | (values[..., 1::2] << 4)).astype(np.uint8)
    return np.ascontiguousarray(packed), blocks["d"].astype(np.float32).reshape(-1)


def build_graph(weights: E5Weights) -> bytes:
    """The serialized ONNX model: inputs `x` (batch, tokens, hidden) and `mask` (batch, 1, 1, tokens; 0 or a large
    negative number), output `hidden` (batch, tokens, hidden)."""
    from onnx import TensorProto, helper, numpy_helper

    s = weights.shape
    head = s.hidden // s.heads
    nodes, initializers = [], []

    def const(name: str, value: np.ndarray) -> str:
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(kind: str, inputs: list[str], output: str, **attrs) -> str:
        domain = "com.microsoft" if kind in ("MatMulNBits", "Gelu") else ""
        nodes.append(helper.make_node(kind, inputs, [output], domain=domain, **attrs))
        return output

    def linear(x: str, layer: int, name: str, n_out: int, n_in: int) -> str:
        packed, scales = repack(weights.matrix(f"l{layer}.{name}.w", n_out))
        w, sc = const(f"l{layer}.{name}.w", packed), const(f"l{layer}.{name}.s", scales)
        b = const(f"l{layer}.{name}.b", weights.vector(f"l{layer}.{name}.b"))
        return op("MatMulNBits", [x, w, sc, "", "", b], f"l{layer}.{name}", K=n_in, N=n_out, bits=4,
                  block_size=BLOCK, accuracy_level=ACCURACY_LEVEL)

    def layer_norm(x: str, layer: int, name: str) -> str:
        w = const(f"l{layer}.{name}.w", weights.vector(f"l{layer}.{name}.w"))
        b = const(f"l{layer}.{name}.b", weights.vector(f"l{layer}.{name}.b"))
        return op("LayerNormalization", [x, w, b], f"l{layer}.{name}", axis=-1, epsilon=s.eps)

    const("split_heads", np.array([0, 0, s.heads, head], np.int64))
    const("join_heads", np.array([0, 0, s.hidden], np.int64))
    const("scale", np.array(1 / np.sqrt(head), np.float32))
    x = "x"
    for n in range(s.layers):
        def heads(t: str, perm: list[int]) -> str:
            return op("Transpose", [op("Reshape", [t, "split_heads"], t + ".split")], t + ".heads", perm=perm)

        q = heads(linear(x, n, "q", s.hidden, s.hidden), [0, 2, 1, 3])
        k = heads(linear(x, n, "k", s.hidden, s.hidden), [0, 2, 3, 1])
        v = heads(linear(x, n, "v", s.hidden, s.hidden), [0, 2, 1, 3])
        scores = op("Add", [op("Mul", [op("MatMul", [q, k], f"l{n}.qk"), "scale"], f"l{n}.scaled"), "mask"],
                    f"l{n}.masked")
        context = op("MatMul", [op("Softmax", [scores], f"l{n}.attn", axis=-1), v], f"l{n}.ctx")
        joined = op("Reshape", [op("Transpose", [context], f"l{n}.ctx.t", perm=[0, 2, 1, 3]), "join_heads"],
                    f"l{n}.ctx.joined")
        x = layer_norm(op("Add", [x, linear(joined, n, "ao", s.hidden, s.hidden)], f"l{n}.res1"), n, "aln")
        inner = op("Gelu", [linear(x, n, "fi", s.ffn, s.hidden)], f"l{n}.gelu")
        x = layer_norm(op("Add", [x, linear(inner, n, "fo", s.hidden, s.ffn)], f"l{n}.res2"), n, "oln")
    op("Identity", [x], "hidden")
    graph = helper.make_graph(
        nodes, "multilingual-e5-small",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "tokens", s.hidden]),
         helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", 1, 1, "tokens"])],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["batch", "tokens", s.hidden])],
        initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    return model.SerializeToString()
