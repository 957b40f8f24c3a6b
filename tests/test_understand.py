"""Unit tests of the understanding stage on tiny inline data: a made-up record and a language
file of a few lines, so each test shows the mechanism, not the real knowledge files."""

from __future__ import annotations

import pytest

from bot.brain import Brain, Context
from bot.brain.understand import Lexicon, Shape, _breaks_a_cluster, _cut_start, capitalised_names


def test_an_ordinary_word_is_ignored_not_a_missing_topic(tiny_lexicon: Lexicon) -> None:
    parsed = tiny_lexicon.parse("when did the visit begin")
    assert parsed.unknown == [] and parsed.neutral == ["begin"]


def test_an_ordinary_word_in_the_object_slot_stays_visible(tiny_lexicon: Lexicon) -> None:
    parsed = tiny_lexicon.parse("did they say anything about useful")
    assert parsed.unknown == ["useful"] and parsed.objects == ["useful"]


def test_an_alias_word_stemmed_into_a_stopword_must_be_typed_whole(
    tiny_lexicon: Lexicon,
) -> None:
    """ "evening" stems to "even": "that evening" is the alias, "is that even true" is not."""
    assert "evening_time" in tiny_lexicon.parse("what happened that evening").concepts
    assert "evening_time" not in tiny_lexicon.parse("is that even true").concepts


def test_an_everyday_word_of_another_language_is_no_form_of_an_english_alias(
    tiny_lexicon: Lexicon,
) -> None:
    """ "miles" stems to "mil", which is Roman Urdu for "met" ("mil ke": together)."""
    assert "distance" in tiny_lexicon.parse("how many miles").concepts
    assert "distance" not in tiny_lexicon.parse("mil ke").concepts


def test_urdu_typed_without_a_space_after_a_letter_that_does_not_join_is_two_words(
    tiny_lexicon: Lexicon,
) -> None:
    """ "کتنےمعاہدے" looks spaced on a phone (ے joins no letter after it): "how many
    agreements"; a word whose halves are not both known stays whole."""
    words = [t.surface for t in tiny_lexicon.tokens("کتنےمعاہدے")]
    assert words == ["کتنے", "معاہدے"]
    assert tiny_lexicon.parse("کتنےمعاہدے").qtype == "count"
    assert [t.surface for t in tiny_lexicon.tokens("کتنےسوال")] == ["کتنےسوال"]


def test_a_noun_nobody_knows_is_unknown(tiny_lexicon: Lexicon) -> None:
    assert tiny_lexicon.parse("where was the dinner").unknown == ["dinner"]


def test_a_word_known_only_inside_a_longer_alias_is_unknown_alone(brain: Brain) -> None:
    # the real files: "gwadar" occurs only in the alias "gwadar city" (an itinerary word)
    parsed = brain.lexicon.parse("was there a deal on gwadar port")
    assert "gwadar" in parsed.unknown
    answer = brain.answer("was there a deal on gwadar port")
    assert "gwadar" in answer.text.casefold()  # never a plain "yes" to a port it does not name


def test_a_word_known_only_inside_another_alias_is_a_slip_where_it_makes_a_phrase(
    brain: Brain,
) -> None:
    # the real files: "gard" is known only from Roman Urdu "dehshat gard" (terrorist); alone
    # it is not corrected, but "gard of" is the start of "guard of honour"
    def words(text: str) -> list[str]:
        return [t.word for t in brain.lexicon.tokens(text)]

    assert "guard" in words("ws thr gard of honr 4 him")
    assert brain.answer("was ther gard of onor").intent == "ceremony"
    assert "guard" not in words("dehshat gard ke khilaf muahida?")
    assert words("gard hai")[0] == "gard"


def test_a_negation_between_two_named_things_denies_the_second(tiny_lexicon: Lexicon) -> None:
    # anywhere in the message, not only at its start
    parsed = tiny_lexicon.parse("sorry, I meant varga not brel - what did he say")
    assert parsed.denied == frozenset({"brel"})
    assert "varga" not in parsed.denied
    # a negation that is also a question word ("не": Kazakh what) denies nothing
    assert not tiny_lexicon.parse("varga не said").denied


def test_what_about_someone_turns_to_him_and_about_someone_speaks_of_him(brain: Brain) -> None:
    turning = brain.lexicon.parse("What about Sharif - what did he call Kazakhstan?")
    assert turning.spoken_of is None  # he is Sharif: his words are asked
    assert brain.lexicon.parse("and about Sharif?").spoken_of == "sharif"


def test_before_him_and_that_time_name_the_past_in_every_language(brain: Brain) -> None:
    # "who went before him?" asks of the previous visitor, whom the record does not name;
    # never Tokayev himself
    for question in ("Кто был до него?", "оған дейін кім барған?", "us waqt kaun aya tha?"):
        answer = brain.answer(question)
        assert answer.topic == "visit_history" and not answer.answered, question


def test_a_typo_is_corrected_towards_the_record(tiny_lexicon: Lexicon) -> None:
    parsed = tiny_lexicon.parse("how many agrements")
    assert parsed.qtype == "count" and "deal" in parsed.concepts


def test_a_phrase_alias_matches_without_the_articles_inside_it(brain: Brain) -> None:
    """ "have nice day" is "have a nice day"; an article at a phrase's end stands for what
    follows ("i need a ..." is a request, "i need the sectors" is not)."""
    assert "bye" in brain.lexicon.parse("ok thank you, have nice day").concepts
    assert "offtopic" not in brain.lexicon.parse("no i need the sectors not count").concepts


def test_a_phrase_alias_may_end_in_a_stem(brain: Brain) -> None:
    # "темір жол*" (railway in Kazakh): whole words, then a word by its start
    assert "railway" in brain.lexicon.parse("темір жолды айтып едім").concepts


def test_a_question_word_outranks_a_small_talk_phrase(brain: Brain) -> None:
    # "got it" is small talk, but "why he got it?" asks something
    assert brain.answer("why did he get the award? got it?").intent != "ok"
    assert brain.answer("ok got it, thanks").intent in ("ok", "thanks")


def test_an_everyday_word_is_never_corrected_into_another(brain: Brain) -> None:
    # "sing" is a word (a slip for "sign" or not, it is not ours to change), "head" too
    assert [t.word for t in brain.lexicon.tokens("sing head")] == ["sing", "head"]
    # a slip is still corrected, to a word of the same concept (a swap is preferred)
    assert "deal" in brain.lexicon.parse("agrement").concepts
    assert brain.lexicon.tokens("agrement")[0].word != "agrement"


def test_function_words_come_from_the_language_file(brain: Brain) -> None:
    from bot.brain.understand import split_questions

    shape = brain.lexicon.grammar
    assert "about" in shape.object_markers and "and" in shape.join_words
    assert split_questions("who came and how many deals?", shape) == ["who came", "how many deals"]
    assert split_questions("Pakistan and Kazakhstan signed what?", shape) == [
        "Pakistan and Kazakhstan signed what"
    ]


def test_a_sentence_ends_after_a_letter_of_any_script(brain: Brain) -> None:
    """ "я студент. когда он приехал?", "میں طالب علم ہوں۔ وہ کب آئے؟": the question apart
    from the introduction, as in English; "U.N. peacekeeping" and "no. of MoUs" stay whole."""
    from bot.brain.understand import split_questions

    shape = brain.lexicon.grammar
    parts = split_questions("я студент. когда он приехал?", shape)
    assert parts == ["я студент", "когда он приехал"]
    assert len(split_questions("میں طالب علم ہوں۔ وہ کب آئے؟", shape)) == 2
    assert split_questions("U.N. peacekeeping deal?", shape) == ["U.N. peacekeeping deal"]
    assert split_questions("no. of MoUs?", shape) == ["no. of MoUs"]
    # Urdu's question mark ends a question as "?" does, and the part is left without it
    urdu = split_questions("ترانے بجے؟ غزہ کا ذکر کس نے کیا؟", shape)
    assert urdu == ["ترانے بجے", "غزہ کا ذکر کس نے کیا"]


def test_numbered_items_are_questions_each_with_or_without_a_mark(brain: Brain) -> None:
    """ "1) ... 2) ...": the numbers split the message, and an item with no question word
    or mark ("trade target") is asked all the same; "$1 billion" and "(MoUs)" split nothing."""
    from bot.brain.understand import split_questions

    shape = brain.lexicon.grammar
    assert split_questions("1) who came 2) trade target", shape) == ["who came", "trade target"]
    assert split_questions("was it $1 billion (by next year)?", shape) == [
        "was it $1 billion (by next year)"
    ]
    answer = brain.answer("(1) how many mous (2) trade target")
    assert "37" in answer.text and "1 billion" in answer.text


def test_a_word_for_the_askers_people_after_my_is_no_topic(brain: Brain) -> None:
    # "students" alone may be the education area; "my students" are who asks
    parsed = brain.lexicon.parse("my students want to know if the anthems were played")
    assert "students" not in parsed.unknown and not set(parsed.concepts) - {
        c for c in brain.lexicon.parse("if the anthems were played").concepts
    }
    assert brain.answer("My students want to know if the anthems were played").intent == "ceremony"
    assert (
        brain.lexicon.parse("any deal on students?").concepts
        != brain.lexicon.parse("any deal?").concepts
    )


def test_small_talk_as_written_beats_a_shared_stem(brain: Brain) -> None:
    # "good" is small talk; "goods" (an alias of the ports area) only shares its stem
    assert "transit_ports" not in brain.lexicon.parse("good").concepts
    assert brain.answer("good, thanks").intent == "thanks"
    context = Context()
    brain.answer("which sectors do the agreements cover?", context)
    assert brain.lexicon.parse("ok what about culture").follow_up  # small talk, then "what about"
    assert brain.answer("ok what about culture", context).answered


def test_words_of_another_script_are_not_missing_topics(brain: Brain) -> None:
    parsed = brain.lexicon.parse("Рахмет, түсінікті")
    assert parsed.unknown == [] and "thanks" in parsed.concepts


def test_a_question_word_after_a_verb_of_saying_is_the_kind_asked(brain: Brain) -> None:
    # "does it say WHEN trains will run": the record names the railway MoU, not a date
    assert brain.lexicon.parse("does it say when trains will start running?").qtype == "when"
    answer = brain.answer("does it say when trains will start running?")
    assert answer.text.startswith("The record does not say when") and not answer.answered


def test_the_word_as_written_beats_a_record_word_that_shares_its_stem(brain: Brain) -> None:
    # "goal" is the trade target's word; "goals" (shared goals) only shares the stem
    concepts = brain.lexicon.parse("who set that goal").concepts
    assert "target" in concepts and "goals" not in concepts
    assert "discuss" in brain.lexicon.parse("was it discussed").concepts  # inflections stay


def test_a_garbled_word_is_a_typo_not_a_missing_topic(brain: Brain) -> None:
    # too far off for the spelling corrector, too close to a word of ours to be a name
    parsed = brain.lexicon.parse("any agrement on vetrinary or plant protecshun")
    assert "protecshun" in parsed.neutral and "protecshun" not in parsed.unknown
    assert "gwadar" in brain.lexicon.parse("a deal on gwadar port").unknown  # names stay


def test_a_word_spelled_by_ear_far_from_ours_by_letters_is_a_slip(brain: Brain) -> None:
    # "protekshn" is four letters from "protection" but sounds the same ("kshn", "ction")
    parsed = brain.lexicon.parse("vetrinary n plant protekshn agrmnt")
    assert "protekshn" in parsed.neutral and "protekshn" not in parsed.unknown
    # what sounds like no word of ours stays a thing the record lacks
    assert "pickles" in brain.lexicon.parse("any mou on pickles").unknown


def test_on_the_list_is_not_a_which_question(brain: Brain) -> None:
    assert brain.lexicon.parse("were mining and veterinary on the list?").qtype == "yes_no"
    assert brain.lexicon.parse("list the agreements").qtype == "list"


def test_a_slip_inside_a_long_stem_of_another_script_is_forgiven(brain: Brain) -> None:
    concepts = brain.lexicon.parse("скока саглашений падписали").concepts
    assert {"deal", "sign"} <= set(concepts)
    # a letter left out or added is not forgiven: "прездиенту" (president) is no "приезд"
    assert "visit" not in brain.lexicon.parse("прездиенту").concepts


def test_kazakh_typed_without_its_vowels_is_read_as_the_word_it_was_cut_from(
    brain: Brain,
) -> None:
    """Kazakh typed fast keeps the consonants: "келсм" is "келісім" (a stem alias),
    "дейн" is "дейін"; a letter left out of a very long stem is forgiven too."""
    assert "deal" in brain.lexicon.parse("келсм бар ма").concepts
    assert "deal" in brain.lexicon.parse("мемрандумдар канша").concepts
    assert brain.lexicon.correct("дейн") in ("дейін", "дейин")
    # Russian inflects by its vowels: a word one vowel short at the end or beside another
    # vowel is another form, not a cut ("срок" is no "сроки", "стол" no "стоили")
    assert brain.lexicon.correct("срок") == "срок"
    assert brain.lexicon.correct("стол") == "стол"
    assert brain.lexicon.correct("бірге") == "бірге"  # a word of the Kazakh profile


def test_a_cut_start_needs_two_vowels_gone_or_one_letter_of_a_very_long_stem() -> None:
    assert _cut_start("келсм", "келісім")
    assert not _cut_start("прездиенту", "приезд")  # one vowel: a slip, not a cut
    assert _cut_start("мемрандумдар", "меморандум")  # one letter of ten
    assert not _cut_start("кмр", "келісім")  # too little kept
    assert _breaks_a_cluster("кандй", "кандай")
    assert not _breaks_a_cluster("срок", "сроки")


def test_the_person_a_little_after_a_word_of_saying_is_the_one_spoken_of(brain: Brain) -> None:
    # "himself" between "about" and the name: Sharif is still whom he spoke of
    assert brain.lexicon.parse("А что он сказал о самом Шарифе").spoken_of == "sharif"
    assert brain.lexicon.parse("что он сказал").spoken_of is None


def test_small_talk_is_said_in_set_words_not_their_stems(brain: Brain) -> None:
    """ "Regards." signs off; "regarding peace" shares its stem and is no goodbye."""
    assert set(brain.lexicon.parse("Regards.").concepts) == {"bye"}
    assert "bye" not in brain.lexicon.parse("and regarding regional peace?").concepts


def test_two_slips_in_a_long_word_keep_its_first_two_letters(brain: Brain) -> None:
    assert brain.lexicon.correct("agrremnts") == "agreements"
    assert brain.lexicon.correct("blinking") != "banking"  # a real word, not two slips


def test_urdu_typed_without_a_letters_mark_or_dots_is_still_read(brain: Brain) -> None:
    assert "award" in brain.lexicon.parse("ایوارد ملا").concepts  # ڈ typed as د
    assert "sharif" in brain.lexicon.parse("سہباز سریف نے کیا کہا").concepts  # ش as س


def test_a_question_word_is_never_a_form_of_a_stem_alias(brain: Brain) -> None:
    # "қала*" (city) would swallow "қалай" (how)
    assert "place" not in brain.lexicon.parse("қалай").concepts
    assert "place" in brain.lexicon.parse("қалада").concepts


def test_the_record_count_is_found_from_its_total_not_named_in_code(
    tiny_lexicon: Lexicon,
) -> None:
    # the made-up record signs 5 agreements; its concept "n5" has the alias "5"
    assert tiny_lexicon.count_concepts == frozenset({"n5"})
    assert tiny_lexicon.agreement_words == frozenset()  # it declares no agreements.signals


def test_counting_a_unit_asks_for_the_records_figure_in_that_unit(brain: Brain) -> None:
    # the record's figure "23 years" (first visit in 23 years); the question names no 23
    assert "n23" in brain.lexicon.parse("after how many years did a kazakh president come").concepts
    assert "23" in brain.answer("after how many years did a kazakh president come").text
    # ... but not when it counts something the record lacks (the length of the stay)
    assert "n23" not in brain.lexicon.parse("how many years did he stay").concepts
    assert "n37" not in brain.lexicon.parse("how many years did he stay").concepts


def test_a_word_typed_without_its_vowels_is_the_word_it_was_cut_from(
    tiny_lexicon: Lexicon,
) -> None:
    assert tiny_lexicon.correct("agrmnt") == "agreement"
    assert tiny_lexicon.parse("hw mny agrmnts").qtype == "count"
    assert tiny_lexicon.correct("dbl") == "double"  # a silent final "e" goes too


def test_a_word_as_phones_shorten_it_is_the_word_the_language_file_lists(
    tiny_lexicon: Lexicon,
) -> None:
    """ "agrmt" lost a consonant too, so no vowel-cutting finds it; the language file's
    `shorthand` does."""
    assert tiny_lexicon.correct("agrmt") == "agreement"
    assert "deal" in tiny_lexicon.parse("how many agrmt").concepts


def test_only_inner_vowels_may_be_missing() -> None:
    from bot.brain.understand import _is_cut_from

    assert _is_cut_from("plnt", "plant") and _is_cut_from("protectn", "protection")
    assert not _is_cut_from("yarn", "yarana")  # the last letter stays
    assert not _is_cut_from("grmnt", "agreement")  # so does the first
    assert not _is_cut_from("prtn", "protection")  # and every consonant


def _shape_of(starts: tuple[str, ...], joins: set[str]) -> Shape:
    """A grammar of question starts and join words only: how a message splits."""
    empty: frozenset[str] = frozenset()
    return Shape(
        question_starts=starts,
        join_words=frozenset(joins),
        object_markers=empty,
        relative_words=empty,
        setting_words=empty,
        group_pronouns=empty,
    )


def test_a_second_question_may_open_with_a_short_word() -> None:
    from bot.brain.understand import split_questions

    shape = _shape_of(("how", "which", "where"), {"and"})
    assert split_questions("how many deals were signed and in which city", shape) == [
        "how many deals were signed",
        "in which city",
    ]
    # only after a question: "no, I asked which city" is one
    assert split_questions("no, I asked which city", shape) == ["no, I asked which city"]
    # a question after a short word, both sides: "on which day ... and from which city"
    assert split_questions("on which day was it and from which city", shape) == [
        "on which day was it",
        "from which city",
    ]


def test_the_items_of_a_list_are_what_commas_and_join_words_separate() -> None:
    from bot.brain.understand import listed_items

    shape = _shape_of(("how",), {"and", "aur"})
    assert listed_items("date, place and number of agreements.", shape) == [
        "date",
        "place",
        "number of agreements",
    ]
    assert listed_items("total MoUs, date aur venue?", shape) == ["total MoUs", "date", "venue"]
    assert listed_items("the trade target", shape) == ["the trade target"]


def test_a_question_word_at_the_end_asks(tiny_lexicon: Lexicon) -> None:
    """ "signed where?": nothing follows the word to make it a clause."""
    assert tiny_lexicon.parse("signed where").qtype == "where"


def test_an_ending_typed_the_other_usual_way_is_the_same_word(brain: Brain) -> None:
    # language.yaml's other_endings: Roman Urdu "ay" for "e" ("kisnay" = "kisne", who)
    assert brain.lexicon.correct("kisnay") == "kisne"
    assert brain.lexicon.parse("tokayev ko kisnay receive kia").qtype == "who"


def test_a_pronoun_inside_a_phrase_points_at_nothing(tiny_lexicon: Lexicon) -> None:
    """ "Who is the chancellor in this story?" names its own subject: "this" belongs to the
    phrase "in this story", so the question does not lean on the last turn."""
    assert not tiny_lexicon.parse("who is the chancellor in this story").thing_pronoun
    assert tiny_lexicon.parse("when was this signed").thing_pronoun


def test_a_person_after_about_is_spoken_of_unless_named_again(tiny_lexicon: Lexicon) -> None:
    assert tiny_lexicon.parse("what did brel say about varga").spoken_of == "varga"
    assert tiny_lexicon.parse("what did varga say").spoken_of is None
    assert tiny_lexicon.parse("about varga: what did varga say").spoken_of is None


def test_a_person_just_after_a_word_of_saying_is_spoken_of(tiny_lexicon: Lexicon) -> None:
    """ "what did brel say of varga", "what did he say varga did": the one after the word of
    saying, when someone (or "he") stands before it; a mention of several words is one."""
    assert tiny_lexicon.parse("what did brel say varga did").spoken_of == "varga"
    assert tiny_lexicon.parse("what did he say varga did").spoken_of == "varga"
    assert tiny_lexicon.parse("what did varga say").spoken_of is None  # no one before it
    assert tiny_lexicon.parse("what did they say about ilsa varga").spoken_of == "varga"


def test_what_a_negation_opening_the_message_denies_is_not_asked(tiny_lexicon: Lexicon) -> None:
    """ "not the ferry, what about fisheries": about fisheries, not the ferry; "not the ferry"
    with nothing else to ask about still is about the ferry."""
    parsed = tiny_lexicon.parse("not the ferry, what about fisheries")
    assert parsed.denied == {"ferry"}
    assert "fisheries" in parsed.concepts and "ferry" not in parsed.concepts
    alone = tiny_lexicon.parse("not the ferry")
    assert "ferry" in alone.concepts and not alone.denied


def test_a_negation_that_is_also_a_question_word_needs_a_cue(tiny_lexicon: Lexicon) -> None:
    """Russian "не" negates, Kazakh "не" asks what: with a cue after it ("не ferry, а
    fisheries") it denies and asks nothing; without one it is the question word."""
    cued = tiny_lexicon.parse("не ferry, а fisheries")
    assert cued.denied == {"ferry"} and cued.qtype is None
    asked = tiny_lexicon.parse("ferry не")
    assert asked.qtype == "what" and not asked.denied
    assert tiny_lexicon.negation_words(tiny_lexicon.tokens("не, не ferry")) == {0, 1}


def test_concepts_come_in_the_knowledge_files_order_not_a_sets(tiny_lexicon: Lexicon) -> None:
    """A set's order follows the hash seed; a parse must not (the same question, the same
    answer, in every process)."""
    assert tiny_lexicon.in_order({"sign", "deal", "greet"}) == ["deal", "sign", "greet"]


def test_an_everyday_word_with_a_letter_dropped_is_no_missing_topic(brain: Brain) -> None:
    """ "visted" is "visited" mistyped, not something the record lacks; "concert" is a word
    of its own, not a slip of "concern"."""
    assert "visted" not in brain.lexicon.parse("wich city tokayv visted").unknown
    assert "concert" in brain.lexicon.parse("where was the state concert").unknown


def test_the_same_question_gets_the_same_answer_whatever_the_hash_seed() -> None:
    """A set's order follows PYTHONHASHSEED; two processes must still answer alike (an
    ``about`` group once picked its concept in a frozenset's order)."""
    import os
    import subprocess
    import sys

    code = (
        "from bot.brain.pipeline import Brain; from knowledge.loading import load_files; "
        "print(Brain(load_files()).answer('How does the piece describe the current level of "
        "trade between the two countries - big or small?').text)"
    )
    texts = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(texts) == 1, texts


def test_the_last_word_of_a_question_phrase_may_name_a_thing_of_the_record(
    brain: Brain,
) -> None:
    """ "which ministers" asks who and names ministers (people the record does not have);
    "сколько лет" asks how many and names the years; "what day" names only the kind."""
    ministers = brain.lexicon.parse("which ministers signed the MoUs?")
    assert ministers.qtype == "who" and "other_person" in ministers.concepts
    assert "history" in brain.lexicon.parse("сколько лет не был в пакистане").concepts
    assert brain.lexicon.parse("what day was he welcomed").qtype == "when"
    # a "when" phrase whose last word is the record's date names it too, as "which date"
    # does in English: after the 23 years, "қай күні?" asks the visit's date, not theirs
    assert "date" in brain.lexicon.parse("Бұл сапар қай күні болды?").concepts
    assert "date" in brain.lexicon.parse("کس تاریخ کو ہوا؟").concepts


def test_a_yes_no_word_inside_a_roman_urdu_sentence_asks_what(brain: Brain) -> None:
    """ "Tokayev ne Shehbaz ko kya kaha?" asks what he said; "kya" first or last asks
    whether ("kya Tokayev aaye the?", "Tokayev aaye the kya?")."""
    parse = brain.lexicon.parse
    assert parse("Tokayev ne Shehbaz ko kya kaha?").qtype == "what"
    assert parse("kya Tokayev aaye the?").qtype == "yes_no"
    assert parse("Tokayev aaye the kya?").qtype == "yes_no"


def test_an_object_marker_names_the_first_word_after_it_not_a_later_one(
    tiny_lexicon: Lexicon,
) -> None:
    """ "about India" names India; in "about the ferry trying to ..." the marker named the
    ferry, and "trying" is no missing topic of its own."""
    assert tiny_lexicon.parse("what did brel say about india").objects == ["india"]
    assert tiny_lexicon.parse("what did brel say about the gizmo").objects == ["gizmo"]
    later = tiny_lexicon.parse("what did brel say about the ferry gizmo")
    assert "gizmo" not in later.objects


def test_an_is_inside_a_statement_asks_nothing_but_li_does(brain: Brain) -> None:
    """ "The trade target is $5 billion by 2030, correct?" is a claim to check: its "is"
    stands inside a statement; "Is the target $5 billion?" asks, and so does Russian "ли"
    wherever it stands."""
    lexicon = brain.lexicon
    assert lexicon.asks_nothing_here(
        lexicon.parse("The trade target is $5 billion by 2030, correct?")
    )
    assert not lexicon.asks_nothing_here(lexicon.parse("Is the target $5 billion?"))
    assert not lexicon.asks_nothing_here(lexicon.parse("Встречался ли Токаев с Зардари?"))


def test_a_question_word_made_indefinite_asks_yes_or_no(tiny_lexicon: Lexicon) -> None:
    """Russian "что-то подписали?" (did they sign something?) asks whether, as "any" does;
    "что" alone asks what."""
    assert tiny_lexicon.parse("deal что-то sign").qtype == "yes_no"
    assert tiny_lexicon.parse("deal что то sign").qtype == "yes_no"
    assert tiny_lexicon.parse("что deal sign").qtype == "what"


def test_what_how_many_counts_is_the_noun_after_it(tiny_lexicon: Lexicon) -> None:
    assert tiny_lexicon.parse("how many agreements").counted == {"deal"}
    assert tiny_lexicon.parse("how many of the agreements").counted == {"deal"}
    assert tiny_lexicon.parse("how many things did they sign").counted == {"sign"}
    assert tiny_lexicon.parse("how many").counted is None  # nothing named: nothing to check
    assert tiny_lexicon.parse("when did they sign").counted is None  # no count asked


def test_a_noun_no_concept_names_counts_what_the_record_may_lack(brain: Brain) -> None:
    # the real files: "people" is an everyday English noun that no concept names
    assert brain.lexicon.parse("how many people came with Tokayev?").counted == frozenset()
    # a unit inside the question phrase ("сколько лет") is counted by the record's figures
    assert brain.lexicon.parse("сколько лет не было визита?").counted is None
    # a verb of another script after the count word counts nothing ("how much will it be")
    assert brain.lexicon.parse("сауда канша болады").counted is None


def test_i_want_to_know_asks_and_is_no_errand(brain: Brain) -> None:
    # "i want to" opens an errand the bot declines; "i want to know" asks a question
    assert "offtopic" not in brain.lexicon.parse("I want to know who signed").concepts
    assert "offtopic" in brain.lexicon.parse("i want to buy a ticket").concepts


def test_a_country_before_a_word_of_saying_speaks_through_its_leader(brain: Brain) -> None:
    """ "how does Pakistan see Kazakhstan?", "кем Пакистан считает Казахстан?": Pakistan's
    leader speaks; a country spoken of ("about Pakistan") or beside "he" does not."""
    lexicon = brain.lexicon
    assert "sharif" in lexicon.parse("how does Pakistan see Kazakhstan?").concepts
    assert "sharif" in lexicon.parse("кем Пакистан считает Казахстан?").concepts
    assert "sharif" not in lexicon.parse("what did they say about Pakistan?").concepts
    assert "sharif" not in lexicon.parse("what did he say Pakistan is?").concepts


def test_urdu_kis_asks_which_as_roman_urdu_kis_does(brain: Brain) -> None:
    """ "کس راستے" (which route) asks which, as "kis" does; "کس بارے میں" (about what) asks
    what, and "کس نے" (by whom) who: the longer phrase wins."""
    assert brain.lexicon.parse("ٹرک کس راستے سے جائیں گے؟").qtype == "list"
    assert brain.lexicon.parse("یہ معاہدہ کس بارے میں ہے؟").qtype == "what"
    assert brain.lexicon.parse("کس نے دستخط کیے؟").qtype == "who"


def test_a_capitalised_cyrillic_word_inside_a_sentence_is_a_name() -> None:
    """Russian and Kazakh write common nouns in lower case: "Актау" after the start of a
    sentence is a name; the first word of a sentence, or a message in title case, is not."""
    assert capitalised_names("Упоминается ли порт Актау?") == {"актау"}
    assert capitalised_names("Порт упоминается. Какой?") == frozenset()
    assert capitalised_names("Какие Соглашения Подписали") == frozenset()


def test_a_name_of_another_script_the_record_lacks_is_no_yes(brain: Brain) -> None:
    parsed = brain.lexicon.parse("Упоминается ли порт Актау?")
    assert parsed.unknown == ["актау"]
    assert not brain.answer("Упоминается ли порт Актау?").answered


def test_a_sum_to_work_out_is_off_the_topic_not_a_figure_of_the_record(
    tiny_lexicon: Lexicon,
) -> None:
    """ "what is 5 times 3": the record's 5 agreements are not asked about; "how many times"
    and "5 agreements" still are what they were."""
    parsed = tiny_lexicon.parse("what is 5 times 3")
    assert "n5" not in parsed.concepts and "offtopic" in parsed.concepts
    assert "n5" not in tiny_lexicon.parse("5 times the 3").concepts  # a stopword between
    counting = tiny_lexicon.parse("how many times did they sign 5 agreements")
    assert "offtopic" not in counting.concepts
    assert "n5" in tiny_lexicon.parse("did they sign 5 agreements").concepts


def test_a_phrasal_verb_names_its_concept_with_words_between(tiny_lexicon: Lexicon) -> None:
    """ "who put the medal on her?": the particle of "put on" may stand a few words (or
    phrases) after its verb; too far, or another word than a particle, and the verb alone
    names nothing."""
    assert "give" in tiny_lexicon.parse("who put the medal on her").concepts
    assert "give" in tiny_lexicon.parse("did they hand the deal over").concepts
    # a name of several words between counts as one ("the Nishan-e-Pakistan")
    assert "give" in tiny_lexicon.parse("who put the order of the silver gull on her").concepts
    assert "give" not in tiny_lexicon.parse("who put the medal in a box").concepts
    assert "give" not in tiny_lexicon.parse("who put the big shiny gold medal on").concepts


def test_any_on_something_leaves_its_thing_unsaid(tiny_lexicon: Lexicon) -> None:
    """ "any on tobacco?", after a question on the deals, asks "any [deal] on tobacco?": it
    leans on the last turn as "was there one on it?" does; "anything" that is what is said
    ("did they say anything about tobacco?") leaves nothing unsaid."""
    assert tiny_lexicon.parse("any on tobacco").thing_pronoun
    assert tiny_lexicon.parse("and any on tobacco").thing_pronoun
    assert not tiny_lexicon.parse("did they say any about tobacco").thing_pronoun
    assert not tiny_lexicon.parse("any tobacco").thing_pronoun


@pytest.mark.parametrize("question", ["which town was it in", "what venue hosted it"])
def test_a_place_asked_by_its_kind_asks_where(brain: Brain, question: str) -> None:
    """ "which town", "what venue" ask where, as "which city" does (the language file)."""
    assert brain.lexicon.parse(question).qtype == "where"


def test_a_word_written_as_a_name_is_corrected_only_into_a_name_of_the_record(
    brain: Brain,
) -> None:
    """ "Kaghan" is a valley and "Istanbul" a city, not slips for Roman Urdu "kaghaz" or
    "istaqbal"; a capitalised slip of the record's own name is still corrected."""
    words = {t.surface: t.word for t in brain.lexicon.tokens("best month to visit Kaghan valley")}
    assert words["kaghan"] == "kaghan"
    assert brain.lexicon.tokens("a company in Istanbul")[-1].word == "istanbul"
    assert brain.lexicon.tokens("did he meet Tokayevv")[-1].word == "tokayev"  # its name
    # written in lower case, it is read as any other word
    assert brain.lexicon.tokens("best month to visit kaghan valley")[4].word != "kaghan"


def test_a_word_spelled_by_ear_is_the_one_word_that_sounds_the_same() -> None:
    from bot.brain.understand import _sound, _sounds

    assert _sound("prizner") == _sound("prisoner") and _sound("onor") == _sound("honour")
    alike = _sounds(
        ["prisoner", "prisnor", "medal", "model", "honor", "honour", "detail"],
        {"prisoner": ("prisoners",), "prisnor": ("prisoners",)},
    )
    assert alike[_sound("prizner")] == "prisnor"  # two words of one concept
    assert _sound("modal") not in alike  # "medal" or "model": two words, so neither
    assert alike[_sound("onor")] == "honor"  # two spellings of one word


def test_a_word_typed_by_ear_is_corrected_only_a_letter_or_two_away(brain: Brain) -> None:
    assert brain.lexicon.correct("prizner") in ("prisoner", "prisnor")
    assert brain.lexicon.correct("detales") == "details"
    assert brain.lexicon.correct("mango") == "mango"  # sounds like "mining", but 4 letters off
    assert brain.lexicon.correct("faisla") == "faisla"  # Roman Urdu: never by English ear


def test_sms_n_joins_two_questions_as_and_does(brain: Brain) -> None:
    from bot.brain.understand import split_questions

    grammar = brain.lexicon.grammar
    assert split_questions("how many agreements n which award did he get", grammar) == [
        "how many agreements",
        "which award did he get",
    ]
    assert len(split_questions("Pakistan n Kazakhstan signed how many?", grammar)) == 1


def test_what_someone_hopes_or_wants_is_what_they_said(brain: Brain) -> None:
    """ "what does Sharif hope for?", "what did he want?": a wish is said, so it asks the
    person's words, not who the person is."""
    assert "say" in brain.lexicon.parse("what does Sharif hope for").concepts
    # a want is a stated aim (the language file's "wish"): answered by what was said
    assert brain.answer("so what did he want from Tokayev").intent == "statement"
    assert brain.answer("what does Sharif hope for").intent == "statement"
    # "I want to know" asks; it says nothing
    assert "say" not in brain.lexicon.parse("I want to know the date").concepts


def test_a_request_for_help_with_the_askers_own_matter_is_off_topic(brain: Brain) -> None:
    """ "should i invest in railway stocks", "how to say railway in Urdu": the asker wants
    help with a matter of his own, whatever record word it uses; a question of the record
    asked with the same words is still answered."""
    for message in (
        "should i invest in railway stocks",
        "how to say railway in Urdu",
        "how to open a trade account for forex",
        "steps to register a shipping company",
    ):
        assert brain.answer(message).intent == "off_topic", message
    assert brain.answer("can you help me: how many agreements were signed?").answered
    assert brain.answer("what should i know about the award?").intent == "award"


def test_the_best_of_something_is_a_request_for_a_ranking_the_record_never_gives(
    brain: Brain,
) -> None:
    """ "best biryani in isb?", "best actor award at the oscars": a superlative asks for a
    recommendation or a ranking, whatever record word (Islamabad, award) it uses; "ur the
    best" is a compliment; a deal of the record asked with "best" is still answered."""
    for message in ("best biryani in isb?", "who won best actor award at the oscars"):
        assert brain.answer(message).intent == "off_topic", message
    assert brain.answer("ur the best").intent == "ok"
    assert brain.answer("was the best deal the railway one?").answered


def test_a_word_the_record_uses_alone_names_its_concept_not_a_stem_cousin(brain: Brain) -> None:
    # "values" is the record's word ("shared values"), not a plural of "value" (a price)
    answer = brain.answer("did he mention any values?")
    assert answer.answered and "shared values" in answer.text


def test_how_much_investment_is_the_value_the_record_does_not_give(brain: Brain) -> None:
    # "how much" and "$" ask an amount as "worth" does; not the headline's "investment"
    for question in ("how much investment will come", "investment commitments in $?"):
        answer = brain.answer(question)
        assert not answer.answered and "does not say what the agreements are worth" in answer.text


def test_a_question_word_with_its_did_run_on_is_the_question_word(brain: Brain) -> None:
    # "why'd", "how'd": the apostrophe goes, "whyd" is no word the record lacks
    parsed = brain.lexicon.parse("why'd they give it to him")
    assert parsed.qtype == "why" and not parsed.unknown


def test_words_swapped_between_languages_inside_a_phrase_still_name_it(brain: Brain) -> None:
    from bot.brain.understand import _both_ways

    assert _both_ways({"taawun": ["cooperation"]}) == {
        "taawun": ("cooperation",),
        "cooperation": ("taawun",),
    }
    # "taawun barhane" is a phrase alias; typed with the English noun it is the same phrase
    assert "strategic" in brain.lexicon.parse("sharif ne cooperation barhane ki baat ki").concepts
    assert "strategic" not in brain.lexicon.parse("cooperation ki baat ki").concepts


def test_a_letter_typed_again_for_stress_is_the_word_with_it_once(brain: Brain) -> None:
    words = [t.word for t in brain.lexicon.tokens("what about gaaza and the agreeements")]
    assert "gaza" in words and "agreements" in words
    # a word of its own with a double letter is not cut into a record word ("traine")
    assert "trainee" in [t.word for t in brain.lexicon.tokens("a protocol trainee")]


def test_how_many_cut_to_its_consonants_asks_a_count(brain: Brain) -> None:
    # "hw" and "mny" each have a spelling of their own; together they are "how many"
    assert brain.lexicon.parse("hw mny deals").qtype == "count"


def test_a_phrase_holding_the_question_words_whole_still_names_its_concept(brain: Brain) -> None:
    # "kis ne" asks who; "kis ne diya" (who gave) is also a phrase of the give concept
    parsed = brain.lexicon.parse("ye award kis ne diya unhe?")
    assert parsed.qtype == "who" and "give" in parsed.concepts
    assert not brain.answer("ye award kis ne diya unhe?").answered  # the record lacks who
    # a negation's words stay out: "not much" is no phrase of "much" here
    assert "trade_level" not in brain.lexicon.parse("so not much about peacekeeping").concepts


def test_a_long_vowel_typed_twice_is_the_everyday_word_not_a_record_word(brain: Brain) -> None:
    # "asaan" is "asan" (easy), a Roman Urdu everyday word: no slip for the record's "amaan"
    assert brain.lexicon.correct("asaan") == "asan"
    assert "peace" not in brain.lexicon.parse("koi asaan tareeqa").concepts


def test_three_urdu_words_typed_without_spaces_are_three_words(brain: Brain) -> None:
    # ے joins no letter after it: "کتنےمعاہدےہوئے" looks spaced; ۓ is how phones type ئے
    words = [t.surface for t in brain.lexicon.tokens("کتنےمعاہدےہوۓ")]
    assert words == ["کتنے", "معاہدے", "ہوئے"]
    assert brain.answer("پاکستان قزاقستان کے بیچ کتنےمعاہدےہوۓ").intent == "agreements_count"


def test_phone_shortenings_and_a_preposition_are_no_missing_topics(brain: Brain) -> None:
    # "incl", "esp", "thru" stand for their words; "till" asks "till when", no cash till
    assert [brain.lexicon.correct(w) for w in ("incl", "esp", "thru")] == [
        "including",
        "especially",
        "through",
    ]
    parsed = brain.lexicon.parse("till when")
    assert parsed.qtype == "when" and not parsed.unknown


def test_a_blessing_said_as_thanks_is_small_talk_not_the_records_joy(brain: Brain) -> None:
    for wish in ("jeete raho beta, khush raho", "Бақытты бол, балам", "اللہ آپ کو خوش رکھے"):
        assert brain.answer(wish).intent == "thanks", wish
    assert brain.answer("was sharif khush about the visit?").intent == "statement"


def test_everyday_acknowledgements_and_greetings_are_small_talk(brain: Brain) -> None:
    # "принял" (got it) is no reception, "noted" no statement, "your day" no date
    expected = {"ок, принял": "ok", "noted, cheers": "ok", "peace out": "bye"}
    expected["hello bot, how's your day going"] = "greet"
    for message, intent in expected.items():
        assert brain.answer(message).intent == intent, message
    assert brain.answer("Кто принял Токаева?").intent == "people"


def test_a_category_word_is_no_other_thing_beside_a_denied_one(brain: Brain) -> None:
    """ "not even the health sector?" asks about health ("sector" only frames it); "not the
    railway sector, the maritime one" still denies the railway."""
    assert brain.lexicon.parse("not even health sector?").denied == frozenset()
    denied = brain.lexicon.parse("not the railway sector, the maritime one").denied
    assert "railway" in denied


def test_a_kind_word_before_its_question_word_asks_that_kind(brain: Brain) -> None:
    """ "which year" asks when; so do "سال کون سا تھا؟" and "год какой был", which put the
    question word after it; "Исламабадта қай қонақүйге" asks which hotel, not where."""
    parse = brain.lexicon.parse
    assert parse("سال کون سا تھا؟").qtype == "when"
    assert parse("а год какой был").qtype == "when"
    assert parse("Тоқаев Исламабадта қай қонақүйге тоқтады?").qtype != "where"


def test_a_phrase_before_a_setting_word_only_sets_the_scene(brain: Brain) -> None:
    """ "Сапар кезінде", "visit ke dauran" (during the visit) say when, not what is asked:
    the award is, not the visitor."""
    parsed = brain.lexicon.parse("Сапар кезінде Тоқаевқа қандай марапат берілді?")
    assert "visit" not in parsed.concepts and "award" in parsed.concepts
    assert brain.answer("visit ke dauran tokayev ko kya award mila?").intent == "award"


def test_a_person_before_the_saying_verb_after_he_is_the_one_spoken_of(brain: Brain) -> None:
    """Kazakh and Urdu put the verb last: "ол Шарифті қалай атады?" (he Sharif how called),
    "انہوں نے شہباز شریف کو کیا کہا؟"; in English the one spoken of follows the verb, and a
    name before it speaks ("How did President Tokayev describe Sharif?")."""
    parse = brain.lexicon.parse
    assert parse("Ал ол Шарифті қалай атады?").spoken_of == "sharif"
    assert parse("انہوں نے شہباز شریف کو کیا کہا؟").spoken_of == "sharif"
    assert parse("How did President Tokayev describe Prime Minister Sharif?").spoken_of == "sharif"


def test_an_ending_pattern_applies_after_the_stem_a_word_names(brain: Brain) -> None:
    """The Kazakh future ending "-ади" of "барады" is no ending in "исламабади", a slip of
    the city's name: the stem "исламабад" takes those letters."""
    assert "future_tense" not in brain.lexicon.parse("када токаев был в исламабади").concepts
    assert brain.answer("када токаев был в исламабади").intent == "visit_date"


def test_a_repeated_question_word_with_the_agent_marker_asks_who(brain: Brain) -> None:
    """ "kis kis ne sign kiya?": "kis kis" lists, but with "ne" (who did it) it asks who,
    all of them; "kis kis cheez par" still asks which things."""
    assert brain.lexicon.parse("kis kis ne sign kiya?").qtype == "who"
    assert brain.lexicon.parse("کس کس نے دستخط کیے؟").qtype == "who"


@pytest.mark.parametrize("message", ["ладно, хорошего дня", "ok gud nyt", "khudai pa amaan"])
def test_everyday_partings_are_small_talk(brain: Brain, message: str) -> None:
    assert "bye" in brain.lexicon.parse(message).concepts


def test_a_russian_or_roman_urdu_future_form_is_the_future(brain: Brain) -> None:
    """A prefixed Russian verb in a non-past form ("пойдут", "запустят") and a Roman Urdu
    verb with its future ending ("aayega", "banegi") or particle ("ban jaye gi") ask of the
    future, which no date of the record answers; the past ("подписали") and English words
    that only contain such an ending ("passenger") do not."""
    future = (
        "когда пойдут поезда",
        "когда откроют границу",
        "dollar kab neeche aayega",
        "nayi line kab tak ban jaye gi",
        "pipeline banegi kya",
    )
    for text in future:
        assert "future_tense" in brain.lexicon.parse(text).concepts, text
    for text in ("когда подписали соглашения", "my passenger says tokayev came"):
        assert "future_tense" not in brain.lexicon.parse(text).concepts, text
    assert brain.answer("Когда пойдут поезда?").intent == "not_in_record"


def test_which_day_in_roman_urdu_asks_when(brain: Brain) -> None:
    """ "kon sa din tha" (which day was it) asks for the date, as "kis din" does; "hafte ka
    kon sa din" asks the day of the week, which the record does not give."""
    assert brain.lexicon.parse("kazakh president aya tha kon sa din tha").qtype == "when"
    assert brain.answer("hafte ka kon sa din tha").intent == "not_in_record"


def test_a_word_of_its_own_is_not_stemmed_into_another() -> None:
    from bot.text import stem

    assert stem("trains") == stem("train")  # a plural is its noun
    assert stem("training") != stem("train")  # "medical training" is no railway
    assert stem("news") != stem("new")
    assert stem("trading") == stem("trade")  # (other -ing forms still are their verb)


def test_a_duration_verb_ending_a_question_of_time_is_no_word_of_the_past(brain: Brain) -> None:
    """ "how long did the visit last?" asks how long it lasted, not of "the last visit";
    "when did one visit last?" and "how long since the last visit?" still ask of the past."""
    lexicon = brain.lexicon
    assert "past" not in lexicon.parse("how long did the visit last?").concepts
    assert "past" not in lexicon.parse("how many days did the trip last in total?").concepts
    assert "past" in lexicon.parse("how long since the last visit?").concepts
    assert "past" in lexicon.parse("when did a kazakh president visit last?").concepts


def test_two_clauses_that_each_ask_inside_are_two_questions(brain: Brain) -> None:
    """Urdu and Kazakh ask where the question word stands: "date kya thi aur ye sab kis
    shehar mein hua" is two questions; "Pakistan aur Kazakhstan ne kitne MoU sign kiye" one."""
    from bot.brain.understand import split_questions

    grammar = brain.lexicon.grammar
    assert len(split_questions("date kya thi aur ye sab kis shehar mein hua?", grammar)) == 2
    assert (
        len(split_questions("Тоқаевқа қандай орден берілді, бұл неше жылдағы сапар?", grammar)) == 2
    )
    assert len(split_questions("Pakistan aur Kazakhstan ne kitne MoU sign kiye?", grammar)) == 1


def test_an_acronym_is_a_name_no_spelling_slip(brain: Brain) -> None:
    """ "KSE 100 closing today?": an acronym, even first in the message, is no slip for a
    word of the language ("kaise"); a message all in capitals is shouting, not names."""
    from bot.brain.understand import latin_names

    assert "kse" in latin_names("KSE 100 closing today?")
    assert latin_names("HOW MANY MOUS SIGNED") == frozenset()
    assert "kse" in brain.lexicon.parse("KSE 100 closing today?").unknown
