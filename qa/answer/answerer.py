"""From a question to a short extractive Vietnamese answer with citations and figures.

Every sentence of an answer is copied from a cited chunk or built from an
extracted figure; when the evidence does not cover the question's key words,
the answer abstains and offers the closest passages instead.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from qa.answer.understand import ABBREVIATIONS, ParsedQuestion, parse_question
from qa.ingest.chunking import chunk_holding
from qa.models import Figure, RegulationMention
from qa.retrieval.engine import Engine, Filters, Hit
from qa.retrieval.fusion import Ranked
from qa.vn.lexicon import lexicon
from qa.vn.numbers import format_vn_number
from qa.vn.so_hieu import number_key
from qa.vn.text import collapse_ws, fold, nfc, strip_tags
from qa.vn.tokens import canonical_syllable, synonym_words
from qa.vn.years import YEAR_RE

# Words that carry no topic: question words, glue, and cue words handled elsewhere. Accented, because
# folding merges stop words with content words ("vì"/"vị", "từ"/"tự", "mức"/"mực").
_STOP = lexicon().stop_words.question
_STOP_FOLDED = lexicon().stop_words.question_folded
_ABBREVIATION_KEYS = set(ABBREVIATIONS)
_WORD_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")  # "10.000" stays one number

_FOLLOW_UP = re.compile(
    r"^\s*(còn|thế còn|vậy còn|vậy|còn với|so với)\b|thì sao\s*\??\s*$|\bthế nào\s*\??$", re.I
)


@dataclass(slots=True)
class Thresholds:
    """Calibrated on eval/dev.jsonl: see docs/architecture.md, 'Abstention'."""

    coverage: float = 0.4  # IDF-weighted share of the question's key words found in the best chunks
    fallback_coverage: float = 0.6  # stricter, when a figure question falls back to a passage
    figure_match: float = 0.55  # share of indicator words a chosen figure must match
    strict_figure_match: float = 0.85  # for questions that do not ask for a number outright


class Answerer:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.thresholds = Thresholds()
        self._idf = self._build_idf()
        self.vocabulary = {w for w in self._idf if w.isalpha() and "_" not in w}

    # ------------------------------------------------------------------ setup

    def _build_idf(self) -> dict[str, float]:
        lex = self.engine.lexical
        n = max(1, len(lex.ids))
        indptr = lex.retriever.scores["indptr"]
        idf: dict[str, float] = {}
        for token, tid in lex.vocab.items():
            if tid + 1 < len(indptr):
                df = int(indptr[tid + 1] - indptr[tid])
                idf[token] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return idf

    def key_terms(self, pq: ParsedQuestion) -> dict[str, float]:
        """Folded content syllables of the question with their IDF (unknown words weigh most)."""
        names = [w.lower() for p in pq.provinces + pq.unknown_provinces for w in p.split()]
        drop, drop_folded = set(names), {fold(w) for w in names}
        terms: dict[str, float] = {}
        for w in _WORD_RE.findall(nfc(pq.expanded).lower()):
            w = canonical_syllable(w)
            folded = fold(w)
            accented = folded != w
            stop = w in _STOP if accented else folded in _STOP_FOLDED
            # "bác" (sĩ) is not the "Bắc" of Bắc Giang: compare accented words accented.
            place = w in drop if accented else folded in drop_folded
            if stop or place or folded.isdigit() and len(folded) == 4:
                continue
            # Accented words match accented text only: "dại" (rabies) is not "đại" (đại học).
            terms[w] = self._idf.get(w, 8.0)
        return terms

    # ------------------------------------------------------------------ entry point

    def ask(
        self,
        question: str,
        top_k: int = 5,
        filters: Filters | None = None,
        history: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        t0 = time.perf_counter()
        question = self._with_history(question, history or [])
        pq = parse_question(question, self.engine.provinces(), self.vocabulary)
        filters = filters or Filters()
        timings: dict[str, float] = {}
        if pq.unknown_provinces and not pq.provinces:
            return self._abstain(
                pq,
                [],
                f"tỉnh {', '.join(pq.unknown_provinces)}",
                t0,
                timings,
                reason="Kho tài liệu hiện không có văn bản của " + ", ".join(pq.unknown_provinces),
            )
        uncovered = self._uncovered_years(pq)
        if uncovered:
            hits = self._search(pq, filters, top_k, timings)
            return self._abstain(
                pq,
                hits,
                f"năm {', '.join(map(str, uncovered))}",
                t0,
                timings,
                reason="Tài liệu của "
                + ", ".join(pq.provinces)
                + " không đề cập năm "
                + ", ".join(map(str, uncovered)),
            )
        if pq.qtype == "compare":
            result = self._compare(pq, filters, top_k, timings)
        elif pq.qtype == "regulation":
            result = self._regulation(pq, filters, top_k, timings)
        elif pq.qtype == "figure":
            result = self._figure_answer(pq, filters, top_k, timings)
        else:
            # "Tuổi thọ trung bình Hậu Giang năm 2023?" names an indicator without asking "bao nhiêu":
            # a figure that matches it closely is the answer; otherwise quote sentences.
            strict = None if pq.explanatory else self._figure(pq, filters, top_k, timings, strict=True)
            result = strict if strict is not None else self._passage(pq, filters, top_k, timings)
        timings["total"] = (time.perf_counter() - t0) * 1000
        result["timings_ms"] = {k: round(v, 2) for k, v in timings.items()}
        result["question"] = pq.text
        return result

    # ------------------------------------------------------------------ follow-ups

    def _with_history(self, question: str, history: list[dict[str, str]]) -> str:
        previous = [h.get("content", "") for h in history if h.get("role") == "user" and h.get("content")]
        if not previous or not _FOLLOW_UP.search(question) and len(question.split()) > 6:
            return question
        prev = previous[-1]
        current = parse_question(question, self.engine.provinces())
        before = parse_question(prev, self.engine.provinces())
        merged = prev
        if current.provinces or current.unknown_provinces:
            new = (current.provinces + current.unknown_provinces)[0]
            for old in before.provinces + before.unknown_provinces:
                merged = re.sub(re.escape(old), new, merged, flags=re.I)
            if not before.provinces and not before.unknown_provinces:
                merged += f" ở {new}"
        if current.years:
            for old_year in before.years:
                merged = merged.replace(str(old_year), str(current.years[0]))
            if not before.years:
                merged += f" năm {current.years[0]}"
        if current.kind and current.kind != before.kind:
            merged += " " + lexicon().kind_label(current.kind)
        return merged

    # ------------------------------------------------------------------ retrieval helpers

    def _filters_for(self, pq: ParsedQuestion, filters: Filters, province: str | None = None) -> Filters:
        f = Filters(filters.province, filters.year, filters.doc_ids, filters.provinces)
        if province:
            f.province = province
        elif not f.province and pq.provinces:
            f.provinces = list(pq.provinces)
        return f

    def _search(
        self,
        pq: ParsedQuestion,
        filters: Filters,
        top_k: int,
        timings: dict[str, float],
        province: str | None = None,
        query: str | None = None,
    ) -> list[Hit]:
        t0 = time.perf_counter()
        hits = self.engine.search(
            query or pq.text, max(top_k, 10), self._filters_for(pq, filters, province), timings=timings
        )
        timings["retrieve"] = timings.get("retrieve", 0.0) + (time.perf_counter() - t0) * 1000
        return hits

    def _uncovered_years(self, pq: ParsedQuestion) -> list[int]:
        """Years asked about that no document of the asked province spans."""
        if not pq.provinces or not pq.years:
            return []
        years: set[int] = set()
        for meta in self.engine.docs.values():
            if meta.province in pq.provinces:
                years.update(meta.years)
        if not years:
            return []
        return [y for y in pq.years if not min(years) <= y <= max(years)]

    # ------------------------------------------------------------------ evidence scoring

    def coverage(self, terms: dict[str, float], text: str) -> float:
        """IDF-weighted share of the terms present in the text (abbreviations and synonyms count)."""
        if not terms:
            return 0.0
        words, synonyms = _evidence_words(text)
        total = sum(terms.values())
        return sum(w for t, w in terms.items() if t in words or fold(t) in synonyms) / total

    def _best_sentences(
        self, terms: dict[str, float], hits: list[Hit], limit: int = 2
    ) -> list[tuple[float, int, str]]:
        scored: list[tuple[float, int, str]] = []
        for rank, hit in enumerate(hits[:4]):
            for sentence in split_sentences(hit.chunk.text):
                cov = self.coverage(terms, sentence)
                if cov > 0:
                    scored.append((cov - 0.03 * rank, rank, sentence))
        scored.sort(key=lambda s: -s[0])
        return scored[:limit]

    # ------------------------------------------------------------------ answer kinds

    def unknown_terms(self, terms: dict[str, float]) -> list[str]:
        """Question words that occur nowhere in the corpus: nothing can be evidence for them."""
        return [t for t in terms if t not in self._idf and fold(t) not in self._idf and not t.isdigit()]

    def _passage(
        self, pq: ParsedQuestion, filters: Filters, top_k: int, timings: dict[str, float]
    ) -> dict[str, Any]:
        hits = self._search(pq, filters, top_k, timings)
        t0 = time.perf_counter()
        terms = self.key_terms(pq)
        best = self._best_sentences(terms, hits)
        chunk_cov = max((self.coverage(terms, h.chunk.index_text) for h in hits[:3]), default=0.0)
        if not best or chunk_cov < self.thresholds.coverage or self.unknown_terms(terms):
            return self._abstain(pq, hits, None, t0, timings)
        order = _promote(hits, [best[0][1]])
        marker = 1
        quotes = [f"“{_clean(best[0][2])}” [{marker}]"]
        if len(best) > 1 and best[1][0] > 0.5 * best[0][0] and best[1][2] != best[0][2]:
            idx = order.index(hits[best[1][1]]) + 1
            quotes.append(f"“{_clean(best[1][2])}” [{idx}]")
        top = order[0]
        answer = f"Theo {top.doc.title or top.chunk.source}" + (
            f" ({top.doc.province})" if top.doc.province else ""
        )
        answer += ": " + " ".join(quotes)
        timings["answer"] = (time.perf_counter() - t0) * 1000
        return self._response(answer, False, chunk_cov, order[:top_k], [], {0: best[0][2]})

    def _figure(
        self,
        pq: ParsedQuestion,
        filters: Filters,
        top_k: int,
        timings: dict[str, float],
        strict: bool = False,
    ) -> dict[str, Any] | None:
        """A figure answer; with ``strict``, only a close indicator match, else None."""
        hits = self._search(pq, filters, top_k, timings)
        t0 = time.perf_counter()
        terms = self.key_terms(pq)
        ranked = self.rank_figures(pq, terms, hits, filters)
        if strict:
            top_ids = {h.chunk.chunk_id for h in hits[:5]}
            if (
                not ranked
                or ranked[0][1] < self.thresholds.strict_figure_match
                or ranked[0][0].chunk_id not in top_ids
            ):
                return None
        chunk_cov = max((self.coverage(terms, h.chunk.index_text) for h in hits[:3]), default=0.0)
        if self.unknown_terms(terms):
            return self._abstain(pq, hits, None, t0, timings)
        if not ranked or ranked[0][1] < self.thresholds.figure_match:
            if chunk_cov >= self.thresholds.fallback_coverage:
                return self._passage_from(pq, hits, terms, top_k, t0, timings)
            return self._abstain(pq, hits, None, t0, timings)
        figure, match = ranked[0][0], ranked[0][1]
        order = self._hits_with_chunk(hits, figure.chunk_id)
        related = self._row_siblings(figure)
        answer = self._figure_sentence(figure, related)
        figures = [figure] + [f for f in related if f is not figure]
        timings["answer"] = (time.perf_counter() - t0) * 1000
        confidence = min(1.0, 0.5 * match + 0.5 * max(chunk_cov, match))
        return self._response(answer, False, confidence, order[:top_k], figures, {0: figure.quote})

    def _figure_answer(
        self, pq: ParsedQuestion, filters: Filters, top_k: int, timings: dict[str, float]
    ) -> dict[str, Any]:
        result = self._figure(pq, filters, top_k, timings)
        assert result is not None  # only a strict figure search declines
        return result

    def _passage_from(
        self,
        pq: ParsedQuestion,
        hits: list[Hit],
        terms: dict[str, float],
        top_k: int,
        t0: float,
        timings: dict[str, float],
    ) -> dict[str, Any]:
        best = self._best_sentences(terms, hits, 1)
        if not best:
            return self._abstain(pq, hits, None, t0, timings)
        order = _promote(hits, [best[0][1]])
        top = order[0]
        answer = f"Theo {top.doc.title or top.chunk.source}: “{_clean(best[0][2])}” [1]"
        timings["answer"] = (time.perf_counter() - t0) * 1000
        return self._response(answer, False, best[0][0], order[:top_k], [], {0: best[0][2]})

    def rank_figures(
        self, pq: ParsedQuestion, terms: dict[str, float], hits: list[Hit], filters: Filters
    ) -> list[tuple[Figure, float, float]]:
        """Figures scored by indicator match, then year/kind/province agreement and retrieval rank."""
        hit_rank = {h.chunk.chunk_id: k for k, h in enumerate(hits)}
        provinces = {fold(p) for p in pq.provinces} or (
            {fold(filters.province)} if filters.province else set()
        )
        words = [t for t in terms if not t.isdigit()]
        rarest = max(words, key=lambda t: terms[t]) if words else None
        question_words = _evidence_words(pq.expanded)[0]
        out: list[tuple[Figure, float, float]] = []
        for f in self.engine.figures:
            if provinces and fold(f.province or "") not in provinces:
                continue
            match = self.coverage(terms, f"{f.indicator} {f.unit}")
            # The figure's chunk is its context: "Chương trình chống lao" two lines above "225 BN".
            chunk = self.engine.chunks.get(f.chunk_id) if f.chunk_id is not None else None
            around = f"{f.indicator} {f.unit} {f.quote} {f.section} {chunk.text if chunk else ''}"
            context = self.coverage(terms, around)
            if match <= 0 and context <= 0:
                continue
            score = match + 0.5 * context - self._extra_words_penalty(f.indicator, question_words)
            if f.chunk_id in hit_rank:
                # Retrieval vouches for the figure's passage; its exact rank among near-identical
                # table rows says little, so only the top few count more.
                score += 0.15 if hit_rank[f.chunk_id] < 3 else 0.05
            if pq.years:
                score += 0.3 if f.year in pq.years else -0.3
            if pq.kind:
                score += 0.2 if f.kind == pq.kind else -0.1
            else:  # nothing asked: what happened beats what was planned
                score += {"actual": 0.1, "estimate": 0.05}.get(f.kind or "", 0.0)
            if pq.half_year and "6 thang" in fold(f.quote + " " + f.section):
                score += 0.3
            if rarest and self.coverage({rarest: 1.0}, around) == 0:
                # The question's most specific word ("lao", "dại") must be where the figure is.
                match *= 0.5
                context *= 0.5
                score -= 0.5
            out.append((f, max(match, 0.8 * context), score))
        out.sort(key=lambda x: -x[2])
        return out

    @staticmethod
    def _extra_words_penalty(indicator: str, question_words: frozenset[str]) -> float:
        """Prefer the indicator that says no more than was asked: the parent row over "… công lập"."""
        core = re.sub(r"\([^)]*\)", " ", indicator)  # parentheses only qualify the indicator
        words = {canonical_syllable(w) for w in _WORD_RE.findall(nfc(core).lower())}
        extra = [
            w
            for w in words
            if w not in question_words
            and fold(w) not in question_words
            and w not in _STOP
            and not w[0].isdigit()
        ]
        return min(0.4, 0.08 * len(extra))

    def _row_siblings(self, figure: Figure) -> list[Figure]:
        if not figure.row_key:
            return [figure]
        return [f for f in self.engine.figures if f.row_key == figure.row_key]

    def _figure_sentence(self, figure: Figure, siblings: list[Figure]) -> str:
        where = f" của {figure.province}" if figure.province else ""
        label = lexicon().kind_label(figure.kind)
        head = (
            f"{label.capitalize()} năm {figure.year}"
            if label and figure.year
            else (f"Năm {figure.year}" if figure.year else "Số liệu")
        )
        comparator = f"{figure.comparator} " if figure.comparator else ""
        text = f"{head}{where} — {figure.indicator}: {comparator}{figure.value_text} {figure.unit}".rstrip()
        others = [s for s in siblings if s is not figure and s.value_text]
        if others:
            ctx = "; ".join(
                f"{(lexicon().kind_label(s.kind) or s.column)} {s.year or ''}: "
                f"{s.comparator + ' ' if s.comparator else ''}{s.value_text}".replace("  ", " ")
                for s in others[:2]
            )
            text += f" ({ctx})"
        return text + " [1]."

    def _regulation(
        self, pq: ParsedQuestion, filters: Filters, top_k: int, timings: dict[str, float]
    ) -> dict[str, Any]:
        hits = self._search(pq, filters, top_k, timings)
        t0 = time.perf_counter()
        terms = self.key_terms(pq)
        mentions = self._regulation_candidates(pq, terms, hits)
        if not mentions:
            chunk_cov = max((self.coverage(terms, h.chunk.index_text) for h in hits[:3]), default=0.0)
            if chunk_cov >= self.thresholds.fallback_coverage:
                return self._passage_from(pq, hits, terms, top_k, t0, timings)
            return self._abstain(pq, hits, None, t0, timings)
        m, score = mentions[0]
        order = self._hits_with_chunk(hits, self._chunk_of(m))
        answer = regulation_sentence(m) + " [1]."
        timings["answer"] = (time.perf_counter() - t0) * 1000
        return self._response(
            answer, False, min(1.0, score), order[:top_k], [], {0: m.quote}, regulations=[asdict(m)]
        )

    def _regulation_candidates(
        self, pq: ParsedQuestion, terms: dict[str, float], hits: list[Hit]
    ) -> list[tuple[RegulationMention, float]]:
        provinces = {fold(p) for p in pq.provinces}
        pool = [m for m in self.engine.regulations if not provinces or fold(m.province or "") in provinces]
        if pq.numbers:
            wanted = set(pq.numbers)
            exact = [m for m in pool if number_key(m.number) in wanted]
            asked = _asked_kind(pq.folded)
            if asked and exact and all(fold(m.kind or "") != fold(asked) for m in exact):
                # "kế hoạch số mấy để thực hiện Nghị quyết 20-NQ/TW": the answer is another document
                # of the asked kind, cited next to the given one.
                near = [
                    m
                    for m in pool
                    if fold(m.kind or "") == fold(asked)
                    and number_key(m.number) not in wanted
                    and any(m.doc_id == e.doc_id and abs(m.line - e.line) <= 2 for e in exact)
                ]
                if near:

                    def fits(m: RegulationMention) -> float:
                        # Best: its own subject names the given number ("… về thực hiện Nghị quyết 20-NQ/TW"),
                        # and it shares the question's words (issuer "Sở Y tế", topic).
                        names_given = any(n in number_key(m.subject or "") for n in wanted)
                        return float(names_given) + self.coverage(
                            terms, f"{m.subject or ''} {m.quote} {m.issuer or ''}"
                        )

                    return [(m, 0.9) for m in sorted(near, key=fits, reverse=True)]
            return [
                (m, 1.0) for m in sorted(exact, key=lambda m: -(len(m.subject or "") + len(m.issuer or "")))
            ]
        hit_rank = {h.chunk.chunk_id: k for k, h in enumerate(hits)}
        scored = []
        for m in pool:
            cid = self._chunk_of(m)
            if cid not in hit_rank:
                continue
            # The subject clause is where the question's topic words sit.
            cov = self.coverage(terms, f"{m.subject or ''} {m.quote}")
            scored.append((m, cov + 0.3 / (1 + hit_rank[cid])))
        scored.sort(key=lambda x: -x[1])
        return [s for s in scored if s[1] >= 0.45]

    def _chunk_of(self, m: RegulationMention) -> int | None:
        return chunk_holding(self.engine.doc_chunks.get(m.doc_id, []), m.line, prefer="text")

    def _compare(
        self, pq: ParsedQuestion, filters: Filters, top_k: int, timings: dict[str, float]
    ) -> dict[str, Any]:
        t0 = time.perf_counter()
        if pq.numbers:
            return self._cited_by(pq, filters, top_k, timings)
        sides: list[tuple[str | None, ParsedQuestion]] = []
        if len(pq.provinces) >= 2:
            for p in pq.provinces[:2]:
                sub = parse_question(
                    _only_side(pq.text, p, pq.provinces), self.engine.provinces(), self.vocabulary
                )
                sub.provinces = [p]
                if len(set(pq.years)) >= 2:  # "Bắc Giang năm 2024 so với Hà Nam năm 2022": each its own year
                    sub.years = [_year_near(pq.text, p, pq.years)]
                sides.append((p, sub))
        elif len(set(pq.years)) >= 2:
            for y in sorted(set(pq.years))[:2]:
                sub = parse_question(pq.text, self.engine.provinces(), self.vocabulary)
                sub.years = [y]
                sub.kind = None
                sides.append((pq.provinces[0] if pq.provinces else None, sub))
        else:
            return self._figure_answer(pq, filters, top_k, timings)
        parts: list[tuple[Figure | None, list[Hit]]] = []
        for province, sub in sides:
            hits = self._search(sub, filters, top_k, timings, province=province, query=_year_query(sub))
            if sub.years and len(sides) and len(set(pq.years)) >= 2:
                hits = [h for h in hits if sub.years[0] in h.doc.years] or hits
            terms = self.key_terms(sub)
            ranked = self.rank_figures(sub, terms, hits, filters)
            if sub.years and len(set(pq.years)) >= 2:
                ranked = [r for r in ranked if r[0].year == sub.years[0]]  # each side is its own year
            fig = ranked[0][0] if ranked and ranked[0][1] >= self.thresholds.figure_match else None
            parts.append((fig, self._hits_with_chunk(hits, fig.chunk_id) if fig else hits))
        if not all(f for f, _ in parts):
            merged = _interleave([h for _, h in parts])
            return self._abstain(pq, merged, None, t0, timings)
        # Citation 1 and 2 are the two sides' evidence.
        first, second = parts[0][1][0], parts[1][1][0]
        rest = [
            h
            for h in _interleave([p[1][1:] for p in parts])
            if h.chunk.chunk_id not in (first.chunk.chunk_id, second.chunk.chunk_id)
        ]
        order = [first, second] + rest
        fa, fb = parts[0][0], parts[1][0]
        assert fa and fb
        answer = compare_sentence(fa, fb)
        timings["answer"] = (time.perf_counter() - t0) * 1000
        return self._response(
            answer, False, 0.8, order[: max(top_k, 2)], [fa, fb], {0: fa.quote, 1: fb.quote}
        )

    def _cited_by(
        self, pq: ParsedQuestion, filters: Filters, top_k: int, timings: dict[str, float]
    ) -> dict[str, Any]:
        t0 = time.perf_counter()
        wanted = set(pq.numbers)
        mentions = [m for m in self.engine.regulations if number_key(m.number) in wanted]
        by_doc: dict[str, RegulationMention] = {}
        for m in mentions:
            by_doc.setdefault(m.doc_id, m)
        if not by_doc:
            return self._abstain(pq, self._search(pq, filters, top_k, timings), None, t0, timings)
        hits = [
            Hit(self.engine.chunks[c], self.engine.docs[m.doc_id], _fake_rank(c))
            for m in by_doc.values()
            if (c := self._chunk_of(m)) is not None
        ]
        names = [f"{self.engine.docs[d].province} ({self.engine.docs[d].title})" for d in by_doc]
        answer = (
            f"{pq.numbers[0].upper()} được viện dẫn trong {len(by_doc)} văn bản: "
            + "; ".join(f"{n} [{k}]" for k, n in enumerate(names, 1))
            + "."
        )
        timings["answer"] = (time.perf_counter() - t0) * 1000
        return self._response(
            answer,
            False,
            0.9,
            hits[: max(top_k, len(hits))],
            [],
            {k: m.quote for k, m in enumerate(by_doc.values())},
        )

    # ------------------------------------------------------------------ response building

    def _hits_with_chunk(self, hits: list[Hit], chunk_id: int | None) -> list[Hit]:
        if chunk_id is None:
            return hits
        for k, h in enumerate(hits):
            if h.chunk.chunk_id == chunk_id:
                return [h] + hits[:k] + hits[k + 1 :]
        chunk = self.engine.chunks.get(chunk_id)
        if chunk is None:
            return hits
        return [Hit(chunk, self.engine.docs[chunk.doc_id], _fake_rank(chunk_id))] + hits

    def _abstain(
        self,
        pq: ParsedQuestion,
        hits: list[Hit],
        what: str | None,
        t0: float,
        timings: dict[str, float],
        reason: str | None = None,
    ) -> dict[str, Any]:
        topic = what or _topic(pq)
        answer = f"Không tìm thấy thông tin về {topic} trong các tài liệu hiện có."
        if reason:
            answer += f" ({reason}.)"
        if hits:
            answer += " Các đoạn dưới đây có thể liên quan."
        timings["answer"] = (time.perf_counter() - t0) * 1000
        result = self._response(answer, True, 0.0, hits[:3], [], {})
        result["question"] = pq.text
        result["timings_ms"] = {k: round(v, 2) for k, v in timings.items()}
        return result

    def _response(
        self,
        answer: str,
        abstained: bool,
        confidence: float,
        hits: list[Hit],
        figures: list[Figure],
        quotes: dict[int, str],
        regulations: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        citations = []
        ids: dict[int, int] = {}
        for k, h in enumerate(hits, 1):
            ids[h.chunk.chunk_id] = k
            quote = quotes.get(k - 1) or ""
            citations.append(
                {
                    "id": k,
                    "chunk_id": h.chunk.chunk_id,
                    "doc_id": h.chunk.doc_id,
                    "source": h.chunk.source,
                    "title": h.doc.title,
                    "province": h.doc.province,
                    "current_province": h.doc.current_province,
                    "section": h.chunk.section,
                    "text": h.chunk.text,
                    "quote": _clean(quote) if quote else _first_sentence(h.chunk.text),
                    "start_line": h.chunk.start_line,
                    "end_line": h.chunk.end_line,
                    "page": h.chunk.page,
                    "score": round(h.ranked.score, 4),
                    "lexical_rank": h.ranked.lexical_rank,
                    "dense_rank": h.ranked.dense_rank,
                }
            )
        figure_dicts = []
        for f in figures:
            d = figure_dict(f)
            d["citation"] = ids.get(f.chunk_id) if f.chunk_id is not None else None
            figure_dicts.append(d)
        out: dict[str, Any] = {
            "answer": answer,
            "abstained": abstained,
            "confidence": round(float(confidence), 3),
            "citations": citations,
            "figures": figure_dicts,
        }
        if regulations:
            out["regulations"] = regulations
        return out


# ---------------------------------------------------------------------- helpers


@lru_cache(maxsize=65536)
def _evidence_words(text: str) -> tuple[frozenset[str], frozenset[str]]:
    words = {canonical_syllable(w) for w in _WORD_RE.findall(nfc(text).lower())}
    for abbreviation in words & _ABBREVIATION_KEYS:  # "TP" in the text covers "thành phố" in the question
        words.update(ABBREVIATIONS[abbreviation].split())
    words |= {fold(w) for w in words}
    return frozenset(words), frozenset(synonym_words(text))


def figure_dict(f: Figure) -> dict[str, Any]:
    return {
        "indicator": f.indicator,
        "value": f.value,
        "value_text": f.value_text,
        "unit": f.unit,
        "year": f.year,
        "kind": f.kind,
        "comparator": f.comparator,
        "province": f.province,
        "doc_id": f.doc_id,
        "source": f.source,
        "section": f.section,
        "line": f.line,
        "quote": f.quote,
        "column": f.column,
        "citation": None,
    }


_ASKED_KIND = dict(lexicon().document_kind_words(lexicon().asked_kinds))


def _asked_kind(folded: str) -> str | None:
    m = re.search(r"\b(" + "|".join(_ASKED_KIND) + r") (so may|so bao nhieu|nao)\b", folded)
    return _ASKED_KIND[m.group(1)] if m else None


def regulation_sentence(m: RegulationMention) -> str:
    parts = [f"{m.kind or 'Văn bản'} số {m.number}"]
    if m.date:
        parts.append(f"ngày {_vn_date(m.date)}")
    if m.issuer:
        parts.append(f"của {m.issuer}")
    text = " ".join(parts)
    if m.subject:
        text += f" {m.subject}"
    where = f" (được viện dẫn tại {m.source}, dòng {m.line})"
    return text.rstrip(" .;,") + where


def compare_sentence(a: Figure, b: Figure) -> str:
    def side(f: Figure, n: int) -> str:
        label = lexicon().kind_label(f.kind)
        return (
            f"{f.province or f.source}: {f.comparator + ' ' if f.comparator else ''}{f.value_text} {f.unit}"
            f" ({label} {f.year or ''}".rstrip()
            + f") [{n}]"
        )

    text = f"{side(a, 1)}; {side(b, 2)}."
    if a.value != b.value:
        hi, lo = (a, b) if a.value > b.value else (b, a)
        diff = format_vn_number(abs(a.value - b.value))
        text += (
            f" {hi.province or hi.source} ({hi.year}) cao hơn {lo.province or lo.source} ({lo.year}) {diff}."
        )
    else:
        text += " Hai giá trị bằng nhau."
    return text


def split_sentences(text: str) -> list[str]:
    text = strip_tags(text)
    parts = re.split(r"(?<=[.;:!?])\s+(?=[A-ZĐÀ-Ỹ\-+*])|\n+|\s+-\s+(?=[A-ZĐÀ-Ỹ])", text)
    return [collapse_ws(p) for p in parts if len(collapse_ws(p)) >= 12]


def _promote(hits: list[Hit], ranks: list[int]) -> list[Hit]:
    first = [hits[r] for r in ranks if r < len(hits)]
    return first + [h for h in hits if h not in first]


def _interleave(lists: list[list[Hit]]) -> list[Hit]:
    out: list[Hit] = []
    seen: set[int] = set()
    for k in range(max((len(x) for x in lists), default=0)):
        for lst in lists:
            if k < len(lst) and lst[k].chunk.chunk_id not in seen:
                seen.add(lst[k].chunk.chunk_id)
                out.append(lst[k])
    return out


def _year_near(text: str, province: str, years: list[int]) -> int:
    """The year written closest after the province's name (or before it, when none follows)."""
    at = fold(text).find(fold(province))
    positions = [(m.start(), int(m.group())) for m in YEAR_RE.finditer(text) if int(m.group()) in years]
    after = [y for pos, y in positions if pos > at]
    before = [y for pos, y in positions if pos < at]
    return after[0] if after else (before[-1] if before else years[0])


def _only_side(text: str, keep: str, provinces: list[str]) -> str:
    for p in provinces:
        if p != keep:
            text = re.sub(re.escape(p), " ", text, flags=re.I)
    return text


def _year_query(pq: ParsedQuestion) -> str:
    text = pq.text
    for y in YEAR_RE.findall(text):
        if int(y) not in pq.years:
            text = text.replace(y, " ")
    return text


def _fake_rank(chunk_id: int) -> Ranked:
    """A citation added by the answer step (not by retrieval) has no ranks."""
    return Ranked(chunk_id, 0.0, None, None, None, None)


def _topic(pq: ParsedQuestion) -> str:
    words = re.sub(
        r"\b(bao nhiêu|là gì|là bao nhiêu|như thế nào|thế nào|nào|gì)\b|\?", "", pq.text, flags=re.I
    )
    return f"“{collapse_ws(words)[:120]}”"


def _clean(text: str) -> str:
    return collapse_ws(strip_tags(text).replace("**", "").replace("|", " "))


def _first_sentence(text: str) -> str:
    sentences = split_sentences(text)
    return sentences[0][:300] if sentences else _clean(text)[:300]


def _vn_date(iso: str) -> str:
    parts = iso.split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else iso
