"""Explain a story: who agrees or disagrees with a claim, and what happened when.

``stance`` labels how a body relates to a headline (FNC-1 classes);
``timeline`` summarises dated articles as key dates with short summaries.
"""

from .stance import LABELS, StanceScorer, predict_stance, predict_stances
from .timeline import build_timeline

__all__ = ["LABELS", "StanceScorer", "build_timeline", "predict_stance", "predict_stances"]
