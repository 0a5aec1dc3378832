"""A label's bare "bệnh" is the disease its paragraph named last: "Đối với bệnh tay chân miệng, … ghi nhận có 68 ca
phát hiện mới, nâng tổng số ca mắc bệnh này … lên 235 ca" counts hand, foot and mouth disease, and "đã có thêm
60 ca mắc bệnh sốt xuất huyết trong tuần qua, nâng tổng số ca mắc bệnh trong 2 tháng đầu năm 2013 lên 459" dengue.
Left bare, such a total matched no question about its disease, and its neighbour (the week's new cases) answered.
The words are the lexicon's ``disease_named_before``."""

from __future__ import annotations

import re

from qa.vn.lexicon import lexicon

_WORDS = lexicon().disease_named_before
_WORD = r"[^\W\d_]+"
# The head, then the words of a name up to one that ends it.
_NAMED = re.compile(rf"(?<!\w){_WORDS.head}((?:\s+{_WORD}){{1,5}})", re.I)
# A bare head in a label: pointing back ("bệnh này"), or after the verb with no name after it ("mắc bệnh trong …").
_ENDS = "|".join(sorted(_WORDS.name_ends, key=len, reverse=True))
_BARE = re.compile(
    rf"(?<!\w)(?:{_WORDS.caught}\s+{_WORDS.head}(?:\s+{_WORDS.this})?(?=\s*$|\s+(?:{_ENDS})(?!\w))"
    rf"|{_WORDS.head}\s+{_WORDS.this})(?!\w)",
    re.I,
)


def _name_after_head(words: str) -> str:
    name: list[str] = []
    for w in words.split():
        if w.lower() in _WORDS.name_ends or (not name and w.lower() in _WORDS.not_a_disease):
            break
        name.append(w)
    return " ".join(name)


def disease_meant(label: str, before: str) -> str:
    """``label`` with its bare "bệnh" completed by the last disease named in ``before`` (its paragraph up to the
    value); unchanged when it names its disease or the paragraph names none."""
    bare = _BARE.search(label)
    if bare is None:
        return label
    names = [n for n in (_name_after_head(m.group(1)) for m in _NAMED.finditer(before)) if n]
    if not names:
        return label
    head = bare.group(0)
    said = re.sub(rf"\s+{_WORDS.this}$", "", head, flags=re.I)
    return f"{label[: bare.start()]}{said} {names[-1]}{label[bare.end() :]}"
