"""From a question to an answer, in one direction: understand → retrieve → candidates → score → decide → compose.

Every sentence of an answer is built from an extracted figure or copied from a cited chunk. Which figure or
sentence answers, and whether anything does, is decided by the fitted decision models (``qa.answer.model``)
over document-agnostic features; when nothing reaches its threshold the answer says so, why, and offers the
nearest data that does exist (same indicator, another year or province), labelled as not the asked one.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from qa.answer import compose
from qa.answer.admissible import admissible, of_the_counted_thing, of_the_named_place, places_of
from qa.answer.candidates import INDICATOR_LOOKUP_SCORE, FigureCandidate, figure_candidates
from qa.answer.counted import counts_asked_thing, sentence_counts_asked_thing
from qa.answer.evidence import Evidence
from qa.answer.features import (
    FIGURE_DECISION_COLUMNS,
    FIGURE_FEATURES,
    PASSAGE_DECISION_COLUMNS,
    QuestionView,
    decision_features,
    figure_features,
    question_context,
    question_view,
    rivalry,
    unit_class,
)
from qa.answer.indicator_sides import indicator_sides
from qa.answer.model import DecisionModels, load_models
from qa.answer.passages import (
    PASSAGE_FEATURES,
    SentenceCandidate,
    passage_features,
    sentence_candidates,
    states_a_number,
)
from qa.answer.reader import gives_a_number_of_kind, read_line, read_numbers, read_zeros
from qa.answer.respell import respell_by_evidence
from qa.answer.rounded import exact_behind
from qa.answer.shorthands import read_shorthands
from qa.answer.types import Answer, AnswerType, Citation, FigureAnswer, RegulationAnswer, Understood
from qa.answer.understand import Question, Reader
from qa.answer.understand.intent import times_asked
from qa.extract.indicators import IndicatorCatalog, IndicatorMatch, load_catalog
from qa.extract.qualifiers import periods_in, value_at, written_value
from qa.ingest.chunking import row_header
from qa.models import Figure, RegulationMention
from qa.retrieval.engine import Engine, Filters, Hit
from qa.retrieval.fusion import Ranked
from qa.vn.gazetteer import load_gazetteer
from qa.vn.lexicon import lexicon
from qa.vn.so_hieu import NUMBER_RE, number_key
from qa.vn.text import fold

# Retrieval depth behind every answer: the citations shown and the candidates read come from these.
SEARCH_DEPTH = 10
# A second sentence joins a passage answer when its probability is at least this share of the first's.
SECOND_SENTENCE_SHARE = 0.8
# Values of other years or provinces offered with a refusal.
NEAREST_LIMIT = 3


@dataclass(slots=True)
class Turn:
    """One question being answered: what every step reads and writes."""

    q: Question
    filters: Filters
    top_k: int
    timings: dict[str, float] = field(default_factory=dict)
    provinces: set[str] | None = None  # provinces the question or the filter restricts to
    indicators: list[IndicatorMatch] = field(default_factory=list)  # catalog indicators the question names


@dataclass(slots=True)
class RankedSentences:
    items: list[tuple[SentenceCandidate, float]]  # best first, with the passage model's probability
    decided: float  # the decision model's probability that the best one answers the question
    threshold: float  # that decision model's: answer at or above it


@dataclass(slots=True)
class ScoredFigure:
    candidate: FigureCandidate
    probability: float

    @property
    def figure(self) -> Figure:
        return self.candidate.figure


_TITLE_WORD = re.compile(r"[^\W\d_]+")
_PLAN_TITLE = re.compile(r"\bke hoach\b")  # the titles a question's "KH …" may name


class Answerer:
    def __init__(self, engine: Engine, models: DecisionModels | None = None) -> None:
        self.engine = engine
        lex = engine.lexical
        self.evidence = Evidence.from_bm25(
            lex.vocab, lex.retriever.scores["indptr"], len(lex.ids), engine.abbreviations.defined
        )
        self.reader = Reader(
            engine.provinces_with_documents(),
            self.evidence.vocabulary,
            engine.abbreviations,
            [
                frozenset(_TITLE_WORD.findall(t))
                for d in engine.docs.values()
                if _PLAN_TITLE.search(t := fold(d.title).lower())
            ],
        )
        self.catalog = load_catalog()
        self.models = models or load_models(engine.generation)

    # ------------------------------------------------------------------ entry point

    def ask(
        self,
        question: str,
        top_k: int = 5,
        filters: Filters | None = None,
        history: list[dict[str, str]] | None = None,
    ) -> Answer:
        t0 = time.perf_counter()
        turn = self.prepare(question, top_k, filters, history)
        q = turn.q
        if q.unknown_provinces and not q.provinces and not turn.filters.province:
            names = ", ".join(load_gazetteer().full_name(p) for p in q.unknown_provinces)
            answer = self._abstain(turn, [], [], f"Kho tài liệu hiện không có văn bản của {names}", names)
        elif q.qtype == "regulation" or _asks_who_cites(q):
            answer = self._regulation(turn)
        elif q.qtype == "compare":
            answer = self._compare(turn)
        elif (
            q.qtype == "figure"
            and lexicon().question_cues.find("compare", q.cue_text)
            and (two := indicator_sides(q.expanded, self.catalog, frozenset(q.expansions))) is not None
        ):
            # "tỷ suất sinh thô và tỷ suất tử thô … chênh nhau bao nhiêu": two indicators of one place and time
            answer = self._compare(turn, [self._side_question(turn, text) for text in two])
        elif q.qtype in ("ranking", "trend"):
            answer = self._across(turn)
        elif q.qtype == "figure" and len(q.quantities) > 1:
            answer = self._several(turn)
        elif q.qtype == "figure":
            answer = self._figure_or_abstain(turn)
        else:
            # "Tuổi thọ trung bình Hậu Giang năm 2023?" names an indicator without asking "bao nhiêu": a
            # figure the model is sure of answers it; otherwise sentences do.
            # "… là bao nhiêu, so với cả nước thế nào" asks a number too: the figure first when the model is sure.
            asks_a_number = lexicon().question_cues.find("counting", q.cue_text) is not None
            answer = (
                None if q.explanatory and not asks_a_number else self._figure(turn, fallback=False)
            ) or self._passage(turn)
        turn.timings["total"] = (time.perf_counter() - t0) * 1000
        answer.timings_ms = {k: round(v, 2) for k, v in turn.timings.items()}
        answer.question = q.text
        answer.understood = self._understood(turn, answer)
        return answer

    # ------------------------------------------------------------------ understanding

    def prepare(
        self,
        question: str,
        top_k: int = 5,
        filters: Filters | None = None,
        history: list[dict[str, str]] | None = None,
    ) -> Turn:
        """Read a question (with its history and filters) into the turn every later step works on."""
        previous = [h["content"] for h in history or [] if h.get("role") == "user" and h.get("content")]
        turn = Turn(self.reader.read(question, previous), filters or Filters(), top_k)
        self._apply_filter(turn)
        turn.indicators = self._indicators(turn.q)
        return turn

    def view(self, turn: Turn) -> tuple[QuestionView, list[IndicatorMatch]]:
        return question_view(turn.q, self.evidence, turn.indicators), turn.indicators

    def _apply_filter(self, turn: Turn) -> None:
        """The sidebar filter wins over the question; a disagreement is said."""
        q, f = turn.q, turn.filters
        if f.province:
            named = q.named or q.provinces
            if named and all(fold(n) != fold(f.province) for n in named):
                q.filter_note = (
                    f"Bộ lọc tỉnh «{f.province}» được áp dụng; câu hỏi nhắc tới {', '.join(named)} nên có thể "
                    f"không có kết quả phù hợp."
                )
            wanted = self.reader.read(f.province)
            q.provinces = wanted.provinces or [f.province]
            q.province_notes = wanted.province_notes
            turn.provinces = set(q.provinces)
        elif q.provinces:
            turn.provinces = set(q.provinces)
        if f.year and f.year not in q.years:
            if q.years:
                q.filter_note = (q.filter_note or "") + f" Bộ lọc năm {f.year} được áp dụng."
            q.years = [f.year]

    def _understood(self, turn: Turn, answer: Answer) -> Understood:
        q = turn.q
        indicator = turn.indicators
        return Understood(
            question=q.text,
            provinces=q.provinces,
            province_notes=q.province_notes,
            years=q.years,
            kind=q.kind,
            indicator=indicator[0].indicator.name
            if indicator and indicator[0].score >= INDICATOR_LOOKUP_SCORE
            else None,
            corrections=q.corrections,
            follow_up=q.follow_up,
            filter_note=q.filter_note.strip() if q.filter_note else None,
            type=answer.understood.type if answer.understood else "none",
        )

    def _indicators(self, q: Question) -> list[IndicatorMatch]:
        return self.catalog.match(q.expanded, limit=3, whole_text=False)

    def search(self, turn: Turn, query: str | None = None, provinces: list[str] | None = None) -> list[Hit]:
        t0 = time.perf_counter()
        f = turn.filters
        wanted = provinces if provinces is not None else sorted(turn.provinces or [])
        search_filters = Filters(None, f.year, f.doc_ids, wanted or None)
        hits = self.engine.search(
            query or turn.q.expanded, max(turn.top_k, SEARCH_DEPTH), search_filters, timings=turn.timings
        )
        if query is None:
            respell_by_evidence(turn.q, hits)
            read_shorthands(turn.q, hits)
        turn.timings["retrieve"] = turn.timings.get("retrieve", 0.0) + (time.perf_counter() - t0) * 1000
        return hits

    # ------------------------------------------------------------------ figures

    def figure_matrix(
        self,
        turn: Turn,
        hits: list[Hit],
        view: QuestionView,
        indicators: list[IndicatorMatch],
        hidden: Figure | None = None,
    ) -> tuple[list[FigureCandidate], np.ndarray]:
        """The candidate figures of a question and their features (one row each): what the model reads."""
        cands = figure_candidates(hits, self.engine, indicators, turn.provinces, hidden)
        cands += read_numbers(hits, self.engine, hidden)
        if not cands:
            return [], np.zeros((0, len(FIGURE_FEATURES)))
        return cands, np.vstack(
            [figure_features(view, c, self.engine.chunks.get(c.figure.chunk_id or -1)) for c in cands]
        )

    def question_context(self, turn: Turn, view: QuestionView) -> np.ndarray:
        """QUESTION_FEATURES of a turn: what the decision to answer knows of the question as a whole."""
        return question_context(view, self.evidence, self.engine.figures_by_indicator, turn.provinces)

    def _score_figures(
        self, turn: Turn, hits: list[Hit], view: QuestionView, indicators: list[IndicatorMatch]
    ) -> tuple[list[ScoredFigure], float]:
        """Candidates ranked by the figure model, and the decision model's probability that the best answers."""
        cands, x = self.figure_matrix(turn, hits, view, indicators)
        keep = admissible(turn.q, cands)
        if not keep:
            return [], 0.0
        probabilities = self.models.figure.probability(x)
        context = self.question_context(turn, view)
        scored, decided = self._decide_figures(view, context, cands, x, probabilities, keep)
        named = of_the_named_place(turn.q, cands, keep)
        if named and named != keep:
            # "tỷ lệ … của huyện Tháp Mười": the district's own value when the decision is sure of it; else the
            # answer stands as if the district had no value
            narrowed = self._decide_figures(view, context, cands, x, probabilities, named)
            if narrowed[1] >= self.models.figure_decide.threshold:
                return narrowed
        counting = of_the_counted_thing(turn.q, cands, keep)
        chosen = scored[0].candidate if scored else None
        if (
            counting
            and decided >= self.models.figure_decide.threshold
            and all(chosen is not cands[i] for i in counting)
        ):
            # "số học sinh … là bao nhiêu người": when the model answers with a number that counts nothing (their
            # share), the number of students instead, if the decision is sure of it. Only an answer is changed: a
            # refusal stands (narrowed sets make the decision surer than it was fitted to be: measured, the offer
            # alone answered two unanswerable questions)
            narrowed = self._decide_figures(view, context, cands, x, probabilities, counting)
            if narrowed[1] >= self.models.figure_decide.threshold:
                return narrowed
        return scored, decided

    def _decide_figures(
        self,
        view: QuestionView,
        context: np.ndarray,
        cands: list[FigureCandidate],
        x: np.ndarray,
        probabilities: np.ndarray,
        keep: list[int],
    ) -> tuple[list[ScoredFigure], float]:
        """The ``keep`` candidates ranked, and the decision model's probability that the best answers."""
        # What the question's form rules out changes the answer only when it rules out the model's choice; it
        # never makes the model surer of the choice it would have made anyway (the decision was fitted on
        # candidate sets nothing was ruled out of).
        if int(np.argmax(probabilities)) not in keep:
            cands, x, probabilities = [cands[i] for i in keep], x[keep], probabilities[keep]
            keep = list(range(len(cands)))
        row = decision_features(
            probabilities,
            x,
            FIGURE_FEATURES,
            FIGURE_DECISION_COLUMNS,
            context,
            rivalry(view, cands),
        )
        decided = self.models.figure_decide.answer_probability(row, probabilities)
        return best_first([ScoredFigure(cands[i], float(probabilities[i])) for i in keep]), decided

    def _figure(self, turn: Turn, fallback: bool = True) -> Answer | None:
        hits = self.search(turn)
        t0 = time.perf_counter()
        view, indicators = self.view(turn)
        scored, decided = self._score_figures(turn, hits, view, indicators)
        best = _answering(scored) if scored and decided >= self.models.figure_decide.threshold else None
        place = self._place_not_of(turn.q, best.figure) if best is not None else None
        if best is not None and place is None:
            answer = self._figure_answer(turn, best, decided, hits)
        elif best is not None:
            # "Quận Sơn Trà có bao nhiêu ca …" answered by the city's total: not the district's number
            answer = self._abstain(turn, hits, [best.figure], f"Tài liệu không có số liệu riêng của {place}")
        elif not fallback:
            return None
        else:
            # The number may sit in a sentence no figure was extracted from: the fallback models, fitted on the
            # sentences of generated figure questions, decide whether a sentence answers it; one whose numbers
            # all count other things ("1.335 ca mắc" for "bao nhiêu ổ dịch") does not.
            ranking = self._score_sentences(turn, view, hits, fallback=True)
            found = self._passage_answer(turn, hits, ranking)
            if found is not None and not (
                _counts_the_thing_asked(turn.q, found) and _gives_the_kind_of_number_asked(turn.q, found)
            ):
                found = None
            said = _said_in(ranking.items[0][0], scored, turn.q) if found is not None else None
            if said is not None:
                # The sentence answers and holds one candidate of the kind of number asked: that is the number it
                # gives, with the sentence decision's confidence (a quote alone gave no figure for a number asked)
                found = self._figure_answer(turn, said, ranking.decided, hits)
            answer = found or self._abstain(turn, hits, self._nearest(turn, view, scored), None)
        turn.timings["answer"] = (time.perf_counter() - t0) * 1000
        return answer

    def _place_not_of(self, q: Question, f: Figure) -> str | None:
        """The district or town a question names with its unit word ("Quận Sơn Trà") that a figure is not of: named
        neither by its qualifiers, its label, its sentence and section, nor its document's title. None when it is of
        every one named (or none is named)."""
        named = load_gazetteer().districts_said_as_such(q.text)
        if not named:
            return None
        doc = self.engine.docs.get(f.doc_id)
        said = fold(
            " ".join([*f.qualifiers, f.indicator, f.quote, f.section, doc.title if doc else ""])
        ).lower()
        written = load_gazetteer().spelled_seats(said)
        missing = [
            place
            for place in named
            if place not in places_of(f) and not re.search(rf"(?<!\w){re.escape(place)}(?!\w)", written)
        ]
        if not missing:
            return None
        # as the question wrote it ("Sơn Trà"): folding keeps lengths
        at = fold(q.text).lower().find(missing[0])
        return q.text[at : at + len(missing[0])] if at >= 0 else missing[0]

    def _figure_or_abstain(self, turn: Turn) -> Answer:
        answer = self._figure(turn)
        assert answer is not None  # only a figure search without fallback declines
        return answer

    def _several(self, turn: Turn) -> Answer:
        """Each quantity of "… bao nhiêu vụ ngộ độc, bao nhiêu ca mắc" in turn: the first as any figure question
        (the whole question, should it find none), each other one added when the model is sure of its figure, or
        said to be missing."""
        parts = [self._part(turn, text) for text in turn.q.quantities]
        answer = self._figure_or_abstain(parts[0])
        if answer.abstained or not answer.figures:
            return self._figure_or_abstain(turn)
        notes = self._with_notes(parts[0], "")
        text = answer.answer.removesuffix(notes) if notes else answer.answer
        for part in parts[1:]:
            hits = self.search(part)
            view, indicators = self.view(part)
            scored, decided = self._score_figures(part, hits, view, indicators)
            if scored and decided >= self.models.figure_decide.threshold:
                text += " " + self._add_figure(answer, _answering(scored).figure, hits)
            else:
                text += f" Không tìm thấy số liệu cho “{part.q.text}”."
        answer.answer = text + notes
        return answer

    def _part(self, turn: Turn, text: str) -> Turn:
        """One quantity of a question as a question of its own; the whole question's places and years hold for
        it when it names none ("… bao nhiêu bác sĩ và bao nhiêu dược sĩ năm 2023")."""
        part = self.prepare(text, turn.top_k, turn.filters)
        part.timings = turn.timings
        if not part.q.years:
            part.q.years = list(turn.q.years)
        if not part.provinces and turn.provinces:
            part.provinces, part.q.provinces = set(turn.provinces), list(turn.q.provinces)
        return part

    def _add_figure(self, answer: Answer, f: Figure, hits: list[Hit]) -> str:
        """A further figure in an answer and its citation (a new one when its passage is not cited); returns the
        sentence that gives it."""
        cited = next((c for c in answer.citations if c.chunk_id == f.chunk_id), None)
        if cited is None:
            hit = self._with_chunk_first(hits, f.chunk_id)[0]
            cited = Citation.of_cited_hit(
                hit,
                id=len(answer.citations) + 1,
                quote=compose.quote(f.quote),
                header=row_header(hit.chunk),
                used=True,
            )
            answer.citations.append(cited)
        cited.used = True
        answer.figures.append(self._figure_out(f, answer.citations))
        return compose.figure_sentence(f, [f], cited.id)

    def _figure_answer(self, turn: Turn, best: ScoredFigure, confidence: float, hits: list[Hit]) -> Answer:
        siblings = self.engine.figures_by_row.get(best.figure.row_key, []) if best.figure.row_key else []
        f = _result_of_the_row(best.figure, siblings) if turn.q.kind is None else best.figure
        share = share_of_plan_in_row(f, siblings, self.catalog) if turn.q.plan_check else None
        if share is not None and _share_leads(turn.q, f):
            f = share
        siblings = siblings or [f]
        order = self._with_chunk_first(hits, f.chunk_id)
        text = compose.figure_sentence(f, siblings, 1)
        shown = [f] + [s for s in siblings if s is not f]
        if share is not None:
            text += " " + compose.share_of_plan_sentence(share, 1)
        elif turn.q.plan_check and f.kind in ("actual", "estimate"):
            plan = next((s for s in siblings if s.kind == "plan" and s.year in (f.year, None)), None)
            if plan is not None:
                text += " " + compose.plan_sentence(f, plan, 1)
        text = self._with_notes(turn, text)
        return self._response(turn, text, False, confidence, order, shown, {0: f.quote}, "figure")

    def _nearest(self, turn: Turn, view: QuestionView, scored: list[ScoredFigure]) -> list[Figure]:
        """Values of the asked indicator that exist, for another year or province: offered with a refusal."""
        indicator = (
            view.indicator.indicator.id
            if view.indicator and view.indicator.score >= INDICATOR_LOOKUP_SCORE
            else None
        )
        if (
            indicator is None
            and scored
            and scored[0].figure.indicator_id
            and not scored[0].candidate.from_reader
        ):
            indicator = scored[0].figure.indicator_id
        if indicator is None:
            return []
        pool = [f for f in self.engine.figures_by_indicator.get(indicator, []) if not f.qualifiers]
        asked = set(view.years)
        provinces = turn.provinces or set()

        def distance(f: Figure) -> tuple[int, int, int]:
            other_province = int(bool(provinces) and (f.province or "") not in provinces)
            years_off = min((abs((f.year or 0) - y) for y in asked), default=0)
            return (
                other_province,
                years_off,
                {"actual": 0, "estimate": 1, "plan": 2, "target": 3}.get(f.kind or "", 4),
            )

        near = sorted(pool, key=distance)
        out: list[Figure] = []
        for f in near:
            if len(out) >= NEAREST_LIMIT:
                break
            if not any(g.province == f.province and g.year == f.year and g.kind == f.kind for g in out):
                out.append(f)
        return out

    # ------------------------------------------------------------------ passages

    def sentence_matrix(
        self, view: QuestionView, hits: list[Hit]
    ) -> tuple[list[SentenceCandidate], np.ndarray]:
        """The candidate sentences of a question and their features: what the passage model reads."""
        cands = sentence_candidates(hits)
        if not cands:
            return [], np.zeros((0, len(PASSAGE_FEATURES)))
        return cands, np.vstack([passage_features(view, self.evidence, c.text, c.hit, c.rank) for c in cands])

    def _score_sentences(
        self, turn: Turn, view: QuestionView, hits: list[Hit], fallback: bool = False
    ) -> RankedSentences:
        """Sentences ranked by the passage model (the fallback one for a figure question no figure answered),
        and the decision model's probability that the best answers."""
        rank, decide = (
            (self.models.fallback, self.models.fallback_decide)
            if fallback
            else (self.models.passage, self.models.passage_decide)
        )
        cands, x = self.sentence_matrix(view, hits)
        if fallback:  # a number was asked: a sentence that states none does not answer it, nor (for "cả năm")
            # one of part of the year ("Trong 9 tháng, …")
            whole_year = turn.q.whole_year
            keep = [
                i
                for i, c in enumerate(cands)
                if states_a_number(c.text)
                and not (whole_year and periods_in(c.text))
                and not (turn.q.kind in _RESULT_KINDS and self._states_only_aims(c))
            ]
            cands, x = [cands[i] for i in keep], x[keep]
        if not cands:
            return RankedSentences([], 0.0, decide.threshold)
        p = rank.probability(x)
        row = decision_features(
            p, x, PASSAGE_FEATURES, PASSAGE_DECISION_COLUMNS, self.question_context(turn, view)
        )
        decided = decide.answer_probability(row, p)
        return RankedSentences(
            sorted(zip(cands, p.tolist(), strict=True), key=lambda s: -s[1]), decided, decide.threshold
        )

    def _states_only_aims(self, c: SentenceCandidate) -> bool:
        """Whether every figure indexed from a sentence is a plan or a target ("Giảm số người mắc bệnh lao …
        xuống dưới 120/100.000"): such a sentence does not say what was achieved."""
        said = [
            f for f in self.engine.figures_by_chunk.get(c.hit.chunk.chunk_id, []) if f.value_text in c.text
        ]
        return bool(said) and all(f.kind in _AIM_KINDS for f in said)

    def _passage(self, turn: Turn) -> Answer:
        hits = self.search(turn)
        t0 = time.perf_counter()
        view, _ = self.view(turn)
        answer = self._passage_answer(turn, hits, self._score_sentences(turn, view, hits)) or self._abstain(
            turn, hits, [], None
        )
        turn.timings["answer"] = (time.perf_counter() - t0) * 1000
        return answer

    def _passage_answer(self, turn: Turn, hits: list[Hit], ranking: RankedSentences) -> Answer | None:
        ranked = ranking.items
        if not ranked or ranking.decided < ranking.threshold:
            return None
        best, p = ranked[0]
        order = self._with_chunk_first(hits, best.hit.chunk.chunk_id)
        quotes = [f"“{compose.quote(best.text)}” [1]"]
        if len(ranked) > 1:
            second, p2 = ranked[1]
            if p2 >= SECOND_SENTENCE_SHARE * p and second.text != best.text:
                idx = (
                    next(k for k, h in enumerate(order) if h.chunk.chunk_id == second.hit.chunk.chunk_id) + 1
                )
                quotes.append(f"“{compose.quote(second.text)}” [{idx}]")
        top = order[0]
        where = f" ({top.doc.province})" if top.doc.province else ""
        text = self._with_notes(turn, f"Theo {top.doc.title or top.chunk.source}{where}: " + " ".join(quotes))
        return self._response(turn, text, False, ranking.decided, order, [], {0: best.text}, "passage")

    # ------------------------------------------------------------------ regulations

    def _regulation(self, turn: Turn) -> Answer:
        q = turn.q
        if _asks_who_cites(q):
            return self._cited_by(turn)
        hits = self.search(turn)
        t0 = time.perf_counter()
        view = question_view(q, self.evidence, [])
        mention, p = self._regulation_candidate(turn, view, hits)
        if mention is None and q.numbers:
            # A document number was asked and no document cites it: nothing else answers that.
            numbers = ", ".join(n.upper() for n in q.numbers)
            answer = self._abstain(turn, hits, [], f"Không văn bản nào trong kho viện dẫn {numbers}", numbers)
        elif mention is None:
            found = self._passage_answer(turn, hits, self._score_sentences(turn, view, hits))
            if found is not None and _asks_document_number(q) and not _quotes_a_number(found):
                # "… có số hiệu là gì?": a sentence without any số hiệu does not answer it, however close
                answer = self._abstain(turn, hits, [], "Tài liệu không nêu số hiệu của văn bản được hỏi")
            else:
                answer = found or self._abstain(turn, hits, [], None)
        else:
            order = self._with_chunk_first(hits, self._chunk_of(mention))
            text = self._with_notes(turn, compose.regulation_sentence(mention) + " [1].")
            answer = self._response(turn, text, False, p, order, [], {0: mention.quote}, "regulation")
            answer.regulations = [
                RegulationAnswer(
                    number=mention.number,
                    kind=mention.kind,
                    issuer=mention.issuer,
                    date=mention.date,
                    subject=mention.subject,
                    province=mention.province,
                    source=mention.source,
                    line=mention.line,
                    quote=mention.quote,
                )
            ]
        turn.timings["answer"] = (time.perf_counter() - t0) * 1000
        return answer

    def _regulation_candidate(
        self, turn: Turn, view: QuestionView, hits: list[Hit]
    ) -> tuple[RegulationMention | None, float]:
        q = turn.q
        provinces = {fold(p) for p in turn.provinces or []}
        pool = [m for m in self.engine.regulations if not provinces or fold(m.province or "") in provinces]
        if q.numbers:
            wanted = set(q.numbers)
            exact = [m for m in pool if number_key(m.number) in wanted]
            asked = _kind_asked(q)
            if asked and exact and all(fold(m.kind or "") != fold(asked) for m in exact):
                # "kế hoạch số mấy để thực hiện Nghị quyết 20-NQ/TW": another document of the asked kind,
                # cited next to the given one or whose own subject names it ("Công văn góp ý … CTHĐ số
                # 33-CTr/TU … số hiệu là gì"); best when its subject names the given number.
                near = [
                    m
                    for m in pool
                    if fold(m.kind or "") == fold(asked)
                    and number_key(m.number) not in wanted
                    and (
                        any(m.doc_id == e.doc_id and abs(m.line - e.line) <= 2 for e in exact)
                        or any(n in number_key(m.subject or "") for n in wanted)
                    )
                ]
                if near:

                    def fits(m: RegulationMention) -> float:
                        names_given = any(n in number_key(m.subject or "") for n in wanted)
                        return float(names_given) + self.evidence.coverage(
                            view.terms, f"{m.subject or ''} {m.quote} {m.issuer or ''}"
                        )

                    return max(near, key=fits), 1.0
            if exact:
                return max(exact, key=lambda m: len(m.subject or "") + len(m.issuer or "")), 1.0
            return None, 0.0
        hit_rank = {h.chunk.chunk_id: k for k, h in enumerate(hits)}
        asked = _kind_asked(q)
        if asked and any(fold(m.kind or "") == fold(asked) for m in pool):
            # "KH loại trừ sốt rét … số hiệu là gì" wants a Kế hoạch's number, not the Quyết định it cites
            pool = [m for m in pool if fold(m.kind or "") == fold(asked)]
        mentions, rows = [], []
        for m in pool:
            cid = self._chunk_of(m)
            if cid is None or cid not in hit_rank:
                continue
            hit = hits[hit_rank[cid]]
            text = (
                f"{m.kind or ''} {m.subject or ''} {m.issuer or ''} {m.quote}"  # "… của UBND tỉnh X số mấy"
            )
            mentions.append(m)
            rows.append(passage_features(view, self.evidence, text, hit, hit_rank[cid]))
        if not mentions:
            return None, 0.0
        x = np.vstack(rows)
        p = self.models.passage.probability(x)
        row = decision_features(
            p, x, PASSAGE_FEATURES, PASSAGE_DECISION_COLUMNS, self.question_context(turn, view)
        )
        decided = self.models.passage_decide.answer_probability(row, p)
        best = mentions[int(np.argmax(p))]
        return (best, decided) if decided >= self.models.passage_decide.threshold else (None, decided)

    def _cited_by(self, turn: Turn) -> Answer:
        wanted = set(turn.q.numbers)
        by_doc: dict[str, RegulationMention] = {}
        for m in self.engine.regulations:
            if number_key(m.number) in wanted:
                by_doc.setdefault(m.doc_id, m)
        if not by_doc:
            return self._abstain(turn, self.search(turn), [], None)
        hits = [
            Hit(self.engine.chunks[c], self.engine.docs[m.doc_id], _added_rank(c))
            for m in by_doc.values()
            if (c := self._chunk_of(m)) is not None
        ]
        names = [f"{self.engine.docs[d].province} ({self.engine.docs[d].title})" for d in by_doc]
        text = (
            f"{turn.q.numbers[0].upper()} được viện dẫn trong {len(by_doc)} văn bản: "
            + "; ".join(f"{n} [{k}]" for k, n in enumerate(names, 1))
            + "."
        )
        quotes = {k: m.quote for k, m in enumerate(by_doc.values())}
        return self._response(turn, text, False, 1.0, hits, [], quotes, "cited_by", min_citations=len(hits))

    def _chunk_of(self, m: RegulationMention) -> int | None:
        chunk = self.engine.chunk_for_line(m.doc_id, m.line, prefer="text")
        return chunk.chunk_id if chunk else None

    # ------------------------------------------------------------------ comparisons and tables

    def _side_question(self, turn: Turn, text: str) -> tuple[Question, list[str] | None, int | None]:
        """One indicator's side of a question comparing two: its own words, the whole question's places."""
        side = self.reader.read(text)
        side.provinces = list(turn.q.provinces)
        side.qtype = "figure"
        return side, sorted(turn.provinces) if turn.provinces else None, None

    def _compare(
        self, turn: Turn, side_questions: list[tuple[Question, list[str] | None, int | None]] | None = None
    ) -> Answer:
        """Two sides (places, times, or ``side_questions``: two indicators), each answered as a figure question,
        and how they compare."""
        q = turn.q
        # Two indicators compared: each side must be answered by a value of its own indicator, found for sure
        # (one side never vouches for the other: they are two quantities, even when counted in one unit).
        by_indicator = side_questions is not None
        if side_questions is None:
            side_questions = [(_narrowed(q, p, y), p, y) for p, y in comparison_sides(q, turn.provinces)]
        if len(side_questions) < 2:
            return self._figure(turn) or self._abstain(turn, [], [], None)
        sides = [(p, y) for _, p, y in side_questions]
        t0 = time.perf_counter()
        found: list[tuple[ScoredFigure | None, bool, list[Hit]]] = []
        side_turns: list[Turn] = []
        side_indicators: list[str | None] = []  # the indicator each side names, by its catalog name
        for side_q, provinces, year in side_questions:
            side = Turn(side_q, turn.filters, turn.top_k, turn.timings, set(provinces) if provinces else None)
            side_turns.append(side)
            hits = self.search(side, provinces=provinces)
            indicators = self._indicators(side_q)
            side_indicators.append(indicators[0].indicator.name if indicators else None)
            view = question_view(side_q, self.evidence, indicators)
            ranked, decided = self._score_figures(side, hits, view, indicators)
            scored = [s for s in ranked if year is None or s.figure.year == year]
            top = scored[0] if scored and scored[0] is ranked[0] else None
            if (
                by_indicator
                and top is not None
                and (not indicators or top.figure.indicator_id != indicators[0].indicator.id)
            ):
                top = None
            found.append((top, decided >= self.models.figure_decide.threshold, hits))
        parts: list[tuple[ScoredFigure | None, list[Hit]]] = []
        for i, (top, sure, hits) in enumerate(found):
            other, other_sure, _ = found[1 - i]
            # One side found for sure vouches for the other's best candidate when both are one quantity (the same
            # catalog indicator, or the same stated unit): the pair is one question, not two.
            vouched = (
                not by_indicator
                and other_sure
                and other is not None
                and top is not None
                and _one_quantity(other.figure, top.figure)
            )
            best = top if top is not None and (sure or vouched) else None
            parts.append((best, self._with_chunk_first(hits, best.figure.chunk_id) if best else hits))
        if not all(b for b, _ in parts):
            one = [k for k, (b, _) in enumerate(parts) if b is not None]
            if len(one) == 1 and lexicon().question_cues.find("figure", q.cue_text):
                # "… đạt bao nhiêu %, tăng bao nhiêu so với năm 2012?": the number asked is answered, and the side
                # it would be compared with is said to be missing, rather than refusing both.
                k = one[0]
                best, hits = parts[k]
                assert best is not None
                answer = self._figure_answer(side_turns[k], best, best.probability, hits)
                missing = sides[1 - k]
                notes = self._with_notes(side_turns[k], "")
                text = answer.answer.removesuffix(notes) if notes else answer.answer
                named = side_indicators[1 - k] if by_indicator else None
                answer.answer = (
                    f"{text} {compose.missing_side_sentence(missing[0], missing[1], named)}{notes}"
                )
                turn.timings["answer"] = (time.perf_counter() - t0) * 1000
                return answer
            merged = _interleave([h for _, h in parts])
            return self._abstain(turn, merged, [b.figure for b, _ in parts if b], None)
        (a, hits_a), (b, hits_b) = parts
        assert a is not None and b is not None
        rest = [
            h
            for h in _interleave([hits_a[1:], hits_b[1:]])
            if h.chunk.chunk_id not in (hits_a[0].chunk.chunk_id, hits_b[0].chunk.chunk_id)
        ]
        order = [hits_a[0], hits_b[0], *rest]
        text = self._with_notes(turn, compose.compare_sentence(a.figure, b.figure))
        turn.timings["answer"] = (time.perf_counter() - t0) * 1000
        confidence = min(a.probability, b.probability)
        return self._response(
            turn,
            text,
            False,
            confidence,
            order,
            [a.figure, b.figure],
            {0: a.figure.quote, 1: b.figure.quote},
            "compare",
            min_citations=2,
        )

    def _across(self, turn: Turn) -> Answer:
        """Ranking of provinces ("tỉnh nào cao nhất") or one province over the years ("xu hướng")."""
        q = turn.q
        indicators = turn.indicators
        if not indicators or indicators[0].score < INDICATOR_LOOKUP_SCORE:
            return self._figure(turn) or self._abstain(turn, [], [], None)
        indicator = indicators[0].indicator
        pool = [
            f
            for f in self.engine.figures_by_indicator.get(indicator.id, [])
            if not f.qualifiers and (not turn.provinces or (f.province or "") in turn.provinces)
        ]
        if q.qtype == "trend":
            pool = [
                f
                for f in pool
                if not q.years
                or f.year in q.years
                or (q.year_range and q.year_range[0] <= (f.year or 0) <= q.year_range[1])
            ]
            rows = _one_per(pool, key=lambda f: (f.province, f.year))
            rows.sort(key=lambda f: (f.province or "", f.year or 0))
        else:
            if q.years:
                pool = [f for f in pool if f.year in q.years] or pool
            rows = _one_per(pool, key=lambda f: f.province)
            rows.sort(key=lambda f: f.value, reverse=q.ranking != "low")
        if not rows:
            return self._abstain(turn, [], [], f"Chưa có số liệu «{indicator.name}» trong các tài liệu")
        hits = [
            Hit(self.engine.chunks[f.chunk_id], self.engine.docs[f.doc_id], _added_rank(f.chunk_id))
            for f in rows
            if f.chunk_id is not None and f.chunk_id in self.engine.chunks
        ]
        numbered = [(f, k) for k, f in enumerate(rows, 1)]
        if q.qtype == "trend":
            text = compose.trend_sentence(indicator.name, numbered)
        else:
            text = compose.ranking_sentence(
                indicator.name, numbered, None if q.ranking is None else q.ranking == "high"
            )
        text = self._with_notes(turn, text)
        quotes = {k: f.quote for k, f in enumerate(rows)}
        return self._response(
            turn,
            text,
            False,
            indicators[0].score,
            hits,
            rows,
            quotes,
            "ranking" if q.qtype == "ranking" else "trend",
            min_citations=len(hits),
        )

    # ------------------------------------------------------------------ answers

    def _with_notes(self, turn: Turn, text: str) -> str:
        notes = turn.q.province_notes
        return f"{text} ({'; '.join(dict.fromkeys(notes))}.)" if notes else text

    def _abstain(
        self, turn: Turn, hits: list[Hit], nearest: list[Figure], reason: str | None, what: str | None = None
    ) -> Answer:
        topic = what or compose.topic(turn.q.text)
        text = f"Không tìm thấy thông tin về {topic} trong các tài liệu hiện có."
        if reason:
            text += f" ({reason}.)"
        order = list(hits)
        if nearest:
            near_hits: list[Hit] = []
            for f in nearest:
                chunk = self.engine.chunks.get(f.chunk_id or -1)
                if chunk is not None and all(h.chunk.chunk_id != chunk.chunk_id for h in near_hits):
                    near_hits.append(Hit(chunk, self.engine.docs[chunk.doc_id], _added_rank(chunk.chunk_id)))
            order = near_hits + [
                h for h in hits if all(h.chunk.chunk_id != n.chunk.chunk_id for n in near_hits)
            ]
            parts = []
            for f in nearest:
                k = next((i for i, h in enumerate(order, 1) if h.chunk.chunk_id == f.chunk_id), None)
                parts.append(f"{compose.scope_text(f)}: {compose.value_text(f)}" + (f" [{k}]" if k else ""))
            text += (
                " Số liệu gần nhất có trong tài liệu (không phải số liệu được hỏi): " + "; ".join(parts) + "."
            )
        elif hits:
            text += " Các đoạn dưới đây có thể liên quan."
        answer = self._response(turn, text, True, 0.0, order[: max(3, len(nearest))], [], {}, "none")
        answer.reason = reason or "Không có đoạn văn bản nào đủ khớp với câu hỏi."
        answer.nearest = [self._figure_out(f, answer.citations) for f in nearest]
        return answer

    def _response(
        self,
        turn: Turn,
        text: str,
        abstained: bool,
        confidence: float,
        hits: list[Hit],
        figures: list[Figure],
        quotes: dict[int, str],
        kind: AnswerType,
        min_citations: int = 0,
    ) -> Answer:
        citations = []
        for k, h in enumerate(hits[: max(turn.top_k, min_citations)], 1):
            quote = quotes.get(k - 1) or ""
            header = row_header(h.chunk)
            citations.append(
                Citation.of_cited_hit(
                    h,
                    id=k,
                    quote=compose.quote(quote) if quote else _first_sentence(h.chunk.text),
                    header=header,
                    used=f"[{k}]" in text,
                )
            )
        answer = Answer(
            answer=text,
            abstained=abstained,
            confidence=round(min(1.0, max(0.0, confidence)), 3),
            citations=citations,
            figures=[self._figure_out(f, citations) for f in figures],
        )
        answer.understood = Understood(question=turn.q.text, type=kind)
        return answer

    @staticmethod
    def _figure_out(f: Figure, citations: list[Citation]) -> FigureAnswer:
        return FigureAnswer.from_figure(f, next((c.id for c in citations if c.chunk_id == f.chunk_id), None))

    def _with_chunk_first(self, hits: list[Hit], chunk_id: int | None) -> list[Hit]:
        if chunk_id is None:
            return hits
        for k, h in enumerate(hits):
            if h.chunk.chunk_id == chunk_id:
                return [h, *hits[:k], *hits[k + 1 :]]
        chunk = self.engine.chunks.get(chunk_id)
        if chunk is None:
            return hits
        return [Hit(chunk, self.engine.docs[chunk.doc_id], _added_rank(chunk_id)), *hits]


# ---------------------------------------------------------------------- helpers


_RESULT_KINDS = ("actual", "estimate")  # a question asking what was achieved ("thực tế", "đạt được", "ước")
_AIM_KINDS = ("plan", "target")


def comparison_sides(q: Question, provinces: set[str] | None) -> list[tuple[list[str] | None, int | None]]:
    """The two sides of a comparison: (provinces, year) each. Two places named are two sides; one current unit
    covering two former provinces' documents ("Ninh Bình": Ninh Bình and Hà Nam) is one place, compared with
    itself across the years asked. Fewer than two sides: no comparison."""
    if len(q.named or q.provinces) >= 2:
        years = q.years if len(set(q.years)) >= 2 else [q.years[0] if q.years else None] * 2
        return [([p], y) for p, y in zip(q.provinces[:2], years[:2], strict=False)]
    if len(set(q.years)) >= 2:
        return [(sorted(provinces) if provinces else None, y) for y in sorted(set(q.years))[:2]]
    return []


def _added_rank(chunk_id: int) -> Ranked:
    """A citation the answer step adds (not retrieval) has no ranks."""
    return Ranked(chunk_id, 0.0, None, None, None, None)


def _interleave(lists: list[list[Hit]]) -> list[Hit]:
    out: list[Hit] = []
    seen: set[int] = set()
    for k in range(max((len(x) for x in lists), default=0)):
        for lst in lists:
            if k < len(lst) and lst[k].chunk.chunk_id not in seen:
                seen.add(lst[k].chunk.chunk_id)
                out.append(lst[k])
    return out


def _one_quantity(sure: Figure, other: Figure) -> bool:
    """Whether a figure found for sure and another are values of one quantity: the same catalog indicator, or the
    same stated unit (two numbers without a unit say nothing of being one quantity; two indicators are two)."""
    if sure.indicator_id is not None and other.indicator_id is not None:
        return sure.indicator_id == other.indicator_id
    return bool(sure.unit) and compose.same_quantity(sure, other)


def _narrowed(q: Question, provinces: list[str] | None, year: int | None) -> Question:
    """One side of a comparison: the question with one province and one year."""
    from dataclasses import replace

    text = q.text
    for p in q.named + q.provinces:
        if provinces and p not in provinces:
            text = text.replace(p, " ")
    for y in q.years:
        if year is not None and y != year:
            text = text.replace(str(y), " ")
    # Each side is a level at its time: "tăng bao nhiêu điểm % so với năm 2014" asks the change between the sides,
    # which no change of one side ("tăng thêm 11 xã") answers.
    cue_text = q.cue_text
    for m in lexicon().question_cues.finditer("change_asked", q.cue_text):
        cue_text = cue_text[: m.start()] + " " * (m.end() - m.start()) + cue_text[m.end() :]
    return replace(
        q,
        provinces=list(provinces or q.provinces),
        years=[year] if year else [],
        expanded=text,
        cue_text=cue_text,
        qtype="figure",
    )


def _one_per(pool: list[Figure], key: object) -> list[Figure]:
    """The best figure per group: the latest year, then results before estimates, plans and targets."""
    order = {"actual": 0, "estimate": 1, "plan": 2, "target": 3}
    best: dict[object, Figure] = {}
    for f in pool:
        k = key(f)  # type: ignore[operator]
        g = best.get(k)
        rank = (-(f.year or 0), order.get(f.kind or "", 4), 0 if f.column else 1)
        if g is None or rank < (-(g.year or 0), order.get(g.kind or "", 4), 0 if g.column else 1):
            best[k] = f
    return list(best.values())


def _asks_document_number(q: Question) -> bool:
    """ "… có số hiệu là gì?", "Kế hoạch số mấy?": the question wants a document's số hiệu."""
    return bool(lexicon().question_cues.find("document_number", q.cue_text))


def _asks_who_cites(q: Question) -> bool:
    """A comparison naming a document's số hiệu asks which documents cite it ("tỉnh nào thực hiện QĐ 2348"), unless
    it compares two times: "Theo KH 02/KH-UBND, tỷ lệ mắc năm 2022 thấp hơn năm 2011 bao nhiêu lần" compares
    figures of the plan it names."""
    return bool(q.numbers) and q.qtype == "compare" and len(times_asked(q)) < 2


def best_first(scored: list[ScoredFigure]) -> list[ScoredFigure]:
    """Most probable first; of candidates the model cannot tell apart (one label in the same words, and no year
    asked to tell them apart: "tỷ lệ TYT có bác sĩ tăng từ 46,2% lên 100%"), the newest, which stands for now."""
    return sorted(scored, key=lambda s: (-s.probability, -(s.figure.year or 0)))


def _answering(scored: list[ScoredFigure]) -> ScoredFigure:
    """The candidate that answers: the best, or the exact value behind its rounded bound ("hơn 2.400 ca" in a
    headline, "2.429 ca" in the text)."""
    return scored[exact_behind(0, [s.figure for s in scored])]


def _said_in(sentence: SentenceCandidate, scored: list[ScoredFigure], q: Question) -> ScoredFigure | None:
    """The one candidate written in ``sentence`` (of its chunk) of the kind of number the question asks; none when
    the sentence holds several (the figure model, which the decision did not trust, would be choosing among them:
    "…tháng 4, 5 năm 2023 …; … 166.000 trường hợp mắc và 42 trường hợp tử vong" read "5 năm" for the deaths)."""
    chunk = sentence.hit.chunk
    said = {
        sf.figure.value_text: sf
        for sf in scored
        if sf.figure.doc_id == chunk.doc_id
        and sf.figure.chunk_id == chunk.chunk_id
        and written_value(sf.figure.value_text).search(sentence.text)
        and (q.unit_intent is None or unit_class(sf.figure.unit) == q.unit_intent)
        and not (q.counted and counts_asked_thing(q.counted, sf.figure) is False)
    }
    return next(iter(said.values())) if len(said) == 1 else None


def _counts_the_thing_asked(q: Question, answer: Answer) -> bool:
    """Whether the sentences an answer uses give a number of what the question counts (when it counts one)."""
    used = [c.quote for c in answer.citations if c.used]
    return not used or any(
        sentence_counts_asked_thing(q.counted, s, [(n.start, n.unit) for n in read_line(s) + read_zeros(s)])
        for s in used
    )


def _gives_the_kind_of_number_asked(q: Question, answer: Answer) -> bool:
    """Whether the sentences an answer uses hold a number of the kind the question asks, when it asks one."""
    return q.unit_intent is None or gives_a_number_of_kind(
        q.unit_intent, [c.quote for c in answer.citations if c.used]
    )


def _quotes_a_number(answer: Answer) -> bool:
    """Whether a sentence the answer uses holds a số hiệu ("54/KH-UBND")."""
    return any(NUMBER_RE.search(c.quote) for c in answer.citations if c.used)


def _asked_kind(folded: str) -> str | None:
    import re

    kinds = dict(lexicon().document_kind_words(lexicon().asked_kinds))
    m = re.search(r"\b(" + "|".join(kinds) + r") (so may|so bao nhieu|nao)\b", folded)
    return kinds[m.group(1)] if m else None


def _kind_asked(q: Question) -> str | None:
    """The kind of document whose number is asked: "quyết định nào", "kế hoạch số mấy"; or, when the question asks
    a số hiệu, the kind it names first ("KH loại trừ sốt rét … số hiệu là gì", "Công văn góp ý … số hiệu")."""
    return _asked_kind(q.folded) or (_named_kind(q.folded) if _asks_document_number(q) else None)


def _named_kind(folded: str) -> str | None:
    """The kind of document a question names first, in words or by its code ("KH loại trừ sốt rét …"), when
    it is a kind whose number is asked ("Chương trình hành động … thực hiện các nghị quyết …" names none)."""
    kinds, pattern = _kind_names()
    m = pattern.search(folded)
    return kinds[m.group(1)] if m and kinds[m.group(1)] in lexicon().asked_kinds else None


@lru_cache(maxsize=1)
def _kind_names() -> tuple[dict[str, str], re.Pattern[str]]:
    """Every kind of document by its folded words and codes, and their alternation, longest first."""
    kinds = dict(lexicon().document_kind_words()) | lexicon().document_kind_codes()
    return kinds, re.compile(r"\b(" + "|".join(sorted(kinds, key=len, reverse=True)) + r")\b")


def _first_sentence(text: str) -> str:
    from qa.answer.passages import split_sentences

    sentences = split_sentences(text)
    return sentences[0][:300] if sentences else compose.quote(text)[:300]


def share_of_plan_in_row(chosen: Figure, row: list[Figure], catalog: IndicatorCatalog) -> Figure | None:
    """For "có vượt kế hoạch không", "đạt mấy % KH": the percentage of the plan the chosen value's row gives
    ("… 51.511/49.759 người …, đạt 103,52% KH năm, giảm 8,03% so với cùng kỳ"): its verdict answers."""
    return next(
        (
            s
            for s in [chosen, *row]
            if s.year == chosen.year
            and set(s.qualifiers) <= set(chosen.qualifiers)
            and catalog.share_of_plan(s)
            and not _DIFFERENCE_BEFORE.search(s.quote, 0, max(0, value_at(s)))
        ),
        None,
    )


# "vượt 3% so với chỉ tiêu" is a difference from the plan: no share of it, no verdict from it.
_DIFFERENCE_BEFORE = re.compile(
    r"\b(?:" + "|".join(lexicon().numbers_in_text.difference_before) + r")\s*$", re.I
)


def _share_leads(q: Question, chosen: Figure) -> bool:
    """The percentage of the plan leads the answer, unless the first quantity the question asks is of the
    chosen value's kind ("… thu được bao nhiêu đơn vị máu, đạt bao nhiêu % kế hoạch?": the count leads; "Tỷ lệ
    bao phủ BHYT đạt bao nhiêu, có đạt chỉ tiêu không?": the rate leads); the verdict follows either way."""
    return q.unit_intent is None or unit_class(chosen.unit) != q.unit_intent


def _result_of_the_row(chosen: Figure, row: list[Figure]) -> Figure:
    """A question that names no kind, about a row holding both the plan and the result of the year
    ("KH 2023 | TH 2023"), is answered with the result — what happened — and the plan is shown beside it.
    The two score alike (they share every word of the row), so this is the order of presentation, not a
    ranking decision."""
    if chosen.kind not in ("plan", "target"):
        return chosen
    return next(
        (
            f
            for f in row
            if f.year == chosen.year
            and f.kind in ("actual", "estimate")
            and f.qualifiers == chosen.qualifiers
        ),
        chosen,
    )
