"""Weighted reciprocal-rank fusion and the masked top-k it reads, on small fixed rankings."""

from __future__ import annotations

import numpy as np
import pytest

from qa.retrieval.fusion import FusionParams, fuse, top_positions


def test_a_chunk_both_sides_find_beats_the_lexical_first() -> None:
    ranked = fuse(
        [(1, 3.0), (2, 2.0)],
        [(2, 0.9), (3, 0.8)],
        FusionParams(lexical_weight=1.0, dense_weight=0.5, rrf_k=5),
    )
    assert [r.chunk_id for r in ranked] == [2, 1, 3]
    assert ranked[0].score == pytest.approx(1 / 7 + 0.5 / 6)
    assert (ranked[0].lexical_rank, ranked[0].dense_rank) == (2, 1)
    assert (ranked[1].lexical_rank, ranked[1].dense_rank) == (1, None)
    assert ranked[2].score == pytest.approx(0.5 / 7)


def test_depth_limits_what_each_side_contributes() -> None:
    ranked = fuse([(1, 3.0), (2, 2.0)], [(3, 0.9)], FusionParams(depth=1))
    assert {r.chunk_id for r in ranked} == {1, 3}


def test_top_positions_respects_the_mask_and_drops_zero_scores() -> None:
    scores = np.array([0.5, 0.0, 2.0, 1.0])
    assert top_positions(scores, np.array([True, True, False, True]), 5).tolist() == [3, 0]
    assert top_positions(scores, None, 2).tolist() == [2, 3]
    assert top_positions(np.zeros(3), None, 5).tolist() == []
