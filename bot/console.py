"""The console chat: the same brain and the same words as Telegram, in a terminal.

Suggested follow-ups are numbered; typing the number taps it, as a button would on Telegram
(it is answered by the topic it names, not re-read as text). With ``json=True`` each turn
prints one JSON object (the fields of ``visitbot ask --json``), for scripts that pipe a
whole conversation in.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from bot.answer import Answer
from bot.brain import Brain, Context
from bot.formatting import plain

PROMPT = "you> "
QUIT = ("quit", "exit", "/quit", "bye!")


def _turn(brain: Brain, line: str, context: Context, offered: tuple[str, ...]) -> Answer:
    if line.isdigit() and 0 < int(line) <= len(offered):
        return brain.tap(offered[int(line) - 1], context)
    return brain.answer(line, context)


def chat(
    brain: Brain,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    *,
    json_lines: bool = False,
    lang: str | None = None,
) -> int:
    interactive = stdin.isatty() and not json_lines
    context = Context(lang=lang)
    offered: tuple[str, ...] = ()
    if not json_lines:
        stdout.write(
            f"visitbot: ask me about {brain.record.scope}.\n"
            "Type a question, a number to pick a suggestion, or 'quit'.\n"
        )
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = stdin.readline()
        if not line:
            break
        question = line.strip()
        if question.lower() in QUIT:
            break
        if not json_lines and question.isdigit() and 0 < int(question) <= len(offered):
            stdout.write(f"you> {offered[int(question) - 1]}\n")
        answer = _turn(brain, question, context, offered)
        offered = answer.suggestions[:3]
        if json_lines:
            stdout.write(json.dumps(answer.to_json(question), ensure_ascii=False) + "\n")
        else:
            stdout.write(
                "bot> "
                + plain(answer, brain.speeches.get(answer.lang, brain.speech), suggestions=False)
                + "\n"
            )
            for i, suggestion in enumerate(offered, 1):
                stdout.write(f"  [{i}] {suggestion}\n")
        stdout.flush()
    if not json_lines:
        stdout.write("bye\n")
    return 0
