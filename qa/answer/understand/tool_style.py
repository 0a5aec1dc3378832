"""Terse tool-style questions, turned into words the rest of the reading understands.

"chi tieu: so bac si/10.000 dan; tinh: bac_giang; nam: 2024; loai: ke hoach" and
"ha nam | KH 2022 | IMR (tu vong tre <1 tuoi)" carry the same facts as a sentence; their field names and
separators would otherwise read as words of the indicator.
"""

from __future__ import annotations

import re

from qa.answer.understand.intent import detect_kind
from qa.vn.lexicon import FIGURE_KINDS, lexicon
from qa.vn.text import fold

_FIELDS = lexicon().question_cues.tool_fields
_FIELD_OF = {fold(name): field for field, names in _FIELDS.items() for name in names}
_FIELD = re.compile(
    r"(?:^|[;|,]\s*)("
    + "|".join(
        sorted(
            {re.escape(n) for ns in _FIELDS.values() for w in ns for n in (w, fold(w))}, key=len, reverse=True
        )
    )
    + r")\s*[:=]\s*",
    re.I,
)


def untool(text: str) -> tuple[str, bool]:
    """(the question as words, whether it was tool style)."""
    fields = list(_FIELD.finditer(text))
    if fields:
        parts = [text[: fields[0].start()].strip(" ;|,")]  # what comes before the first field is a field too
        for i, m in enumerate(fields):
            end = fields[i + 1].start() if i + 1 < len(fields) else len(text)
            value = text[m.end() : end].strip(" ;|,")
            field = _FIELD_OF.get(fold(m.group(1)))
            if field == "year":
                value = f"năm {value}"
            elif field == "kind":
                kind = fold(value) if fold(value) in FIGURE_KINDS else detect_kind(value)
                value = lexicon().kind_label(kind) or value
            elif field == "province":
                value = f"tỉnh {value}"
            parts.append(re.sub(r"\s*\|\s*", " , ", value).replace("_", " "))
        return " ".join(p for p in parts if p), True
    if text.count("|") >= 1 or re.search(r"\b[a-z]+_[a-z]+\b", text):
        return re.sub(r"\s*\|\s*", " , ", text).replace("_", " ").strip(" ,"), True
    return text, False
