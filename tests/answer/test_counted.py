"""What a count counts: a figure counting another kind of thing than the question asks is no answer."""

from __future__ import annotations

import pytest

from qa.answer.counted import counts_asked_thing, figure_counter_words
from qa.models import Figure
from qa.vn.counters import counter_at_start

SENTENCE = (
    "Tính đến ngày 4/8, trên địa bàn tỉnh ghi nhận 140 ổ dịch nhỏ tại 61 xã thuộc 14 huyện, với 2.646 trường "
    "hợp mắc sốt xuất huyết, tăng 5,1 lần so với năm 2021."
)


def figure(value_text: str, unit: str = "", quote: str = SENTENCE) -> Figure:
    return Figure(
        indicator="",
        value=float(value_text.replace(".", "").replace(",", ".")),
        value_text=value_text,
        unit=unit,
        year=2022,
        kind="actual",
        comparator=None,
        doc_id="d",
        source="d.txt",
        section="",
        line=1,
        quote=quote,
    )


def test_a_counter_is_the_longest_phrase_of_its_groups() -> None:
    assert counter_at_start(("o", "dich", "nho")) == (("o", "dich"), frozenset({"outbreaks"}))
    assert counter_at_start(("trieu", "luot", "nguoi")) == (("luot",), frozenset({"visits"}))
    assert counter_at_start(("ca",)) == (("ca",), frozenset({"persons", "visits"}))
    assert counter_at_start(("tram", "y", "te", "xa")) == (("tram", "y", "te"), frozenset({"facilities"}))
    assert counter_at_start(("khong", "ro")) is None


def test_a_figure_without_a_unit_counts_what_follows_its_number() -> None:
    assert figure_counter_words(figure("140")) == ("o", "dich", "nho", "tai")
    assert figure_counter_words(figure("5,1", unit="lần")) == ("lan",)


@pytest.mark.parametrize(
    ("asked", "value_text", "unit", "agrees"),
    [
        (("o", "dich"), "140", "", True),  # "140 ổ dịch nhỏ"
        (("o", "dich"), "5,1", "lần", False),
        (("o", "dich"), "14", "", False),  # "14 huyện"
        (("o", "dich"), "2.646", "trường hợp", False),
        (("lan",), "5,1", "lần", True),
        (("nguoi", "mac"), "2.646", "trường hợp", True),  # persons either way
        (("ca", "phau", "thuat"), "12.000", "lượt", True),  # "ca" counts procedures too
        (("nguoi",), "1,4", "triệu lượt người", True),  # the counter asked is written after the visits
        (("co", "so"), "820", "mẫu", False),
        (("chi", "tieu"), "820", "mẫu", None),  # the question names no counter: nothing to agree with
        (("o", "dich"), "7", "đợt", None),  # the figure's word is in no group
    ],
)
def test_whether_a_figure_counts_the_kind_of_thing_asked(
    asked: tuple[str, ...], value_text: str, unit: str, agrees: bool | None
) -> None:
    assert counts_asked_thing(asked, figure(value_text, unit)) is agrees


def test_a_sentence_that_counts_other_things_only_does_not_give_the_count_asked() -> None:
    from qa.answer.counted import sentence_counts_asked_thing
    from qa.answer.reader import read_line, read_zeros

    def gives(asked: tuple[str, ...], sentence: str) -> bool:
        numbers = [(n.start, n.unit) for n in read_line(sentence) + read_zeros(sentence)]
        return sentence_counts_asked_thing(asked, sentence, numbers)

    cases = "9 tháng đầu năm 2011, toàn thành phố có 1.335 ca mắc bệnh sốt xuất huyết."
    assert not gives(("o", "dich"), cases)
    assert gives(("ca",), cases)
    assert gives(("o", "dich"), "Toàn tỉnh ghi nhận 140 ổ dịch nhỏ tại 61 xã.")
    assert gives(("o", "dich"), "Số ổ dịch được phát hiện và xử lý là 12.")  # named before its number
    assert gives(("o", "dich"), "Trong kỳ không phát hiện ổ dịch nào.")  # none, said in words
    assert gives(("hop", "dong"), cases)  # "bao nhiêu hợp đồng": a counter of no group refuses nothing
