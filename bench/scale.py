"""Scale: /ask latency and memory at 1x/10x/100x the corpus; FAISS and BM25 alone at 1,000,000 chunks.

Usage:
  HF_HUB_OFFLINE=1 .venv/bin/python bench/scale.py --sizes 1,10 [--runs 3]      # part of `make bench`
  HF_HUB_OFFLINE=1 .venv/bin/python bench/scale.py --sizes 100 --million        # `make bench-scale`

Corpus multiples: copy j of every document (j = 0 is the original) gets the four provinces of the corpus
replaced by four other provinces of qa/data/gazetteer.json (59 others: at 100x each name serves ~7
copies) and a file name of its own (distinct doc ids). Its vectors are NOT re-embedded: each copied chunk
gets the 1x vector of the chunk at the same line of the original, plus N(0, 0.01²) noise per dimension
(cosine ≈ 0.98 to the original) and re-normalised; copy 0 keeps the real vectors. The index is then
built by qa.index.build.build as usual (store, figures, BM25, FAISS with QA_FAISS_INDEX=auto). Each size is
served by bench/probe.py in a fresh process: /ask p50/p95 warm over the 40 dev questions (median of
--runs runs) and peak RSS.

1,000,000 chunks (--million): synthetic 384-d vectors around the real chunk vectors (5,000 centres =
real vector + noise; points = centre + noise, cosine to the centre ≈ 0.9), 100 queries (the 40 dev
question embeddings + 60 held-out points). Each index is qa.index.dense.build_faiss(kind) with the
product's parameters, searched one query at a time through qa.index.dense.search (as the engine
does); recall@10 against exact search; RAM = RSS growth while the index is held. BM25: 1M synthetic
documents made of the real chunks' tokens (qa.vn.tokens; each document keeps ~70% of one real
chunk's distinct tokens plus 8 random vocabulary tokens); the bm25s score matrix is computed with numpy
using bm25s's formulas (checked equal to bm25s.index on 3,000 documents) because bm25s.index's
per-document Python loop would take most of an hour; queries go through bm25s.get_scores + the engine's
top_positions, as LexicalIndex does.
"""

from __future__ import annotations

import argparse
import gc
import re
import shutil
import time
import unicodedata
import zlib
from pathlib import Path
from typing import Any

import common  # first party-ish: sets HF_HUB_OFFLINE and sys.path before any Hugging Face import
import numpy as np
import psutil

from qa.index.build import build, embedding_text
from qa.index.dense import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_M
from qa.settings import Settings
from qa.vn.gazetteer import load_gazetteer

SCALE = common.OUT / "scale"
NOISE = 0.01


# ---------------------------------------------------------------------------------------------- corpus copies


def _provinces() -> tuple[list[str], list[str]]:
    """The former provinces the shipped documents are about (the most named in each), and all the others."""
    gaz = load_gazetteer()
    real = sorted(
        {
            gaz.province_mentions(p.read_text(encoding="utf-8")).most_common(1)[0][0]
            for p in (common.ROOT / "corpus").iterdir()
            if p.is_file()
        }
    )
    return real, [p for p in gaz.provinces if p not in real]


def _variants(name: str) -> list[str]:
    forms = {name, name.upper()}
    return sorted({unicodedata.normalize(f, x) for x in forms for f in ("NFC", "NFD")}, key=len, reverse=True)


def make_corpus(k: int, dest: Path) -> None:
    real, others = _provinces()
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    sources = sorted(p for p in (common.ROOT / "corpus").iterdir() if p.is_file())
    for j in range(k):
        mapping = {r: others[(j * len(real) + i) % len(others)] for i, r in enumerate(real)}
        table: dict[str, str] = {}
        for r, o in mapping.items():
            for v in _variants(r):  # keep the case and the normalisation form of the original
                nfc_upper = unicodedata.normalize("NFC", v).isupper()
                target = o.upper() if nfc_upper else o
                table[v] = (
                    unicodedata.normalize("NFD", target) if v != unicodedata.normalize("NFC", v) else target
                )
        pattern = re.compile("|".join(re.escape(v) for v in sorted(table, key=len, reverse=True)))
        for src in sources:
            name = src.name if j == 0 else f"{src.stem}-x{j:03d}{src.suffix}"
            text = src.read_text(encoding="utf-8")
            (dest / name).write_text(
                text if j == 0 else pattern.sub(lambda m, t=table: t[m.group(0)], text), encoding="utf-8"
            )


def copied_vectors(settings: Settings, corpus: Path, generation: Path) -> dict[str, np.ndarray]:
    """Passage text -> vector for every chunk of the copies: the original chunk's vector at that line + noise."""
    from qa.index import store
    from qa.ingest.chunking import chunk_document
    from qa.ingest.pipeline import parse_file

    conn = store.connect(generation / "store.sqlite", readonly=True)
    rows = conn.execute("SELECT chunk_id, source, start_line, kind FROM chunks").fetchall()
    conn.close()
    vectors = np.load(generation / "vectors.npy")
    pos = {int(i): n for n, i in enumerate(np.load(generation / "ids.npy"))}
    by_line: dict[tuple[str, str], dict[int, np.ndarray]] = {}
    for r in rows:
        by_line.setdefault((r["source"], r["kind"]), {})[r["start_line"]] = vectors[pos[int(r["chunk_id"])]]
    out: dict[str, np.ndarray] = {}
    for path in sorted(corpus.iterdir()):
        original = re.sub(r"-x\d{3}(?=\.)", "", path.name)
        doc = parse_file(path, settings.max_file_bytes)
        rng = np.random.default_rng(zlib.crc32(path.name.encode()))  # deterministic per copy
        for chunk in chunk_document(doc, settings.chunk_size, settings.chunk_overlap):
            lines = by_line.get((original, chunk.kind)) or by_line[(original, "text")]
            line = (
                chunk.start_line
                if chunk.start_line in lines
                else min(lines, key=lambda n: abs(n - chunk.start_line))
            )
            v = lines[line]
            if path.name != original:
                v = v + rng.normal(0, NOISE, v.shape).astype(np.float32)
                v = v / np.linalg.norm(v)
            out[embedding_text(chunk, doc.meta.title, doc.meta.province)] = v.astype(np.float32)
    return out


def corpus_size(k: int, runs: int, base: Path) -> dict[str, Any]:
    corpus, index = SCALE / f"corpus-{k}x", SCALE / f"index-{k}x"
    t0 = time.perf_counter()
    make_corpus(k, corpus)
    settings = common.bench_settings(index, corpus_dir=corpus)
    lookup = copied_vectors(settings, corpus, base)
    prepare_s = time.perf_counter() - t0
    shutil.rmtree(index, ignore_errors=True)
    report = build(settings, embed=lambda texts: np.stack([lookup[t] for t in texts]))
    lookup.clear()
    gc.collect()
    probe = common.run_probe(index, None, runs, search=True)
    return {
        "k": k,
        "documents": probe["documents"],
        "chunks": probe["chunks"],
        "prepare_s": prepare_s,
        "build_timings_s": report.timings,
        "probe": probe,
    }


# ---------------------------------------------------------------------------------------------- 1M: FAISS


def _rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def synthetic_vectors(base: np.ndarray, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    dim = base.shape[1]
    centres = base[rng.integers(len(base), size=5000)] + rng.normal(0, 0.02, (5000, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    out = np.empty((n, dim), dtype=np.float32)
    step = 100_000
    for s in range(0, n, step):
        m = min(step, n - s)
        block = centres[rng.integers(len(centres), size=m)] + rng.normal(0, 0.025, (m, dim)).astype(
            np.float32
        )
        out[s : s + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    held_out = centres[rng.integers(len(centres), size=60)] + rng.normal(0, 0.025, (60, dim)).astype(
        np.float32
    )
    return out, held_out / np.linalg.norm(held_out, axis=1, keepdims=True)


def faiss_million(
    base_gen: Path,
    n: int,
    runs: int,
    settings: Settings,
    kinds: list[str],
    hnsw_ef: list[int],
    flat_runs: int = 3,
) -> dict[str, Any]:
    import faiss

    from qa.embeddings.model import embed_queries, load_embedder
    from qa.evaluation import load_questions
    from qa.index.dense import build_faiss, search

    base = np.load(base_gen / "vectors.npy")
    vectors, held_out = synthetic_vectors(base, n)
    model = load_embedder(settings.embedding_model, settings.cache_dir, settings.embedding_backend)
    dev = embed_queries(model, [q["question"] for q in load_questions(common.DEV)])
    queries = np.concatenate([dev, held_out]).astype(np.float32)
    ids = np.arange(n, dtype=np.int64) * 7 + 3  # arbitrary non-contiguous ids, like chunk ids
    allowed = np.zeros(n, dtype=bool)  # a 5% filter, by position as the engine passes it
    allowed[np.random.default_rng(1).choice(n, size=n // 20, replace=False)] = True
    # The same 5% as a province filter has it: whole documents (here 100 consecutive positions each, as a build adds
    # a document's chunks together), 5% of the documents.
    per_doc = 100
    docs = np.random.default_rng(2).choice(n // per_doc, size=n // per_doc // 20, replace=False)
    allowed_docs = np.zeros(n, dtype=bool)
    allowed_docs[(docs[:, None] * per_doc + np.arange(per_doc)).ravel()] = True

    results: dict[str, Any] = {
        "n": n,
        "dim": int(vectors.shape[1]),
        "queries": len(queries),
        "runs": runs,
        "faiss_threads": faiss.omp_get_max_threads(),
        "indexes": {},
    }
    exact: dict[str, list[np.ndarray]] = {}

    def run_queries(index: Any, allowed_mask: np.ndarray | None) -> tuple[dict[str, float], list[np.ndarray]]:
        per_run, found = [], []
        for _ in range(runs_of(index)):
            lat, cpu, found = [], [], []
            for q in queries:
                c, t = time.thread_time(), time.perf_counter()
                _, got = search(index, q, 10, allowed_mask)
                lat.append((time.perf_counter() - t) * 1000)
                cpu.append((time.thread_time() - c) * 1000)
                found.append(got)
            per_run.append(
                {
                    "p50_ms": common.pct(lat, 50),
                    "p95_ms": common.pct(lat, 95),
                    # CPU time of the calling thread: one query is searched in that thread alone (HNSW, and the
                    # exact filtered path), so this is what the query costs a free core, whatever the load.
                    "cpu_p50_ms": common.pct(cpu, 50),
                    "cpu_p95_ms": common.pct(cpu, 95),
                }
            )
        return common.median_of_runs(per_run), found

    def runs_of(index: Any) -> int:
        return (
            min(runs, flat_runs) if isinstance(faiss.downcast_index(index.index), faiss.IndexFlat) else runs
        )

    def recall(found: list[np.ndarray], truth: list[np.ndarray], part: slice = slice(None)) -> float:
        return float(
            np.mean(
                [
                    len(set(f.tolist()) & set(t.tolist())) / max(1, len(t))
                    for f, t in zip(found[part], truth[part], strict=True)
                ]
            )
        )

    dev_part, held_part = slice(0, len(dev)), slice(len(dev), None)

    sweeps: dict[str, list[Any]] = {"flat": [None], "hnsw": hnsw_ef, "ivfpq": [16, 32, 64]}
    for kind in ["flat"] + [k for k in kinds if k != "flat"]:  # flat first: it is the ground truth
        sweep = sweeps[kind]
        gc.collect()
        rss0 = _rss_mb()
        load_before = common.loadavg()[0]
        t0 = time.perf_counter()
        index = build_faiss(vectors, ids, kind)
        build_s = time.perf_counter() - t0
        ram = _rss_mb() - rss0
        inner = faiss.downcast_index(index.index)
        entries = []
        for param in sweep:
            if kind == "hnsw":
                inner.hnsw.efSearch = param
            elif kind == "ivfpq":
                inner.nprobe = param
            lat, found = run_queries(index, None)
            flat_lat, found_f = run_queries(index, allowed)
            doc_lat, found_d = run_queries(index, allowed_docs)
            if kind == "flat":
                exact["all"], exact["filtered"], exact["documents"] = found, found_f, found_d
            entries.append(
                {
                    "param": param,
                    **lat,
                    "recall@10": recall(found, exact["all"]),
                    "recall@10_dev_questions": recall(found, exact["all"], dev_part),
                    "recall@10_held_out_points": recall(found, exact["all"], held_part),
                    "filtered_p50_ms": flat_lat["p50_ms"],
                    "filtered_p95_ms": flat_lat["p95_ms"],
                    "filtered_cpu_p95_ms": flat_lat["cpu_p95_ms"],
                    "filtered_recall@10": recall(found_f, exact["filtered"]),
                    "documents_filter_p50_ms": doc_lat["p50_ms"],
                    "documents_filter_p95_ms": doc_lat["p95_ms"],
                    "documents_filter_cpu_p95_ms": doc_lat["cpu_p95_ms"],
                    "documents_filter_recall@10": recall(found_d, exact["documents"]),
                    "loadavg": common.loadavg()[0],
                }
            )
            print(f"    {kind} {param}: {entries[-1]}", flush=True)
        if kind == "flat":  # single queries on a busy 2-core machine: OpenMP threads wait on each other
            threads = faiss.omp_get_max_threads()
            faiss.omp_set_num_threads(1)
            one, _ = run_queries(index, None)
            faiss.omp_set_num_threads(threads)
            entries.append(
                {
                    "param": "1 thread",
                    **one,
                    "recall@10": 1.0,
                    "filtered_p50_ms": float("nan"),
                    "filtered_p95_ms": float("nan"),
                    "filtered_recall@10": float("nan"),
                }
            )
        results["indexes"][kind] = {
            "build_s": build_s,
            "ram_mb": ram,
            "sweep": entries,
            "nlist": int(inner.nlist) if kind == "ivfpq" else None,
            "M": HNSW_M if kind == "hnsw" else None,
            "efConstruction": HNSW_EF_CONSTRUCTION if kind == "hnsw" else None,
            "build_loadavg": [load_before, common.loadavg()[0]],
            "product_param": {"flat": None, "hnsw": HNSW_EF_SEARCH, "ivfpq": 16}[kind],
        }
        print(f"  {kind}: build {build_s:.0f} s, RAM {ram:.0f} MB, {entries}", flush=True)
        del index, inner
    del vectors
    gc.collect()
    return results


# ---------------------------------------------------------------------------------------------- 1M: BM25


def _bm25_matrix(
    docs_tok: np.ndarray,
    docs_tf: np.ndarray,
    doc_len: np.ndarray,
    indptr_docs: np.ndarray,
    n_vocab: int,
    k1: float = 1.2,
    b: float = 0.75,
) -> dict[str, Any]:
    """bm25s's score matrix (method "lucene": lucene idf, robertson tfc) from doc-major (token, tf) lists."""
    import scipy.sparse as sp

    n_docs = len(doc_len)
    df = np.bincount(docs_tok, minlength=n_vocab)
    idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    avg = float(doc_len.mean())
    norm = (k1 * (1 - b + b * doc_len / avg)).astype(np.float32)
    row_len = np.diff(indptr_docs)
    scores = idf[docs_tok] * docs_tf / (np.repeat(norm, row_len) + docs_tf)
    csc = sp.csr_matrix((scores.astype(np.float32), docs_tok, indptr_docs), shape=(n_docs, n_vocab)).tocsc()
    return {
        "data": csc.data,
        "indices": csc.indices.astype(np.int32),
        "indptr": csc.indptr,
        "num_docs": n_docs,
    }


def synthetic_docs(
    base_texts: list[str], n: int, seed: int = 0
) -> tuple[dict[str, int], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from collections import Counter

    from qa.vn.tokens import tokenize

    vocab: dict[str, int] = {}
    chunk_tok, chunk_tf, chunk_len = [], [], []
    for text in base_texts:
        counts = Counter(tokenize(text))
        chunk_tok.append(np.array([vocab.setdefault(t, len(vocab)) for t in counts], dtype=np.int32))
        chunk_tf.append(np.array(list(counts.values()), dtype=np.float32))
        chunk_len.append(sum(counts.values()))
    rng = np.random.default_rng(seed)
    tok_parts, tf_parts, lens, row_lens = [], [], [], []
    for s in range(0, n, 50_000):
        for c in rng.integers(len(base_texts), size=min(50_000, n - s)):
            keep = rng.random(len(chunk_tok[c])) < 0.7
            extra = rng.integers(len(vocab), size=8).astype(np.int32)
            tok = np.concatenate([chunk_tok[c][keep], extra[~np.isin(extra, chunk_tok[c][keep])]])
            tok, first = np.unique(tok, return_index=True)
            tf = (
                np.concatenate([chunk_tf[c][keep], np.ones(len(extra), np.float32)])[first]
                if len(tok)
                else tok
            )
            tok_parts.append(tok)
            tf_parts.append(tf.astype(np.float32))
            row_lens.append(len(tok))
            lens.append(float(tf.sum()))
    indptr = np.concatenate([[0], np.cumsum(row_lens)]).astype(np.int64)
    return vocab, np.concatenate(tok_parts), np.concatenate(tf_parts), np.array(lens, np.float32), indptr


def bm25_million(base_texts: list[str], n: int, runs: int) -> dict[str, Any]:
    import bm25s

    from qa.evaluation import load_questions
    from qa.retrieval.fusion import top_positions
    from qa.vn.tokens import tokenize

    t0 = time.perf_counter()
    vocab, tok, tf, lens, indptr = synthetic_docs(base_texts, n)
    gen_s = time.perf_counter() - t0

    # Check the matrix against bm25s.index itself on a small prefix.
    small = 3000
    ref = bm25s.BM25(method="lucene", k1=1.2, b=0.75)  # the product's LexicalIndex parameters
    docs_small = [
        [
            int(t)
            for t, f in zip(tok[indptr[i] : indptr[i + 1]], tf[indptr[i] : indptr[i + 1]], strict=True)
            for _ in range(int(f))
        ]
        for i in range(small)
    ]
    ref.index((docs_small, dict(vocab)), show_progress=False, create_empty_token=False)
    mine = _bm25_matrix(
        tok[: indptr[small]], tf[: indptr[small]], lens[:small], indptr[: small + 1], len(vocab)
    )
    probe_q = [vocab[t] for t in tokenize("số bác sĩ trên 10.000 dân năm 2024") if t in vocab]
    same = np.allclose(ref.get_scores_from_ids(probe_q), _scores_from(mine, probe_q), rtol=1e-4, atol=1e-5)

    t0 = time.perf_counter()
    matrix = _bm25_matrix(tok, tf, lens, indptr, len(vocab))
    build_s = time.perf_counter() - t0
    del tok, tf
    gc.collect()
    retriever = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    retriever.index(([[0]], {"": 0}), show_progress=False, create_empty_token=False)  # sets the attributes
    retriever.scores, retriever.vocab_dict = matrix, vocab
    retriever.unique_token_ids_set = set(vocab.values())
    ram = sum(matrix[k].nbytes for k in ("data", "indices", "indptr")) / 2**20  # what a loaded index holds

    questions = [q["question"] for q in load_questions(common.DEV)]
    per_run = []
    for _ in range(runs):
        lat_scores, lat_total = [], []
        for q in questions:
            t = time.perf_counter()
            tokens = [x for x in tokenize(q) if x in vocab]
            scores = np.asarray(retriever.get_scores(tokens), dtype=np.float32)
            t_mid = time.perf_counter()
            top_positions(scores, None, 100)
            lat_scores.append((t_mid - t) * 1000)
            lat_total.append((time.perf_counter() - t) * 1000)
        per_run.append(
            {
                "get_scores_p50_ms": common.pct(lat_scores, 50),
                "get_scores_p95_ms": common.pct(lat_scores, 95),
                "with_top100_p50_ms": common.pct(lat_total, 50),
                "with_top100_p95_ms": common.pct(lat_total, 95),
            }
        )
    return {
        "n": n,
        "vocab": len(vocab),
        "nnz": int(len(matrix["data"])),
        "mean_distinct_tokens": float(np.mean(np.diff(indptr))),
        "generate_s": gen_s,
        "matrix_build_s": build_s,
        "ram_mb": ram,
        "matches_bm25s_index": bool(same),
        "runs": runs,
        "median": common.median_of_runs(per_run),
    }


def _scores_from(matrix: dict[str, Any], token_ids: list[int]) -> np.ndarray:
    out = np.zeros(matrix["num_docs"], dtype=np.float32)
    for t in token_ids:
        s, e = matrix["indptr"][t], matrix["indptr"][t + 1]
        np.add.at(out, matrix["indices"][s:e], matrix["data"][s:e])
    return out


def engine_filter_cost(n: int, runs: int) -> dict[str, float]:
    """The engine's province filter at n chunks (100 per document, 20 provinces): documents -> position mask.

    ``before``: the previous Engine._mask, a Python pass over every chunk's document; ``after``: the engine's
    precomputed per-document positions (``positions_by_doc`` once at load, ``positions_mask`` per question).
    """
    from qa.retrieval.engine import positions_by_doc, positions_mask

    chunk_doc = np.array([f"doc-{i // 100}" for i in range(n)], dtype=object)
    allowed = {f"doc-{i}" for i in range(0, n // 100, 20)}
    t0 = time.perf_counter()
    by_doc = positions_by_doc(chunk_doc)
    load_s = time.perf_counter() - t0
    before, after = [], []
    for _ in range(runs):
        t = time.perf_counter()
        old = np.array([d in allowed for d in chunk_doc], dtype=bool)
        before.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        new = positions_mask(by_doc, allowed, n)
        after.append((time.perf_counter() - t) * 1000)
        assert np.array_equal(old, new)
    return {
        "n": n,
        "mask_ms": common.median(after),
        "before_mask_ms": common.median(before),
        "load_s": load_s,
    }


# ---------------------------------------------------------------------------------------------- report


def report(result: dict[str, Any]) -> str:
    out = []
    if result.get("sizes"):
        rows = []
        for s in result["sizes"]:
            p, m = s["probe"], s["probe"]["median"]
            t = s["build_timings_s"]
            rows.append(
                [
                    f"{s['k']}×",
                    s["documents"],
                    s["chunks"],
                    t.get("total", 0) - t.get("embed", 0),
                    m["lexical_p50_ms"],
                    m["dense_p50_ms"],
                    m["hybrid_p50_ms"],
                    m["ask_p50_ms"],
                    m["ask_p95_ms"],
                    p["rss_ready_mb"],
                    p["peak_rss_mb"],
                ]
            )
        out.append(
            common.md_table(
                [
                    "corpus",
                    "docs",
                    "chunks",
                    "build s (no embed)",
                    "lexical p50 ms",
                    "dense p50 ms",
                    "hybrid p50 ms",
                    "/ask p50 ms",
                    "/ask p95 ms",
                    "RSS ready MB",
                    "peak RSS MB",
                ],
                rows,
            )
        )
    fm = result.get("faiss")
    if fm:
        rows = []
        for kind, v in fm["indexes"].items():
            for e in v["sweep"]:
                label = {
                    "flat": "flat (exact)" + (", 1 FAISS thread" if e["param"] == "1 thread" else ""),
                    "hnsw": f"HNSW M={v.get('M')} efC={v.get('efConstruction')} efSearch={e['param']}",
                    "ivfpq": f"IVF-PQ nlist={v.get('nlist')} m=48×8 bit nprobe={e['param']}",
                }[kind]
                if e["param"] == v["product_param"]:
                    label += " (product)"
                rows.append(
                    [
                        label,
                        v["build_s"],
                        v["ram_mb"],
                        e["p50_ms"],
                        e["p95_ms"],
                        e.get("cpu_p95_ms", float("nan")),
                        e["recall@10"],
                        e["filtered_p50_ms"],
                        e.get("filtered_p95_ms", float("nan")),
                        e.get("filtered_cpu_p95_ms", float("nan")),
                        e["filtered_recall@10"],
                        e.get("loadavg", float("nan")),
                    ]
                )
        out.append(
            f"FAISS at {fm['n']:,} × {fm['dim']} synthetic vectors, {fm['queries']} single queries × "
            f"{fm['runs']} runs, {fm['faiss_threads']} FAISS threads\n\n"
            + common.md_table(
                [
                    "index",
                    "build s",
                    "RAM MB",
                    "query p50 ms",
                    "query p95 ms",
                    "query CPU p95 ms",
                    "recall@10",
                    "5% filter p50 ms",
                    "5% filter p95 ms",
                    "5% filter CPU p95 ms",
                    "5% filter recall@10",
                    "load",
                ],
                rows,
            )
        )
    bm = result.get("bm25")
    if bm:
        m = bm["median"]
        out.append(
            f"bm25s at {bm['n']:,} synthetic documents ({bm['mean_distinct_tokens']:.0f} distinct tokens each, "
            f"vocabulary {bm['vocab']:,}, {bm['nnz']:,} postings; matrix equal to bm25s.index on 3,000 docs: "
            f"{bm['matches_bm25s_index']})\n\n"
            + common.md_table(
                ["what", "value"],
                [
                    ["score matrix build s", bm["matrix_build_s"]],
                    ["RAM MB", bm["ram_mb"]],
                    [
                        "get_scores p50 / p95 ms",
                        f"{m['get_scores_p50_ms']:.1f} / {m['get_scores_p95_ms']:.1f}",
                    ],
                    [
                        "+ top-100 (engine) p50 / p95 ms",
                        f"{m['with_top100_p50_ms']:.1f} / {m['with_top100_p95_ms']:.1f}",
                    ],
                ],
            )
        )
    fc = result.get("filter_cost")
    if fc:
        out.append(
            f"Engine province filter (5% of {fc['n']:,} chunks) -> position mask: {fc['mask_ms']:.2f} ms per "
            f"filtered question (previous Python pass over every chunk: {fc['before_mask_ms']:.0f} ms); "
            f"per-document positions computed once at load in {fc['load_s']:.1f} s."
        )
    return "\n\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10", help="corpus multiples, e.g. 1,10,100 (empty: none)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--million", action="store_true", help="FAISS kinds and bm25s at 1,000,000 chunks")
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--kinds", default="flat,hnsw,ivfpq", help="FAISS kinds at --n (flat always runs)")
    parser.add_argument("--hnsw-ef", default="32,64,128,256", help="HNSW efSearch values to sweep")
    parser.add_argument("--out", default="scale.json")
    parser.add_argument("--no-bm25", action="store_true", help="with --million: FAISS only")
    parser.add_argument("--flat-runs", type=int, default=3, help="runs of exact search (the ground truth)")
    args = parser.parse_args()
    started = time.perf_counter()
    settings = common.bench_settings()
    base = common.ensure_index(settings)
    result: dict[str, Any] = {
        "machine": common.machine(),
        "backend": settings.embedding_backend,
        "runs": args.runs,
        "noise_sigma": NOISE,
        "sizes": [],
    }
    for k in [int(x) for x in args.sizes.split(",") if x]:
        print(f"corpus {k}×", flush=True)
        result["sizes"].append(corpus_size(k, args.runs, base))
    if args.million:
        from speed import corpus_rows

        texts, _, _ = corpus_rows(base)
        print("FAISS at 1M", flush=True)
        kinds = [k for k in args.kinds.split(",") if k]
        result["faiss"] = faiss_million(
            base,
            args.n,
            args.runs,
            settings,
            kinds,
            [int(x) for x in args.hnsw_ef.split(",") if x],
            args.flat_runs,
        )
        if not args.no_bm25:
            print("bm25s at 1M", flush=True)
            result["bm25"] = bm25_million(texts, args.n, args.runs)
            result["filter_cost"] = engine_filter_cost(args.n, args.runs)
    result["machine"]["loadavg_end"] = common.loadavg()
    result["peak_rss_mb"] = common.peak_rss_mb()  # this process: synthetic data + one index at a time
    result["elapsed_s"] = time.perf_counter() - started
    text = report(result)
    result["markdown"] = text
    print(text)
    print(
        f"\nload average start {result['machine']['loadavg_start']}, end {result['machine']['loadavg_end']}; "
        f"elapsed {result['elapsed_s']:.0f} s; peak RSS {result['peak_rss_mb']:.0f} MB"
    )
    print(f"JSON: {common.write_json(args.out, result)}")


if __name__ == "__main__":
    main()
