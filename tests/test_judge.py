"""The trained sentence judge (bot/engine/judge.py) and its training command (bot/measure/train_judge.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bot.engine.judge import SCALAR_FEATURES, WEIGHTS, SentenceJudge, fit_judge, judge_features, load_judge
from bot.engine.candidates import score_candidates
from bot.library import Citebot
from bot.measure import train_judge
from tests.benchmark_data import require_benchmark
from tests.conftest import make_settings

MODEL_DIMENSIONS = 384  # all-MiniLM-L6-v2


def test_the_shipped_weights_load_and_fit_the_features_the_engine_computes():
    judge = load_judge()
    assert len(judge.weights) == len(SCALAR_FEATURES) + MODEL_DIMENSIONS
    assert "queries_dev" in judge.trained_on  # trained on the dev split, never on held-back questions
    assert WEIGHTS.stat().st_size < 100_000


def test_weights_trained_on_other_features_are_refused_with_the_command_to_retrain():
    data = load_judge().to_json()
    data["scalar_features"] = data["scalar_features"][:-1]
    with pytest.raises(ValueError, match="python -m bot.measure.train_judge"):
        SentenceJudge.from_json(data)


def test_fitting_is_deterministic_and_learns_which_feature_predicts_the_label():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(400, 3))
    y = (x[:, 1] + 0.3 * rng.normal(size=400) > 0).astype(float)
    first, second = fit_judge(x, y, l2=1.0), fit_judge(x, y, l2=1.0)
    assert np.array_equal(first.weights, second.weights)
    assert abs(first.weights[1]) > 5 * max(abs(first.weights[0]), abs(first.weights[2]))
    p = first.probabilities(np.array([[0.0, 2.0, 0.0], [0.0, -2.0, 0.0]]))
    assert p[0] > 0.9 and p[1] < 0.1


def test_a_saved_judge_gives_the_same_probabilities_after_loading(tmp_path):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, len(SCALAR_FEATURES) + 4))
    judge = fit_judge(x, (x[:, 0] > 0).astype(float), trained_on="test")
    path = tmp_path / "weights.json"
    path.write_text(json.dumps(judge.to_json()))
    assert np.allclose(load_judge(path).probabilities(x[:5]), judge.probabilities(x[:5]), atol=1e-4)


def test_the_judge_prefers_the_sentence_that_holds_the_count_asked_for(sample_home, embedder):
    bot = Citebot(make_settings(sample_home), embedder=embedder)
    question = "How many people were killed in the Crocus City Hall attack?"
    passages = bot.retrieve(question)
    candidates = [c for c in score_candidates(question, passages, embedder, "count") if c.vector is not None]
    features = judge_features(candidates, embedder.embed_query(question), "count", max(p.score for p in passages))
    judged = dict(zip((c.text for c in candidates), load_judge().probabilities(features)))
    counts = [p for text, p in judged.items() if "139" in text]
    assert counts, "no sentence with the death toll among the candidates"
    assert max(counts) == max(judged.values())


def test_with_the_judge_off_the_engine_still_answers_from_its_hand_set_score(sample_home, embedder):
    on = Citebot(make_settings(sample_home), embedder=embedder).ask("Where were the suspects arrested?")
    off = Citebot(make_settings(sample_home, judge_weight=0), embedder=embedder).ask("Where were the suspects arrested?")
    assert not on.abstained and not off.abstained
    assert any("Bryansk" in c.quote for c in on.citations) and any("Bryansk" in c.quote for c in off.citations)


def _example(half, labels, hand, judge_signal):
    labels = np.asarray(labels, dtype=float)
    features = np.column_stack([np.asarray(judge_signal, dtype=float)] * 2)
    return train_judge.Example(half, features, labels, np.asarray(hand, dtype=float))


def test_the_held_out_check_compares_the_judge_with_the_hand_set_score_on_the_other_half():
    # the hand-set score ranks a wrong sentence first; the features say which one answers
    examples = [_example(i % 2, [1, 0, 0], [0.5, 0.55, 0.1], [3, -3, -3]) for i in range(100)]
    checks = train_judge.held_out_check(examples)
    assert [c["trained_on"] for c in checks] == ["even", "odd"]
    assert all(c["hand_score_first_answers"] == 0.0 and c["with_judge_first_answers"] == 1.0 for c in checks)


def test_training_without_the_benchmark_files_is_one_line_and_exit_2(tmp_path, capsys):
    code = train_judge.main(["--store", str(tmp_path / "store"), "--queries", str(tmp_path / "none.jsonl"),
                             "--out", str(tmp_path / "w.json")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "none.jsonl" in err[0]
    assert not (tmp_path / "w.json").exists()


@pytest.mark.slow
def test_training_on_the_smoke_split_reports_held_out_figures_and_writes_only_if_they_beat_the_hand_score(tmp_path, capsys):
    data = require_benchmark("smoke_corpus.jsonl", "smoke_queries.jsonl")
    out = tmp_path / "weights.json"
    code = train_judge.main(["--store", str(tmp_path / "store"), "--queries", str(data / "smoke_queries.jsonl"),
                             "--corpus", str(data / "smoke_corpus.jsonl"), "--out", str(out)])
    report = json.loads(capsys.readouterr().out)
    assert report["questions"] > 10 and report["sentences"] > 100
    beats = all(c["with_judge_first_answers"] > c["hand_score_first_answers"] for c in report["held_out"])
    assert code == (0 if beats else 1) and out.exists() == beats
    if beats:
        assert len(load_judge(out).weights) == len(SCALAR_FEATURES) + MODEL_DIMENSIONS
