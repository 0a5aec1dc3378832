"""Metrics of eval/README.md: hit@1, hit@5, MRR, figure@1, abstention, false abstention, latency."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from qa.vn.numbers import parse_vn_number
from qa.vn.text import evidence_form

Responder = Callable[[dict[str, Any]], dict[str, Any]]


def load_questions(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def first_hit_rank(item: dict[str, Any], citations: list[dict[str, Any]]) -> int | None:
    """1-based rank at which the gold evidence is covered (for comparisons: both files), or None."""
    needed = list(zip(item.get("doc") or [], item.get("evidence") or [], strict=False))
    if not needed:
        return None
    if item.get("type") == "compare":
        # Each gold file must be hit by some citation; the rank is the one that completes the set.
        found: dict[int, int] = {}
        for rank, cit in enumerate(citations, 1):
            text = evidence_form(cit.get("text", ""))
            for k, (doc, ev) in enumerate(needed):
                if k not in found and cit.get("source") == doc and evidence_form(ev) in text:
                    found[k] = rank
        return max(found.values()) if len(found) == len(needed) else None
    for rank, cit in enumerate(citations, 1):
        text = evidence_form(cit.get("text", ""))
        if any(cit.get("source") == doc and evidence_form(ev) in text for doc, ev in needed):
            return rank
    return None


def figure_ok(item: dict[str, Any], figures: list[dict[str, Any]]) -> bool:
    gold = parse_vn_number(str(item["figure"]["value"]))
    if not figures or gold is None:
        return False
    return abs(float(figures[0]["value"]) - gold) < 1e-6


def evaluate(items: list[dict[str, Any]], respond: Responder) -> dict[str, Any]:
    rows = []
    for item in items:
        t0 = time.perf_counter()
        response = respond(item)
        latency = (time.perf_counter() - t0) * 1000
        citations = response.get("citations", [])
        rank = first_hit_rank(item, citations)
        # Retrieval-only responders have no abstention or figures: leave those metrics out for them.
        abstained = bool(response["abstained"]) if "abstained" in response else None
        row = {
            "id": item["id"],
            "type": item["type"],
            "question": item["question"],
            "rank": rank,
            "abstained": abstained,
            "latency_ms": latency,
            "answer": response.get("answer", ""),
        }
        if item["type"] == "figure" and "figures" in response:
            row["figure_ok"] = figure_ok(item, response.get("figures", []))
            row["figure_top"] = (response.get("figures") or [{}])[0].get("value_text")
        rows.append(row)
    return {"summary": summarize(rows), "items": rows}


def _block(rows: list[dict[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in rows if r["type"] != "unanswerable"]
    out: dict[str, Any] = {"n": len(rows)}
    if answerable:
        ranks = [r["rank"] for r in answerable]
        out["hit@1"] = float(np.mean([r is not None and r <= 1 for r in ranks]))
        out["hit@5"] = float(np.mean([r is not None and r <= 5 for r in ranks]))
        out["mrr"] = float(np.mean([1.0 / r if r else 0.0 for r in ranks]))
        if all(r["abstained"] is not None for r in answerable):
            out["false_abstention"] = float(np.mean([r["abstained"] for r in answerable]))
    figures = [r for r in rows if "figure_ok" in r]
    if figures:
        out["figure@1"] = float(np.mean([r["figure_ok"] for r in figures]))
    unanswerable = [r for r in rows if r["type"] == "unanswerable" and r["abstained"] is not None]
    if unanswerable:
        out["abstention"] = float(np.mean([r["abstained"] for r in unanswerable]))
    return out


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_type[r["type"]].append(r)
    latencies = np.array([r["latency_ms"] for r in rows]) if rows else np.zeros(1)
    return {
        "overall": _block(rows),
        "by_type": {t: _block(rs) for t, rs in sorted(by_type.items())},
        "latency_ms": {
            "p50": float(np.percentile(latencies, 50)),
            "p95": float(np.percentile(latencies, 95)),
        },
    }
