"""Dev-set quality of the full system next to BM25, dense-only and the common LangChain recipe.

Usage: HF_HUB_OFFLINE=1 .venv/bin/python bench/quality.py [--top-k 5]

Every system is scored with qa.evaluation (hit@1, hit@5, MRR over the first 5 citations; figure@1 and
abstention only for the full system, the others return no figures and never abstain). Baseline
citations are their top-5 chunks (text + source file name). Writes bench/out/quality.json.

Systems
- system: ``Answerer.ask`` over the benchmark index (our chunks, hybrid retrieval, answer layer);
- ours lexical / ours hybrid: ``Engine.search`` alone (no answer layer), for reference;
- dense: ``Engine.search(mode="dense")``: e5 + FAISS over our chunks;
- bm25 whitespace: bm25s over ``str.split()`` tokens of raw-text 1000/200 RecursiveCharacterTextSplitter chunks;
- bm25 syllables: bm25s over NFC lower-cased syllables + syllable bigrams of 1000/200 chunks of NFC text;
- langchain faiss: raw text, 1000/200 chunks, the same e5 model and prompts, FAISS IndexFlatIP over
  normalised vectors (what langchain-community's FAISS wrapper does, in a few lines).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bm25s
import common  # first party-ish: sets HF_HUB_OFFLINE and sys.path before any Hugging Face import
import faiss
import numpy as np
from langchain_text_splitters import RecursiveCharacterTextSplitter

from qa.evaluation import evaluate, load_questions
from qa.settings import Settings

Citation = dict[str, str]
Retriever = Callable[[str], list[Citation]]


def raw_documents() -> list[tuple[str, str]]:
    """(file name, text) of the corpus exactly as stored: no NFC, no Ð→Đ, nothing."""
    return [
        (p.name, p.read_text(encoding="utf-8"))
        for p in sorted((common.ROOT / "corpus").iterdir())
        if p.suffix in (".txt", ".md") and p.is_file()
    ]


def split(docs: list[tuple[str, str]]) -> list[Citation]:
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)  # the recipe's defaults
    return [{"source": name, "text": piece} for name, text in docs for piece in splitter.split_text(text)]


def nfc_syllables(text: str) -> list[str]:
    sylls = re.findall(r"\w+", unicodedata.normalize("NFC", text).lower())
    return sylls + [f"{a}_{b}" for a, b in zip(sylls, sylls[1:], strict=False)]


def bm25_retriever(chunks: list[Citation], tokenize: Callable[[str], list[str]], k: int) -> Retriever:
    retriever = bm25s.BM25()
    retriever.index([tokenize(c["text"]) or [""] for c in chunks], show_progress=False)
    vocab = retriever.vocab_dict

    def retrieve(question: str) -> list[Citation]:
        tokens = [t for t in tokenize(question) if t in vocab]
        if not tokens:
            return []
        scores = np.asarray(retriever.get_scores(tokens))[: len(chunks)]
        order = np.argsort(-scores, kind="stable")[:k]
        return [chunks[i] for i in order if scores[i] > 0]

    return retrieve


def langchain_retriever(chunks: list[Citation], settings: Settings, k: int) -> Retriever:
    from qa.embeddings.model import embed_passages, embed_queries, load_embedder

    model = load_embedder(settings.embedding_model, settings.cache_dir, settings.embedding_backend)
    digest = hashlib.sha256("\0".join(c["text"] for c in chunks).encode()).hexdigest()[:16]
    cache = common.CACHE / f"langchain-{settings.embedding_backend}-{digest}.npy"
    if cache.exists():  # deterministic vectors: re-embedding on every run would only cost time
        vectors = np.load(cache)
    else:
        vectors = embed_passages(model, [c["text"] for c in chunks], batch_size=settings.embedding_batch_size)
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, vectors)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)

    def retrieve(question: str) -> list[Citation]:
        _, ids = index.search(embed_queries(model, [question]), k)
        return [chunks[i] for i in ids[0] if i >= 0]

    return retrieve


def search_responder(engine: Any, mode: str, k: int) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def respond(item: dict[str, Any]) -> dict[str, Any]:
        hits = engine.search(item["question"], k, mode=mode)
        return {"citations": [{"source": h.chunk.source, "text": h.chunk.text} for h in hits]}

    return respond


SYSTEMS = [
    "system",
    "ours hybrid search",
    "ours lexical search",
    "dense (ours)",
    "bm25 whitespace",
    "bm25 syllables+bigrams",
    "langchain faiss",
]
HAS_ANSWER_LAYER = {"system"}


def run(k: int, index_dir: Path) -> dict[str, Any]:
    from qa.answer import Answerer
    from qa.retrieval.engine import Engine

    settings = common.bench_settings(index_dir)
    common.ensure_index(settings)
    items = load_questions(common.DEV)
    engine = Engine(settings)
    answerer = Answerer(engine)
    answerer.ask("khởi động", 1)  # warm-up: model load is not part of any question

    raw_chunks = split(raw_documents())
    nfc_chunks = split([(n, unicodedata.normalize("NFC", t)) for n, t in raw_documents()])

    def wrap(retrieve: Retriever) -> Callable[[dict[str, Any]], dict[str, Any]]:
        return lambda item: {"citations": retrieve(item["question"])}

    responders: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
        "system": lambda item: answerer.ask(item["question"], k).model_dump(),
        "ours hybrid search": search_responder(engine, "hybrid", k),
        "ours lexical search": search_responder(engine, "lexical", k),
        "dense (ours)": search_responder(engine, "dense", k),
        "bm25 whitespace": wrap(bm25_retriever(raw_chunks, str.split, k)),
        "bm25 syllables+bigrams": wrap(bm25_retriever(nfc_chunks, nfc_syllables, k)),
        "langchain faiss": wrap(langchain_retriever(raw_chunks, settings, k)),
    }
    reports = {name: evaluate(items, responders[name]) for name in SYSTEMS}
    return {
        "backend": settings.embedding_backend,
        "top_k": k,
        "chunks": {
            "ours": len(engine.chunks),
            "raw 1000/200": len(raw_chunks),
            "nfc 1000/200": len(nfc_chunks),
        },
        "machine": common.machine(),
        "reports": reports,
    }


def tables(result: dict[str, Any]) -> str:
    reports = result["reports"]
    rows = []
    for name in SYSTEMS:
        o = reports[name]["summary"]["overall"]
        answer_layer = name in HAS_ANSWER_LAYER
        rows.append(
            [
                name,
                o["hit@1"],
                o["hit@5"],
                o["mrr"],
                o.get("figure@1") if answer_layer else None,
                o.get("abstention") if answer_layer else None,
                o.get("false_abstention") if answer_layer else None,
            ]
        )
    out = [
        common.md_table(
            ["system", "hit@1", "hit@5", "MRR", "figure@1", "abstention", "false abstention"], rows
        )
    ]
    types = [t for t in reports["system"]["summary"]["by_type"] if t != "unanswerable"]
    by_type = reports["system"]["summary"]["by_type"]
    head = ["system"] + [f"{t} (n={by_type[t]['n']}) hit@1 / hit@5 / MRR" for t in types]
    rows = []
    for name in SYSTEMS:
        bt = reports[name]["summary"]["by_type"]
        rows.append(
            [name] + [f"{bt[t]['hit@1']:.3f} / {bt[t]['hit@5']:.3f} / {bt[t]['mrr']:.3f}" for t in types]
        )
    out.append(common.md_table(head, rows))
    un = by_type.get("unanswerable")
    if un:
        fig = by_type.get("figure", {})
        out.append(
            f"system only: figure@1 on figure questions {fig.get('figure@1', float('nan')):.3f} "
            f"(n={fig.get('n', 0)}); abstention on unanswerable {un['abstention']:.3f} (n={un['n']})"
        )
    return "\n\n".join(out)


def misses(result: dict[str, Any]) -> str:
    """Questions a baseline gets in its top 5 and the full system does not (or ranks lower at 1)."""
    reports = result["reports"]
    ours = {r["id"]: r for r in reports["system"]["items"]}
    lines = []
    for name in SYSTEMS[1:]:
        for r in reports[name]["items"]:
            mine = ours[r["id"]]
            if r["type"] == "unanswerable" or r["rank"] is None:
                continue
            if mine["rank"] is None or (r["rank"] == 1 and mine["rank"] != 1):
                lines.append(
                    f"- {r['id']} ({r['type']}): {name} rank {r['rank']}, system rank {mine['rank']}"
                    f"{' (abstained)' if mine['abstained'] else ''} — {r['question'][:80]}"
                )
    return "\n".join(lines) or "(none)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top-k", type=int, default=5)
    parser.add_argument(
        "--index-dir",
        type=Path,
        default=common.BENCH_INDEX,
        help="benchmark index to use or build (one per embedding backend)",
    )
    parser.add_argument("--out", default="quality.json")
    args = parser.parse_args()
    result = run(args.top_k, args.index_dir)
    text = tables(result)
    print(
        f"Quality on eval/dev.jsonl (backend {result['backend']}, top-{args.top_k} citations; chunks {result['chunks']})\n"
    )
    print(text)
    print("\nWhere a baseline finds the evidence and the system does not (or not at rank 1):")
    print(misses(result))
    result["markdown"] = text
    print(f"\nJSON: {common.write_json(args.out, result)}")


if __name__ == "__main__":
    main()
