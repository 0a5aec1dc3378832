"""One question and what came of it, and the context a follow-up question carries (no Streamlit here).

A turn that failed (no connection, a timeout, stopped by the user) is shown with a retry button but is
never part of the context: a follow-up after it is read against the last question that was answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

HISTORY_TURNS = 10  # the API accepts 20 turns; the last few are all a follow-up needs
TURN_CHARS = 1000  # the API's limit for one history turn


@dataclass(slots=True)
class Turn:
    question: str  # as typed
    filters: dict[str, Any]  # the sidebar filters it was asked with
    history: list[dict[str, str]] = field(default_factory=list)  # the context it was asked with
    response: dict[str, Any] | None = None  # POST /ask's answer
    error: str | None = None  # why there is no answer (Vietnamese, for the screen)
    retryable: bool = False
    shared: bool = False  # opened from a share link, not asked in this browser

    @property
    def ok(self) -> bool:
        return self.response is not None and self.error is None

    @property
    def understood_question(self) -> str:
        """The question as the service read it (a follow-up rewritten whole), else as typed."""
        response = self.response or {}
        understood = response.get("understood") or {}
        return str(understood.get("question") or response.get("question") or self.question)

    @property
    def answer_id(self) -> str | None:
        return (self.response or {}).get("answer_id")


def history(turns: list[Turn]) -> list[dict[str, str]]:
    """Earlier answered turns as the API wants them: each question as it was understood (so a chain of
    follow-ups stays anchored), each answer's text. Failed and stopped turns carry nothing."""
    out: list[dict[str, str]] = []
    for t in turns:
        if not t.ok:
            continue
        assert t.response is not None
        out.append({"role": "user", "content": t.understood_question[:TURN_CHARS]})
        out.append({"role": "assistant", "content": str(t.response.get("answer", ""))[:TURN_CHARS]})
    return out[-HISTORY_TURNS:]


def turn_from_saved(saved: dict[str, Any], *, shared: bool = False) -> Turn:
    """A turn rebuilt from `GET /answers/{id}` or one turn of `GET /conversations/{id}`."""
    return Turn(
        question=str(saved.get("question", "")),
        filters=dict(saved.get("filters") or {}),
        response=dict(saved.get("response") or {}),
        shared=shared,
    )
