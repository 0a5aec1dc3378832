"""What a question asks for: the kind of figure, the years, the kind of number, and the shape of the answer."""

from __future__ import annotations

import re
from functools import lru_cache

from qa.answer.understand.question import Question, QuestionType, UnitIntent
from qa.answer.understand.several import asked_quantities
from qa.extract.figures.units import WORD_CMP
from qa.extract.qualifiers import periods_in
from qa.vn.counters import counter_at_start
from qa.vn.cue_match import CuePhrases
from qa.vn.gazetteer import load_gazetteer
from qa.vn.lexicon import FigureKind, lexicon
from qa.vn.so_hieu import NUMBER_ANY_CASE_RE
from qa.vn.text import fold
from qa.vn.years import YEAR, YEAR_RANGE_RE

_DATE = re.compile(r"\b\d{1,2}\s*/\s*\d{1,2}\s*/\s*(?=\d{4}\b)")  # "31/12/" before a year: the year stays
# Words after "bao nhiêu" / "mấy" read as the thing a question counts, up to a stop word or a non-word:
# "cán bộ viên chức" is four; a longer run is what the question says of the thing, not its name.
COUNTED_WORDS = 4
_COUNTED_WORD = re.compile(r"\s*([^\W\d_]+)")
_HALF = re.compile(r"\b(?:6|sáu|sau)\s*tháng\b|\b6\s*thang\b|\bnửa đầu năm\b|\bnua dau nam\b", re.I)

# The earliest cue wins, at one position the longest, and at one position and length the first kind of this
# order. Typed accents must agree with the cue's (qa/vn/cue_match.py): "đặt" a plan is not "đạt" a result.
_KIND_CUE_ORDER: tuple[FigureKind, ...] = ("estimate", "target", "plan", "actual")
_KIND_CUES = [(CuePhrases(lexicon().figure_kinds[k].question_cues), k) for k in _KIND_CUE_ORDER]


def detect_kind(text: str) -> FigureKind | None:
    best: tuple[int, int, FigureKind] | None = None
    for cues, kind in _KIND_CUES:
        for m in cues.finditer(text):
            key = (m.start(), -len(m.group(0)))
            if best is None or key < best[:2]:
                best = (key[0], key[1], kind)
    return best[2] if best else None


def read_years(text: str) -> tuple[list[int], tuple[int, int] | None]:
    """Years asked (not the 2021 of 60/2021/NĐ-CP), and a range "2021-2025" / "2021 - 2025" when written."""
    clean = _DATE.sub(" ", NUMBER_ANY_CASE_RE.sub(" ", text))
    ranges = [(int(a), int(b)) for a, b in YEAR_RANGE_RE.findall(clean)]
    years = [int(y) for y in re.findall(rf"(?<!\d)({YEAR})(?!\d)", clean)]
    return list(dict.fromkeys(years)), (ranges[0] if ranges and ranges[0][0] < ranges[0][1] else None)


def asks_change(q: Question) -> bool:
    """ "tăng bao nhiêu % so với cùng kỳ": the question asks how much something changed, which a change answers."""
    return bool(lexicon().question_cues.find("change_asked", q.cue_text))


def without_reference_years(text: str, years: list[int]) -> list[int]:
    """The years asked, without the year of a change's reference ("tăng bao nhiêu % so với cùng kỳ 2022"):
    "cùng kỳ" is the same period a year earlier, so when no other year is asked the year after it is."""
    cues = lexicon().question_cues
    references = _years_after(text, "same_period_before")
    asked = [y for y in years if y not in references]
    if not asked and references:
        return [max(references) + 1]
    # "tăng bao nhiêu lần so với năm 2021": when the year a change is measured from is the only year named, no
    # year is asked (the change is to some later time); beside another year ("năm 2023 tăng hay giảm so với
    # năm 2022") both are the sides of a comparison.
    changes = _years_after(text, "change_reference") if cues.find("change_asked", text) else []
    if asked and set(asked) <= set(changes):
        return []
    # "Từ năm 2012 toàn cầu đã có bao nhiêu ca …": counted since 2012, up to the document's time
    since = _years_counted_from(text)
    asked = [y for y in asked if y not in since]
    # "Theo niên giám thống kê NĐ năm 2023, tỷ số … năm 2021": the source's year dates the document
    of_source = _years_in_cited_sources(text)
    if since and set(asked) <= of_source:
        return []  # counted since a year up to the time of the document cited: no year of its own
    return [y for y in asked if y not in of_source] if set(asked) - of_source else asked


def _years_counted_from(text: str) -> set[int]:
    """The years a question counts from ("từ năm 2012", lexicon ``since_year``), unless it says to when ("từ năm
    2021 đến năm 2025" asks the span)."""
    found: set[int] = set()
    for m in lexicon().question_cues.finditer("since_year", text):
        after = re.match(rf"\s*({YEAR})(?!\d)(?P<rest>[^,;?]*)", text[m.end() :])
        if after and not re.search(
            rf"(?<!\w)(?:đến|tới|den|toi)\s+(?:năm\s+|nam\s+)?{YEAR}", after.group("rest"), re.I
        ):
            found.add(int(after.group(1)))
    return found


def _years_in_cited_sources(text: str) -> set[int]:
    """The years inside each phrase naming the document a question asks from, up to the next comma."""
    found: set[int] = set()
    for m in lexicon().question_cues.finditer("cited_source", text):
        clause = re.match(r"[^,;?]*", text[m.end() :])
        found |= {int(y) for y in re.findall(rf"(?<!\d)({YEAR})(?!\d)", clause.group(0) if clause else "")}
    return found


def _years_after(text: str, cue: str) -> list[int]:
    """The years written right after each phrase of one cue list ("so với cùng kỳ năm 2022" → 2022)."""
    found = []
    at = 0
    while (m := lexicon().question_cues.find(cue, text, at)) is not None:
        year = re.match(rf"\s*({YEAR})(?!\d)", text[m.end() :])
        if year:
            found.append(int(year.group(1)))
        at = m.end()
    return found


def counted_thing(text: str) -> tuple[str, ...]:
    """The folded words naming what a question counts ("bao nhiêu cán bộ viên chức?" → "can bo vien chuc"),
    or nothing when no noun follows the cue ("đạt bao nhiêu?", "bao nhiêu %"; "năm" is a stop word)."""
    cue = lexicon().question_cues.find("counting", text)
    if cue is None:
        return ()
    words: list[str] = []
    at = cue.end()
    stop = lexicon().stop_words.phrase
    following = [fold(m.group(1)).lower() for m in _COUNTED_WORD.finditer(text, at)][:COUNTED_WORDS]
    counter = counter_at_start(tuple(following))
    # A counter is taken whole: "cơ sở" folds to "co so", whose "co" is the stop word "có".
    counter_words = len(counter[0]) if counter else 0
    while len(words) < COUNTED_WORDS and (m := _COUNTED_WORD.match(text, at)):
        word = fold(m.group(1)).lower()
        if word in stop and len(words) >= counter_words:
            break
        words.append(word)
        at = m.end()
    return tuple(words)


_THOUSANDS_DOT = re.compile(r"(?<=\d)\.(?=\d{3}\b)")


def unit_intent(text: str) -> UnitIntent | None:
    """The kind of number a question (as typed) wants, from the first unit cue in it."""
    cues = lexicon().question_cues
    text = _THOUSANDS_DOT.sub("", text)  # "10.000 dân" is the rate cue "10000 dân"
    found: list[tuple[int, int, UnitIntent]] = []
    order: tuple[UnitIntent, ...] = ("money", "rate", "percent", "count")  # at one position: money first
    for rank, name in enumerate(order):
        m = cues.find_unit(name, text)
        if m:
            found.append((m.start(), rank, name))
    counted = _COUNTED.find(text)  # "bao nhiêu điểm", "mấy ca": a number of things
    asked_count: list[tuple[int, int, UnitIntent]] = (
        [(counted.start(), order.index("count"), "count")] if counted else []
    )
    found += asked_count
    # A unit right after the question word is the number asked, whatever the topic words before it: "ngân sách
    # địa phương hỗ trợ bao nhiêu %" wants a share, not money ("bao nhiêu điểm, đạt mấy % KH": the first asked).
    direct = [
        (m.start(), rank, name)
        for rank, name in enumerate(order)
        if name != "count" and (m := _asked_directly(name).find(text))  # counts: asked_count, already
    ]
    if direct:
        return min(direct + asked_count)[2]
    # The first thing asked is the number wanted: "bao nhiêu lượt, đạt bao nhiêu % KH" wants the count.
    if found:
        return min(found)[2]
    # "số BN lao phổi M(+) mới …": a question that opens by naming a count, and asks no rate or share
    # ("Số giường bệnh trên 10.000 dân" is a rate), wants a count.
    return "count" if _starts_with_count(text) else None


# A comparator word right before the counting word asks a bound ("xuống dưới bao nhiêu", "ít nhất mấy %"); not
# "hơn": "cao hơn bao nhiêu" asks a difference.
_BOUND_DIRECTIONS = (frozenset({"<", "≤"}), frozenset({">", "≥"}))


@lru_cache(maxsize=1)
def _bound_phrases() -> dict[str, CuePhrases]:
    counting = lexicon().question_cues.phrases["counting"]
    words = {w: sign for w, sign in WORD_CMP.items() if w != "hơn"}
    return {
        sign: CuePhrases(tuple(f"{w} {c}" for w, s in words.items() if s == sign for c in counting))
        for sign in set(words.values())
    }


def bound_asked(text: str) -> frozenset[str]:
    """The comparators of the bound a question asks: {"<", "≤"} for "giảm xuống dưới bao nhiêu"; none for "bao
    nhiêu" alone."""
    for sign, phrases in _bound_phrases().items():
        if phrases.find(text):
            return next(d for d in _BOUND_DIRECTIONS if sign in d)
    return frozenset()


@lru_cache(maxsize=8)
def _asked_directly(name: UnitIntent) -> CuePhrases:
    """ "bao nhiêu %", "mấy phần trăm", "bao nhiêu tiền": a counting word, then a cue of the unit."""
    cues = lexicon().question_cues
    return CuePhrases(tuple(f"{c} {u}" for c in cues.phrases["counting"] for u in cues.units[name]))


def _counted_phrases() -> CuePhrases:
    """ "bao nhiêu <unit>", "mấy <unit>" for every unit of things counted (not money)."""
    units = lexicon().units
    words = [u.lower() for u in (*units.strong, *units.weak) if not units.money & {u}]
    return CuePhrases(tuple(f"{ask} {w}" for ask in ("bao nhiêu", "mấy") for w in words))


_COUNTED = _counted_phrases()


def times_asked(q: Question) -> set[int]:
    """The distinct times a question names: a period ("giai đoạn 2009-2019") is one time, not two years to set
    side by side, so its start is no time of its own."""
    return set(q.years) - ({q.year_range[0]} if q.year_range else set())


def question_type(q: Question) -> QuestionType:
    cues = lexicon().question_cues
    has = {name: bool(cues.find(name, q.cue_text)) for name in cues.phrases}
    if has["trend"] and not has["passage"]:
        return "trend"
    if (has["ranking_high"] or has["ranking_low"]) and (has["across_provinces"] or not q.provinces):
        return "ranking"
    if has["compare"] and has["across_provinces"] and len(q.named) + len(q.unknown_provinces) < 2:
        return "ranking"
    sides = len(q.named) or len(q.provinces)  # "Ninh Bình" is one side even when it covers Hà Nam's documents
    # "An Giang mới (phần Kiên Giang cũ)": a current unit and a province it absorbed, named together without a
    # comparison cue, are one place said twice.
    joined = _joined(q.cue_text, q.named) and not _one_place_twice(q.named)
    if (sides + len(q.unknown_provinces) >= 2 and (has["compare"] or joined)) or (
        has["compare"] and len(times_asked(q)) >= 2
    ):
        return "compare"
    if has["across_provinces"] and not q.provinces:
        return "compare"
    regulation_object = cues.find("regulation_object", q.cue_text)
    asks = regulation_object and cues.find("regulation_ask", q.cue_text, regulation_object.end())
    if has["regulation_phrases"] or asks or (q.numbers and not has["figure"]):
        return "regulation"
    # A kind of number named is not a question for one ("kinh phí … lấy từ những nguồn nào"): an ask is needed.
    if (
        has["figure"] or q.plan_check or _COUNTED.find(q.cue_text) or _starts_with_count(q.cue_text)
    ) and not has["passage"]:
        return "figure"
    return "passage"


def _one_place_twice(named: list[str]) -> bool:
    gaz = load_gazetteer()
    return len(named) == 2 and (gaz.current_of(named[0]) == named[1] or gaz.current_of(named[1]) == named[0])


def _joined(typed: str, named: list[str]) -> bool:
    """Two places joined as the two sides of a question ("Bắc Giang và Hà Nam", "Kiên Giang, Hà Nam", "hay"),
    as opposed to a name inside another name ("Trường ĐH Y Dược Cần Thơ tại Kiên Giang và thực hiện năm nào"):
    the joining word stands between the first two names (anywhere, when they cannot be found as typed)."""
    folded = fold(typed).lower()
    at = [folded.find(fold(n).lower()) for n in named[:2]]
    between = typed
    if len(folded) == len(typed) and len(at) == 2 and min(at) >= 0 and at[0] != at[1]:
        first, second = sorted(zip(at, named[:2], strict=True))
        between = typed[first[0] + len(fold(first[1])) : second[0]]
    return bool(lexicon().question_cues.find("sides_joined", between) or _JOINING_MARK.search(between))


_JOINING_MARK = re.compile(r",|/|\s[-–]\s")


_COUNT_OPENING = re.compile(r"(?:^|[,;:|]\s*)(?:tong\s+)?(so)\s+(?!voi\b|hieu\b|y te\b)")


def _starts_with_count(text: str) -> bool:
    """ "số BN lao phổi mới …", "tổng số …", a tool-style field "bac giang | so chung chi …": a question or one of
    its clauses that starts by naming a count ("số", typed with its accent or none; not "sở", "sổ")."""
    typed = text.lower()
    folded = fold(typed)
    return (
        any(typed[m.start(1) : m.end(1)] in ("số", "so") for m in _COUNT_OPENING.finditer(folded))
        if len(folded) == len(typed)
        else bool(_COUNT_OPENING.search(folded))
    )


def plan_documents_named(
    text: str, titles: list[frozenset[str]], places: frozenset[str] = frozenset()
) -> list[tuple[int, int]]:
    """Where "kế hoạch" / "KH" names a plan document, not the plan a figure belongs to: followed by a số hiệu or
    "số N" ("KH 95/KH-UBND", "Kế hoạch số 131"), or by two words (not glue) that one document's title holds
    ("theo KH phòng chống HIV/AIDS": "Kế hoạch hoạt động phòng, chống HIV/AIDS tỉnh Lào Cai năm 2020"); the
    span runs on over the title's words that follow."""
    folded = fold(text).lower()
    glue = lexicon().stop_words.question_folded | places  # "KH Bắc Giang": the province, not a title
    spans: list[tuple[int, int]] = []
    for m in _PLAN_WORD.finditer(folded):
        after = folded[m.end() :]
        if _NUMBER_NEXT.match(after):
            spans.append(m.span())
            continue
        words = list(_WORDS.finditer(after))
        first = {w.group(0) for w in words[:2]}
        if len(words) < 2 or glue & first:
            continue
        # The title's words that follow name the document too ("… HIV/AIDS"): the longest run wins.
        runs = [_run_in(words, t, glue) for t in titles if first <= t]
        if not runs:
            continue
        end = m.end() + words[max(runs) - 1].end()
        spans.append((m.start(), end))
    return spans


def _run_in(words: list[re.Match[str]], title: frozenset[str], glue: frozenset[str]) -> int:
    """How many of ``words``, from the first, a title holds, up to glue ("năm", "số": what is asked may follow)."""
    n = 0
    while n < len(words) and words[n].group(0) in title and words[n].group(0) not in glue:
        n += 1
    return n


def _plan_document_words() -> re.Pattern[str]:
    """How a question names a plan document: the kind's words and its code ("kế hoạch", "KH"), folded."""
    plan = next(k for k in lexicon().document_kinds if k.name == _PLAN_KIND)
    words = sorted({fold(w).lower() for w in (*plan.words, *plan.codes)}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.I)


_PLAN_KIND = "Kế hoạch"
_PLAN_WORD = _plan_document_words()
_WORDS = re.compile(r"[^\W\d_]+")
_NUMBER_NEXT = re.compile(r"\s*(?:so\s+\d+|\d+\s*/\s*[a-z])")


def read_intent(q: Question, titles: list[frozenset[str]] | None = None) -> None:
    """Fill the intent fields of a question whose text, provinces and numbers are read; ``titles`` (each
    document title's folded words) tell a plan document named from the plan kind."""
    cues = lexicon().question_cues
    years, q.year_range = read_years(q.cue_text)
    q.years = without_reference_years(q.cue_text, years)
    q.half_year = bool(_HALF.search(q.cue_text))
    check = cues.find("plan_check", q.cue_text)
    q.plan_check = bool(check)
    # "khám bao nhiêu lượt, bằng mấy % KH năm", "đã vượt kế hoạch chưa": the plan a result is checked
    # against is not the figure asked; a kind named elsewhere ("ước thực hiện") still counts. Nor is a plan
    # document named ("Dân số tỉnh theo KH phòng chống HIV/AIDS năm 2020", "KH 95/KH-UBND").
    blanked = [check.span()] if check else []
    blanked += [m.span() for m in NUMBER_ANY_CASE_RE.finditer(q.cue_text)]  # the "KH" of "95/KH-UBND"
    if len(fold(q.cue_text)) == len(q.cue_text):
        places = frozenset(fold(w).lower() for p in (*q.provinces, *q.named) for w in p.split())
        named = plan_documents_named(q.cue_text, titles or [], places)
        blanked += named
        folded = fold(q.cue_text).lower()
        q.document_phrases = [
            tuple(_WORDS.findall(_PLAN_WORD.sub(" ", folded[a:b], count=1))) for a, b in named
        ]
    without_check = q.cue_text
    for start, end in blanked:
        without_check = without_check[:start] + " " * (end - start) + without_check[end:]
    q.kind = detect_kind(without_check)
    if q.plan_check and q.kind == "plan":
        q.kind = None
    q.unit_intent = unit_intent(q.cue_text)
    q.counted = counted_thing(q.cue_text) if q.unit_intent in (None, "count") else ()
    if cues.find("ranking_high", q.cue_text):
        q.ranking = "high"
    elif cues.find("ranking_low", q.cue_text):
        q.ranking = "low"
    q.asks_part = bool(cues.find("which_part", q.cue_text))
    q.whole_population = lexicon().population.names_whole(q.cue_text)
    q.bound = bound_asked(q.cue_text)
    # "6 tháng đầu 2023 đã vượt kế hoạch cả năm chưa": a question that names part of the year asks that part;
    # its "cả năm" is the plan's
    q.whole_year = bool(cues.find("whole_year", q.cue_text)) and not (q.half_year or periods_in(q.cue_text))
    q.quantities = asked_quantities(q.text, q.cue_text)
    q.explanatory = bool(cues.find("passage", q.cue_text))
    q.qtype = question_type(q)
