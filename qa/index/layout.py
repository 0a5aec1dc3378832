"""One index generation on disk, and which one is current.

Layout: ``index/gen-000007/{store.sqlite, vectors.faiss, vectors.npy, ids.npy, lexical/, manifest.json}``
and ``index/current``, a symlink swapped with one rename. A reader resolves ``current`` once and sees an old
or a new generation, never a mix; a build that dies half-way leaves only a ``.gen-*.tmp-*`` directory that the
next build removes (``qa.fsutil.staged_directory`` publishes a finished generation in one rename).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from qa.fsutil import fsync_dir

CURRENT = "current"
ABBREVIATIONS_FILE = "abbreviations.json"  # learned by qa.extract.abbreviations at build time
ANSWER_MODEL_FILE = "answer_model.json"  # fitted by `qa train` on this generation (qa.answer.learn)
# Bump when the tokens, the store schema or the extraction change: an index of another format is read again
# by the next `qa ingest` (vectors of unchanged chunks are reused) and refused by the engine until then.
# 5: documents.issuer, letterhead metadata, prose targets; figures mapped to the indicator catalog; abbreviations.
# 6: doc_id is the file name with its extension (qa.ingest.pipeline.doc_id_for), so x.txt and x.docx are two
#    documents; vectors are reused by passage text, so the re-read costs no embedding.
# 7: the dense side embeds ``embedding_text`` (document line, nearest section level, table header, text) instead
#    of the lexical side's ``passage_text``, with the fused embedding export (qa.embeddings.onnx, export 2); meta
#    records ``embedding_text``. Every vector of a format-6 generation is recomputed once.
# 8: metadata of pages and web copies (news headline and date line, the letterhead's end, years of figures and
#    leads); figures' indicators and qualifiers (qa.extract.qualifiers: section, title and sentence periods,
#    parts listed after their whole, unit families, shares of a plan and changes unmapped).
# 9: structure (a short numbered heading no longer takes the sentence under it); prose years, kinds and names
#    (the year right after a value, later "đến năm" targets, plans in parentheses, shares named after their
#    value); qualifiers of parts a sentence lists (in parentheses, after "trong đó", catalog parts) and a part's
#    label naming its whole.
# 10: a paragraph's opening period or date ended by a colon ("Tính đến 30/6/2023: …") narrows the values of all
#    its sentences (qa.extract.qualifiers.paragraph_scope).
# 11: any "N tháng (đầu năm)" (and "07 tháng") narrows like "6 tháng"; "%0" is ‰; a prose value's year from the
#    date in the parenthesis after it ("(… 01/4/2019)") or the end of the period named before it ("giai đoạn
#    2009-2019"), and "… 18,9‰ đến năm 2019 còn 17,2‰" leaves 2019 to the second value; a clause that says only
#    its year ("…, năm 2010 là 2,06 con; năm 2015 là 2,25 con") continues the sentence's indicator; "con" is a
#    (weak) unit; a grid under a header of year columns ("2015 2017 2020 Sơ bộ 2021") is a table, its past years
#    reported (actual) and "Sơ bộ" an estimate; an undated news report's years leave out the baselines of its
#    changes ("so với năm 2021") for the year after them.
# 12: structure: a line ending in a colon goes on with the value on the next line ("- Số trẻ sinh trong năm là:"
#    + "24.533 trẻ."), which was a paragraph of its own with no label; a sentence's span that adds up over more
#    than the report's period ("lũy tích … đến nay", "Tính từ đầu đợt dịch (ngày 08/7/2021) đến ngày
#    10/12/2023" in a 2023 report) also narrows the totals of the next sentences of its section until the text
#    states a time of its own (qa.extract.qualifiers.span_carries).
FORMAT_VERSION = 12


def current_generation(index_dir: Path) -> Path | None:
    link = index_dir / CURRENT
    if not link.exists():
        return None
    return link.resolve()


def next_generation_number(index_dir: Path) -> int:
    numbers = [int(p.name[4:]) for p in index_dir.glob("gen-*") if p.name[4:].isdigit()]
    return max(numbers, default=0) + 1


def switch_current(index_dir: Path, target: Path) -> None:
    tmp_link = index_dir / f".current-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(target.name)
    os.replace(tmp_link, index_dir / CURRENT)  # atomic on POSIX
    fsync_dir(index_dir)


def prune(index_dir: Path, keep: set[str]) -> None:
    """Keep the new and the previous generation (a reader may still hold the previous one)."""
    for gen in index_dir.glob("gen-*"):
        if gen.name not in keep:
            shutil.rmtree(gen, ignore_errors=True)


def remove_stale_temp(index_dir: Path) -> None:
    for tmp in index_dir.glob(".gen-*.tmp-*"):
        shutil.rmtree(tmp, ignore_errors=True)
