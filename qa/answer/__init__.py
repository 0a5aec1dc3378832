"""The answer step: question -> Answer (understand → retrieve → candidates → score → decide → compose)."""

from qa.answer.pipeline import Answerer
from qa.answer.types import Answer, Citation, FigureAnswer, RegulationAnswer, Understood

__all__ = ["Answer", "Answerer", "Citation", "FigureAnswer", "RegulationAnswer", "Understood"]
