"""Sentence vectors stored at ingest: answers embed only the question, and still quote the right things."""

import numpy as np
import pytest

from bot.engine.answer import CONFLICT_NOTE
from bot.library import Citebot
from bot.engine.render import render_answer
from ingest.text import decode_spans
from tests.conftest import CANONICAL_QUESTION, SAMPLE_CORPUS, make_settings
from vectorstore import sentence_vectors


class CountingEmbedder:
    """The real ONNX model behind a pass-through recorder (nothing is faked): which texts reach it?"""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name
        self.texts: list[str] = []

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed_documents(self, texts):
        self.texts += texts
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        return self.embed_documents([text])[0]

    def embed_with_sentences(self, texts, spans):
        return self.inner.embed_with_sentences(texts, spans)


@pytest.fixture(scope="session")
def onnx_home(tmp_path_factory, make_onnx):
    home = tmp_path_factory.mktemp("onnx-sample-home")
    report = Citebot(make_settings(home), embedder=make_onnx()).ingest([str(SAMPLE_CORPUS)])
    assert not report.failed
    return home


def _stored(bot):
    """(chunk text, sentence spans, pooled vectors, alone vectors) of every stored chunk."""
    for _, text, meta in bot.store.iter_chunks():
        spans = decode_spans(meta.get("sentences", ""), len(text))
        yield text, spans, *sentence_vectors.decode_pairs(meta.get("sentence_vectors", ""), len(spans or []))


FIRST = "The ferry Zephyrine ran aground near the harbour pier early on Monday morning."
SECOND = "Quarterly profits at the chip maker doubled on strong demand for graphics processors."


def _two_sentence_article(tmp_path, model, with_header: bool):
    """The one stored chunk of a two-sentence article: (text, spans, pooled, alone)."""
    from tests.test_hybrid_retrieval import _article

    _article(tmp_path / "a.md", "Weekend weather outlook for the northern valleys and mountain passes", "Coast Daily",
             f"{FIRST} {SECOND}")
    bot = Citebot(make_settings(tmp_path / "home", embed_article_context=with_header), embedder=model)
    bot.ingest([str(tmp_path / "a.md")])
    [stored] = list(_stored(bot))
    return stored


@pytest.mark.parametrize("with_header", [False, True], ids=["chunk only", "title/outlet/date header first"])
def test_each_sentence_vector_is_pooled_from_that_sentence(tmp_path, make_onnx, with_header):
    """Pooled in context, each sentence's vector is still nearer that sentence embedded alone than
    its neighbour's: spans and tokens line up, also when a header precedes the chunk for the model."""
    model = make_onnx()
    text, spans, vectors, _ = _two_sentence_article(tmp_path, model, with_header)
    assert [text[s:e] for s, e in spans] == [FIRST, SECOND]
    alone = model.embed_documents([FIRST, SECOND])
    similarity = np.vstack(vectors) @ alone.T
    assert similarity[0, 0] > similarity[0, 1] and similarity[1, 1] > similarity[1, 0]


def test_each_sentence_is_also_stored_as_embedded_alone(tmp_path, make_onnx):
    model = make_onnx()
    _, _, pooled, alone = _two_sentence_article(tmp_path, model, with_header=True)
    expected = model.embed_documents([FIRST, SECOND])
    assert [round(float(v @ e), 2) for v, e in zip(alone, expected)] == [1.0, 1.0]  # int8-stored, so to 2 places
    assert all(float(p @ e) < 0.99 for p, e in zip(pooled, expected))  # the pooled ones are a different view


def test_a_sentence_scores_the_better_of_its_meaning_in_context_and_alone(onnx_home, make_onnx):
    """Each view loses some sentences the other keeps (sentence_vectors.py); neither is thrown away."""
    from bot.engine.candidates import score_candidates

    bot = Citebot(make_settings(onnx_home), embedder=make_onnx())
    question = "Where were the suspects arrested?"
    passages = bot.retrieve(question)
    q = bot.embedder.embed_query(question)
    scored = [c for c in score_candidates(question, passages, bot.embedder, question_vector=q) if c.vector is not None]
    assert scored and all(c.pooled is not None and c.alone is not None for c in scored)
    assert all(abs(c.sim - max(float(c.pooled @ q), float(c.alone @ q))) < 1e-6 for c in scored)
    assert any(c.alone @ q > c.pooled @ q for c in scored) and any(c.pooled @ q > c.alone @ q for c in scored)


def test_answering_embeds_only_the_question(onnx_home, make_onnx):
    model = CountingEmbedder(make_onnx())
    bot = Citebot(make_settings(onnx_home), embedder=model)
    answer = bot.ask(CANONICAL_QUESTION)
    assert not answer.abstained
    assert set(model.texts) <= {CANONICAL_QUESTION}  # the question (and its parts, if any); no sentence


def test_the_canonical_answer_from_stored_sentence_vectors_shows_who_claimed_what(onnx_home, make_onnx):
    answer = Citebot(make_settings(onnx_home), embedder=make_onnx()).ask(CANONICAL_QUESTION)
    quotes = " ".join(c.quote for c in answer.citations)
    assert "Ukraine–Russia border" in quotes and "arrested inside Russia" in quotes
    assert any(c.kind == "claim" and "Putin" in c.speaker for c in answer.citations)
    assert any(c.kind == "claim" and "Lukashenko" in c.speaker for c in answer.citations)
    assert answer.conflict and render_answer(answer).startswith(CONFLICT_NOTE)


def test_chunks_stored_without_sentence_vectors_are_answered_by_embedding_them(sample_home, embedder):
    """The sentence-transformers backend (and stores written before this) pool nothing; the
    answer engine then embeds the candidate sentences at question time, as before."""
    model = CountingEmbedder(embedder)
    bot = Citebot(make_settings(sample_home), embedder=model)
    assert all(not pooled and not alone for _, _, pooled, alone in _stored(bot))
    answer = bot.ask(CANONICAL_QUESTION)
    assert not answer.abstained
    assert {c.quote for c in answer.citations} <= set(model.texts)  # every quoted sentence was embedded


def test_paired_vectors_come_back_as_the_pooled_and_the_alone_ones():
    rng = np.random.default_rng(1)
    pooled, alone = ([v / np.linalg.norm(v) for v in rng.normal(size=(2, 384)).astype(np.float32)] for _ in range(2))
    back_pooled, back_alone = sentence_vectors.decode_pairs(sentence_vectors.encode_pairs(pooled, alone), 2)
    assert [round(float(a @ b), 2) for a, b in zip(back_pooled + back_alone, pooled + alone)] == [1.0] * 4
    assert sentence_vectors.decode_pairs(sentence_vectors.encode(pooled), 2)[1] == []  # stores from before pairs
    assert sentence_vectors.decode(sentence_vectors.encode_pairs(pooled, alone), 2) == []  # not misread as one list


def test_encoded_vectors_come_back_as_unit_vectors_in_span_order():
    rng = np.random.default_rng(0)
    vectors = [v / np.linalg.norm(v) for v in rng.normal(size=(3, 384)).astype(np.float32)]
    blob = sentence_vectors.encode([vectors[0], None, vectors[2]])
    back = sentence_vectors.decode(blob, 3)
    assert back[1] is None
    assert float(back[0] @ vectors[0]) > 0.999 and float(back[2] @ vectors[2]) > 0.999
    assert abs(float(np.linalg.norm(back[2])) - 1.0) < 1e-5


@pytest.mark.parametrize("blob, count", [
    ("", 3), ("q8/384:not base64!", 3), ("q8/x:AAAA", 1), ("x9/4:AAAA", 1),
    (sentence_vectors.encode([np.ones(4) / 2]), 2),  # one vector stored, two sentences expected
])
def test_unreadable_or_mismatched_vectors_are_ignored_not_guessed(blob, count):
    assert sentence_vectors.decode(blob, count) == []


def test_a_sentence_cut_off_by_the_model_window_gets_no_vector():
    hidden = np.ones((4, 2), dtype=np.float32)
    offsets = [(0, 0), (0, 5), (6, 10), (0, 0)]  # [CLS] two tokens [SEP]: the model read up to char 10
    assert sentence_vectors.pool_spans(hidden, offsets, [(0, 10), (11, 30)])[1] is None
    assert sentence_vectors.pool_spans(hidden, offsets, [(0, 10)])[0] is not None


def test_with_sentence_vectors_off_nothing_extra_is_stored_and_answers_still_quote(tmp_path, make_onnx):
    model = CountingEmbedder(make_onnx())
    bot = Citebot(make_settings(tmp_path, store_sentence_vectors=False), embedder=model)
    bot.ingest([str(SAMPLE_CORPUS)])
    assert all(not meta.get("sentence_vectors") for _, _, meta in bot.store.iter_chunks())
    model.texts.clear()
    answer = bot.ask(CANONICAL_QUESTION)
    assert not answer.abstained
    assert {c.quote for c in answer.citations} <= set(model.texts)  # embedded at question time
