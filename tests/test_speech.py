"""Unit tests of the last stages on tiny inline data: saying a decided reply in a language
(bot/brain/speech.py) and telling a message's language (bot/brain/languages.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.brain import Brain
from bot.brain.languages import Detector, main_script
from bot.brain.speech import PARAGRAPH, Choice, Line, Said, Speech, Term, line
from knowledge.loading import load_files
from knowledge.models import LanguagePack, LanguageProfile, Record, RecordTranslation
from tests.conftest import TESTS


def _profile(code: str, script: str, **extra: Any) -> LanguageProfile:
    return LanguageProfile(code=code, name=code, native=code, script=script, **extra)  # type: ignore[arg-type]


PROFILES = [
    _profile("en", "latin", default_for_script=True, words=["the", "how", "what", "did"]),
    _profile("ur-Latn", "latin", words=["kya", "hai", "ke", "kitne"]),
    _profile("ru", "cyrillic", default_for_script=True, words=["что", "сколько"]),
    _profile("kk", "cyrillic", letters="әғқңөұүһі", words=["қанша", "канша", "ма"]),
    _profile("ur", "arabic", default_for_script=True),
]
TEXTS = {
    "en": {
        "yes_prefix": "Yes. ",
        "quoted": "\u201c{text}\u201d",
        "examples_separator": "; ",
        "choice_separator": " or ",
        "what_it_says": "What it says:",
        "no_detail.when": "The record does not say when.",
        "greet": "Hello! Ask about {place}, e.g. {examples}",
        "not_now": "Not now: it reports {date}.",
        "said_by": "{who} said it.",
    },
    "ru": {"yes_prefix": "Да. ", "quoted": "«{text}»", "what_it_says": "В записи:",
           "no_detail.when": "В записи не сказано когда.", "greet": "Привет! Тема: {place}."},
}  # fmt: skip


@pytest.fixture(scope="module")
def record(tiny_language_path: Path) -> Record:
    """The made-up record of tests/data/other_visit (12 March, Chancellor Varga)."""
    return load_files(TESTS / "data" / "other_visit" / "record.yaml", tiny_language_path).record


def _speech(lang: str, record: Record, translation: RecordTranslation | None = None) -> Speech:
    packs = {
        code: LanguagePack(profile=next(p for p in PROFILES if p.code == code), texts=texts)
        for code, texts in TEXTS.items()
    }
    english = {"fair": ("When was the fair?", "Yes. The fair was on 12 March.")}
    return Speech(lang, packs, record, translation, english)


def test_pieces_become_one_text_with_slots_and_record_terms(record: Record) -> None:
    speech = _speech("en", record)
    said = [Line("no_detail.when"), Line("what_it_says"), Said("fair", bare=True)]
    assert speech.render(said) == (
        "The record does not say when. What it says: The fair was on 12 March."
    )
    assert speech.render([Line("not_now")]) == "Not now: it reports 12 March."
    assert speech.render([line("said_by", who=Term("person.varga"))]) == "Chancellor Varga said it."
    assert speech.render([Said("fair"), PARAGRAPH, Said("fair")]).count("\n\n") == 1


def test_examples_and_choices_are_quoted_the_languages_way(record: Record) -> None:
    place = record.visit.place
    first, second = record.examples[:2]
    assert (
        _speech("en", record)
        .text("greet")
        .startswith(f"Hello! Ask about {place}, e.g. \u201c{first}\u201d; \u201c{second}\u201d")
    )
    assert _speech("en", record).render([Choice(("fair",))]) == "\u201cWhen was the fair?\u201d"


def test_a_translation_says_the_same_pieces_in_its_language(record: Record) -> None:
    translation = RecordTranslation(
        language="ru",
        terms={"place": "ярмарка"},
        examples=["Кто приехал?", "Когда?", "Где?", "Что?"][: len(record.examples)],
        topics={"fair": {"ask": "Когда была ярмарка?", "answer": "Да. Ярмарка была 12 марта."}},  # type: ignore[dict-item]
    )
    speech = _speech("ru", record, translation)
    said = [Line("no_detail.when"), Line("what_it_says"), Said("fair", bare=True)]
    assert speech.render(said) == "В записи не сказано когда. В записи: Ярмарка была 12 марта."
    assert speech.text("greet") == "Привет! Тема: ярмарка."
    assert speech.examples[0] == "Кто приехал?"
    assert speech.render([Choice(("fair",))]) == "«Когда была ярмарка?»"


def test_what_a_language_lacks_falls_back_to_english(record: Record) -> None:
    speech = _speech("ru", record)  # no record translation, no "not_now" text
    assert speech.render([Said("fair")]) == "Yes. The fair was on 12 March."
    assert speech.text("not_now") == "Not now: it reports 12 March."


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("how many deals did they sign?", "en"),
        ("kitne muahiday hue kya?", "ur-Latn"),
        ("сколько соглашений?", "ru"),
        ("қанша келісім?", "kk"),  # Kazakh letters
        ("канша келисим бар ма", "kk"),  # typed without them: its words tell
        ("کتنے معاہدے ہوئے؟", "ur"),
        ("kya woh khush the?", "ur-Latn"),  # a tie goes to the less usual language
        ("37?", None),
        ("Tokayev?", None),  # a name tells nothing
    ],
)
def test_a_message_tells_its_language_by_script_letters_and_words(
    text: str, lang: str | None
) -> None:
    assert Detector(PROFILES).detect(text).lang == lang


def test_a_message_that_does_not_tell_gets_the_chats_language_if_its_script_fits() -> None:
    detector = Detector(PROFILES)
    assert detector.choose("Tokayev?", "ur-Latn") == "ur-Latn"
    assert detector.choose("Tokayev?", "ur") == "ur"  # Latin letters for a name tell nothing
    assert detector.choose("37?", "kk") == "kk"
    assert detector.choose("Токаев?", "en") == "ru"  # Cyrillic: not English, the usual one
    assert detector.choose("Tokayev?", None) == "en"
    assert detector.choose("что и сколько?", "kk") == "ru"  # the message's own language wins
    assert detector.choose("сколько?", "kk") == "kk"  # ... if it tells clearly: one word won't
    assert detector.choose("what?", "ur-Latn") == "ur-Latn"  # "ok", "great" in a Roman Urdu chat
    assert detector.choose("how did the deal go?", "ur-Latn") == "en"
    # a sentence in Latin letters in an Urdu-script or Cyrillic chat: the asker switched
    assert detector.choose("how was the visit", "ur") == "en"
    assert detector.choose("how was the visit", "kk") == "en"
    assert detector.choose("the visit?", "ur") == "en"  # two words, in another script


def test_a_latin_message_in_a_chat_of_another_script_switches_unless_it_only_names() -> None:
    """ "thanks bro", "and petroleum?" in an Urdu-script or Cyrillic chat are English; a
    name ("Tokayev?"), a word every language types ("ok") or one letter of the chat's own
    script ("ok thanks یار") is not a switch."""
    detector = Detector(PROFILES, usual=["thanks", "bro", "petroleum", "and", "e"])
    assert detector.choose("thanks bro", "ur") == "en"
    assert detector.choose("and petroleum?", "kk") == "en"
    assert detector.choose("kya hua?", "ur") == "ur-Latn"  # the language it tells
    assert detector.choose("Tokayev?", "ru") == "ru"
    assert detector.choose("Nishan-e-Pakistan?", "ur") == "ur"  # a letter is no word
    assert detector.choose("ok", "ur") == "ur"  # not one of the usual words
    assert detector.choose("ok thanks یار", "ur") == "ur"
    assert detector.choose("thanks bro", "ur-Latn") == "ur-Latn"  # the same script: no switch


def test_a_message_telling_only_a_less_usual_language_of_latin_letters_leaves_the_chats() -> None:
    """ "shukriya" in an English chat: all it tells is Roman Urdu, so the reply is Roman
    Urdu; English words in a Roman Urdu chat do not leave it, and in Cyrillic a Kazakh word
    alone ("рахмет", "канша") does not leave a Russian chat."""
    detector = Detector(PROFILES)
    assert detector.choose("kitne?", "en") == "ur-Latn"
    assert detector.choose("how?", "ur-Latn") == "ur-Latn"
    assert detector.choose("канша", "ru") == "ru"


def test_a_languages_words_count_also_as_typed_without_its_own_letters() -> None:
    kk = _profile("kk", "cyrillic", letters="қі", words=["келісім", "бар"])
    ru = _profile("ru", "cyrillic", default_for_script=True, words=["есть", "ли"])
    assert Detector([kk, ru]).detect("келисим бар").lang == "kk"  # by "бар" alone
    assert Detector([kk, ru], {"і": "и", "қ": "к"}).detect("келисим бар").lang == "kk"
    assert Detector([kk, ru], {"і": "и", "қ": "к"}).detect("келисим").lang == "kk"
    assert Detector([kk, ru]).detect("келисим").lang is None


def test_everyday_words_tell_a_language_unless_the_default_one_has_them_too() -> None:
    en = _profile("en", "latin", default_for_script=True, words=["what", "the"])
    ur = _profile("ur-Latn", "latin", words=["kya", "hai"])
    plain = Detector([en, ur])
    assert plain.detect("mining pe koi agreement").lang is None
    told = Detector([en, ur], everyday={"ur-Latn": ["pe", "koi", "is"]}, common=["is"])
    assert told.detect("mining pe koi agreement").lang == "ur-Latn"
    assert told.detect("what is the agreement").lang == "en"  # "is" is English too


def test_words_a_languages_own_files_use_tell_it_from_its_script_rival(brain: Brain) -> None:
    """ "марапат?" (award) is Kazakh: the word is one the Kazakh files ask and answer with,
    and the Russian ones never use; a Russian question stays Russian."""
    assert brain.detector.detect("марапат?").lang == "kk"
    assert brain.detector.detect("орден аты").lang == "kk"
    assert brain.detector.detect("сколько соглашений подписали?").lang == "ru"
    assert brain.detector.detect("декларация?").lang is None  # both languages write it
    # Kazakh's joining words are its grammar: "пакистан мен казакстан" with Russian words
    assert brain.detector.detect("сколько договор подписали пакистан мен казакстан").lang == "kk"
    assert brain.detector.detect("туралы не айтты?").lang == "kk"


def test_a_languages_grammar_words_count_twice() -> None:
    """ "документ подписали ма?": a Kazakh question particle after a Russian verb; Kazakh
    speakers borrow Russian nouns and verbs, not Russian grammar."""
    ru = _profile("ru", "cyrillic", default_for_script=True, words=["подписали", "документ"])
    plain = _profile("kk", "cyrillic", words=["ма"])
    assert Detector([plain, ru]).detect("документ подписали ма").lang == "ru"  # 1 against 2
    kk = _profile("kk", "cyrillic", words=["ма"], grammar_words=["ма"])
    assert Detector([kk, ru]).detect("документ подписали ма").lang == "kk"  # 2 against 2


def test_english_nouns_inside_another_script_leave_the_message_in_that_script() -> None:
    """Urdu and Russian messages carry English nouns; the names' letters count half beside
    another script, so the Urdu grammar around them decides ("کل MoUs؟" is Urdu)."""
    assert main_script("Maritime sector میں Kazakhstan کے ساتھ کوئی MoU ہوا؟") == "arabic"
    assert main_script("کل MoUs؟") == "arabic"
    assert main_script("Сколько MoU подписали по railway sector?") == "cyrillic"
    assert main_script("What does the award Nishan-e-Pakistan mean, نشان?") == "latin"
    assert main_script("how many MoUs?") == "latin"
