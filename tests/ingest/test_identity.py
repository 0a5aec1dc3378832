"""Defect 1 of issue 16: two files with the same stem got the same doc_id (x.txt and x.docx collided)."""

from __future__ import annotations

import pytest

from qa.ingest.pipeline import doc_id_for


def test_same_stem_other_extension_is_another_document() -> None:
    ids = {doc_id_for(n) for n in ("x.txt", "x.docx", "x.md", "x.pdf", "x.html", "x.htm", "X.txt")}
    assert len(ids) == 7


def test_plain_names_are_their_own_id() -> None:
    assert doc_id_for("001_a66ba2e25b7bb22e.txt") == "001_a66ba2e25b7bb22e.txt"
    assert doc_id_for("ke-hoach_2024.v2.md") == "ke-hoach_2024.v2.md"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kế hoạch 2024.md", "Ke hoach 2024.md"),  # the same slug, other names
        ("a b.txt", "a-b.txt"),  # a hashed id never equals a plain one
        ("bao cao.txt", "bao cao.docx"),
    ],
)
def test_names_that_fold_alike_stay_apart(a: str, b: str) -> None:
    assert doc_id_for(a) != doc_id_for(b)


def test_hashed_ids_are_readable_and_stable() -> None:
    doc_id = doc_id_for("Kế hoạch 2024.md")
    assert doc_id.startswith("Ke-hoach-2024.md~") and doc_id == doc_id_for("Kế hoạch 2024.md")
    assert doc_id.isascii() and "/" not in doc_id
