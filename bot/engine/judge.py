"""A trained judge of "does this sentence answer this question?", used to rank quotes.

The hand-set sentence score (meaning + the question's words + kind) ranks the sentences of one
answer; it does not know that, on news questions, a sentence naming a person the question asks
about, or one from the outlet the question names, is more often the one holding the fact. This
judge is a logistic regression over the features the answer engine already has for every
shortlisted sentence (cosine, passage score, keyword share, coverage, kind checks, role, how it
compares with the best sentence of the answer and of its own article) plus the element-wise
product of the question and sentence vectors of the bundled all-MiniLM-L6-v2 model: no other
model, no download, a few kilobytes of weights.

It was trained on MultiHop-RAG's dev split only (`python -m bot.measure.train_judge`), a
sentence labelled "answers" when it lies inside a gold evidence fact or holds the gold answer.
Its probability is added to the hand-set score (`judge_weight`); abstention does not use it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ingest.structure import FALLBACK_ROLES

if TYPE_CHECKING:
    from bot.engine.candidates import Candidate

WEIGHTS = Path(__file__).with_name("judge_weights.json")
ANSWER_KINDS = ("count", "date", "place", "person", "other")
# Interaction features are scaled up so their spread is comparable with the scalar features'
# before standardisation (MiniLM vector components are ~0.05).
PRODUCT_SCALE = 20.0
SCALAR_FEATURES = (
    "sim", "sim_below_best", "passage_score", "passage_below_best", "keywords", "keywords_below_best",
    "coverage", "passage_rank", "fits", "fallback_role", "claim", "dispute", "named_outlet",
    "sim_below_article_best", "article_rank", "length", "top_passage_score",
    *(f"fits_{kind}" for kind in ANSWER_KINDS),
)


def judge_features(candidates: list[Candidate], question_vector: np.ndarray, answer_kind: str, top: float,
                   outlets: set[str] = frozenset()) -> np.ndarray:
    """One row per candidate (all must carry a vector): the scalar features, then question ⊙ sentence."""
    if not candidates:
        return np.zeros((0, len(SCALAR_FEATURES) + len(question_vector)))
    best_sim = max(c.sim for c in candidates)
    best_passage = max(c.passage.score for c in candidates)
    best_keywords = max(c.keywords for c in candidates)
    article_best: dict[str, float] = {}
    for c in candidates:
        article_best[c.passage.document_id] = max(article_best.get(c.passage.document_id, -1.0), c.sim)
    article_rank = {d: i for i, d in enumerate(sorted(article_best, key=lambda d: -article_best[d]))}
    untrained = answer_kind not in ANSWER_KINDS  # a kind newer than the weights reads as "other" (every sentence fits)
    kind_asked = "other" if untrained else answer_kind
    rows = []
    for c in candidates:
        fits = True if untrained else c.fits
        doc = c.passage.document_id
        scalars = [
            c.sim, c.sim - best_sim, c.passage.score, c.passage.score - best_passage, c.keywords, c.keywords - best_keywords,
            c.coverage, c.rank / 4, float(fits), float(c.role in FALLBACK_ROLES),
            float(c.attribution.kind == "claim"), float(c.attribution.kind == "dispute"), float(c.passage.outlet in outlets),
            c.sim - article_best[doc], article_rank[doc] / 4, len(c.text) / 300, top,
            *(float(kind_asked == kind and fits) for kind in ANSWER_KINDS),
        ]
        rows.append(np.concatenate([np.asarray(scalars, dtype=np.float64), c.vector * question_vector * PRODUCT_SCALE]))
    return np.vstack(rows)


@dataclass(frozen=True)
class SentenceJudge:
    """Standardise, then a logistic regression: P(sentence answers the question)."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    trained_on: str = ""

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        if not len(features):
            return np.zeros(0)
        if features.shape[1] != len(self.weights):
            raise ValueError(f"the judge expects {len(self.weights)} features, got {features.shape[1]}")
        z = ((features - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self) -> dict:
        return {
            "model": "logistic regression over standardised features",
            "trained_on": self.trained_on,
            "scalar_features": list(SCALAR_FEATURES),
            "product_features": len(self.weights) - len(SCALAR_FEATURES),
            "mean": [round(float(x), 6) for x in self.mean],
            "scale": [round(float(x), 6) for x in self.scale],
            "weights": [round(float(x), 6) for x in self.weights],
            "bias": round(float(self.bias), 6),
        }

    @classmethod
    def from_json(cls, data: dict) -> SentenceJudge:
        if data.get("scalar_features") != list(SCALAR_FEATURES):
            raise ValueError("the judge's weights were trained on other features; retrain: python -m bot.measure.train_judge")
        return cls(np.asarray(data["mean"]), np.asarray(data["scale"]), np.asarray(data["weights"]), float(data["bias"]),
                   data.get("trained_on", ""))


def load_judge(path: Path = WEIGHTS) -> SentenceJudge:
    return SentenceJudge.from_json(json.loads(path.read_text(encoding="utf-8")))


def fit_judge(features: np.ndarray, labels: np.ndarray, *, l2: float = 100.0, trained_on: str = "") -> SentenceJudge:
    """L2-regularised logistic regression by Newton's method: deterministic, no solver to install."""
    mean = features.mean(axis=0)
    scale = features.std(axis=0) + 1e-6
    z = np.hstack([(features - mean) / scale, np.ones((len(features), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.full(len(w), l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-z @ w))
        gradient = z.T @ (p - labels) + penalty * w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    return SentenceJudge(mean, scale, w[:-1], float(w[-1]), trained_on)
