"""Our Vietnamese tokens reach Milvus's BM25 whole: Milvus Lite's own analyzer reads back one word per token."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.index.token_codes import encoded_text, token_code
from qa.vn.tokens import tokenize

analyzer_module = pytest.importorskip("milvus_lite.analyzer", reason="milvus-lite is not installed")

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
# Accents and their folded forms, a y/i variant, a số hiệu with / and -, a synonym group, a thousands number.
SAMPLE = (
    "Theo Nghị quyết 20-NQ/TW, số bác sỹ trên 10.000 dân của Sở Y tế tỉnh Bắc Giang đạt 12,5 (TYT, BHYT)."
)


def _standard_words(text: str) -> list[str]:
    """What Milvus's standard analyzer makes of a text field (the field our BM25 Function reads)."""
    analyzer = analyzer_module.create_analyzer({"tokenizer": "standard"})
    return list(analyzer.tokenize(text))


def test_every_token_is_one_analyzer_word_in_order() -> None:
    tokens = tokenize(SAMPLE)
    assert "20-nq/tw" in tokens and any(t.startswith("syn:") for t in tokens) and "bac_si" in tokens
    assert _standard_words(encoded_text(SAMPLE)) == [token_code(t) for t in tokens]


def test_codes_keep_tokens_apart_and_repetitions_counted() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))[:2])
    tokens = tokenize(text)
    distinct = set(tokens)
    codes = {token_code(t) for t in distinct}
    assert len(codes) == len(distinct)  # no two tokens of two real documents share a code
    words = _standard_words(encoded_text(text))
    assert len(words) == len(tokens)  # document length, as BM25 counts it, is unchanged
    assert words.count(token_code("bac_si")) == tokens.count("bac_si") > 1
