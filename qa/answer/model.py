"""The decision model: a logistic regression over named features, stored as readable JSON.

Why logistic regression: its coefficients can be read (one per named feature, on standardised inputs), it
gives a probability the abstention threshold can be set on, it fits in milliseconds on the generated
questions of a province's corpus (so ``qa train`` runs after every upload), and with ~25 features and a few
thousand generated examples it does not overfit the way gradient boosting can on the templates' regularities.

One file holds one model per decision ("figure": is this figure the answer; "passage": does this sentence
answer the question), each with its threshold, chosen on generated data for a stated false-abstention rate.
The model of an index generation (``answer_model.json`` written by ``qa train``) wins over the one shipped
in ``qa/data/answer_model.json`` (fitted on the shipped corpus).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from qa.index.layout import ANSWER_MODEL_FILE


@dataclass(frozen=True, slots=True)
class DecisionModel:
    features: tuple[str, ...]
    coef: np.ndarray  # on standardised features
    intercept: float
    mean: np.ndarray
    scale: np.ndarray
    threshold: float  # answer when the best candidate's probability reaches it
    info: dict[str, Any] = field(default_factory=dict)  # how it was fitted and measured

    def __post_init__(self) -> None:
        n = len(self.features)
        if not (len(self.coef) == len(self.mean) == len(self.scale) == n):
            raise ValueError(f"decision model has {len(self.coef)} coefficients for {n} features")

    def probability(self, x: np.ndarray) -> np.ndarray:
        """P(candidate is the answer) for each row of ``x`` (columns in ``features`` order)."""
        z = ((np.atleast_2d(x) - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def answer_probability(self, row: np.ndarray, ranking: np.ndarray) -> float:
        """P(the best candidate answers the question), for a decision model: never above the ranking model's
        own probability that this candidate is right — answering right needs the candidate to be right — so
        a lone weak candidate cannot be carried by the shape of the ranking (one candidate, a wide margin)."""
        return min(float(self.probability(row)[0]), float(np.max(ranking)))

    def explain(self, x: np.ndarray) -> list[tuple[str, float]]:
        """Each feature's contribution to the logit of one candidate, largest first."""
        parts = (x - self.mean) / self.scale * self.coef
        return sorted(zip(self.features, parts.tolist(), strict=True), key=lambda p: -abs(p[1]))

    def as_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "coef": [round(float(c), 6) for c in self.coef],
            "intercept": round(self.intercept, 6),
            "mean": [round(float(m), 6) for m in self.mean],
            "scale": [round(float(s), 6) for s in self.scale],
            "threshold": round(self.threshold, 4),
            "info": self.info,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DecisionModel:
        return cls(
            tuple(data["features"]),
            np.asarray(data["coef"], dtype=np.float64),
            float(data["intercept"]),
            np.asarray(data["mean"], dtype=np.float64),
            np.asarray(data["scale"], dtype=np.float64),
            float(data["threshold"]),
            dict(data.get("info", {})),
        )


@dataclass(frozen=True, slots=True)
class DecisionModels:
    """Per answer kind, two models: one ranks the candidates (is this one the answer?), one decides from the
    ranking and the question whether to answer at all; the decision model carries the threshold."""

    figure: DecisionModel
    figure_decide: DecisionModel
    passage: DecisionModel
    passage_decide: DecisionModel
    # A figure question no figure answered, read as a passage question: its own pair, because what predicts
    # a right sentence differs by kind (a figure question without a year is ambiguous; a passage question
    # rarely asks one) and one logistic regression over both learnt that not asking a year means "refuse".
    fallback: DecisionModel
    fallback_decide: DecisionModel
    source: str  # where they were read from

    def as_json(self) -> dict[str, Any]:
        return {
            "figure": self.figure.as_json(),
            "figure_decide": self.figure_decide.as_json(),
            "passage": self.passage.as_json(),
            "passage_decide": self.passage_decide.as_json(),
            "fallback": self.fallback.as_json(),
            "fallback_decide": self.fallback_decide.as_json(),
        }


def _read(data: dict[str, Any], source: str) -> DecisionModels:
    return DecisionModels(
        DecisionModel.from_json(data["figure"]),
        DecisionModel.from_json(data["figure_decide"]),
        DecisionModel.from_json(data["passage"]),
        DecisionModel.from_json(data["passage_decide"]),
        DecisionModel.from_json(data["fallback"]),
        DecisionModel.from_json(data["fallback_decide"]),
        source,
    )


def _fits(models: DecisionModels) -> bool:
    from qa.answer.features import (
        FIGURE_DECISION_COLUMNS,
        FIGURE_FEATURES,
        PASSAGE_DECISION_COLUMNS,
        decision_feature_names,
    )
    from qa.answer.passages import PASSAGE_FEATURES

    return (
        models.figure.features == FIGURE_FEATURES
        and models.passage.features == PASSAGE_FEATURES
        and models.figure_decide.features == decision_feature_names(FIGURE_DECISION_COLUMNS)
        and models.passage_decide.features == decision_feature_names(PASSAGE_DECISION_COLUMNS)
        and models.fallback.features == PASSAGE_FEATURES
        and models.fallback_decide.features == decision_feature_names(PASSAGE_DECISION_COLUMNS)
    )


def load_models(generation: Path | None) -> DecisionModels:
    """The generation's own models when they fit today's features, else the shipped default."""
    if generation is not None:
        path = generation / ANSWER_MODEL_FILE
        if path.exists():
            try:
                models: DecisionModels | None = _read(json.loads(path.read_text(encoding="utf-8")), str(path))
            except (KeyError, ValueError):
                models = None  # written by another version: the default serves until `qa train`
            if models is not None and _fits(models):
                return models
    shipped = resources.files("qa").joinpath("data/answer_model.json")
    return _read(json.loads(shipped.read_text(encoding="utf-8")), "qa/data/answer_model.json")


def prior_models() -> DecisionModels:
    """A model with no opinion (every probability 0.5): what training starts from, since the features it
    generates rows with do not depend on any model."""

    def flat(features: tuple[str, ...]) -> DecisionModel:
        n = len(features)
        return DecisionModel(features, np.zeros(n), 0.0, np.zeros(n), np.ones(n), 0.5, {"prior": True})

    from qa.answer.features import (
        FIGURE_DECISION_COLUMNS,
        FIGURE_FEATURES,
        PASSAGE_DECISION_COLUMNS,
        decision_feature_names,
    )
    from qa.answer.passages import PASSAGE_FEATURES

    return DecisionModels(
        flat(FIGURE_FEATURES),
        flat(decision_feature_names(FIGURE_DECISION_COLUMNS)),
        flat(PASSAGE_FEATURES),
        flat(decision_feature_names(PASSAGE_DECISION_COLUMNS)),
        flat(PASSAGE_FEATURES),
        flat(decision_feature_names(PASSAGE_DECISION_COLUMNS)),
        "prior",
    )
