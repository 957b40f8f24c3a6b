"""The brain: ``question -> Answer``, plain synchronous Python with no Telegram import.

It is a pipeline of small stages, each a function from a frozen value to the next:

1. ``normalise``  (bot/text.py, pipeline.split): clean text, split a message into questions;
2. ``understand`` (understand.py): words -> concepts, the kind of question, unknown words;
3. ``context``    (context.py): a follow-up borrows only what it lacks from the last turn;
4. ``retrieve``   (retrieve.py): score every topic of the record against the question;
5. ``decide``     (decide.py): small rules pick the reply (closed list, lacking detail...);
6. ``compose``    (compose.py): the wording around the facts.

Which kind of question a fact can answer (who, when, where, how many...) is decided in
``kinds.py``. Every tunable number is in ``config.py``.
"""

from bot.brain.context import Context
from bot.brain.pipeline import Brain

__all__ = ["Brain", "Context"]
