"""The words a question and a passage are compared by."""

from __future__ import annotations

from qa.answer.evidence import Evidence, evidence_words


def test_a_sign_after_a_word_tells_categories_apart() -> None:
    asked = evidence_words("so BN lao phoi M(+) moi")[0]
    assert {"m", "m+"} <= asked and "m-" not in asked
    assert {"hiv", "hiv+"} <= evidence_words("Số người HIV (+) phát hiện mới")[0]
    terms = {"lao": 1.0, "phoi": 1.0, "m": 0.5, "m+": 8.0, "moi": 1.0}
    assert Evidence.coverage(terms, "Lao phổi M(+) mới") == 1.0
    assert Evidence.coverage(terms, "Lao phổi M(-)") < 0.3
