"""How long the bot's replies are on a phone: the first message a user reads, in characters.

Runs the real application against the local Bot API stand-in (``tests/fake_botapi.py``), in
each language the bot speaks (the chat's choice set with /language), and for every command
and every button question (each topic's question, asked as its button or a shared link asks
it: ``/start <topic id>``) prints the length of the text the user sees (HTML tags do not
count). The last lines give the longest reply per language and the replies over ``--over``
characters. Asserts nothing: it is a figure for reviews of the Telegram experience.

    python benchmarks/reply_lengths.py [--over 600] [--all]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.brain import Brain  # noqa: E402
from handlers.commands import COMMANDS  # noqa: E402
from knowledge.loading import DEFAULT_LANGUAGE, DEFAULT_RECORD  # noqa: E402
from tests.fake_botapi import FakeBotAPI  # noqa: E402
from tests.visitbot_app import polling, visitbot_app  # noqa: E402

USER = 4242
EXTRA_COMMANDS = ("language",)  # commands registered outside handlers.commands.COMMANDS


async def _reply(server: FakeBotAPI, command: str, args: str = "") -> str:
    server.send_command(command, args, chat_id=USER, user_id=USER)
    message = await server.await_message(USER, timeout=10.0)
    return str(message["plain_text"])


async def _choose(server: FakeBotAPI, brain: Brain, lang: str) -> None:
    server.send_command("language", chat_id=USER, user_id=USER)
    prompt = await server.await_message(USER, timeout=10.0)
    server.press_button(prompt, text=brain.speeches[lang].profile.native, user_id=USER)
    await server.await_message(USER, include_edits=True, timeout=10.0)


async def measure(brain: Brain, store: Path) -> dict[str, dict[str, int]]:
    """{row: {language: characters}}; rows are "/command" and "button: <topic id>"."""
    table: dict[str, dict[str, int]] = {}
    with FakeBotAPI() as server:
        async with polling(visitbot_app(server, brain, store, flood=None)):
            for lang in brain.speeches:
                await _choose(server, brain, lang)
                for command in (*COMMANDS, *EXTRA_COMMANDS):
                    text = await _reply(server, command)
                    table.setdefault(f"/{command}", {})[lang] = len(text)
                for topic in brain.topics:
                    text = await _reply(server, "start", topic)
                    table.setdefault(f"button: {topic}", {})[lang] = len(text)
    return table


def report(table: dict[str, dict[str, int]], langs: list[str], over: int, every: bool) -> str:
    width = max(len(row) for row in table)
    head = f"{'reply':<{width}}  " + "  ".join(f"{lang:>7}" for lang in langs)
    lines = [head, "-" * len(head)]
    for row, lengths in table.items():
        if every or row.startswith("/") or max(lengths.values()) > over:
            cells = "  ".join(f"{lengths.get(lang, 0):>7}" for lang in langs)
            lines.append(f"{row:<{width}}  {cells}")
    lines.append("-" * len(head))
    for name, rows in (
        ("longest command", [r for r in table if r.startswith("/")]),
        ("longest button", [r for r in table if not r.startswith("/")]),
    ):
        cells = "  ".join(f"{max(table[r][lang] for r in rows):>7}" for lang in langs)
        lines.append(f"{name:<{width}}  {cells}")
    buttons = [r for r in table if not r.startswith("/")]
    cells = "  ".join(f"{sum(table[r][lang] > over for r in buttons):>7}" for lang in langs)
    lines.append(f"{f'buttons over {over}':<{width}}  {cells}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--over", type=int, default=600, help="flag replies longer than this")
    parser.add_argument("--all", action="store_true", help="print every button, not only long")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store.db"
        brain = Brain.open(store, DEFAULT_RECORD, DEFAULT_LANGUAGE)
        table = asyncio.run(measure(brain, store))
    print(report(table, list(brain.speeches), args.over, args.all))
    return 0


if __name__ == "__main__":
    sys.exit(main())
