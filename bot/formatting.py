"""How an Answer reads: plain text for the terminal, HTML for Telegram. Same words in both."""

from __future__ import annotations

import re
from html import escape

from bot.answer import Answer

TELEGRAM_LIMIT = 4096
_TAG = re.compile(r"<(/?)([a-z-]+)[^>]*>")


def plain(answer: Answer, *, sources: bool = True, suggestions: bool = True) -> str:
    lines = [answer.text]
    if sources and answer.sources:
        for sentence in answer.sources[:3]:
            lines.append(f"  Source: \u201c{sentence}\u201d")
    if suggestions and answer.suggestions:
        lines.append("  You could ask: " + " | ".join(answer.suggestions[:3]))
    return "\n".join(lines)


def html(answer: Answer, *, quote: bool = True, heading: str | None = None) -> str:
    """Telegram HTML: user-visible text always escaped; the first source as a compact quote.

    ``heading`` (bold, escaped) names the question answered when the user tapped a button
    rather than typing it, so the chat still reads as question and answer.
    """
    body = escape(answer.text, quote=False)
    if heading:
        body = f"<b>{escape(heading, quote=False)}</b>\n\n{body}"
    if quote and answer.sources:
        source = escape(answer.sources[0], quote=False)
        body += f"\n\n<blockquote expandable>\U0001f4c4 {source}</blockquote>"
    return truncate(body)


def sources_html(answer: Answer) -> str:
    if not answer.sources:
        return "This reply does not quote the record."
    items = "\n\n".join(f"\u2022 {escape(s, quote=False)}" for s in answer.sources)
    return truncate(f"<b>From the record:</b>\n\n{items}")


def truncate(text: str, limit: int = TELEGRAM_LIMIT) -> str:
    """Keep a message within Telegram's limit and still valid HTML.

    A cut never splits a tag or an ``&entity;``, and tags left open by the cut are closed, so
    Telegram does not reject the message with "can't parse entities".
    """
    if len(text) <= limit:
        return text
    ellipsis = " \u2026"
    budget = limit - len(ellipsis)
    while True:
        cut = text[:budget]
        if "<" in cut[cut.rfind(">") + 1 :]:  # inside a tag
            cut = cut[: cut.rfind("<")]
        amp = cut.rfind("&")
        if amp >= 0 and ";" not in cut[amp:]:  # inside an entity
            cut = cut[:amp]
        cut = cut.rstrip()
        closing = "".join(f"</{name}>" for name in reversed(_open_tags(cut)))
        if len(cut) + len(ellipsis) + len(closing) <= limit:
            return cut + ellipsis + closing
        budget -= len(closing)


def _open_tags(text: str) -> list[str]:
    stack: list[str] = []
    for match in _TAG.finditer(text):
        closing, name = match.groups()
        if not closing:
            stack.append(name)
        elif stack and stack[-1] == name:
            stack.pop()
    return stack


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split long text on paragraph, then line boundaries, each part within ``limit``."""
    parts: list[str] = []
    current = ""
    for block in text.split("\n\n"):
        candidate = f"{current}\n\n{block}" if current else block
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        while len(block) > limit:
            cut = block.rfind("\n", 0, limit)
            cut = cut if cut > 0 else limit
            parts.append(block[:cut])
            block = block[cut:].lstrip("\n")
        current = block
    if current:
        parts.append(current)
    return parts
