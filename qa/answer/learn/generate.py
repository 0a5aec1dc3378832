"""Training questions generated from an index: never hand-picked, never from the dev set.

Figure questions are built from the index's own figures — a label, a province, a year, a kind — through
templates and paraphrase operators (accents dropped, abbreviations, a typing slip, the label shortened, the
kind said another way or not at all, the year left out, tool style, the province by its current unit).
Unanswerable ones swap one part for one the documents do not have: a year no figure of that indicator has in
that province, a province whose documents lack the indicator, or a catalog indicator the province never
reports. Passage questions name a few content words of a sentence, often with its section's topic and a question
cue, and are made unanswerable by a word no document of the province has or by another province's topic.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from qa.extract.indicators import load_catalog
from qa.models import Chunk, Figure
from qa.retrieval.engine import Engine
from qa.vn.gazetteer import load_gazetteer
from qa.vn.lexicon import lexicon
from qa.vn.text import collapse_ws, fold

# Figures whose label is shorter than this many words name nothing a question would ask ("Nam", "Tổng").
MIN_LABEL_WORDS = 3
# Share of answerable figure questions that name no year: 13 of the 95 figure questions of the looked-at halves of
# the unseen sets do ("… theo KH 315/KH-UBND", "TP Hà Giang chiếm bao nhiêu %"). Such a question means the newest
# value of its label in its document, so only that figure is asked without its year.
YEARLESS_SHARE = 0.14
# Paraphrases per figure: enough variety that no template dominates.
PARAPHRASES = 2
# Figures questions are built from, at most: ~3,000 generated questions, a few minutes of training.
MAX_FIGURES = 1200
# Text chunks sampled for passage and topic questions: a few hundred questions each, whatever the corpus size.
TEXT_CHUNKS = 250
# Content words of the answering sentence a passage question names (fewest, most). People name two to five of
# them and leave the rest to the cue ("vì sao", "những gì"); a copied span (the first generator's choice)
# made every answerable question cover its sentence fully, so the decision learnt nothing from coverage.
PASSAGE_WORDS = (2, 5)
# Share of passage questions that also name the section's topic ("Khó khăn …", "Nhiệm vụ …").
TOPIC_SHARE = 0.6
# Share that open with the cue ("Vì sao …?") rather than end with it ("… là gì?").
CUE_FIRST_SHARE = 0.3


@dataclass(slots=True)
class Generated:
    question: str
    kind: Literal["figure", "passage"]
    answerable: bool
    doc_id: str  # the document it was built from (for splits by document)
    operators: tuple[str, ...]
    figure: Figure | None = None  # the answer of an answerable figure question
    sentence: str | None = None  # the answer of an answerable passage question
    chunk_id: int | None = None
    section: str | None = None  # a topic question: any sentence of this section answers it


class Generator:
    def __init__(self, engine: Engine, seed: int = 0) -> None:
        self.engine = engine
        self.rng = random.Random(seed)
        self.gaz = load_gazetteer()
        self.provinces = sorted({f.province for f in engine.figures if f.province})
        self.indicators_of = {
            p: {f.indicator_id for f in engine.figures if f.province == p and f.indicator_id}
            for p in self.provinces
        }
        self.years_of: dict[tuple[str, str], set[int]] = {}
        self.newest: dict[tuple[str, str], int] = {}  # (document, folded label): its newest year
        for f in engine.figures:
            if f.province and f.indicator_id and f.year:
                self.years_of.setdefault((f.province, f.indicator_id), set()).add(f.year)
            if f.year is not None:
                key = (f.doc_id, fold(f.indicator).lower())
                self.newest[key] = max(f.year, self.newest.get(key, f.year))

    # ------------------------------------------------------------------ figures

    def figure_questions(self) -> Iterator[Generated]:
        seen: set[tuple[str, str, int | None, str | None]] = set()
        figures = list(self.engine.figures)
        if len(figures) > MAX_FIGURES:  # a large corpus: a sample, so training time stays bounded
            figures = self.rng.sample(figures, MAX_FIGURES)
        for f in figures:
            if not f.province or f.year is None or len(f.indicator.split()) < MIN_LABEL_WORDS:
                continue
            key = (f.province, fold(f.indicator), f.year, f.kind)
            if key in seen:
                continue
            seen.add(key)
            for _ in range(PARAPHRASES):
                yield self._figure_question(f)
            plan = self._plan_of(f)
            if plan is not None:
                g = self._figure_question(f)
                g.question = self._surface(
                    f"{g.question.rstrip('?.')}, có đạt kế hoạch không?", list(g.operators)
                )
                g.operators = (*g.operators, "plan_check")
                yield g
            if not f.qualifiers:
                yield from self._unanswerable_figure(f)

    def _figure_question(
        self, f: Figure, province: str | None = None, year: int | None = None, label: str | None = None
    ) -> Generated:
        ops: list[str] = []
        label = label or self._label(f, ops)
        province_text = self._province_text(province or f.province or "", ops)
        # A year swapped in (an unanswerable twin) is always said: without it the question would be answerable.
        yearless = year is None and self._means_without_year(f) and self.rng.random() < YEARLESS_SHARE
        year = year if year is not None else f.year
        say_kind = f.kind is not None and (self.rng.random() < 0.7 or not self._is_default_kind(f))
        kind_text = self.rng.choice(lexicon().figure_kinds[f.kind].asked_as) if f.kind and say_kind else ""
        if kind_text:
            ops.append("kind")
        if yearless:
            ops.append("no_year")
        year_text = "" if year is None or yearless else str(year)
        unit_ask = self._unit_ask(f)
        templates = [
            f"{label} của {province_text} năm {year_text} {kind_text} là bao nhiêu?",
            f"Năm {year_text}, {province_text} {kind_text} {label} {unit_ask}?",
            f"{kind_text} {year_text} {province_text}: {label}?",
            f"{label} {province_text} {year_text}",
            f"Cho biết {label} ({kind_text} {year_text}) của {province_text}.",
            f"chi tieu: {label}; tinh: {province_text.replace(' ', '_')}; nam: {year_text}; loai: {kind_text}",
        ]
        k = self.rng.randrange(len(templates))
        ops.append(f"template{k}")
        text = collapse_ws(re.sub(r"(?i)\bnăm\s+(?=[\s,;:?])", "", templates[k]).replace("()", ""))
        text = self._surface(text, ops)
        return Generated(text, "figure", True, f.doc_id, tuple(ops), figure=f)

    def _means_without_year(self, f: Figure) -> bool:
        """A question naming no year asks the newest value of its label in its document."""
        return f.year is not None and self.newest.get((f.doc_id, fold(f.indicator).lower())) == f.year

    def _is_default_kind(self, f: Figure) -> bool:
        """What a question that names no kind means: what happened (actual), else its estimate, else the plan,
        else the target — among the values of the same row and year."""
        order = {"actual": 0, "estimate": 1, "plan": 2, "target": 3}
        row = (
            [s for s in self.engine.figures_by_row.get(f.row_key, [f]) if s.year == f.year]
            if f.row_key
            else [f]
        )
        best = min(row, key=lambda s: order.get(s.kind or "", 4))
        return best is f or best.kind == f.kind

    def _plan_of(self, f: Figure) -> Figure | None:
        if f.kind not in ("actual", "estimate") or not f.row_key:
            return None
        same_row = self.engine.figures_by_row.get(f.row_key, [])
        return next((s for s in same_row if s.kind == "plan" and s.year == f.year), None)

    def _unanswerable_figure(self, f: Figure) -> Iterator[Generated]:
        assert f.province is not None and f.year is not None
        if f.indicator_id:
            years = self.years_of.get((f.province, f.indicator_id), set())
            absent_years = [y for y in range(2015, 2031) if y not in years and abs(y - f.year) <= 4]
            if absent_years:
                g = self._figure_question(f, year=self.rng.choice(absent_years))
                yield _unanswerable(g, "absent_year")
            others = [
                p for p in self.provinces if p != f.province and f.indicator_id not in self.indicators_of[p]
            ]
            if others:
                g = self._figure_question(f, province=self.rng.choice(others))
                yield _unanswerable(g, "absent_province")
        missing = [
            i for i in load_catalog().indicators.values() if i.id not in self.indicators_of[f.province]
        ]
        if missing and self.rng.random() < 0.5:
            ind = self.rng.choice(missing)
            g = self._figure_question(f, label=self.rng.choice((ind.name, *ind.variants[:3])))
            yield _unanswerable(g, "absent_indicator")

    def _label(self, f: Figure, ops: list[str]) -> str:
        catalog = load_catalog().indicators
        if f.indicator_id in catalog and self.rng.random() < 0.4:
            # How people name the indicator rather than how this document labels it.
            ind = catalog[f.indicator_id]
            ops.append("catalog_variant")
            label = self.rng.choice((ind.name, *ind.variants))
        else:
            label = re.sub(r"^\s*[\d.]+\s*", "", re.sub(r"\([^)]*\)", " ", f.indicator)).strip()
        if f.qualifiers:
            ops.append("qualifier")
            label = f"{label} {self._qualifier_text(f.qualifiers)}"
        return self._reshape(label, ops)

    def _qualifier_text(self, qualifiers: list[str]) -> str:
        from qa.answer.compose import qualifier_words

        return " ".join(qualifier_words(q) for q in qualifiers)

    def _reshape(self, label: str, ops: list[str]) -> str:
        words = label.split()
        if len(words) > 6 and self.rng.random() < 0.3:
            ops.append("shortened")
            start = 1 if fold(words[0]) in ("so", "ty", "ti", "tong") else 0
            label = " ".join(words[start : start + max(4, int(len(words) * 0.7))])
        if self.rng.random() < 0.3:
            for phrase, short in lexicon().shortened:
                if phrase in label.lower():
                    label = re.sub(re.escape(phrase), short, label, flags=re.I)
                    ops.append("abbreviation")
                    break
        return label

    def _province_text(self, province: str, ops: list[str]) -> str:
        now = self.gaz.current_of(province)
        r = self.rng.random()
        if now and now != province and r < 0.15:
            ops.append("current_unit")
            return f"tỉnh {now}" if self.gaz.full_name(now).startswith("tỉnh") else f"thành phố {now}"
        if r < 0.3:
            ops.append("province_prefix")
            return self.gaz.full_name(province)
        return province

    def _unit_ask(self, f: Figure) -> str:
        unit = fold(f.unit)
        if "%" in unit:
            return self.rng.choice(["bao nhiêu %", "bao nhiêu phần trăm", "là bao nhiêu", "đạt bao nhiêu"])
        if "dong" in unit:
            return self.rng.choice(["bao nhiêu tiền", "bao nhiêu triệu đồng", "là bao nhiêu"])
        if unit and "/" not in unit:
            return self.rng.choice([f"bao nhiêu {f.unit}", "là bao nhiêu"])
        return "là bao nhiêu"

    def _surface(self, text: str, ops: list[str]) -> str:
        r = self.rng.random()
        if r < 0.3:
            ops.append("no_accents")
            text = fold(text)
        if self.rng.random() < 0.15:
            words = list(re.finditer(r"[^\W\d_]{5,}", text))
            if words:
                m = self.rng.choice(words)
                w = m.group(0)
                i = self.rng.randrange(1, len(w) - 1)
                slip = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
                text = text[: m.start()] + slip + text[m.end() :]
                ops.append("typo")
        return text

    # ------------------------------------------------------------------ passages

    def passage_questions(self, idf: dict[str, float]) -> Iterator[Generated]:
        """Questions a sentence answers, asked the way people ask: a few of its content words (not a copied
        span), often with its section's topic, in their own order, with a question cue. Unanswerable twins:
        the rarest word swapped for one only other provinces' documents have, and a question built from
        another province's sentence whose rarest word this province's documents never use."""
        from qa.answer.passages import split_sentences

        stops = lexicon().stop_words.question
        vocab_of: dict[str, set[str]] = {}
        for chunk in self.engine.chunks.values():
            doc = self.engine.docs[chunk.doc_id]
            vocab_of.setdefault(doc.province or "", set()).update(
                w.lower() for w in re.findall(r"[^\W\d_]+", chunk.text)
            )
        picked: list[tuple[Chunk, str, list[str]]] = []
        for chunk in self._sample_text_chunks():
            if not self.engine.docs[chunk.doc_id].province:
                continue
            sentences = [s for s in split_sentences(chunk.text) if len(s.split()) >= 10]
            if not sentences:
                continue
            sentence = self.rng.choice(sentences)
            content = [w for w in re.findall(r"[^\W\d_]+", sentence) if w.lower() not in stops and len(w) > 1]
            if len(content) >= PASSAGE_WORDS[0] + 1:
                picked.append((chunk, sentence, content))
        for chunk, sentence, content in picked:
            doc = self.engine.docs[chunk.doc_id]
            province = doc.province or ""
            chosen = self._some_words(content)
            topic = (
                chunk.section.split(" › ")[-1] if chunk.section and self.rng.random() < TOPIC_SHARE else ""
            )
            year = self.rng.choice(doc.years) if doc.years and self.rng.random() < 0.5 else None
            ops: list[str] = []
            yield Generated(
                self._passage_text(chosen, topic, province, year, ops),
                "passage",
                True,
                chunk.doc_id,
                tuple(ops),
                sentence=sentence,
                chunk_id=chunk.chunk_id,
            )
            own = vocab_of.get(province, set())
            foreign = sorted(
                {
                    w
                    for p, vocab in vocab_of.items()
                    if p != province
                    for w in vocab
                    if w not in own and len(w) > 3 and w not in stops
                }
            )
            if foreign:
                # The question's most specific word swapped for one only other provinces' documents have.
                rarest = max(range(len(chosen)), key=lambda k: idf.get(chosen[k].lower(), 8.0))
                swapped = [*chosen[:rarest], self.rng.choice(foreign), *chosen[rarest + 1 :]]
                yield _unanswerable(
                    Generated(
                        self._passage_text(swapped, topic, province, year, []),
                        "passage",
                        True,
                        chunk.doc_id,
                        (),
                    ),
                    "absent_word",
                )
            # A whole topic of another province's documents asked of this one: its rarest word is not in
            # any document of this province, so nothing here answers it.
            others = [(c, w) for c, _, w in picked if (self.engine.docs[c.doc_id].province or "") != province]
            if others:
                other, words = self.rng.choice(others)
                asked = self._some_words(words)
                if max(asked, key=lambda w: idf.get(w.lower(), 8.0)).lower() not in own:
                    other_topic = other.section.split(" › ")[-1] if other.section and topic else ""
                    yield _unanswerable(
                        Generated(
                            self._passage_text(asked, other_topic, province, year, []),
                            "passage",
                            True,
                            chunk.doc_id,
                            (),
                        ),
                        "other_province_topic",
                    )

    def _some_words(self, content: list[str]) -> list[str]:
        """A few content words of a sentence, mostly in its order, sometimes shuffled."""
        n = self.rng.randint(PASSAGE_WORDS[0], min(PASSAGE_WORDS[1], len(content)))
        positions = sorted(self.rng.sample(range(len(content)), n))
        words = [content[i] for i in positions]
        if self.rng.random() < 0.3:
            self.rng.shuffle(words)
        return words

    def topic_questions(self) -> Iterator[Generated]:
        """ "Nhiệm vụ về dân số … của Hà Nam năm 2022 gồm những gì?": a section's title asked as a topic; any
        sentence of that section answers it."""
        seen: set[tuple[str, str]] = set()
        for chunk in self._sample_text_chunks():
            doc = self.engine.docs[chunk.doc_id]
            title = re.sub(
                r"^[\W\dIVXivx]*[.)]\s*", "", chunk.section.split(" › ")[-1] if chunk.section else ""
            ).strip(" *:")
            if (
                not doc.province
                or len(title.split()) < 3
                or len(title.split()) > 14
                or (chunk.doc_id, title) in seen
            ):
                continue
            seen.add((chunk.doc_id, title))
            year = self.rng.choice(doc.years) if doc.years and self.rng.random() < 0.5 else None
            ops = ["topic"]
            text = self._passage_text(title.split(), "", doc.province, year, ops)
            yield Generated(text, "passage", True, chunk.doc_id, tuple(ops), section=chunk.section)

    def _sample_text_chunks(self) -> list[Chunk]:
        chunks = sorted(
            (c for c in self.engine.chunks.values() if c.kind == "text"), key=lambda c: c.chunk_id
        )
        self.rng.shuffle(chunks)
        return chunks[:TEXT_CHUNKS]

    def _passage_text(
        self, words: list[str], topic: str, province: str, year: int | None, ops: list[str]
    ) -> str:
        asks = self.rng.choice(lexicon().question_cues.phrases["passage"])
        year_text = f" năm {year}" if year else ""
        body = f"{topic} {' '.join(words)} của {province}{year_text}"
        text = collapse_ws(f"{asks} {body}?" if self.rng.random() < CUE_FIRST_SHARE else f"{body} {asks}?")
        return self._surface(text, ops)


def _unanswerable(g: Generated, why: str) -> Generated:
    g.answerable = False
    g.figure = None
    g.sentence = None
    g.section = None
    g.operators = (*g.operators, why)
    return g
