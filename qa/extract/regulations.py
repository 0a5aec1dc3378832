"""Cited document numbers (số hiệu) with what can be read around them: kind, issuer, date, subject.

Vietnamese administrative texts cite other documents as
``<kind> số <number> ngày <date> của <issuer> về việc <subject>``; each part is
optional. ``extract_regulations`` finds every number with what can be read around it.
"""

from __future__ import annotations

import re

from qa.models import Block, ParsedDocument, RegulationMention
from qa.vn.lexicon import lexicon
from qa.vn.sentences import NOT_A_SHORTHAND_PERIOD
from qa.vn.so_hieu import NUMBER_RE, normalize_number
from qa.vn.text import collapse_ws, fold

# Kind words as they precede a number, longest first; kind codes inside the number ("QĐ" in 2143/QĐ-UBND).
_KIND_WORDS = lexicon().document_kind_words()
_KIND_CODES = lexicon().document_kind_codes()
# A kind word (optionally "số", ":") right before the number.
_KIND_BEFORE = re.compile(r"(" + "|".join(k for k, _ in _KIND_WORDS) + r")\s*(?:so\s*)?:?\s*$")
_OWN_NUMBER = re.compile(r"\bso\s*:\s*$")

_DATE_AFTER = re.compile(
    r"^\s*,?\s*ngày\s+(\d{1,2})\s*(?:tháng\s*(\d{1,2})\s*năm\s*(\d{4})|[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4}))",
    re.I,
)
# Words that open the subject clause; "về việc"/"về" are dropped, the others kept as the subject's verb.
_SUBJECT_START = re.compile(
    r"^\s*,?\s*(?:(?:về việc|V/v|về)\s+|(?=(?:phê duyệt|quy định|ban hành|sửa đổi|bãi bỏ|thực hiện|"
    r"triển khai|hướng dẫn|giao|tổng kết|sơ kết|kiện toàn|thành lập)\b))",
    re.I,
)
_ISSUER = re.compile(r"^\s*,?\s*(?:của|do)\s+(.+)", re.I)
# Where an issuer phrase stops: the subject clause, punctuation, or a quotation.
_ISSUER_STOP = re.compile(
    r"\s+(?:về|phê duyệt|quy định|ban hành|sửa đổi|bãi bỏ|thực hiện|triển khai|hướng dẫn|giao|tổng kết|"
    r"sơ kết|kiện toàn|thành lập|tại|đối với|cho|trên địa bàn|là|đã|theo|và|ra|đề|để|kịp thời)\b|[;,.(“\"*]|\s+\d",
    re.I,
)
_SENTENCE_END = re.compile(rf"[.!?]{NOT_A_SHORTHAND_PERIOD}(?=\s+[A-ZĐÀ-Ỹ\-+*#(“\"]|\s*$)|;")
_MAX_SUBJECT = 250
_MAX_QUOTE = 300


def _kind_from_code(number: str) -> str | None:
    parts = [fold(p) for p in re.split(r"[-/]", number) if p and not p.isdigit()]
    if not parts:
        return None
    for part in parts:
        if part in _KIND_CODES:
            return _KIND_CODES[part]
        if re.fullmatch(r"qh\d*", part):
            return "Nghị quyết"  # "99/2023/QH15": resolutions of the National Assembly
    # "3328/UBND-TH", "2345/SYT-KHTC": an office code only is the form of an official letter
    return "Công văn"


def _kind_before(text: str, start: int) -> tuple[str | None, bool]:
    """(kind word right before the number, whether it is the document's own 'Số:' line)."""
    before = fold(text[max(0, start - 40) : start])
    if _OWN_NUMBER.search(before) and not _KIND_BEFORE.search(before):
        return None, True
    m = _KIND_BEFORE.search(before)
    if not m:
        return None, False
    word = m.group(1)
    for key, kind in _KIND_WORDS:
        if word == key:
            return kind, False
    return None, False


def _iso_date(m: re.Match) -> str | None:
    day = int(m.group(1))
    month = int(m.group(2) or m.group(4))
    year = int(m.group(3) or m.group(5))
    if not (1 <= day <= 31 and 1 <= month <= 12 and 1900 <= year <= 2100):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _issuer(rest: str) -> tuple[str | None, int]:
    """Issuer phrase at the start of ``rest`` ('của UBND tỉnh ...') and how much of ``rest`` it used."""
    m = _ISSUER.match(rest)
    if not m:
        return None, 0
    body_start = m.start(1)
    stop = _ISSUER_STOP.search(rest, body_start)
    end = stop.start() if stop else len(rest)
    issuer = rest[body_start:end].strip(" ,")
    if not issuer or len(issuer) > 90:
        return None, 0
    return issuer, end


# What introduces the next number at the end of a subject: ", Kế hoạch số", " và Quyết định", "; số".
_NEXT_CITATION = re.compile(
    r"\s*[,;]?\s*(?:va\s+)?(?:(?:" + "|".join(w for w, _ in _KIND_WORDS) + r")\s*(?:so\s*)?|so\s*):?\s*$"
)


def _subject(rest: str, next_start: int, next_end: int) -> str | None:
    """The 'về việc …' clause at the start of ``rest``, up to ';', a sentence end or the next number.

    ``next_start``/``next_end`` delimit the next cited number in ``rest``. A subject that refers to it
    ("thực hiện Nghị quyết số 20-NQ/TW") keeps it; a list (", Kế hoạch số 14/KH-UBND") is cut before it.
    """
    m = _SUBJECT_START.match(rest)
    if not m:
        return None
    body = rest[m.end() : next_start]
    end = _SENTENCE_END.search(body)
    if end:
        body = body[: end.start()]
    elif next_start < len(rest):
        cut = _NEXT_CITATION.search(fold(body))
        if cut and re.match(
            r"\s*(?:[,;]|va\b)", cut.group(0)
        ):  # a list: ", Kế hoạch số …", "và Quyết định …"
            body = body[: cut.start()]
        elif cut:
            body = rest[m.end() : next_end]
    subject = collapse_ws(body).strip(" ,.;:-*")
    subject = re.sub(r"\s+(?:và|và các)$", "", subject)
    subject = re.sub(r"\s*\(Lần \d+\)$", "", subject)  # "(Lần 2)": the draft round of the citing letter
    if len(subject) < 4:
        return None
    if len(subject) > _MAX_SUBJECT:
        subject = subject[:_MAX_SUBJECT].rsplit(" ", 1)[0] + "…"
    return subject


def _quote(text: str, start: int, end: int) -> str:
    """The sentence around [start, end), whitespace-collapsed, at most 300 characters."""
    s0 = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        s0 = m.end()
    after = _SENTENCE_END.search(text, end)
    s1 = after.end() if after else len(text)
    sentence = text[s0:s1]
    if len(collapse_ws(sentence)) <= _MAX_QUOTE:
        return collapse_ws(sentence)
    lo = max(s0, start - 120)
    window = text[lo : lo + _MAX_QUOTE + 40]
    return collapse_ws(window)[:_MAX_QUOTE].strip()


def _continuation(blocks: list[Block], index: int) -> str:
    """Text of the next block when the parser split a sentence at a '- xã hội' line wrap."""
    if index + 1 >= len(blocks):
        return ""
    nxt = blocks[index + 1]
    if nxt.kind == "text" and re.match(r"^-\s+[a-zđà-ỹ]", nxt.text):
        return " " + nxt.text
    return ""


def _own_issuer(doc: ParsedDocument) -> str | None:
    if doc.meta.issuer:  # read from the letterhead or the số hiệu (qa.ingest.metadata)
        return doc.meta.issuer
    head = fold(" ".join(doc.lines[:15]))
    if "so y te" in head and doc.meta.province:
        return f"Sở Y tế tỉnh {doc.meta.province}"
    if "uy ban nhan dan" in head or "ubnd" in head:
        return f"Ủy ban nhân dân tỉnh {doc.meta.province}" if doc.meta.province else None
    return None


def _own_mention(doc: ParsedDocument, number: str) -> tuple[str | None, str | None, str | None]:
    """Kind, date and subject of the document's own 'Số:' number, from its metadata."""
    subject = re.sub(r"^\S+(?:\s+\S+)?\s+về việc\s+", "", doc.meta.title, flags=re.I) or None
    date = doc.meta.date if doc.meta.date and len(doc.meta.date) == 10 else None
    return doc.meta.kind or _kind_from_code(number), date, subject


def _read_after(tail: str) -> tuple[str | None, str | None, str | None]:
    """(date, issuer, subject) from the words after a number: 'ngày … của … về việc …'."""
    nxt = NUMBER_RE.search(tail)
    next_start, next_end = (nxt.start(), nxt.end()) if nxt else (len(tail), len(tail))
    date = None
    pos = 0
    dm = _DATE_AFTER.match(tail)
    if dm:
        date = _iso_date(dm)
        pos = dm.end()
    issuer, used = _issuer(tail[pos:])
    pos += used
    subject = _subject(tail[pos:], max(0, next_start - pos), max(0, next_end - pos))
    return date, issuer, subject


def _block_mentions(doc: ParsedDocument, blocks: list[Block], index: int) -> list[RegulationMention]:
    block = blocks[index]
    text = block.text
    matches = [m for m in NUMBER_RE.finditer(text) if not _inside_url(text, m.start())]
    out: list[RegulationMention] = []
    for m in matches:
        number = normalize_number(m.group(0))
        kind, own = _kind_before(text, m.start())
        # The subject may run into the next block when the parser split the sentence there.
        date, issuer, subject = _read_after(text[m.end() :] + _continuation(blocks, index))
        if own:
            kind, date, subject = _own_mention(doc, number)
            issuer = issuer or _own_issuer(doc)
        out.append(
            RegulationMention(
                number=number,
                kind=kind or _kind_from_code(number),
                issuer=issuer,
                date=date,
                subject=subject,
                doc_id=doc.doc_id,
                source=doc.source,
                section=block.section_path,
                line=block.line_at(m.start()),
                quote=_quote(text, m.start(), m.end()),
                province=doc.meta.province,
            )
        )
    return out


def _inside_url(text: str, pos: int) -> bool:
    start = text.rfind(" ", 0, pos) + 1
    return "://" in text[start:pos] or "=" in text[start:pos]


def extract_regulations(doc: ParsedDocument) -> list[RegulationMention]:
    """Every cited số hiệu of the document, in reading order."""
    mentions: list[RegulationMention] = []
    for index in range(len(doc.blocks)):
        mentions.extend(_block_mentions(doc, doc.blocks, index))
    return mentions
