"""OCR of scanned pages: accuracy, throughput and share of ingest time, on pages rendered from the corpus.

Usage: .venv/bin/python bench/ocr.py [--pages 6] [--psm 6,4,3] [--dpi 300] [--ocrmypdf] [--ingest]

What it does
------------
Renders the first ``--pages`` pages of corpus 001 (prose, then its indicator table; the text as the test of
tests/ingest/test_ocr.py draws it: DejaVu Sans 11 pt, a ruled table at 10 pt, 200 dpi images in a PDF
without a text layer) and reads them back through ``qa.ingest.formats.load_file`` for each ``--psm``.

- CER: character error rate, Levenshtein distance / reference length, whitespace collapsed, per page kind
  (prose pages / pages with table rows).
- cells: share of the drawn table cells found exactly as a cell of an OCR'd row (tab-separated).
- s/page: wall time per page (``on_page`` timestamps); load average printed next to it.
- ``--ocrmypdf``: the same pages through ``ocrmypdf -l vie --output-type pdf`` and pypdf's text extraction,
  for the choice of pytesseract over OCRmyPDF (qa/ingest/formats/ocr.py).
- ``--ingest``: time of a whole ``qa ingest`` (parse, chunk, figures, embed, index) of the scanned PDF into a
  private index, and the share of it spent in OCR.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from docgen import find_font, make_scanned_pdf  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from bench.common import OUT, loadavg, machine, md_table  # noqa: E402
from qa.ingest.formats import LoadOptions, load_file  # noqa: E402
from qa.ingest.formats.ocr import OcrConfig  # noqa: E402
from qa.vn.text import collapse_ws  # noqa: E402

SOURCE = ROOT / "corpus" / "001_a66ba2e25b7bb22e.txt"


def corpus_paragraphs() -> list[str]:
    """Corpus 001 as drawn on paper: non-empty lines, markdown bold marks removed, tables as tab rows."""
    return [line.replace("**", "") for line in SOURCE.read_text(encoding="utf-8").split("\n") if line.strip()]


def pages_with_table(n_pages: int) -> list[str]:
    """The opening prose of 001 and its indicator table, about ``n_pages`` pages in all."""
    paragraphs = corpus_paragraphs()
    table_start = next(k for k, p in enumerate(paragraphs) if p.startswith("TT\tChỉ tiêu"))
    prose = paragraphs[: max(0, n_pages - 2) * 14]  # ~14 paragraphs of 001 fill a page
    return [*prose, "\f", *paragraphs[table_start - 1 : table_start + 30]]


def cer(reference: str, hypothesis: str) -> float:
    ref, hyp = collapse_ws(reference), collapse_ws(hypothesis)
    return Levenshtein.distance(ref, hyp) / max(1, len(ref))


def cells_found(reference: str, hypothesis: str) -> tuple[int, int]:
    drawn = [
        collapse_ws(c)
        for line in reference.split("\n")
        if "\t" in line
        for c in line.split("\t")
        if c.strip()
    ]
    read = {collapse_ws(c) for line in hypothesis.split("\n") if "\t" in line for c in line.split("\t")}
    return sum(1 for c in drawn if c in read), len(drawn)


def run_psm(pdf: Path, drawn: list[str], psm: int, dpi: int) -> dict:
    stamps: list[float] = [time.perf_counter()]
    options = LoadOptions(
        ocr=OcrConfig(dpi=dpi, psm=psm), on_page=lambda _done, _total: stamps.append(time.perf_counter())
    )
    load = loadavg()[0]
    loaded = load_file(pdf, 10**9, options)
    per_page = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    by_page = {
        n: "\n".join(t for t, p in zip(loaded.lines, loaded.pages, strict=True) if p == n)
        for n in range(1, len(drawn) + 1)
    }
    prose = [cer(drawn[n - 1], by_page[n]) for n in by_page if "\t" not in drawn[n - 1]]
    tables = [cer(drawn[n - 1], by_page[n]) for n in by_page if "\t" in drawn[n - 1]]
    found = [cells_found(drawn[n - 1], by_page[n]) for n in by_page]
    return {
        "psm": psm,
        "dpi": dpi,
        "cer_prose": statistics.mean(prose) if prose else None,
        "cer_table_pages": statistics.mean(tables) if tables else None,
        "cells": (sum(f[0] for f in found), sum(f[1] for f in found)),
        "s_per_page": statistics.median(per_page),
        "load": load,
        "warnings": loaded.warnings,
    }


def run_ocrmypdf(pdf: Path, drawn: list[str]) -> dict | None:
    program = shutil.which("ocrmypdf")
    if program is None:
        print("ocrmypdf not installed (apt-get install ocrmypdf): skipped")
        return None
    from pypdf import PdfReader

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.pdf"
        load = loadavg()[0]
        t0 = time.perf_counter()
        subprocess.run(
            [program, "-l", "vie", "--output-type", "pdf", "--optimize", "0", str(pdf), str(out)],
            check=True,
            capture_output=True,
        )
        elapsed = time.perf_counter() - t0
        texts = [p.extract_text() or "" for p in PdfReader(out).pages]
    prose = [cer(d, t) for d, t in zip(drawn, texts, strict=True) if "\t" not in d]
    tables = [cer(d, t) for d, t in zip(drawn, texts, strict=True) if "\t" in d]
    found = [cells_found(d, t) for d, t in zip(drawn, texts, strict=True)]
    return {
        "psm": "ocrmypdf",
        "dpi": "-",
        "cer_prose": statistics.mean(prose) if prose else None,
        "cer_table_pages": statistics.mean(tables) if tables else None,
        "cells": (sum(f[0] for f in found), sum(f[1] for f in found)),
        "s_per_page": elapsed / len(drawn),
        "load": load,
        "warnings": [],
    }


def run_ingest(pdf: Path) -> dict:
    from bench.common import bench_settings, passage_embedder
    from qa.index.build import build

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        shutil.copy(pdf, corpus / pdf.name)
        settings = bench_settings(index_dir=Path(tmp) / "index", corpus_dir=corpus)
        embed = passage_embedder(settings)
        embed(["passage: khởi động"])  # load the model outside the timing
        load = loadavg()[0]
        report = build(settings, embed=embed)
    return {
        "parse": report.timings.get("parse", 0.0),
        "total": report.timings.get("total", 0.0),
        "load": load,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=6)
    ap.add_argument("--psm", default="6,4,3")
    ap.add_argument("--dpi", default="300")
    ap.add_argument("--ocrmypdf", action="store_true")
    ap.add_argument("--ingest", action="store_true")
    args = ap.parse_args()
    font = find_font()
    if font is None:
        sys.exit("no TTF font with Vietnamese glyphs (apt-get install fonts-dejavu-core)")
    OUT.mkdir(parents=True, exist_ok=True)
    pdf = OUT / "scanned-001.pdf"
    drawn = make_scanned_pdf(pdf, pages_with_table(args.pages), font)
    print(f"{len(drawn)} pages rendered from {SOURCE.name}; machine: {machine()}")
    rows = []
    for dpi in (int(d) for d in args.dpi.split(",")):
        for psm in (int(p) for p in args.psm.split(",")):
            r = run_psm(pdf, drawn, psm, dpi)
            rows.append(r)
            print(r, flush=True)
    if args.ocrmypdf and (r := run_ocrmypdf(pdf, drawn)) is not None:
        rows.append(r)
        print(r, flush=True)
    table = md_table(
        ["mode", "dpi", "CER prose pages", "CER table pages", "table cells read exactly", "s/page", "load"],
        [
            [
                f"psm {r['psm']}" if isinstance(r["psm"], int) else r["psm"],
                r["dpi"],
                f"{r['cer_prose']:.2%}" if r["cer_prose"] is not None else "-",
                f"{r['cer_table_pages']:.2%}" if r["cer_table_pages"] is not None else "-",
                f"{r['cells'][0]}/{r['cells'][1]}",
                f"{r['s_per_page']:.1f}",
                f"{r['load']:.1f}",
            ]
            for r in rows
        ],
    )
    print(table)
    if args.ingest:
        ing = run_ingest(pdf)
        print(
            f"ingest of the {len(drawn)}-page scanned PDF: total {ing['total']:.1f}s, parse (OCR) {ing['parse']:.1f}s "
            f"= {ing['parse'] / ing['total']:.0%} of ingest; {len(drawn) / ing['parse']:.2f} pages/s; load {ing['load']:.1f}"
        )


if __name__ == "__main__":
    main()
