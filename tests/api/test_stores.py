"""The SQLite stores behind saved answers and feedback (fast tier: no index, no model)."""

from __future__ import annotations

import os
import stat

from qa.api.stores.answers import SqliteAnswerStore
from qa.api.stores.feedback import FeedbackEntry, SqliteFeedbackStore
from qa.fsutil import read_or_create_secret


def test_answers_are_kept_per_owner_and_conversation(tmp_path):
    store = SqliteAnswerStore(tmp_path / "answers.sqlite")
    a = store.save(
        "trinh-duyet-a-0000000", "cuoc-1-000000000000", "Câu 1", {"province": "Hà Nam"}, {"answer": "x"}
    )
    store.save("trinh-duyet-a-0000000", "cuoc-1-000000000000", "Câu 2", {}, {"answer": "y"})
    store.save("trinh-duyet-b-0000000", "cuoc-2-000000000000", "Câu khác", {}, {"answer": "z"})
    assert store.get(a.answer_id) == a and store.get("khong-co") is None
    (conv,) = store.conversations("trinh-duyet-a-0000000", 10)
    assert (conv.title, conv.turns) == ("Câu 1", 2)
    assert [t.question for t in store.conversation("trinh-duyet-a-0000000", "cuoc-1-000000000000")] == [
        "Câu 1",
        "Câu 2",
    ]
    assert store.conversation("trinh-duyet-b-0000000", "cuoc-1-000000000000") == []  # not another's history
    reopened = SqliteAnswerStore(tmp_path / "answers.sqlite")  # survives a restart
    assert reopened.get(a.answer_id) == a


def test_feedback_is_stored_newest_first(tmp_path):
    store = SqliteFeedbackStore(tmp_path / "feedback.sqlite")
    store.add(FeedbackEntry("up", None, "Câu 1", "Đáp 1", None, {}))
    second = store.add(FeedbackEntry("down", "Sai năm", "Câu 2", "Đáp 2", "abc", {"year": 2024}))
    recent = store.recent(10)
    assert [f.entry.question for f in recent] == ["Câu 2", "Câu 1"] and recent[0] == second


def test_admin_key_is_created_once_owner_only(tmp_path):
    path = tmp_path / "index" / "api-key"
    key, created = read_or_create_secret(path, lambda: "khoa-moi-1")
    again, created_again = read_or_create_secret(path, lambda: "khoa-moi-2")
    assert (key, created, again, created_again) == ("khoa-moi-1", True, "khoa-moi-1", False)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
