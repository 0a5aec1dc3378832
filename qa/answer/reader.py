"""Numbers read at question time from the best passages, for the figures index-time extraction missed.

Index-time extraction is built for precision: a row of a table it does not recognise ("- Lao phổi M(+) mới
1.060 128.6% 0.8%") or a value inside a ratio ("89,095/90,407 tỷ đồng") yields no figure, and a question about
it would get a quote where a number was asked. The reader turns each number of the top passages' lines into
a candidate whose label is the words before it; the decision model, which was trained with such candidates
(qa/answer/learn: the generated answer is sometimes hidden from the index so that only the reader can find
it), judges them like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answer.candidates import FigureCandidate
from qa.answer.features import unit_class
from qa.answer.layout_lines import logical_lines
from qa.extract.figures.prose import compared_against
from qa.extract.figures.targets import opens_span_until_now
from qa.extract.figures.units import POP, UNIT_ALT, UNIT_RE, WORD_CMP, normalize_unit
from qa.extract.indicators import value_places
from qa.extract.qualifiers import reference_words
from qa.models import Figure
from qa.retrieval.engine import Engine, Hit
from qa.vn.counters import counter_at_start
from qa.vn.lexicon import FigureKind, lexicon
from qa.vn.numbers import parse_vn_number
from qa.vn.so_hieu import NUMBER_RE
from qa.vn.text import fold
from qa.vn.years import YEAR, YEAR_RE

# Passages read: the evidence of a figure question is the first hit for 9 in 10 questions (dev and unseen).
READER_HITS = 3
# Words before a number kept as its label.
LABEL_WORDS = 12
# A label must say at least this much (content words, not glue or value cues) for its number to be a candidate.
MIN_LABEL_CONTENT_WORDS = 2
# A number standing alone: not inside a name ("COVID-19"), a range ("12-17 tuổi", "15 – 49 tuổi": neither end)
# or another number.
_NOT_RANGE_END = r"(?<!\d[-–])(?<!\d\s[-–])(?<!\d[-–]\s)(?<!\d\s[-–]\s)"
_NUMBER = re.compile(
    r"(?<![\w.,/%-])"  # not the "0" of "0,5%0" (a typed ‰)
    + _NOT_RANGE_END
    + r"(?P<cmp>[<>≤≥]\s*)?(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+\.\d+|\d+)"
    r"(?![\d]|[.,]\d|\s?[-–]\s?\d)"
)
_DATE = re.compile(rf"\b\d{{1,2}}\s*[/.-]\s*\d{{1,2}}(?:\s*[/.-]\s*(?:{YEAR}|\d{{2}}))?\b")
_LINE_NUMBER = re.compile(r"^\s*[-+*•]?\s*\d{1,3}(?:\.\d{1,2})*[.)]?\s+(?=\D)")
_BREAK = re.compile(r"[;:]|\s\(|\s-\s|\.\s")
_OF_WHOLE = re.compile(r"\s*/\s*(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+)(?=\s)")
_VALUE_THEN_COMMA = re.compile(r"\d[^\d,;:]*,\s")
_DIGIT = re.compile(r"\d")
_NOT_WORD = re.compile(r"^[-+*•(),.%‰\d]+$")
# "trên 100.000 dân", "/10.000 trẻ đẻ sống": a denominator, not a value.
_WORDS = lexicon().numbers_in_text
_DENOMINATOR_BEFORE = re.compile(
    r"(?:" + "|".join(["/", *(rf"\b{w}" for w in _WORDS.denominator_before)]) + r")\s*$", re.I
)
# ... and only when a population follows the number: "dân số có trên 746.024 nhân khẩu" is more than 746.024.
_POPULATION_AFTER = re.compile(rf"\s*(?:{POP}|vạn dân)\b", re.I)  # "bình quân 1 vạn dân": per 10,000 people
_WORD_COMPARATOR = re.compile(r"(?:^|\s)(" + "|".join(WORD_CMP) + r")\s*$", re.I)


def _kind_cues() -> list[tuple[re.Pattern[str], FigureKind]]:
    words = lexicon().figure_kinds
    return [
        (re.compile(r"\b(?:" + "|".join(words[k].text_cues) + r")\b", re.I), k)
        for k in ("plan", "estimate", "target", "actual")
    ]


_KIND_CUES = _kind_cues()


# Numbers that name a day, a month, an article or a round, not a quantity: "ngày 21 tháng 12", "khóa XVII
# kỳ họp thứ 16", "Điều 2", "lần 3", "giai đoạn 2", "Số: 247".
_STRUCTURE_BEFORE = re.compile(r"(?:" + "|".join(rf"\b{w}" for w in _WORDS.label_before) + r")\s*$", re.I)
_TEXT_DATE = re.compile(r"\bngày\s+\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?", re.I)
# What follows a number says what it counts ("86 cán bộ viên chức", "3.580 đối tượng nghiện ma túy").
_COUNTED = re.compile(r"\s*([^\W\d_][^,;:.()\d]{0,60})")
COUNTED_WORDS = 5
_PERIOD_AFTER = re.compile(r"\s*(?:" + "|".join(_WORDS.period_after) + r")\b", re.I)
# "dưới 1 tuổi", "từ 18 tuổi", "≥ 60 tuổi": the number bounds an age group ("74,5 tuổi" after "tuổi thọ" is a value).
_AGE_BOUND_BEFORE = re.compile(r"(?:\b(?:dưới|trên|từ|đến|đủ)|[<>≤≥])\s*$", re.I)
_ISO_YEAR = re.compile(rf"{YEAR}-")
_AGE_AFTER = re.compile(r"\s*tuổi\b", re.I)
_MULTIPLIER = re.compile(r"^\s*(" + "|".join(_WORDS.multipliers) + rf")\s+(?!{_WORDS.money_word})(\w+)", re.I)


# A footnote mark: "năm 2019[1]", "93%[2]" (a note's number, not a quantity).
_FOOTNOTE = re.compile(r"\[\d{1,3}\]")


def _blocked(line: str) -> list[tuple[int, int]]:
    patterns = (NUMBER_RE, _DATE, _TEXT_DATE, YEAR_RE, _FOOTNOTE)
    return [m.span() for pattern in patterns for m in pattern.finditer(line)]


def _kind(before: str) -> FigureKind | None:
    best: tuple[int, FigureKind] | None = None
    for pattern, kind in _KIND_CUES:
        for m in pattern.finditer(before):
            if best is None or m.end() > best[0]:
                best = (m.end(), kind)
    return best[1] if best else None


def _label_words(before: str) -> list[str]:
    """The words before a number that say what it is: those of its clause, and when the number opens a
    parenthesis with too little of its own ("… dân tộc thiểu số (chiếm hơn 64%)"), those before it too."""
    breaks = list(_BREAK.finditer(before))
    start = breaks[-1].end() if breaks else 0
    # A list of values ("dân số trung bình 908.241 người, mật độ dân số 340 người/km2"): a number's label
    # starts after the value before it. In a list of counts ("20 Công ty dược và Chi nhánh, 40 nhà thuốc, 564
    # quầy thuốc") each number opens its item: the items before it are no label (what it counts follows it).
    listed = list(_VALUE_THEN_COMMA.finditer(before, start))
    if listed:
        tail = before[listed[-1].end() :]
        if _content(tail.split()) >= MIN_LABEL_CONTENT_WORDS:
            start = listed[-1].end()
        elif not tail.strip():
            first = _DIGIT.search(before, start)
            return [
                w for w in before[start : first.start() if first else start].split() if not _NOT_WORD.match(w)
            ]
    words = [w for w in before[start:].split() if not _NOT_WORD.match(w)]
    if breaks and _content(words) < MIN_LABEL_CONTENT_WORDS and breaks[-1].group(0).strip() == "(":
        opening = breaks[-2].end() if len(breaks) > 1 else 0
        words = [w for w in before[opening : breaks[-1].start()].split() if not _NOT_WORD.match(w)] + words
    return words


def _content(words: list[str]) -> int:
    return sum(1 for w in words if fold(w) not in lexicon().stop_words.phrase)


def _word_comparator(before: str) -> str | None:
    """ "hơn 1,4 triệu", "trên 746.024", "dưới 5%": the comparator a word before the number says."""
    m = _WORD_COMPARATOR.search(before)
    return WORD_CMP[m.group(1).lower()] if m else None


@dataclass(frozen=True, slots=True)
class ReadNumber:
    """One number of a line as the reader reads it."""

    value_text: str
    value: float
    unit: str
    label: str  # the words before it that say what it is, and what it counts
    kind: FigureKind | None
    comparator: str | None
    start: int  # where it stands in the line
    # what narrows it, as index-time extraction says it (qa/extract/qualifiers.py): the district it is of, and
    # for a change ("tăng 188 ca so với cùng kỳ") what it was measured against
    qualifiers: tuple[str, ...] = ()


def read_line(line: str, indexed: frozenset[str] = frozenset()) -> list[ReadNumber]:
    """The numbers of a line that say a quantity (not a date, an article, a period, a denominator or a list
    number), with their labels and units; ``indexed``: values an indexed figure already holds."""
    out: list[ReadNumber] = []
    blocked = _blocked(line)
    numbering = _LINE_NUMBER.match(line)
    for m in _NUMBER.finditer(line):
        start, value_text = m.start("num"), m.group("num")
        multiplier = _MULTIPLIER.match(line[m.end() :])
        # An indexed figure already holds this value, unless it read "1,4 triệu lượt" as money.
        if (value_text in indexed and not multiplier) or (numbering and start < numbering.end()):
            continue
        if _PERIOD_AFTER.match(line, m.end()):
            continue  # "6 tháng đầu năm": a period, not a quantity
        if (m.group("cmp") or _AGE_BOUND_BEFORE.search(line, 0, m.start())) and _AGE_AFTER.match(
            line, m.end()
        ):
            continue  # "trẻ dưới 1 tuổi", "Học sinh ≥ 18 tuổi": an age band of a label, not a value
        if any(a <= start < b for a, b in blocked):
            continue
        value = parse_vn_number(value_text)
        if value is None:
            continue
        before = line[: m.start()]
        # A day, a month, an article or a round is a whole number ("ngày 21", "Điều 2"); "ước cả năm
        # 89,095/90,407 tỷ" is a value after "năm".
        if (value_text.isdigit() and _STRUCTURE_BEFORE.search(before)) or (
            _DENOMINATOR_BEFORE.search(before) and _POPULATION_AFTER.match(line, m.end())
        ):
            continue
        if _BARE_IN_PARENTHESIS_AFTER_COUNT.search(before) and not UNIT_RE.match(line, m.end()):
            continue  # "245 trường hợp (từ 73.083 đến 73.327)": the case numbers of the count, no quantity
        words = _label_words(before)
        after = _COUNTED.match(line, m.end())
        counted = " ".join(after.group(1).split()[:COUNTED_WORDS]) if after else ""
        label = " ".join([*words[-LABEL_WORDS:], counted]).strip(" ,")
        if _content(label.split()) < MIN_LABEL_CONTENT_WORDS:
            continue  # "mũi: 3", "TTYT: 04": a number with nothing said about it
        # "89,095/90,407 tỷ đồng": a share of a whole is counted in the whole's unit.
        whole = _OF_WHOLE.match(line, m.end())
        unit_m = UNIT_RE.match(line, whole.end() if whole else m.end())
        if multiplier:  # "1,4 triệu lượt": a count in millions, not money
            unit = f"{multiplier.group(1).lower()} {multiplier.group(2)}"
        else:
            unit = normalize_unit(unit_m.group(0)) if unit_m else ""
        if not unit and (column := _UNIT_COLUMN_BEFORE.search(before)):
            # "Tỷ lệ xã có … % 95,65 95,65": a table row's unit column, before its values
            unit = column.group(1)
        comparator = (m.group("cmp") or "").strip() or _word_comparator(before)
        clause = _CLAUSE_END.split(before)[-1]
        qualifiers = (*value_places(label, clause), *_change_reference(before, line[m.end() :]))
        out.append(ReadNumber(value_text, value, unit, label, _kind(before), comparator, start, qualifiers))
    return out


# A parenthesis opened right after a count with its unit, holding no word of its own yet but "từ"/"đến" or other
# bare numbers: what it numbers ("245 trường hợp (từ 73.083 đến 73.327)"), not further quantities.
_BARE_IN_PARENTHESIS_AFTER_COUNT = re.compile(
    rf"\d\s*(?:{UNIT_ALT})\s*\((?:\s*(?:từ|đến|[\d.,]+|[-–])\s*)*$", re.I
)
# A share's or a rate's sign standing alone right before a value: a statistical table's unit column ("… bảo hiểm y tế
# % 95,65 95,65").
_UNIT_COLUMN_BEFORE = re.compile(r"(?:^|\s)(%|‰)\s+$")
# Where a clause ends: a district named before it is not the place of the values after it.
_CLAUSE_END = re.compile(r";|\.\s")
_CHANGE_BEFORE = re.compile(
    r"(?:^|[\s(,;])(?:"
    + "|".join(_WORDS.change_before)
    + r")"
    + _WORDS.between_change_and_number()
    + r"\s*$",
    re.I,
)
_CHANGE_THEN_REFERENCE = re.compile(
    r"(?:^|[\s(,;])(?:"
    + "|".join(_WORDS.change_before)
    + r")\s+("
    + lexicon().prose_targets.change_reference
    + r")[^();.]*\(\s*$",
    re.I,
)
_REFERENCE_AFTER = re.compile(r"[^;.]*?\b(" + lexicon().prose_targets.change_reference + r")", re.I)
# what a change was measured against when its sentence does not say (``is_change_reference`` holds it)
UNNAMED_REFERENCE = "so voi"


def _change_reference(before: str, after: str) -> tuple[str, ...]:
    """ "tăng 188 ca (tăng 1,3 lần) so với cùng kỳ năm 2022": a change, qualified by what it was measured against
    as index-time extraction qualifies one (``change_reference``); not "tăng lên 328 ca", a level."""
    stated_first = _CHANGE_THEN_REFERENCE.search(before)  # "tăng so với giai đoạn trước (0,4%/năm)"
    if stated_first:
        return (reference_words(stated_first.group(1)),)
    if not _CHANGE_BEFORE.search(before):
        return ()
    m = _REFERENCE_AFTER.match(after)
    return (reference_words(m.group(1)),) if m else (UNNAMED_REFERENCE,)


_ZERO = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, _WORDS.zero_before)) + r")\s+", re.I)
_FOLLOWING = re.compile(r"[^\W\d_]+")


def read_zeros(line: str) -> list[ReadNumber]:
    """None of a thing counted, said in words: "không có vụ ngộ độc thực phẩm" is 0 vụ ngộ độc thực phẩm."""
    out: list[ReadNumber] = []
    for m in _ZERO.finditer(line):
        following = _FOLLOWING.findall(line[m.end() : m.end() + 80])
        counter = counter_at_start(tuple(fold(w).lower() for w in following))
        if counter is None:
            continue
        unit = " ".join(following[: len(counter[0])])
        counted = " ".join(following[:COUNTED_WORDS])
        label = " ".join([*_label_words(line[: m.start()])[-LABEL_WORDS:], counted]).strip(" ,")
        if _content(label.split()) < MIN_LABEL_CONTENT_WORDS:
            continue
        out.append(ReadNumber("0", 0.0, unit, label, _kind(line[: m.start()]), None, m.start()))
    return out


def read_numbers(hits: list[Hit], engine: Engine, hidden: Figure | None = None) -> list[FigureCandidate]:
    """Candidates for the numbers of the top hits that no indexed figure of their chunk already holds."""
    out: list[FigureCandidate] = []
    for rank, hit in enumerate(hits[:READER_HITS]):
        chunk = hit.chunk
        indexed = frozenset(
            f.value_text for f in engine.figures_by_chunk.get(chunk.chunk_id, []) if f is not hidden
        )
        for read in logical_lines(chunk.text):
            line = read.text
            # The line's years, but not what its values are compared against ("so với cùng kỳ năm 2022").
            # nor the year a span until now opens ("Từ … năm 1998 đến nay lũy tích …")
            stated = [
                int(m.group(1))
                for m in YEAR_RE.finditer(line)
                if not compared_against(line[: m.start()])
                and not opens_span_until_now(line, m.start(), m.end())
            ]
            years = stated or [int(y) for y in YEAR_RE.findall(chunk.section)]
            if not years and len(hit.doc.years) == 1:
                years = hit.doc.years
            elif not years and hit.doc.date and _ISO_YEAR.match(hit.doc.date):
                years = [int(hit.doc.date[:4])]  # the document's own year, as the extractor falls back to
            for number in read_line(line, indexed) + read_zeros(line):
                figure = Figure(
                    indicator=number.label,
                    value=number.value,
                    value_text=number.value_text,
                    unit=number.unit,
                    year=years[-1] if years else None,
                    kind=number.kind,
                    comparator=number.comparator,
                    doc_id=chunk.doc_id,
                    source=chunk.source,
                    section=chunk.section,
                    line=min(chunk.start_line + read.offset_at(number.start), chunk.end_line),
                    quote=line.strip()[:300],
                    province=hit.doc.province,
                    chunk_id=chunk.chunk_id,
                    qualifiers=list(number.qualifiers),
                )
                out.append(
                    FigureCandidate(
                        figure,
                        rank,
                        hit.ranked.lexical_rank,
                        hit.ranked.dense_rank,
                        from_reader=True,
                        dense_score=hit.ranked.dense_score,
                    )
                )
    return out


def gives_a_number_of_kind(kind: str, sentences: list[str]) -> bool:
    """Whether the sentences hold a quantity of the kind a question asks ("percent", "money", "rate", "count";
    ``understand.intent.unit_intent``): a passage quoting a decision's title ("Nghị quyết 36/2015/NQ-HĐND hỗ trợ
    đóng bảo hiểm y tế …") does not say what share it pays. A count may be a bare number. No sentence: nothing to
    judge."""
    if not sentences:
        return True
    return any(
        unit_class(n.unit) in (kind, "") if kind == "count" else unit_class(n.unit) == kind
        for s in sentences
        for n in read_line(s) + read_zeros(s)
    )
