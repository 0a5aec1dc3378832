"""The stores behind saved answers and feedback, each test on both implementations: SQLite files, and a real
PostgreSQL server (tests/postgres.py; skipped with the reason where it cannot start). Fast tier: no index, no
model."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres import run_migrate

from qa.api.stores.feedback import FeedbackEntry
from qa.api.stores.open_stores import Stores, open_stores
from qa.fsutil import read_or_create_secret
from qa.settings import Settings


@pytest.fixture(params=["sqlite", "postgres"])
def settings(request: pytest.FixtureRequest, tmp_path) -> Settings:
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    return Settings(index_dir=tmp_path / "index", database_url=url)


@pytest.fixture
def stores(settings: Settings) -> Iterator[Stores]:
    opened = open_stores(settings)
    yield opened
    opened.close()


def test_answers_are_kept_per_owner_and_conversation(settings: Settings, stores: Stores) -> None:
    store = stores.answers
    response = {"answer": "x", "figures": [{"value": 98.5, "unit": "%", "year": 2024}], "abstained": False}
    a = store.save("trinh-duyet-a-0000000", "cuoc-1-000000000000", "Câu 1", {"province": "Hà Nam"}, response)
    store.save("trinh-duyet-a-0000000", "cuoc-1-000000000000", "Câu 2", {}, {"answer": "y"})
    store.save("trinh-duyet-b-0000000", "cuoc-2-000000000000", "Câu khác", {}, {"answer": "z"})
    assert store.get(a.answer_id) == a and store.get("khong-co") is None
    (conv,) = store.conversations("trinh-duyet-a-0000000", 10)
    assert (conv.title, conv.turns, conv.updated_at) == ("Câu 1", 2, a.created_at)
    assert [t.question for t in store.conversation("trinh-duyet-a-0000000", "cuoc-1-000000000000")] == [
        "Câu 1",
        "Câu 2",
    ]
    assert store.conversation("trinh-duyet-b-0000000", "cuoc-1-000000000000") == []  # not another's history
    # Another process (a restart, or another replica on the shared database) reads the same answer.
    other = open_stores(settings)
    try:
        assert other.answers.get(a.answer_id) == a
        assert other.answers.get(a.answer_id).response["figures"][0]["value"] == 98.5  # type: ignore[union-attr]
    finally:
        other.close()


def test_newest_conversation_comes_first(stores: Stores) -> None:
    for conversation, question in (("c-1", "Một"), ("c-2", "Hai"), ("c-1", "Ba")):
        stores.answers.save("chu-so-huu", conversation, question, {}, {"answer": question})
    assert [
        (c.conversation_id, c.title, c.turns) for c in stores.answers.conversations("chu-so-huu", 10)
    ] == [
        ("c-1", "Một", 2),
        ("c-2", "Hai", 1),
    ]
    assert len(stores.answers.conversations("chu-so-huu", 1)) == 1


def test_feedback_is_stored_newest_first(settings: Settings, stores: Stores) -> None:
    stores.feedback.add(FeedbackEntry("up", None, "Câu 1", "Đáp 1", None, {}))
    second = stores.feedback.add(FeedbackEntry("down", "Sai năm", "Câu 2", "Đáp 2", "abc", {"year": 2024}))
    other = open_stores(settings)
    try:
        recent = other.feedback.recent(10)
    finally:
        other.close()
    assert [f.entry.question for f in recent] == ["Câu 2", "Câu 1"] and recent[0] == second
    assert [f.entry.question for f in stores.feedback.recent(1)] == ["Câu 2"]


def test_admin_key_is_created_once_owner_only(tmp_path):
    path = tmp_path / "index" / "api-key"
    key, created = read_or_create_secret(path, lambda: "khoa-moi-1")
    again, created_again = read_or_create_secret(path, lambda: "khoa-moi-2")
    assert (key, created, again, created_again) == ("khoa-moi-1", True, "khoa-moi-1", False)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_qa_migrate_carries_answers_and_feedback_to_the_database_and_back(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A province that started on one machine moves its history to the shared database (share links keep
    working), runs it twice without copying twice, and can move back to files."""
    index_dir = tmp_path / "index"
    local = open_stores(Settings(index_dir=index_dir))
    saved = local.answers.save("trinh-duyet-a-0000000", "cuoc-1-000000000000", "Câu 1", {}, {"answer": "x"})
    rating = local.feedback.add(
        FeedbackEntry("down", "Sai năm", "Câu 1", "x", saved.answer_id, {"year": 2024})
    )

    said = run_migrate(monkeypatch, index_dir, "--to-database", postgres_url)
    assert "1 câu trả lời đã lưu (0 đã có), 1 đánh giá (0 đã có)" in said
    again = run_migrate(monkeypatch, index_dir, "--to-database", postgres_url)
    assert "0 câu trả lời đã lưu (1 đã có), 0 đánh giá (1 đã có)" in again

    shared = open_stores(Settings(index_dir=index_dir, database_url=postgres_url))
    try:
        assert shared.answers.get(saved.answer_id) == saved
        (moved,) = shared.feedback.recent(10)
        assert (moved.created_at, moved.entry) == (rating.created_at, rating.entry)
        later = shared.answers.save(
            "trinh-duyet-a-0000000", "cuoc-1-000000000000", "Câu 2", {}, {"answer": "y"}
        )
    finally:
        shared.close()

    back = run_migrate(monkeypatch, index_dir, "--from-database", postgres_url)
    assert "1 câu trả lời đã lưu (1 đã có), 0 đánh giá (1 đã có)" in back
    assert [
        t.question for t in local.answers.conversation("trinh-duyet-a-0000000", "cuoc-1-000000000000")
    ] == [
        "Câu 1",
        "Câu 2",
    ]
    assert local.answers.get(later.answer_id) == later
