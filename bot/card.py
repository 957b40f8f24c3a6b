"""The visit at a glance as a PNG picture (/card): drawn from the record with Pillow.

:func:`card_content` takes every fact from the record in one language (its terms and answers
from ``visit.<code>.yaml``, the headings from the language's ``ui.yaml``), so another record
or another language gives another card; :func:`render` lays it out in a phone-friendly
portrait (1080 px wide, big type: a phone shows it about 360 px wide).

Fonts ship with the package (``bot/fonts``, SIL Open Font License): Noto Sans for Latin and
Cyrillic (Kazakh letters included), SIL's Lateef for Urdu (made for Urdu and Sindhi, and it
has Latin letters, digits and punctuation too, which Noto Naskh Arabic lacks). Urdu needs
shaping (joined letters) and right-to-left lines: Pillow does both through libraqm, which
its wheels load at run time with FriBiDi. Without it (:func:`can_shape` is False) Urdu
would come out as unjoined letters in the wrong order, so :func:`card_language` falls back
to English.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

from bot.brain import Brain
from bot.brain.speech import ENGLISH, Speech

log = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parent / "fonts"
RTL_LANGUAGES = frozenset({"ur"})
ARABIC_SCRIPT = frozenset({"ur"})
WIDTH = 1080
MARGIN = 64
CHIP_SIZE = 29
MAX_HEIGHT = 2400  # a card longer than this is cut (a record with very long lines)
_SENTENCE_END = re.compile(r"(?<=[.!?\u06d4])\s+")

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Colour = tuple[int, int, int]

# colours: a deep blue header, green for the record's areas, gold for the award
INK = (27, 36, 48)
MUTED = (92, 104, 120)
PAPER = (247, 245, 240)
HEADER = (16, 47, 79)
HEADER_INK = (255, 255, 255)
HEADER_MUTED = (190, 210, 230)
ACCENT = (31, 138, 112)
TILE = (232, 239, 245)
CHIP = (221, 241, 234)
GOLD = (214, 158, 46)


@dataclass(frozen=True)
class Leader:
    name: str
    role: str
    line: str  # the first sentence of their first key statement ("" when none is key)


@dataclass(frozen=True)
class CardContent:
    """What a card says, in one language (``lang``), every fact from the record."""

    lang: str
    title: str
    when_where: str
    count: str
    count_label: str
    areas_heading: str
    areas: tuple[str, ...]
    target_heading: str = ""
    target_figure: str = ""
    target_deadline: str = ""
    award_heading: str = ""
    award: str = ""
    leaders_heading: str = ""
    leaders: tuple[Leader, ...] = ()
    footer: str = ""
    rtl: bool = field(default=False)


def can_shape() -> bool:
    """Whether Pillow can lay out Urdu: joined letters, right to left (libraqm + FriBiDi)."""
    return bool(features.check_feature("raqm"))


def card_language(lang: str | None) -> str:
    """The language the card is drawn in: the chat's, or English when it cannot be drawn."""
    lang = lang or ENGLISH
    if lang in ARABIC_SCRIPT and not can_shape():
        log.warning("no text shaping (libraqm/FriBiDi) in Pillow: the %s card is English", lang)
        return ENGLISH
    return lang


def first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


def card_content(brain: Brain, speech: Speech) -> CardContent:
    """The card's texts from the record, said by ``speech``."""
    record = brain.record
    visit = record.visit
    when = speech.term("date") + (f" {speech.term('year')}" if visit.year else "")
    when_where = speech.text("card.when_where", when=when, where=speech.term("place"))
    areas = tuple(_capital(speech.term(f"area_short.{a.id}")) for a in record.agreements.named)
    target = record.targets[0] if record.targets else None
    award = next((f for f in record.facts if f.intent == "award"), None)
    leaders = tuple(
        Leader(
            speech.term(f"name.{p.id}"), speech.term(f"role.{p.id}"), _key_line(brain, speech, p.id)
        )
        for p in record.people
    )
    return CardContent(
        lang=speech.lang,
        title=speech.term("title"),
        when_where=when_where,
        count=str(record.agreements.total),
        count_label=speech.term("described_as"),
        areas_heading=speech.text("card.areas", count=len(areas)),
        areas=areas,
        target_heading=speech.text("card.target") if target else "",
        target_figure=speech.term(f"figure.{target.id}") if target else "",
        target_deadline=speech.term(f"deadline.{target.id}") if target else "",
        award_heading=speech.text("card.award") if award else "",
        award=first_sentence(speech.answer(award.id)) if award else "",
        leaders_heading=speech.text("card.leaders"),
        leaders=leaders,
        footer=speech.text("card.footer"),
        rtl=speech.lang in RTL_LANGUAGES,
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _key_line(brain: Brain, speech: Speech, person: str) -> str:
    for statement in brain.record.statements:
        if statement.speaker == person and statement.key:
            return first_sentence(speech.answer(statement.id))
    return ""


# -- fonts ---------------------------------------------------------------------------------


@cache
def font(lang: str, size: int, bold: bool = False) -> Font:
    """The shipped font for ``lang``'s script; a system DejaVu, then Pillow's own, if the
    file is missing (a broken install still draws a card, if a plainer one)."""
    family = "Lateef" if lang in ARABIC_SCRIPT else "NotoSans"
    name = f"{family}-{'Bold' if bold else 'Regular'}.ttf"
    dejavu = f"/usr/share/fonts/truetype/dejavu/DejaVuSans{'-Bold' if bold else ''}.ttf"
    engine = ImageFont.Layout.RAQM if can_shape() else ImageFont.Layout.BASIC
    for path in (FONT_DIR / name, Path(dejavu)):
        try:
            return ImageFont.truetype(str(path), size, layout_engine=engine)
        except OSError:
            continue
    log.warning("no font file for the card (%s): using Pillow's default", name)
    return ImageFont.load_default(size)


# -- drawing -------------------------------------------------------------------------------


class Canvas:
    """A tall page drawn top to bottom, mirrored for right-to-left languages; cut to the
    height used at the end."""

    def __init__(self, lang: str, rtl: bool) -> None:
        self.lang, self.rtl = lang, rtl
        self.image = Image.new("RGB", (WIDTH, MAX_HEIGHT), PAPER)
        self.draw = ImageDraw.Draw(self.image)
        self.direction = "rtl" if rtl else "ltr"
        self.shaped = can_shape()
        self.y = 0

    def font(self, size: int, bold: bool = False) -> Font:
        scale = 1.3 if self.lang in ARABIC_SCRIPT else 1.0  # Lateef is small for its size
        return font(self.lang, round(size * scale), bold)

    def width(self, text: str, face: Font) -> float:
        if not self.shaped:
            return self.draw.textlength(text, font=face)
        return self.draw.textlength(text, font=face, direction=self.direction, language=self.lang)

    def line_height(self, face: Font) -> int:
        if isinstance(face, ImageFont.FreeTypeFont):
            ascent, descent = face.getmetrics()
            return round((ascent + descent) * (1.0 if self.lang in ARABIC_SCRIPT else 1.08))
        return 16

    def wrap(self, text: str, face: Font, width: float, max_lines: int = 0) -> list[str]:
        """Greedy word wrap; the last allowed line ends with an ellipsis if text is left."""
        lines: list[str] = []
        current = ""
        for word in text.split():
            candidate = f"{current} {word}".strip()
            if current and self.width(candidate, face) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        if current:
            lines.append(current)
        if max_lines and len(lines) > max_lines:
            kept = lines[:max_lines]
            last = kept[-1]
            while last and self.width(last + " \u2026", face) > width:
                last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
            kept[-1] = last + " \u2026"
            return kept
        return lines

    def x(self, left: float, width: float = 0) -> float:
        """The x of a box ``left`` px from the reading start (mirrored for RTL)."""
        return WIDTH - left - width if self.rtl else left

    def text(self, left: float, y: float, text: str, face: Font, fill: Colour) -> None:
        """One line, its reading start ``left`` px from the page's reading edge."""
        anchor = "ra" if self.rtl else "la"
        if not self.shaped:
            self.draw.text((self.x(left), y), text, font=face, fill=fill, anchor=anchor)
            return
        self.draw.text(
            (self.x(left), y),
            text,
            font=face,
            fill=fill,
            anchor=anchor,
            direction=self.direction,
            language=self.lang,
        )

    def paragraph(
        self,
        left: float,
        width: float,
        text: str,
        face: Font,
        fill: Colour,
        max_lines: int = 0,
    ) -> None:
        step = self.line_height(face)
        for line in self.wrap(text, face, width, max_lines):
            self.text(left, self.y, line, face, fill)
            self.y += step

    def box(
        self,
        left: float,
        top: float,
        width: float,
        height: float,
        colour: Colour,
        radius: int,
    ) -> None:
        x0 = self.x(left, width)
        self.draw.rounded_rectangle((x0, top, x0 + width, top + height), radius, fill=colour)

    def png(self) -> bytes:
        out = io.BytesIO()
        self.image.crop((0, 0, WIDTH, min(self.y, MAX_HEIGHT))).save(out, "PNG", compress_level=6)
        return out.getvalue()


def render(content: CardContent) -> bytes:
    """The card as PNG bytes."""
    canvas = Canvas(content.lang, content.rtl)
    _header(canvas, content)
    _figures(canvas, content)
    _areas(canvas, content)
    if content.award:
        _award(canvas, content)
    _leaders(canvas, content)
    _footer(canvas, content)
    return canvas.png()


def _header(c: Canvas, content: CardContent) -> None:
    title, sub = c.font(62, bold=True), c.font(34)
    inner = WIDTH - 2 * MARGIN
    lines = c.wrap(content.title, title, inner, max_lines=3)
    height = 56 + len(lines) * c.line_height(title) + c.line_height(sub) + 48
    c.draw.rectangle((0, 0, WIDTH, height), fill=HEADER)
    c.draw.rectangle((0, height - 10, WIDTH, height), fill=ACCENT)
    c.y = 52
    for line in lines:
        c.text(MARGIN, c.y, line, title, HEADER_INK)
        c.y += c.line_height(title)
    c.y += 8
    c.text(MARGIN, c.y, content.when_where, sub, HEADER_MUTED)
    c.y = height + 36


def _figures(c: Canvas, content: CardContent) -> None:
    """The count of agreements and the target, as two tiles side by side."""
    gap = 28
    tiles = 2 if content.target_figure else 1
    tile = (WIDTH - 2 * MARGIN - gap * (tiles - 1)) / tiles
    big, label = c.font(104, bold=True), c.font(32)
    figure = c.font(60 if tiles == 2 else 72, bold=True)
    pad = 32
    count_lines = c.wrap(content.count_label, label, tile - 2 * pad, max_lines=2)
    target_lines = c.wrap(content.target_figure, figure, tile - 2 * pad, max_lines=2)
    deadline_lines = c.wrap(content.target_deadline, label, tile - 2 * pad, max_lines=2)
    left_h = c.line_height(big) + len(count_lines) * c.line_height(label)
    right_h = (
        c.line_height(label)
        + len(target_lines) * c.line_height(figure)
        + len(deadline_lines) * c.line_height(label)
    )
    height = max(left_h, right_h if tiles == 2 else 0) + 2 * pad
    top = c.y
    c.box(MARGIN, top, tile, height, TILE, 28)
    c.y = top + pad - 8
    c.text(MARGIN + pad, c.y, content.count, big, HEADER)
    c.y += c.line_height(big)
    for line in count_lines:
        c.text(MARGIN + pad, c.y, line, label, MUTED)
        c.y += c.line_height(label)
    if tiles == 2:
        left = MARGIN + tile + gap
        c.box(left, top, tile, height, TILE, 28)
        c.y = top + pad
        c.text(left + pad, c.y, content.target_heading, c.font(30, bold=True), ACCENT)
        c.y += c.line_height(label)
        for line in target_lines:
            c.text(left + pad, c.y, line, figure, HEADER)
            c.y += c.line_height(figure)
        for line in deadline_lines:
            c.text(left + pad, c.y, line, label, MUTED)
            c.y += c.line_height(label)
    c.y = top + height + 36


def _heading(c: Canvas, text: str) -> None:
    face = c.font(32, bold=True)
    c.box(MARGIN, c.y + 6, 10, c.line_height(face) - 12, ACCENT, 4)
    c.text(MARGIN + 26, c.y, text, face, ACCENT)
    c.y += c.line_height(face) + 10


def _chips(c: Canvas, labels: tuple[str, ...]) -> Iterator[tuple[float, float, float, str]]:
    """Where each chip goes: (left, top, width, label), wrapping across rows."""
    face = c.font(CHIP_SIZE)
    pad, gap, height = 22, 12, c.line_height(face) + 12
    left, top = float(MARGIN), float(c.y)
    limit = WIDTH - 2 * MARGIN
    for label in labels:
        shown = c.wrap(label, face, limit - 2 * pad, max_lines=1)[0]
        width = c.width(shown, face) + 2 * pad
        if left > MARGIN and left + width > MARGIN + limit:
            left, top = float(MARGIN), top + height + gap
        yield left, top, width, shown
        left += width + gap
    c.y = round(top + height)


def _areas(c: Canvas, content: CardContent) -> None:
    if not content.areas:
        return
    _heading(c, content.areas_heading)
    face = c.font(CHIP_SIZE)
    height = c.line_height(face) + 12
    for left, top, width, label in list(_chips(c, content.areas)):
        c.box(left, top, width, height, CHIP, height // 2)
        c.text(left + 22, top + 5, label, face, INK)
    c.y += 36


def _award(c: Canvas, content: CardContent) -> None:
    _heading(c, content.award_heading)
    face = c.font(34)
    medal = 56
    top = c.y + 4
    x0 = c.x(MARGIN, medal)
    c.draw.ellipse((x0, top, x0 + medal, top + medal), fill=GOLD)
    c.draw.ellipse((x0 + 14, top + 14, x0 + medal - 14, top + medal - 14), fill=PAPER)
    c.paragraph(MARGIN + medal + 24, WIDTH - 2 * MARGIN - medal - 24, content.award, face, INK, 3)
    c.y = max(c.y, top + medal) + 32


def _leaders(c: Canvas, content: CardContent) -> None:
    if not content.leaders:
        return
    _heading(c, content.leaders_heading)
    name, role, said = c.font(34, bold=True), c.font(28), c.font(30)
    for leader in content.leaders:
        c.text(MARGIN, c.y, leader.name, name, INK)
        c.y += c.line_height(name)
        c.paragraph(MARGIN, WIDTH - 2 * MARGIN, leader.role, role, MUTED, 1)
        if leader.line:
            top = c.y + 8
            c.y = top
            c.paragraph(MARGIN + 28, WIDTH - 2 * MARGIN - 28, leader.line, said, INK, 3)
            c.box(MARGIN, top + 4, 6, c.y - top - 8, GOLD, 3)
        c.y += 22
    c.y += 10


def _footer(c: Canvas, content: CardContent) -> None:
    face = c.font(26)
    c.draw.line((MARGIN, c.y, WIDTH - MARGIN, c.y), fill=(210, 210, 205), width=2)
    c.y += 20
    c.paragraph(MARGIN, WIDTH - 2 * MARGIN, content.footer, face, MUTED, 2)
    c.y += 36


def card_png(brain: Brain, lang: str | None) -> tuple[str, bytes]:
    """The card in ``lang`` (or English, see :func:`card_language`): (its language, PNG)."""
    drawn = card_language(lang)
    speech = brain.speeches.get(drawn, brain.speech)
    return speech.lang, render(card_content(brain, speech))
