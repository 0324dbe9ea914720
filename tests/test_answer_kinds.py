"""What a typed question asks for (bot/engine/evidence.py): plain checks on a sentence's own text."""

from __future__ import annotations

from bot.engine.evidence import asked_act, date_precision, holds_act, holds_answer_kind, names_someone_new, names_the_one_asked_about
from bot.engine.subject import question_names


def test_a_count_question_is_answered_by_a_sentence_with_a_number_in_digits_or_words():
    assert holds_answer_kind("The fire has burned 4,200 hectares.", "count", "How much land has burned?")
    assert holds_answer_kind("Two firefighters were hurt.", "count", "How many were hurt?")
    assert not holds_answer_kind("Firefighters were hurt.", "count", "How many were hurt?")


def test_a_count_question_is_not_answered_by_the_number_it_holds_itself():
    question = "How many people died in the flood of 1998?"
    assert not holds_answer_kind("Older residents still talk about the flood of 1998.", "count", question)
    assert holds_answer_kind("Four people died in the flood of 1998.", "count", question)


def test_a_who_question_asks_about_its_act_which_a_sentence_holds_as_the_verb_or_its_doer():
    assert asked_act("Who owns Thornfield Common?") == frozenset({"owns"})
    assert asked_act("Who is the mayor of Eastbank?") == frozenset()
    assert holds_act(frozenset("the diocese owns part of the site".split()), asked_act("Who owns the site?"))
    assert holds_act(frozenset("owner dimitri kostas said".split()), asked_act("Who owns the kiosk?"))
    assert not holds_act(frozenset("a fire tore across thornfield common".split()), asked_act("Who owns Thornfield Common?"))


def test_a_span_of_time_counts_only_for_a_question_about_time():
    assert not holds_answer_kind("Putin spoke three days after the shooting.", "count", "How many people died?")
    assert not holds_answer_kind("The 45-day consultation began.", "count", "How many staff will go?")
    assert holds_answer_kind("The road was shut for 11 years.", "count", "How many years was the road shut?")
    assert holds_answer_kind("About 1,800 workers walked out for three days.", "count", "How many workers walked out?")


def test_a_year_in_a_question_names_its_story_as_a_name_does_but_a_sum_or_count_does_not():
    assert question_names("How many people died in the flood of 1998?") == frozenset({"1998"})
    assert question_names("How many of the 1,998 seats were filled?") == frozenset()
    assert question_names("Was the £2019 fee refunded?") == frozenset()


def test_a_date_to_the_day_or_hour_is_more_exact_than_a_month_weekday_or_year_and_those_than_a_season():
    day = ["The ban will come into force on 1 June.", "He will be sentenced on 20 February.",
           "Residents went home at 11am on Sunday.", "It will not reopen until February 2026."]
    loose = ["The leak ran for nine days in April.", "The dam was built in 1931.", "He was convicted on Friday.",
             "Hosepipes will be barred next month.", "They were detained several hours after the shooting."]
    assert [date_precision(s) for s in day] == [2, 2, 2, 2]
    assert [date_precision(s) for s in loose] == [1, 1, 1, 1, 1]
    assert date_precision("It was the driest spring in memory.") == 0


def test_a_when_question_needs_a_date_and_a_where_question_a_place():
    assert holds_answer_kind("The mine will reopen in March.", "date", "When will the mine reopen?")
    assert not holds_answer_kind("The mine will reopen soon.", "date", "When will the mine reopen?")
    assert holds_answer_kind("Four men were detained several hours after the shooting.", "date", "When were they arrested?")
    assert holds_answer_kind("They were arrested near Bryansk.", "place", "Where were they arrested?")


def test_a_name_already_in_the_question_is_not_someone_new_possessive_included():
    question = "Who is Port Ellery's harbour master?"
    assert not names_someone_new("The harbour board of Port Ellery voted on Thursday.", question)
    assert names_someone_new("The fee will rise, harbour master Ruth Okonjo said.", question)


def test_a_sentence_opening_with_a_capitalised_common_word_names_no_one():
    assert not names_someone_new("Officials said the bridge would close.", "Who closed the bridge?")


def test_the_holder_of_the_asked_role_stands_beside_the_role_words():
    assert names_the_one_asked_about("The fee will rise from 1 March, harbour master Ruth Okonjo told a meeting.",
                                     "Who is Port Ellery's harbour master?")
    assert names_the_one_asked_about("Its chair, Denis Marlow, said the survey was wrong.", "Who chairs the cooperative?")
    assert names_the_one_asked_about("Board chief executive Martin Sayer said the unit was unsafe.",
                                     "Who is the chief executive of the health board?")


def test_a_name_far_from_the_role_words_or_beside_another_name_is_not_the_holder():
    question = "Who is Port Ellery's harbour master?"
    assert not names_the_one_asked_about("The harbour master said few boats would leave for Carrow Bay.", question)
    assert not names_the_one_asked_about("The Port Ellery Fishermen's Cooperative disputed the estimate.", question)


def test_a_share_or_percentage_question_asks_for_a_figure_and_a_by_what_date_one_for_a_date():
    from vectorstore.query_analysis import answer_kind

    assert answer_kind("What proportion of residents opposed the plan?") == "count"
    assert answer_kind("What percentage of homes flooded?") == "count"
    assert answer_kind("By what date must objections be made?") == "date"
    assert answer_kind("What is the share price doing?") == "other"  # "share" alone is no figure


def test_a_street_or_a_named_place_word_is_a_place_but_a_weekday_is_not():
    question = "Where will the depot be built?"
    assert holds_answer_kind("The new depot on Harrow Lane will hold 40 buses.", "place", question)
    assert holds_answer_kind("Ivo Brandt, 61, of Sorrel Avenue, pleaded guilty.", "place", question)
    assert not holds_answer_kind("The depot will open on Monday, the council said.", "place", question)


def test_a_named_building_or_landmark_is_a_place():
    question = "Where did the protesters gather?"
    assert holds_answer_kind("About 200 people gathered on the steps of the Civic Centre.", "place", question)
    assert holds_answer_kind("The march ended beside the old Corn Market.", "place", question)
    assert not holds_answer_kind("About 200 people gathered before the vote.", "place", question)


def test_a_why_question_asks_for_a_reason_which_a_sentence_gives_with_a_causal_word():
    from vectorstore.query_analysis import answer_kind
    for question in ("Why was the route cut?", "What reason does the operator give?", "What caused the spill?",
                     "How does the trust explain the weaker grades?"):
        assert answer_kind(question) == "reason", question
    assert answer_kind("What did the operator say?") == "other"
    assert holds_answer_kind("The route was cut because the subsidy ended.", "reason", "Why was the route cut?")
    assert holds_answer_kind("The operator blamed falling passenger numbers.", "reason", "Why was the route cut?")
    assert not holds_answer_kind("The route ran hourly.", "reason", "Why was the route cut?")


def test_the_doer_of_the_asked_act_is_the_surest_holder_even_opening_the_sentence():
    from bot.engine.evidence import ACT_HOLDER, ROLE_HOLDER

    question = "Who owns the kiosk beside the surf club?"
    assert names_the_one_asked_about("Owner Dimitri Kostas said takings had fallen.", question) == ACT_HOLDER
    assert names_the_one_asked_about("The chamber's president, Anita Rowe, said the kiosk was the first to close.",
                                     question) == ROLE_HOLDER
    assert names_the_one_asked_about("Group leader Anna Pike said no.", "Who leads the group?") == ACT_HOLDER


def test_a_word_right_after_a_name_names_a_thing_not_its_holder():
    question = "Who owns the kiosk beside the surf club?"
    assert not names_the_one_asked_about("The Salty Pelican kiosk closed its shutters on Wednesday.", question)
    assert names_the_one_asked_about("Denis Marlow chairs the board, which met on Monday.", "Who chairs the board?")


def test_a_capitalised_word_of_the_question_opening_the_sentence_is_no_role_unless_it_is_the_act():
    question = "Who signed off the district council's accounts?"
    assert not names_the_one_asked_about("Council leader Fiona Marsh said residents had been let down.", question)


def test_a_question_of_how_much_money_is_answered_by_a_sum_not_by_any_figure():
    question = "How much did the new timber staircase cost?"
    assert not holds_answer_kind("A new timber staircase was built about 400 metres south.", "count", question)
    for sentence in ("The staircase cost £18,000.", "It cost $11.6M.", "The club will lend it 45 million.",
                     "Fares rose by 40 euros.", "A 50p charge applies."):
        assert holds_answer_kind(sentence, "count", question), sentence


def test_a_question_of_how_much_of_something_else_takes_any_figure():
    assert holds_answer_kind("Fire has burned 4,200 hectares.", "count", "How much land has burned?")
    assert holds_answer_kind("The detour adds 40 minutes each way.", "count", "How much time does the detour add?")


def test_what_fine_or_fee_asks_for_a_sum():
    from bot.engine.evidence import asks_for_money
    from vectorstore.query_analysis import answer_kind

    for question in ("What fine can a hosepipe ban carry?", "What fee will the council charge?", "What rent does the kiosk pay?"):
        assert answer_kind(question) == "count" and asks_for_money(question), question
    assert answer_kind("What finer points did the report raise?") == "other"


def test_who_runs_or_leads_asks_for_the_top_post_and_the_acts_own_doer_is_surer_still():
    from bot.engine.evidence import ACT_HOLDER, POST_HOLDER

    assert names_the_one_asked_about("Chief executive Dr Alison Fairbairn said the wing was full.",
                                     "Who runs St Ebba's Hospice?") == POST_HOLDER
    assert names_the_one_asked_about("Its chief executive, Richard Baines, said the cohort was strong.",
                                     "Who leads the learning trust?") == POST_HOLDER
    question = "Who manages Castlegate Rovers?"
    assert names_the_one_asked_about("The manager, Kev Aldous, said players had been told.", question) == ACT_HOLDER
    assert names_the_one_asked_about("The club's chief executive, Lorna Beckett, said the deal was done.", question) == POST_HOLDER
    assert not names_the_one_asked_about("Chief executive Dr Alison Fairbairn said the wing was full.",
                                         "Who designed St Ebba's Hospice?")


def test_a_sum_in_words_or_free_answers_a_question_of_money():
    question = "How much does entry to the new museum gallery cost?"
    assert holds_answer_kind("Entry costs four pounds for adults and is free for children.", "count", question)
    assert holds_answer_kind("Entry is free until May.", "count", question)


def test_who_is_the_post_is_answered_by_the_whole_post_beside_a_name():
    from bot.engine.evidence import ACT_HOLDER, asked_post

    assert asked_post("Who is the hospital trust's chief nurse?") == ["chief", "nurse"]
    question = "Who is the harbour master at Holmcastle?"
    assert names_the_one_asked_about('"I was not prepared," the harbour master, Ruth Penhallow, said.', question) == ACT_HOLDER
    assert names_the_one_asked_about("Mayor Sofia Brandt called the vote historic.", "Who is the mayor of Eastbank?") == ACT_HOLDER
    assert not names_the_one_asked_about("Anwen Trask, the councillor who chairs the harbour committee, said no.", question)
