"""Detected metadata of documents kept outside the repository, against a file of expected values.

Usage: .venv/bin/python bench/metadata.py FILE... [--expected expected_meta.jsonl] [--markdown]

Each FILE is parsed with ``qa.ingest.pipeline.parse_file`` (no index, nothing written). With ``--expected``
(JSON lines with file, title, province, kind, number, date, years), each field is compared:

- title: equal after folding accents and case, ignoring the document kind the title may start with
  ("Kế hoạch phòng, chống …" = "Phòng, chống …") and punctuation;
- kind, số hiệu, province: equal as written ("Tin" and "Tin bài" name the same kind);
- years: the detected list contains every expected year (the detector also counts the issue year,
  which the expected lists leave out for plans issued before their period: see docs/architecture.md).

The texts are third-party: they stay outside the repository, only the table is reported.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.ingest.pipeline import parse_file  # noqa: E402
from qa.vn.lexicon import lexicon  # noqa: E402
from qa.vn.text import fold  # noqa: E402

_KIND_NAMES = sorted({fold(k.name) for k in lexicon().document_kinds}, key=len, reverse=True)
_SAME_KIND = {"tin": "tin bai"}


def _title_key(title: str | None) -> str:
    t = re.sub(r"[^\w\s]", " ", fold(title or ""))
    t = " ".join(t.split())
    for kind in _KIND_NAMES:
        if t.startswith(kind + " "):
            return t[len(kind) + 1 :]
    return t


def _kind_key(kind: str | None) -> str:
    k = fold(kind or "")
    return _SAME_KIND.get(k, k)


def check(meta: Any, exp: dict) -> dict[str, bool]:
    """Each expected field against a document's metadata (a DocumentMeta, or the API's document as a namespace)."""
    return {
        "title": _title_key(meta.title) == _title_key(exp["title"]),
        "kind": _kind_key(meta.kind) == _kind_key(exp["kind"]),
        "number": (meta.number or None) == (exp["number"] or None),
        "province": meta.province == exp["province"],
        "years": set(exp["years"]) <= set(meta.years),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--expected", type=Path)
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    expected = {}
    if args.expected:
        for line in args.expected.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                expected[item["file"]] = item
    totals = {"title": 0, "kind": 0, "number": 0, "province": 0, "years": 0}
    rows = []
    for path in args.files:
        meta = parse_file(path, 50 * 1024 * 1024).meta
        exp = expected.get(path.name)
        ok = {}
        if exp:
            ok = check(meta, exp)
            for k, v in ok.items():
                totals[k] += v
        rows.append((path.name, meta, exp, ok))
    for name, meta, exp, ok in rows:
        print(f"== {name}")
        for field, got, want in (
            ("title", meta.title, exp and exp["title"]),
            ("kind", meta.kind, exp and exp["kind"]),
            ("number", meta.number, exp and exp["number"]),
            ("province", meta.province, exp and exp["province"]),
            ("years", meta.years, exp and exp["years"]),
        ):
            mark = ("✓" if ok.get(field) else "✗") if exp else ""
            print(f"  {mark} {field:8} {got!r}" + (f"   expected {want!r}" if exp else ""))
        print(f"    issuer {meta.issuer!r}  date {meta.date!r}  current {meta.current_province!r}")
    if expected:
        n = sum(1 for _, _, e, _ in rows if e)
        print("correct: " + ", ".join(f"{k} {v}/{n}" for k, v in totals.items()))
    if args.markdown and expected:
        print("\n| file | field | expected | detected | ok |\n|---|---|---|---|---|")
        for name, meta, exp, ok in rows:
            for field, got, want in (
                ("title", meta.title, exp["title"]),
                ("kind", meta.kind, exp["kind"]),
                ("số hiệu", meta.number, exp["number"]),
                ("province", meta.province, exp["province"]),
                ("years", meta.years, exp["years"]),
            ):
                key = {"số hiệu": "number"}.get(field, field)
                print(f"| {name[:3]} | {field} | {want} | {got} | {'✓' if ok[key] else '✗'} |")


if __name__ == "__main__":
    main()
