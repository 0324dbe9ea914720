"""Honest labels: a speaker is a name or a named role, and a label says only what the record knows.

Pure functions, no model. Each rule is one test over sentences written for it (none of them from
the sample corpus), so a rule that only works on the stories citebot ships with fails here.
"""

import pytest

from bot.engine.answer import Answer, Citation, SourceRef
from bot.engine.attribution import Attribution, attribute, is_title_word
from bot.engine.provenance import full_speaker_names
from bot.engine.render import citation_label, citation_line
from bot.discord.format import answer_pages
from vectorstore.records import Passage


def claim_by(sentence: str) -> str | None:
    got = attribute(sentence)
    return got.speaker if got.kind == "claim" else None


# -- who is a speaker -------------------------------------------------------------------------
@pytest.mark.parametrize(("sentence", "speaker"), [
    ("The harbour master said the ferry had left at noon.", "the harbour master"),
    ("The ferry had left at noon, the lock keeper said.", "the lock keeper"),
    ("“It left at noon,” said the harbour master.", "the harbour master"),
    ("The city’s chief engineer said the bridge would reopen in May.", "the city’s chief engineer"),
    ("The head of the port authority said the quay was shut.", "the head of the port authority"),
])
def test_a_lowercase_role_before_a_reporting_verb_is_a_claim_by_that_role(sentence, speaker):
    assert claim_by(sentence) == speaker


@pytest.mark.parametrize(("sentence", "speaker"), [
    ("Belarus' leader said the border would stay closed.", "Belarus' leader"),
    ("Chile’s president said the border would stay closed.", "Chile’s president"),
    ("The country’s leader said the border would stay closed.", "the country’s leader"),
])
def test_a_role_owned_by_a_name_is_a_named_role(sentence, speaker):
    assert claim_by(sentence) == speaker


@pytest.mark.parametrize("sentence", [
    "Leader said the border would stay closed.",
    "Spokesperson said the border would stay closed.",
    "The border would stay closed, minister said.",
])
def test_a_bare_singular_role_names_no_one_so_the_sentence_is_a_report(sentence):
    assert attribute(sentence).kind == "report"


def test_an_indefinite_role_keeps_its_article():
    assert claim_by("According to a spokesperson, the border would stay closed.") == "a spokesperson"


@pytest.mark.parametrize(("sentence", "speaker"), [
    ("Police said the road would reopen on Friday.", "police"),
    ("Paramedics said the road would reopen on Friday.", "paramedics"),
    ("Economists said the road would reopen on Friday.", "economists"),
])
def test_a_group_at_the_start_of_a_sentence_is_lowercased(sentence, speaker):
    assert claim_by(sentence) == speaker


@pytest.mark.parametrize(("sentence", "speaker"), [
    ("Chilean President Gabriel Boric said the copper mine would reopen.", "Gabriel Boric"),
    ("Dutch Foreign Minister Hanke Bruins Slot said the copper mine would reopen.", "Hanke Bruins Slot"),
    ("Mayor Ana Ruiz said the copper mine would reopen.", "Ana Ruiz"),
    ("Attorney General Merrick Garland said the copper mine would reopen.", "Merrick Garland"),
    ("Dr. Maria Costa said the copper mine would reopen.", "Maria Costa"),
    ("Kenya's interior minister Kithure Kindiki said the copper mine would reopen.", "Kithure Kindiki"),
])
def test_titles_and_nationalities_before_a_full_name_are_dropped(sentence, speaker):
    assert claim_by(sentence) == speaker


@pytest.mark.parametrize(("sentence", "speaker"), [
    ("Dr Browning said the copper mine would reopen.", "Dr Browning"),
    ("Thai Prime Minister Srettha said the copper mine would reopen.", "Prime Minister Srettha"),
])
def test_a_surname_alone_keeps_its_title(sentence, speaker):
    assert claim_by(sentence) == speaker


def test_a_name_with_particles_is_one_name():
    assert claim_by("Commission President Ursula von der Leyen said the talks would resume.") == "Ursula von der Leyen"


@pytest.mark.parametrize(("sentence", "speaker"), [
    ("General Motors said the plant would reopen.", "General Motors"),
    ("Police Scotland said the road would reopen.", "Police Scotland"),
    ("The Justice Department said the inquiry would reopen.", "Justice Department"),
])
def test_an_institution_whose_name_starts_with_a_title_keeps_its_name(sentence, speaker):
    assert claim_by(sentence) == speaker


@pytest.mark.parametrize(("sentence", "speaker"), [
    ("But the minister said the plan was sound.", "the minister"),
    ("The vote was close, and then officials said it was void.", "officials"),
])
def test_glue_words_before_the_subject_are_not_part_of_the_speaker(sentence, speaker):
    assert claim_by(sentence) == speaker


def test_a_possessive_apostrophe_is_not_a_closing_quote():
    # "'" after "Belarus" is not the end of a quotation followed by its speaker ("leader")
    assert claim_by("Belarus' leader told reporters the border would stay closed.") == "Belarus' leader"


def test_the_speaker_of_a_reporting_verb_wins_over_the_outlet_that_carried_it():
    sentence = "According to the state news agency Prensa, the president said the harbour was mined."
    assert claim_by(sentence) == "the president"


def test_the_listener_after_told_is_not_the_speaker():
    sentence = "“The harbour was mined,” a fisherman from the north coast, who asked not to be named, told Coast Radio."
    assert claim_by(sentence) != "Coast Radio"


def test_a_speaker_named_after_an_inverted_verb_is_found():
    assert claim_by("The harbour was mined, said a port official.") == "port official"


@pytest.mark.parametrize("word", ["Chilean", "Dutch", "Thai", "Kenyan", "President", "Governor", "Dr."])
def test_nationalities_titles_and_honorifics_are_not_first_names(word):
    assert is_title_word(word)


@pytest.mark.parametrize("word", ["Gabriel", "Adrian", "Rishi", "Christian"])
def test_first_names_that_look_like_adjectives_are_still_first_names(word):
    assert not is_title_word(word)


def _passage(text: str) -> Passage:
    return Passage("c1", "doc-1", text, 0, len(text), 0.9)


def _claim(speaker: str, quote: str = "Boric said the mine would reopen.") -> Citation:
    return Citation(1, quote, "doc-1", 0, len(quote), "T", "Andes Daily", "", "2024-05-02", "https://a.example/x", 0.9,
                    kind="claim", speaker=speaker)


def test_a_surname_is_completed_from_the_article_but_not_with_a_nationality():
    answer = Answer("q", abstained=False, citations=[_claim("Boric")], sources=[])
    named = full_speaker_names(answer, [_passage("The Chilean Boric spoke first. Later Gabriel Boric said more.")])
    assert named.citations[0].speaker == "Gabriel Boric"
    answer = Answer("q", abstained=False, citations=[_claim("Boric")], sources=[])
    assert full_speaker_names(answer, [_passage("The Chilean Boric spoke first.")]).citations[0].speaker == "Boric"


@pytest.mark.parametrize(("sentence", "speaker"), [
    ("Its managing director, Ilse Varga, said the route had lost money.", "Ilse Varga"),
    ("The trust's chief nurse, Helen Arden, told a briefing that the ward was short.", "Helen Arden"),
    ("The council's director of finance, Owen Tamm, said the cuts were needed.", "Owen Tamm"),
])
def test_a_lowercase_job_set_off_before_a_name_makes_the_name_the_speaker(sentence, speaker):
    assert claim_by(sentence) == speaker


# -- a sentence that goes on with the last speaker ---------------------------------------------
NAMED = "Harbour master Ruth Okonjo said the quay would close for repairs."


@pytest.mark.parametrize("sentence", [
    "“We cannot keep patching a wall that is older than the lighthouse.”",
    "She said the work would take most of the winter.",
    "“It will take most of the winter,” she added.",
])
def test_a_sentence_that_names_no_one_but_goes_on_with_the_last_speaker_is_theirs(sentence):
    assert attribute(sentence).kind == "report"  # alone, it names no one
    got = attribute(sentence, (NAMED,))
    assert (got.kind, got.speaker) == ("claim", "Ruth Okonjo")


def test_a_quotation_running_over_two_sentences_keeps_its_speaker():
    got = attribute("“The boats will have to use the north slip.”", ("“It is unsafe.”", NAMED))
    assert (got.kind, got.speaker) == ("claim", "Ruth Okonjo")


def test_a_plain_sentence_after_a_claim_is_not_given_its_speaker():
    assert attribute("The quay was built in 1884.", (NAMED,)).kind == "report"


# -- what a label says ------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "speaker", "outlet", "date", "label"), [
    ("claim", "Putin", "Harbor Wire", "2024-03-23", "Claim by Putin, reported by Harbor Wire on 2024-03-23"),
    ("claim", "Putin", "Harbor Wire", "", "Claim by Putin, reported by Harbor Wire"),
    ("claim", "Putin", "", "2024-03-23", "Claim by Putin, reported on 2024-03-23"),
    ("claim", "Putin", "", "", "Claim by Putin"),
    ("dispute", "Kyiv", "", "", "Dispute by Kyiv"),
    ("dispute", "", "", "", "Dispute"),
    ("report", "", "Harbor Wire", "2024-03-23", "Reported by Harbor Wire on 2024-03-23"),
    ("report", "", "", "2024-03-23", "Reported on 2024-03-23"),
    ("report", "", "", "", "Reported"),
])
def test_a_label_names_only_what_the_record_knows(kind, speaker, outlet, date, label):
    assert citation_label(kind, speaker, outlet, date) == label


def test_a_label_never_stands_in_for_a_missing_outlet_or_date():
    labels = [citation_label(k, s, "", "") for k in ("claim", "dispute", "report") for s in ("", "Putin")]
    assert not any("the source" in label or "undated" in label or "reported by" in label for label in labels)


def test_a_quote_with_no_outlet_or_date_reads_naturally_in_the_terminal_and_on_discord():
    quote = "Putin said the attackers had tried to reach Ukraine."
    citation = Citation(1, quote, "doc-1", 0, len(quote), "T", "", "", "", "", 0.9, kind="claim", speaker="Putin")
    assert citation_line(citation) == f"• Claim by Putin: \u201c{quote}\u201d [1]"
    answer = Answer("q", abstained=False, citations=[citation], sources=[SourceRef(1, "doc-1", "T", "", "", "", "")])
    assert "**Claim by Putin:**" in answer_pages(answer)[0].embeds[0]["description"]


@pytest.mark.parametrize("sentence", [
    "The club's new owner has disputed reports that his group paid £18.5 million for the ground.",
    "The harbour board disputes the campaigners' figure of 300 lost moorings.",
])
def test_a_sentence_that_disputes_a_claim_is_a_dispute(sentence):
    assert attribute(sentence).kind == "dispute"


def test_a_courtesy_title_and_surname_become_the_full_name_the_article_gives():
    answer = Answer("q", abstained=False, citations=[_claim("Mr Pryce"), _claim("Dr Tulloch")], sources=[])
    article = _passage("Gordon Pryce runs the ferries. The island's doctor, Dr Hamish Tulloch, was worried.")
    assert [c.speaker for c in full_speaker_names(answer, [article]).citations] == ["Gordon Pryce", "Dr Hamish Tulloch"]


def test_a_title_and_surname_the_article_never_gives_in_full_stay_as_they_are():
    answer = Answer("q", abstained=False, citations=[_claim("Mr Pryce"), _claim("Prime Minister Srettha")], sources=[])
    article = _passage("Mr Pryce runs the ferries. Prime Minister Srettha spoke.")
    assert [c.speaker for c in full_speaker_names(answer, [article]).citations] == ["Mr Pryce", "Prime Minister Srettha"]


@pytest.mark.parametrize("sentence", [
    "The Linnet Wing, built on the hospice's former staff car park, adds eight single en-suite bedrooms to the eight beds.",
    "The council added a new route to the timetable.",
    "The extension adds 40 beds.",
])
def test_adding_things_is_not_reporting(sentence):
    assert (attribute(sentence).kind, attribute(sentence).speaker) == ("report", "")


@pytest.mark.parametrize("sentence", ["The mayor added that the bridge would reopen.", "The mayor added the bridge would reopen in May.",
                                      '"It is over," the mayor added.'])
def test_adding_words_is_still_reporting(sentence):
    assert (attribute(sentence).kind, attribute(sentence).speaker) == ("claim", "the mayor")


@pytest.mark.parametrize("sentence", [
    "Engineers have warned that one more big swell could undermine the clubhouse's foundations.",
    "He was denied bail and will appear again on Monday.",
    "Councillors rejected the planning application by six votes to three.",
    "Firefighters were called to a false alarm at the school.",
    "A false start moved the Bears back five yards.",
])
def test_a_court_a_council_or_the_sea_disputes_no_claim(sentence):
    assert attribute(sentence).kind != "dispute"


@pytest.mark.parametrize("sentence", [
    "Ukraine has denied any involvement in the attack.",
    "The co-op rejected the union's figure as wildly inaccurate.",
    "The data undermines the mayor's claim.",
    "The indictment calls his tweets “false and misleading.”",
    "She detailed the false harassment accusations filed against her.",
])
def test_denials_rebuttals_and_falsehoods_are_still_disputes(sentence):
    assert attribute(sentence).kind == "dispute"


@pytest.mark.parametrize("sentence", [
    '"We were promised a diversion route and nothing has been built," said its chair, Tomasz Wielgosz.',
    '"We were promised a diversion route and nothing has been built," its chair, Tomasz Wielgosz, said.',
])
def test_a_job_set_off_before_the_name_after_a_quotation_names_the_speaker(sentence):
    assert attribute(sentence) == Attribution("claim", "Tomasz Wielgosz")
