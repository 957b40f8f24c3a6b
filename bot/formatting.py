"""How an Answer reads: plain text for the terminal, HTML for Telegram. Same words in both."""

from __future__ import annotations

import re
from html import escape, unescape

from bot.answer import Answer
from bot.brain.speech import Speech

TELEGRAM_LIMIT = 4096  # a message's text, as Telegram counts it (UTF-16 code units)
EXCERPT_CHARS = 40  # how much of what a user typed a reply may quote back
PAGE_CHARS = 600  # a longer answer shows its first part and a "More" button (a phone screen)
_KEEP = frozenset("\u200c\u200d")  # zero-width (non-)joiners hold emoji sequences together
_TAG = re.compile(r"<(/?)([a-z-]+)[^>]*>")
_ANY_TAG = re.compile(r"<[^>]*>")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?\u06d4])\s+")  # after a full stop (Urdu's too)


def plain(answer: Answer, speech: Speech, *, sources: bool = True, suggestions: bool = True) -> str:
    """The terminal's version (``visitbot ask``, the console chat), in ``speech``'s words."""
    lines = [answer.text]
    if sources and answer.sources:
        for sentence in answer.sources[:3]:
            lines.append("  " + speech.text("plain.source", sentence=sentence))
    if suggestions and answer.suggestions:
        joined = " | ".join(answer.suggestions[:3])
        lines.append("  " + speech.text("plain.suggestions", questions=joined))
    return "\n".join(lines)


def quote_html(sentence: str, speech: Speech) -> str:
    """A sentence of the source as a compact quote, labelled as the original in ``speech``'s
    language (the source stays in its own words)."""
    return (
        f"<blockquote expandable>{speech.text('source.quote', sentence=e(sentence))}</blockquote>"
    )


def answer_blocks(answer: Answer, speech: Speech, *, heading: str | None = None) -> list[str]:
    """The answer as HTML blocks in reading order: the heading, then each part of the answer
    followed by its source quote when it has one worth showing (``answer.quotes``, one per
    part, so a multi-part answer shows the source of each part)."""
    blocks = [f"<b>{e(heading)}</b>"] if heading else []
    parts = answer.text.split("\n\n")
    quotes = list(answer.quotes)
    if len(quotes) != len(parts):  # not one quote per part: the text, then its quotes
        parts, quotes = ["\n\n".join(parts)], [" ".join(q for q in quotes if q)]
    for part, quoted in zip(parts, quotes, strict=True):
        blocks.append(e(part))
        if quoted:
            blocks.append(quote_html(quoted, speech))
    return blocks


def html(answer: Answer, speech: Speech, *, heading: str | None = None) -> str:
    """Telegram HTML, whole: user-visible text always escaped, each part's quote.

    ``heading`` (bold, escaped) names the question answered when the user tapped a button
    rather than typing it, so the chat still reads as question and answer. ``speech`` (the
    answer's language) says the frame: the source's label.
    """
    return truncate("\n\n".join(answer_blocks(answer, speech, heading=heading)))


def visible_length(html_text: str) -> int:
    """How many characters a user sees of an HTML text (tags do not show)."""
    return len(unescape(_ANY_TAG.sub("", html_text)))


def pages(blocks: list[str], limit: int = PAGE_CHARS, *, heading: bool = False) -> list[str]:
    """HTML blocks as pages a phone shows at once: all in one page when it fits ``limit``
    visible characters, else pages of at most about ``limit`` (a block too long on its own
    is cut between lines, then sentences; a quote is never cut). ``heading``: the first
    block is a heading, never left alone on a page; nor is a last page of a few words (it
    joins the page before). Each page is valid HTML."""
    whole = "\n\n".join(blocks)
    if visible_length(whole) <= limit:
        return [truncate(whole)]
    out: list[str] = []
    current = ""
    for number, (piece, joiner) in enumerate(_pieces(blocks, limit)):
        candidate = f"{current}{joiner}{piece}" if current else piece
        heading_alone = heading and number == 1  # the heading is all the page has yet
        if current and not heading_alone and visible_length(candidate) > limit:
            out.append(current)
            candidate = piece
        current = candidate
    if out and visible_length(current) < limit // 4:  # "More" for a line is no use
        current = f"{out.pop()}\n\n{current}"
    out.append(current)
    return [truncate(page) for page in out]


def _pieces(blocks: list[str], limit: int) -> list[tuple[str, str]]:
    """(piece, what joins it to the one before): blocks, or lines and sentences of long ones."""
    found: list[tuple[str, str]] = []
    for block in blocks:
        if visible_length(block) <= limit or block.startswith("<"):  # a heading, a quote
            found.append((block, "\n\n"))
            continue
        for number, line in enumerate(block.split("\n")):
            joiner = "\n\n" if number == 0 else "\n"
            if visible_length(line) <= limit:
                found.append((line, joiner))
                continue
            for count, sentence in enumerate(_SENTENCE_BREAK.split(line)):
                found.append((sentence, joiner if count == 0 else " "))
    return found


def sources_html(sources: tuple[str, ...], speech: Speech) -> str:
    if not sources:
        return e(speech.text("sources.none"))
    items = "\n\n".join(f"\u2022 {e(s)}" for s in sources)
    return truncate(f"{speech.text('sources.title')}\n\n{items}")


def e(text: str) -> str:
    return escape(text, quote=False)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """A short excerpt of what a user typed, HTML-escaped once, to quote back in a reply.

    Every reply that echoes user input goes through here, so its length is bounded whatever
    they typed: one line, control characters dropped, at most ``limit`` of their characters
    (then an ellipsis). ``&amp;`` typed by a user comes back as ``&amp;``.
    """
    printable = "".join(ch if ch.isprintable() or ch in _KEEP else " " for ch in text)
    flat = " ".join(printable.split())
    if len(flat) > limit:
        flat = flat[: max(1, limit - 1)].rstrip() + "\u2026"
    return escape(flat, quote=False)


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units, so an emoji beyond the BMP counts 2."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _prefix(text: str, units: int) -> str:
    """The longest start of ``text`` within ``units`` UTF-16 code units."""
    count = 0
    for index, ch in enumerate(text):
        count += 2 if ord(ch) > 0xFFFF else 1
        if count > units:
            return text[:index]
    return text


def truncate(text: str, limit: int = TELEGRAM_LIMIT) -> str:
    """Keep a message within Telegram's limit and still valid HTML.

    A cut never splits a tag or an ``&entity;``, and tags left open by the cut are closed, so
    Telegram does not reject the message with "can't parse entities". Lengths are counted as
    Telegram counts them (UTF-16), so 3,000 emoji are cut too.
    """
    if telegram_length(text) <= limit:
        return text
    ellipsis = " \u2026"
    budget = limit - len(ellipsis)
    while True:
        cut = _prefix(text, budget)
        if "<" in cut[cut.rfind(">") + 1 :]:  # inside a tag
            cut = cut[: cut.rfind("<")]
        amp = cut.rfind("&")
        if amp >= 0 and ";" not in cut[amp:]:  # inside an entity
            cut = cut[:amp]
        cut = cut.rstrip()
        closing = "".join(f"</{name}>" for name in reversed(_open_tags(cut)))
        if telegram_length(cut) + len(ellipsis) + len(closing) <= limit:
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
