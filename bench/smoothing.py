"""Calibration of the int8 model's smoothed down-projections (qa/embeddings/smoothing.py), and what it buys.

Usage: HF_HUB_OFFLINE=1 .venv/bin/python bench/smoothing.py [--unseen /work/unseen-docs] [--write] [--runs 3]

1. The passages the indexer embeds (``embedding_text`` of every chunk) of ``corpus/`` and, with ``--unseen``, of
   another folder of documents (chunked by the product's build into a scratch index, nothing embedded).
2. Calibration: max|GELU output| per channel of every layer by fp32 inference over the even-numbered corpus
   passages; ``--write`` stores them in ``qa/data/ffn_activation_ranges.npz`` for the default model.
3. For each alpha of the grid: the smoothed, fully quantised model; cosine to torch fp32 on the calibration half,
   the other half (never calibrated on) and the unseen passages. The product's alpha is the one whose worst
   calibration passage is closest to fp32.
4. Speed: export 3's recipe (down-projections fp32) and the smoothed model at that alpha, the corpus passages in
   ``runs`` interleaved parts, each part embedded by both in alternating order (product session settings).
Writes bench/out/smoothing.json.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import common
import numpy as np

from qa.embeddings.model import embed_passages, load_embedder, resolve_model_path
from qa.embeddings.onnx import OnnxEmbedder, _model_dir, _quantize, ensure_onnx_model
from qa.embeddings.smoothing import RANGES_FILE, SMOOTHING_ALPHA, activation_ranges, model_identity
from qa.index import store
from qa.index.build import build, embedding_text
from qa.index.layout import current_generation
from qa.settings import Settings

ALPHAS = (0.6, 0.7, 0.8, 0.9, 1.0)
COSINE_BAR = 0.998  # to torch fp32, every passage (issue 14; the bar export 3 meets)


def passages(folder: Path, scratch: Path) -> list[str]:
    """``embedding_text`` of every chunk the product's build makes of ``folder`` (vectors left zero)."""
    settings = Settings(index_dir=scratch, corpus_dir=folder)
    build(settings, embed=lambda texts: np.zeros((len(texts), 384), dtype=np.float32))
    gen = current_generation(scratch)
    assert gen is not None
    import sqlite3

    conn = sqlite3.connect(gen / "store.sqlite")
    conn.row_factory = sqlite3.Row
    rows = conn.execute(
        "SELECT c.*, d.title AS doc_title, d.province AS doc_province FROM chunks c "
        "JOIN documents d USING (doc_id) ORDER BY d.source, c.ordinal"
    ).fetchall()
    return [embedding_text(store.row_to_chunk(r), r["doc_title"] or "", r["doc_province"]) for r in rows]


def variant(fp32_dir: Path, ranges: np.ndarray | None, alpha: float, into: Path) -> OnnxEmbedder:
    """An int8 model directory like the product's export, with the given smoothing (None: export 3's recipe)."""
    into.mkdir(parents=True, exist_ok=True)
    for f in fp32_dir.iterdir():
        if f.name != "model.onnx":
            shutil.copyfile(f, into / f.name)
    _quantize(fp32_dir / "model.onnx", into / "model.onnx", ranges, alpha)
    return OnnxEmbedder(into)


def cosines(model: OnnxEmbedder, texts: list[str], reference: np.ndarray) -> np.ndarray:
    return (embed_passages(model, texts) * reference).sum(axis=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--unseen", type=Path, help="a folder of documents never calibrated on")
    ap.add_argument("--write", action="store_true", help="store the ranges for the default model")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    settings = common.bench_settings()
    info = common.machine()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        corpus = passages(common.ROOT / "corpus", tmp / "corpus-index")
        unseen = passages(args.unseen, tmp / "unseen-index") if args.unseen else []
        model_path = resolve_model_path(settings.embedding_model, settings.cache_dir)
        fp32_dir = ensure_onnx_model(model_path, settings.cache_dir, quantized=False)
        model_dir = _model_dir(model_path)
        tokenizer = OnnxEmbedder(fp32_dir).tokenizer
        prefix = OnnxEmbedder(fp32_dir).prompts.get("passage", "")
        calibration, held_out = corpus[0::2], corpus[1::2]
        ranges = activation_ranges(
            fp32_dir / "model.onnx",
            (np.asarray(e.ids) for e in tokenizer.encode_batch([prefix + t for t in calibration])),
        )
        torch_model = load_embedder(settings.embedding_model, settings.cache_dir, "torch")
        ref = {
            "calibration": embed_passages(torch_model, calibration),
            "held_out": embed_passages(torch_model, held_out),
            "unseen": embed_passages(torch_model, unseen) if unseen else np.zeros((0, 384)),
        }
        texts = {"calibration": calibration, "held_out": held_out, "unseen": unseen}
        rows, grid = [], {}
        for alpha in (None, *ALPHAS):
            model = variant(fp32_dir, None if alpha is None else ranges, alpha or 0.0, tmp / f"v-{alpha}")
            cos = {k: cosines(model, texts[k], ref[k]) if texts[k] else np.ones(1) for k in texts}
            worst = {k: float(c.min()) for k, c in cos.items()}
            every = np.concatenate(list(cos.values()))
            below = int((every < COSINE_BAR).sum())
            grid[str(alpha)] = {**worst, "mean": float(every.mean()), "below_bar": below}
            label = "export 3 (down-projections fp32)" if alpha is None else f"smoothed, alpha {alpha}"
            rows.append(
                [
                    label,
                    f"{worst['calibration']:.5f}",
                    f"{worst['held_out']:.5f}",
                    f"{worst['unseen']:.5f}",
                    f"{every.mean():.5f}",
                    below,
                ]
            )
            print(rows[-1], flush=True)
        chosen = max(ALPHAS, key=lambda a: grid[str(a)]["calibration"])
        # Speed: both recipes over the corpus passages in interleaved parts.
        models = {
            "export 3": OnnxEmbedder(tmp / "v-None"),
            f"smoothed {chosen}": OnnxEmbedder(tmp / f"v-{chosen}"),
        }
        speed: dict[str, list[tuple[float, float]]] = {k: [] for k in models}
        for part in range(args.runs):
            sub = corpus[part :: args.runs]
            order = list(models.items()) if part % 2 == 0 else list(reversed(models.items()))
            for name, model in order:
                wall, cpu = time.perf_counter(), time.process_time()
                embed_passages(model, sub)
                speed[name].append(
                    (len(sub) / (time.perf_counter() - wall), len(sub) / (time.process_time() - cpu))
                )
    tokens = sum(len(e.ids) for e in tokenizer.encode_batch([prefix + t for t in corpus]))
    speed_rows = [
        [
            name,
            f"{common.median([w for w, _ in v]):.1f}",
            f"{common.median([w for w, _ in v]) * tokens / len(corpus):.0f}",
            f"{common.median([c for _, c in v]):.1f}",
        ]
        for name, v in speed.items()
    ]
    print(
        common.md_table(
            [
                "int8 recipe",
                "worst cos, calibration half",
                "worst cos, held-out half",
                "worst cos, unseen",
                "mean cos, all",
                f"passages below {COSINE_BAR}",
            ],
            rows,
        )
    )
    print(f"\nalpha chosen on the calibration half: {chosen} (product: {SMOOTHING_ALPHA})\n")
    print(common.md_table(["recipe", "passages/s", "tokens/s", "passages per CPU s"], speed_rows))
    print(
        f"\n{len(corpus)} corpus passages ({tokens / len(corpus):.0f} tokens on average), {len(unseen)} unseen; load {common.loadavg()}"
    )
    if args.write:
        identity = model_identity(model_dir)
        existing = dict(np.load(RANGES_FILE)) if RANGES_FILE.is_file() else {}
        existing[identity] = ranges.astype(np.float32)
        np.savez_compressed(RANGES_FILE, **existing)
        print(f"ranges of {identity} written to {RANGES_FILE}")
    common.write_json(
        "smoothing.json",
        {
            "machine": info,
            "grid": grid,
            "chosen": chosen,
            "speed": speed,
            "corpus": len(corpus),
            "unseen": len(unseen),
        },
    )


if __name__ == "__main__":
    main()
