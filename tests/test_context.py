"""Unit tests of the conversation stage on tiny inline data: context fills gaps only."""

from __future__ import annotations

import pytest

from bot.brain import Brain
from bot.brain.context import Context, next_message, remember, resolve
from bot.brain.understand import Lexicon, Parsed

PEOPLE = ("varga", "brel")


def _after(lexicon: Lexicon, first: str) -> Context:
    context = Context()
    remember(context, lexicon.parse(first), "fisheries", None)
    return context


def _never_alone(parsed: Parsed) -> bool:
    return False


def _alone_when_dealing(parsed: Parsed) -> bool:
    return "deal" in parsed.concepts


def test_a_complete_question_stands_alone(tiny_lexicon: Lexicon) -> None:
    context = _after(tiny_lexicon, "was there a deal on fisheries")
    parsed = tiny_lexicon.parse("how many agreements were signed")
    resolved = resolve(parsed, context, tiny_lexicon, PEOPLE, _alone_when_dealing)
    assert not resolved.leaned_back
    assert "fisheries" not in resolved.parsed.concepts


def test_record_words_of_the_last_answer_keep_its_subject(tiny_lexicon: Lexicon) -> None:
    """ "what did he share?" after the fisheries deal (whose answer speaks of sharing)
    names no subject of its own: its record word is the last answer's, so it stays there;
    a record word the last answer does not have ("cover") is a subject of its own."""
    context = _after(tiny_lexicon, "was there a deal on fisheries")

    def echoes(parsed: Parsed, topic: str) -> bool:
        return topic == "fisheries" and parsed.record_words == ["share"]

    kept = resolve(
        tiny_lexicon.parse("what did he share"), context, tiny_lexicon, PEOPLE, _never_alone, echoes
    )
    assert "fisheries" in kept.parsed.concepts
    other = resolve(
        tiny_lexicon.parse("what did he cover"), context, tiny_lexicon, PEOPLE, _never_alone, echoes
    )
    assert "fisheries" not in other.parsed.concepts


def test_a_bare_question_word_borrows_the_subject(tiny_lexicon: Lexicon) -> None:
    context = _after(tiny_lexicon, "was there a deal on fisheries")
    resolved = resolve(tiny_lexicon.parse("when?"), context, tiny_lexicon, PEOPLE, _never_alone)
    assert resolved.leaned_back
    assert "fisheries" in resolved.parsed.concepts and resolved.parsed.qtype == "when"


def test_a_correction_leans_on_the_last_turn_unless_it_stands_alone(
    tiny_lexicon: Lexicon,
) -> None:
    """ "нет, я про срок спрашивал" is still about the last subject, although its own words
    alone would not lean back (words of another script name a subject of their own); "I
    meant how many agreements were signed" is a complete question: alone."""
    context = _after(tiny_lexicon, "was there a deal on fisheries")
    alone = resolve(
        tiny_lexicon.parse("when срок сумма"), context, tiny_lexicon, PEOPLE, _never_alone
    )
    assert not alone.leaned_back
    meant = tiny_lexicon.parse("i meant when срок сумма")
    corrected = resolve(meant, context, tiny_lexicon, PEOPLE, _never_alone)
    assert corrected.leaned_back and "fisheries" in corrected.parsed.concepts
    complete = tiny_lexicon.parse("i meant how many agreements were signed")
    assert not resolve(complete, context, tiny_lexicon, PEOPLE, _alone_when_dealing).leaned_back


def test_a_short_who_question_about_it_keeps_the_subject_it_points_at(
    tiny_lexicon: Lexicon,
) -> None:
    """ "who won it?" names a thing of its own (an award), but "it" is still the fisheries
    deal; "who won this award?" points with a noun of its own, and keeps nothing."""
    context = _after(tiny_lexicon, "was there a deal on fisheries")
    pointing = resolve(
        tiny_lexicon.parse("who won the award for it"), context, tiny_lexicon, PEOPLE, _never_alone
    )
    assert "fisheries" in pointing.parsed.borrowed and "award" in pointing.parsed.concepts
    own = resolve(
        tiny_lexicon.parse("who won this award"), context, tiny_lexicon, PEOPLE, _never_alone
    )
    assert "fisheries" not in own.parsed.concepts


def test_many_words_of_another_script_outweigh_a_pronoun(brain: Brain) -> None:
    """ "اچھا یہ بتاؤ، ..." ("ok, tell me this: ...") points forward, not back: three or
    more words no list knows are a subject of their own, not a follow-up."""
    lexicon = brain.lexicon
    context = Context()
    remember(context, lexicon.parse("how many agreements were signed?"), "agreements_count", None)
    aside = lexicon.parse("اچھا یہ بتاؤ اگلے مہینے ہاکی ٹورنامنٹ کون جیتے گا")
    assert not resolve(aside, context, lexicon, PEOPLE, _never_alone).leaned_back
    this = lexicon.parse("یہ کب ہوا؟")  # "when did this happen?": this is the last subject
    assert resolve(this, context, lexicon, PEOPLE, _never_alone).leaned_back


def test_and_x_borrows_the_kind_of_question_not_the_subject(tiny_lexicon: Lexicon) -> None:
    context = _after(tiny_lexicon, "how many agreements on fisheries")
    resolved = resolve(
        tiny_lexicon.parse("and tourism?"), context, tiny_lexicon, PEOPLE, _never_alone
    )
    assert resolved.parsed.qtype == "count"
    assert "fisheries" not in resolved.parsed.concepts


def test_he_is_the_last_person_and_the_input_is_left_unchanged(tiny_lexicon: Lexicon) -> None:
    context = Context()
    remember(context, tiny_lexicon.parse("who is varga"), None, "varga")
    parsed = tiny_lexicon.parse("when did he come")
    resolved = resolve(parsed, context, tiny_lexicon, PEOPLE, _never_alone)
    assert resolved.mentioned == ("varga",)
    assert "varga" not in parsed.concepts  # stages return new values


def test_he_is_whoever_the_thing_asked_about_is_of(tiny_lexicon: Lexicon, brain: Brain) -> None:
    """ "who hosted Tokayev?", then "what medal did he receive?": the medal is Tokayev's, so
    "he" is Tokayev, not the host just answered; with no owner, the last person."""
    context = Context()
    remember(context, tiny_lexicon.parse("who is varga"), None, "varga")
    parsed = tiny_lexicon.parse("when did he come")
    owned = resolve(parsed, context, tiny_lexicon, PEOPLE, _never_alone, owner=lambda p: "brel")
    assert owned.mentioned == ("brel",)
    unowned = resolve(parsed, context, tiny_lexicon, PEOPLE, _never_alone, owner=lambda p: None)
    assert unowned.mentioned == ("varga",)
    both = brain.answer("Who hosted Tokayev and what medal did he receive?")
    assert "Sharif" in both.text and "Nishan" in both.text


def test_after_where_and_an_area_asks_about_the_area_not_the_place(brain: Brain) -> None:
    context = Context()
    brain.answer("where were the agreements signed?", context)
    assert brain.answer("and mining?", context).topic == "mining_petroleum"
    context = Context()
    brain.answer("how many agreements were signed?", context)
    assert brain.answer("and on railways?", context).intent == "agreement_area"


def test_an_off_topic_turn_lends_nothing_to_the_next(tiny_lexicon: Lexicon) -> None:
    context = Context()
    remember(context, tiny_lexicon.parse("what is the gold rate"), None, None)
    parsed = tiny_lexicon.parse("when was it signed")  # "it": leans back
    resolved = resolve(parsed, context, tiny_lexicon, PEOPLE, _never_alone)
    assert resolved.leaned_back and "offtopic" not in resolved.parsed.concepts


def test_the_person_spoken_of_is_not_the_speaker_he_points_at(tiny_lexicon: Lexicon) -> None:
    """ "did he say anything about Brel?" after Varga: "he" is Varga, Brel is spoken of."""
    context = Context()
    remember(context, tiny_lexicon.parse("who is varga"), None, "varga")
    parsed = tiny_lexicon.parse("did he say anything about brel")
    assert parsed.spoken_of == "brel"
    resolved = resolve(parsed, context, tiny_lexicon, PEOPLE, _never_alone)
    assert resolved.mentioned == ("varga", "brel")
    follow_up = tiny_lexicon.parse("and about brel?")
    assert resolve(follow_up, context, tiny_lexicon, PEOPLE, _never_alone).mentioned[0] == "varga"


def test_what_one_leader_said_about_the_other_is_his_not_the_others(brain: Brain) -> None:
    """ "What did the president say about Sharif?": Tokayev's words (he called Sharif a
    visionary leader), not what Sharif said; "what did Sharif say?" is still Sharif's."""
    assert "visionary" in brain.answer("what did the president say about Sharif").text
    context = Context()
    brain.answer("what did tokayev say about pakistan?", context)
    assert "visionary" in brain.answer("and about Sharif?", context).text
    assert brain.answer("what did sharif say?").text.startswith("Prime Minister Shehbaz Sharif")


def test_a_bare_him_keeps_the_last_subject_but_a_new_frame_does_not(
    tiny_lexicon: Lexicon,
) -> None:
    """ "why him?" after the award asks why he got the award; "what did he say?" asks
    something new of him."""
    context = Context()
    remember(context, tiny_lexicon.parse("what award did varga get"), "award", "varga")
    why = resolve(tiny_lexicon.parse("why him"), context, tiny_lexicon, PEOPLE, _never_alone)
    assert why.leaned_back and "award" in why.parsed.concepts
    said = resolve(tiny_lexicon.parse("what did he say"), context, tiny_lexicon, PEOPLE, _saying)
    assert "award" not in said.parsed.concepts


def _saying(parsed: Parsed) -> bool:
    return "say" in parsed.concepts


def test_any_on_an_area_after_an_agreements_question_asks_of_the_agreements(
    brain: Brain,
) -> None:
    """ "any on sports?" after "how many agreements?": is sports among the areas named
    (not "the record does not mention sports"); "any tariff cuts announced?" is no area
    question of a few bare words."""
    context = Context()
    brain.answer("how many agreements were signed?", context)
    assert "not among" in brain.answer("any on sports?", context).text
    context = Context()
    brain.answer("how many agreements were signed?", context)
    assert brain.answer("any tariff cuts announced?", context).intent != "agreements_count"


def test_the_other_leader_is_the_one_the_last_turn_was_not_about(
    tiny_lexicon: Lexicon,
) -> None:
    """ "no, the other leader" after Varga: Brel, asked what the last turn asked."""
    context = Context()
    remember(context, tiny_lexicon.parse("what did varga say"), None, "varga")
    parsed = tiny_lexicon.parse("no, the other leader")
    resolved = resolve(parsed, context, tiny_lexicon, PEOPLE, _never_alone)
    assert resolved.mentioned == ("brel",) and resolved.parsed.qtype == "what"


def test_words_of_another_script_are_a_subject_of_their_own(brain: Brain) -> None:
    """ "кстати какой ноут посоветуешь до 500к тенге" after a question on the agreements
    names things of its own (no list knows them): it does not lean on the last turn."""
    context = Context()
    brain.answer("Сколько соглашений подписали?", context)
    aside = brain.answer("кстати какой ноут посоветуешь до 500к тенге", context)
    assert not aside.answered
    context = Context()
    brain.answer("Сколько соглашений подписали?", context)
    assert brain.answer("а когда?", context).answered  # a bare follow-up still leans


def test_was_there_one_on_an_area_after_an_area_asks_of_the_agreements(brain: Brain) -> None:
    context = Context()
    brain.answer("Was there a railway MoU?", context)
    assert "not among" in brain.answer("was there one on aviation?", context).text


def test_about_him_is_the_last_person_and_he_the_other(tiny_lexicon: Lexicon) -> None:
    """ "and what did he say about him?" after Varga: Varga is spoken of, Brel speaks."""
    context = Context()
    remember(context, tiny_lexicon.parse("what did varga say"), None, "varga")
    parsed = tiny_lexicon.parse("and what did he say about him")
    assert parsed.about_pronoun
    resolved = resolve(parsed, context, tiny_lexicon, PEOPLE, _never_alone)
    assert resolved.parsed.spoken_of == "varga" and "brel" in resolved.parsed.concepts


def test_a_terse_general_word_after_an_area_asks_of_the_deals(brain: Brain) -> None:
    """ "culture?" after "was there a railway deal?": the record mentions culture only in
    general, as one of the fields the 37 documents cover; that is what is asked."""
    context = Context()
    brain.answer("was there a railway deal?", context)
    answer = brain.answer("culture?", context)
    assert answer.answered and "cultur" in answer.text


def test_a_follow_up_asking_for_the_total_asks_of_all_the_deals(brain: Brain) -> None:
    """ "and how many were signed in total?" after the railway MoU asks for all 37, not how
    many railway ones; "how many of them in total?" still points at the last thing."""
    totals = ("and how many were signed in total?", "а всего сколько документов подписали?")
    for follow_up in totals:
        context = Context()
        brain.answer("was there a railway deal?", context)
        assert "37" in brain.answer(follow_up, context).text, follow_up


def test_after_an_area_named_without_a_deal_word_the_total_is_of_the_deals(
    brain: Brain,
) -> None:
    """ "was maritime part of the package?" has no deal word of its own, but an area is one
    of the agreements: "how many in total?" after it asks for all 37, never off the topic."""
    context = Context()
    brain.answer("Was maritime cooperation part of the Kazakhstan package?", context)
    answer = brain.answer("how many in total?", context)
    assert answer.answered and "37" in answer.text


def test_what_the_last_answer_corrected_is_not_lent_to_the_next_message(
    tiny_lexicon: Lexicon,
) -> None:
    """ "did varga meet the king?" gets "the record names no king"; then "where?" asks where
    the record's own event was, not where the king was. Parts of one message still share it."""
    context = Context()
    remember(context, tiny_lexicon.parse("did varga meet them"), "gap", None, frozenset({"meet"}))
    assert "meet" in context.last_concepts  # the next part of the same message leans on it
    next_message(context)
    assert "meet" not in context.last_concepts and "varga" in context.last_concepts
    next_message(context)  # nothing more to forget
    assert "varga" in context.last_concepts


def test_and_the_agreements_names_a_subject_of_its_own(tiny_lexicon: Lexicon) -> None:
    """ "and how many agreements?" after the visit's date asks for the agreements, not for
    the visit again; "and how many of it?" still points back."""
    context = Context()
    remember(context, tiny_lexicon.parse("when was the visit"), "visit_date", None)
    parsed = tiny_lexicon.parse("and how many agreements")
    resolved = resolve(parsed, context, tiny_lexicon, PEOPLE, _never_alone)
    assert "visit" not in resolved.parsed.concepts
    pointing = resolve(tiny_lexicon.parse("and it"), context, tiny_lexicon, PEOPLE, _never_alone)
    assert "visit" in pointing.parsed.concepts


def test_what_a_text_says_is_asked_of_the_text_it_points_at(brain: Brain) -> None:
    """ "what's in it?" after the joint declaration: words for a text's contents are the
    language's, not a subject of the message's own, so "it" is the declaration (not the
    list of agreements, which the frame "sign" alone would pick)."""
    context = Context()
    brain.answer("Was a joint declaration signed?", context)
    answer = brain.answer("what's in it exactly?", context)
    assert not answer.answered and "declaration" in answer.text


def test_what_someone_said_about_it_is_about_the_last_subject_not_its_speaker(
    tiny_lexicon: Lexicon,
) -> None:
    """ "did varga say anything about it?" after Brel on the fisheries deal: "it" is the
    deal, so its subject is lent (not Brel, who is no longer the one asked about); "this
    award" only points at a noun, so lends nothing."""
    context = Context()
    remember(context, tiny_lexicon.parse("what did brel say about fisheries"), "fisheries", "brel")
    parsed = tiny_lexicon.parse("did varga say anything about it")
    assert parsed.about_thing
    resolved = resolve(parsed, context, tiny_lexicon, PEOPLE, _never_alone)
    assert "fisheries" in resolved.parsed.concepts and "brel" not in resolved.parsed.concepts
    assert not tiny_lexicon.parse("what did varga say about this award").about_thing


def test_a_message_declined_as_off_the_topic_lends_nothing_to_the_next(brain: Brain) -> None:
    # "Lahore" of a gold-price question is no place for the next message to ask about
    context = Context()
    brain.answer("price of gold in lahore today?", context)
    assert brain.answer("and how many were there?", context).topic is None
    context = Context()
    brain.answer("سکھر منڈی میں آج کھجور کا کیا ریٹ ہے", context)  # the price of dates today
    assert brain.answer("اچھا یہ بتاؤ کتنے ایم او یو ہوئے", context).intent == "agreements_count"


def test_a_seven_word_who_question_with_a_pronoun_asks_of_the_last_subject(brain: Brain) -> None:
    # "it" of a seven-word person question is the award just asked about, not a new subject
    context = Context()
    brain.answer("what award did tokayev get?", context)
    answer = brain.answer("who pinned it on him, the president?", context)
    assert "Nishan" in answer.text and not answer.answered


@pytest.mark.parametrize(
    ("first", "doubt", "fact"),
    [
        ("how many agreements did they sign?", "really? i heard 40", "37"),
        ("how many agreements did they sign?", "are you sure?", "37"),
        ("what award did tokayev get?", "you sure? he said Hilal something", "Nishan"),
        ("сколько соглашений подписали?", "точно?", "37"),
    ],
)
def test_a_doubt_of_the_last_answer_asks_it_again(
    brain: Brain, first: str, doubt: str, fact: str
) -> None:
    context = Context()
    brain.answer(first, context)
    answer = brain.answer(doubt, context)
    assert answer.answered and fact in answer.text


def test_really_later_in_a_message_only_stresses(brain: Brain) -> None:
    context = Context()
    brain.answer("how many agreements did they sign?", context)
    assert brain.answer("who really runs the world, tell me", context).intent == "off_topic"
    assert brain.answer("you're really useful", context).intent == "ok"
    # a claim of its own after "I heard" asks of itself, not the last question again
    brain.answer("when was the visit?", context)
    assert brain.answer("I heard they signed one on transit trade, right?", context).answered


def test_the_total_after_a_topic_framed_by_the_deals_counts_the_deals(brain: Brain) -> None:
    """ "what sectors then", "how many total": the list of the agreements is framed by the
    deals though its question named none, so the total counts them (was off the topic)."""
    lexicon = brain.lexicon
    context = Context()
    remember(context, lexicon.parse("what sectors then"), "x", None, frame=frozenset({"deal"}))
    resolved = resolve(lexicon.parse("how many total"), context, lexicon, (), _never_alone)
    assert "deal" in resolved.parsed.concepts
    bare = Context()
    remember(bare, lexicon.parse("what sectors then"), "x", None)
    assert (
        "deal"
        not in resolve(
            lexicon.parse("how many total"), bare, lexicon, (), _never_alone
        ).parsed.concepts
    )
    context = Context()
    brain.answer("what sectors then", context)
    assert "37" in brain.answer("how many total", context).text


def test_a_follow_up_of_another_kind_leaves_the_last_kind_word_behind(
    tiny_lexicon: Lexicon,
) -> None:
    """ "what did the fisheries deal cost?", then "who?": who of the fisheries deal, not of
    its cost ("cost" asks how much); with nothing else to go on, the cost stays."""
    context = _after(tiny_lexicon, "what did the fisheries deal cost")
    resolved = resolve(tiny_lexicon.parse("who?"), context, tiny_lexicon, PEOPLE, _never_alone)
    assert "fisheries" in resolved.parsed.concepts and "value" not in resolved.parsed.concepts
    alone = _after(tiny_lexicon, "the cost")
    kept = resolve(tiny_lexicon.parse("who?"), alone, tiny_lexicon, PEOPLE, _never_alone)
    assert "value" in kept.parsed.concepts


def test_a_follow_up_asking_for_none_asks_whether_not_the_last_kind(tiny_lexicon: Lexicon) -> None:
    """ "and nothing on tourism?" after "how much was the fisheries deal worth?": whether
    there is a tourism deal, not its worth; "and tourism?" asks the same kind again."""
    context = _after(tiny_lexicon, "how much was the fisheries deal worth")
    context.last_qtype = "how_much"
    same = resolve(tiny_lexicon.parse("and tourism?"), context, tiny_lexicon, PEOPLE, _never_alone)
    assert same.parsed.qtype == "how_much" and "value" in same.parsed.concepts
    none = resolve(
        tiny_lexicon.parse("and nothing on tourism?"), context, tiny_lexicon, PEOPLE, _never_alone
    )
    assert none.parsed.qtype is None and "value" not in none.parsed.concepts
    assert "deal" in none.parsed.concepts


@pytest.mark.parametrize(
    ("message", "asks"),
    [
        ("and nothing on tourism?", True),
        ("no deal on tourism?", True),
        ("no, the other leader", False),  # an answer to the bot, not a question of absence
        ("why is there nothing on tourism?", False),
        ("and tourism?", False),
        ("tourism deal yes or no", False),  # a choice offered
        ("we have no coast, so was there anything at all on fisheries?", False),  # a remark
    ],
)
def test_what_asks_for_none(tiny_lexicon: Lexicon, message: str, asks: bool) -> None:
    assert tiny_lexicon.asks_for_none(tiny_lexicon.parse(message)) is asks


def test_asking_for_none_of_a_thing_leans_on_the_deals_just_discussed(
    tiny_lexicon: Lexicon,
) -> None:
    """ "dairy ka koi nahi?" after a deal: none among the deals, though it opens with no
    follow-up word; a bare "no" names nothing (as "koi baat nahi", never mind, does not)."""
    context = _after(tiny_lexicon, "was there a deal on fisheries")
    none = resolve(
        tiny_lexicon.parse("pearls nothing?"), context, tiny_lexicon, PEOPLE, _never_alone
    )
    assert none.leaned_back and "deal" in none.parsed.concepts
    assert not resolve(
        tiny_lexicon.parse("no"), context, tiny_lexicon, PEOPLE, _never_alone
    ).leaned_back
