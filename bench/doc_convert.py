"""Which reader of old Word .doc keeps the tables: antiword, catdoc or LibreOffice (-> .docx -> our reader).

Usage: .venv/bin/python bench/doc_convert.py

Corpus 001 is written as .docx (tests/docgen.py), then as .doc by LibreOffice headless; each reader's output
is parsed by the pipeline and its indicator-table rows (label and value cells) are compared with those of the
.txt. Needs soffice, antiword and catdoc (Debian packages); a missing one is reported and skipped.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from docgen import docx_blocks_from_lines, make_docx  # noqa: E402

from qa.ingest.pipeline import parse_file  # noqa: E402

SOURCE = ROOT / "corpus" / "001_a66ba2e25b7bb22e.txt"
LIMIT = 50 * 1024 * 1024


def rows(path: Path) -> list:
    return [
        (b.row.label, b.row.values)
        for b in parse_file(path, LIMIT).blocks
        if b.row is not None and b.row.values
    ]


def main() -> None:
    reference = rows(SOURCE)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        docx = make_docx(
            work / "kh.docx", docx_blocks_from_lines(SOURCE.read_text(encoding="utf-8").split("\n"))
        )
        soffice = shutil.which("soffice")
        if soffice is None:
            sys.exit("soffice not installed (apt-get install libreoffice-writer)")
        profile = f"-env:UserInstallation={(work / 'lo').as_uri()}"
        subprocess.run([soffice, profile, "--headless", "--convert-to", "doc", "--outdir", str(work), str(docx)],
                       check=True, capture_output=True)  # fmt: skip
        doc = work / "kh.doc"
        outputs = {}
        for name, command, out in (
            ("antiword", ["antiword", "-w", "0", str(doc)], work / "antiword.txt"),
            ("catdoc", ["catdoc", "-w", "-d", "utf-8", str(doc)], work / "catdoc.txt"),
        ):
            if shutil.which(command[0]) is None:
                print(f"{name}: not installed, skipped")
                continue
            t0 = time.perf_counter()
            out.write_bytes(subprocess.run(command, check=True, capture_output=True).stdout)
            outputs[name] = (out, time.perf_counter() - t0)
        t0 = time.perf_counter()
        subprocess.run([soffice, profile, "--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir",
                        str(work / "lo-out"), str(doc)], check=True, capture_output=True)  # fmt: skip
        outputs["LibreOffice -> .docx"] = (work / "lo-out" / "kh.docx", time.perf_counter() - t0)
        print(f"| reader | table rows equal to the .txt's (of {len(reference)}) | seconds |\n|---|---|---|")
        for name, (path, seconds) in outputs.items():
            got = rows(path)
            print(f"| {name} | {sum(1 for r in got if r in reference)} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
