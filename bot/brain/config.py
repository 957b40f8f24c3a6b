"""Every number the brain is tuned by, in one place.

Words live in the language file and facts in the record; what remains are these weights and
thresholds. They are fitted to how questions are asked, not to any record: a new record
needs none of them changed. The scale is documented in knowledge/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BrainConfig:
    # retrieve: how a topic scores
    about_weight: float = 3.0  # each `about` group present, times its concept's weight
    kind_bonus: float = 1.5  # the topic answers the kind asked (who, when...)
    kind_penalty: float = 1.5  # ... or it cannot
    narrow_penalty: float = 1.5  # a who-only topic for a "what" question
    unexplained_penalty: float = 0.5  # a question concept the topic does not account for
    unexplained_record_penalty: float = 1.0  # ... when it is one of the record's own words
    unexplained_area_penalty: float = 2.0  # ... when it names an agreement area
    profile_penalty: float = 0.5  # on a tie, a thing before a person's profile
    country_speaker_weight: float = 1.0  # "how does Pakistan see Kazakhstan": its leader
    first_person_bonus: float = 0.3  # "how did Sharif feel about...": Sharif speaks
    spoken_of_penalty: float = 1.5  # "what did he say about Sharif": not what Sharif said
    # pipeline: when there is a match at all
    min_evidence: float = 2.5  # evidence below this is no match
    record_outweighs: int = 2  # specific record words that outweigh a word of two readings
    max_chars: int = 1000  # longer messages are refused with a short reply
    max_words: int = 80  # words of a message that are read
    acknowledgement_words: int = 3  # "roger that", "cheers": this short and naming nothing
    asker_clause_words: int = 6  # "customs broker at Torkham here": a clause naming the asker
    listed_fact_words: int = 4  # "date, place, number of agreements": an item this long
    heading_words: int = 7  # "under the port deal, which port?": a part naming the subject
    asker_town_words: int = 3  # "..., Islamabad.": the asker's town after it
    counted_figure_weight: float = 1.0  # "how many years": the record's figure in years
    visited_reach: int = 3  # "did he visit gilgit or skardu": names this near after visiting
    counted_reach: int = 3  # "how many new railway deals": the nouns counted after "how many"
    everyday_slip_min: int = 5  # a word this long one slip from an everyday word is that word
    fuzzy_stem_min: int = 6  # a stem alias this long forgives one slip in a word of another script
    fuzzy_dropped_min: int = 8  # ... and one letter left out, this long
    fuzzy_cut_min: int = 4  # a Cyrillic word typed without vowels keeps at least this many
    sound_alike_min: int = 5  # vocabulary words this long are corrected towards by sound
    spoken_slip_edits: int = 1  # a word this near a record word by ear is a slip of it
    sound_alike_edits: int = 2  # ... from a typed word at most this many letters different
    unjoined_min: int = 3  # Urdu typed unspaced: a second word this long splits off any known word
    suggestions: int = 3  # suggestion buttons under a reply (its topic's `next`, then theirs)
    # decide: close calls
    combine_within: float = 1.0  # candidates this close to the best may be answered together
    tie: float = 0.3  # this close, on the same words: together, or "did you mean"
    strong: float = 6.5  # a best score this high is never ambiguous
    foreign_subject_words: int = 3  # this many words of another script no list knows: a subject
    tag_words: int = 3  # "didn't he?", "isn't it?": a yes/no tag after a claim, not a question
    guess_words: int = 5  # "..., was it the president?": a guess at the question before
    fields_in_a_list: int = 2  # a statement naming this many fields lists where to cooperate
    doubt_reach: int = 0  # "really? I heard 40": a doubt opens the message
    absence_question_words: int = 8  # "so there was no deal on railways?": up to this long
    said_of_reach: int = 3  # "что он сказал о самом Шарифе": a person this near after "said"
    pronoun_question_words: int = 7  # "who signed it?": up to this long, "it" is the subject
    frame_reach: int = (
        4  # "which of the agreements ...": a deal word this near "which" asks of deals
    )
    detail_reach: int = 3  # a detail word this near the question word is what is asked
    separable_reach: int = 3  # "put the medal on": words a phrasal verb's particle may follow
    separable_phrase_words: int = 4  # the longest phrase counted as one word between them
    negation_reach: int = 3  # "not the rail one, ...": a negation this near the start denies
    # context: what a follow-up borrows
    inherited_weight: float = 0.5  # "deal", "say"... of the last turn, for "and X?"
    terse_area_words: int = 4  # "any on sports?": this short (+2 yes/no) asks as before


CONFIG = BrainConfig()
