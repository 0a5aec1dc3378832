"""Measure the figure extractor on the indicator tables of the real corpus (and on the dev figure questions).

Usage: .venv/bin/python bench/figure_quality.py [--verbose]

How it counts
-------------
Expected set: for every table row of the five documents whose header has year/KH/TH columns, one tuple
(document, row line, indicator = the row label, value, year, kind) per value cell that starts with a
number. The column -> (kind, year) mapping is written below BY HAND for each table, from reading the
documents, not from the extractor's rules. Cell values are read here with a deliberately plain reader
(optional comparator, then a Vietnamese number); cells without a number ("Đạt mục tiêu") give nothing.

Predicted set: the extractor's table figures (``column`` set) of those rows.

A predicted figure matches an expected tuple when document, row line, year, kind and value agree and the
folded row label is contained in the folded indicator (the extractor may prefix a sub-row with its
parent: "Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng: Cân nặng theo tuổi"). Each tuple matches once.
precision = matched predicted / predicted, recall = matched expected / expected.

Second measurement: for each ``figure`` question of eval/dev.jsonl, whether a figure with the gold
value, year and kind was extracted from the gold document at all (extraction recall), and whether
``find_figures`` on the question text ranks one first / in its top 5 (no filters, all five documents).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # runnable without installing the package

from qa.extract.figures import extract_figures  # noqa: E402
from qa.ingest.pipeline import parse_file  # noqa: E402
from qa.models import Figure, ParsedDocument  # noqa: E402
from qa.retrieval.lookup import find_figures  # noqa: E402
from qa.vn.numbers import parse_vn_number  # noqa: E402
from qa.vn.text import fold  # noqa: E402

# Hand-written: what each value column of each indicator table holds, read from the documents.
TABLES: dict[tuple[str, tuple[str, ...]], dict[str, tuple[str, int]]] = {
    # Hậu Giang report on 2023: "1.2. Các chỉ tiêu hoạt động của ngành", plan and result of 2023.
    ("000", ("TT", "Chỉ tiêu", "ĐVT", "KH 2023", "TH 2023")): {
        "KH 2023": ("plan", 2023),
        "TH 2023": ("actual", 2023),
    },
    # Same report, Phần II "2. Chỉ tiêu" for 2024: the year's plan.
    ("000", ("TT", "Chỉ tiêu", "ĐVT", "2024")): {"2024": ("plan", 2024)},
    # Bắc Giang plan for 2024: estimate of 2023 and plan of 2024.
    ("001", ("TT", "Chỉ tiêu", "Đơn vị tính", "Ước TH năm 2023", "Kế hoạch năm 2024")): {
        "Ước TH năm 2023": ("estimate", 2023),
        "Kế hoạch năm 2024": ("plan", 2024),
    },
    # Kiên Giang strategy plan (to 2030): targets for 2025 and 2030.
    ("003", ("TT", "Chỉ tiêu", "Đơn vị", "Năm 2025", "Năm 2030")): {
        "Năm 2025": ("target", 2025),
        "Năm 2030": ("target", 2030),
    },
    # Hà Nam plan for 2022, "1. 2. Chỉ tiêu chủ yếu": the 2022 plan.
    ("004", ("STT", "Chỉ tiêu", "ĐV tính", "Năm 2022")): {"Năm 2022": ("plan", 2022)},
}

_CELL = re.compile(r"^\s*(?:<=|>=|≤|≥|<|>)?\s*(\d[\d.,]*\d|\d)")


@dataclass(frozen=True, slots=True)
class Expected:
    doc: str
    line: int  # first line of the table row
    label: str
    value: float
    year: int
    kind: str


def _cell_value(cell: str) -> float | None:
    m = _CELL.match(cell)
    return parse_vn_number(m.group(1)) if m else None


def expected_rows(key: str, doc: ParsedDocument) -> list[Expected]:
    out: list[Expected] = []
    for block in doc.blocks:
        row = block.row
        if row is None:
            continue
        mapping = TABLES.get((key, tuple(row.header)))
        if mapping is None:
            continue
        for column, cell in row.values:
            value = _cell_value(cell)
            if column in mapping and value is not None:
                kind, year = mapping[column]
                out.append(Expected(key, block.start_line, row.label.strip(), value, year, kind))
    return out


def table_lines(key: str, doc: ParsedDocument) -> set[int]:
    return {b.start_line for b in doc.blocks if b.row is not None and (key, tuple(b.row.header)) in TABLES}


def _matches(fig: Figure, exp: Expected) -> bool:
    return (
        fig.row_key.endswith(f":{exp.line}")
        and fig.year == exp.year
        and fig.kind == exp.kind
        and abs(fig.value - exp.value) < 1e-9
        and fold(exp.label) in fold(fig.indicator)
    )


def measure_tables(docs: dict[str, ParsedDocument], verbose: bool) -> None:
    total_pred = total_exp = matched_pred = matched_exp = 0
    print("Indicator tables: (indicator, value, year, kind) per value cell")
    print(f"{'doc':4} {'expected':>8} {'predicted':>9} {'matched':>8} {'precision':>9} {'recall':>7}")
    for key, doc in docs.items():
        expected = expected_rows(key, doc)
        lines = table_lines(key, doc)
        predicted = [
            f for f in extract_figures(doc) if f.column and int(f.row_key.rsplit(":", 1)[1]) in lines
        ]
        used: set[int] = set()
        hits = 0
        for fig in predicted:
            j = next((i for i, e in enumerate(expected) if i not in used and _matches(fig, e)), None)
            if j is None:
                if verbose:
                    print(f"   extra  {key}:{fig.line} {fig.indicator!r} {fig.value} {fig.year} {fig.kind}")
                continue
            used.add(j)
            hits += 1
        if verbose:
            for i, e in enumerate(expected):
                if i not in used:
                    print(f"   missed {key}:{e.line} {e.label!r} {e.value} {e.year} {e.kind}")
        p = hits / len(predicted) if predicted else 1.0
        r = len(used) / len(expected) if expected else 1.0
        print(f"{key:4} {len(expected):8d} {len(predicted):9d} {hits:8d} {p:9.3f} {r:7.3f}")
        total_pred += len(predicted)
        total_exp += len(expected)
        matched_pred += hits
        matched_exp += len(used)
    p = matched_pred / total_pred if total_pred else 1.0
    r = matched_exp / total_exp if total_exp else 1.0
    print(f"{'all':4} {total_exp:8d} {total_pred:9d} {matched_pred:8d} {p:9.3f} {r:7.3f}")


def measure_dev(docs: dict[str, ParsedDocument]) -> None:
    path = ROOT / "eval" / "dev.jsonl"
    if not path.exists():
        return
    figures = {key: extract_figures(doc) for key, doc in docs.items()}
    everything = [f for figs in figures.values() for f in figs]
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [i for i in items if i["type"] == "figure" and i.get("figure")]
    found = top1 = top5 = 0
    print(f"\nDev figure questions ({len(items)}): gold value+year+kind extracted / find_figures rank")
    for item in items:
        gold = item["figure"]
        value = parse_vn_number(gold["value"])
        key = item["doc"][0][:3]

        def is_gold(f: Figure, key: str = key, value: float | None = value, gold: dict = gold) -> bool:
            return (
                f.doc_id.startswith(key)
                and value is not None
                and abs(f.value - value) < 1e-9
                and f.year == gold["year"]
                and f.kind == gold["kind"]
            )

        ok = any(is_gold(f) for f in figures[key])
        ranked = find_figures(everything, item["question"], None, None, None, 5)
        rank = next((i + 1 for i, f in enumerate(ranked) if is_gold(f)), None)
        found += ok
        top1 += rank == 1
        top5 += rank is not None
        print(
            f"  {item['id']} extracted={'yes' if ok else 'NO '} rank={rank or '-'}  {item['question'][:70]}"
        )
    n = len(items) or 1
    print(
        f"extraction recall {found}/{len(items)} = {found / n:.3f}; "
        f"find_figures top-1 {top1}/{len(items)} = {top1 / n:.3f}, top-5 {top5}/{len(items)} = {top5 / n:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verbose", action="store_true", help="list extra and missed tuples")
    args = parser.parse_args()
    docs = {p.name[:3]: parse_file(p, 50 * 1024 * 1024) for p in sorted((ROOT / "corpus").glob("*.txt"))}
    measure_tables(docs, args.verbose)
    measure_dev(docs)


if __name__ == "__main__":
    main()
