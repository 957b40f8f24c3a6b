"""Whatever arrives, the brain replies briefly and never raises (property-based)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.brain import Brain, Context

WORDS = st.sampled_from(
    ["how", "many", "deals", "tokayev", "and", "he", "railway", "?", "what", "year", "not",
     "😀", "\u200b", "\x07", "سلام", "сколько", "$1bn", "37", "it", "who", "visa", "deal"]
)  # fmt: skip


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300))
def test_any_text_gets_a_short_reply(brain: Brain, text: str) -> None:
    answer = brain.answer(text, Context())
    assert answer.text and len(answer.text) < 4096
    assert 0.0 <= answer.confidence <= 1.0


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(turns=st.lists(st.lists(WORDS, max_size=12).map(" ".join), min_size=1, max_size=5))
def test_conversations_of_record_words_never_break(brain: Brain, turns: list[str]) -> None:
    context = Context()
    for turn in turns:
        answer = brain.answer(turn, context)
        assert answer.text
        for source in answer.sources:
            assert source in brain.knowledge.source_text
