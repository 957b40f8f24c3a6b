"""kb check's translation errors: a translation must say what its English says."""

from __future__ import annotations

from dataclasses import replace

from bot.brain import Brain
from bot.translations import missing_languages, problems
from knowledge.loading import Knowledge
from knowledge.models import LanguagePack, RecordTranslation


def test_the_bots_own_translations_are_complete_and_faithful(brain: Brain) -> None:
    knowledge = brain.knowledge
    assert problems(knowledge) == []
    assert missing_languages(knowledge) == []


def _with_russian(knowledge: Knowledge, texts: dict[str, str]) -> Knowledge:
    ru = knowledge.languages["ru"]
    languages = {**knowledge.languages, "ru": LanguagePack(profile=ru.profile, texts=texts)}
    return replace(knowledge, languages=languages)


def test_a_missing_key_another_slot_or_an_invented_figure_is_an_error(brain: Brain) -> None:
    knowledge = brain.knowledge
    texts = dict(knowledge.languages["ru"].texts)
    del texts["clarify"]
    texts["not_said_by"] = "В записи не сказано, что {кто} это сказал."  # slot renamed
    texts["bye"] = "До свидания! Ждём вас в 2025 году."  # a figure the English lacks
    found = problems(_with_russian(knowledge, texts))
    assert any("clarify: missing" in p for p in found)
    assert any("not_said_by: slots" in p for p in found)
    assert any("bye: figure 2025" in p for p in found)
    assert all("/ru" in p for p in found)


def test_a_record_translation_must_cover_every_topic_with_its_figures(brain: Brain) -> None:
    knowledge = brain.knowledge
    kk = knowledge.translations["kk"]
    topics = dict(kk.topics)
    first = next(iter(topics))
    del topics[first]
    broken = RecordTranslation(
        language="kk", terms=kk.terms, examples=kk.examples[:1], topics=topics
    )
    found = problems(replace(knowledge, translations={**knowledge.translations, "kk": broken}))
    assert any(f"topics.{first}.ask: missing" in p for p in found)
    assert any("examples: 1 given" in p for p in found)


def test_aliases_of_a_translation_name_the_records_concepts(brain: Brain) -> None:
    ru = brain.knowledge.translations["ru"]
    wrong = ru.model_copy(update={"aliases": {"railwya": ["жд"]}})
    found = problems(
        replace(brain.knowledge, translations={**brain.knowledge.translations, "ru": wrong})
    )
    assert any("aliases.railwya: not a concept" in p for p in found)


def test_a_translations_aliases_are_words_the_brain_knows(brain: Brain) -> None:
    """The words of each language come from its translation file, not from the code (a
    made-up word, so that no real alias already has it)."""
    from bot.brain.understand import Lexicon

    knowledge = brain.knowledge
    ru = knowledge.translations["ru"]
    extra = ru.model_copy(update={"aliases": {**ru.aliases, "railway": ["зюзюк*"]}})
    lexicon = Lexicon(replace(knowledge, translations={**knowledge.translations, "ru": extra}))
    assert "railway" in lexicon.parse("была ли зюзюка?").concepts
    assert "railway" not in brain.lexicon.parse("была ли зюзюка?").concepts
