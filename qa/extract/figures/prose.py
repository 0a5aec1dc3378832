"""Figures from prose, read for precision, not recall.

A number becomes a figure only when it carries a unit ("92 ca", "72,92%", "35,8 giường") or follows a value
cue ("đạt", "là", ":", "KH") after an indicator-like phrase ("số bác sĩ trên 10.000 người dân đạt 9,32").
Dates, years, document numbers, section numbers, ratios ("75/75"), ages inside labels ("dưới 5 tuổi"),
change amounts ("tăng 36 ca") and the like are never figures. A range "10-15%" is stored as its first bound
with value_text "10-15".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.extract.figures.context import MAX_QUOTE, clip_quote, horizon, section_kind
from qa.extract.figures.coreference import disease_meant
from qa.extract.figures.tables import INDICATOR_START
from qa.extract.figures.targets import (
    PER_POP_VALUE,
    aimed_change,
    change_against,
    change_verb_before,
    continues_trend,
    in_objectives,
    objective_kind,
    opens_span_until_now,
    own_year_after,
    per_population_numerators,
    starts_trend,
    strip_change_verb,
    without_objective_words,
    year_after,
)
from qa.extract.figures.units import (
    CANONICAL_UNIT,
    CMP,
    MONEY,
    PER_POP_RE,
    POP,
    STRONG_UNITS,
    UNIT_ALT,
    UNIT_RE,
    WEAK_UNITS,
    WORD_CMP,
    is_count_unit,
    label_noun,
    normalize_per,
    normalize_unit,
    per_part,
)
from qa.extract.qualifiers import CUMULATIVE
from qa.models import Block, Figure, FigureKind, ParsedDocument
from qa.vn.lexicon import lexicon
from qa.vn.numbers import parse_vn_number
from qa.vn.sentences import NOT_A_SHORTHAND_PERIOD
from qa.vn.so_hieu import NUMBER_RE as _DOC_NUMBER_RE
from qa.vn.text import collapse_ws, fold
from qa.vn.years import YEAR, YEAR_RANGE_RE

# ---------------------------------------------------------------- prose: what is not a figure

_NUM_RE = re.compile(
    r"(?<![\w.,/])(?P<cmp>(?:<=|>=|≤|≥|<|>)\s*)?"
    r"(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+\.\d+|\d+)"
    r"(?:\s?[-–]\s?(?P<num2>\d+(?:,\d+)?)(?=\s?(?:%|‰)))?"  # a range counts only as a percentage: 10-15%
    r"(?!\d|[.,]\d)"
)
_YEAR = YEAR
_NOT_MORE_DIGITS = r"\b(?![.,]\d)"
_BLOCK_PATTERNS = [
    re.compile(r"\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*(?:19|20)?\d{2}\b"),  # 21/12/2022, 01-6-2018
    re.compile(rf"\bngày\s+\d{{1,2}}{_NOT_MORE_DIGITS}(?:\s+tháng\s+\d{{1,2}})?(?:\s+năm\s+{_YEAR})?", re.I),
    re.compile(r"\bngày\s*:?\s*\d{1,2}\s*/\s*\d{1,2}", re.I),  # "Ngày: 20/7"
    re.compile(rf"\btháng\s+\d{{1,2}}{_NOT_MORE_DIGITS}(?:\s*[/-]\s*{_YEAR})?", re.I),
    re.compile(r"\b\d{1,2}\s+tháng\b", re.I),  # durations: 6 tháng đầu năm, 12 tháng
    re.compile(rf"\b\d{{1,2}}\s*/\s*{_YEAR}\b"),  # 6/2023
    re.compile(rf"\b(?:năm|từ|đến|giai đoạn|thời kỳ|khóa|khoá|xuân|niên độ)\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_YEAR}\s*[-–]\s*{_YEAR}\b"),  # 2021-2025
    re.compile(r"\d[\d.,]*\s*/\s*\d[\d.,]*"),  # ratios 75/75, 2.490/3.415, 24/24
    re.compile(r"/\s*\d[\d.,]*"),  # denominators: ca/100.000 dân, bé trai/100
    re.compile(rf"\b(?:trên|mỗi)\s+\d{{1,3}}(?:\.\d{{3}})+\s+{POP}", re.I),
    re.compile(rf"\b\d{{1,3}}(?:\.\d{{3}})+\s+{POP}\b", re.I),
    re.compile(r"[^\W\d_]\d+|\d+[^\W\d_]"),  # glued to letters: F1, xã1, 5K, 2500gr, QH15
    re.compile(r"(?:covid|ncovi|cov|sars)\s*[-–]?\s*\d+", re.I),
    re.compile(r"\(\d{1,2}\)"),  # (1), (2) enumerations
    re.compile(r"\d+\s?\+\s?\d+"),  # "Mũi 1+2"
    re.compile(r"(?<![\d.,])0\d{2,3}[\s.]?\d{3}[\s.]?\d{3,4}(?![\d.,]?\d)"),  # phone numbers: 0293 3876 543
    # section numbers opening a paragraph: "1.", "2.1.", "1. 2.", "4 Tình hình ..."
    re.compile(r"^\s*\(?\d+(?:\s?\.\s?\d+)*\s?[.)](?=\s)|^\s*\d+\s+(?=[A-ZĐ])"),
]
# Words after which a number is a name, not a quantity: "Điều 2", "Lần 2", "khóa 12", "mũi 1", "số 12"; not the "số" of
# "tổng số 550", "Dân số 1.167.938 người".
_NAME_BEFORE = re.compile(
    r"(?:^|[^\w])(?:điều|khoản|điểm|mục|lần|lần thứ|thứ|khóa|khoá|mũi|đợt|hạng|quý|phần|phụ lục|biểu|"
    r"biểu số|mẫu số|đề án|quyết định|nghị định|nghị quyết|thông tư|chỉ thị|chương trình|công văn|"
    r"tuần|nhóm|kỳ|trung tâm|trung ương|cấp độ|độ|tổ|khu|ấp|phường|(?<!tổng )(?<!dân )số|bản tin số|top|"
    r"kíp|đội|phòng|tầng|lô|dự án|gói thầu|tiểu dự án|nhiệm kỳ|cấp|đối tượng|loại|bậc)\s*:?\s*$",
    re.I,
)
_COMPARISON = re.compile(r"(?:^|[^\w])(?:cùng kỳ|so với)(?!\w)", re.I)
# A contrast in parentheses: "(trong khi mức sinh thay thế TFR 2,1 con)" is another thing's value. Opening a
# sentence, "Trong khi để đạt tỷ lệ 9 bác sĩ …" still states a value of its own.
_CONTRAST = re.compile(r"^\s*trong khi(?!\s+đó)(?!\w)", re.I)
_CHANGE_BEFORE = re.compile(
    r"(?:^|[^\w])(?:tăng|giảm)(?:\s+thêm|\s+so(?:\s+với)?\s+cùng\s+kỳ)?"
    + lexicon().numbers_in_text.between_change_and_number()  # "giảm khoảng 50 ca", "tăng rất cao, trên 600 ca"
    + r"\s*$",
    re.I,
)
# Flattened table debris in prose: "- Lao phổi M(+) mới 1.060 128.6% 0.8%" has no header to map columns.
_TABLE_DEBRIS = re.compile(r"^\D{0,90}?(?:(?:^|\s)[-+]?\d[\d.,]*\s?%?){2,}\s*$")


def _blocked(text: str) -> list[bool]:
    mask = [False] * len(text)
    for pattern in [_DOC_NUMBER_RE, *_BLOCK_PATTERNS, re.compile(r"\S*(?:://|=)\S*")]:
        for m in pattern.finditer(text):
            mask[m.start() : m.end()] = [True] * (m.end() - m.start())
    for a, b in per_population_numerators(text):  # "20/100.000 dân" is a value, not a ratio
        mask[a:b] = [False] * (b - a)
    return mask


# ---------------------------------------------------------------- prose: context


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """Sentence around pos: '.', '!' or '?' then a capital, a digit, a bullet or the end closes one."""
    start, end = 0, len(text)
    for m in re.finditer(rf"[.!?]{NOT_A_SHORTHAND_PERIOD}(\s+)(?=\S)", text):
        nxt = text[m.end()]
        if not (nxt.isupper() or nxt.isdigit() or nxt in '-+*•(“"'):
            continue
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start() + 1
            break
    return start, end


def _clause_start(text: str, sent_start: int, pos: int) -> tuple[int, bool]:
    """Start of the clause holding pos (after ';' or an unclosed '('), and whether pos is in parentheses."""
    start = max(sent_start, text.rfind(";", sent_start, pos) + 1)
    depth = 0
    for i in range(pos - 1, start - 1, -1):
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                return i + 1, True
            depth -= 1
    return start, False


def _drop_parens(text: str) -> str:
    prev = None
    while prev != text:
        prev = text
        text = re.sub(r"\([^()]*\)", " ", text)
    return text


# Function words and value cues: a phrase made only of these does not name anything.
_STOP = lexicon().stop_words.phrase


def _content_words(text: str) -> int:
    return sum(1 for w in re.findall(r"[a-z]+", fold(text)) if w not in _STOP)


_BULLET = re.compile(r"^\s*[-+*•–]\s*")
_LEAD_JUNK = re.compile(
    r"^\s*(?:trong đó|cụ thể|bao gồm|gồm|là|có|được|với|ngoài ra|đồng thời|riêng|trong năm(?:\s+\d{4})?|"
    r"năm \d{4}|(?:trong\s+)?\d+\s+tháng(?:\s+đầu)?\s+năm(?:\s+\d{4})?|tính (?:từ|đến)[^,:]*|đến nay|"
    r"hiện nay|hiện tại|theo dự kiến[^,]*|kết quả(?: thực hiện)?(?: cho thấy)?|theo kế hoạch|"
    r"(?:đến|vào) năm \d{4}|toàn (?:tỉnh|thành phố|quốc)|cả nước)(?!\w)\s*[,:]?\s*",
    re.I,
)
_TRAIL_CUE = re.compile(
    r"(?:\s*(?:(?<!\w)(?:đạt tỷ lệ|chiếm tỷ lệ|đạt|là|có|được|chiếm|bằng|gồm|với|KH|kế hoạch|ước đạt|ước|"
    r"phấn đấu|hơn|trên|dưới|khoảng|gần|từ|tổng số|số tiền|ít nhất|tối thiểu|tối đa|không quá|và)(?!\w)"
    r"|[:=,;(\-–<>≤≥]))+\s*$",
    re.I,
)


# A title in capitals the text runs into without a break ("… CHỐNG HIV/AIDS TRÊN ĐỊA BÀN TỈNH BẮC KẠN GIAI ĐOẠN 2018 -
# 2020 Khống chế tỷ lệ lây nhiễm HIV/AIDS …") names no value after it. Words, not abbreviations ("BHYT", "TCMR"):
# some of them write letters English does not.
_MIN_TITLE_WORDS = 3
_MIN_TITLE_VIETNAMESE_WORDS = 2


def _without_title_in_capitals(p: str) -> str:
    words = p.split()
    k = 0
    while k < len(words) and words[k] == words[k].upper():
        k += 1
    title = [w for w in words[:k] if any(c.isalpha() for c in w)]
    opens_sentence = k < len(words) and words[k][:1].isupper() and words[k][1:].islower()
    vietnamese = [w for w in title if not w.isascii()]
    if len(title) >= _MIN_TITLE_WORDS and len(vietnamese) >= _MIN_TITLE_VIETNAMESE_WORDS and opens_sentence:
        return " ".join(words[k:])
    return p


def _clean_phrase(phrase: str, keep_trailing: bool = False) -> str:
    p = _without_title_in_capitals(collapse_ws(phrase.replace("*", " ")).strip(" ,;:-–"))
    prev = None
    while prev != p:
        prev = p
        p = _LEAD_JUNK.sub("", _BULLET.sub("", p), count=1).strip(" ,;:-–*")
    if not keep_trailing:
        m = _TRAIL_CUE.search(p)
        if m:
            head, cut = p[: m.start()], p[m.start() :].split()
            if cut and head.split() and _is_name_part(head.split()[-1], cut[0]):
                head = f"{head} {cut[0]}"  # "dân số Cao Bằng là": "Bằng" ends a name, it is no cue
            p = head.strip(" ,;:-–*")
    return p


# What a label says last of when and how its value came, not what it is a value of: "Tổng tỷ suất sinh của Vĩnh
# Phúc có xu hướng tăng năm 2010 | là 2,06 con; năm 2015 là 2,25 con; …" (each value keeps its own year). Not a time
# to reach ("giai đoạn đến năm 2030"), which names the indicator.
_TIME_SAID = re.compile(
    rf"(?:\s+(?:có\s+)?xu hướng\s+(?:tăng|giảm)(?:\s+nhẹ)?)?"
    rf"(?:\s+(?<!đến )(?<!đầu )(?<!cuối )(?:(?:trong|vào)\s+)?năm\s+{YEAR})?\s*$",
    re.I,
)


def _without_time_said(label: str) -> str:
    kept = _TREND_START_SAID.sub("", _TIME_SAID.sub("", label)).rstrip(" ,;:")
    return kept if _content_words(kept) >= 2 else label


# Where a trend started, when no figure was read there (a bare number): "Số bác sĩ/vạn dân tăng từ 4,1 | lên 7,3"
# is the number of doctors per 10,000 people.
_TREND_START_SAID = re.compile(
    rf"\s+(?:tăng|giảm)\s+từ\s+[<>≤≥]?\s*\d[\d.,]*(?:\s*(?:%|‰|{UNIT_ALT}))?(?:\s+(?:lên|xuống)(?:\s+còn)?)?\s*$",
    re.I,
)


def _is_name_part(before: str, word: str) -> bool:
    """A capitalised word after a capitalised one ("Cao Bằng"), neither an abbreviation ("BHYT KH")."""
    return all(w.isalpha() and w[0].isupper() and w[1:].islower() for w in (before, word))


_IS_VALUE = re.compile(r"^\s*[<>≤≥]?\s*\d")
_COMPARISON_PART = re.compile(r"^\s*(?:so với|so cùng kỳ|bằng với|(?:cao|thấp|nhiều|ít) hơn)(?!\w)", re.I)
_MIN_CONTENT = 3  # syllables: "bồi dưỡng" is one word of two


@dataclass(slots=True)
class _Left:
    phrase: str  # the naming words, parts joined with ", "
    list_item: bool  # ", 22 sáng kiến, 07 kỹ thuật mới": an item of a list of counts
    cue_only: bool  # the words right before the number are only cues ("đạt", "chiếm tỷ lệ", "KH")
    empty: bool  # no word at all before the number in its clause
    last: str  # the part right before the number (after the last ':' or ',')


# Where a shorthand was defined right after a name ("tổng tỷ suất sinh (TFR)"), marked before parentheses are
# dropped: a name whose shorthand follows is whole.
_DEFINED = "\x00"
_SHORTHAND_DEFINED = re.compile(r"\s*\((?:viết tắt là\s+)?[A-ZĐ][A-ZĐ0-9]{1,9}\)")


def _left_phrase(text: str, lo: int, hi: int, after_quantity: bool = False) -> _Left:
    """Words before a number that name it.

    Parts are cut at ':' and ','; parts are taken from the last one back until they have some content,
    and parts that are values ("Khám sức khỏe tiền hôn nhân: 2.490/3.415, đạt tỷ lệ 72,92%") are
    passed over to their label.
    """
    seg = _drop_parens(_SHORTHAND_DEFINED.sub(_DEFINED, text[lo:hi]))
    seg = seg[seg.rfind(")") + 1 :]  # the clause started inside a parenthesis that closed since
    empty = re.search(r"[^\W\d_]", seg) is None
    pieces = re.split(r"(:|,(?!\d)|\b[Tt]rong đó\b)", seg)
    marked, seps = pieces[0::2], pieces[1::2]
    parts = [p.replace(_DEFINED, " ") for p in marked]
    joiner = r"\s*(?:và|cùng|với)?\s*"
    if (
        (len(parts) > 1 and seps[-1] == "," and re.fullmatch(joiner, parts[-1]))
        or (len(parts) == 1 and re.fullmatch(r"\s*và\s*", parts[0]))
        or re.fullmatch(
            r"\s*\d[\d.,]*\s+[^,]*\svà\s*", parts[-1]
        )  # "…, 148 Phòng chẩn trị YHCT và 65 Cơ sở …"
        or (len(parts) > 1 and re.search(r"\svà\s*$", parts[-1]) is not None)  # "…, Bệnh viện Lao và 6 xã"
        # "38 xã SRLH nhẹ, 16 xã SRLH vừa và 10 xã SRLH nặng": the last item, after the previous one's words
        or (after_quantity and len(parts) == 1 and re.search(r"(?:^|\s)và\s*$", parts[0]) is not None)
    ):
        return _Left("", True, False, empty, "")
    kept: list[str] = []
    for i in range(len(parts) - 1, -1, -1):
        defines_shorthand = _DEFINED in marked[i]
        part = parts[i]
        if i < len(parts) - 1 and _COMPARISON_PART.match(part):
            continue  # "…, tăng 35% so với cùng kỳ, trong đó 3 ca tử vong": what the figure before was measured against
        if i < len(parts) - 1 and _IS_VALUE.match(part):
            part = re.sub(rf"^\s*[<>≤≥]?\s*\d[\d.,/]*\s*(?:{UNIT_ALT})?(?![^\W\d_])", "", part, flags=re.I)
            if not part.strip():
                continue  # "…: 2.490/3.415, đạt tỷ lệ 72,92%": look further back for the label
        kept.insert(0, part)
        if _content_words(" ".join(kept)) >= _MIN_CONTENT or defines_shorthand:
            # "…, với tổng tỷ suất sinh (TFR) năm 2019 là 2,53 con": a name its shorthand follows is whole
            break
    phrase = ", ".join(p.strip() for p in kept if p.strip())
    last = parts[-1]
    cue_only = re.search(r"[^\W\d_]", last) is not None and _content_words(last) == 0
    return _Left(phrase, False, cue_only, empty, last)


def _name_of_parenthesis(
    text: str, cand: _Candidate, prev: _Found | None, where: tuple[int, int], own_tail: str
) -> tuple[str, bool, bool] | None:
    """The name of a value opening a parenthesis: what the words before the parenthesis say (None: nothing)."""
    sent_start, paren = where
    name = _name_before_paren(text, sent_start, paren)
    if re.match(r"(?:tăng|giảm)\b", name, re.I):
        return "", False, False  # "tăng 178,8 tỷ đồng (23,4%)": the change in percent
    if prev is not None and _MEASURED_AGAINST.match(name):
        # "đạt 92,5%, thấp hơn kế hoạch đề ra (95%)": the plan of the figure before, not a name of its own
        return f"{prev.root} ({name})", True, True
    if re.search(r"\d\s*$", name):  # "187/209 (89,5%) trạm y tế thực hiện quản lý bệnh tăng huyết áp"
        close = text.find(")", cand.end)
        name = (
            _tail_words(text, close + 1, r"[;()]|\.(?!\d)", 12, digits=True, loose=True)
            if close != -1
            else ""
        )
    if not name:
        return None
    return collapse_ws(f"{name} {cand.word} {own_tail}" if own_tail else name), False, False


_MEASURED_AGAINST = re.compile(r"(?:thấp hơn|cao hơn|vượt|so với|bằng)\b", re.I)


def _name_before_paren(text: str, sent_start: int, paren: int) -> str:
    """What a '(102%)' right after a name qualifies: 'BVĐK tỉnh Hậu Giang (102%)'."""
    seg = _drop_parens(text[sent_start:paren])
    part = re.split(r"[:;]|,(?!\d)|\s(?:là|gồm|như|và)\s", seg)[-1]
    return _clean_phrase(part)


_TAIL_STOP = re.compile(
    r"\s(?:tăng|giảm|đạt|so với|so cùng kỳ|chiếm|trong đó|với|tại|bằng|là|và|gồm)\b"
    rf"|\s\d[\d.,]*\s*(?:%|{UNIT_ALT})(?![^\W\d_])",
    re.I,
)


def _tail_words(
    text: str,
    pos: int,
    stops: str = r"[;:()\[\]]|[,.](?!\d)",
    limit: int = 8,
    digits: bool = False,
    loose: bool = False,
) -> str:
    """Words right after a unit: '332 đơn vị [máu]', '25 ca [mắc Sốt xuất huyết]'.

    ``digits`` stops at a number; ``loose`` keeps connecting words ("tại", "với") for a sentence
    that opens with its figure ("100% sản phụ sanh tại cơ sở y tế").
    """
    rest = re.sub(r"^\s*\([^()]*\)", "", text[pos:])  # "72% (54/75) TYT có BS định biên"
    # A shorthand defined in passing does not end the words: "38 xã vùng sốt rét lưu hành (SRLH) nhẹ"
    rest = _SHORTHAND_DEFINED.sub("", rest)
    m = re.match(rf"(?:(?!{stops}).)*", rest)
    tail = m.group(0) if m else ""
    if loose:
        tail = re.split(r"\s(?:tăng|giảm|so với|so cùng kỳ)\b", tail, maxsplit=1)[0]
    else:
        tail = _TAIL_STOP.split(tail, maxsplit=1)[0]
    if digits:
        tail = re.split(r"\s\d", tail, maxsplit=1)[0]
    tail = re.sub(r"(?:\s+(?:và|của|với|là|có|được|đạt))+\s*$", "", re.sub(r"^\s*(?:và|của)\s+", "", tail))
    return " ".join(tail.split()[:limit])


# Cue words before a number; the nearest wins, and at one position the first kind in this order.
_KIND_CUES: list[tuple[re.Pattern[str], FigureKind]] = [
    (re.compile(r"\b(?:" + "|".join(lexicon().figure_kinds[kind].text_cues) + r")\b", re.I), kind)
    for kind in ("plan", "estimate", "target", "actual")
]


def _kind_window(text: str, clause: int, start: int) -> str:
    """Where kind cues count: the clause, but not a heading before ':' when the value is not right after it
    ("… đều đạt chỉ tiêu kế hoạch năm: Tỷ suất tử vong … là 1,9‰" is not a plan figure)."""
    window = _drop_parens(text[clause:start])
    colon = window.rfind(":")
    if colon != -1 and re.search(r"[^\W\d_]", window[colon + 1 :]):
        window = window[colon + 1 :]
    return window


def _cue_kind(left: str) -> FigureKind | None:
    """Kind named by the cue word nearest before a number ('đạt' -> actual, 'KH' -> plan); 'ước' rules
    its whole clause ("Ước 6 tháng đầu năm 2023 đã hỗ trợ … 1.350 lượt")."""
    if re.search(r"(?<!\w)ước(?!\w)", left, re.I):
        return "estimate"
    best: tuple[int, FigureKind] | None = None
    for pattern, kind in _KIND_CUES:
        for m in pattern.finditer(left):
            if best is None or m.end() > best[0]:
                best = (m.end(), kind)
    return best[1] if best else None


def _section_kind(doc: ParsedDocument, block: Block) -> FigureKind | None:
    return section_kind(block) or ("actual" if doc.meta.kind in lexicon().reporting_kinds else None)


_YEAR_IN_TEXT = re.compile(rf"(?:năm\s+|/)({_YEAR})\b(?!\s*[-–]\s*{_YEAR})", re.I)
# "bằng với", and "hơn" right before the year: "… 2.590 giường, bằng với năm 2017", "tăng cao hơn năm 2011 khoảng
# 1,43 phần nghìn" compare too (not "đạt hơn 100%. Năm 2019, …").
_COMPARISON_BEFORE = re.compile(
    r"(?:(?:so với|so cùng kỳ|cùng kỳ|từ|giai đoạn|bằng với)[^,;]{0,20}|(?<!\w)hơn\s*)$", re.I
)


def compared_against(before: str) -> bool:
    """Whether a year after ``before`` is what a value is compared against ("so với cùng kỳ năm 2022") or a
    period's start ("từ năm 2021"), not the time of the value."""
    return bool(_COMPARISON_BEFORE.search(before))


def _year_in(text: str) -> int | None:
    """The last year of a time expression in text, ignoring comparison years ('so với cùng kỳ năm 2022')."""
    years = _years_in(text)
    return years[-1] if years else None


def _years_in(text: str) -> list[int]:
    """The years of the time expressions of a text, in order (not comparisons, cited documents' dates or the start
    of a span until now)."""
    years = []
    for m in _YEAR_IN_TEXT.finditer(text):
        if compared_against(text[: m.start()]):
            continue
        if m.group(0).startswith("/") and _DOC_NUMBER_RE.search(text[max(0, m.start() - 60) : m.start()]):
            continue  # the date of a cited document
        if opens_span_until_now(text, m.start(), m.end()):
            continue  # "Từ sau ca nhiễm HIV đầu tiên năm 1998 đến nay lũy tích …": counted since 1998, standing now
        years.append(int(m.group(1)))
    return years


# The parenthesis right after a value that dates it: "1.141.154 người (theo số liệu tổng điều tra dân số
# 01/4/2019)", "(tính đến 31/12/2022)".
_PARENTHESIS_AFTER = re.compile(r"\s*\(([^()]{0,80})\)")


def _dated_after(text: str, end: int) -> int | None:
    """The year of the date in the parenthesis right after a value (not a comparison's: "(so với năm 2022)")."""
    m = _PARENTHESIS_AFTER.match(text, end)
    return _year_in(m.group(1)) if m else None


def _period_end(before: str) -> int | None:
    """The end of the last period named before a value ("giai đoạn 2009-2019" → 2019): a value over a period
    stands at its end, as a target of a period is due at its end."""
    periods = [m for m in YEAR_RANGE_RE.finditer(before) if int(m.group(1)) < int(m.group(2))]
    return int(periods[-1].group(2)) if periods else None


def _section_year(block: Block) -> int | None:
    for title in reversed(block.section):
        year = _year_in(title)
        if year is not None:
            return year
    return None


# ---------------------------------------------------------------- prose: extraction


# Words that may follow a bare value ("216.094 đạt 49,7% KH"); any other word makes it a count of that word.
_AFTER_CUES = {"đạt", "tăng", "giảm", "chiếm", "bằng", "so", "và", "trong"}


@dataclass(slots=True)
class _Found:
    start: int  # where the number (or its comparator) starts
    end: int  # end of the number and its unit
    figure: Figure
    clause: int  # clause start, to link "(KH 9,3)" to "9,32"
    root: str  # the indicator before any "(…)" qualifier, for the figures that refer back to this one
    in_trend: bool = False  # "từ 1,21% năm 2011 xuống 1,08% …": a value a trend starts from or goes to


@dataclass(slots=True)
class _Candidate:
    m: re.Match
    unit: re.Match | None
    cut: int  # where the words naming this number may start: after the previous quantity
    per: re.Match | None = None  # "/100.000 dân" right after the value (targets.PER_POP_VALUE)

    @property
    def word(self) -> str:
        """The unit word in the spelling of the unit list ("Trạm Y tế" -> "trạm y tế")."""
        word = (self.unit.group("word") or "") if self.unit else ""
        return CANONICAL_UNIT.get(word.lower(), word)

    @property
    def noun(self) -> str:
        """What the number counts, per so many people when its unit says so: "đạt 29,1 giường bệnh/10.000 dân"
        names beds per 10,000 people, more than the unit word alone."""
        per = self.unit.group("per") if self.unit else None
        return self.word + normalize_per(per) if self.word and per else self.word

    @property
    def sym(self) -> str:
        return normalize_unit(self.unit.group("sym") or "") if self.unit else ""

    @property
    def weak(self) -> bool:
        return self.word.lower() in WEAK_UNITS

    @property
    def strong(self) -> bool:
        return bool(self.sym) or bool(self.per) or (bool(self.word) and not self.weak)

    @property
    def end(self) -> int:
        if self.per is not None:
            return self.per.end()
        return self.unit.end() if self.unit else self.m.end()


@dataclass(slots=True)
class _Context:
    doc: ParsedDocument
    block: Block
    base: int | None
    horizon: int | None
    section_kind: FigureKind | None
    section_year: int | None


def _clean_enough(indicator: str) -> bool:
    """An indicator with at least two naming syllables ("dành" alone is not)."""
    return _content_words(indicator) >= 2


def _looks_like_indicator(phrase: str) -> bool:
    return bool(INDICATOR_START.match(fold(phrase))) or bool(PER_POP_RE.search(phrase))


def _unit_from_indicator(indicator: str) -> str:
    """Unit of a unitless value from its indicator: 'số bác sĩ trên 10.000 người dân' -> 'bác sĩ/10.000 dân'."""
    per = per_part(indicator)
    m = re.match(r"^(?:tổng\s+)?số\s+(.+)", indicator, re.I)
    noun = ""
    if per and not m:  # "Bình quân số cán bộ y tế/vạn dân", "Bác sĩ/vạn dân"
        pm = PER_POP_RE.search(indicator)
        assert pm is not None  # `per` came from this label
        head = re.sub(
            r"^(?:bình quân\s+)?(?:tổng\s+)?(?:số\s+)?", "", indicator[: pm.start()].strip(), flags=re.I
        )
        if head and not re.match(r"^(?:tỷ|tỉ)\b", head, re.I):
            noun = head[0].lower() + head[1:]
    if m:
        rest = fold(m.group(1))
        for unit in sorted(STRONG_UNITS + ["lần"], key=len, reverse=True):
            if rest == fold(unit) or rest.startswith(fold(unit) + " "):
                noun = normalize_unit(m.group(1)[: len(unit)])
                break
        if per and not noun:
            noun = label_noun(indicator)
    if per:
        return f"{noun}{per}" if noun else per
    return noun


def _prose_candidates(text: str) -> list[_Candidate]:
    """Numbers of a paragraph that are not dates, codes, ratios or names, with the unit after them."""
    mask = _blocked(text)
    out: list[_Candidate] = []
    cut = 0
    for m in _NUM_RE.finditer(text):
        a, b = m.start("num"), m.end("num")
        if any(mask[a:b]):
            continue
        if re.search(r"\d\s?[-–]\s?$", text[max(0, a - 4) : a]) or re.search(
            r"(?:^|[\s(])[-+]$", text[max(0, a - 2) : a]
        ):
            continue  # second bound of a range, or a signed change ("-4.1%")
        if _NAME_BEFORE.search(text[max(0, m.start() - 40) : m.start()].lower()):
            continue  # "Điều 2", "tiểu dự án 2": a name
        per = PER_POP_VALUE.match(text, a)
        cand = _Candidate(m, UNIT_RE.match(text, m.end()), cut, per if per and per.end("num") == b else None)
        out.append(cand)
        # A quantity ends the words of the next number; "dưới 5 tuổi", "trong 3 thời kỳ" are part of them.
        nxt = re.match(r"\s*([^\W\d_]*)", text[cand.end :])
        if cand.strong or (
            not cand.unit and (not nxt or nxt.group(1).lower() in _AFTER_CUES or not nxt.group(1))
        ):
            cut = cand.end
    return out


def prose_figures(doc: ParsedDocument, block: Block, base: int | None) -> list[Figure]:
    """``base``: the document's own year (``context.base_year``)."""
    text = block.text
    if _TABLE_DEBRIS.match(text):
        return []
    ctx = _Context(doc, block, base, horizon(doc, block), _section_kind(doc, block), _section_year(block))
    found: list[_Found] = []
    for cand in _prose_candidates(text):
        fig = _prose_figure(ctx, cand, found)
        if fig is not None:
            found.append(fig)
    return [f.figure for f in found]


def _previous(
    found: list[_Found], clause: int, in_parens: bool, sent_start: int, start: int
) -> _Found | None:
    """The figure a value may refer back to: the last one of its clause, or for a value in parentheses
    the last one of its sentence ("1.721.470 (tuyến tỉnh: 193.929, …)")."""
    same = [f for f in found if f.clause == clause and f.end <= start]
    if same:
        return same[-1]
    if in_parens:
        outer = [f for f in found if sent_start <= f.start and f.end <= start]
        return outer[-1] if outer else None
    return None


def _previous_clause_name(text: str, sent_start: int, clause: int) -> str:
    """Name of a '; đạt 60% KH năm' clause: what the clause before it was about."""
    lo = max(sent_start, text.rfind(";", sent_start, clause - 1) + 1)
    seg = _drop_parens(text[lo : clause - 1])
    seg = re.sub(rf"[\s,:]*[<>≤≥]?\s*\d[\d.,/ ]*(?:{UNIT_ALT})?\s*$", "", seg, flags=re.I)
    return _clean_phrase(_left_phrase(seg, 0, len(seg)).phrase)


def _lead_of(prev: _Found | None, sent_start: int) -> str:
    """The words the previous count of the sentence was named after, before its own noun: the lead a list of counts
    shares ("Công Gô đã ghi nhận 422 trường hợp mắc, 242 trường hợp tử vong": "Công Gô đã ghi nhận")."""
    if prev is None or prev.start < sent_start or prev.figure.column or not prev.figure.unit:
        return ""
    at = fold(prev.root).find(f" {fold(prev.figure.unit)} ")
    lead = prev.root[:at].strip() if at > 0 else ""
    return lead if _LEAD_OF_COUNTS.fullmatch(lead) else ""


# The verbs after which a count is named by its own noun ("kết quả thu được 332 đơn vị máu", "đã ghi nhận 422
# trường hợp mắc").
_DECIMAL = re.compile(r"\d,\d")
_RUNNING_TOTAL = re.compile(rf"(?<!\w){lexicon().qualifier_rules.running_total}\s*$", re.I)
# A heading's colon, then cue words only, right before a value.
_CUE_AFTER_HEADING = re.compile(r":\s*[^\W\d_][^:,;]*$")
# "tỷ lệ" right before a count per so many people: the rate is named by the count's unit.
_RATE_BEFORE = re.compile(r"(?<!\w)(?:tỷ|tỉ) lệ\s*$", re.I)
_COUNTING_VERB = r"(?:được|có|cho|phạt|xử lý|tiếp nhận|phát hiện|ghi nhận|thu)"
# A lead shared by a list of counts: a few words, no number or clause break, ending with the verb that counts or
# with "với", an approximation after it ("dịch sốt xuất huyết bùng phát với hơn 166.000 trường hợp mắc và 42 trường hợp
# tử vong").
_LEAD_OF_COUNTS = re.compile(
    rf"[^\d,;:()]{{1,60}}?(?<!\w)(?:{_COUNTING_VERB}|với)"
    rf"(?:\s+(?:{'|'.join(lexicon().numbers_in_text.approximately)}))?",
    re.I,
)


def _named_by_what_follows(
    text: str, cand: _Candidate, left: _Left, clause: int, own_noun: bool
) -> tuple[str, bool, bool] | None:
    """A value whose words before say only how it is given, so that what follows it names it."""
    if own_noun and cand.unit is not None and cand.unit.group("per") and _RATE_BEFORE.search(left.last):
        # "Với số lượng này, tỉnh chỉ đạt tỷ lệ 7,7 bác sĩ trên một vạn dân": a rate its unit names
        return f"tỷ lệ {cand.noun}", False, True
    if cand.sym and left.cue_only and _CUE_AFTER_HEADING.search(text[clause : cand.m.start()]):
        # "Mục tiêu cụ thể của Kế hoạch: phấn đấu 100% trẻ em … được tiêm chủng đầy đủ": a heading, then only a
        # cue; the words after the value name it
        after = _tail_words(text, cand.end, r"[;()]|\.(?!\d)", 12, loose=True)
        if _content_words(after) >= 2:
            return after, False, False
    return None


def _name(
    ctx: _Context,
    cand: _Candidate,
    prev: _Found | None,
    left: _Left,
    where: tuple[int, int, bool],
    continues: bool = False,
) -> tuple[str, bool, bool]:
    """(indicator, inherited from prev, phrase looks like an indicator) for a prose number; ``continues``: it is
    where a trend that ``prev`` is in went."""
    text = ctx.block.text
    sent_start, clause, in_parens = where
    clean = _clean_phrase(left.phrase)
    tail = _tail_words(text, cand.end, digits=bool(cand.sym)) if cand.strong else ""
    own_noun = bool(cand.word and not cand.weak and cand.word.lower() not in MONEY)
    paren = clause - 1
    if continues and prev is not None:
        return prev.root, True, True  # "giảm từ 1.025 ca năm 2011 xuống còn 06 ca năm 2022"
    named_after = _named_by_what_follows(text, cand, left, clause, own_noun)
    if named_after is not None:
        return named_after
    if prev is None and cand.sym and left.cue_only and clause > sent_start and text[clause - 1] == ";":
        clause_words = _drop_parens(text[clause : cand.m.start()])
        if _content_words(clause_words) == 0:  # "…được 150/250 lượt; đạt 60% KH năm"
            name = _previous_clause_name(text, sent_start, clause)
            if name:
                return f"{name} ({_clean_phrase(left.last) or '%'} {tail})".replace(" )", ")"), True, True
    between = text[prev.end : paren] if prev is not None else ""
    if in_parens and left.empty and prev is not None and not re.search(r"[\d,:;()]|\b[A-ZĐ]", between):
        # "23 cuộc (19 cuộc thường xuyên, …)": a breakdown of the figure before the parenthesis
        return (f"{prev.root} ({tail})" if tail else prev.root), True, True
    if in_parens and left.empty:  # "BVĐK tỉnh Hậu Giang (102%)", "... tăng cao (2.176 ca, ...)"
        named = _name_of_parenthesis(text, cand, prev, (sent_start, paren), tail if own_noun else "")
        if named is not None:
            return named
    if left.list_item or (left.empty and own_noun):  # "…, 521.049 người từ 18 tuổi trở đã tiêm đủ 2 mũi"
        if cand.sym:
            return tail, False, False  # "…, 72% (54/75) TYT có BS định biên"
        own = collapse_ws(f"{cand.noun} {tail}") if own_noun else ""
        return (collapse_ws(f"{_lead_of(prev, sent_start)} {own}") if own else ""), False, False
    if cand.sym and (left.empty or (not clean and prev is None)):
        # "; 100% cơ sở khám, chữa bệnh triển khai …", "Ít nhất 90% người nhiễm HIV được điều trị ARV"
        return _tail_words(text, cand.end, r"[;()]|\.(?!\d)", 12, digits=True, loose=True), False, False
    # "…, đã có 1.342 ca tử vong": a count with its own noun and words is named by them, not by the figure before
    own_words = own_noun and bool(tail) and not in_parens
    referring = (left.cue_only and not own_words) or (
        _content_words(left.last) <= 1 and not (own_noun and tail)
    )
    if prev is not None and (referring or (in_parens and not _looks_like_indicator(clean))):
        # "(KH 9,3)", ", đạt 103,8% kế hoạch", "(19 cuộc thường xuyên, …)": about the previous figure
        own = _clean_phrase(left.last) if left.cue_only else clean
        extra = " ".join(filter(None, [own, f"% {tail}" if cand.sym == "%" and tail else tail]))
        indicator = f"{prev.root} ({extra})" if extra else prev.root
        return indicator, True, True
    verb_before = re.search(rf"{_COUNTING_VERB}\s*$", text[: cand.m.start()], re.I)
    if (
        own_noun and (tail or verb_before) and not _looks_like_indicator(clean)
    ):  # "kết quả thu được 332 đơn vị máu"
        return (
            collapse_ws(f"{_clean_phrase(left.phrase, keep_trailing=True)} {cand.noun} {tail}"),
            False,
            False,
        )
    if not clean and own_noun:
        return collapse_ws(f"{cand.noun} {tail}"), False, False
    return clean, False, _looks_like_indicator(clean)


def _is_figure(
    cand: _Candidate, before: str, after: str, inherited: bool, named: bool, indicator: str, left: _Left
) -> bool:
    """A unit makes a figure; a bare number needs a value cue after an indicator-like phrase."""
    if not indicator or len(indicator) < 3:
        return False
    if cand.word and fold(indicator) == fold(cand.word) and not left.list_item:
        return False  # nothing but the unit ("4 lượt)") names nothing
    if cand.strong or (cand.weak and _DECIMAL.search(cand.m.group(0))):
        # a decimal before a weak unit measures ("2,14 con", "73,5 tuổi"); a label's ages and years are whole
        return True
    nxt = re.match(r"\s*([^\W\d_]+)", after)
    if nxt and nxt.group(1).lower() not in _AFTER_CUES:
        return False  # "19 tổ chức": a count of something that is not a unit we know
    cue = re.search(r"(?:đạt|là|:|=|\bKH|kế hoạch|chỉ tiêu|ước|chiếm)\s*$", before, re.I)
    if cue:
        return inherited or named or (cand.weak and _content_words(indicator) >= 2)
    # "Tổng số mẫu kiểm nghiệm 550, đạt ...": a count right after its "Số ..." label
    return not cand.unit and named and re.match(r"^(?:tổng\s+)?số\b", indicator, re.I) is not None


def _prose_unit(cand: _Candidate, indicator: str, before: str, inherited: bool, prev: _Found | None) -> str:
    if cand.sym == "%" and not inherited and per_part(indicator) and not _SHARE_NAME.match(indicator):
        # "Số bác sĩ bình quân 1 vạn dân là 6,7%", "số giường bệnh trên 10.000 dân đạt 29,3%": a count per so many
        # people is no share; the sign is a slip of the writer's, the name says the unit
        return _unit_from_indicator(indicator)
    if cand.sym:
        return normalize_unit(cand.sym)
    if cand.per is not None:  # "dưới 20/100.000 dân"; "số người mắc … 120/100.000" -> "người/100.000 dân"
        noun = _unit_from_indicator(indicator)
        return ("" if "/" in noun else noun) + normalize_per(cand.per.group("per"))
    if cand.word:
        per_m = cand.unit.group("per") if cand.unit else None
        unit = normalize_unit(cand.word) + (normalize_per(per_m) if per_m else "")
        per = per_part(indicator)
        return (
            unit + per if per and "/" not in unit else unit
        )  # "35,8 giường" of "số giường … trên 10.000 dân"
    if (
        inherited
        and prev is not None
        and (prev.figure.unit not in {"%", "‰"} or re.search(r"KH|kế hoạch", before))
    ):
        return prev.figure.unit  # "(KH 9,3)" is in the unit of "9,32"; "(thạc sĩ: 54)" is not a percentage
    return _unit_from_indicator(indicator)


# A name of a share ("tỷ lệ …", "tỉ lệ …"): a percentage of its population is what it is.
_SHARE_NAME = re.compile(r"^\s*(?:tỷ|tỉ)\s+lệ\b", re.I)


def _prose_kind_year(
    ctx: _Context,
    span: tuple[int, int],
    where: tuple[int, int],
    in_parens: bool,
    prev: _Found | None,
    starts: bool = False,
) -> tuple[FigureKind | None, int | None]:
    """Kind from the nearest cue (else the enclosing figure, else the section), year from the sentence
    (else the section, else the document); a strategy plan's goals are targets of its horizon, and a value
    stated as an objective ("Mục tiêu …", "phấn đấu …") is a target, or the coming year's plan."""
    text = ctx.block.text
    start, end = span
    sent_start, clause = where
    kind = _cue_kind(_kind_window(text, clause, start))
    if kind is None and in_parens:  # "…, thấp hơn kế hoạch đề ra (95%)": the words the parenthesis follows
        seg = _drop_parens(text[sent_start : max(sent_start, clause - 1)])
        kind = _cue_kind(re.split(r"[:;]|,(?!\d)", seg)[-1])
    if kind is None and in_parens and prev is not None:
        kind = prev.figure.kind
    kind = kind or ctx.section_kind
    # The sentence's own time ("6 tháng đầu năm 2023", or after the value: "… vào năm 2030"), else the
    # paragraph's ("… năm 2022 theo hướng dẫn của Bộ Y tế: … . Các Bệnh viện … 3,03 điểm"), else the
    # section's, else the document's.
    if starts:  # the value a trend starts from
        # "giảm từ 0,57/1000 dân xuống còn 0,020/1000 dân năm 2022": 2022 is the later value's year
        # (what a trend starts from was reached: in a plan's objectives it is the baseline, not a target)
        # Without a year of its own, a start is of the earliest time its sentence names before it ("năm 1960: …;
        # năm 2016 giảm còn …; … giảm từ 3,41% xuống còn 1,18%"); a single year there is where the trend went
        # ("Năm 2022, số ca giảm từ 120 xuống còn 80 ca"), so the start's own time is not written.
        before = sorted(set(_years_in(_drop_parens(text[sent_start:start]))))
        year_of_start = own_year_after(text, end) or (before[0] if len(before) >= 2 else None)
        kind = kind or ctx.section_kind
        objective = in_objectives(text[sent_start:start], ctx.block.section)
        return ("actual" if objective or kind in ("plan", "target") else kind), year_of_start
    year = (
        own_year_after(text, end)
        or _year_in(_drop_parens(text[sent_start:start]))
        or _dated_after(text, end)
        or year_after(text, end)
        or _period_end(_drop_parens(text[sent_start:start]))
        or _year_in(_drop_parens(text[:sent_start]))
        or ctx.section_year
        or ctx.base
    )
    if kind != "estimate" and in_objectives(text[sent_start:start], ctx.block.section):
        kind = objective_kind(kind, year, ctx.base, ctx.horizon)
    elif kind in (None, "actual") and ctx.doc.meta.date and _ahead_of(text[sent_start:start], year, ctx.base):
        kind = "target"  # "…, đến năm 2025 đạt trên 97%" in a 2022 text: a value aimed at, not reached
    if kind == "plan" and ctx.horizon is not None and year == ctx.base and ctx.doc.meta.kind == "Kế hoạch":
        kind = "target"  # the goals of a strategy plan ("… đến năm 2030") are its targets
    if kind == "target" and ctx.horizon is not None and year == ctx.base:
        year = ctx.horizon
    if kind == "target" and ctx.base is not None and year is not None and year < ctx.base + 2:
        kind = "plan"  # "phấn đấu" for the coming year is that year's plan
    return kind, year


def _ahead_of(before: str, year: int | None, base: int | None) -> bool:
    """The value's year is named as a time to reach ("đến năm 2025", "vào năm 2030") and lies after the text's
    own year. Only a dated text tells: undated, "đến năm 2017 đạt 95%" may report what was reached."""
    if year is None or base is None or year <= base:
        return False
    return bool(re.search(rf"(?:{'|'.join(_TIME_TO_REACH)})\s+{year}(?!\d)", before, re.I))


_TIME_TO_REACH = [
    t for t in lexicon().prose_targets.target_time if t.lower() != "năm"
]  # "đến năm", "vào năm"


def _objective_name(indicator: str, inherited: bool, change: str | None, outer: _Found | None) -> str:
    """The indicator without the verbs of an objective ("Giảm … xuống" -> "…"); a change names what changed
    (the figure it follows, when it refers back to one) and against what: "Số lượt khám bệnh (tăng so với
    cùng kỳ năm 2022)"."""
    if change is not None:
        root = outer.root if outer is not None else strip_change_verb(without_objective_words(indicator))
        root = re.sub(r"\s*\([^()]*\)$", "", root)  # "Tổng số lần khám (% KH)": what changed, not how far
        return f"{root} ({change})" if root else ""
    return indicator if inherited else without_objective_words(indicator)


def _prose_quote(text: str, start: int, end: int, sentence: tuple[int, int]) -> str:
    """The sentence of the number; for a sentence over 300 characters, its ';' clause."""
    lo, hi = sentence
    if len(collapse_ws(text[lo:hi])) > MAX_QUOTE:
        lo = max(lo, text.rfind(";", lo, start) + 1)
        semi = text.find(";", end, hi)
        hi = semi if semi != -1 else hi
    return clip_quote(text, start, end, lo, hi)


def _comparator(cand: _Candidate, before: str) -> str | None:
    comparator = CMP.get((cand.m.group("cmp") or "").strip())
    if comparator is None and cand.strong:  # "hơn 2.000 ca", "dưới 7%", "ít nhất 30%"
        wm = re.search(r"(?:^|\s)(" + "|".join(WORD_CMP) + r")\s*$", before, re.I)
        comparator = WORD_CMP[wm.group(1).lower()] if wm else None
    return comparator


# A clause that says nothing but its year before the value: "; năm 2015 là", "; năm 2022:", "; năm 2022 đạt".
_YEAR_ONLY = re.compile(rf"\s*(?:-\s*)?(?:năm|đến năm|tới năm)\s+{_YEAR}\s*(?:là|:|đạt|có|còn)?\s*$", re.I)


def _change_over_a_period(text: str, sent_start: int, cand: _Candidate) -> tuple[str, int] | None:
    """The name of a change its sentence measures over a period it states, and the period's end: "Trong 15 năm trở
    lại đây (2005-2020), dân số Cao Bằng có xu hướng tăng nhẹ, tăng 28.155 người" -> ("dân số Cao Bằng (tăng so với
    năm 2005)", 2020). None when no period is stated (a change against what the text does not say is no
    figure), or when the words before the change name nothing of their own ("…, bình quân tăng 14,9%/năm")."""
    before = text[sent_start : cand.m.start()]
    periods = [m for m in YEAR_RANGE_RE.finditer(before) if int(m.group(1)) < int(m.group(2))]
    verb = change_verb_before(before)
    if not periods or verb is None:
        return None
    kept: list[str] = []
    for part in reversed(_drop_parens(before[periods[-1].end() : verb.start()]).split(",")):
        if re.search(r"\d", part):
            break  # another value's words
        kept.insert(0, part)
        if _content_words(" ".join(kept)) >= _MIN_CONTENT:
            break
    words = _TREND_WORDS.sub("", _clean_phrase(", ".join(p.strip() for p in kept if p.strip()))).strip(" ,")
    if _content_words(words) < 2:  # "dân số Cao Bằng"; not "bình quân"
        return None
    first, last = periods[-1].group(1), periods[-1].group(2)
    # named as a change against the period's start, so it is qualified as every change is (a question about the
    # level does not ask it)
    return f"{words} ({verb.group('verb').lower()} so với năm {first})", int(last)


# How a sentence says a trend went, before its amount: "có xu hướng tăng nhẹ, tăng 28.155 người", "bình quân tăng".
_TREND_WORDS = re.compile(
    r"(?:\s+(?:có\s+)?xu\s+hướng\s+(?:tăng|giảm)(?:\s+nhẹ|\s+mạnh)?|(?:^|\s+)bình\s+quân)+\s*$", re.I
)


def _aimed_change(ctx: _Context, cand: _Candidate, before: str, sent_start: int) -> str | None:
    """The name of a change an objective sets, by its verb and the words after the value: "Năm 2013, Chi cục đề ra
    mục tiêu giảm 0,25 phần nghìn mức sinh, giảm 1,5% trường hợp sinh con thứ 3 trở lên" -> "mức sinh (giảm)",
    "trường hợp sinh con thứ 3 trở lên (giảm)", as a change is named by what it changes and, in parentheses, how.
    Elsewhere a change without its reference is no figure."""
    text = ctx.block.text
    if not in_objectives(text[sent_start : cand.m.start()], ctx.block.section):
        return None
    verb = aimed_change(before, text, cand.end)
    if verb is None:
        return None
    tail = _tail_words(text, cand.end, limit=12)
    return f"{tail} ({verb})" if _content_words(tail) >= 1 else None


def _count_it_breaks_down(text: str, prev: _Found | None, cand: _Candidate, sent_start: int) -> _Found | None:
    """The count of its sentence a bare number is a part of, named after "trong đó" and a cue: "Số trẻ dưới 5 tuổi
    là 170.749 trẻ, trong đó trẻ dưới 2 tuổi là 61.788 chiếm hơn 36%" (61.788 children)."""
    if cand.unit is not None or cand.per is not None or prev is None or prev.start < sent_start:
        return None
    unit = prev.figure.unit
    if not is_count_unit(unit) or prev.figure.column:
        return None
    between = text[prev.end : cand.m.start()]
    return prev if _PART_THEN_CUE.search(between) else None


# "…, trong đó trẻ dưới 2 tuổi là ": a part of the count before, named, then its value.
_PART_THEN_CUE = re.compile(r"\btrong đó\b[^;:()]{3,60}?\s(?:là|có|gồm|chiếm)\s*$", re.I)


def _prose_figure(ctx: _Context, cand: _Candidate, found: list[_Found]) -> _Found | None:
    text = ctx.block.text
    m = cand.m
    start = m.start()
    sent_start, sent_end = _sentence_bounds(text, start)
    clause, in_parens = _clause_start(text, sent_start, start)
    before = text[max(clause, start - 40) : start]
    near = re.split(r",(?!\d)|\b[Tt]rong đó\b", _drop_parens(text[max(clause, cand.cut) : start]))[-1]
    change = change_against(before, text, cand.end) if cand.sym == "%" else None
    aimed = _aimed_change(ctx, cand, before, sent_start) if change is None else None
    over = None
    if change is None and aimed is None and _CHANGE_BEFORE.search(before):
        over = _change_over_a_period(text, sent_start, cand)
        if over is None:
            return None  # "tăng 36 ca so với cùng kỳ": an amount of change against what the text does not say
    if _COMPARISON.search(near) or (in_parens and _CONTRAST.search(near)):
        return None  # "(cùng kỳ năm 2022: 0)": a comparison
    left = _left_phrase(text, max(clause, cand.cut), start, after_quantity=cand.cut > clause)
    prev = _previous(found, clause, in_parens, sent_start, start)
    if prev is None and _YEAR_ONLY.match(text, clause, start):
        # "TFR …, năm 2010 là 2,06 con; năm 2015 là 2,25 con": a clause that says only its year continues the
        # sentence's list of one indicator over the years.
        earlier = [f for f in found if sent_start <= f.start and f.end <= start]
        prev = earlier[-1] if earlier else None
    continues = (
        prev is not None
        and not in_parens
        and continues_trend(text, (prev.start, prev.end), start, prev.in_trend)
    )
    if aimed is not None:
        indicator, inherited, named = aimed, False, True
    elif over is not None:
        indicator, inherited, named = over[0], False, True
    else:
        indicator, inherited, named = _name(ctx, cand, prev, left, (sent_start, clause, in_parens), continues)
    indicator = _objective_name(indicator, inherited, change, prev if in_parens or inherited else None)
    indicator = disease_meant(_without_time_said(indicator), text[:start])
    if _RUNNING_TOTAL.search(text[clause:start]) and not CUMULATIVE.search(fold(indicator)):
        # "thêm 16 trường hợp nhiễm HIV, nâng số trường hợp nhiễm HIV lên 992": the sum so far, not new cases
        indicator = f"{indicator} ({lexicon().qualifier_display['luy tich']})"
    value = parse_vn_number(m.group("num"))
    part_of = _count_it_breaks_down(text, prev, cand, sent_start)
    if value is None or not (
        part_of is not None
        or _is_figure(cand, before, text[cand.end : cand.end + 12], inherited, named, indicator, left)
    ):
        return None
    if cand.sym and not _clean_enough(indicator):  # "dành ít nhất 30% ngân sách y tế cho …"
        indicator = collapse_ws(f"{indicator} {_tail_words(text, cand.end, limit=12, digits=True)}")
    starts = starts_trend(text, start, cand.end)
    kind, year = _prose_kind_year(ctx, (start, cand.end), (sent_start, clause), in_parens, prev, starts)
    if change is not None and kind != "estimate":
        kind = "actual"  # a change against an earlier value is a result, whatever "% KH" came before it
    if over is not None:
        year = over[1]  # a change over a period stands at its end
    doc = ctx.doc
    linked = inherited and prev is not None
    figure = Figure(
        indicator=indicator[:200],
        value=value,
        value_text=m.group("num") + (f"-{m.group('num2')}" if m.group("num2") else ""),
        unit=part_of.figure.unit
        if part_of is not None
        else _prose_unit(cand, indicator, before, inherited, prev),
        year=year,
        kind=kind,
        comparator=_comparator(cand, before),
        doc_id=doc.doc_id,
        source=doc.source,
        section=ctx.block.section_path,
        line=ctx.block.line_at(m.start("num")),
        quote=_prose_quote(text, start, cand.end, (sent_start, sent_end)),
        province=doc.meta.province,
        column="",
        # a value that refers back ("(KH 9,3)") shares the key of the figure it qualifies
        row_key=prev.figure.row_key
        if prev is not None and linked
        else f"{doc.doc_id}:{ctx.block.start_line}:{start}",
    )
    root = prev.root if prev is not None and linked else indicator
    in_trend = continues or starts
    return _Found(start=start, end=cand.end, figure=figure, clause=clause, root=root, in_trend=in_trend)
