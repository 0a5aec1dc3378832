"""Recognise and convert text typed in the legacy Vietnamese font encodings TCVN3 (ABC) and VNI.

Such text reaches us after being decoded "successfully" as cp1252/latin-1 (or stored as such in
DOCX/PDF), so it is Unicode of the wrong letters: "KÕ ho¹ch" (TCVN3) or "Keá hoaïch" (VNI) for
"Kế hoạch". The tables below are generated from one spec per vowel: the legacy spelling of the
vowel with no tone, grave, acute, hook, tilde and dot below, in that order.

TCVN3 (TCVN 5712:1993, VN3 as used by the .VnTime fonts) has single-byte codes for the 67 lowercase
letters but only for 7 uppercase ones (Ă Â Ê Ô Ơ Ư Đ); the other 60 uppercase letters are written
with the lowercase codes in a separate uppercase font (.VnTimeH). Plain text cannot tell them apart,
so `to_unicode` guesses the case from the surrounding letters (see `_tcvn3_decode`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

LegacyEncoding = Literal["tcvn3", "vni"]

# Tone order used by every spec string below.
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # none, grave, acute, hook, tilde, dot

# TCVN3: one character (latin-1 code point = byte) per tone; a plain vowel stays the ASCII letter.
_TCVN3_SPEC: dict[str, str] = {
    "a": "aµ¸¶·¹",
    "ă": "¨»¾¼½Æ",
    "â": "©ÇÊÈÉË",
    "e": "eÌÐÎÏÑ",
    "ê": "ªÒÕÓÔÖ",
    "i": "i×ÝØÜÞ",
    "o": "oßãáâä",
    "ô": "«åèæçé",
    "ơ": "¬êíëìî",
    "u": "uïóñòô",
    "ư": "\xadõøö÷ù",  # ư is 0xAD, the soft hyphen in latin-1
    "y": "yúýûüþ",
    "đ": "®",
}
# The only uppercase letters with codes of their own in TCVN3.
_TCVN3_UPPER = {"Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦", "Đ": "§"}

# VNI Windows: base letter followed by a mark character, except i/ỵ/ơ/ư/đ which have own codes.
_VNI_SPEC: dict[str, str] = {
    "a": "a aø aù aû aõ aï",
    "ă": "aê aè aé aú aü aë",
    "â": "aâ aà aá aå aã aä",
    "e": "e eø eù eû eõ eï",
    "ê": "eâ eà eá eå eã eä",
    "i": "i ì í æ ó ò",
    "o": "o oø où oû oõ oï",
    "ô": "oâ oà oá oå oã oä",
    "ơ": "ô ôø ôù ôû ôõ ôï",
    "u": "u uø uù uû uõ uï",
    "ư": "ö öø öù öû öõ öï",
    "y": "y yø yù yû yõ î",
    "đ": "ñ",
}


def _letters(base: str) -> list[str]:
    """The precomposed letters of one spec row, in tone order."""
    if base == "đ":
        return ["đ"]
    return [unicodedata.normalize("NFC", base + tone) for tone in _TONES]


def _build_tables() -> tuple[list[str], dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    lower: list[str] = []
    tcvn3_enc: dict[str, str] = {}
    vni_enc: dict[str, str] = {}
    for base, codes in _TCVN3_SPEC.items():
        letters = _letters(base)
        vni_seqs = _VNI_SPEC[base].split()
        assert len(letters) == len(codes) == len(vni_seqs), base
        for letter, code, seq in zip(letters, codes, vni_seqs, strict=True):
            if letter.isascii():
                continue
            lower.append(letter)
            tcvn3_enc[letter] = code
            tcvn3_enc[letter.upper()] = _TCVN3_UPPER.get(letter.upper(), code)
            vni_enc[letter] = seq
            vni_enc[letter.upper()] = seq.upper()
    assert len(lower) == 67 and len(tcvn3_enc) == len(vni_enc) == 134
    tcvn3_dec = {code: letter for letter, code in tcvn3_enc.items() if letter.islower()}
    tcvn3_dec.update({code: letter for letter, code in _TCVN3_UPPER.items()})
    vni_dec: dict[str, str] = {}
    for letter, seq in vni_enc.items():
        vni_dec[seq] = letter
        if len(seq) == 2:  # after a Title Case change the mark keeps its case: case follows the base
            vni_dec.setdefault(seq[0] + seq[1].swapcase(), letter)
    return lower, tcvn3_enc, tcvn3_dec, vni_enc, vni_dec


VIETNAMESE_LOWER, _TCVN3_ENC, _TCVN3_DEC, _VNI_ENC, _VNI_DEC = _build_tables()
VIETNAMESE_LETTERS: tuple[str, ...] = tuple(VIETNAMESE_LOWER + [c.upper() for c in VIETNAMESE_LOWER])

# ---------------------------------------------------------------- detection

# Evidence of genuine Unicode Vietnamese: letters outside latin-1 and the combining tone marks
# (cp1258 text decodes to base letter + combining mark).
_REAL_VN = frozenset(c for c in VIETNAMESE_LETTERS if ord(c) > 0xFF) | frozenset(_TONES[1:])
_LATIN1_VN = frozenset(c for c in VIETNAMESE_LETTERS if ord(c) <= 0xFF)
# TCVN3 codes from the symbol block 0xA1-0xBF never occur in Vietnamese prose; « » are left out
# because French-style quotes are real punctuation.
_TCVN3_STRONG = frozenset(c for c in _TCVN3_DEC if 0xA1 <= ord(c) <= 0xBF and c not in "«»") | set("×÷þ")
_TCVN3_WEAK = frozenset(_TCVN3_DEC) - _TCVN3_STRONG - _LATIN1_VN - set("«»")
# VNI base+mark pairs; "oà", "oá", "oã" are also real Vietnamese (old-style "hoà", "hoá", "hoãn").
_VNI_PAIRS = frozenset(s for s in _VNI_DEC if len(s) == 2 and s.lower() not in {"oà", "oá", "oã"})
_VNI_PAIR_RE = re.compile("|".join(sorted(map(re.escape, _VNI_PAIRS), key=len, reverse=True)))
_VNI_SINGLE = frozenset("ñÑöÖæÆîÎ")  # own codes of đ, ư, ỉ, ỵ that are not Vietnamese letters

# Every non-ASCII character each encoding writes letters with.
_TCVN3_CODES = frozenset(_TCVN3_DEC)
_VNI_CODES = frozenset(c for seq in _VNI_DEC for c in seq if not c.isascii())

_MIN_HITS = 2
_MIN_SHARE = 0.3  # legacy evidence per word; TCVN3 prose scores about 0.5, VNI about 0.85
_MIN_CORE_SHARE = 0.1  # the core evidence alone (see _evidence), so umlauts or ñ cannot decide
# Legacy codes only count inside words (next to an ASCII letter): a lone "©" or "×" is a symbol.
_TOKEN_RE = re.compile(r"[A-Za-z\xa1-\xff]*[A-Za-z][A-Za-z\xa1-\xff]*")


def _evidence(text: str) -> tuple[dict[LegacyEncoding, tuple[int, float]], int, int]:
    """Per encoding (core hits, total score), genuine Vietnamese letters, words.

    Core hits are what only that encoding produces: TCVN3 codes from the symbol block, VNI
    base+mark pairs. German umlauts or Spanish ñ add to the score but cannot make it alone."""
    real = sum(c in _REAL_VN for c in text)
    strong = weak = pairs = singles = 0
    words = 0
    for token in _TOKEN_RE.findall(text):
        words += 1
        if token.isascii() or len(token) < 2:
            continue
        strong += sum(c in _TCVN3_STRONG for c in token)
        weak += sum(c in _TCVN3_WEAK for c in token)
        pairs += len(_VNI_PAIR_RE.findall(token))
        singles += sum(c in _VNI_SINGLE for c in token)
    scores: dict[LegacyEncoding, tuple[int, float]] = {
        "tcvn3": (strong, strong + 0.5 * weak),
        "vni": (pairs, pairs + singles),
    }
    return scores, real, words


def _sample(text: str, size: int = 100_000) -> str:
    """Start, middle and end of a long text: enough evidence, bounded time on 50 MB files."""
    if len(text) <= 3 * size:
        return text
    mid = len(text) // 2
    return "\n".join((text[:size], text[mid - size // 2 : mid + size // 2], text[-size:]))


def detect_legacy(text: str, font_hint: LegacyEncoding | None = None) -> LegacyEncoding | None:
    """'tcvn3' or 'vni' when the text reads like one of those encodings shown as latin-1, else None.

    Genuine Unicode Vietnamese has letters outside latin-1 (ạ, ơ, đ ...) and none of the legacy
    patterns; English has neither. Very short snippets ("Së Y tÕ") carry too little evidence,
    unless `font_hint` (the document's fonts are .VnTime / VNI-Times) vouches for the encoding.
    """
    scores, real, words = _evidence(_sample(text))
    best: LegacyEncoding | None = None
    best_score = 0.0
    for encoding, (core, score) in scores.items():
        if core < max(_MIN_HITS, _MIN_CORE_SHARE * words) or score < _MIN_SHARE * words:
            continue
        if score > 2 * real and score > best_score:
            best, best_score = encoding, score
    if best is None and font_hint is not None:
        codes = _TCVN3_CODES if font_hint == "tcvn3" else _VNI_CODES
        if sum(c in codes for c in text) > 2 * real:  # any legacy code counts, given the font
            return font_hint
    return best


# ---------------------------------------------------------------- conversion


def to_unicode(text: str, encoding: str, *, upper_spans: Iterable[tuple[int, int]] = ()) -> str:
    """Convert legacy-encoded text (as latin-1 characters) to Unicode NFC.

    upper_spans: [start, end) character ranges known to be typed in an uppercase-only TCVN3 font
    (.VnTimeH & co, known from DOCX run fonts); they are upper-cased after decoding.
    """
    if encoding == "tcvn3":
        out = _tcvn3_decode(text)
        spans = list(upper_spans)
        if spans:
            chars = list(out)
            for start, end in spans:
                # one character each: offsets of later spans must not move
                chars[start:end] = [u if len(u := c.upper()) == 1 else c for c in chars[start:end]]
            out = "".join(chars)
    elif encoding == "vni":
        out = _VNI_DEC_RE.sub(lambda m: _VNI_DEC[m.group()], text)
    else:
        raise ValueError(f"unknown legacy encoding: {encoding!r}")
    return unicodedata.normalize("NFC", out)


def from_unicode(text: str, encoding: str) -> str:
    """Inverse of `to_unicode` (for tests and fixtures); TCVN3 loses the case of 60 uppercase letters."""
    table = {"tcvn3": _TCVN3_ENC, "vni": _VNI_ENC}[encoding]
    return "".join(table.get(c, c) for c in unicodedata.normalize("NFC", text))


_VNI_DEC_RE = re.compile("|".join(sorted(map(re.escape, _VNI_DEC), key=len, reverse=True)))

# Letters of a TCVN3 word: ASCII letters and every TCVN3 letter code.
_TCVN3_WORD_RE = re.compile("[A-Za-z" + re.escape("".join(_TCVN3_DEC)) + "]+")
_UPPER_CODES = frozenset(_TCVN3_UPPER.values())
# Codes of the toned letters, shared by a lowercase letter and its uppercase twin (.VnTimeH font);
# ă â ê ô ơ ư đ are known lowercase since their capitals have codes of their own.
_LOWER_CODES = frozenset(_TCVN3_ENC[c] for c in "ăâêôơưđ")
_AMBIGUOUS = frozenset(_TCVN3_DEC) - _UPPER_CODES - _LOWER_CODES
# "." "!" "?" end a sentence; "..." and "…" do not (used mid-sentence as "etc.").
_SENTENCE_END_RE = re.compile(r"(?<!\.)[.!?][\"'”’)\]]*\s*$")
_BULLET_RE = re.compile(r"^\s*[-*+•–]\s+$")  # list items start like sentences


def _known_case(word: str) -> list[bool]:
    """isupper() of the letters whose case the TCVN3 code itself tells."""
    return [c in _UPPER_CODES or c.isupper() for c in word if c not in _AMBIGUOUS]


def _caps_line(words: list[str]) -> bool:
    """True for an ALL-CAPS line (a heading): most Vietnamese words with 2+ known-case letters are
    uppercase. Short words and words without a TCVN3 code are left out: abbreviations (UBND, ĐT)
    say nothing."""
    cased = [k for w in words if len(w) >= 3 and not w.isascii() and len(k := _known_case(w)) >= 2]
    return bool(cased) and sum(all(k) for k in cased) * 2 > len(cased)


def _word_is_upper(word: str, caps_line: bool) -> bool:
    known = _known_case(word)
    if len(known) >= 2:
        return all(known)
    if known and not known[0]:
        return False
    return caps_line  # "TÕ", "KÕ": a Title-case word or an ALL-CAPS one: the line decides


def _tcvn3_decode(text: str) -> str:
    """Map TCVN3 codes to letters, guessing the case of the codes shared by both cases.

    A word is uppercase when its other letters are; a word with too few letters to tell follows
    the line (ALL-CAPS headings); an ambiguous first letter after a sentence end is capitalised.
    """
    out: list[str] = []
    sentence_start = True
    for line in text.split("\n"):
        matches = list(_TCVN3_WORD_RE.finditer(line))
        caps = _caps_line([m.group() for m in matches])
        pos = 0
        for m in matches:
            gap = line[pos : m.start()]
            out.append(gap)
            if pos == 0 and _BULLET_RE.match(gap):
                sentence_start = True
            elif gap.strip():
                sentence_start = bool(_SENTENCE_END_RE.search(gap))
            word = m.group()
            decoded = "".join(_TCVN3_DEC.get(c, c) for c in word)
            if any(c in _AMBIGUOUS for c in word):
                if _word_is_upper(word, caps):
                    decoded = decoded.upper()
                elif sentence_start and word[0] in _AMBIGUOUS:
                    decoded = decoded[0].upper() + decoded[1:]
            out.append(decoded)
            sentence_start = False
            pos = m.end()
        tail = line[pos:]
        out.append(tail)
        if tail.strip():
            sentence_start = bool(_SENTENCE_END_RE.search(tail))
        out.append("\n")
    return "".join(out[:-1])
