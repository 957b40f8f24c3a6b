"""The conversation stage: a follow-up borrows from the previous turn only what it lacks.

A message with topic evidence of its own ("How many agreements were signed?") stands alone,
whatever was said before: leftover context must never pull a complete question onto the last
topic. Only a message that leans back (a pronoun, "and ...", "what about ...", or a bare
question word with nothing to ask about) inherits, and then only what it lacks: the subject
for "when?", the kind of question for "and railways?", the person for "he".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.brain.config import CONFIG
from bot.brain.frozen import evolve
from bot.brain.understand import OFF_TOPIC, SAYING, Lexicon, Parsed

AREA_FRAME = "deal"  # the language file's concept for agreements: what an area is one of
THE_OTHER = "the_other"  # the language file's concept for "the other leader"
NEW_TOPIC = "new_topic"  # ... and for "by the way": a new subject, not a follow-up
TOTAL = "count_word"  # ... and for "in total", "overall", "всего": the whole, not the last part
CORRECTING = "correcting"  # ... and for "I meant", "я имел в виду": the last question, corrected
DOUBTING = "doubting"  # ... and for "really?", "I heard", "точно?": the last answer, doubted
SPEECH_ACTS = frozenset({CORRECTING, DOUBTING})  # what a turn does, not what it is about


@dataclass
class Context:
    """One conversation's memory (the only mutable state of the brain, one per chat)."""

    last_person: str | None = None
    last_concepts: dict[str, float] = field(default_factory=dict)
    last_qtype: str | None = None
    last_topic: str | None = None
    turns: int = 0
    lang: str | None = None  # the language the conversation was last answered in
    person_turn: bool = False  # the last answer was about a person ("the other one" is a person)
    corrected: frozenset[str] = frozenset()  # what the last answer said the record lacks
    last_frame: frozenset[str] = frozenset()  # the framing concepts the last topic accounts for


@dataclass(frozen=True)
class Resolved:
    """A question with what it borrowed from the conversation."""

    parsed: Parsed
    mentioned: tuple[str, ...]  # people named, directly or as "he"
    leaned_back: bool = False


def resolve(
    parsed: Parsed,
    context: Context,
    lexicon: Lexicon,
    people: tuple[str, ...],
    stands_alone: Callable[[Parsed], bool],
    echoes: Callable[[Parsed, str], bool] | None = None,
    owner: Callable[[Parsed], str | None] | None = None,
) -> Resolved:
    """``parsed`` as the conversation completes it; ``parsed`` itself is left unchanged.
    ``echoes``: whether the record words a message uses are the last answer's own;
    ``owner``: whose the thing the message's own words name is (the award: Tokayev's)."""
    parsed = _the_other(parsed, context, people)
    parsed = _about_the_last(parsed, context, people)
    mentioned = [p for p in people if p in parsed.concepts]
    speaker = _owned(parsed, _speaker_from_context(parsed, mentioned, context), people, owner)
    own_subject = _names_its_subject(parsed, lexicon)  # before "he" is resolved
    resolved = parsed  # a copy only when something is added: no reader changes a parse
    if speaker is not None:
        resolved = evolve(parsed, concepts={**parsed.concepts, speaker: 1.0})
        mentioned = [speaker, *mentioned]
    resolved = _speaker_on_subject(resolved, mentioned, lexicon)
    if context.turns and _terse_area(resolved, lexicon):
        resolved = evolve(resolved, follow_up=True)  # "Visa facilitation?" = "and visas?"
    leans = _leans_back(resolved, own_subject, stands_alone, mentioned, lexicon)
    if not context.turns or not leans:
        return Resolved(resolved, tuple(mentioned))
    last = context.last_topic
    echoed = bool(echoes and last and resolved.record_words and echoes(resolved, last))
    inherited = _inherit(resolved, context, lexicon, own_subject, echoed)
    return Resolved(inherited, tuple(mentioned), leaned_back=True)


def _names_its_subject(parsed: Parsed, lexicon: Lexicon) -> bool:
    """A concept of the record, or the agreements themselves: "and number of documents?"
    after the 23 years asks for the 37, not the 23 ("and them?" points back instead)."""
    deals = AREA_FRAME in parsed.subject and not parsed.thing_pronoun
    return deals or any(lexicon.from_record(c) for c in parsed.subject)


def _the_other(parsed: Parsed, context: Context, people: tuple[str, ...]) -> Parsed:
    """ "no, the other leader": of the record's two people, the one the last turn was not
    about, asked what the last turn asked."""
    others = [p for p in people if p != context.last_person]
    if THE_OTHER not in parsed.concepts or not context.person_turn or len(others) != 1:
        return parsed
    concepts = {c: w for c, w in parsed.concepts.items() if c != THE_OTHER}
    concepts[others[0]] = 1.0
    return evolve(parsed, concepts=concepts, follow_up=True)


def _about_the_last(parsed: Parsed, context: Context, people: tuple[str, ...]) -> Parsed:
    """ "and what did he say about him?" after Tokayev on Sharif: "him" is the last person,
    spoken of; "he" is the other of the record's two people."""
    last = context.last_person
    others = [p for p in people if p != last]
    named = [p for p in people if p in parsed.concepts]
    if not parsed.about_pronoun or parsed.spoken_of or last is None or len(others) != 1:
        return parsed
    if named and named != others:
        return parsed
    concepts = {**parsed.concepts, others[0]: 1.0, last: 1.0}
    return evolve(parsed, concepts=concepts, spoken_of=last, first_person=others[0])


def _owned(
    parsed: Parsed,
    speaker: str | None,
    people: tuple[str, ...],
    owner: Callable[[Parsed], str | None] | None,
) -> str | None:
    """ "who hosted Tokayev?", then "what medal did he receive?": "he" is whoever the medal
    is of, not the host just answered."""
    if speaker is None or not parsed.person_pronoun or owner is None:
        return speaker
    return next((p for p in people if p == owner(parsed)), speaker)


def _speaker_from_context(parsed: Parsed, mentioned: list[str], context: Context) -> str | None:
    """ "he" is the last person; so is the speaker of "and about Sharif?" or "did he say
    anything about Sharif?" when Sharif is only spoken of."""
    last = context.last_person
    speakers = [p for p in mentioned if p != parsed.spoken_of]
    if last is None or speakers or (last == parsed.spoken_of and mentioned):
        return None
    leaning = parsed.person_pronoun or (parsed.follow_up and parsed.spoken_of is not None)
    return last if leaning else None


def _terse_area(parsed: Parsed, lexicon: Lexicon) -> bool:
    """A few words naming only agreement areas, with no question word: in a conversation
    it asks what the last question asked, about these areas."""
    anchored = [c for c in parsed.subject if lexicon.is_anchor(c)]
    asks_yes_no = parsed.qtype == "yes_no" and not parsed.neutral  # "was there one on X?"
    short = len(parsed.tokens) <= (CONFIG.terse_area_words + 2 * asks_yes_no)
    bare = not parsed.qtype or asks_yes_no
    # "culture?" after an area: what the record mentions only in general counts too
    covered = all(lexicon.is_area(c) or lexicon.is_general(c) for c in anchored)
    return short and bare and bool(anchored) and covered


def _turns_away(parsed: Parsed, own_subject: bool) -> bool:
    """ "tell me a joke", "by the way, ...", "یہ بتاؤ، اگلا فٹبال ورلڈ کپ کون جیتے گا" (its
    own words are its subject): not about the last answer, whatever pronoun it has."""
    if (OFF_TOPIC in parsed.concepts and not own_subject) or NEW_TOPIC in parsed.concepts:
        return True
    return len(parsed.foreign) >= CONFIG.foreign_subject_words and not parsed.follow_up


def _leans_back(
    parsed: Parsed,
    own_subject: bool,
    stands_alone: Callable[[Parsed], bool],
    people: list[str],
    lexicon: Lexicon,
) -> bool:
    if _turns_away(parsed, own_subject):
        return False
    if parsed.follow_up or parsed.thing_pronoun or parsed.group_pronoun:
        return True
    if _none_of_something(parsed, own_subject, lexicon):
        return True  # "dairy ka koi nahi?": none among the last ones
    if _doubts(parsed, lexicon):  # "really? I heard 40", "are you sure?": of the last answer
        return not own_subject
    if CORRECTING in parsed.concepts:  # "no, I meant the deadline": of the target just
        return not stands_alone(parsed)  # answered; "I meant how many were signed": alone
    if parsed.person_pronoun and not parsed.subject - set(people):
        return True  # "why him?" after the award: the award, asked of him
    if parsed.unknown or parsed.record_words or own_subject or len(parsed.foreign) >= 2:
        return False  # it names something of its own, even if the record lacks it
    return bool(parsed.qtype) and not stands_alone(parsed)


RECORD_WIDE = ("when", "where")  # every event of the record shares its date and place
PERSON_OR_REASON = ("who", "why")


def _inherit(
    parsed: Parsed, context: Context, lexicon: Lexicon, own_subject: bool, echoed: bool = False
) -> Parsed:
    """What a message that leans back borrows, in order: the documents "them" points at,
    the subject it lacks, the kind of question it lacks, and the frame ("deal", "say")."""
    concepts = dict(parsed.concepts)
    # being off the topic is never lent ("gold rate?", then "how long had it been since...")
    previous = {c: w for c, w in context.last_concepts.items() if c != OFF_TOPIC}
    pointing = parsed.thing_pronoun or parsed.group_pronoun
    _borrow(concepts, _lent_subject(parsed, context, lexicon, previous, own_subject, echoed))
    qtype = parsed.qtype
    borrowed = _borrows_kind(parsed, context, lexicon)
    if borrowed and context.last_qtype:
        # "and railway?", "what about Sharif?": same question, new subject
        qtype = context.last_qtype
        concepts[f"{qtype}_q"] = 1.0
    absent = _asks_for_none(parsed, lexicon)
    if parsed.follow_up or pointing or absent:  # "and railway?", "was there one on IT?": the frame
        frame = _frame(previous, lexicon, context.last_topic)
        if absent:  # "dairy ka koi nahi?": of the deals, not of their worth
            frame = {c: w for c, w in frame.items() if c == AREA_FRAME}
        _borrow(concepts, {c: w * CONFIG.inherited_weight for c, w in frame.items()})
    lent = frozenset(concepts) - frozenset(parsed.concepts)
    _country_speaker(parsed, concepts, lent, lexicon)
    return evolve(parsed, concepts=concepts, qtype=qtype, borrowed_kind=borrowed, borrowed=lent)


def _lent_subject(
    parsed: Parsed,
    context: Context,
    lexicon: Lexicon,
    previous: dict[str, float],
    own_subject: bool,
    echoed: bool,
) -> dict[str, float]:
    """The documents "them" points at, then the subject the message lacks."""
    lent: dict[str, float] = {}
    pointing = parsed.thing_pronoun or parsed.group_pronoun
    if parsed.group_pronoun:  # "how many of them are named": them = the same documents
        _borrow(lent, _frame(previous, lexicon, context.last_topic))
    # "what did he hope for?" after his words of hope; "you sure? he said Hilal something"
    keeps = pointing or echoed or _doubts(parsed, lexicon)
    if TOTAL in parsed.concepts and not pointing:  # "and how many in total?": all 37
        # also after the list of the agreements, which its question may not have named
        _borrow(lent, _frame(previous, lexicon, context.last_topic))
        _borrow(lent, dict.fromkeys(context.last_frame, 1.0))
    else:
        _borrow(lent, _subject_kept(parsed, previous, lexicon, own_subject, keeps))
    return lent


def _country_speaker(
    parsed: Parsed, concepts: dict[str, float], lent: frozenset[str], lexicon: Lexicon
) -> None:
    """ "and Pakistan ne Kazakhstan ko?" after what one leader called the other: with words
    of saying lent and two countries named, the first speaks through its leader."""
    countries = [c for c in parsed.concepts if lexicon.country_of(c)]
    speaking = SAYING & lent and len(countries) >= 2  # one country of the other
    if speaking and parsed.first_person and not any(p in concepts for p in lexicon.people):
        concepts[parsed.first_person] = CONFIG.country_speaker_weight


def _subject_kept(
    parsed: Parsed, previous: dict[str, float], lexicon: Lexicon, own_subject: bool, pointing: bool
) -> dict[str, float]:
    """The last subject, as this message borrows it: whole for "how many?", "why?", "and
    when?", "who set it?"; at half weight beside the act a short who/why question names
    ("who signed it?": "it" is still the last subject)."""
    subject = _fitting(
        {c: w for c, w in previous.items() if not c.endswith("_q")}, parsed.qtype, lexicon
    )
    if _keeps_subject(parsed, own_subject, pointing):
        return subject
    if pointing and _asks_of_it(parsed) and lexicon.points_alone(parsed):
        return {c: w * CONFIG.inherited_weight for c, w in subject.items()}
    if pointing and parsed.about_thing and SAYING & parsed.subject:
        # "did Tokayev say anything about it?": what the last turn was about, not its speaker
        return {c: w for c, w in subject.items() if c not in lexicon.people}
    return {}


def _fitting(subject: dict[str, float], qtype: str | None, lexicon: Lexicon) -> dict[str, float]:
    """ "what date did they sign?", then "where?": the subject without the date, unless
    nothing else is left ("which building?", then "by whom?": of the building)."""
    if not qtype:
        return subject
    fitting = {c: w for c, w in subject.items() if _kind_fits(c, qtype, lexicon)}
    return fitting if fitting.keys() - SPEECH_ACTS else subject


def _kind_fits(concept: str, qtype: str, lexicon: Lexicon) -> bool:
    """A concept that asks a kind of its own ("date": when) lends it only to that kind."""
    implied = lexicon.implied_kind(concept)
    return implied is None or implied == qtype


def _doubts(parsed: Parsed, lexicon: Lexicon) -> bool:
    """A doubt opens the message ("really? I heard 40", "are you sure?"); later, "really"
    only stresses ("who really runs the world?", "you're really useful")."""
    first = parsed.tokens[0].surface if parsed.tokens else ""
    opens = any(at <= CONFIG.doubt_reach for at in parsed.where.get(DOUBTING, ()))
    return opens or first in lexicon.grammar.doubt_openers


def _borrows_kind(parsed: Parsed, context: Context, lexicon: Lexicon) -> bool:
    """ "and railway?" asks what the last question asked, about railway; but after "where
    exactly?", "and mining?" is about mining, not the place every event of the record shares."""
    if context.last_qtype is None:
        return False
    if _doubts(parsed, lexicon) and parsed.qtype in (None, "yes_no"):
        # "are you sure?", "really? I heard 40": the last question, again ("I heard they
        # signed one on transit, is that right?" asks its own)
        return not _names_its_subject(parsed, lexicon)
    # "and nothing on UN peacekeeping?": whether, not the last kind or detail (its worth)
    if not parsed.follow_up or parsed.qtype or lexicon.asks_for_none(parsed):
        return False
    wide = context.last_qtype in RECORD_WIDE
    return not (wide and any(lexicon.is_area(c) for c in parsed.subject))


def _none_of_something(parsed: Parsed, own_subject: bool, lexicon: Lexicon) -> bool:
    """ "dairy ka alag se koi nahi?", "bijli ka koi nahi?": whether there is none of a thing
    it names, among what was just discussed; not "koi baat nahi" (never mind), and not "no
    i meant the target" (a correction)."""
    return (own_subject or bool(parsed.unknown)) and _asks_for_none(parsed, lexicon)


def _asks_for_none(parsed: Parsed, lexicon: Lexicon) -> bool:
    """Whether there is none ("and nothing on IT?"), unless it corrects the last turn."""
    return CORRECTING not in parsed.concepts and lexicon.asks_for_none(parsed)


def _asks_of_it(parsed: Parsed) -> bool:
    """ "who signed it?", "why did they give it to him?": a short who or why question whose
    pronoun is what it asks about, though it names an act of its own."""
    return parsed.qtype in PERSON_OR_REASON and len(parsed.tokens) <= CONFIG.pronoun_question_words


def _keeps_subject(parsed: Parsed, own_subject: bool, pointing: bool) -> bool:
    """Whether the last turn's subject carries over: the message names none of its own
    (a pronoun points back even when other words are unknown)."""
    return not own_subject and (pointing or not (parsed.unknown or parsed.record_words))


def _frame(
    previous: dict[str, float], lexicon: Lexicon, last_topic: str | None
) -> dict[str, float]:
    """The last turn's framing concepts: neither the record's own nor kinds of question.
    After an area, the deals frame it even if its words had none ("was maritime part of
    the package?", then "and education?" or "how many in total?": of the agreements)."""
    frame = {
        c: w for c, w in previous.items() if not lexicon.from_record(c) and not c.endswith("_q")
    }
    if last_topic is not None and lexicon.is_area(last_topic):
        frame.setdefault(AREA_FRAME, 1.0)
    return frame


def _borrow(concepts: dict[str, float], borrowed: dict[str, float]) -> None:
    """Adds what the message lacks; its own concepts keep their weights."""
    for concept, weight in borrowed.items():
        concepts.setdefault(concept, weight)


def _speaker_on_subject(parsed: Parsed, mentioned: list[str], lexicon: Lexicon) -> Parsed:
    """ "tokayev on sharif": what the first named said about the other."""
    if len(mentioned) < 2 or "say" in parsed.concepts or parsed.qtype:
        return parsed
    first, second = (min(parsed.where.get(p, [0])) for p in mentioned[:2])
    between = parsed.tokens[min(first, second) + 1 : max(first, second)]
    if not any(t.word in lexicon.grammar.object_markers for t in between):
        return parsed
    speaker = mentioned[0] if first < second else mentioned[1]
    return evolve(parsed, concepts={**parsed.concepts, "say": 1.0}, first_person=speaker)


def remember(
    context: Context,
    parsed: Parsed,
    topic: str | None,
    person: str | None,
    corrected: frozenset[str] = frozenset(),
    frame: frozenset[str] = frozenset(),
) -> None:
    """What the next turn may lean on; ``corrected``: what the answer said the record lacks,
    when the question took it for granted (see ``next_message``)."""
    context.turns += 1
    context.last_concepts = dict(parsed.concepts)
    context.corrected = corrected
    context.last_frame = frame
    context.last_qtype = parsed.qtype
    context.last_topic = topic
    context.last_person = person or context.last_person
    context.person_turn = person is not None


def next_message(context: Context) -> None:
    """A new message: someone or somewhere the record lacks, once the last answer said so,
    is not what its "he", "where?" or "when?" asks about; the record's own event is. (Parts of
    one message still share it: "did any ministers come, and who were they?")"""
    if context.last_topic is None and OFF_TOPIC in context.last_concepts:
        context.last_concepts = {}  # a message declined as off the topic lends nothing
    if context.corrected:
        context.last_concepts = {
            c: w for c, w in context.last_concepts.items() if c not in context.corrected
        }
        context.corrected = frozenset()
