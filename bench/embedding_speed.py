"""Ingest embedding throughput: the product's backend against the previous recipe, interleaved, plus the peak.

Usage: HF_HUB_OFFLINE=1 .venv/bin/python bench/embedding_speed.py [--runs 3] [--sweep]

- "before": the previous onnx-int8 recipe (export version 1, kept here only as a baseline): torch.onnx export
  of the SDPA attention graph, unfused; dynamic int8 of the weight MatMuls except the FFN down-projections;
  length-sorted batches of 32 padded to their longest text. Exported once into bench/out/cache/.
- "after": the product's default backend (``load_embedder`` with the settings' backend) as the indexer
  calls it (``embed_passages``), one text per run.
Both embed the passage texts of the benchmark index (what the indexer embeds), split into ``runs`` interleaved
parts; each part is embedded by both, in alternating order, so the machine's load hits both alike. Reported:
passages/s and tokens/s (wall clock and per CPU second of this process: the latter moves far less with the
load of other processes), the after/before ratio per part (median), cosine to torch fp32 on every passage.

``--sweep`` adds the product's fused model run with length-sorted batches (1, 8, 32 texts; token budgets) to
show what the batching choice is worth on the machine at hand.

Peak: MACs per token of the model from its configuration (12 layers x (4 H^2 + 2 H FF) + attention 2 L H),
and a microbenchmark of onnxruntime's int8 MatMul (DynamicQuantizeMatMul, the op the quantised model runs)
and fp32 MatMul at the model's shapes, on this CPU, with the session settings of the product; the "int8 peak"
is tokens/s if every MAC of the model ran at the microbenchmark's int8 rate.
Writes bench/out/embedding_speed.json.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

import common  # first party-ish: sets HF_HUB_OFFLINE and sys.path before any Hugging Face import
import numpy as np

BASELINE_DIR = common.CACHE / "embedding-baseline-v1"


# ---------------------------------------------------------------------------------------------- the baseline


def baseline_model(model_dir: Path) -> Path:
    """The export-version-1 int8 model (unfused SDPA graph), built once into bench/out/cache."""
    import warnings

    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    out = BASELINE_DIR / "model.onnx"
    if out.is_file():
        return out
    BASELINE_DIR.mkdir(parents=True, exist_ok=True)
    raw = BASELINE_DIR / "fp32.onnx"
    transformer = AutoModel.from_pretrained(str(model_dir)).eval()

    class Pooled(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    dummy = torch.ones(2, 16, dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Pooled(transformer),
            (dummy, dummy),
            str(raw),
            input_names=["input_ids", "attention_mask"],
            output_names=["sentence_embedding"],
            opset_version=17,
            dynamo=False,
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "sentence_embedding": {0: "batch"}},
        )
    graph = onnx.load(str(raw), load_external_data=False).graph
    weights = {i.name for i in graph.initializer}
    keep = [
        n.name
        for n in graph.node
        if n.op_type == "MatMul"
        and (
            not any(i in weights for i in n.input)
            or (n.name.endswith("/output/dense/MatMul") and "/attention/" not in n.name)
        )
    ]
    tmp = BASELINE_DIR / "model.tmp.onnx"
    quantize_dynamic(
        str(raw),
        str(tmp),
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=["MatMul", "Gather"],
        nodes_to_exclude=keep,
    )
    os.replace(tmp, out)
    raw.unlink()
    return out


def session(path: Path, spinning: bool = True) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if not spinning:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def run_batched(sess: Any, encodings: list[Any], batch: int = 32, budget: int | None = None) -> np.ndarray:
    """Length-sorted batches padded to their longest text (the previous recipe), or by token budget."""
    lengths = np.array([len(e.ids) for e in encodings])
    order = np.argsort(-lengths, kind="stable")
    out = np.zeros((len(encodings), 384), dtype=np.float32)
    start = 0
    while start < len(order):
        width = int(lengths[order[start]])
        n = max(1, budget // width) if budget else batch
        idx = order[start : start + n]
        start += n
        ids = np.ones((len(idx), width), dtype=np.int64)  # <pad> = 1
        mask = np.zeros((len(idx), width), dtype=np.int64)
        for row, i in enumerate(idx):
            ids[row, : lengths[i]] = encodings[i].ids
            mask[row, : lengths[i]] = 1
        out[idx] = sess.run(None, {"input_ids": ids, "attention_mask": mask})[0]
    return out / np.linalg.norm(out, axis=1, keepdims=True)


# ---------------------------------------------------------------------------------------------- peak


def model_macs_per_token(config: Any, mean_tokens: float) -> dict[str, float]:
    h, ff, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    linear = layers * (4 * h * h + 2 * h * ff)
    ffn_down = layers * h * ff
    attention = layers * 2 * mean_tokens * h
    return {"linear": linear, "ffn_down_fp32": ffn_down, "attention_fp32": attention}


def matmul_rates(tokens: int = 256, repeats: int = 30) -> dict[str, float]:
    """GMAC/s of onnxruntime's dynamic int8 MatMul and fp32 MatMul at [tokens x 384] x [384 x 1536]."""
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    k, n = 384, 1536
    a = rng.normal(size=(tokens, k)).astype(np.float32)
    out: dict[str, float] = {}
    for kind in ("int8", "fp32"):
        nodes, inits = [], []
        if kind == "int8":
            b = rng.integers(-127, 128, size=(k, n), dtype=np.int8)
            inits += [
                numpy_helper.from_array(b, "B"),
                numpy_helper.from_array(np.full(n, 0.01, np.float32), "B_scale"),
                numpy_helper.from_array(np.zeros(n, np.int8), "B_zero"),
            ]
            nodes.append(
                helper.make_node(
                    "DynamicQuantizeMatMul", ["A", "B", "B_scale", "B_zero"], ["Y"], domain="com.microsoft"
                )
            )
        else:
            inits.append(numpy_helper.from_array(rng.normal(size=(k, n)).astype(np.float32), "B"))
            nodes.append(helper.make_node("MatMul", ["A", "B"], ["Y"]))
        graph = helper.make_graph(
            nodes,
            "mm",
            [helper.make_tensor_value_info("A", TensorProto.FLOAT, [tokens, k])],
            [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [tokens, n])],
            inits,
        )
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
        )
        options = ort.SessionOptions()
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        sess = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
        sess.run(None, {"A": a})
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            sess.run(None, {"A": a})
            times.append(time.perf_counter() - t)
        out[f"{kind}_gmac_per_s"] = tokens * k * n / min(times) / 1e9  # best run: the least disturbed
    return out


def cpu_flags() -> list[str]:
    flags = next(
        (
            line.split(":", 1)[1].split()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "flags" in line
        ),
        [],
    )
    return sorted(
        f for f in flags if f in {"avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8", "amx_bf16"}
    )


# ---------------------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sweep", action="store_true", help="batching variants of the product's model")
    args = parser.parse_args()

    from speed import corpus_rows
    from transformers import AutoConfig

    from qa.embeddings.model import embed_passages, load_embedder, resolve_model_path

    settings = common.bench_settings()
    started = time.perf_counter()
    result: dict[str, Any] = {"machine": common.machine(), "cpu_flags": cpu_flags(), "runs": args.runs}
    generation = common.ensure_index(settings)
    texts, _, _ = corpus_rows(generation, embedded=True)
    model_dir = Path(resolve_model_path(settings.embedding_model, settings.cache_dir))
    product = load_embedder(settings.embedding_model, settings.cache_dir, settings.embedding_backend)
    before = session(baseline_model(model_dir))
    tokenizer = product.tokenizer
    prefix = product.prompts.get("passage", "")
    encodings = tokenizer.encode_batch([prefix + t for t in texts])
    lengths = np.array([len(e.ids) for e in encodings])
    torch_model = load_embedder(settings.embedding_model, settings.cache_dir, "torch")
    reference = embed_passages(torch_model, texts)  # cosine reference: torch fp32

    variants: dict[str, Any] = {
        "before": lambda idx: run_batched(before, [encodings[i] for i in idx]),
        "after": lambda idx: embed_passages(product, [texts[i] for i in idx]),
    }
    if args.sweep:
        fused = product.session
        for label, kw in {
            "product model, sorted batches of 32": {"batch": 32},
            "product model, sorted batches of 8": {"batch": 8},
            "product model, token budget 256": {"budget": 256},
            "product model, token budget 1024": {"budget": 1024},
        }.items():
            variants[label] = lambda idx, kw=kw: run_batched(fused, [encodings[i] for i in idx], **kw)
    for fn in variants.values():
        fn(np.arange(3))  # warm-up
    vectors = {name: np.zeros((len(texts), reference.shape[1]), np.float32) for name in variants}
    wall: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    loads = []
    names = list(variants)
    for part in range(args.runs):
        idx = np.arange(part, len(texts), args.runs)
        order = names[part % len(names) :] + names[: part % len(names)]
        for name in order:
            t, c = time.perf_counter(), time.process_time()
            vectors[name][idx] = variants[name](idx)
            wall[name].append(len(idx) / (time.perf_counter() - t))
            cpu[name].append(len(idx) / (time.process_time() - c))
        loads.append(os.getloadavg()[0])
    mean_tokens = float(lengths.mean())
    out: dict[str, Any] = {}
    for name in variants:
        cos = (vectors[name] * reference).sum(axis=1)
        out[name] = {
            "passages_per_s": common.median(wall[name]),
            "passages_per_cpu_s": common.median(cpu[name]),
            "tokens_per_s": common.median(wall[name]) * mean_tokens,
            "ratio_to_before_wall": common.median(np.array(wall[name]) / np.array(wall["before"])),
            "ratio_to_before_cpu": common.median(np.array(cpu[name]) / np.array(cpu["before"])),
            "cosine_min": float(cos.min()),
            "cosine_mean": float(cos.mean()),
            "runs_passages_per_s": wall[name],
        }
    config = AutoConfig.from_pretrained(str(model_dir))
    macs = model_macs_per_token(config, mean_tokens)
    rates = matmul_rates()
    total_macs = sum(macs.values())
    peak_tokens = rates["int8_gmac_per_s"] * 1e9 / total_macs
    result |= {
        "passages": len(texts),
        "mean_tokens": mean_tokens,
        "backend": settings.embedding_backend,
        "variants": out,
        "macs_per_token": macs,
        "matmul": rates,
        "int8_peak_tokens_per_s": peak_tokens,
        "after_fraction_of_int8_peak": out["after"]["tokens_per_s"] / peak_tokens,
        "loadavg_per_part": loads,
    }
    result["machine"]["loadavg_end"] = common.loadavg()
    result["elapsed_s"] = time.perf_counter() - started
    rows = [
        [
            name,
            v["passages_per_s"],
            v["tokens_per_s"],
            v["passages_per_cpu_s"],
            v["ratio_to_before_wall"],
            v["ratio_to_before_cpu"],
            v["cosine_min"],
        ]
        for name, v in out.items()
    ]
    text = common.md_table(
        [
            "variant",
            "passages/s",
            "tokens/s",
            "passages per CPU s",
            "× before (wall)",
            "× before (CPU)",
            "cos min",
        ],
        rows,
    )
    text += (
        f"\n\n{len(texts)} passages, mean {mean_tokens:.0f} tokens; MACs per token "
        f"{total_macs / 1e6:.1f} M ({macs['ffn_down_fp32'] / 1e6:.1f} M fp32 FFN down, "
        f"{macs['attention_fp32'] / 1e6:.1f} M fp32 attention); onnxruntime MatMul at 256x384x1536: int8 "
        f"{rates['int8_gmac_per_s']:.0f} GMAC/s, fp32 {rates['fp32_gmac_per_s']:.0f} GMAC/s; int8 peak "
        f"{peak_tokens:.0f} tokens/s; 'after' reaches {100 * result['after_fraction_of_int8_peak']:.0f}% of it. "
        f"CPU flags: {', '.join(result['cpu_flags'])}. Load per part: {', '.join(f'{x:.1f}' for x in loads)}."
    )
    result["markdown"] = text
    print(text)
    print(f"\nelapsed {result['elapsed_s']:.0f} s; JSON: {common.write_json('embedding_speed.json', result)}")


if __name__ == "__main__":
    main()
