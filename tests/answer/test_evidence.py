"""The words a question and a passage are compared by."""

from __future__ import annotations

from qa.answer.evidence import Evidence, evidence_words
from qa.vn.tokens import canonical_syllable


def test_a_sign_after_a_word_tells_categories_apart() -> None:
    asked = evidence_words("so BN lao phoi M(+) moi")[0]
    assert {"m", "m+"} <= asked and "m-" not in asked
    assert {"hiv", "hiv+"} <= evidence_words("Số người HIV (+) phát hiện mới")[0]
    terms = {"lao": 1.0, "phoi": 1.0, "m": 0.5, "m+": 8.0, "moi": 1.0}
    assert Evidence({}).coverage(terms, "Lao phổi M(+) mới") == 1.0
    assert Evidence({}).coverage(terms, "Lao phổi M(-)") < 0.3


def test_the_words_of_the_questions_frame_are_no_key_words() -> None:
    """What a question asks by ("số hiệu là gì, ký ngày nào") and the words that point at its source ("bài … nói",
    "… cho rằng") are not what the answer must hold; the shorthands of official writing ("gđ", "VN") are spelled
    out."""
    from qa.answer.understand import Reader

    reader = Reader({"Lâm Đồng": "Lâm Đồng", "Hà Tĩnh": "Hà Tĩnh"}, set())
    evidence = Evidence({})
    asked = evidence.key_terms(
        reader.read("KH loại trừ sốt rét tỉnh Lâm Đồng gđ 2024-2030 số hiệu là gì, ký ngày nào?")
    )
    assert {"loại", "trừ", "sốt", "rét", "giai", "đoạn"} <= set(asked)
    assert not {"hiệu", "kí", "ký", "ngày"} & set(asked)
    # the kind asked is in the citing line ("Căn cứ Quyết định số …"): its words stay key words
    asked = evidence.key_terms(reader.read("KH của Lâm Đồng căn cứ quyết định nào về loại trừ sốt rét?"))
    assert {"quyết", "định", "căn", "cứ"} <= set(asked)
    asked = evidence.key_terms(reader.read("chien luoc dan so VN den 2030 ban hanh bang quyet dinh nao?"))
    assert "việt" in asked
    asked = evidence.key_terms(reader.read("Bài về dân số Hà Tĩnh nói Pháp lệnh Dân số cho phép điều gì?"))
    assert not {"bài", "nói"} & set(asked) and {"pháp", "lệnh", "phép"} <= set(asked)
    asked = evidence.key_terms(reader.read("Vì sao UBND tỉnh cho rằng dịch HIV/AIDS vẫn có thể bùng phát?"))
    assert "rằng" not in asked and {"bùng", "phát"} <= set(asked)
    asked = evidence.key_terms(reader.read("KH của Lâm Đồng nêu dịch bạch hầu quay lại ở những tỉnh nào?"))
    assert "nêu" not in asked and {"bạch", "hầu", "quay"} <= set(asked)


def test_a_shorthand_no_document_writes_is_weighed_by_its_phrase_alone() -> None:
    """ "sxh" spelled out as "sốt xuất huyết": when no document writes "sxh" it is no unknown key word of its own
    (it weighed the most and no text could cover it); when documents write it, a label may say it and it stays."""
    from qa.answer.understand import Reader

    reader = Reader({"Đắk Lắk": "Đắk Lắk"}, set())
    q = reader.read("dak lak co bao nhieu o dich sxh nho")
    assert q.expansions == {"sxh": "sốt xuất huyết"}
    asked = Evidence({"sốt": 3.2, "xuất": 2.3, "huyết": 3.2, "dịch": 1.1}).key_terms(q)
    assert "sxh" not in asked and {"sốt", "xuất", "huyết"} <= set(asked)
    assert Evidence({}).coverage(asked, "140 ổ dịch nhỏ, 2.646 trường hợp mắc sốt xuất huyết") == 1.0
    written = Evidence({"sxh": 4.0, "sốt": 3.2, "xuất": 2.3, "huyết": 3.2}).key_terms(q)
    assert written["sxh"] == 4.0


def test_an_apostrophe_inside_a_name_joins_one_word() -> None:
    """ "H’mông" as users type it, "Hmong"; a quote around words stays a quote."""
    words = evidence_words("dân tộc Kinh chiếm 37%, H’mông chiếm 22%, 'Tày' 15%")[0]
    assert {"hmông", "hmong", "tày"} <= words and "mông" not in words


def test_what_a_question_says_of_a_province_s_place_since_the_merger_is_no_key_word() -> None:
    """ "Sóc Trăng (nay thuộc TP Cần Thơ)", "Gia Lai cũ (trước sáp nhập với Bình Định)": about the place named."""
    from qa.answer.understand import Reader

    reader = Reader(
        {"Sóc Trăng": "Cần Thơ", "Cần Thơ": "Cần Thơ", "Gia Lai": "Gia Lai", "Bình Định": "Gia Lai"}, set()
    )
    evidence = Evidence({})
    asked = evidence.key_terms(
        reader.read("so nguoi nhiem HIV con song o soc trang (nay thuoc TP Can Tho) cuoi nam 2011")
    )
    assert set(asked) == {"nguoi", "nhiem", "hiv", "song"}  # "cuối năm" says when
    asked = evidence.key_terms(
        reader.read("Tỉnh Gia Lai cũ (trước sáp nhập với Bình Định) có bao nhiêu trẻ dưới 2 tuổi?")
    )
    assert not {"cũ", "sáp", "nhập", "trước"} & set(asked) and {"trẻ", "dưới", "tuổi"} <= set(asked)


def test_an_abbreviation_the_documents_define_covers_its_phrase() -> None:
    """A document that writes "… ký sinh trùng sốt rét (KSTSR)" and then "Tỷ lệ KSTSR/1000 dân" labels its rows
    with the shorthand it defined (no lexicon entry); a question that spells the phrase out is covered by them,
    and the shorthand is no word the question leaves unsaid."""
    terms = {
        canonical_syllable(w): weight
        for w, weight in (("lệ", 1.0), ("ký", 2.0), ("sinh", 1.0), ("trùng", 2.0), ("sốt", 2.0), ("rét", 2.0))
    }
    plain, learned = Evidence({}), Evidence({}, {"kstsr": "ký sinh trùng sốt rét"})
    assert plain.coverage(terms, "Tỷ lệ KSTSR/1000 dân") == 1.0 / 10.0
    assert learned.coverage(terms, "Tỷ lệ KSTSR/1000 dân") == 1.0
    asked = evidence_words("tỷ lệ ký sinh trùng sốt rét")[0]
    assert plain.extra_words("Tỷ lệ KSTSR", asked) == 1
    assert learned.extra_words("Tỷ lệ KSTSR", asked) == 0
    assert learned.extra_words("Tỷ lệ KSTSR", evidence_words("tỷ lệ sốt rét")[0]) == 1


def test_a_province_written_as_an_alias_is_no_key_word() -> None:
    """ "Đăk Nông" (an alias of Đắk Nông) says where: "đăk" is no syllable of the name's own spelling, and as an
    unknown word it would weigh most of all; "bác" (sĩ) next to Bắc Giang stays a key word."""
    from qa.answer.understand import Reader

    reader = Reader({"Đắk Nông": "Lâm Đồng", "Bắc Giang": "Bắc Ninh"}, set())
    asked = Evidence({}).key_terms(reader.read("Sau 15 năm thành lập tỉnh Đăk Nông, hệ thống y tế ra sao?"))
    assert not {"đăk", "nông"} & set(asked) and {"hệ", "thống"} <= set(asked)
    asked = Evidence({}).key_terms(reader.read("Số bác sĩ của Bắc Giang năm 2023?"))
    assert "bác" in asked and "bắc" not in asked


def test_the_number_of_a_document_named_by_its_kind_is_no_key_word() -> None:
    """ "KH 11420 … tiêm cho những đối tượng nào": the number says which document, not what the answer holds; a
    number that is no document's ("trẻ 12 tuổi") still is."""
    from qa.answer.understand import Reader

    reader = Reader({"Khánh Hòa": "Khánh Hòa"}, set())
    asked = Evidence({}).key_terms(
        reader.read("KH 11420 của Khánh Hòa tiêm cho những đối tượng nào từ 12 tuổi?")
    )
    assert "11420" not in asked and {"12", "tiêm", "đối", "tượng"} <= set(asked)
    asked = Evidence({}).key_terms(reader.read("Theo Kế hoạch số 447 của Khánh Hòa, bao nhiêu giường bệnh?"))
    assert "447" not in asked and "giường" in asked


def test_a_province_s_initials_are_no_key_word() -> None:
    """ "… của KG năm 2006": the initials name the province the answer is filtered by; as a word no text writes
    they would weigh most of the question and no row could ever cover it."""
    from qa.answer.understand import Reader

    q = Reader({"Kiên Giang": "Kiên Giang"}, set()).read("Tổng số cơ sở phòng và chữa bệnh của KG năm 2006?")
    assert q.provinces == ["Kiên Giang"] and q.province_initials == ["KG"]
    assert "kg" not in Evidence({}).key_terms(q) and "chữa" in Evidence({}).key_terms(q)


def test_an_accent_no_document_writes_is_a_slip() -> None:
    """ "Dân sô trung binh": no document writes "sô", all write "so"-words, so it is read as typed without accents
    (the stop word "số"), not weighed as a word nothing can cover; "bác" stays itself where documents write it."""
    from qa.answer.understand import Reader

    evidence = Evidence(
        {"dân": 0.5, "số": 0.1, "so": 0.1, "trung": 1.4, "bình": 2.8, "binh": 2.8, "bác": 1.0}
    )
    q = Reader({"Bạc Liêu": "Bạc Liêu"}, set()).read("Dân sô trung binh tỉnh Bạc Liêu năm 2019 là bao nhiêu")
    assert "sô" not in evidence.key_terms(q) and {"dân", "trung", "binh"} <= set(evidence.key_terms(q))
    assert "bác" in evidence.key_terms(Reader({}, set()).read("số bác sĩ năm 2019"))
