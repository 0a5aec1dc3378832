"""The project's Vietnamese lexical tokens as words that another engine's analyzer keeps whole.

Milvus computes BM25 itself (a BM25 Function over a text field) and reads that field through its own analyzer,
whose ``standard`` tokenizer splits at punctuation: "2143/qd-ubnd", "syn:bac_si" and the folded bigram
"chi_tieu" would fall apart into other tokens than the embedded index counts. So each token of
``qa.vn.tokens.tokenize`` (accented and folded syllables, bigrams, số hiệu, synonym groups) is written as one
lowercase alphanumeric code, and the field holds the codes, space-separated: Milvus then counts exactly the
tokens bm25s counts, with the same repetitions, and a question is encoded the same way.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from qa.vn.tokens import tokenize

# 64 bits: two distinct tokens share a code with probability about n²/2^65, ~3e-8 for a vocabulary of a million
# tokens. 17 characters a token; a 1,000-character chunk (~700 tokens) fills ~12 KB of the 64 KB text field.
CODE_BYTES = 8
# A leading letter: some analyzers treat an all-digit word as a number.
CODE_PREFIX = "t"


@lru_cache(maxsize=1 << 18)
def token_code(token: str) -> str:
    return CODE_PREFIX + hashlib.blake2b(token.encode(), digest_size=CODE_BYTES).hexdigest()


def encode_tokens(tokens: list[str]) -> str:
    return " ".join(token_code(t) for t in tokens)


def encoded_text(text: str) -> str:
    """The text's tokens, in order and with their repetitions, as space-separated codes."""
    return encode_tokens(tokenize(text))
