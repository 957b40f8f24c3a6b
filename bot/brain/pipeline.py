"""The brain: ``answer(question, context) -> Answer``, plain synchronous Python.

The CLI, the console chat and Telegram all call this one function; it knows nothing about
where a question came from. Decisions are made in a fixed order, from the safest:
greetings and empty input, then the best-matching topic with honest adjustments (a detail
the record lacks, a speaker who did not say it, an area the record does not name), then
declines. A wrong confident answer is worse than a decline, so every path that is not a
clear match ends in "the record does not say" or "I can help with...".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answer import Answer
from bot.brain import cache, compose
from bot.brain.config import CONFIG
from bot.brain.context import AREA_FRAME, Context, Resolved, next_message, remember, resolve
from bot.brain.decide import DEAL_WORDS, Case, View, decide, not_among_answer
from bot.brain.frozen import evolve
from bot.brain.kinds import Slots
from bot.brain.languages import Detector
from bot.brain.retrieve import Candidate, TopicIndex, rank
from bot.brain.speech import ENGLISH, Line, Said, Speech, line
from bot.brain.topics import MenuGroup, Topic, answerable, build_topics, menu_groups
from bot.brain.understand import (
    GENERIC_QTYPES,
    OFF_TOPIC,
    SAYING,
    SMALLTALK,
    Lexicon,
    Parsed,
    listed_items,
    numbered,
    split_questions,
)
from bot.text import clean, normalise, normalise_word, stem
from bot.text import words as split_words
from knowledge.basics import normalise_quotes, split_sentences

if TYPE_CHECKING:
    from knowledge.basics import Knowledge
    from knowledge.storebase import Store

DECLINES = ("off_topic", "not_understood", "empty")
QUESTION_MARKS = ("?", "؟")  # a part followed by one asks
GUESSED = ("who", "names", "list", "where", "when")  # questions a short guess may follow
MENTION = "discuss"  # the language file's concept for "mention", "упоминается", "ذکر"
GREETING_WORDS = 4  # "Assalam o alaikum bhai": a greeting is a few words at most
SELF_WORDS_AT = 3  # "for my thesis", "AoA sir mera project": the asker named this early
GREETING = "greet"  # the language file's concept for "hi", "salam", "сәлем"
SMALLTALK_FIRST = ("bye", "thanks", "greet", "help", "ok")  # "good, thanks": thanks
PARTING = ("thanks", "bye")
# what an item of a list of wanted facts may ask: "date", "number of MoUs", "kis shehar"
FACT_KINDS = frozenset({None, "when", "where", "count", "how_much"})
_PREAMBLE = re.compile(r"([^:?]{3,}):\s+")  # "For my thesis: ...": words, a colon, a space
# "I teach in Larkana. ...", "for my essay — ...", "seller from Peshawar - ...", "trainee
# here 👷 ...": a clause, up to . ! , ; a dash (or a spaced hyphen) or an emoji
_EMOJI = "\U0001f300-\U0001faff\u2600-\u27bf"
_CLAUSE = re.compile(rf"([^.!?,;—–{_EMOJI}]{{2,}}?)(?:[.!,;—–{_EMOJI}]+|\s-+)\s+")
KEPT_WORDS = 10_000  # words whose concepts are kept (see _word_concepts); then forgotten


class Brain:
    """Answers questions about one record. Build once; ``answer`` is cheap and thread-safe
    as long as each conversation has its own Context."""

    def __init__(self, knowledge: Knowledge, store: Store | None = None) -> None:
        self.knowledge = knowledge
        self.record = knowledge.record
        self.store = store
        self.lexicon = Lexicon(knowledge)
        self._parsed: dict[str, Parsed] = {}  # see _parse
        self._words: dict[str, dict[str, float]] = {}  # see _word_concepts
        self._topic_stems: dict[str, frozenset[str]] = {}  # see _echoes
        self._frames: dict[str, frozenset[str]] = {}  # see _frame_of
        self.slots = Slots.of(self.record)
        self.topics = answerable(build_topics(self.record), self.slots.gives)
        self.topic_index = TopicIndex.of(self.topics)
        # each topic's suggestions, worked out once: a reply only looks them up
        self._suggestions = {t.id: self._suggested(t) for t in self.topics.values()}
        self.menu: list[MenuGroup] = menu_groups(self.record, self.topics)  # the Topics menu
        self.people = {p.id: p for p in self.record.people}
        self.people_ids = tuple(self.people)
        self._sentences = split_sentences(knowledge.source_text)
        self._normalised = [normalise_quotes(s) for s in self._sentences]
        self._source_of: dict[str, str] = {}  # see source_sentence
        self.examples = tuple(self.record.examples[:4])
        english = {t.id: (t.ask, t.answer) for t in self.topics.values()}
        self.speeches = {
            code: Speech(
                code, knowledge.languages, self.record, knowledge.translations.get(code), english
            )
            for code in knowledge.languages
        }
        self.speech = self.speeches[ENGLISH]
        language = knowledge.language
        self.detector = Detector(
            (pack.profile for pack in knowledge.languages.values()),
            language.grammar.plain_letters,
            _telling_words(knowledge),
            [  # words the default language has too: everyday English and the record's own
                *language.ordinary_words.split(),
                *language.common_nouns.split(),
                *split_words(knowledge.source_text.casefold()),
            ],
            _usual_words(knowledge),
        )
        # a suggestion button in any language names its topic
        self.topic_of_ask = {
            speech.ask(t): t for speech in reversed(self.speeches.values()) for t in self.topics
        }
        self.view = View(
            record=self.record,
            lexicon=self.lexicon,
            slots=self.slots,
            people=self.people,
            speech=self.speech,
            examples=self.examples,
            suggestions_for=self.suggestions_for,
            topics=self.topics,
        )

    @classmethod
    def open(cls, db_path: Path, record_path: Path, language_path: Path) -> Brain:
        """A brain on the store at ``db_path`` (built or refreshed from the files first).

        If the files are broken but a good build exists, that build is used and
        ``brain.store.warning`` says what is wrong, for the caller to report.
        """
        kept = cache.open_kept(Path(db_path), Path(record_path), Path(language_path), cls)
        if kept is not None:  # the usual start: nothing changed since the last
            kept[0].store = kept[1]
            return kept[0]
        from knowledge.store import open_store  # checking and building the knowledge

        store = open_store(db_path, record_path, language_path)
        key = cache.key_of(store)
        brain = cache.load(store, key, cls)
        if brain is None:
            brain = cls(store.knowledge, None)
            cache.save(store, key, brain)
        brain.store = store
        return brain

    @property
    def warning(self) -> str | None:
        return self.store.warning if self.store is not None else None

    # -- public ---------------------------------------------------------------------------

    def answer(
        self, question: object, context: Context | None = None, lang: str | None = None
    ) -> Answer:
        """The reply to one message, in its language (or ``lang``, the chat's, when the
        message does not tell): each of its questions answered, then combined."""
        context = context if context is not None else Context()
        next_message(context)
        self._parsed = {}
        text = clean(question if isinstance(question, str) else "").strip()
        speaking = self.detector.choose(text, lang or context.lang)
        context.lang = speaking if lang is None else context.lang
        unusable = self._unusable(text)
        if unusable is not None:
            return self.say(unusable, speaking)
        parts = self._questions_in(text)
        if len(parts) <= 1:
            return self.say(
                self._answer_one(parts[0] if parts else text, context, _marked(text)), speaking
            )
        results = [self._answer_one(part, context) for part in parts]
        return self.say(self._combined(parts, results, text), speaking)

    def _combined(self, parts: list[str], results: list[Answer], text: str) -> Answer:
        """The answers to a message's questions as one reply, unless together they ask
        something else: how one total splits, a declined request's documents, small talk."""
        split = self._split_asked(parts, results, text)
        if split is not None:
            return split
        declined = self._declined_with_its_nouns(parts, results)
        if declined is not None:
            return declined
        chat = [r for r in results if r.intent in SMALLTALK]
        if chat and not any(self._asks(p, text) for p in parts):
            return chat[0]  # "Hello! I am 67 and learning English."
        return _combine(self._beyond_gaps(*self._without_headings(parts, results, text)))

    def _without_headings(
        self, parts: list[str], results: list[Answer], text: str
    ) -> tuple[list[str], list[Answer]]:
        """ "Under the port deal, which port will they use?": a short part that asks nothing,
        before a part that asks of the same topic and gives what its reply would, only names
        the subject: no "Yes. Transit trade..." before "the record does not say which". (A
        longer one may make a claim to correct: "Sharif promised $10 billion in trade".)"""
        asking = [self._asks(p, text) for p in parts]
        heading = [
            not asking[i]
            and len(parts[i].split()) <= CONFIG.heading_words
            and any(
                asking[j] and results[j].topic == result.topic and _adds_nothing(result, results[j])
                for j in range(i + 1, len(parts))
            )
            for i, result in enumerate(results)
        ]
        kept = [i for i in range(len(parts)) if not heading[i]]
        return [parts[i] for i in kept], [results[i] for i in kept]

    def _beyond_gaps(self, parts: list[str], results: list[Answer]) -> list[Answer]:
        """ "Will Sharif pay a return visit, any dates fixed?", "how many troops will they
        deploy, and where?": after a question the record cannot answer, a part that names
        nothing new asks more of the same missing thing, which the record lacks too (not the
        date or the place of the visit)."""
        kept: list[Answer] = []
        gap: Parsed | None = None
        gap_reply = results[0]
        for part, result in zip(parts, results, strict=True):
            leans = gap is not None and result.answered and self._leans_on(part, gap)
            if leans and _adds_nothing(result, gap_reply):
                continue
            kept.append(result)
            if not result.answered and result.intent == "not_in_record" and result.topic:
                asked = self._parse(part)
                gap = None if self.lexicon.asks_nothing_here(asked) else asked
                gap_reply = result
        return kept

    def _leans_on(self, part: str, gap: Parsed) -> bool:
        """The part asks (not "PM House?", a guess) and names nothing the gap did not."""
        parsed = self._parse(part)
        lexicon = self.lexicon
        if lexicon.asks_nothing_here(parsed):
            return False
        own = {
            c
            for c in parsed.subject - set(gap.concepts)
            if lexicon.is_anchor(c) and not lexicon.implies_kind(c)
        }
        return not own

    def _split_asked(self, parts: list[str], results: list[Answer], text: str) -> Answer | None:
        """ "How many were MoUs and how many agreements?": count questions that each land on
        the same answer ask how one total splits, which that answer does not give."""
        asking = [(p, r) for p, r in zip(parts, results, strict=True) if self._parse(p).qtype]
        counts = len(asking) >= 2 and all(self._parse(p).qtype == "count" for p, _ in asking)
        topics = {r.topic or "" for _, r in asking}
        topic = self.topics.get(topics.pop()) if len(topics) == 1 else None
        if not counts or topic is None or not all(r.answered for _, r in asking):
            return None
        if not self._contrasted([p for p, _ in asking], text):
            return None
        said = [Line("no_split"), *compose.what_it_says(topic)]
        answer = compose.from_topic(
            topic,
            results[0].confidence,
            results[0].suggestions,
            self.speech,
            said=said,
            answered=False,
            intent="not_in_record",
        )
        return evolve(answer, rule="split_asked")

    def _declined_with_its_nouns(self, parts: list[str], results: list[Answer]) -> Answer | None:
        """ "How do I apply for a work visa? which documents?": beside a request the bot
        declines, a part whose only word of the record is a bare "documents" or "papers"
        asks of that request's documents, not of the 37 agreements."""
        declined = [r for r in results if r.intent == "off_topic"]
        if not declined:
            return None
        others = [p for p, r in zip(parts, results, strict=True) if r.intent != "off_topic"]
        parsed = [self._parse(p) for p in others]
        bare = all(p.subject == {AREA_FRAME} and p.qtype in ("what", "list") for p in parsed)
        return declined[0] if bare else None

    def _contrasted(self, parts: list[str], text: str) -> bool:
        """ "how many were MoUs and how many agreements": the same kind of thing, named by
        different words, one part after "and" ("how many deals, and how many deals in
        total?" names one thing twice)."""
        parsed = [self._parse(p) for p in parts]
        shared = set.intersection(*(p.subject for p in parsed))
        named = [frozenset(w for w, concepts in p.spans if concepts & shared) for p in parsed]
        joins = self.lexicon.grammar.join_words
        joined = all(_word_before(text, p) in joins for p in parts[1:])
        return bool(shared) and len(set(named)) == len(named) and joined

    def say(self, answer: Answer, lang: str) -> Answer:
        """The decided reply in ``lang``: its text, buttons and options (quotes stay as the
        source has them). English is how it was composed."""
        speech = self.speeches.get(lang, self.speech)
        if not answer.said or speech.lang == answer.lang:
            return answer
        return evolve(
            answer,
            text=speech.render(answer.said),
            suggestions=tuple(self._suggestion_in(s, speech) for s in answer.suggestions),
            candidates=tuple(self._suggestion_in(s, speech) for s in answer.candidates),
            lang=speech.lang,
        )

    def _suggestion_in(self, suggestion: str, speech: Speech) -> str:
        topic = self.topic_of_ask.get(suggestion)
        if topic is not None:
            return speech.ask(topic)
        for other in self.speeches.values():
            if suggestion in other.examples:
                return speech.examples[other.examples.index(suggestion)]
        return suggestion

    def _questions_in(self, text: str) -> list[str]:
        """The questions of a message. A remark after a question ("what year was it? the
        article only says Feb 4", "... asking for a friend") is not one of its own: it has
        no question word and no question mark. What comes before the first question stays:
        it often names the subject ("and Tokayev, what did he say?")."""
        listed = self._listed_facts(text)
        if listed is not None:
            return listed
        text = self._without_preamble(text)
        parts = split_questions(text, self.lexicon.grammar)
        if len(parts) <= 1:
            return parts
        if self._excludes_areas(parts):
            return [text]  # "besides railway and transit, what else?" is one question
        parts = self._without_denials(parts)  # "Not Gaza. What..."
        parts = self._with_tags_joined(parts, text)  # "..., didn't he?": one claim to check
        parts = self._without_guesses(parts)  # "which mines? coal?": one question
        if numbered(text):
            return parts
        asking = [self._asks(p, text) or self._asks_of_more(p) for p in parts]
        # a question word of its own (not one a word like "Feb" implies), or a question mark
        return [p for i, p in enumerate(parts) if asking[i] or not any(asking[:i])]

    def _asks_of_more(self, part: str) -> bool:
        """ "is there a railway mou? what about maritime": a part opening as a follow-up does
        ("what about", "and") that names one of the record's own things asks of it, with no
        question mark; "... and I need it for class" names none."""
        parsed = self._parse(part)
        return parsed.follow_up and any(self.lexicon.is_specific(c) for c in parsed.subject)

    def _listed_facts(self, text: str) -> list[str] | None:
        """ "Need the lede fast: date, place, number of agreements.": a list of the facts
        wanted (three or more, or two after a colon), each a few words naming something and
        asking nothing of its own, asks each of them; a list of agreement areas ("railway,
        maritime and mining?") stays one question naming them all."""
        found = _PREAMBLE.match(text)
        items = listed_items(text[found.end() :] if found else text, self.lexicon.grammar)
        if not self._may_be_a_list(text, items, found is not None):
            return None
        parsed = [self._parse(item) for item in items]
        if not all(_asks_only_a_fact(p) for p in parsed):
            return None
        # an item naming nothing specific ("place", "KZ") is left out; one is, not more
        named = [(i, p) for i, p in zip(items, parsed, strict=True) if self._names_a_fact(p)]
        if len(named) < 2 or len(items) - len(named) > 1:
            return None
        if all(any(self.lexicon.is_area(c) for c in p.subject) for _, p in named):
            return None
        return [item for item, _ in named]

    def _may_be_a_list(self, text: str, items: list[str], after_colon: bool) -> bool:
        """Enough short items, a question mark only at the end, and no negation ("жоқ,
        сомасы емес, мерзімі": a correction, not a list)."""
        if len(items) < (2 if after_colon else 3) or "?" in text.rstrip(" ?"):
            return False
        if any(len(split_words(item)) > CONFIG.listed_fact_words for item in items):
            return False
        grammar = self.lexicon.grammar
        negations = grammar.negations | grammar.negations_after
        return not any(w in negations for w in split_words(normalise(text)))

    def _names_a_fact(self, parsed: Parsed) -> bool:
        """A kind of fact ("date", "number of MoUs") or a thing of its own ("trade target"),
        not only someone or somewhere."""
        lexicon = self.lexicon
        return bool(parsed.qtype) or any(
            lexicon.is_anchor(c) and not lexicon.is_setting(c) for c in parsed.subject
        )

    def _without_preamble(self, text: str) -> str:
        """ "For my thesis: what was ...?", "Radio caller from Multan wants to know: was
        there ...?": words before a colon that ask nothing set the scene (who asks and why),
        and are no missing topic; the question after the colon stands alone when it names a
        subject of its own. A preamble naming the subject ("Tokayev's award: when?") stays."""
        found = _PREAMBLE.match(text)
        if found is None:
            return self._without_introduction(text)
        before, rest = self._parse(found.group(1)), text[found.end() :]
        asks_before = before.qtype is not None and before.qtype_at >= 0  # not "will ask this:"
        asks, subject = self._read_as_questions(rest)
        if asks_before or not asks or not subject:
            return text
        if self._names_what_the_rest_frames(before, subject):
            return self._without_introduction(text)
        return rest

    def _read_as_questions(self, rest: str) -> tuple[bool, frozenset[str]]:
        """Whether the rest of a message asks, and what its questions name: read as its
        questions are (each parsed once, and reused when they are answered), not once more
        as a whole."""
        parsed = [self._parse(p) for p in split_questions(rest, self.lexicon.grammar)]
        asks = any(self._asks(p.text, rest) for p in parsed)
        return asks, frozenset(c for p in parsed for c in p.subject)

    def _names_what_the_rest_frames(self, before: Parsed, subject: frozenset[str]) -> bool:
        """ "Wheat exports to Pakistan: any agreement signed?": the question after the colon
        asks only whether there was a deal; the area it asks of is named before it."""
        lexicon = self.lexicon
        return subject <= DEAL_WORDS | lexicon.agreement_words and any(
            lexicon.is_area(c) for c in before.subject
        )

    def _without_introduction(self, text: str) -> str:
        """ "I work cabin crew on Islamabad routes. Was the visit to Lahore or Islamabad?",
        "main Bahawalpur se factory chalata hun, ye kis sheher mein hua?": leading sentences
        or clauses opened by "I", "main", "я" that ask nothing and name none of the record's
        people or figures say who asks; their words are no missing topic. A claim stays ("I
        heard they signed 50, right?"): the rest must ask, with a subject of its own."""
        rest, dropped = text, False
        while (found := _CLAUSE.match(rest)) is not None and (
            self._introduces(found.group(1)) or (dropped and self._a_town(found.group(1)))
        ):
            rest, dropped = rest[found.end() :], True
        if not dropped:
            return text
        asks, subject = self._read_as_questions(rest)
        anchored = any(self.lexicon.is_anchor(c) for c in subject)
        return rest if asks and anchored else text

    def _names_the_asker(self, words: list[str]) -> bool:
        """ "Parliamentary staffer", "Truck dispatcher at Torkham", "retired colonel here":
        a word for who asks, last or before "here", "at", "from" ("student exchange" is a
        topic, not an asker); any words before a mark like "here" ("cotton ginner here")."""
        grammar = self.lexicon.grammar
        if len(words) > CONFIG.asker_clause_words:
            return False
        if len(words) > 1 and self._ends_with_asker_mark(words):
            return True  # "Taraz school librarian here": whoever the noun names
        return any(
            stem(w) in grammar.asker_words
            and (i == len(words) - 1 or words[i + 1] in grammar.asker_after)
            for i, w in enumerate(words)
        )

    def _a_town(self, clause: str) -> bool:
        """ "Parliamentary staffer, Islamabad.": after the asker, one to three capitalised
        words that ask nothing are where the asker is."""
        words = clause.split()
        if len(words) > CONFIG.asker_town_words or not all(w[:1].isupper() for w in words):
            return False
        parsed = self._parse(clause)
        return parsed.qtype_at < 0 and not set(self.people_ids) & set(parsed.concepts)

    def _introduces(self, clause: str) -> bool:
        """A greeting ("Hi!", "Assalam o alaikum bhai,"), or words about the asker."""
        selfish = self.lexicon.grammar.self_words
        words = clause.split()
        plain = [normalise_word(w) for w in words]
        # "I teach in Larkana", "for my essay", "Skardu se hotel wala hun": the asker opens
        # the clause (in its first few words) or, in a language whose verb comes last,
        # closes it; only those words are read. "Kokshetau journalist": a short clause
        # headed by a word for who asks does the same
        edges = [*plain[:SELF_WORDS_AT], *plain[-1:]]
        placed = self._placed_asker(words, plain)
        opens = bool(set(edges) & selfish) or placed or self._names_the_asker(plain)
        if not opens and len(words) > GREETING_WORDS:
            return False  # neither: no parse needed (most messages)
        parsed = self._parse(clause)
        if parsed.subject == {GREETING} and parsed.qtype_at < 0:
            return True
        named = set(self.people_ids) & set(parsed.concepts) or SAYING & parsed.subject
        figure = any(t.word[:1].isdigit() for t in parsed.tokens)
        areas = not placed and self._names_an_area(parsed, plain)
        return opens and parsed.qtype_at < 0 and not named and not areas and not figure

    def _placed_asker(self, words: list[str], plain: list[str]) -> bool:
        """ "agri dept inspector from Sahiwal", "software house owner at Arfa Tower Lahore":
        a few words ending in a noun the record does not know (or a word for who asks),
        then "from"/"at" and a capitalised place, and nothing more, say who asks and where;
        an area word in them ("agri", "software") qualifies the asker, it asks nothing."""
        after = self.lexicon.grammar.asker_after
        at = next((i for i, w in enumerate(plain) if w in after), -1)
        if not 0 < at <= CONFIG.asker_clause_words:
            return False
        place = words[at + 1 :]
        if not 0 < len(place) <= CONFIG.asker_town_words or not all(w[:1].isupper() for w in place):
            return False
        noun = plain[at - 1]
        asker = stem(noun) in self.lexicon.grammar.asker_words
        return asker or (noun.isalpha() and not self._word_concepts(noun))

    def _names_an_area(self, parsed: Parsed, plain: list[str]) -> bool:
        """ "I check livestock" names the subject; "power plant trainee here" (a clause
        ending in an asker mark) names only who asks."""
        if self._ends_with_asker_mark(plain):
            return False
        return any(self.lexicon.is_named_area(c) for c in parsed.subject)

    def _ends_with_asker_mark(self, words: list[str]) -> bool:
        """ "... trainee here": the clause's last word marks it as about who asks."""
        return bool(words) and words[-1] in self.lexicon.grammar.asker_marks

    def _with_tags_joined(self, parts: list[str], text: str) -> list[str]:
        """A tag joins the part before it, which it turns into a question ("They signed 73
        agreements. correct?"); it is never a question of its own. Joined as the message
        has them, so the question mark after the tag still counts."""
        joined: list[str] = []
        for part in parts:
            start = text.find(joined[-1]) if joined else -1
            end = text.find(part, start + 1) + len(part) if start >= 0 else -1
            if start >= 0 and end > start and self._only_a_tag(part):
                joined[-1] = text[start:end]
            else:
                joined.append(part)
        return joined

    def _without_guesses(self, parts: list[str]) -> list[str]:
        """ "Which mines? Coal?", "who gave it, was it the president?": a short guess after a
        who/which/where/when question offers an answer to it, and asks nothing more; the
        question's own answer confirms or corrects it."""
        kept: list[str] = []
        for part in parts:
            before = self._parse(kept[-1]) if kept else None
            asked = before is not None and before.qtype in GUESSED and before.qtype_at >= 0
            if asked and self._a_guess(part):
                continue
            kept.append(part)
        return kept

    def _a_guess(self, part: str) -> bool:
        parsed = self._parse(part)
        if self._opening_words(parsed):
            return False  # "..., and was it in Islamabad?" asks one more thing
        pointing = parsed.thing_pronoun or parsed.person_pronoun
        short = len(parsed.tokens) <= CONFIG.guess_words
        bare = parsed.qtype is None and len(parsed.tokens) <= CONFIG.tag_words
        # "was it the president?" names someone; "was it in Islamabad?" asks one more thing
        someone = parsed.subject <= self.people.keys()
        # "the PM or the President?": people offered, no question word, nothing else named
        offered = parsed.qtype is None and bool(parsed.subject) and someone and not parsed.unknown
        return short and (bare or offered or (parsed.qtype == "yes_no" and pointing and someone))

    def _only_a_tag(self, part: str) -> bool:
        """ "do you know?", "didn't he?", "is it?" after a question or a claim: a yes/no tag
        that names nothing (a pronoun at most, in a word or two)."""
        parsed = self._parse(part)
        names = parsed.subject or parsed.unknown or parsed.record_words or parsed.neutral
        pointing = parsed.thing_pronoun or parsed.person_pronoun or parsed.group_pronoun
        short = len(parsed.tokens) <= CONFIG.tag_words
        tag = parsed.qtype == "yes_no" or (parsed.qtype is None and short)
        return tag and not names and (short or not pointing)

    def _without_denials(self, parts: list[str]) -> list[str]:
        """ "Not Gaza. What did he say about peace?": a denial before its question says what
        is not asked. Before a part that names nothing and asks no question word ("not even
        health? nothing?") it is the question."""
        kept = [p for p in parts if not self._only_denies(p)]
        parsed = [self._parse(p) for p in kept]
        asked = any(p.subject or p.qtype_at >= 0 for p in parsed)
        return kept if asked else parts

    def _only_denies(self, part: str) -> bool:
        """ "not the anthems" before its question says what is not asked, nothing more."""
        parsed = self._parse(part)
        opens = bool(self.lexicon.negation_words(parsed.tokens))
        return opens and not parsed.qtype and len(parsed.tokens) <= CONFIG.negation_reach + 1

    def _asks(self, part: str, text: str) -> bool:
        """A part of a message is a question: a question word of its own (not one a word
        like "Feb" implies; "did", "have" only where the part starts: "I have a group
        arriving" asks nothing), or a question mark."""
        parsed = self._parse(part)
        opening = parsed.qtype != "yes_no" or parsed.qtype_at <= self._opening_words(parsed)
        return (parsed.qtype_at >= 0 and opening) or _ends_with_mark(part, text)

    def _opening_words(self, parsed: Parsed) -> int:
        """Where a part's "did" may stand: first, or after "and"/"also" ("..., and also did
        they sign anything on prisoners")."""
        grammar, at = self.lexicon.grammar, 0
        for token in parsed.tokens[:2]:
            if token.word not in grammar.join_words | grammar.additive_words:
                break
            at += 1
        return at

    def _excludes_areas(self, parts: list[str]) -> bool:
        """ "besides railway and transit, what else?": one question, whatever its parts
        (read as they are, which the next stages reuse)."""
        named = {c for p in parts for c in self._parse(p).concepts}
        return "besides" in named and any(self.lexicon.is_area(c) for c in named)

    def answer_topic(
        self, topic_id: str, context: Context | None = None, lang: str | None = None
    ) -> Answer:
        """A button tap: the topic it carries answers it, whatever the conversation so far.

        The context then holds that topic, as if its canonical question had been asked, so
        a follow-up ("and when?") leans on it."""
        context = context if context is not None else Context()
        topic = self.topics[topic_id]
        remember(
            context,
            self.lexicon.parse(topic.ask),
            topic.id,
            topic.person,
            frame=self._frame_of(topic),
        )
        answer = compose.from_topic(topic, 1.0, self.suggestions_for(topic), self.speech)
        speaking = lang or context.lang or ENGLISH
        return self.say(self._with_full_sources(answer), speaking)

    def tap(
        self, suggestion: str, context: Context | None = None, lang: str | None = None
    ) -> Answer:
        """A suggestion picked from an earlier answer: by its topic when it has one, in the
        language the button was written in."""
        topic_id = self.topic_of_ask.get(suggestion)
        if topic_id is not None:
            written = self.detector.choose(suggestion, lang or (context.lang if context else None))
            return self.answer_topic(topic_id, context, written)
        return self.answer(suggestion, context, lang)

    def explain(self, question: str, context: Context | None = None) -> str:
        """Why a question got its reply: for curators writing a record, and for debugging.

        Shows, for each part of the message, the corrected words, the concepts found, the
        words nobody knows, the kind of question, the best-scoring topics and the rule that
        decided. The context is used (and advanced) as ``answer`` would."""
        context = context if context is not None else Context()
        lines = []
        for part in split_questions(clean(question).strip(), self.lexicon.grammar) or [question]:
            lines += self._explain_part(part, context)
        answer = self.answer(question, context)
        lines.append(f"decided by: {answer.rule or '-'} -> {answer.intent} ({answer.topic or '-'})")
        lines.append(f"reply: {answer.text}")
        return "\n".join(lines)

    def source_sentence(self, quote: str) -> str:
        """The full sentence of the source document that a knowledge quote comes from (the
        record's quotes are few: each is looked for once)."""
        found = self._source_of.get(quote)
        if found is None:
            found = self._source_of[quote] = self._find_sentence(quote)
        return found

    def _find_sentence(self, quote: str) -> str:
        wanted = normalise_quotes(quote)
        for sentence, normalised in zip(self._sentences, self._normalised, strict=True):
            if wanted in normalised:
                return sentence
        return quote

    def suggestions_for(self, topic: Topic) -> tuple[str, ...]:
        """The questions a reply offers (worked out once per topic: see ``_suggested``)."""
        return self._suggestions[topic.id]

    def _suggested(self, topic: Topic) -> tuple[str, ...]:
        """Its topic's `next`, then theirs, breadth first, so that every reply offers as
        many buttons as the others (a curator lists one or two)."""
        picked: list[str] = []
        queue = [n for n in topic.next if n in self.topics]
        while queue and len(picked) < CONFIG.suggestions:
            name = queue.pop(0)
            if name == topic.id or name in picked:
                continue
            picked.append(name)
            queue += [n for n in self.topics[name].next if n in self.topics]
        return tuple(self.topics[n].ask for n in picked)

    # -- one question -----------------------------------------------------------------------

    def _answer_one(self, text: str, context: Context, marked: bool = False) -> Answer:
        """One question (``marked``: the message asks with a question mark)."""
        parsed = self._parse(text)
        smalltalk = self._smalltalk(parsed, marked)
        if smalltalk is not None:
            return evolve(self._reply(smalltalk), rule="smalltalk")
        resolved = self._resolve(parsed, context)
        if self._only_foreign_words(resolved.parsed):
            return evolve(self._reply("not_understood"), rule="foreign_words")
        mentioned = list(resolved.mentioned)
        result = self._decide(resolved.parsed, mentioned)
        topic = self.topics.get(result.topic or "")
        person = topic.person if topic is not None else None
        corrected = topic.premise_words if topic is not None else frozenset()
        frame = self._frame_of(topic)
        remember(
            context,
            resolved.parsed,
            result.topic,
            person or next(iter(mentioned), None),
            corrected,
            frame,
        )
        return self._with_full_sources(result)

    def _frame_of(self, topic: Topic | None) -> frozenset[str]:
        """What frames a topic beside its own record words and details ("deal" for the
        list of the agreements, not the value the agreements' gap is about), for a later
        "how many in total?" to count."""
        if topic is None:
            return frozenset()
        frame = self._frames.get(topic.id)
        if frame is None:  # made once per topic, not once per message
            lexicon = self.lexicon
            frame = self._frames[topic.id] = frozenset(
                c
                for c in topic.accounts_for
                if not c.endswith("_q") and not lexicon.from_record(c) and not lexicon.is_detail(c)
            )
        return frame

    def _resolve(self, parsed: Parsed, context: Context) -> Resolved:
        """The conversation stage, with what it asks of the brain."""
        resolved = resolve(
            parsed,
            context,
            self.lexicon,
            self.people_ids,
            self._stands_alone,
            self._echoes,
            self._owner,
        )
        lent, kind = resolved.parsed, resolved.parsed.qtype
        if not lent.borrowed_kind or kind is None or self._own_topic_answers(parsed, kind):
            return resolved
        # "by whom?", then "and the anthems?": the anthems' topic tells no who; what they
        # name is asked, not the last question's kind
        concepts = {c: w for c, w in lent.concepts.items() if c != f"{kind}_q"}
        unasked = evolve(lent, qtype=parsed.qtype, concepts=concepts, borrowed_kind=False)
        return Resolved(unasked, resolved.mentioned, resolved.leaned_back)

    def _own_topic_answers(self, parsed: Parsed, kind: str) -> bool:
        """Whether the best topic of a message's own words (if any) answers ``kind``."""
        ranked = rank(parsed, self.topic_index, self.lexicon)
        own = next((c.topic for c in ranked if c.evidence >= CONFIG.min_evidence), None)
        return own is None or kind in GENERIC_QTYPES or kind in own.answers

    def _parse(self, text: str) -> Parsed:
        """``lexicon.parse``, once per text while one message is answered: a message of
        several questions reads each part more than once. (Reset by ``answer``; the parse
        of a text never changes, so threads sharing the brain only lose a look-up.)"""
        parsed = self._parsed.get(text)
        if parsed is None:
            parsed = self._parsed[text] = self.lexicon.parse(text)
        return parsed

    def _word_concepts(self, word: str) -> dict[str, float]:
        """The concepts of one word said alone, kept (words repeat; never change them)."""
        found = self._words.get(word)
        if found is None:
            if len(self._words) >= KEPT_WORDS:
                self._words.clear()
            found = self._words[word] = self.lexicon.parse(word).concepts
        return found

    def _only_foreign_words(self, parsed: Parsed) -> bool:
        """Words of another script are ignored beside something of the record's, or in a
        follow-up; alone with a question word ("where is fuel cheaper in Almaty?" in
        Russian) they are what the message is about, and the record does not have it."""
        foreign = any(not w.isascii() for w in parsed.neutral)  # another script, not "50k"
        tied = any(self.lexicon.is_anchor(c) for c in parsed.subject)
        # "в каком городе всё это проходило": "this", asked where or when, is the news itself
        tied = tied or (parsed.thing_pronoun and parsed.qtype in ("when", "where"))
        declined = OFF_TOPIC in parsed.subject  # "как пенсию оформить": what it is, we know
        # "цинк упоминается?": asked whether the record mentions them, which it can answer
        mention = MENTION in parsed.subject
        return foreign and not tied and not parsed.borrowed and not declined and not mention

    def _echoes(self, parsed: Parsed, topic_id: str) -> bool:
        """The record words of a message ("hope" in "what did he hope for?") are all words
        of the topic just answered: the message is still about it."""
        topic = self.topics.get(topic_id)
        if topic is None:
            return False
        said = self._topic_stems.get(topic_id)
        if said is None:
            text = " ".join([topic.answer, *topic.sources])
            said = self._topic_stems[topic_id] = frozenset(stem(w) for w in normalise(text).split())
        return all(stem(w) in said for w in parsed.record_words)

    def _owner(self, parsed: Parsed) -> str | None:
        """The person the question's own words are about ("what medal did he receive?": the
        award is Tokayev's): its best topic on those words alone, when they name a thing
        of the record's."""
        if parsed.spoken_of or SAYING & parsed.concepts.keys():
            return None  # "what did he say about Sharif?": a speaker, not an owner
        ranked = rank(parsed, self.topic_index, self.lexicon)
        if not ranked or ranked[0].evidence < CONFIG.min_evidence or ranked[0].topic.kind != "fact":
            return None
        own = [c for c in ranked[0].matched if not c.endswith("_q")]
        named = any(self.lexicon.is_anchor(c) and self.lexicon.from_record(c) for c in own)
        return ranked[0].topic.person if named else None

    def _stands_alone(self, parsed: Parsed) -> bool:
        """Whether the question alone points at a topic by what it is about (not only by
        its question word): then the conversation so far must not colour it."""
        for candidate in rank(parsed, self.topic_index, self.lexicon)[:3]:
            own = [c for c in candidate.matched if not c.endswith("_q")]
            if candidate.evidence >= CONFIG.min_evidence and any(
                self.lexicon.is_anchor(c) for c in own
            ):
                return True
        return False

    def _smalltalk(self, parsed: Parsed, marked: bool = False) -> str | None:
        """ "thanks, that is helpful", "good, thanks": small talk, judged on the message's
        own words (before the conversation adds any)."""
        smalltalk = [c for c in SMALLTALK_FIRST if c in parsed.subject]
        asks = parsed.qtype in (None, *GENERIC_QTYPES)  # "why he got it?" is no "got it"
        if smalltalk and asks and not self._asks_of_something(parsed):
            return smalltalk[0]
        return self._parting(parsed) or (None if marked else self._acknowledgement(parsed))

    def _asks_of_something(self, parsed: Parsed) -> bool:
        """Words beside the small talk that ask of something: the record's, an anchor, a
        word no list knows, a declined request ("recommend a good phone": not "good") or a
        detail ("what was on the lunch menu?": not a request for the bot's menu)."""
        lexicon, subject = self.lexicon, parsed.subject
        return (
            any(lexicon.from_record(c) or lexicon.is_anchor(c) for c in subject)
            or bool(parsed.unknown)
            or OFF_TOPIC in subject
            or any(lexicon.is_detail(c) for c in subject)
        )

    def _acknowledgement(self, parsed: Parsed) -> str | None:
        """ "roger that", "cheers", "haha": a few everyday words that name nothing, ask
        nothing and know no unknown word are an acknowledgement, not an off-topic request."""
        short = 0 < len(parsed.tokens) <= CONFIG.acknowledgement_words
        quiet = not (parsed.concepts or parsed.unknown or parsed.record_words)
        asking = (
            parsed.qtype_at >= 0
            or parsed.follow_up
            or parsed.text.rstrip().endswith(QUESTION_MARKS)
        )
        return "ok" if short and quiet and not asking else None

    def _parting(self, parsed: Parsed) -> str | None:
        """ "Спасибо и на этом", "Рақмет, денсаулығыңыз мықты болсын", "شکریہ، اللہ خوش
        رکھے": a message that opens with thanks or goodbye and asks nothing is a parting
        wish, whatever record word its blessing uses ("health", "happy")."""
        # a question word that asks nothing where it stands ("thanks, this is helpful") is none
        asks = parsed.qtype_at >= 0 and parsed.qtype is not None
        if asks or parsed.text.rstrip().endswith(QUESTION_MARKS) or not parsed.tokens:
            return None
        # the first word alone: "thanks and..." lets a follow-up marker pass over it; a wish
        # may also come first and the thanks last ("Алла разы болсын, рахмет")
        first = self._word_concepts(parsed.tokens[0].surface)
        last = len(parsed.tokens) - 1
        return next(
            (
                c
                for c in PARTING
                if c in first
                or min(parsed.where.get(c, [9])) <= 1
                or last in parsed.where.get(c, [])
            ),
            None,
        )

    def _decide(self, parsed: Parsed, mentioned: list[str]) -> Answer:
        if not any(ch.isalnum() for ch in parsed.text):
            return evolve(self._reply("not_understood"), rule="no_words")
        ranked = tuple(rank(parsed, self.topic_index, self.lexicon))
        candidates = tuple(c for c in ranked if c.evidence >= CONFIG.min_evidence)
        if self._declined(parsed, candidates):
            return evolve(self._reply("off_topic"), rule="off_topic_words")
        if not candidates:
            answer = self._fallback(parsed)
            return evolve(answer, rule=f"no_topic:{answer.intent}")
        runner_up = candidates[1] if len(candidates) > 1 else None
        case = Case(
            brain=self.view,
            parsed=parsed,
            mentioned=tuple(mentioned),
            candidates=candidates,
            ranked=ranked,
            best=candidates[0],
            conf=compose.confidence(candidates[0], runner_up),
            unknown=tuple(self._unexplained(parsed)),
        )
        return decide(case)

    def _declined(self, parsed: Parsed, candidates: tuple[Candidate, ...]) -> bool:
        """Words of what the bot does not cover decline a message ("what's the weather in
        Islamabad?") that does not ask of the agreements; words that also read as the record's
        ("how did Tokayev rate Pakistan as a partner?") only when its own specific words do
        not outweigh them."""
        subject = parsed.subject
        if OFF_TOPIC not in subject or subject & DEAL_WORDS:
            return False
        if not candidates or not self.lexicon.offtopic_also_record(parsed):
            return True
        specific = [c for c in candidates[0].matched if self.lexicon.is_specific(c)]
        return len(specific) < CONFIG.record_outweighs

    # -- helpers -------------------------------------------------------------------------

    def _unusable(self, text: str) -> Answer | None:
        """Empty, wordless or too long: a short reply before any understanding."""
        if not normalise(text):
            intent = "empty" if not text else "not_understood"
            return self._reply(intent)
        if len(text) > CONFIG.max_chars:
            return self._reply("too_long", line("too_long", chars=len(text)))
        return None

    def _explain_part(self, part: str, context: Context) -> list[str]:
        """How one question of the message was understood, and its best topics."""
        parsed = self.lexicon.parse(part)
        resolved = self._resolve(parsed, context)
        parsed = resolved.parsed
        fixed = [f"{t.surface}->{t.word}" for t in parsed.tokens if t.surface != t.word]
        concepts = ", ".join(f"{c}={w:g}" for c, w in parsed.concepts.items())
        return [
            f"part: {part!r}",
            f"  corrected: {', '.join(fixed) or '-'}",
            f"  concepts: {concepts or '-'}",
            f"  unknown words: {', '.join(parsed.unknown) or '-'}",
            f"  ordinary words ignored: {', '.join(parsed.neutral) or '-'}",
            f"  kind of question: {parsed.qtype or '-'}"
            + (" (follow-up)" if parsed.follow_up else "")
            + (" (leans on the last turn)" if resolved.leaned_back else ""),
            *self._explain_ranking(parsed),
        ]

    def _explain_ranking(self, parsed: Parsed) -> list[str]:
        """The five best-scoring topics, with what each matched."""
        return [
            f"  topic {c.topic.id}: score {c.score:.2f}, evidence {c.evidence:.2f}"
            f"{'' if c.type_ok else ', wrong kind'}; matched {', '.join(sorted(c.matched))}"
            for c in rank(parsed, self.topic_index, self.lexicon)[:5]
        ]

    def _unexplained(self, parsed: Parsed) -> list[str]:
        return [w for w in parsed.unknown if len(w) >= 3 and not w.isdigit()]

    def _unheld(self, parsed: Parsed) -> list[str]:
        """With no topic to hold them, words for a detail ("banquet", "route") are things
        the record does not mention, as unknown words are."""
        details = [w for w, cs in parsed.spans if any(self.lexicon.is_detail(c) for c in cs)]
        unknown = self._unexplained(parsed)
        return unknown + [w for w in details if w not in unknown]

    def _fallback(self, parsed: Parsed) -> Answer:
        """No topic fits: an honest "not in the record", a quote, or a decline."""
        subject = parsed.subject
        anchored = any(self.lexicon.is_anchor(c) for c in subject)
        talking = bool(subject & SAYING)
        # "цинк упоминается?": words of another script, asked whether they are mentioned
        mentioned = list(parsed.foreign) if MENTION in subject else []
        unknown = self._unheld(parsed) or mentioned
        if "deal" in parsed.concepts and unknown:
            return not_among_answer(self.view, unknown)
        if unknown and (anchored or talking):
            return compose.reply(
                "not_in_record",
                compose.not_mentioned(parsed.objects or unknown),
                self.examples,
                self.speech,
                0.6,
            )
        quoted = self._quote(parsed)
        if quoted:
            return quoted
        latin = bool(parsed.tokens) and parsed.tokens[0].word.isascii()
        return self._reply("off_topic" if latin else "not_understood")

    def _quote(self, parsed: Parsed) -> Answer | None:
        """A sentence of the record that contains every content word of the question (a
        whole statement, never the line that introduces a list)."""
        if self.store is None or parsed.unknown:
            return None
        words = [w for w in parsed.record_words if len(w) >= 4 and w.isalpha()]
        named = not words  # "culture?": a word of the record's own concepts, which no topic has
        words = words or self._concept_words(parsed)
        if not words:
            return None
        # a sentence that only opens a list ("These included:") says nothing on its own
        found = [s for s in self.store.search_sentences(words, limit=3) if not s.endswith(":")]
        if not found or (len(words) == 1 and len(found) > 1 and not named):
            return None  # one word that several sentences share says too little
        return compose.spoken(
            [line("record_says", quote=found[0])],
            self.speech,
            answered=True,
            intent="quote",
            confidence=0.4,
            sources=(found[0],),
            suggestions=self.examples[:3],
        )

    def _concept_words(self, parsed: Parsed) -> list[str]:
        """The words of the record's own concepts (not its people or areas) in the question."""
        lexicon = self.lexicon
        return [
            surface
            for surface, concepts in parsed.spans
            if surface.isascii()
            and len(surface) >= 4
            and any(
                lexicon.from_record(c) and lexicon.is_anchor(c) and not lexicon.is_area(c)
                for c in concepts
            )  # not a country's name: "capital of Kazakhstan?" is no question about the record
            and not concepts & set(lexicon.people)
        ]

    def _reply(self, kind: str, said: Line | None = None) -> Answer:
        said = said or Line(kind if self.speech.has(kind) else "off_topic")
        return compose.reply(kind, [said], self.examples, self.speech)

    def _with_full_sources(self, answer: Answer) -> Answer:
        """The sources as whole sentences of the document, and the one worth quoting."""
        if not answer.sources:
            return answer
        full = compose.unique(self.source_sentence(s) for s in answer.sources)
        quotes = (compose.worth_quoting(answer.text, full),)
        return evolve(answer, sources=full, quotes=quotes)


def _telling_words(knowledge: Knowledge) -> dict[str, list[str]]:
    """Each language's words: its everyday words in the language file, and those its own
    files are written and asked in (texts, the record's translation, its aliases), which
    tell it from a language of the same script ("марапат" is Kazakh). Not in the record's own
    script: there the files of every language write the same names and loanwords ("Lahore",
    "textile"), which tell nothing."""
    everyday = {code: words.split() for code, words in knowledge.language.everyday_words.items()}
    own = knowledge.languages[ENGLISH].profile.script
    for code, pack in knowledge.languages.items():
        if pack.profile.script == own:
            continue
        written = [*pack.texts.values()]
        translation = knowledge.translations.get(code)
        if translation is not None:
            written += [*translation.terms.values(), *translation.examples]
            topics = translation.topics.values()
            written += [t for topic in topics for t in (topic.ask, topic.answer)]
            written += [a.rstrip("*") for aliases in translation.aliases.values() for a in aliases]
        words = [w for text in written for w in split_words(text.casefold()) if len(w) > 2]
        everyday.setdefault(code, []).extend(words)
    return everyday


def _usual_words(knowledge: Knowledge) -> set[str]:
    """The default language's own everyday words, which no other language's everyday words
    list ("bhai", "ji" are in English's stopwords for matching, but tell Roman Urdu) and
    none every language types ("ok")."""
    language = knowledge.language
    words = {*language.ordinary_words.split(), *language.common_nouns.split()}
    words |= {str(w) for w in language.stopwords} | set(language.shorthand)
    for others in language.everyday_words.values():
        words -= set(others.split())
    return words - {str(w) for w in language.grammar.international_words}


def _word_before(text: str, part: str) -> str:
    """The word just before ``part`` in the message ("and" in "..., and how many ...")."""
    before = normalise(text[: max(text.find(part), 0)]).split()
    return before[-1] if before else ""


def _asks_only_a_fact(parsed: Parsed) -> bool:
    """An item of a list of facts asks nothing else: no off-topic word, no other kind of
    question ("why sign more deals"), no question word inside ("nationals of which country")."""
    return OFF_TOPIC not in parsed.subject and parsed.qtype in FACT_KINDS and parsed.qtype_at <= 0


def _marked(text: str) -> bool:
    """A question mark anywhere in the message (Urdu's "؟" too)."""
    return any(mark in text for mark in QUESTION_MARKS)


def _ends_with_mark(part: str, text: str) -> bool:
    """Whether ``part`` is followed by a question mark in the message (Urdu's "؟" too)."""
    at = text.find(part)
    return at >= 0 and text[at + len(part) :].lstrip().startswith(QUESTION_MARKS)


def _combine(results: list[Answer]) -> Answer:
    """Several questions in one message: the answers that answer, in order, as one reply."""
    useful = _useful(results)
    if len(useful) == 1:
        return useful[0]
    return Answer(
        text="\n\n".join(r.text for r in useful),
        said=compose.paragraphs(r.said for r in useful),
        answered=any(r.answered for r in useful),
        intent="multi",
        confidence=min(r.confidence for r in useful),
        sources=compose.unique(s for r in useful for s in r.sources),
        suggestions=useful[-1].suggestions,
        topic=useful[-1].topic,
        quotes=tuple(r.quotes[0] if r.quotes else "" for r in useful),  # each part its own
    )


def _adds_nothing(result: Answer, gap: Answer) -> bool:
    """After a gap, a reply on another topic answers what was not asked (the visit's date
    for the missing one's); on the gap's own topic, one whose record sentences the gap's
    reply already gives ("which ports exactly? is Aktau one of them": not "does not say
    which", then "Yes. Transit trade...")."""
    if result.topic != gap.topic:
        return True
    said = {p.topic for p in result.said if isinstance(p, Said)}
    return bool(said) and said <= {p.topic for p in gap.said if isinstance(p, Said)}


def _useful(results: list[Answer]) -> list[Answer]:
    """A greeting or a rambling sentence around a real question: keep what answers."""
    useful = [r for r in results if r.intent not in SMALLTALK] or results
    # beside a reply on the record (even one saying what it lacks), a declined aside is noise
    if any(r.answered or r.topic for r in useful):
        useful = [r for r in useful if r.intent not in DECLINES]
    # two parts read as one topic ("how many were MoUs and how many agreements?") say it once
    first: dict[str, Answer] = {}
    for r in useful:
        first.setdefault(r.text, r)
    return list(first.values())
