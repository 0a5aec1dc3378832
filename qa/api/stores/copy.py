"""Carry saved answers and feedback from one pair of stores to another (``qa migrate --to-database`` and
``--from-database``): every answer keeps its id and time, so share links still open after the move. Running it
twice copies nothing the second time; what the target already held stays."""

from __future__ import annotations

from dataclasses import dataclass

from qa.api.stores.open_stores import Stores


@dataclass(frozen=True, slots=True)
class CopyReport:
    answers_copied: int
    answers_present: int  # already in the target (an earlier run, or the same id)
    feedback_copied: int
    feedback_present: int


def copy_stores(source: Stores, target: Stores) -> CopyReport:
    answers = [target.answers.keep(saved) for saved in source.answers.everything()]
    feedback = [target.feedback.keep(stored) for stored in source.feedback.everything()]
    return CopyReport(sum(answers), len(answers) - sum(answers), sum(feedback), len(feedback) - sum(feedback))
