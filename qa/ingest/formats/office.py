"""Old Word .doc and OpenDocument .odt: converted to .docx by LibreOffice headless, then read as .docx.

Why LibreOffice and not antiword/catdoc: it keeps the tables. On corpus 001 written as .doc by LibreOffice
(tests/ingest/test_office.py builds the same file), the indicator table came back with 20 of 20 rows equal
to the text file's through LibreOffice -> .docx -> our .docx reader; catdoc's tab-separated output gave 5 of
20 (a leading tab shifts every cell), antiword's padded "|cell|" rows 0 of 20 (bench/RESULTS.md, ".doc").
antiword and catdoc also read only .doc, not .odt, and lose headings and bold; one converter serves both
formats and everything the .docx reader already knows (merged cells, TCVN3 fonts) applies unchanged.
The price is ~3 s per file for starting LibreOffice, paid once at ingest.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from qa.ingest.formats.docx import load_docx
from qa.models import IngestError, LoadedText

_MISSING = (
    "máy chủ chưa cài LibreOffice (gói libreoffice-writer) nên không đọc được tệp .{ext}; "
    "hãy lưu lại tệp dưới dạng .docx"
)


def load_office(data: bytes, ext: str, soffice: str = "soffice", timeout_s: float = 120.0) -> LoadedText:
    """A .doc/.odt file's text, through LibreOffice's .docx export and the .docx reader."""
    program = shutil.which(soffice)
    if program is None:
        raise IngestError(_MISSING.format(ext=ext))
    with tempfile.TemporaryDirectory(prefix="qa-office-") as tmp:
        work = Path(tmp)
        source = work / f"input.{ext}"
        source.write_bytes(data)
        # A profile of its own: a LibreOffice already running for another user or job does not block this one.
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        _run(command, timeout_s, ext, work)
        converted = work / "out" / "input.docx"
        if not converted.is_file():
            raise IngestError(f"LibreOffice không đọc được tệp .{ext} (tệp hỏng hoặc không đúng định dạng)")
        loaded = load_docx(converted.read_bytes())
    loaded.fmt = ext
    return loaded


def _run(command: list[str], timeout_s: float, ext: str, home: Path) -> None:
    env = {**os.environ, "HOME": str(home)}  # LibreOffice writes its caches under $HOME
    with subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True
    ) as proc:
        try:
            _, err = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # soffice starts helpers in its own session: end them all
            proc.communicate()
            raise IngestError(
                f"LibreOffice quá thời gian chuyển đổi tệp .{ext} ({timeout_s:.0f} giây)"
            ) from None
    if proc.returncode != 0:
        detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
        raise IngestError(
            f"LibreOffice không chuyển đổi được tệp .{ext}: {' '.join(detail)[:160] or proc.returncode}"
        )
