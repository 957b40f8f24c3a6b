"""The brain: ``answer(question, context) -> Answer``, plain synchronous Python.

The CLI, the console chat and Telegram all call this one function; it knows nothing about
where a question came from. Decisions are made in a fixed order, from the safest:
greetings and empty input, then the best-matching topic with honest adjustments (a detail
the record lacks, a speaker who did not say it, an area the record does not name), then
declines. A wrong confident answer is worse than a decline, so every path that is not a
clear match ends in "the record does not say" or "I can help with...".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from bot import answers as compose
from bot.answer import Answer
from bot.matching import Candidate, rank
from bot.text import clean, normalise
from bot.topics import Topic, build_topics, not_among_named
from bot.understanding import Lexicon, Parsed, split_questions
from knowledge.loading import QTYPE_CONCEPTS, Knowledge, normalise_quotes
from knowledge.store import Store, split_sentences

MIN_SCORE = 2.5
MAX_CHARS = 1000
CLOSE = 1.0  # candidates this close to the best may be combined or offered
TIE = 0.3  # this close, with the same evidence: ask "did you mean"
SMALLTALK = ("greet", "thanks", "bye", "ok", "help")
AGREEMENT_INTENTS = frozenset(
    {"agreement_area", "agreement_not_named", "agreements_count", "agreements_list"}
)
COMBINABLE = {"area": "area", "unnamed": "area", "person": "person", "statement": "statement"}
GENERIC_DEAL_CONCEPTS = frozenset({"deal", "sign", "count_word", "n37"}) | QTYPE_CONCEPTS
QUESTION_STARTS = (
    "how", "what", "who", "when", "where", "why", "which", "did", "was", "is", "were", "are",
    "any", "kitne", "kya", "kab", "kahan", "kaun", "tell", "does", "do", "has", "have", "can",
)  # fmt: skip


@dataclass
class Context:
    """One conversation's memory, so follow-ups can lean on the previous turn."""

    last_topic: str | None = None
    last_person: str | None = None
    last_concepts: dict[str, float] = field(default_factory=dict)
    last_qtype: str | None = None
    turns: int = 0


class Brain:
    """Answers questions about one record. Build once; ``answer`` is cheap and thread-safe
    as long as each conversation has its own Context."""

    def __init__(self, knowledge: Knowledge, store: Store | None = None) -> None:
        self.knowledge = knowledge
        self.record = knowledge.record
        self.store = store
        self.lexicon = Lexicon(knowledge)
        self.topics = build_topics(self.record)
        self.people = {p.id: p for p in self.record.people}
        self._sentences = split_sentences(knowledge.source_text)
        self._normalised = [normalise_quotes(s) for s in self._sentences]
        self._examples = tuple(self.record.examples[:4])
        replies = knowledge.language.replies
        self._replies = {k: v[0] for k, v in replies.items() if v}

    @classmethod
    def open(cls, db_path: Path, record_path: Path, language_path: Path) -> Brain:
        """A brain on the store at ``db_path`` (built or refreshed from the files first)."""
        from knowledge.store import open_store

        store = open_store(db_path, record_path, language_path)
        return cls(store.knowledge, store)

    # -- public ---------------------------------------------------------------------------

    def answer(self, question: object, context: Context | None = None) -> Answer:
        context = context if context is not None else Context()
        text = clean(question if isinstance(question, str) else "").strip()
        if not normalise(text):
            intent = "empty" if not text else "not_understood"
            return self._reply(intent)
        if len(text) > MAX_CHARS:
            return self._reply(
                "too_long",
                f"That message is too long for me ({len(text):,} characters). Please ask one "
                "short question, for example: {examples}",
            )
        parts = split_questions(text, QUESTION_STARTS)
        if len(parts) <= 1:
            return self._answer_one(text, context)
        results = [self._answer_one(part, context) for part in parts]
        useful = [r for r in results if r.intent not in SMALLTALK] or results
        if len(useful) == 1:
            return useful[0]
        return Answer(
            text="\n\n".join(r.text for r in useful),
            answered=any(r.answered for r in useful),
            intent="multi",
            confidence=min(r.confidence for r in useful),
            sources=compose.unique(s for r in useful for s in r.sources),
            suggestions=useful[-1].suggestions,
            topic=useful[-1].topic,
        )

    def source_sentence(self, quote: str) -> str:
        """The full sentence of the source document that a knowledge quote comes from."""
        wanted = normalise_quotes(quote)
        for sentence, normalised in zip(self._sentences, self._normalised, strict=True):
            if wanted in normalised:
                return sentence
        return quote

    def suggestions_for(self, topic: Topic) -> tuple[str, ...]:
        return tuple(self.topics[n].ask for n in topic.next if n in self.topics)[:3]

    # -- one question -----------------------------------------------------------------------

    def _answer_one(self, text: str, context: Context) -> Answer:
        parsed = self.lexicon.parse(text)
        mentioned = self._apply_context(parsed, context)
        result = self._decide(parsed, mentioned)
        context.turns += 1
        context.last_concepts = dict(parsed.concepts)
        context.last_qtype = parsed.qtype
        if result.topic:
            context.last_topic = result.topic
            person = self.topics[result.topic].person if result.topic in self.topics else None
            context.last_person = person or (mentioned[0] if mentioned else context.last_person)
        elif mentioned:
            context.last_person = mentioned[0]
        return self._with_full_sources(result)

    def _apply_context(self, parsed: Parsed, context: Context) -> list[str]:
        """Resolve "he", "it", "and railway?", "how many?" against the previous turn.

        Returns the people the question names (directly or as "he").
        """
        mentioned = [p for p in self.people if p in parsed.concepts]
        record_subject = {c for c in parsed.subject if self.lexicon.from_record(c)}
        if parsed.person_pronoun and not mentioned and context.last_person:
            parsed.concepts[context.last_person] = 1.0
            mentioned = [context.last_person]
        if not context.turns:
            return mentioned
        previous = context.last_concepts
        if parsed.group_pronoun:  # "how many of them are named": them = the same documents
            for concept, weight in previous.items():
                if not self.lexicon.from_record(concept) and not concept.endswith("_q"):
                    parsed.concepts.setdefault(concept, weight)
        leans_back = parsed.thing_pronoun or parsed.follow_up or bool(parsed.qtype)
        if leans_back and not record_subject and not parsed.unknown and not parsed.record_words:
            # "how many?", "why?", "and when?": same subject, new question
            for concept, weight in previous.items():
                if not concept.endswith("_q"):
                    parsed.concepts.setdefault(concept, weight)
        if parsed.follow_up and not parsed.qtype and context.last_qtype:
            # "and railway?", "what about Sharif?": same question, new subject
            parsed.qtype = context.last_qtype
            parsed.concepts[f"{parsed.qtype}_q"] = 1.0
            for concept, weight in previous.items():
                if not self.lexicon.from_record(concept) and not concept.endswith("_q"):
                    parsed.concepts.setdefault(concept, weight)
        return mentioned

    def _decide(self, parsed: Parsed, mentioned: list[str]) -> Answer:
        subject = parsed.subject
        record_subject = {c for c in subject if self.lexicon.from_record(c)}
        smalltalk = [c for c in SMALLTALK if c in subject]
        anchored = any(self.lexicon.is_anchor(c) for c in subject)
        if smalltalk and not record_subject and not anchored and not parsed.unknown:
            return self._reply(smalltalk[0])
        if not any(ch.isalnum() for ch in parsed.text):
            return self._reply("not_understood")
        if "offtopic" in subject and not subject & {"deal", "sign"}:
            return self._reply("off_topic")

        candidates = [c for c in rank(parsed, self.topics, self.lexicon) if c.evidence >= MIN_SCORE]
        if not candidates:
            return self._fallback(parsed)
        best = candidates[0]
        runner_up = candidates[1] if len(candidates) > 1 else None
        conf = compose.confidence(best, runner_up)
        topic = best.topic
        suggestions = self.suggestions_for(topic)
        unknown = self._unexplained(parsed)
        closed_question = parsed.qtype in (None, "yes_no", "what", "list", "how")

        # Asked about a deal on something the record ties to no agreement: the closed list.
        if "deal" in parsed.concepts and closed_question and topic.kind != "gap":
            generic_only = not (best.matched - GENERIC_DEAL_CONCEPTS)
            dealt = [
                w
                for w in unknown
                if w in parsed.objects or (parsed.qtype != "what" and parsed.near(w, "deal", 1))
            ]
            if topic.intent in AGREEMENT_INTENTS and generic_only and dealt:
                return self._not_among_answer(dealt)
            if topic.intent not in AGREEMENT_INTENTS and "deal" not in topic.vocabulary:
                words = self._subject_words(parsed, topic) or unknown
                if words:
                    text = self._not_among(words) + " " + compose.strip_yes(topic.answer)
                    return compose.from_topic(
                        topic, conf, suggestions, text=text, answered=True,
                        intent="agreement_not_named",
                    )  # fmt: skip

        ambiguous, alike = self._ambiguity(best, candidates, parsed)
        if ambiguous and not alike:
            return compose.clarify(ambiguous, self._replies["clarify"])
        if ambiguous:
            text = compose.combined(ambiguous)
            sources = [src for t in ambiguous for src in t.sources]
            return compose.from_topic(topic, conf, suggestions, text=text, sources=sources)

        misattributed = topic.speaker and mentioned and topic.speaker not in mentioned
        if misattributed and not any(p in topic.vocabulary for p in mentioned):
            who = self.people[mentioned[0]].short
            if parsed.qtype in ("yes_no", "who"):  # "was it Tokayev who spoke on Gaza?"
                speaker = self.people[str(topic.speaker)].short
                text = f"No: the record attributes this to {speaker}, not {who}. {topic.answer}"
                return compose.from_topic(topic, conf, suggestions, text=text)
            text = f"The record does not say that {who} said this. {topic.answer}"
            return compose.from_topic(
                topic, conf, suggestions, text=text, answered=False, intent="not_in_record"
            )

        # "how many MoUs on railways?": the answer is about railways, not the 37 in all
        areas = {c for c in subject if self.lexicon.is_area(c)}
        if areas and not areas & topic.vocabulary and parsed.qtype not in ("when", "where"):
            covering = [c for c in candidates if areas & c.topic.vocabulary]
            if covering:
                best, topic = covering[0], covering[0].topic
                suggestions = self.suggestions_for(topic)

        # The question is about X (strong evidence) but asks a detail X lacks ("who was the
        # previous visitor?"): say so rather than answer a weaker topic that fits the kind.
        lacking = next(
            (
                c
                for c in candidates
                if not c.type_ok
                and c.evidence >= best.evidence + 1.5
                and any(not m.endswith("_q") for m in c.matched - best.matched)
            ),
            None,
        )
        if lacking is not None and parsed.qtype not in ("when", "where"):  # one date, one place
            best, topic = lacking, lacking.topic
        if not best.type_ok and parsed.qtype:
            text = compose.missing_detail(topic, parsed.qtype)
            return compose.from_topic(
                topic, conf, suggestions, text=text, answered=False, intent="not_in_record"
            )

        # Something the record does not know is what the question is about.
        only_by_kind = not (best.matched & subject)
        asked_about = parsed.objects if topic.kind not in ("area", "unnamed") else []
        if topic.answered and (asked_about or (unknown and only_by_kind)):
            words = asked_about or unknown
            text = compose.not_mentioned(words, "What it says: " + compose.strip_yes(topic.answer))
            return compose.from_topic(
                topic, conf * 0.8, suggestions, text=text, answered=False, intent="not_in_record"
            )
        if topic.kind == "area" and unknown and parsed.qtype in ("yes_no", None):
            # "was Gwadar port part of the deals?": yes to ports, but Gwadar is not named
            near = [w for g in topic.about for c in g for w in unknown if parsed.near(w, c, 1)]
            if near:
                text = f"{topic.answer} {compose.not_mentioned(list(dict.fromkeys(near)))}"
                return compose.from_topic(topic, conf * 0.8, suggestions, text=text)
        if (
            "now" in parsed.concepts
            and "now" not in topic.vocabulary
            and parsed.qtype == "yes_no"
            and topic.kind in ("statement", "said")
        ):  # "is there war in Gaza now?": the record is about one day, not the present
            text = (
                f"The record does not say how things stand now: it reports the events of "
                f"{self.record.visit.date}. What it says: {topic.answer}"
            )
            return compose.from_topic(
                topic, conf, suggestions, text=text, answered=False, intent="not_in_record"
            )
        loose = topic.kind not in ("area", "unnamed")  # "did Tokayev visit Lahore?"
        if topic.answered and unknown and parsed.qtype == "yes_no" and loose:
            text = compose.not_mentioned(unknown, "What it says: " + topic.answer)
            return compose.from_topic(
                topic, conf * 0.8, suggestions, text=text, answered=False, intent="not_in_record"
            )

        group = self._combinable(best, candidates, parsed)
        if len(group) > 1:
            text = compose.combined([c.topic for c in group])
            sources = [s for c in group for s in c.topic.sources]
            return compose.from_topic(topic, conf, suggestions, text=text, sources=sources)
        return compose.from_topic(topic, conf, suggestions)

    # -- helpers -------------------------------------------------------------------------

    def _ambiguity(
        self, best: Candidate, candidates: list[Candidate], parsed: Parsed
    ) -> tuple[list[Topic], bool]:
        """Topics that the very same words point to, with nothing to choose between them.

        Returns them and whether they are alike (same intent: answer them together, like
        both leaders' words on "partner") or different (ask "did you mean").
        """
        options = [best.topic]
        alike = True
        words = self._positions(best, parsed)
        for other in candidates[1:3]:
            if best.score - other.score > TIE or best.score >= 6.5:
                break
            if other.type_ok != best.type_ok or self._positions(other, parsed) != words:
                continue
            options.append(other.topic)
            alike = alike and other.topic.intent == best.topic.intent
        return (options, alike) if len(options) > 1 else ([], True)

    @staticmethod
    def _positions(candidate: Candidate, parsed: Parsed) -> frozenset[int]:
        """The words of the question a candidate accounts for."""
        return frozenset(
            i for c in candidate.matched if not c.endswith("_q") for i in parsed.where.get(c, [])
        )

    def _combinable(
        self, best: Candidate, candidates: list[Candidate], parsed: Parsed
    ) -> list[Candidate]:
        """Topics of the same kind matched by different words: "railway and maritime?"."""
        family = COMBINABLE.get(best.topic.kind)
        group = [best]
        if family is None:
            return group
        covered = set(best.matched)
        for other in candidates[1:]:
            if best.score - other.score > CLOSE + 1.5:
                break
            if COMBINABLE.get(other.topic.kind) != family:
                continue
            own = {c for g in other.topic.about for c in g} & set(other.matched)
            deals_asked = sum("deal" in concepts for _, concepts in parsed.spans)
            related = set(other.topic.next) & {g.topic.id for g in group}
            if other.topic.kind == "unnamed" and related and deals_asked < 2:
                continue  # "farm animals": the named veterinary area, not "agriculture: no"
            if own and not own & covered:
                group.append(other)
                covered |= other.matched
        return group[:4]

    def _subject_words(self, parsed: Parsed, topic: Topic) -> list[str]:
        """The user's words for what a deal was asked about (not 'deal', not 'Pakistan')."""
        generic = {"deal", "sign", "pakistan", "kazakhstan", "leaders", "visit", "cooperation"}
        words = [
            surface
            for surface, concepts in parsed.spans
            if concepts & topic.vocabulary and not concepts & generic
        ]
        return words + [w for w in parsed.unknown if w not in words]

    def _unexplained(self, parsed: Parsed) -> list[str]:
        return [w for w in parsed.unknown if len(w) >= 3 and not w.isdigit()]

    def _not_among(self, words: list[str]) -> str:
        return not_among_named(" ".join(words), self.record)

    def _not_among_answer(self, words: list[str]) -> Answer:
        return Answer(
            text=self._not_among(words),
            answered=True,
            intent="agreement_not_named",
            confidence=0.7,
            sources=tuple(a.sources[0] for a in self.record.agreements.named),
            suggestions=self._examples,
        )

    def _fallback(self, parsed: Parsed) -> Answer:
        """No topic fits: an honest "not in the record", a quote, or a decline."""
        subject = parsed.subject
        unknown = self._unexplained(parsed)
        anchored = any(self.lexicon.is_anchor(c) for c in subject)
        talking = bool(subject & {"say", "discuss"})
        if "deal" in parsed.concepts and unknown:
            return self._not_among_answer(unknown)
        if unknown and (anchored or talking):
            return compose.reply(
                "not_in_record",
                compose.not_mentioned(parsed.objects or unknown),
                self._examples,
                0.6,
            )
        quoted = self._quote(parsed)
        if quoted:
            return quoted
        latin = bool(parsed.tokens) and parsed.tokens[0].word.isascii()
        return self._reply("off_topic" if latin else "not_understood")

    def _quote(self, parsed: Parsed) -> Answer | None:
        """A sentence of the record that contains every content word of the question."""
        if self.store is None or parsed.unknown:
            return None
        words = [w for w in parsed.record_words if len(w) >= 4 and w.isalpha()]
        if not words:
            return None
        found = self.store.search_sentences(words, limit=2)
        if not found or (len(words) == 1 and len(found) > 1):
            return None  # one word that several sentences share says too little
        return Answer(
            text=f"The record says: \u201c{found[0]}\u201d",
            answered=True,
            intent="quote",
            confidence=0.4,
            sources=(found[0],),
            suggestions=self._examples[:3],
        )

    def _reply(self, kind: str, template: str | None = None) -> Answer:
        template = template or self._replies.get(kind) or self._replies["off_topic"]
        examples = "; ".join(f"\u201c{e}\u201d" for e in self._examples[:3])
        text = template.format(scope=self.record.scope, examples=examples)
        return compose.reply(kind, text, self._examples)

    def _with_full_sources(self, answer: Answer) -> Answer:
        if not answer.sources:
            return answer
        full = compose.unique(self.source_sentence(s) for s in answer.sources)
        return replace(answer, sources=full)
