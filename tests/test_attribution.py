"""Who said it: labels for quoted sentences, and how a cited line names speaker, outlet and date.

Pure functions, no model: the sentences here are written for the tests, in the shapes news
copy uses ("X said ...", "according to X", quote then speaker, speaker after a title).
"""

import pytest

from bot.engine.answer import Citation
from bot.engine.attribution import attribute
from bot.engine.render import citation_line


@pytest.mark.parametrize(
    ("sentence", "kind", "speaker"),
    [
        ("Putin said the men had been driving toward Ukraine.", "claim", "Putin"),
        ("President Vladimir Putin said the border crossing had been prepared.", "claim", "Vladimir Putin"),
        ("The convoy was heading south, according to the Institute for the Study of War.", "claim", "Institute for the Study of War"),
        ("According to ISW, the Kremlin keeps blaming its neighbour.", "claim", "ISW"),
        ("Rainfall has been half the average, according to the board's chief engineer, Tobias Ferrant.", "claim", "Tobias Ferrant"),
        ("“They were fleeing to the border,” Putin said.", "claim", "Putin"),
        ("“The road was closed that night,” said Kremlin spokesman Dmitry Peskov.", "claim", "Dmitry Peskov"),
        ("Foreign Ministry spokeswoman Maria Zakharova accused the West of covering for Kyiv.", "claim", "Maria Zakharova"),
        ("The Institute for the Study of War, a research group, assessed that the story served Moscow.", "claim", "Institute for the Study of War"),
        ("Three people were treated in hospital, health officials said.", "claim", "health officials"),
        ("Russian state television repeated the accusation on Sunday.", "claim", "Russian state television"),
    ],
)
def test_claims_name_their_speaker(sentence, kind, speaker):
    got = attribute(sentence)
    assert (got.kind, got.speaker) == (kind, speaker)


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("Ukrainian officials rejected any link to the shooting.", "Ukrainian officials"),
        ("Kyiv said it had nothing to do with the attack.", "Kyiv"),
        ("No credible evidence of a Ukrainian role has been published.", ""),
        ("Moscow has not released any proof of the escape route.", ""),
        ("“That is false,” a Ukrainian official said.", "Ukrainian official"),
    ],
)
def test_denials_and_missing_evidence_are_disputes(sentence, speaker):
    got = attribute(sentence)
    assert (got.kind, got.speaker) == ("dispute", speaker)


@pytest.mark.parametrize(
    "sentence",
    ["The concert hall burned for hours after the shooting.", "He said nothing more.", "The river rose overnight."],
)
def test_plain_statements_are_reports(sentence):
    assert attribute(sentence).kind == "report"


def _citation(kind: str, speaker: str, published_at: str = "2024-03-23") -> Citation:
    quote = "Putin said the attackers had tried to reach Ukraine."
    return Citation(
        n=2, quote=quote, document_id="doc-1", start=0, end=len(quote), title="T", outlet="Harbor Wire",
        author="", published_at=published_at, url="https://news.example.org/a", score=0.5, kind=kind, speaker=speaker,
    )


def test_claim_line_names_speaker_outlet_and_date_and_quotes_verbatim():
    line = citation_line(_citation("claim", "Vladimir Putin"))
    assert line == (
        "• Claim by Vladimir Putin, reported by Harbor Wire on 2024-03-23: "
        "“Putin said the attackers had tried to reach Ukraine.” [2]"
    )


def test_dispute_and_report_lines_say_who_carried_them():
    assert citation_line(_citation("dispute", "")).startswith("• Dispute, reported by Harbor Wire on 2024-03-23: “")
    assert citation_line(_citation("dispute", "Kyiv")).startswith("• Dispute by Kyiv, reported by Harbor Wire on 2024-03-23: “")
    # an unknown date is left out of the label (the Sources list says "undated"), not spelled "(undated)"
    assert citation_line(_citation("report", "", published_at="")).startswith("• Reported by Harbor Wire: “")
