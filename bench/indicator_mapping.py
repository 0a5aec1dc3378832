"""Indicator mapping quality: every figure of the five shipped documents against the hand labels.

Labels (bench/data/indicator_labels.jsonl, 421 figures: all 127 table values and 294 prose values) give the
catalog id each figure is a province-wide or qualified value of, or null. A figure counts as mapped when
``qa.extract.indicators.map_figures`` gives it an id; precision = correct ids / mapped labelled figures,
recall = correct ids / labelled figures with an id. "Qualified" = labels with qualifiers: the product must
report a qualifier for each (never show it as the province-wide value). The other side is counted too: labelled
province-wide values mapped right that nevertheless got a qualifier (they would be hidden from province-wide
answers).

  python bench/indicator_mapping.py            # all five documents
  python bench/indicator_mapping.py --tune     # threshold sweep on documents 000 and 002 only (how MAP_THRESHOLD was chosen)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.extract import indicators as ind  # noqa: E402
from qa.extract.figures import extract_figures  # noqa: E402
from qa.extract.qualifiers import document_scope  # noqa: E402
from qa.ingest.pipeline import parse_file  # noqa: E402

LABELS = ROOT / "bench" / "data" / "indicator_labels.jsonl"
TUNE_DOCS = ("000", "002")


def figures_by_key() -> dict[tuple[str, int, str, int | None, str | None], list]:
    out: dict = {}
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        doc = parse_file(path, 50 * 1024 * 1024)
        figs = extract_figures(doc)
        ind.map_figures(figs, document_scope(doc), doc.lines)
        for f in figs:
            out.setdefault((f.source, f.line, f.value_text, f.year, f.kind), []).append(f)
    return out


def score(labels: list[dict], figs: dict, docs: tuple[str, ...] | None = None) -> dict:
    tp = fp = fn = found = qual_ok = qual_n = plain_n = plain_qualified = 0
    for lab in labels:
        if docs and lab["source"][:3] not in docs:
            continue
        key = (lab["source"], lab["line"], lab["value_text"], lab["year"], lab["kind"])
        cands = figs.get(key) or []
        if not cands:
            continue
        found += 1
        f = (
            cands[0]
            if len(cands) == 1
            else next((c for c in cands if c.indicator == lab["indicator_label"]), cands[0])
        )
        gold = lab["indicator_id"]
        if f.indicator_id is not None:
            tp += f.indicator_id == gold
            fp += f.indicator_id != gold
        if gold is not None and f.indicator_id != gold:
            fn += 1
        if lab.get("qualifiers") and gold:
            qual_n += 1
            qual_ok += bool(f.qualifiers) or f.indicator_id is None
        elif gold and f.indicator_id == gold:
            plain_n += 1
            plain_qualified += bool(f.qualifiers)
    return {
        "labels_found": found,
        "precision": tp / max(1, tp + fp),
        "recall": tp / max(1, tp + fn),
        "mapped": tp + fp,
        "correct": tp,
        "qualified": qual_n,
        "qualified_flagged_or_unmapped": qual_ok,
        "plain": plain_n,
        "plain_qualified": plain_qualified,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tune", action="store_true")
    args = ap.parse_args()
    labels = [json.loads(line) for line in LABELS.open(encoding="utf-8")]
    if args.tune:
        for threshold in (0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9):
            ind.MAP_THRESHOLD = threshold
            r = score(labels, figures_by_key(), TUNE_DOCS)
            print(
                f"threshold {threshold:.2f}: precision {r['precision']:.3f} recall {r['recall']:.3f} (docs {TUNE_DOCS})"
            )
        return
    figs = figures_by_key()
    for name, docs in (
        ("all five", None),
        ("tuning docs 000, 002", TUNE_DOCS),
        ("held-out docs 001, 003, 004", ("001", "003", "004")),
    ):
        r = score(labels, figs, docs)
        print(
            f"{name}: labels found {r['labels_found']}, mapped {r['mapped']}, precision {r['precision']:.3f}, "
            f"recall {r['recall']:.3f}; qualified values flagged or left unmapped "
            f"{r['qualified_flagged_or_unmapped']}/{r['qualified']}; province-wide values given a qualifier "
            f"{r['plain_qualified']}/{r['plain']}"
        )


if __name__ == "__main__":
    main()
