"""Choosing the reply once topics are scored: small rules, tried in a fixed order.

Each rule looks at one situation ("the question names an area the best topic ignores",
"it asks for a number the record does not give") and either returns an Answer or passes.
The order goes from the most cautious: a wrong confident answer is worse than saying the
record does not say. Rules refer to concepts only through what the knowledge files declare
(anchors, areas, people, weights), never to a particular fact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.answer import Answer
from bot.brain import compose
from bot.brain.config import CONFIG
from bot.brain.context import AREA_FRAME
from bot.brain.dates import contradicts, dates_in, record_date
from bot.brain.frozen import evolve
from bot.brain.kinds import Slots
from bot.brain.retrieve import Candidate
from bot.brain.speech import Line, Piece, Said, Speech, Term, line
from bot.brain.topics import Topic
from bot.brain.understand import OFF_TOPIC, SAYING, Lexicon, Parsed
from bot.text import is_latin, number_value
from knowledge.basics import QTYPE_CONCEPTS

if TYPE_CHECKING:
    from knowledge.models import Person, Record

AGREEMENT_INTENTS = frozenset(
    {"agreement_area", "agreement_not_named", "agreements_count", "agreements_list"}
)
LIST_INTENT = "agreements_list"  # a topic that lists the agreement areas the record names
COMBINABLE = {"area": "area", "unnamed": "area", "person": "person", "statement": "statement"}
GENERIC_DEAL_CONCEPTS = frozenset({"deal", "sign", "count_word"}) | QTYPE_CONCEPTS
CLOSED_QTYPES = (None, "yes_no", "what", "list", "how")
RECORD_WIDE_QTYPES = ("when", "where")  # every event of the record shares its date and place
IDENTITY_QTYPES = ("who", "names", "list")
PRESUMING = frozenset({"what", "why"})  # questions that take their facts for granted
CHECKING = (None,)  # "Nazarbayev came to Islamabad, right?": a claim to check, no question word
EVENTS = frozenset({"fact", "statement", "target"})  # what happened, not areas or profiles
SPECIFICS = "specifics"  # the language file's concept for "exactly", "what kind of", "именно"
# the language file's "will", "next time"; and "start", "начнут": what the agreements start is
# yet to come (unless asked in the past: "when did the talks begin?")
ONSET = "onset"
VISIT = "visit"  # the language file's concept for visiting, going to a place
FUTURE = frozenset({"future_tense", "future", ONSET})
COUNT_WORD = "count_word"  # the language file's "number", "total", "tadaad"
DATE = "date"  # the language file's concept of an event's date ("date", "dated", "month")
FRAME = frozenset({"deal", "sign", "discuss"})  # with the record's agreement words: asks of deals
DEAL_WORDS = frozenset({"deal", "sign"})  # the language file's concepts for agreements, signing


@dataclass(frozen=True)
class View:
    """What the rules may read of the brain: the record and its words, nothing mutable."""

    record: Record
    lexicon: Lexicon
    slots: Slots
    people: Mapping[str, Person]
    speech: Speech  # English: rules compose in it, the brain then says it in the asker's
    examples: tuple[str, ...]
    suggestions_for: Callable[[Topic], tuple[str, ...]]
    topics: Mapping[str, Topic] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    """One question being decided: what was parsed and how the topics scored."""

    brain: View
    parsed: Parsed
    mentioned: tuple[str, ...]  # people named, directly or as "he"
    candidates: tuple[Candidate, ...]  # those with enough evidence, best first
    ranked: tuple[Candidate, ...]  # every topic that could be considered, best first
    best: Candidate
    conf: float
    unknown: tuple[str, ...]  # words neither the record nor the language files know

    @property
    def topic(self) -> Topic:
        return self.best.topic

    @property
    def suggestions(self) -> tuple[str, ...]:
        return self.brain.suggestions_for(self.topic)

    @property
    def yes_asked(self) -> bool:
        """ "Was there a railway deal?" is answered "Yes. ..."; "which one is about trains?"
        by the deal alone: an answer opens with yes only when yes or no was asked."""
        asked = self.parsed.qtype in (*CHECKING, "yes_no")
        return asked and not self.brain.lexicon.asks_for_none(self.parsed)

    def others(self) -> list[Candidate]:
        """The candidates but the best's topic, best first (a redirect may have moved it,
        onto a topic that scored on its own too)."""
        return [c for c in self.candidates if c.topic.id != self.best.topic.id]

    def with_best(self, best: Candidate) -> Case:
        """The same question decided on another topic, with its confidence recomputed."""
        others = [c for c in self.candidates if c is not best]
        conf = compose.confidence(best, others[0] if others else None)
        return evolve(self, best=best, conf=conf)

    def reply(
        self,
        said: Sequence[Piece] | None = None,
        *,
        answered: bool | None = None,
        intent: str | None = None,
        sources: list[str] | None = None,
    ) -> Answer:
        if said is None:
            said = (Said(self.topic.id, bare=not self.yes_asked),)
        return compose.from_topic(
            self.topic, self.conf, self.suggestions, self.brain.speech,
            said=said, answered=answered, intent=intent, sources=sources,
        )  # fmt: skip

    def not_in_record(self, said: Sequence[Piece], conf: float | None = None) -> Answer:
        return compose.from_topic(
            self.topic,
            self.conf if conf is None else conf,
            self.suggestions,
            self.brain.speech,
            said=said,
            answered=False,
            intent="not_in_record",
        )


@dataclass(frozen=True)
class Redirect:
    """A rule's verdict that another topic fits the question better; later rules see it."""

    to: Candidate


Rule = Callable[[Case], Answer | Redirect | None]


def decide(case: Case) -> Answer:
    """Rules in order: the first Answer wins; a Redirect moves the case to another topic."""
    for rule in RULES:
        verdict = rule(case)
        if isinstance(verdict, Redirect):
            case = case.with_best(verdict.to)
        elif verdict is not None:
            return evolve(verdict, rule=rule.__name__)
    return evolve(case.reply(), rule="best_topic")


# -- rules, in the order they are tried ---------------------------------------------------


def excluding(case: Case) -> Answer | None:
    """ "Besides railway and transit, what else?": the areas named are the ones not asked
    about; the record's list of named areas answers (not "yes, railway")."""
    if not _excludes_areas(case):
        return None
    ranked = [c.topic for c in case.ranked] + list(case.brain.topics.values())
    listing = next((t for t in ranked if t.intent == LIST_INTENT), None)
    if listing is None:
        return None
    suggestions = case.brain.suggestions_for(listing)
    return compose.from_topic(listing, case.conf, suggestions, case.brain.speech)


def _excludes_areas(case: Case) -> bool:
    """ "Besides railway, what else?"; or an area denied, and the rest asks of the deals but
    names no area ("qaidiyon wali baat chhodo, baaki kin cheezon par dastakhat hue?"), not of
    something else ("textile nahi, tijarat ka target?")."""
    parsed, lexicon, topic = case.parsed, case.brain.lexicon, case.topic
    named = _an_area(parsed.subject, lexicon)
    if "besides" in parsed.concepts:
        return named
    asks = parsed.qtype in ("what", "list", None)
    of_deals = "deal" in topic.vocabulary or topic.kind in ("area", "unnamed")
    return _an_area(parsed.denied, lexicon) and asks and not named and of_deals


def _an_area(concepts: Iterable[str], lexicon: Lexicon) -> bool:
    return any(lexicon.is_area(c) for c in concepts)


def asks_contents(case: Case) -> Answer | None:
    """ "What does the maritime MoU cover?", "does it include a pipeline?" (of the railway
    one): what an agreement the record names by its area alone contains. The record gives
    nothing of it, so the reply is its mention, not "yes, it is among the areas"."""
    parsed, lexicon = case.parsed, case.brain.lexicon
    area = _container(parsed, lexicon)
    if area is None:
        return None
    if parsed.qtype in ("what", "list"):
        if _asks_which_deal(parsed, lexicon):  # "which agreement covers ships?"
            return None
    elif not _asked_inside(case, area):
        return None
    own = next((c for c in case.ranked if c.topic.id == area), None)
    if own is not None and own is not case.best:
        case = case.with_best(own)
    return case.not_in_record([Line("no_specifics"), *compose.what_it_says(case.topic)])


def future_inside(case: Case) -> Answer | None:
    """ "Will they build a railway line through Afghanistan?", "is se Sukkur tak nayi train
    chalegi?": what will come of an agreement the record names by its area alone, with
    something besides the area. The record says only that the deal was signed: no "yes"."""
    parsed, topic = case.parsed, case.topic
    own = parsed.subject - parsed.borrowed
    if parsed.qtype != "yes_no" or topic.kind != "area" or not FUTURE & own:
        return None
    # what the area's own words account for ("digging minerals" of mining) is the area
    lexicon = case.brain.lexicon
    besides = [c for c in own - topic.accounts_for if lexicon.is_anchor(c)]
    if not (besides or case.unknown) or not lexicon.is_general(topic.id):
        return None
    if not _asked_inside(case, topic.id):
        return None
    return case.not_in_record([Line("no_specifics"), *compose.what_it_says(topic)])


def _container(parsed: Parsed, lexicon: Lexicon) -> str | None:
    """The one area, named only by its area, whose contents a word of containing asks: in
    a wh-question ("what is included in the railway MoU?"); said before "cover" or meant by
    "it" ("the railway MoU includes X?", "does it cover X?"); or meant by "it" before
    "included" ("ismein students bhi shamil hain?", not "was railway included?")."""
    grammar = lexicon.grammar
    active = _words_at(parsed, grammar.containing_words)
    if not active and not _words_at(parsed, grammar.contained_words):
        return None
    pointing = parsed.thing_pronoun or parsed.group_pronoun
    asks_what = parsed.qtype in ("what", "list") and not parsed.borrowed_kind

    def contains(c: str) -> bool:
        if asks_what or (active and pointing):
            return True
        if c in parsed.borrowed:
            return pointing
        return any(j < i for j in parsed.where.get(c, []) for i in active)

    areas = [
        c
        for c in parsed.concepts
        if lexicon.is_named_area(c) and lexicon.is_general(c) and c not in parsed.denied
    ]
    return areas[0] if len(areas) == 1 and contains(areas[0]) else None


def _words_at(parsed: Parsed, words: frozenset[str]) -> list[int]:
    return [i for i, t in enumerate(parsed.tokens) if t.word in words or t.surface in words]


def _asked_inside(case: Case, area: str) -> bool:
    """A yes/no question names something besides the area, and no other named area: "does
    the railway MoU include a line through Afghanistan?", not "does the mining one include
    petroleum?"."""
    parsed, lexicon = case.parsed, case.brain.lexicon
    left = {area, AREA_FRAME} | GENERIC_DEAL_CONCEPTS | parsed.borrowed | parsed.denied
    others = [c for c in parsed.subject if c not in left]
    if any(lexicon.is_named_area(c) for c in others):
        return False
    inside = [
        c for c in others if lexicon.is_area(c) or lexicon.is_detail(c) or lexicon.is_general(c)
    ]
    # "port usage": a word right after the area's own is more of its name, not a content
    named_at = {i + 1 for i in parsed.where.get(area, [])}
    unknown = [
        w
        for w in case.unknown
        if w not in parsed.denied and not named_at.issuperset(parsed.where.get(w, []))
    ]
    return bool(inside or unknown)


def unnamed_detail(case: Case) -> Answer | None:
    """ "will pakistan buy our wheat now?", "any scholarship numbers?", "customs duty kam
    hogi?": what will come of, or a figure of, an area the record does not name. The record
    does not say it (no answer), and its list of the areas it names follows (with its
    figures: so "does not say that", never "does not say how many")."""
    parsed, topic = case.parsed, case.topic
    if topic.kind != "unnamed":
        return None
    own = parsed.subject - parsed.borrowed
    if DEAL_WORDS & own:  # "any tourism MoU so Kazakh groups start coming?": whether signed
        return None
    # its own kind of question: "and textiles?" after "how many?" asks whether, not how many
    asked = None if parsed.borrowed_kind else parsed.qtype
    counted = asked in ("count", "how_much") or COUNT_WORD in own
    if not (counted or FUTURE & own):
        return None
    return case.not_in_record([Line("no_detail.other"), Said(topic.id)])


def closed_list(case: Case) -> Answer | None:
    """A deal on something the record ties to no named agreement: "not among" the list."""
    parsed, best, topic = case.parsed, case.best, case.topic
    open_question = parsed.qtype in ("yes_no", None)  # "anything for women in the deals?"
    lexicon = case.brain.lexicon
    if not _asks_of_deals(case, open_question) or topic.kind == "gap":
        return None
    if topic.intent in AGREEMENT_INTENTS:
        dealt = [
            w
            for w in case.unknown
            if open_question or w in parsed.objects or parsed.near(w, "deal", 1)
        ]
        extra = best.matched - GENERIC_DEAL_CONCEPTS - lexicon.count_concepts
        if dealt and all(_inside(parsed, dealt, c) for c in extra):
            return not_among_answer(case.brain, dealt)
        return None
    if "deal" in topic.vocabulary:
        return None
    words = subject_words(case) or case.unknown
    if not words:
        return None
    said = [*not_among(case.brain.record, words), Said(topic.id, bare=True)]
    return case.reply(said, answered=True, intent="agreement_not_named")


def _inside(parsed: Parsed, words: list[str], concept: str) -> bool:
    """ "mango export deal?": the concept stands between a word the record lacks and the
    deal word, one compound naming the deal by that word ("export" says what kind)."""
    return any(
        i < j < k
        for w in words
        for i in parsed.where.get(w, [])
        for j in parsed.where.get(concept, [])
        for k in parsed.where.get("deal", [])
    )


def _asks_of_deals(case: Case, open_question: bool) -> bool:
    """A deal word frames the question, of a kind the closed list answers; an off-topic
    request with one ("a piece on Brexit for the paper") is declined, not an area. A question
    about what was said or what a text says ("did they issue a statement on Afghanistan?",
    "do the documents say anything about truck routes?") asks for a mention, which the
    record lacks, not for an agreement area."""
    parsed, lexicon = case.parsed, case.brain.lexicon
    framing = DEAL_WORDS | (lexicon.agreement_words if open_question else set())
    concepts = set(parsed.concepts)
    if not framing & concepts or SAYING & concepts:
        return False
    return parsed.qtype in CLOSED_QTYPES and OFF_TOPIC not in concepts


def same_words(case: Case) -> Answer | None:
    """The very same words point at two topics: answer both if alike, else "did you mean"."""
    options, alike = ambiguity(case)
    if not options:
        return None
    if not alike:
        # which of two topics that cannot answer the kind asked is no question ("where
        # was this?" after the count): the rules after this one find one that can
        return compose.clarify(options, case.brain.speech) if case.best.type_ok else None
    sources = [s for t in options for s in t.sources]
    return case.reply(compose.combined(options), sources=sources)


def misattributed(case: Case) -> Answer | None:
    """Asked what X said, when the record gives those words to Y."""
    topic, mentioned = case.topic, case.mentioned
    if not (topic.speaker and mentioned and topic.speaker not in mentioned):
        return None
    if any(p in topic.vocabulary for p in mentioned):
        return None
    who = Term(f"person.{mentioned[0]}")
    if case.parsed.qtype in ("yes_no", "who"):  # "was it Tokayev who spoke on Gaza?"
        speaker = Term(f"person.{topic.speaker}")
        return case.reply([line("attributed_to_other", speaker=speaker, who=who), Said(topic.id)])
    # a correction that gives who did say it: an answer, as for any false premise
    return case.reply([line("not_said_by", who=who), Said(topic.id)], answered=True)


def speakers_fields(case: Case) -> Redirect | None:
    """ "Which fields did Sharif list?", "PM's cooperation fields": the fields (areas,
    sectors) of a person the best topic leaves out are those his one statement naming
    several fields of cooperation lists, not the agreement areas; with a deal word ("which
    sectors did Sharif sign deals in?") they stay the agreements'."""
    parsed, topic, lexicon = case.parsed, case.topic, case.brain.lexicon
    if parsed.subject & DEAL_WORDS or not _names_fields(parsed, lexicon):
        return None
    people = [p for p in case.mentioned if p in lexicon.people]
    if len(people) != 1:
        return None
    lists = [t for t in case.brain.topics.values() if _lists_fields(t, people[0], lexicon)]
    if len(lists) != 1 or lists[0] is topic:
        return None
    return Redirect(evolve(case.best, topic=lists[0], matched=frozenset(people)))


def _names_fields(parsed: Parsed, lexicon: Lexicon) -> bool:
    """A word for fields that the record's words take as one ("fields", "sectors", "کن
    شعبوں" by its last word; not the "kind" of "what kind of leader")."""
    categories = lexicon.grammar.category_words
    return any(
        surface.split()[-1] in categories and any(lexicon.from_record(c) for c in concepts)
        for surface, concepts in parsed.spans
    )


def _lists_fields(topic: Topic, speaker: str, lexicon: Lexicon) -> bool:
    if topic.kind != "statement" or topic.speaker != speaker:
        return False
    fields = [c for c in topic.accounts_for if lexicon.is_area(c) or lexicon.is_general(c)]
    return len(fields) >= CONFIG.fields_in_a_list


def said_about(case: Case) -> Redirect | None:
    """ "What did Tokayev say about Sharif?", "what did the PM say the award reflects?": the
    best is all a speaker said, but the question names one more thing of the record; the one
    statement of that speaker about it (or the one event whose answer gives the speaker's
    words on it) answers, not the whole list."""
    topic, lexicon = case.topic, case.brain.lexicon
    if topic.kind != "said" or topic.speaker is None:
        return None
    extra = _beyond_the_list(case)
    if not extra:
        return None
    topics = case.brain.topics.values()
    spoken = [t for t in topics if t.speaker == topic.speaker and _statement_on(t, extra)]
    spoken = spoken or [t for t in topics if _event_quoting(t, topic.speaker, extra, lexicon)]
    if len(spoken) != 1:
        return None  # several name it: the list answers
    matched = frozenset(extra | (case.best.matched & topic.accounts_for))
    return Redirect(evolve(case.best, topic=spoken[0], matched=matched))


def _beyond_the_list(case: Case) -> set[str]:
    """The record's words the question asks of that the best topic does not account for (not
    those it denies or the last turn lent)."""
    parsed, lexicon, accounted = case.parsed, case.brain.lexicon, case.topic.accounts_for
    return {
        c
        for c in parsed.subject - parsed.denied - parsed.borrowed
        if c not in accounted and lexicon.is_anchor(c) and lexicon.from_record(c)
    }


def _statement_on(topic: Topic, extra: set[str]) -> bool:
    return topic.kind == "statement" and bool(extra & topic.accounts_for)


def _event_quoting(topic: Topic, speaker: str, extra: set[str], lexicon: Lexicon) -> bool:
    """An event about one of ``extra`` whose answer names the speaker and whose sentence of
    the record gives words of his ("He congratulated the Kazakh leader on being awarded the
    Nishan-e-Pakistan, noting it reflects...")."""
    if topic.kind != "fact" or not topic.answered or not topic.about:
        return False
    if not extra & topic.about[0] or speaker not in lexicon.names_in(topic.answer):
        return False
    return all(SAYING & lexicon.names_in(source) for source in topic.sources)


def named_area_first(case: Case) -> Redirect | None:
    """ "How many MoUs on railways?" is about railways, not the 37 in all."""
    lexicon = case.brain.lexicon
    areas = {c for c in case.parsed.subject if lexicon.is_area(c)}
    if not areas or areas & case.topic.vocabulary or case.parsed.qtype in RECORD_WIDE_QTYPES:
        return None
    if case.topic.kind == "gap":  # "the dollar value of the mining deal": not given, say so
        return None
    if _answers_who_of_all(case, areas):
        return None
    covering = [c for c in case.candidates if areas & c.topic.vocabulary]
    return Redirect(covering[0]) if covering else None


def _answers_who_of_all(case: Case, areas: set[str]) -> bool:
    """ "who signed those?" after the mining deal: the area is lent by the last turn, and the
    best topic answers who for all the agreements (the leaders exchanged them; who signed
    each is not given), which holds for this one too."""
    parsed = case.parsed
    own = parsed.subject - parsed.borrowed
    lent = not areas & own
    said = own <= case.best.matched  # "which ministers?" asks more than the leaders
    return lent and said and parsed.qtype == "who" and case.best.type_ok


def two_questions(case: Case) -> Answer | None:
    """ "How many MoUs and the trade target?": two topics across an "and"; answer both."""
    second = second_question(case)
    if second is None:
        return None
    parsed = case.parsed
    parts = sorted([case.best, second], key=lambda c: min(positions(c, parsed)))
    slots = case.brain.slots
    said = compose.paragraphs(
        compose.missing_detail(c.topic, parsed.qtype)
        if not c.type_ok
        and parsed.qtype
        and c is case.best
        and not slots.provides(c.topic.answer, parsed.qtype)
        else [Said(c.topic.id)]
        for c in parts
    )
    return compose.spoken(
        said,
        case.brain.speech,
        answered=any(c.topic.answered for c in parts),
        intent="multi",
        confidence=case.conf,
        sources=compose.unique(s for c in parts for s in c.topic.sources),
        suggestions=case.suggestions,
        topic=case.topic.id,
    )


def future_date(case: Case) -> Answer | None:
    """ "When will the first prisoner swap happen?", "kab shuru hoga?": the record's dates
    are the visit's, past when it was written; one that does not account for the question's
    future is not the date asked. What it is asked of (the swap, not the first visit) is
    the topic whose own words the question names, and the record gives no date for it."""
    parsed, best = case.parsed, case.best
    own = parsed.subject - parsed.borrowed
    # "how many prisoners will be exchanged, and when?": a bare "when" asks of the last future
    future = FUTURE & (own or parsed.subject)
    if parsed.qtype != "when" or not case.topic.answered:
        return None
    lexicon = case.brain.lexicon
    if future == {ONSET} and _words_at(parsed, lexicon.grammar.past_auxiliaries):
        return None  # "when did the signing ceremony start?": asked of the past
    if not future - case.topic.accounts_for:
        return None
    named = {c for c in parsed.subject if not lexicon.is_qualifier(c) and not c.endswith("_q")}
    other = _asked_of(case, named)
    # "by when will trade reach $1 billion?": the target's own date answers; "how many
    # prisoners will be exchanged, and when?": the swap has none, and no other date is it
    if len(best.matched & named) > (len(other.matched & named) if other is not None else 0):
        return (
            None if best.type_ok else case.not_in_record(compose.missing_detail(case.topic, "when"))
        )
    if other is not None:
        case = case.with_best(other)
    return case.not_in_record(compose.missing_detail(case.topic, "when"))


def _asked_of(case: Case, named: set[str]) -> Candidate | None:
    """The best founded other candidate that matches words of the question the best topic
    does not ("prisoner" beside the "first" of the first visit)."""
    best = case.best
    about = [c for c in case.candidates if c is not best and (c.matched & named) - best.matched]
    return max(about, key=lambda c: c.evidence) if about else None


def record_wide_kind(case: Case) -> Redirect | None:
    """ "When was the Kazakh president's visit?": the date answers it, not the visitor. Every
    event of the record shares its date and place, so a topic that gives them wins."""
    if case.parsed.qtype not in RECORD_WIDE_QTYPES:
        return None
    if case.best.type_ok:
        return _unshifted(case)
    fitting = next((c for c in case.candidates if c.type_ok), None)
    if fitting is None:  # "and where?" after the agreements: the record's own place
        slots, qtype = case.brain.slots, case.parsed.qtype
        fitting = next(
            (
                c
                for c in case.ranked
                if c.type_ok
                and slots.provides(c.topic.answer, qtype)
                and not shifted(case, c.topic)  # "when will ... start": not that date
            ),
            None,
        )
    return Redirect(fitting) if fitting is not None else None


def _unshifted(case: Case) -> Redirect | None:
    """ "Which cities will the railway connect?": the visit's place is not where something
    yet to happen will be. A topic that won on the kind asked alone, and does not account
    for the question's qualifier, gives way to what the question is about, whose detail
    the record then lacks."""
    best, parsed = case.best, case.parsed
    # "what place did Sharif mention when he talked about peace?": a place in his words
    # (but "where did he say it?" asks where he spoke: the record's place)
    spoken = bool(parsed.subject & (SAYING - {"say"}))
    if not (shifted(case, best.topic) or spoken) or not all(m.endswith("_q") for m in best.matched):
        return None
    about = [
        c
        for c in case.others()
        if any(not m.endswith("_q") and m in parsed.subject for m in c.matched)
    ]
    return Redirect(about[0]) if about else None


def qualified(case: Case) -> Redirect | None:
    """ "Which Kazakh president came last time?": a qualifier of the question ("last time",
    "now", "will") that the best topic does not account for moves the question to a topic
    as well founded that does (the earlier visit, not this one)."""
    lexicon, parsed, best = case.brain.lexicon, case.parsed, case.best
    if parsed.qtype not in IDENTITY_QTYPES:
        return None  # who or which: the identity of what the qualifier points at
    pointing = parsed.thing_pronoun or parsed.group_pronoun  # "who was that president?"
    own = parsed.subject if pointing else parsed.subject - parsed.borrowed
    lacking = {  # "last time", "now"; not a unit ("years") that sets the kind asked
        c
        for c in own
        if lexicon.is_qualifier(c)
        and not lexicon.implies_kind(c)
        and c not in best.topic.accounts_for
    }
    if not lacking:
        return None
    fitting = next(
        (
            c
            for c in case.candidates
            if c is not best
            and lacking <= c.topic.accounts_for
            and c.evidence >= best.evidence - (CONFIG.inherited_weight if pointing else 0)
        ),
        None,
    )
    return Redirect(fitting) if fitting is not None else None


def said_of_a_gap(case: Case) -> Redirect | None:
    """ "What did the PM say about the level of trade?": a gap of the record (no figure for
    today's trade) is what the words ask about, but the question asks what a person said of
    it, which the record has: his statement on the same thing answers, not "does not say"."""
    parsed, lexicon = case.parsed, case.brain.lexicon
    if case.topic.kind != "gap" or parsed.qtype != "what" or not parsed.subject & SAYING:
        return None
    people = set(case.mentioned) & set(parsed.concepts)
    about = {c for c in case.best.matched if lexicon.from_record(c)} - people
    said = next(
        (
            c
            for c in case.candidates
            if c.topic.answered and c.matched & people and c.matched & about and c.type_ok
        ),
        None,
    )
    return Redirect(said) if said is not None else None


def lacking_detail(case: Case) -> Answer | None:
    """About X (strong evidence) but asking a detail X lacks ("who was the previous
    visitor?"): say what is missing rather than answer a weaker topic of the right kind."""
    parsed = case.parsed
    lacking = _much_stronger_of_another_kind(case)
    if lacking is not None and parsed.qtype not in RECORD_WIDE_QTYPES:
        case = case.with_best(lacking)
    if case.best.type_ok or not parsed.qtype:
        return None
    if parsed.borrowed_kind or answers_by_its_words(case) or _which_agreement(case):
        # its own words answer the kind asked: never "does not say"; and all the areas it
        # names ("which agreements on railways and the maritime sector?"), not the first
        return several_areas(case) or case.reply()
    if not counts_it(case, case.topic):
        return case.not_in_record(compose.no_such_count(case.topic))
    return case.not_in_record(compose.missing_detail(case.topic, parsed.qtype))


def _much_stronger_of_another_kind(case: Case) -> Candidate | None:
    """A candidate of the wrong kind with far more evidence than the best, for its own
    words (not a question word): what the question is about, asked for a detail it lacks."""
    best = case.best
    return next(
        (
            c
            for c in case.candidates
            if not c.type_ok
            and c.evidence >= best.evidence + 1.5
            and any(not m.endswith("_q") for m in c.matched - best.matched)
        ),
        None,
    )


def counts_it(case: Case, topic: Topic) -> bool:
    """ "How many people came?", "for how many years are the MoUs valid?": a figure of the
    topic counts what it counts (years since the last visit, documents), not whatever the
    question counts; so the thing counted must be one the topic accounts for, or that its
    answer names ("how many agreements?" of the visit's overview, which gives 37)."""
    counted = case.parsed.counted
    if counted is None or counted & topic.accounts_for:
        return True
    return bool(counted & case.brain.lexicon.names_in(topic.answer))


def counted_elsewhere(case: Case) -> Answer | None:
    """A topic that answers "how many" counts its own thing: asked to count another ("how
    many students?" of the visit), the record gives no such figure (its own figure follows,
    as what it says: no "does not say how many" before a number)."""
    if case.parsed.qtype != "count" or not case.topic.answered or counts_it(case, case.topic):
        return None
    return case.not_in_record(compose.no_such_count(case.topic))


def _which_agreement(case: Case) -> bool:
    """ "Which agreement covers ships?": the area itself is the answer (but "which port?"
    asks a detail of the area, which the record does not give)."""
    return case.topic.kind == "area" and _asks_which_deal(case.parsed, case.brain.lexicon)


def _asks_which_deal(parsed: Parsed, lexicon: Lexicon) -> bool:
    """ "Which of the agreements ...", "which agreement ...": the which-question asks of the
    deals, not of a thing ("which minister signed the railway memorandum?")."""
    if parsed.qtype != "list":
        return False
    after = sorted(  # "which Pakistan-Kazakhstan agreement ...": the countries only set it
        (i, c)
        for c in parsed.subject
        if not lexicon.is_setting(c)
        for i in parsed.where.get(c, [])
        if i > parsed.qtype_at
    )
    # what "which" asks of comes first: "which of the agreements ...", not "which minister
    # signed the railway memorandum?"
    head = after[0][1] if after else ""
    asks_of_deals = head == AREA_FRAME or lexicon.is_area(head)
    frame = list(parsed.where.get(AREA_FRAME, []))
    if AREA_FRAME in parsed.borrowed or _about_the_area(parsed, lexicon, after):
        # "which of them is about ships?", "which one is about trains?": them, the deals
        pronouns = lexicon.grammar.group_pronouns | lexicon.grammar.stand_ins
        frame += [i for i, t in enumerate(parsed.tokens) if t.surface in pronouns]
    return asks_of_deals and any(0 < i - parsed.qtype_at <= CONFIG.frame_reach for i in frame)


def _about_the_area(parsed: Parsed, lexicon: Lexicon, after: list[tuple[int, str]]) -> bool:
    """ "Which one is about trains?": the area first after "which" is what the one is about,
    so the one is a deal; not when the area contains it ("which ones does the mining deal
    cover?": minerals)."""
    if not after or not lexicon.is_area(after[0][1]):
        return False
    return not any(i > after[0][0] for i in _words_at(parsed, lexicon.grammar.containing_words))


def asks_a_detail(case: Case) -> Answer | Redirect | None:
    """ "What route will the railway take?", "at what time did he arrive?": the question
    asks an attribute (a ``detail`` concept of the language file) the best topic does not
    account for, so the record lacks it; a gap that accounts for it says so best."""
    parsed, lexicon, topic = case.parsed, case.brain.lexicon, case.topic
    if not topic.answered or parsed.borrowed_kind:
        return None
    asked = [c for c in _asked_details(parsed, lexicon) if c not in topic.accounts_for]
    if not asked:
        return None
    gap = next(
        (c for c in case.candidates if c.topic.kind == "gap" and c.matched & set(asked)), None
    )
    if gap is not None:
        return Redirect(gap)
    if _gives_its_kind(case, asked):
        return None
    words = [w for w, concepts in parsed.spans if concepts & set(asked)]
    return case.not_in_record(compose.not_mentioned(words[:1], compose.what_it_says(topic)))


def asks_specifics(case: Case) -> Answer | None:
    """ "Which minerals exactly?", "what does the maritime MoU cover exactly?": the record
    mentions the thing only in general (an agreement named by its area alone, or a concept
    marked ``general``), so the specifics asked are not there; its mention is what it says."""
    parsed, topic = case.parsed, case.topic
    # "was there one on gas, specifically?" asks whether, not which; "which wealth did he
    # mention?" is answered by his words, "which minerals exactly did he mean?" is not
    said = parsed.subject & SAYING and SPECIFICS not in parsed.concepts
    if parsed.qtype in (*CHECKING, "yes_no") or said:
        return None
    if not topic.answered or SPECIFICS in topic.accounts_for:
        return None
    own = [c for c in parsed.concepts if c not in parsed.borrowed | parsed.denied]
    general = [c for c in own if case.brain.lexicon.is_general(c)]
    if not any(_specifics_of(parsed, c) for c in general):
        return None
    return case.not_in_record([Line("no_specifics"), *compose.what_it_says(topic)])


def _specifics_of(parsed: Parsed, concept: str) -> bool:
    """Specifics are asked of the concept: a word for them ("exactly", "what kind of") near
    it, or a which-question whose head it is ("which ports?", not "which port agreement?")."""
    at, frame = parsed.where.get(concept, []), parsed.where.get(AREA_FRAME, [])
    if any(0 < j - i <= 2 for i in at for j in frame):
        return False  # "what kind of prisoner agreement?": the area names the agreement
    if parsed.near(SPECIFICS, concept, CONFIG.detail_reach):
        return True
    return parsed.qtype == "list" and any(0 < i - parsed.qtype_at <= 2 for i in at)


def _asked_details(parsed: Parsed, lexicon: Lexicon) -> list[str]:
    """Detail concepts the question asks for: beside its question word ("what route",
    "qeemat kitni", "what was on the menu": stopwords between do not count), or the whole of
    a terse message ("route?")."""
    reach = CONFIG.detail_reach
    terse = parsed.qtype is None and len(parsed.tokens) <= reach

    def asked(c: str) -> bool:  # beside the question word, or of the kind it asks
        at = parsed.where.get(c, [])
        asks = parsed.qtype_at >= 0
        near = asks and any(lexicon.apart(parsed.tokens, parsed.qtype_at, i) <= reach for i in at)
        return (
            near or terse or (parsed.qtype is not None and lexicon.implied_kind(c) == parsed.qtype)
        )

    aside = parsed.borrowed | parsed.denied  # "not the language, what did he highlight?"
    return [c for c in parsed.concepts if lexicon.is_detail(c) and c not in aside and asked(c)]


def _gives_its_kind(case: Case, asked: list[str]) -> bool:
    """A detail that implies a kind the topic's reply gives ("the value of the target":
    its figure) is answered."""
    lexicon = case.brain.lexicon
    kinds = {lexicon.implied_kind(c) for c in asked if not lexicon.is_qualifier(c)}
    return any(k and case.brain.slots.provides(case.topic.answer, k) for k in kinds)


def unknown_head(case: Case) -> Answer | None:
    """ "Which regiment provided the contingent?", "which companies signed?": what a
    which-question asks for is its first word after the question word, and when that is an
    everyday noun no concept knows the record has no such thing to name; what it says
    follows. ("Which part of the world ...?" asks through its "of": see ``head_word``.)"""
    parsed, topic = case.parsed, case.topic
    if parsed.qtype != "list" or not topic.answered or parsed.borrowed_kind:
        return None
    lexicon = case.brain.lexicon
    head = lexicon.head_word(parsed)
    if head is None or head not in case.unknown or not lexicon.is_common(head):
        return None
    if head in lexicon.grammar.category_words:  # "which sectors?": the record's own division
        return None
    return case.not_in_record(compose.not_mentioned([head], compose.what_it_says(topic)))


def asked_about_mentions(case: Case) -> Answer | None:
    """ "Is Afghanistan referred to anywhere?": unknown words in a question about mentions."""
    parsed, topic = case.parsed, case.topic
    if not (case.unknown and "discuss" in parsed.concepts and topic.answered):
        return None
    words = parsed.objects or [w for w in case.unknown if not case.brain.lexicon.is_common(w)]
    if not words:  # "for example", "I pray daily": everyday words, not a topic asked about
        return None
    return case.not_in_record(
        compose.not_mentioned(words, compose.what_it_says(topic)),
        case.conf * 0.8,
    )


def unframed_area(case: Case) -> Answer | None:
    """ "Will students get scholarships now?" names an area but asks no agreement question:
    the record does not mention it (the closed-list answer is for questions about deals)."""
    parsed, topic = case.parsed, case.topic
    if topic.kind != "unnamed" or (parsed.qtype is None and not rare_names(case)):
        return None  # "visa?" alone is the closed-list question; "MBBS universities" is not
    if _about_agreements(case) or _only_the_area(case):
        return None
    words = [s for s, concepts in parsed.spans if topic.id in concepts]
    related = _related_text(case, topic.id)
    if related and words and all(w.lower() in related.lower() for w in words):
        # "did he say anything about education?": the record does, outside the agreements
        return case.reply([Term(f"related.{topic.id}")], answered=True, intent="statement")
    said = compose.not_mentioned(words or [topic.id])
    if related:
        said.append(Term(f"related.{topic.id}"))
    return case.not_in_record(said, case.conf * 0.8)


def _only_the_area(case: Case) -> bool:
    """ "Anything on textiles or garments?": the area and a question word, nothing else it
    says of the area: as terse as "textiles?", the closed-list question."""
    parsed = case.parsed
    terse = parsed.qtype in (None, "yes_no") or (parsed.follow_up and parsed.qtype == "what")
    if not terse or parsed.neutral:  # "how many journalists were there?" asks more
        return False
    return set(parsed.concepts) <= {case.topic.id, *QTYPE_CONCEPTS}


def _about_agreements(case: Case) -> bool:
    """Words of agreements, or an area denied ("не нефть, а что-то для сельского хозяйства
    было?": the other thing asked is an area too)."""
    lexicon = case.brain.lexicon
    frame = FRAME | lexicon.agreement_words
    return _an_area(case.parsed.denied, lexicon) or bool(frame & set(case.parsed.concepts))


def _related_text(case: Case, area: str) -> str:
    """What the record says near an area it does not list among the agreements."""
    named = [a for a in case.brain.record.agreements.unnamed if a.id == area]
    return named[0].related if named else ""


def unknown_object(case: Case) -> Answer | None:
    """What the question is about is a word the record does not know ("about India")."""
    parsed, topic = case.parsed, case.topic
    lexicon = case.brain.lexicon
    what_about = {c for c in case.best.matched & parsed.subject if not lexicon.implies_kind(c)}
    only_by_kind = not what_about  # "best biryani in Islamabad": the city only sets a place
    outnumbered = _outnumbered(case, what_about)
    asked_about = parsed.objects if topic.kind not in ("area", "unnamed") else []
    unknown = case.unknown or (foreign_subject(parsed) if only_by_kind else ())
    named = _a_name_asked_of(case)
    if not topic.answered or not (
        asked_about or named or (unknown and (only_by_kind or outnumbered))
    ):
        return None
    words = asked_about or named or unknown
    return case.not_in_record(
        compose.not_mentioned(words, compose.what_it_says(topic)),
        case.conf * 0.8,
    )


def _a_name_asked_of(case: Case) -> list[str]:
    """ "Did Tokayev visit GHQ?", "did he visit gilgit or skardu": a yes/no question whether
    someone of the record went to a place the record does not name (a name right after the
    word of visiting); the visit alone is no yes."""
    parsed = case.parsed
    if parsed.qtype != "yes_no" or case.topic.person is None:
        return []
    visited = parsed.where.get(VISIT)
    if not visited:
        return []
    reach = range(min(visited) + 1, min(visited) + 1 + CONFIG.visited_reach)
    return [w for w in rare_names(case) if any(i in reach for i in parsed.where.get(w, ()))]


def _outnumbered(case: Case, what_about: set[str]) -> bool:
    """ "was there a business forum with Pakistani companies?", "what penalty applies for
    breach of a tenancy contract?": one word of the topic, two or more things it does not
    know: the question is about those (not a claim to check, nor two record things named)."""
    parsed = case.parsed
    if len(what_about) > 1 or len(case.unknown) < 2 or parsed.qtype is None:
        return False
    return parsed.qtype == "yes_no" or len(_named(case)) <= 1


def _named(case: Case) -> set[str]:
    """What the question itself names, of weight: "Tokayev" and "award", not "Kazakh"."""
    parsed, lexicon = case.parsed, case.brain.lexicon
    own = parsed.subject - parsed.borrowed
    return {c for c in own if lexicon.is_anchor(c) and parsed.concepts[c] >= 0.5}


def foreign_subject(parsed: Parsed) -> tuple[str, ...]:
    """Words of another script no list knows are no missing topics on their own; but when
    the record's words only set a place or a time ("где в Исламабаде хороший адвокат?"),
    two or more of them are what the question is about."""
    return parsed.foreign if len(parsed.foreign) >= 2 else ()


def several_areas(case: Case) -> Answer | None:
    """ "Railway and maritime?": topics of one kind matched by different words, together."""
    group = combinable(case)
    if len(group) < 2:
        return None
    sources = [s for c in group for s in c.topic.sources]
    said = compose.combined([c.topic for c in group], bare=not case.yes_asked)
    return case.reply(said, sources=sources)


def area_with_unknown_name(case: Case) -> Answer | None:
    """ "Was there a deal on Gwadar port?", "is the mining MoU about Reko Diq?": the record
    names the area but not that; a yes/no question about something it does not name never
    gets "yes"."""
    parsed, topic = case.parsed, case.topic
    if topic.kind != "area" or not case.unknown:
        return None
    asked_how = parsed.qtype not in ("yes_no", None)  # "how do trains in China work?"
    if asked_how and _about_agreements(case):
        return None
    words = _unnamed_words(case, asked_how)
    if not words:
        return None
    return case.not_in_record(
        compose.not_mentioned(words, compose.what_it_says(topic)),
        case.conf * 0.8,
    )


def _unnamed_words(case: Case, asked_how: bool) -> list[str]:
    """Names the record lacks: beside the area ("Gwadar port"), or, when no agreement is
    asked about and several words are unknown, anywhere ("mining jobs in Balochistan for
    engineers"); of a "how" or "what" question, only a name apart from the area ("trains in
    China", not "transit trd")."""
    parsed, topic = case.parsed, case.topic
    near = {w for g in topic.about for c in g for w in case.unknown if parsed.near(w, c, 1)}
    elsewhere = not _about_agreements(case) and (len(case.unknown) > 1 or asked_how)
    return [
        w
        for w in rare_names(case)
        if (w in near and not asked_how) or (elsewhere and w not in near)
    ]


def about_now(case: Case) -> Answer | None:
    """ "Is there war in Gaza now?": the record reports one day, not the present."""
    parsed, topic = case.parsed, case.topic
    if not (
        "now" in parsed.concepts
        and "now" not in topic.vocabulary
        and parsed.qtype == "yes_no"
        and topic.kind in ("statement", "said")
    ):
        return None
    return case.not_in_record([Line("not_now"), *compose.what_it_says(topic, bare=False)])


def sibling_name(case: Case) -> Answer | None:
    """ "He was given the Hilal-e-Pakistan, yes?": a name like one of the record's, with a
    word changed, is a thing the record lacks; the reply gives the record's own instead (a
    correction, so an answer; the wrong name is not repeated, as a wrong figure is not)."""
    people = case.brain.people  # a person's sibling is corrected whatever the topic asked
    named = [c for _, c in case.parsed.siblings if c in case.best.matched or c in people]
    if not named or not case.topic.answered:
        return None
    holders: list[Piece] = [  # "the Uzbek president": the record's own holder of the title
        line("another_holder", who=Term(f"person.{c}"), role=Term(f"role.{c}"))
        for c in named
        if c in people
    ]
    return case.reply([*holders[:1], Said(case.topic.id)], answered=True, intent="false_premise")


def wrong_count(case: Case) -> Answer | None:
    """ "Why did they sign 40 agreements?": a number of documents the record contradicts is
    corrected first, then the question is answered."""
    parsed, agreements = case.parsed, case.brain.record.agreements
    if "deal" not in parsed.concepts:
        return None
    used = {i for c, places in parsed.where.items() if c in parsed.concepts for i in places}
    deals = set(parsed.where.get("deal", ()))
    said = [  # "40 agreements", "twelve MoUs": a number right before a word for the documents
        (t.surface, value)
        for i, t in enumerate(parsed.tokens)
        if i not in used and i + 1 in deals and (value := number_value(t.word)) is not None
    ]
    wrong = [surface for surface, value in said if value != agreements.total and value < 1000]
    if not wrong or len(wrong) != len(said):
        return None
    # the user's wrong figure is not repeated: a reply quotes the record
    reply: list[Piece] = [
        line("record_total", total=agreements.total),
        Said(case.topic.id, bare=True),
    ]
    return case.reply(reply, answered=True)


def wrong_date(case: Case) -> Answer | None:
    """ "The visit on March 4 - how many MoUs?", "the signing was on 5 February, right?": a
    date that the record's own rules out is corrected first, without repeating it, then
    what was asked is answered. A future ("will trains run by March?") or the date of a
    gap (a birthday) is not the record's event."""
    parsed, topic = case.parsed, case.topic
    months = case.brain.lexicon.grammar.months
    record = record_date(case.brain.record.visit.date, months)
    if record is None or not topic.answered or FUTURE & parsed.concepts.keys():
        return None
    said = dates_in([t.surface for t in parsed.tokens], months)
    if not any(contradicts(d, record) for d in said):
        return None
    dated = next((t for t in case.brain.topics.values() if _dates(t)), topic)
    own = parsed.subject - parsed.borrowed - QTYPE_CONCEPTS
    if _dates(topic) or (case.yes_asked and own <= dated.accounts_for):
        # "the visit was on March 4, right?": the date was all it claimed
        return case.reply([line("record_date")], intent=dated.intent, sources=list(dated.sources))
    return case.reply([line("record_date"), Said(topic.id, bare=True)], answered=True)


def _dates(topic: Topic) -> bool:
    """The topic that answers when the record's event was."""
    return topic.answered and any(DATE in group for group in topic.about)


def corrected_premise(case: Case) -> Answer | None:
    """ "What did Imran Khan say while receiving Tokayev?", "why was the ceremony held in
    Lahore?": the question takes for granted someone or somewhere the record does not have
    (a ``premise`` gap) in an event the record reports. The reply says what the record
    lacks, then what it says of that event: a correction, so an answer."""
    gap, parsed = case.topic, case.parsed
    additive = {t.word for t in parsed.tokens} & case.brain.lexicon.grammar.additive_words
    own = case.best.matched - parsed.borrowed  # a claim is made in the message's own words
    claimed = parsed.qtype in CHECKING or case.brain.lexicon.asks_nothing_here(parsed)
    checked = claimed and bool(own) and not additive  # "Zardari too?": a question
    if not gap.premise or not (parsed.qtype in PRESUMING or checked):
        return None
    lexicon = case.brain.lexicon

    def strong_extra(c: Candidate) -> bool:  # a real word of the event the gap cannot explain
        extra = c.matched - gap.accounts_for - QTYPE_CONCEPTS
        return any(
            lexicon.is_anchor(x) and lexicon.info[x].weight >= 1 and not lexicon.implies_kind(x)
            for x in extra
        )

    event = next(
        (
            c
            for c in case.others()
            if c.topic.answered and c.topic.kind in EVENTS and strong_extra(c)
        ),
        None,
    )
    if event is None:  # "what did Imran Khan tell Tokayev?": the people it names correct it
        return _premise_alone(case)
    said = [Said(gap.id), Said(event.topic.id, bare=True)]
    sources = [*gap.sources, *event.topic.sources]
    return case.reply(said, answered=True, intent=event.topic.intent, sources=sources)


def premise_first(case: Case) -> Redirect | None:
    """ "The 37 agreements were signed in Karachi, right?": a claim that sets the record's
    event somewhere (or with someone) the record does not have; the premise gap it names
    is as well founded as the event, and correcting comes first."""
    parsed, best = case.parsed, case.best
    claim = parsed.qtype in ("yes_no", *CHECKING)  # "..., right?", "was it in Lahore?"
    if best.topic.premise or not (claim or parsed.qtype in PRESUMING):
        return None  # or one that takes it for granted: "why were the deals signed in Lahore?"
    own = parsed.subject - parsed.borrowed
    if any(case.brain.lexicon.is_area(c) for c in own):
        return None  # "direct flights between Almaty and Lahore": the city is the area's
    gap = next(
        (
            c
            for c in case.candidates
            if c.topic.premise
            and (c.evidence >= best.evidence or (not claim and not _a_title(case, c)))
            and any(m in own for m in c.matched - QTYPE_CONCEPTS)
        ),
        None,
    )
    return Redirect(gap) if gap is not None else None


def _a_title(case: Case, gap: Candidate) -> bool:
    """ "What did Prime Minister Minh say?": the gap's words stand right beside a name of the
    record's, so they give that person a title, however wrong; nobody else is named."""
    parsed, people = case.parsed, case.brain.people
    words = gap.matched - QTYPE_CONCEPTS
    return bool(words) and all(any(parsed.near(w, p, 1) for p in people) for w in words)


def _premise_alone(case: Case) -> Answer | None:
    """The premise corrected on its own, when the question sets it in the record's event:
    one of the record's people, or its place or date ("why did Nazarbayev come to
    Islamabad?"), not a train timetable to Lahore."""
    lexicon, own = case.brain.lexicon, case.parsed.subject - case.parsed.borrowed
    people = set(case.brain.people)
    setting = any(lexicon.from_record(c) and lexicon.implies_kind(c) for c in own)
    elsewhere = any(lexicon.is_area(c) for c in own)  # "when does the train leave Islamabad"
    if elsewhere or not (own & people or setting):
        return None
    return case.reply([Said(case.topic.id)], answered=True, intent="false_premise")


RULES: tuple[Rule, ...] = (
    excluding,
    premise_first,
    corrected_premise,
    sibling_name,
    wrong_count,
    wrong_date,
    asks_contents,
    future_inside,
    closed_list,
    same_words,
    misattributed,
    speakers_fields,
    said_about,
    named_area_first,
    two_questions,
    future_date,
    record_wide_kind,
    qualified,
    said_of_a_gap,
    lacking_detail,
    counted_elsewhere,
    asks_a_detail,
    asks_specifics,
    unknown_head,
    asked_about_mentions,
    unframed_area,
    unknown_object,
    area_with_unknown_name,
    several_areas,
    about_now,
    unnamed_detail,
)


# -- helpers ------------------------------------------------------------------------------


def rare_names(case: Case) -> list[str]:
    """Unknown words that are names ("Gwadar", "MBBS"), not everyday words ("diseases") or
    words of another script (which the language file cannot tell apart)."""
    lexicon = case.brain.lexicon
    return [
        w
        for w in dict.fromkeys(case.unknown)
        if is_latin(w) and not lexicon.is_common(w) and not w.isdigit()
    ]


def answers_by_its_words(case: Case) -> bool:
    """The best topic's reply gives the kind of detail asked (a name for "who", a figure for
    "how many"), and the question asks nothing it does not account for ("will", "days")."""
    topic, qtype = case.topic, case.parsed.qtype
    # "who said trade will reach a billion?": a tense or a unit shifts a date or a figure,
    # never who said it
    moved = qtype not in ("who", "names") and shifted(case, topic)
    return not moved and counts_it(case, topic) and case.brain.slots.provides(topic.answer, qtype)


def shifted(case: Case, topic: Topic) -> bool:
    """The question shifts what it asks ("will", "now", "days") in a way the topic does not
    account for: its date or figure is not the one asked."""
    lexicon, parsed = case.brain.lexicon, case.parsed
    own = parsed.subject - parsed.borrowed  # a "now" of the last turn shifts nothing here
    return any(lexicon.is_qualifier(c) for c in own if c not in topic.accounts_for)


def positions(candidate: Candidate, parsed: Parsed) -> frozenset[int]:
    """The words of the question a candidate accounts for."""
    return frozenset(
        i for c in candidate.matched if not c.endswith("_q") for i in parsed.where.get(c, [])
    )


def _asked(candidate: Candidate, parsed: Parsed) -> bool:
    """The candidate's signals name the kind asked ("where" for the place)."""
    return f"{parsed.qtype}_q" in candidate.matched


def about_positions(candidate: Candidate, parsed: Parsed) -> frozenset[int]:
    """The words that make a candidate a candidate (its ``about`` concepts)."""
    about = {c for g in candidate.topic.about for c in g} & candidate.matched
    return frozenset(i for c in about if not c.endswith("_q") for i in parsed.where.get(c, []))


def ambiguity(case: Case) -> tuple[list[Topic], bool]:
    """Topics the very same words point to, and whether they are alike (same intent). The
    question word counts as a word of the topic whose signals name it ("where was that?"
    after who welcomed him: the place, not the welcome) when the topics differ in kind."""
    best, parsed = case.best, case.parsed
    options = [best.topic]
    alike = True
    words = positions(best, parsed)
    for other in case.others()[:2]:
        if best.score - other.score > CONFIG.tie or best.score >= CONFIG.strong:
            break
        if other.type_ok != best.type_ok or positions(other, parsed) != words:
            continue
        same_intent = other.topic.intent == best.topic.intent
        if not same_intent and _asked(other, parsed) != _asked(best, parsed):
            continue
        options.append(other.topic)
        alike = alike and same_intent
    return (options, alike) if len(options) > 1 else ([], True)


def second_question(case: Case) -> Candidate | None:
    """A candidate about other words of the question, across an "and" from the best."""
    parsed, best = case.parsed, case.best
    joins = [
        i for i, t in enumerate(parsed.tokens) if t.word in case.brain.lexicon.grammar.join_words
    ]
    mine = about_positions(best, parsed)
    if not joins or not mine:
        return None
    for other in case.candidates[1:6]:
        theirs = about_positions(other, parsed)
        if not theirs or theirs & mine or other.topic.intent == best.topic.intent:
            continue
        low, high = sorted([(min(mine), max(mine)), (min(theirs), max(theirs))])
        if any(low[1] < j < high[0] for j in joins):
            return other
    return None


def combinable(case: Case) -> list[Candidate]:
    """Topics of the same kind as the best, each matched by words of its own."""
    best, parsed = case.best, case.parsed
    family = COMBINABLE.get(best.topic.kind)
    group = [best]
    if family is None:
        return group
    covered = set(best.matched)
    deals_asked = sum("deal" in concepts for _, concepts in parsed.spans)
    for other in case.others():
        if best.score - other.score > CONFIG.combine_within + 1.5:
            break
        if COMBINABLE.get(other.topic.kind) != family:
            continue
        own = {c for g in other.topic.about for c in g} & set(other.matched)
        related = set(other.topic.next) & {g.topic.id for g in group}
        if other.topic.kind == "unnamed" and related and deals_asked < 2:
            continue  # "farm animals": the named veterinary area, not "agriculture: no"
        if own and not own & covered:
            group.append(other)
            covered |= other.matched
    return group[:4]


def subject_words(case: Case) -> list[str]:
    """The user's words for what a deal was asked about: not the framing ("deal", a
    country), only words for concepts of the record that carry full weight."""
    lexicon, parsed, topic = case.brain.lexicon, case.parsed, case.topic

    def framing(concept: str) -> bool:
        info = lexicon.info.get(concept)
        return info is None or not info.from_record or not info.anchor or info.weight < 1

    words = [
        surface
        for surface, concepts in parsed.spans
        if concepts & topic.vocabulary and not any(framing(c) for c in concepts)
    ]
    return words + [w for w in parsed.unknown if w not in words]


def not_among_answer(brain: View, words: Sequence[str]) -> Answer:
    """The closed-list answer for words the record has no entry for ("visa", "cpec")."""
    return compose.spoken(
        not_among(brain.record, words),
        brain.speech,
        answered=True,
        intent="agreement_not_named",
        confidence=0.7,
        sources=tuple(a.sources[0] for a in brain.record.agreements.named),
        suggestions=brain.examples,
    )


def not_among(record: Record, words: Sequence[str]) -> list[Piece]:
    agreements = record.agreements
    return compose.not_among(words, agreements.total, len(agreements.named))
