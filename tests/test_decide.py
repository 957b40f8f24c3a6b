"""Unit tests of the decide stage on tiny inline data: the made-up record of
tests/data/other_visit with a language file of a few lines (tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.brain import Brain, Context
from bot.brain.compose import not_among, not_mentioned
from bot.brain.decide import Case, Redirect, _asked_details, _inside, decide
from bot.brain.retrieve import rank
from knowledge.loading import load_files

TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def tiny_brain(tiny_language_path: Path) -> Brain:
    return Brain(load_files(TESTS / "data" / "other_visit" / "record.yaml", tiny_language_path))


def _case(brain: Brain, question: str) -> Case:
    parsed = brain.lexicon.parse(question)
    ranked = tuple(rank(parsed, brain.topic_index, brain.lexicon))
    return Case(brain.view, parsed, (), ranked, ranked, ranked[0], 0.5, ())


def test_a_redirect_moves_the_case_and_recomputes_confidence(tiny_brain: Brain) -> None:
    case = _case(tiny_brain, "did varga get an award at the harbour palace")
    assert len(case.ranked) > 1
    other = case.ranked[1]
    moved = case.with_best(other)
    assert moved.best is other and moved.topic is other.topic
    assert case.best is not other  # the case itself is frozen, left as it was
    assert isinstance(Redirect(other).to, type(other))


def test_every_rule_decision_names_its_rule(tiny_brain: Brain) -> None:
    answer = decide(_case(tiny_brain, "how many agreements"))
    assert answer.rule and "5" in answer.text


def test_a_reply_naming_the_person_answers_who(tiny_brain: Brain) -> None:
    # the tiny record's award fact names Varga: "who got it?" is answered, never "does not
    # say who" followed by her name
    context = Context()
    tiny_brain.answer("what award", context)
    answer = tiny_brain.answer("who got it?", context)
    assert "does not say who" not in answer.text


def test_a_wrong_number_of_documents_is_corrected_first(tiny_brain: Brain) -> None:
    answer = tiny_brain.answer("why did they sign twelve agreements?")
    assert answer.rule == "wrong_count"
    assert answer.text.startswith("The record says 5 agreements were signed.")
    assert "twelve" not in answer.text
    assert tiny_brain.answer("did they sign 5 agreements?").rule != "wrong_count"


def test_a_date_the_record_rules_out_is_corrected_without_repeating_it(tiny_brain: Brain) -> None:
    answer = tiny_brain.answer("why did they sign 5 agreements on 3 May?")
    assert answer.rule == "wrong_date"
    assert answer.text.startswith("The record gives the date as 12 March.")
    assert "may" not in answer.text.lower()
    assert answer.answered
    for right in (
        "why did they sign 5 agreements on 12 March?",
        "did they march to sign 5 agreements?",
    ):
        assert tiny_brain.answer(right).rule != "wrong_date", right
    assert tiny_brain.answer("will they sign agreements in december?").rule != "wrong_date"


def test_a_future_or_a_figure_of_an_unnamed_area_is_not_said(tiny_brain: Brain) -> None:
    """The tiny record does not name railways among its agreements."""
    for question in ("will railways start?", "trains will start?"):
        answer = tiny_brain.answer(question)
        assert answer.rule == "unnamed_detail" and not answer.answered, question
        assert answer.text.startswith("The record does not say that. Railways is not among")
    for question in (
        "was there a deal on railways?",
        "railways?",
        "will they sign a railway deal?",
    ):
        answer = tiny_brain.answer(question)
        assert answer.rule != "unnamed_detail" and answer.answered, question
        assert answer.text.startswith("Railways is not among"), question


def test_who_said_a_figure_is_answered_by_the_reply_that_names_the_speaker(brain: Brain) -> None:
    """A tense inside the quoted claim ("will be") shifts dates and figures, never who."""
    answer = brain.answer("who said trade will be a billion?")
    assert answer.answered and "Sharif" in answer.text
    assert "does not say who" not in answer.text


def test_words_of_another_script_are_the_subject_when_the_record_only_sets_the_place(
    brain: Brain,
) -> None:
    answer = brain.answer("Посоветуйте хорошего адвоката в Исламабаде, пожалуйста")
    assert not answer.answered  # a lawyer in Islamabad is not the visit's place
    assert brain.answer("где проходил визит?").answered


def test_an_area_the_record_mentions_outside_the_agreements_is_not_denied(brain: Brain) -> None:
    """ "Did he say anything about education?": the record has Sharif say it; it must not
    reply "does not mention education" and then quote him saying it."""
    answer = brain.answer("Did Sharif say anything about education?")
    assert answer.answered and "education" in answer.text
    assert "does not mention" not in answer.text
    assert "does not mention" in brain.answer("will students get scholarships?").text


@pytest.mark.parametrize(
    "message",
    [
        "besides railway and transit, what else was signed?",
        "Помимо железнодорожного и транзитного направлений — что ещё?",
        "ریلوے اور بحری کے علاوہ باقی بتائیں",
    ],
)
def test_besides_named_areas_asks_for_the_others(brain: Brain, message: str) -> None:
    answer = brain.answer(message)
    assert answer.intent == "agreements_list"  # the list of named areas, not "yes, railway"


@pytest.mark.parametrize(
    "message",
    ["samundar wala nahi, baqi jo muahiday hue wo batao", "бітімгерлікті емес, басқасын айт"],
)
def test_an_area_denied_asks_for_the_others(brain: Brain, message: str) -> None:
    """ "Not the maritime one, tell me the others": the named areas, not "yes, maritime" nor
    "the rest are not described"; an area denied before another question is that question."""
    assert brain.answer(message).intent == "agreements_list"
    other = brain.answer("textile nahi to phir tijarat ka kya target rakha hai?")
    assert other.intent != "agreements_list" and "1" in other.text


def test_the_topic_index_prunes_only_topics_that_cannot_be_candidates(brain: Brain) -> None:
    from bot.brain.retrieve import TopicIndex, score

    index = TopicIndex.of(brain.topics)
    for question in ["how many deals", "who gave tokayev the award", "railway?", "когда?"]:
        parsed = brain.lexicon.parse(question)
        everyone = [t.id for t in brain.topics.values() if score(t, parsed, brain.lexicon)]
        possible = {t.id for t in index.possible(parsed.concepts)}
        assert set(everyone) <= possible < set(brain.topics)


def test_which_agreement_is_answered_by_the_area_but_which_port_is_a_detail(
    brain: Brain,
) -> None:
    assert brain.answer("which agreement covers ships?").topic == "maritime"
    assert brain.answer("which agreement covers ships?").answered
    assert not brain.answer("which port will kazakhstan use").answered


def test_which_one_is_about_an_area_is_the_deal_and_only_yes_or_no_gets_yes(brain: Brain) -> None:
    """ "Which one is about trains?": the one is a deal, answered by the area without the
    "Yes." that only a yes/no question gets; but the ones a deal covers are its contents."""
    which = brain.answer("which one is about trains?")
    assert (which.topic, which.answered) == ("railway", True)
    assert not which.text.startswith("Yes")
    assert brain.answer("was there a railway deal?").text.startswith("Yes")
    assert not brain.answer("Which ones does the mining deal cover?").answered


def test_a_premise_set_in_the_records_event_is_corrected_as_an_answer(brain: Brain) -> None:
    # someone the record does not name, in its event (its people, its place): a correction
    corrected = brain.answer("What did Imran Khan tell Tokayev at the PM House?")
    assert corrected.answered and "Sharif" in corrected.text
    assert brain.answer("why did nazarbayev come to islamabad this time?").answered
    # ... but a train to Karachi is not the record's event
    assert not brain.answer("what time does the train leave Islamabad for Karachi?").answered


def test_a_detail_the_topic_does_not_account_for_is_not_given(tiny_brain: Brain) -> None:
    """ "What route will the ferry take?": the record names the ferry deal, not its route;
    the reply says so instead of "yes"; without the detail word it is a plain yes."""
    answer = tiny_brain.answer("what route will the ferry take?")
    assert answer.rule == "asks_a_detail" and not answer.answered
    assert "route" in answer.text and "ferry" in answer.text.casefold()
    assert tiny_brain.answer("was there a ferry deal?").answered


def test_specifics_of_a_thing_named_only_in_general_are_not_given(tiny_brain: Brain) -> None:
    """ "What ferry exactly?": the record names the ferry deal by its area alone, so the
    specifics are not there; "was there a ferry deal, exactly?" asks whether, and "what kind
    of ferry deal?" is answered by the area."""
    answer = tiny_brain.answer("what ferry exactly?")
    assert answer.rule == "asks_specifics" and not answer.answered
    assert "ferry" in answer.text.casefold()  # what the record does say follows
    assert tiny_brain.answer("was there a ferry deal, exactly?").answered
    assert tiny_brain.answer("what kind of ferry deal was signed?").rule != "asks_specifics"
    # a word of saying leaves it to the words said, unless the specifics are asked for
    assert tiny_brain.answer("what ferry did they say?").rule != "asks_specifics"
    assert tiny_brain.answer("what ferry exactly did they say?").rule == "asks_specifics"


def test_what_an_agreement_named_by_its_area_contains_is_not_given(tiny_brain: Brain) -> None:
    """ "What does the ferry deal cover?", "does the ferry deal include a bridge?": the record
    names the ferry deal by its area alone, so what it contains is not there (not "yes");
    a yes/no question whose only other thing is another named area, or whose area stands
    after "include" (what is included, not what includes), asks whether, and is answered."""
    for question in ("what does the ferry deal cover?", "does the ferry deal include a bridge?"):
        answer = tiny_brain.answer(question)
        assert answer.rule == "asks_contents" and not answer.answered, question
        assert "ferry" in answer.text.casefold()  # what the record does say follows
    assert tiny_brain.answer("does the ferry deal include fishing?").rule != "asks_contents"
    assert tiny_brain.answer("did the deals include a ferry?").rule != "asks_contents"
    assert tiny_brain.answer("was the ferry included?").rule != "asks_contents"
    context = Context()
    tiny_brain.answer("was there a ferry deal?", context)
    after = tiny_brain.answer("does it cover trucks?", context)
    assert after.rule == "asks_contents" and not after.answered


def test_words_the_record_does_not_know_outnumbering_one_it_does_are_the_subject(
    brain: Brain,
) -> None:
    """ "What penalty applies for breach of a tenancy contract?": one record word (contract)
    against three it does not know: the question is about those, in any kind of question;
    a question naming two record things stays theirs, and a claim to check is checked."""
    answer = brain.answer("what penalty applies for breach of a tenancy contract")
    assert not answer.answered and "tenancy" in answer.text
    assert brain.answer("what did tokayev say about pakistans role in the region").answered
    assert brain.answer("Pakistan handed Tokayev the Tamgha-e-Basalat, right?").answered


def test_a_detail_whose_kind_the_reply_gives_is_answered(tiny_brain: Brain) -> None:
    """ "What is the cost of the tourism target?": a detail implying "how much" is given by
    a reply with a figure; far from the question word, a detail word is not what is asked."""
    assert tiny_brain.answer("what is the worth of the tourism target?").rule != "asks_a_detail"
    far = tiny_brain.answer("was there a ferry deal on the main route?")
    assert far.rule != "asks_a_detail"


def test_a_claim_about_the_records_event_is_checked_but_also_asks_of_one_more(
    brain: Brain,
) -> None:
    """ "Tokayev was received by President Zardari, right?" claims the record's event with
    someone else: corrected as an answer (Sharif received him); "did Tokayev also meet
    Zardari?" asks of one more meeting, which the record does not mention."""
    claim = brain.answer("Tokayev was received by President Zardari, right?")
    assert claim.answered and "Sharif" in claim.text
    question = brain.answer("did Tokayev also meet President Zardari?")
    assert not question.answered
    # a kind implied by a word ("at the PM House": where) is no question word: still a claim
    implied = brain.answer("Imran Khan hosted Tokayev at the PM House, no?")
    assert implied.answered and "Sharif" in implied.text


def test_an_area_word_in_a_how_question_about_elsewhere_is_not_a_yes(brain: Brain) -> None:
    """ "How do the high speed trains in China work?" names railways but asks about China:
    never "yes, a railway MoU"; "what about railways?" is still the area."""
    elsewhere = brain.answer("how do the high speed trains in china work")
    assert not elsewhere.answered and "china" in elsewhere.text.casefold()
    assert brain.answer("what about railways?").answered


def test_an_off_topic_request_with_a_deal_word_is_declined(brain: Brain) -> None:
    answer = brain.answer("Write me an 800-word piece on Brexit for tomorrow's paper.")
    assert answer.intent != "agreement_not_named" and not answer.answered


def test_an_everyday_word_is_no_alias_by_its_stem(brain: Brain) -> None:
    """ "even" is not "evening" (a time of day): "who even showed up to greet him?" asks who
    received him."""
    assert "Sharif" in brain.answer("so like who even showed up to greet the kazakh guy").text


def test_a_qualifier_moves_who_to_the_topic_that_accounts_for_it(brain: Brain) -> None:
    """ "Which Kazakh president came last time?" asks of the earlier visit, which the record
    does not name: not this visit's overview; "which Kazakh president came?" is Tokayev."""
    earlier = brain.answer("which Kazakh president came last time before him?")
    assert earlier.rule == "lacking_detail" and not earlier.answered
    assert "23" in earlier.text
    assert "Tokayev" in brain.answer("which Kazakh president came?").text


def test_where_something_yet_to_happen_will_be_is_not_the_visits_place(brain: Brain) -> None:
    """ "Which cities will the railway connect?": the place of the visit answers where its
    events happened, not where a future line runs; the railway MoU is what the record says."""
    future = brain.answer("Which cities will the railway cooperation connect?")
    assert not future.answered and future.rule == "lacking_detail"
    assert "railway" in future.text and "Islamabad" not in future.text
    assert "Islamabad" in brain.answer("where was the railway deal signed?").text


def test_a_detail_of_the_kind_asked_is_asked_wherever_it_stands(brain: Brain) -> None:
    """ "From what date does the prisoner exchange agreement come into force?": the question
    asks "when", and "come into force" is the when it asks (not the visit's date)."""
    answer = brain.answer("From what date does the prisoner exchange agreement come into force?")
    assert not answer.answered and "4 February" not in answer.text.split("What it says")[0]


def test_a_gap_answers_each_kind_its_answer_says_the_record_lacks(brain: Brain) -> None:
    """The award-giver gap says the record gives neither who conferred the award nor when:
    asked when it was conferred, that is the reply, not the visit's date."""
    when = brain.answer("on which date was the Nishan-e-Pakistan conferred?")
    assert not when.answered and "4 February" not in when.text
    assert "4 February" in brain.answer("on which date did Tokayev visit?").text


def test_a_claim_that_sets_the_event_elsewhere_is_corrected_first(brain: Brain) -> None:
    """ "The 37 agreements were signed in Karachi, right?": the premise gap (the record has
    no other city) is as well founded as the agreements, and correcting comes first; a city
    that belongs to an area asked about ("direct flights between Karachi and Almaty") is
    no claim about the event."""
    claim = brain.answer("my friend said the 37 agreements were signed in Karachi, is that right?")
    assert claim.rule in ("corrected_premise", "best_topic") and "Islamabad" in claim.text
    flights = brain.answer("any deal on direct flights between Karachi and Almaty?")
    assert "not among" in flights.text


def test_who_signed_is_the_leaders_in_any_words_and_ministers_are_not_named(
    brain: Brain,
) -> None:
    """The leaders-signed fact is about "signatories", or about signing asked who: "kis ne
    sign kiya?", "кто их подписывал?"; "which ministers signed?" asks of people the record
    does not name."""
    for question in ("kis ne sign kiya?", "кто их подписывал?", "who signed them?"):
        answer = brain.answer(question)
        assert answer.intent == "signatories" and answer.answered, question
    assert not brain.answer("which ministers signed the MoUs?").answered


def test_a_claim_that_the_signing_was_in_the_guests_capital_is_corrected(brain: Brain) -> None:
    """ "Why did Sharif fly to Astana to sign?": the record sets the signing in Islamabad."""
    answer = brain.answer("Why did Shehbaz Sharif fly to Astana for this signing?")
    assert answer.answered and "Islamabad" in answer.text
    assert "Исламабад" in brain.answer("Зачем Шахбаз Шариф летал в Астану?").text


def test_where_asked_of_what_someone_mentioned_is_a_place_in_their_words(brain: Brain) -> None:
    """ "Which place did Sharif mention when he talked about peace?" asks a place named in
    his words (Gaza), not where the visit was; "where did he say it?" still is the visit's."""
    mentioned = brain.answer("Which place did Shehbaz Sharif mention when he talked about peace?")
    assert mentioned.answered and "Gaza" in mentioned.text
    assert "Islamabad" in brain.answer("where did Sharif say it?").text


def test_a_figure_answers_how_many_only_of_what_it_counts(brain: Brain) -> None:
    """A topic's figure counts its own thing: 23 years, 37 documents; asked to count
    another thing, the record lacks that figure (and says so, with what it does say)."""
    people = brain.answer("how many people came with Tokayev?")
    # never "does not say how many" before its own figure (23): no number for that thing
    assert not people.answered and people.text.startswith("The record does not give that number")
    valid = brain.answer("for how many years are these MoUs valid?")
    assert not valid.answered and "37" in valid.text  # what it says follows
    assert "23" in brain.answer("how many years since a Kazakh president came?").text
    assert brain.answer("how many things did they sign?").text.startswith("37")


def test_which_of_them_after_the_agreements_names_the_area(brain: Brain) -> None:
    """ "Which of them is about ships?": "them" stands for the agreements just listed, so
    the area is the answer, not a detail of it the record lacks."""
    context = Context()
    brain.answer("which agreements were signed?", context)
    answer = brain.answer("which of them is about ships?", context)
    assert answer.answered and "Maritime" in answer.text
    # without the agreements before it, "which port?" still asks a detail the record lacks
    assert not brain.answer("which port will the maritime deal use?").answered


@pytest.mark.parametrize(
    "question",
    [
        "Did they issue any statement on Afghanistan?",
        "do the documents say anything about truck routes through Afghanistan?",
    ],
)
def test_a_question_about_what_was_said_asks_for_a_mention_not_an_area(
    brain: Brain, question: str
) -> None:
    answer = brain.answer(question)
    assert answer.intent != "agreement_not_named" and not answer.answered
    assert "not among" not in answer.text and "does not mention" in answer.text


def test_when_something_yet_to_happen_will_be_is_not_the_visits_date(tiny_brain: Brain) -> None:
    """The record's date is the visit's: "when will the ferry run?" asks of the ferry, whose
    date the record does not give; "when was the visit?" is still the date."""
    answer = tiny_brain.answer("when will the ferry run")
    assert answer.rule == "future_date" and answer.topic == "ferry" and not answer.answered
    assert "12 March" not in answer.text
    assert "12 March" in tiny_brain.answer("when was the visit").text


def test_a_span_of_time_answers_how_many_but_not_how_much() -> None:
    """ "How much did the visit cost?" is not answered by "the first visit in 23 years"."""
    from bot.brain.kinds import Slots

    slots = Slots(people=(), dates=(), places=())
    assert slots.provides("the first visit in 23 years", "count")
    assert not slots.provides("the first visit in 23 years", "how_much")
    assert slots.provides("trade of $1 billion by next year", "how_much")


def test_a_bare_deal_word_beside_a_declined_request_is_that_requests(tiny_brain: Brain) -> None:
    """ "How do I apply for a visa? what documents do I need?": the documents are the
    request's, which the bot declines, not the record's agreements; a part that asks of the
    agreements with words of its own ("how many deals?") is still answered."""
    declined = tiny_brain.answer("what is the gold rate? what deal do I need?")
    assert declined.intent == "off_topic" and not declined.answered
    assert tiny_brain.answer("what deal do I need?").answered
    assert tiny_brain.answer("what is the gold rate? how many deals?").answered


def test_what_a_person_said_of_a_gap_is_his_statement(tiny_brain: Brain) -> None:
    """ "What did Brel say about the level of tourism?": the record gives no level (a gap),
    but what Brel said about tourism it has; asked for the level itself, the gap answers."""
    said = tiny_brain.answer("what did brel say about the level of tourism?")
    assert said.answered and "double" in said.text
    assert not tiny_brain.answer("what is the level of tourism today?").answered


def test_a_bare_when_after_a_future_asks_when_that_will_be(tiny_brain: Brain) -> None:
    """ "How many ferry deals will they sign?", then "and when?": when they will be, which
    the record does not give (not the visit's date); after a past question, the date."""
    context = Context()
    tiny_brain.answer("how many ferry deals will they sign?", context)
    later = tiny_brain.answer("and when?", context)
    assert later.rule == "future_date" and not later.answered
    context = Context()
    tiny_brain.answer("was there a ferry deal?", context)
    assert "12 March" in tiny_brain.answer("and when?", context).text


def test_words_about_the_asker_before_the_question_are_no_part_of_it(tiny_brain: Brain) -> None:
    """ "Hello, I grow apples in the hills. How many agreements?": a greeting and a clause
    opened by "I" that asks nothing say who asks, so their words are no missing topic; a
    clause naming one of the record's people or a figure is a claim, and stays."""
    asked = "how many agreements were signed"
    assert tiny_brain._questions_in(f"Hello, I grow apples in the hills. {asked}?") == [asked]
    claim = f"I heard varga signed 9 agreements. {asked}?"
    assert tiny_brain._questions_in(claim) != [asked]
    # a language whose verb comes last closes the clause with it ("... se aaya hun,")
    assert tiny_brain._questions_in(f"Karachi se aaya hun, {asked}?") == [asked]
    # the asker named in the first few words, and a dash closing the clause
    assert tiny_brain._questions_in(f"hello, for my essay — {asked}?") == [asked]
    # before a colon, "will" is no question: "they will ask this:" only sets the scene
    assert tiny_brain._questions_in(f"My pupils will ask this: {asked}?") == [asked]


def test_this_asked_where_or_when_is_the_news_whatever_other_words(tiny_brain: Brain) -> None:
    """ "В каком городе всё это проходило?": words of another script no list knows, alone
    with a question word, are what the message is about; "this", asked when or where, is
    the news itself, so the record's date or place answers."""
    assert tiny_brain.answer("when was this проходило?").answered
    assert not tiny_brain.answer("when was проходило?").answered


def test_words_of_another_script_asked_about_as_mentions_are_not_mentioned(
    tiny_brain: Brain,
) -> None:
    """ "Цинк упоминается?": no list knows the word, but the question asks whether the record
    mentions it, which it can answer: it does not (not "I did not understand")."""
    answer = tiny_brain.answer("is тракторы mentioned?")
    assert answer.intent == "not_in_record" and "тракторы" in answer.text


def test_a_part_that_names_nothing_new_after_a_gap_asks_more_of_it(tiny_brain: Brain) -> None:
    """ "How many tourists travel today, and when?": the record does not give today's
    tourism, so neither does it give when; the rest of the reply is not the target's date. A
    part that names something of its own ("and the award?") is still answered."""
    leaning = tiny_brain.answer("How many tourists travel today, and when?")
    assert not leaning.answered and leaning.intent == "not_in_record"
    assert "Silver Gull" in tiny_brain.answer("how many tourists travel today? and the award?").text


def test_a_detail_asked_past_words_that_only_frame_the_question(tiny_brain: Brain) -> None:
    """ "What was on the route of the ferry?": the words between the question word and the
    detail ("was on the") only frame it, so the route is what is asked, which the record
    does not give; "was there a ferry deal?" is still yes."""
    lexicon = tiny_brain.lexicon
    assert _asked_details(lexicon.parse("what was on the route"), lexicon) == ["route"]
    assert not tiny_brain.answer("what was on the route of the ferry?").answered
    assert tiny_brain.answer("was there a ferry deal?").answered


def test_a_detail_word_no_topic_holds_is_not_mentioned(tiny_brain: Brain) -> None:
    """ "Did they meet on a route?": no topic of the record holds the route, which a
    question about the record asks of; the record does not mention it (not an off-topic
    decline, as a word the language file does not know would not get either)."""
    answer = tiny_brain.answer("did they meet on a route?")
    assert answer.intent == "not_in_record" and "route" in answer.text


def test_a_word_between_the_unknown_thing_and_the_deal_names_its_kind(
    tiny_brain: Brain,
) -> None:
    """ "mango export deal?": "export" stands between the thing the record lacks and the
    deal word, one compound naming the deal by the mango; "tourism deal on mango?" does not
    tie tourism to the mango that way."""
    lexicon = tiny_brain.lexicon
    assert _inside(lexicon.parse("mango tourism deal"), ["mango"], "tourism")
    assert not _inside(lexicon.parse("tourism deal on mango"), ["mango"], "tourism")


def test_when_something_agreed_starts_is_yet_to_come(tiny_brain: Brain) -> None:
    """ "When does the ferry start?": a word of starting, like "will", asks of a time after
    the visit, which the record does not give; asked in the past ("when did the signing
    start?"), the record's date answers."""
    starting = tiny_brain.answer("when does the ferry start?")
    assert starting.rule == "future_date" and not starting.answered
    assert "12 March" in tiny_brain.answer("when did the signing of the 5 deals start?").text


def test_an_everyday_noun_a_which_question_asks_for_is_not_in_the_record(
    tiny_brain: Brain,
) -> None:
    """ "Which regiment presented the award?": the record names no regiment, so it does not
    say, and quotes what it has; "which part of the award?" asks through its "of" and is
    answered."""
    asked = tiny_brain.answer("which regiment presented the award?")
    assert asked.rule == "unknown_head" and not asked.answered and "regiment" in asked.text
    assert tiny_brain.answer("which part of the award did varga get?").answered


def test_what_a_speaker_said_about_one_thing_is_that_statement_not_all(brain: Brain) -> None:
    """A speaker's whole list is the best match, but the question names one more thing of
    the record: the one statement of his about it answers, or the one event whose sentence
    gives his words on it; a thing several of them name, or a mere setting, keeps the list."""
    about_him = brain.answer("what did Tokayev say about Sharif?")
    assert about_him.topic == "visionary_leader" and "visionary" in about_him.text
    award = brain.answer("what did the Prime Minister say the award reflects?")
    assert award.topic == "award" and "appreciation" in award.text
    assert brain.answer("what did Tokayev say about Pakistan?").topic == "tokayev_said"
    assert brain.answer("what did Tokayev say in Islamabad?").topic == "tokayev_said"


def test_a_premise_taken_for_granted_is_corrected_however_much_else_is_asked(
    brain: Brain,
) -> None:
    """ "Why did Nazarbayev come to Pakistan after 23 years?": the words of the event (the
    23 years) outweigh the one wrong name, but a why or what question takes the name for
    granted, so the premise is corrected first and the event follows."""
    answer = brain.answer("Why did Nazarbayev come to Pakistan after 23 years?")
    assert answer.rule == "corrected_premise" and answer.answered
    assert "does not mention anyone else" in answer.text and "23 years" in answer.text


def test_a_wrong_title_beside_a_records_name_is_no_one_else(tmp_path: Path) -> None:
    """ "What did Minister Rojas tell the guests?": the title stands right beside one of
    the record's names, so it is that person, titled wrongly, not someone the record lacks."""
    record = TESTS / "data" / "visit_santiago" / "record.yaml"
    other = Brain(load_files(record, TESTS.parent / "knowledge" / "language.yaml"))
    assert other.answer("What did Minister Rojas tell the guests?").rule != "corrected_premise"
    assert other.answer("What did the foreign minister tell Rojas?").rule == "corrected_premise"


def test_a_name_like_the_records_with_a_word_changed_is_corrected(tiny_brain: Brain) -> None:
    """ "the Order of the Golden Gull": the record's name with one word it does not know in
    place of its own is another thing of the same kind; the reply gives the record's one,
    without repeating the wrong name, as an answer."""
    parsed = tiny_brain.lexicon.parse("Was Varga given the Order of the Golden Gull?")
    assert [concept for _, concept in parsed.siblings] == ["award"]
    answer = tiny_brain.answer("Was Varga given the Order of the Golden Gull?")
    assert answer.rule == "sibling_name" and answer.answered
    assert "Silver Gull" in answer.text and "Golden" not in answer.text
    # a word the record does not know, written in lower case, names nothing
    assert not tiny_brain.lexicon.parse("was varga given the order of the golden gull").siblings


def test_which_agreements_on_two_named_areas_answers_both(tiny_brain: Brain) -> None:
    """ "Which agreements cover fisheries and the ferry?": the areas it names are the
    answer, every one of them, not only the first."""
    answer = tiny_brain.answer("Which agreements were signed on fisheries and the ferry?")
    assert answer.answered and answer.rule == "lacking_detail"
    assert "fisher" in answer.text.lower() and "ferry" in answer.text.lower()


def test_an_everyday_noun_in_a_question_about_mentions_is_no_missing_topic(
    tiny_brain: Brain,
) -> None:
    # "part" is an everyday noun of the question's frame; "zorblax" a name the record lacks
    framed = tiny_brain.answer("was the award mentioned as part of it")
    assert framed.answered and "does not mention" not in framed.text
    named = tiny_brain.answer("was the award mentioned with zorblax")
    assert not named.answered and "zorblax" in named.text


def test_anything_on_an_unnamed_area_is_the_closed_list_question(brain: Brain) -> None:
    # "anything on X?" says nothing more of X than "X?": the areas the record names answer
    assert "not among" in brain.answer("anything on textiles or garments?").text
    # a question asking more of it ("how many journalists were there?") is not the list
    assert "not among" not in brain.answer("how many journalists were there?").text


def test_a_visit_to_a_place_the_record_does_not_name_is_no_yes(brain: Brain) -> None:
    # the person and the visit are the record's; Taxila is not
    answer = brain.answer("did tokayev visit Taxila?")
    assert not answer.answered and "taxila" in answer.text
    assert brain.answer("did tokayev visit pakistan?").answered


def test_another_country_holding_a_title_of_the_record_is_corrected(brain: Brain) -> None:
    # "the Tajik president" names someone else with Tokayev's title: the record's own
    # holder is given, the wrong one not repeated
    answer = brain.answer("what did the Tajik president say at the signing?")
    assert answer.intent == "false_premise" and answer.answered
    assert "Tokayev" in answer.text and "tajik" not in answer.text.lower()
    # a word corrected into a title is no title ("saddar", a part of Karachi)
    assert brain.answer("rickshaw silencer saddar mein kahan theek hoga").intent != "false_premise"


def test_who_signed_those_after_an_area_gets_who_signed_the_agreements(brain: Brain) -> None:
    # the area is lent by the last turn; the leaders exchanged all the agreements (who signed
    # each is not given), which holds for these too
    context = Context()
    brain.answer("was there a mining agreement?", context)
    assert brain.answer("who signed those?", context).intent == "signatories"
    # named in the question itself, the area is what is asked of: its signer is not given
    assert brain.answer("who signed the mining MoU?").intent == "not_in_record"


def test_the_fields_a_speaker_listed_are_his_statements_not_the_agreement_areas(
    brain: Brain,
) -> None:
    # Sharif's one statement names fields of cooperation (trade, culture, education...)
    assert brain.answer("which fields did sharif name?").topic == "strategic_partner"
    assert brain.answer("PM's cooperation fields").topic == "strategic_partner"
    # with a deal word, or no person, the fields are the agreements'; "what kind of leader"
    # asks no fields
    assert brain.answer("which sectors did sharif sign deals in?").intent == "agreements_list"
    assert brain.answer("which sectors?").intent == "agreements_list"
    assert "visionary" in brain.answer("what kind of leader did tokayev call sharif?").text
    # the speaker's own target may score best ("increase" is a target word): the fields
    # are still his statement's, said once; a field word of another language, by its last
    # word ("کن شعبوں")
    fields = brain.answer("in which fields did the PM want to increase cooperation?")
    assert fields.topic == "strategic_partner"
    assert fields.text.count("strategic partner") == 1
    urdu = brain.answer("وزیراعظم نے کن شعبوں میں تعاون بڑھانے کی بات کی؟")
    assert urdu.topic == "strategic_partner"


def test_a_question_on_the_level_of_trade_gets_what_the_record_says_of_it(brain: Brain) -> None:
    # the record gives no volume but does call trade low: "big or small?" is answered,
    # "how much?" is still the gap
    level = brain.answer("does the record describe today's trade level as big or small?")
    assert (level.topic, level.answered) == ("trade_context", True)
    assert "remains low" in level.text
    volume = brain.answer("what is the current trade volume?")
    assert (volume.topic, volume.answered) == ("trade_volume", False)


def test_what_two_nations_have_in_common_is_their_shared_values(brain: Brain) -> None:
    """ "in common", "common ground", "что общего" ask of the shared values and traditions
    Tokayev named, not his profile."""
    for question in ("what do the two countries have in common?", "что общего у двух народов?"):
        answer = brain.answer(question)
        assert "values" in answer.text or "ценности" in answer.text, question


def test_back_alone_is_no_stay_but_going_back_is(brain: Brain) -> None:
    """ "واپس" / "wapas" (back) alone is not the visit's length: prisoners coming back, a
    tale coming back to the visit; "کب واپس گئے" / "kab wapas gaye" (when did he go back) is."""
    for message in ("کتنے قیدی واپس آئیں گے؟", "sorry wapas visit pe, total kitne MoU the?"):
        assert brain.answer(message).topic != "visit_duration", message
    for message in ("توکایف کب واپس گئے؟", "tokayev kab wapas gaye?"):
        assert brain.answer(message).topic == "visit_duration", message


def test_a_reply_naming_a_person_or_a_country_says_whose() -> None:
    """ "Whose anthems?": "the anthems of both countries" says whose; a reply naming no one
    does not, and "whose" is not "who did it"."""
    from bot.brain.kinds import Slots

    slots = Slots(people=("Ruto",), dates=(), places=(), countries=("Kenya", "both countries"))
    assert slots.provides("The national anthems of both countries were played.", "whose")
    assert slots.provides("Ruto's words.", "whose")
    assert not slots.provides("A guard of honour was presented.", "whose")
    assert not slots.provides("The anthems of both countries were played.", "who")


def test_a_word_of_two_readings_declines_only_beside_too_few_record_words(
    tiny_brain: Brain,
) -> None:
    """ "rate" is a price in "what is the fish rate today?" (one record word: declined) but
    reads as the record's in "how does Varga rate tourism today?" (two of its specific
    words); a word with only the off-topic reading ("joke") declines whatever stands beside."""
    assert tiny_brain.answer("what is the fish rate today?").intent == "off_topic"
    rated = tiny_brain.answer("how does varga rate tourism today?")
    assert rated.rule != "off_topic_words" and rated.topic == "tourism_level"
    joke = tiny_brain.answer("tell me a joke about tourism today")
    assert joke.intent == "off_topic" and joke.rule == "off_topic_words"


def test_only_the_records_own_words_about_what_is_asked_are_specific(tiny_brain: Brain) -> None:
    """Its people, countries, place and date set the scene; "tourism" says what is asked."""
    lexicon = tiny_brain.lexicon
    assert lexicon.is_specific("tourism")
    assert not any(lexicon.is_specific(c) for c in ("varga", "brel", "offtopic", "when_q"))


def test_what_will_come_of_an_area_named_only_in_general_is_not_given(brain: Brain) -> None:
    """ "Will they build a new railway line through Afghanistan?": the record says only that
    a railway MoU was signed, so no "yes"; "will there be cooperation on railways?" asks of
    the area itself, and "will they team up on digging minerals?" only names it again."""
    built = brain.answer("will they build a new railway line through afghanistan?")
    assert built.rule == "future_inside" and not built.answered and "railway" in built.text
    assert not built.text.startswith("Yes")
    assert brain.answer("will there be cooperation on railways?").text.startswith("Yes")
    mining = brain.answer("Will they team up on digging minerals out of the ground and on oil?")
    assert mining.answered and mining.rule != "future_inside"


def test_what_will_come_of_an_unnamed_area_is_not_said(brain: Brain) -> None:
    context = Context()
    brain.answer("Was there a trade deal?", context)
    answer = brain.answer("will pakistan buy our wheat now?", context)
    assert answer.rule == "unnamed_detail" and not answer.answered
    assert answer.text.startswith("The record does not say that. Agriculture is not among")


def test_which_agreement_asks_of_the_deals_though_countries_stand_between(brain: Brain) -> None:
    """ "Which Pakistan-Kazakhstan agreement covers petroleum?": the countries only set the
    agreement asked for; the area that covers it answers, not "no details"."""
    answer = brain.answer("Which Pakistan-Kazakhstan agreement covers petroleum?")
    assert answer.answered and answer.text.startswith("Mining and petroleum cooperation")


def test_a_thing_not_mentioned_names_each_of_its_words_once() -> None:
    """ "software house ... software exports": the reply quotes "software", not twice."""
    assert ("thing", "software") in not_mentioned(["software", "software"])[0].params
    assert ("thing", "gold mining") in not_among(["gold", "mining", "gold"], 37, 7)[0].params
