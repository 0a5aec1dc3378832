"""Side by side with the LangChain recipe on the same run: build time for the shipped corpus and query p50.

Usage: HF_HUB_OFFLINE=1 .venv/bin/python bench/langchain_side_by_side.py [--runs 3]

- this system: ``qa.index.build.build`` of corpus/ from scratch into a temporary index (parse, structure,
  chunks, figures and regulations, store, embeddings with the default backend, FAISS + BM25), then
  ``Engine.search`` (hybrid, top 5) per dev question.
- LangChain recipe: the raw files as LangChain ``Document``s split 1000/200 by RecursiveCharacterTextSplitter
  (bench/quality.py), then langchain-community's ``FAISS.from_documents`` vector store; a query is its
  ``similarity_search(question, k=5)``. Its embeddings are our model and backend wrapped as a LangChain
  ``Embeddings`` class (``E5Embeddings``: ``embed_passages`` / ``embed_queries``), so nothing is downloaded
  and both sides pay for the same model; what differs is everything around it (parsing, chunking, store).
  langchain-community is a bench-only dependency (``pip install -e '.[bench]'``).
Runs alternate between the two (run r builds both, in alternating order). Build times are medians over
``--runs``; query p50/p95 over the dev questions, median of the runs. Quality of both: bench/quality.py.
Writes bench/out/langchain_side_by_side.json.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import common  # first party-ish: sets HF_HUB_OFFLINE and sys.path before any Hugging Face import
from langchain_community.vectorstores import FAISS
from langchain_community.vectorstores.utils import DistanceStrategy
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter
from quality import raw_documents

from qa.embeddings.model import Embedder, embed_passages, embed_queries, load_embedder, passage_embedder
from qa.evaluation import load_questions
from qa.index.build import build
from qa.retrieval.engine import Engine


def ours(settings: Any, questions: list[str]) -> dict[str, float]:
    with tempfile.TemporaryDirectory(dir=common.OUT) as tmp:
        run_settings = settings.model_copy(update={"index_dir": Path(tmp) / "index"})
        t = time.perf_counter()
        report = build(run_settings, embed=passage_embedder(run_settings))
        build_s = time.perf_counter() - t
        engine = Engine(run_settings)
        engine.search(questions[0], 5)  # warm: the query model is already loaded by the build
        lat = []
        for q in questions:
            t = time.perf_counter()
            engine.search(q, 5)
            lat.append((time.perf_counter() - t) * 1000)
        chunks = len(engine.chunks)
        engine.close()
    return {
        "build_s": build_s,
        **{f"{stage}_s": report.timings.get(stage, 0.0) for stage in ("parse", "store", "index")},
        "embed_s": report.timings.get("embed", 0.0),
        "chunks": chunks,
        "p50_ms": common.pct(lat, 50),
        "p95_ms": common.pct(lat, 95),
    }


class E5Embeddings(Embeddings):
    """Our embedder as a LangChain ``Embeddings``: the same model, backend, prompts and normalisation."""

    def __init__(self, model: Embedder, batch_size: int) -> None:
        self.model = model
        self.batch_size = batch_size
        self.seconds = 0.0  # time spent embedding passages, for the "of which embedding" column

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        t = time.perf_counter()
        vectors = embed_passages(self.model, texts, batch_size=self.batch_size)
        self.seconds += time.perf_counter() - t
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return embed_queries(self.model, [text])[0].tolist()


def langchain(settings: Any, questions: list[str]) -> dict[str, float]:
    embeddings = E5Embeddings(
        load_embedder(settings.embedding_model, settings.cache_dir, settings.embedding_backend),
        settings.embedding_batch_size,
    )
    t = time.perf_counter()
    docs = [Document(page_content=text, metadata={"source": name}) for name, text in raw_documents()]
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
    # Inner product over normalised vectors: the ranking of bench/quality.py's LangChain row.
    store = FAISS.from_documents(chunks, embeddings, distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT)
    build_s = time.perf_counter() - t
    lat = []
    for q in questions:
        t = time.perf_counter()
        store.similarity_search(q, k=5)
        lat.append((time.perf_counter() - t) * 1000)
    return {
        "build_s": build_s,
        "embed_s": embeddings.seconds,
        "chunks": len(chunks),
        "p50_ms": common.pct(lat, 50),
        "p95_ms": common.pct(lat, 95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    settings = common.bench_settings()
    questions = [q["question"] for q in load_questions(common.DEV)]
    result: dict[str, Any] = {
        "machine": common.machine(),
        "backend": settings.embedding_backend,
        "runs": args.runs,
    }
    load_embedder(
        settings.embedding_model, settings.cache_dir, settings.embedding_backend
    )  # export, load once
    systems = {"this system": ours, "LangChain recipe": langchain}
    per_run: dict[str, list[dict[str, float]]] = {name: [] for name in systems}
    loads = []
    for r in range(args.runs):
        names = list(systems) if r % 2 == 0 else list(reversed(systems))
        for name in names:
            per_run[name].append(systems[name](settings, questions))
        loads.append(common.loadavg()[0])
    result["systems"] = {name: common.median_of_runs(runs) for name, runs in per_run.items()}
    result["all"] = per_run
    result["loadavg_per_run"] = loads
    result["machine"]["loadavg_end"] = common.loadavg()
    rows = [
        [
            name,
            int(v["chunks"]),
            v["build_s"],
            v["embed_s"],
            v["chunks"] / v["build_s"],
            v["chunks"] / v["embed_s"],
            v["p50_ms"],
            v["p95_ms"],
        ]
        for name, v in result["systems"].items()
    ]
    text = common.md_table(
        [
            "system",
            "chunks",
            "build s (corpus)",
            "of which embedding s",
            "chunks/s (build)",
            "chunks/s (embedding)",
            "query p50 ms",
            "query p95 ms",
        ],
        rows,
    )
    text += f"\n\n{len(questions)} dev questions; load per run: {', '.join(f'{x:.1f}' for x in loads)}."
    result["markdown"] = text
    print(text)
    print(f"JSON: {common.write_json('langchain_side_by_side.json', result)}")


if __name__ == "__main__":
    main()
