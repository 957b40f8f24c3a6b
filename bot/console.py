"""The console chat: the same brain and the same words as Telegram, in a terminal.

Suggested follow-ups are numbered; typing the number asks it, as a button would on Telegram.
"""

from __future__ import annotations

import sys
from typing import TextIO

from bot.brain import Brain, Context
from bot.formatting import plain

PROMPT = "you> "


def chat(brain: Brain, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    interactive = stdin.isatty()
    context = Context()
    suggestions: tuple[str, ...] = ()
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
        if question.lower() in ("quit", "exit", "/quit", "bye!"):
            break
        if question.isdigit() and 0 < int(question) <= len(suggestions):
            question = suggestions[int(question) - 1]
            stdout.write(f"you> {question}\n")
        answer = brain.answer(question, context)
        suggestions = answer.suggestions[:3]
        stdout.write("bot> " + plain(answer, suggestions=False) + "\n")
        for i, suggestion in enumerate(suggestions, 1):
            stdout.write(f"  [{i}] {suggestion}\n")
        stdout.flush()
    stdout.write("bye\n")
    return 0
