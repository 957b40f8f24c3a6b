"""A stand-in for the Telegram Bot API cloud, served over real HTTP on 127.0.0.1.

Why this exists
---------------
The project's rule is that tests covering Telegram drive python-telegram-bot (PTB) end to end:
a real ``telegram.ext.Application``, real httpx, real sockets, with only Telegram's servers
replaced. ``FakeBotAPI`` is that replacement. Point PTB's ``base_url`` at
:attr:`FakeBotAPI.base_url` and every Bot API call arrives here as an HTTP request, is parsed the
way Telegram parses it, is validated where Telegram would reject it, is answered with
Telegram-shaped JSON and is recorded for assertions.

What PTB 22 sends (read from ``telegram/request/_httpxrequest.py`` and ``_requestdata.py``)
--------------------------------------------------------------------------------------------
* Every method is a ``POST`` to ``<base_url><token>/<method>``.
* The body is form-encoded (``application/x-www-form-urlencoded``) built from
  ``RequestData.json_parameters``: a ``str`` value is sent as-is, anything else (int, bool, list,
  dict such as ``reply_markup``) is ``json.dumps``-ed first. ``None`` values are left out.
* When a file is uploaded the body is ``multipart/form-data`` with the same string fields plus
  file parts (a lone upload such as ``document`` is sent only as a file part named after the
  parameter; grouped media use ``attach://`` names).

Decoding therefore has to know which parameters are free text: ``text="123"`` must stay the
string ``"123"`` although ``"123"`` is also valid JSON. See :data:`RAW_STRING_PARAMS`. GET query
strings and ``application/json`` bodies are accepted too (handy for benchmarks and curl).

Design
------
* ``http.server.ThreadingHTTPServer`` (stdlib only) with ``protocol_version = "HTTP/1.1"``:
  keep-alive and ``Content-Length`` like the real API, a thread per connection, so ~50
  concurrent clients are fine. Responses go out in one ``write`` with ``TCP_NODELAY`` so
  keep-alive does not hit the Nagle/delayed-ACK 40 ms stall. The listen backlog is raised so a
  burst of connects is not dropped.
* All state lives behind one re-entrant :class:`threading.Condition`. Method handlers are quick
  in-memory operations run under it; ``getUpdates`` long polling waits on it (releasing it), and
  ``wait_for`` helpers wait on it too, so nothing sleeps blindly.
* Every wait is bounded: long polls by ``min(timeout, max_long_poll)``, injected delays by their
  length and by :meth:`FakeBotAPI.stop`, waits by their ``timeout``. ``stop()`` wakes waiters,
  shuts open keep-alive sockets and returns in well under a second even with a long poll open.
* Scripted updates are realistic JSON (UTF-16 entity offsets, shared per-chat message ids) so
  PTB's own ``Update.de_json`` and filters see what they would see in production.

Typical use from an async test::

    with FakeBotAPI() as server:
        app = application_builder(server).build()
        app.add_handler(MessageHandler(filters.TEXT, echo))
        async with running(app):
            server.send_text("hi", chat_id=42)
            reply = await server.await_message(42)
        assert reply["text"] == "hi"
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import http
import http.server
import itertools
import json
import math
import re
import socket
import socketserver
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "DEFAULT_GROUP_ID",
    "DEFAULT_SUPERGROUP_ID",
    "DEFAULT_TOKEN",
    "DEFAULT_USER_ID",
    "RAW_STRING_PARAMS",
    "ApiError",
    "Call",
    "FakeBotAPI",
    "application_builder",
    "check_markdown_v2",
    "parse_html",
    "running",
]

DEFAULT_TOKEN = "123456789:TEST-visitbot-fake-token-0123456789abc"
DEFAULT_USER_ID = 1001
DEFAULT_GROUP_ID = -987654321
DEFAULT_SUPERGROUP_ID = -1001234567890
ANONYMOUS_ADMIN_ID = 1087968824  # @GroupAnonymousBot, the "from" of an anonymous admin's post
_AS_CHAT = "_as_chat"

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_RESULTS = 50
MAX_BUTTONS = 100

#: Parameters that are free text (or opaque ids) and therefore never JSON-decoded. PTB sends
#: ``str`` values raw, so ``text="42"`` arrives as ``42`` and must not become an int.
RAW_STRING_PARAMS = frozenset(
    {
        "action",
        "address",
        "animation",
        "audio",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "custom_title",
        "data",
        "description",
        "document",
        "emoji",
        "explanation",
        "first_name",
        "foursquare_id",
        "foursquare_type",
        "google_place_id",
        "google_place_type",
        "inline_message_id",
        "inline_query_id",
        "ip_address",
        "language_code",
        "last_name",
        "message_effect_id",
        "name",
        "next_offset",
        "parse_mode",
        "phone_number",
        "photo",
        "query",
        "question",
        "secret_token",
        "short_description",
        "sticker",
        "switch_pm_parameter",
        "switch_pm_text",
        "text",
        "thumbnail",
        "title",
        "url",
        "vcard",
        "video",
        "video_note",
        "voice",
    }
)

_HTTP_PHRASES = {s.value: s.phrase for s in http.HTTPStatus}
_PATH_RE = re.compile(r"/bot([^/]*)/([A-Za-z0-9_]+)/?")
_CONFLICT_OTHER_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Telegram's default when allowed_updates was never set (or set to []).
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: the unit Telegram uses for entity offsets and lengths."""
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------------------------
# Errors and records
# --------------------------------------------------------------------------------------------


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": code, "description": ...}``.

    Handlers (including ones added with :meth:`FakeBotAPI.register_method`) raise it to reject
    a request exactly the way Telegram would.
    """

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad_request(what: str) -> ApiError:
    return ApiError(400, f"Bad Request: {what}")


class Call(tuple):
    """One request the server received. Unpacks like the pair ``(method, params)``.

    Extra attributes: ``status`` (HTTP status sent back), ``result`` (the ``result`` of an
    ``ok`` answer), ``description`` (error text), ``fault`` (name of the injected fault, if any),
    ``at`` (``time.monotonic()`` on arrival), ``http_method``, ``content_type``.
    """

    status: int
    result: Any
    description: str | None
    fault: str | None
    at: float
    http_method: str
    content_type: str

    def __new__(cls, method: str, params: dict[str, Any], **meta: Any) -> Call:
        self = super().__new__(cls, (method, params))
        self.__dict__.update(meta)
        return self

    @property
    def method(self) -> str:
        return str(self[0])

    @property
    def params(self) -> dict[str, Any]:
        return self[1]  # type: ignore[no-any-return]

    @property
    def ok(self) -> bool:
        return self.status == 200

    def __repr__(self) -> str:
        extra = f" fault={self.fault}" if self.fault else ""
        if self.status != 200 and self.description:
            extra += f" {self.description!r}"
        return f"Call({self.method} -> {self.status}{extra} {_short(self.params)})"


def _short(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass
class _Fault:
    kind: str  # fail | rate_limit | delay | disconnect
    count: int
    status: int = 500
    retry_after: int = 1
    seconds: float = 0.0
    description: str | None = None
    body: str | None = None


@dataclass
class _Reply:
    status: int
    body: bytes
    delay: float = 0.0
    disconnect: bool = False


@dataclass
class _Ctx:
    """Per-request context handed to method handlers."""

    method: str
    at: float
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    fault: str | None = None


# --------------------------------------------------------------------------------------------
# Request decoding
# --------------------------------------------------------------------------------------------


def decode_param(name: str, value: str) -> Any:
    """Undo PTB's encoding of one form field: JSON unless the parameter is free text."""
    if name in RAW_STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, Any]]:
    """Split a multipart/form-data body into text fields and file parts (no cgi module)."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        raise ValueError("multipart body without boundary")
    delimiter = b"--" + match.group(1).encode("latin-1")
    fields: dict[str, str] = {}
    files: dict[str, Any] = {}
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, _, data = chunk.partition(b"\r\n\r\n")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, val = line.partition(":")
            headers[key.strip().lower()] = val.strip()
        disposition = headers.get("content-disposition", "")
        name_m = re.search(r'\bname="([^"]*)"', disposition)
        if not name_m:
            continue
        file_m = re.search(r'\bfilename="([^"]*)"', disposition)
        if file_m is None:
            fields[name_m.group(1)] = data.decode("utf-8", "replace")
        else:
            files[name_m.group(1)] = {
                "filename": file_m.group(1),
                "content_type": headers.get("content-type", "application/octet-stream"),
                "size": len(data),
                "data": data,
            }
    return fields, files


def parse_request(
    query: str, content_type: str, body: bytes
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Decode a Bot API request into ``(params, files)`` whatever its encoding."""
    params: dict[str, Any] = {k: decode_param(k, v) for k, v in parse_qsl(query)}
    files: dict[str, Any] = {}
    ctype = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return params, files
    if ctype == "application/json":
        loaded = json.loads(body)
        if not isinstance(loaded, dict):
            raise ValueError("JSON body must be an object")
        params.update(loaded)
    elif ctype == "multipart/form-data":
        fields, files = _parse_multipart(content_type, body)
        params.update({k: decode_param(k, v) for k, v in fields.items()})
        params.update(files)
    else:  # application/x-www-form-urlencoded, PTB's normal case
        text = body.decode("utf-8", "replace")
        params.update({k: decode_param(k, v) for k, v in parse_qsl(text, keep_blank_values=True)})
    return params, files


# --------------------------------------------------------------------------------------------
# Text validation: HTML and MarkdownV2, as Telegram parses them
# --------------------------------------------------------------------------------------------

_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "blockquote",
        "tg-emoji",
    }
)
_HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_CHARREF = re.compile(r"&(?:(lt|gt|amp|quot)|#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6}));")


def _parse_error(detail: str) -> ApiError:
    return _bad_request(f"can't parse entities: {detail}")


def _decode_charref(match: re.Match[str]) -> str | None:
    if match.group(1):
        return _HTML_NAMED[match.group(1)]
    code = int(match.group(2)) if match.group(2) else int(match.group(3), 16)
    return chr(code) if 0 < code < 0x110000 and not 0xD800 <= code <= 0xDFFF else None


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    offset: int  # UTF-16 offset in the output text
    text_start: int  # index in the output character list
    language: str | None = None


def parse_html(text: str, *, strict_ampersand: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram-HTML into ``(plain_text, entities)`` or raise a 400 :class:`ApiError`.

    Mirrors Telegram's parser closely enough to catch the usual bot bugs: unknown or unescaped
    ``<`` tags, unbalanced or crossed tags, ``<span>`` without ``class="tg-spoiler"``. Error texts
    match Telegram's ("Unsupported start tag "x" at byte offset N", ...).

    With ``strict_ampersand`` (default) a ``&`` that does not start ``&amp;``/``&lt;``/``&gt;``/
    ``&quot;``/``&#N;`` is rejected as well. Real Telegram keeps such a bare ``&`` literally, so
    this is deliberately stricter: it flags user content that was not passed through
    ``html.escape`` before it contains a ``<`` and breaks in production.
    """
    src = text.strip()
    n = len(src)
    out: list[str] = []
    u16 = 0
    stack: list[_OpenTag] = []
    entities: list[dict[str, Any]] = []

    def byte_offset(pos: int) -> int:
        return len(src[:pos].encode("utf-8"))

    i = 0
    while i < n:
        ch = src[i]
        if ch == "&":
            match = _HTML_CHARREF.match(src, i)
            decoded = _decode_charref(match) if match else None
            if match and decoded is not None:
                out.append(decoded)
                u16 += utf16_len(decoded)
                i = match.end()
                continue
            if strict_ampersand:
                raise _parse_error(
                    f"unescaped '&' at byte offset {byte_offset(i)}; write &amp; "
                    "(fake server strictness: real Telegram keeps a bare '&')"
                )
        if ch != "<":
            out.append(ch)
            u16 += utf16_len(ch)
            i += 1
            continue

        start = i
        if i + 1 < n and src[i + 1] == "/":  # end tag
            close = src.find(">", i)
            if close < 0:
                raise _parse_error(f"Unclosed end tag at byte offset {byte_offset(start)}")
            name = src[i + 2 : close].strip().lower()
            if not stack:
                raise _parse_error(f"Unexpected end tag at byte offset {byte_offset(start)}")
            top = stack.pop()
            if name and name != top.name:
                raise _parse_error(
                    f"Unmatched end tag at byte offset {byte_offset(start)}, "
                    f'expected "</{top.name}>", found "</{name}>"'
                )
            _close_html_entity(top, stack, out, u16, entities)
            i = close + 1
            continue

        j = i + 1
        while j < n and not src[j].isspace() and src[j] not in ">/":
            j += 1
        name = src[i + 1 : j].lower()
        if j >= n:
            raise _parse_error(f"Unclosed start tag at byte offset {byte_offset(start)}")
        if name not in _HTML_TAGS:
            raise _parse_error(
                f'Unsupported start tag "{name}" at byte offset {byte_offset(start)}'
            )
        attrs, i = _parse_html_attrs(src, j, name, byte_offset(start))
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _parse_error(
                f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(start)}'
            )
        stack.append(_OpenTag(name, attrs, u16, len(out)))

    if stack:
        raise _parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _parse_html_attrs(src: str, j: int, tag: str, tag_offset: int) -> tuple[dict[str, str], int]:
    """Parse ``name="value" ...>`` after a tag name; return attrs and the index after ``>``."""
    n = len(src)
    attrs: dict[str, str] = {}
    while True:
        while j < n and src[j].isspace():
            j += 1
        if j >= n:
            raise _parse_error(f'Unclosed start tag "{tag}" at byte offset {tag_offset}')
        if src[j] == ">":
            return attrs, j + 1
        k = j
        while k < n and not src[k].isspace() and src[k] not in "=>/\"'":
            k += 1
        attr = src[j:k].lower()
        if not attr:
            raise _parse_error(
                f'Empty attribute name in the tag "{tag}" at byte offset {tag_offset}'
            )
        j = k
        while j < n and src[j].isspace():
            j += 1
        value = ""
        if j < n and src[j] == "=":
            j += 1
            while j < n and src[j].isspace():
                j += 1
            if j >= n:
                raise _parse_error(f'Unclosed start tag "{tag}" at byte offset {tag_offset}')
            if src[j] in "\"'":
                end = src.find(src[j], j + 1)
                if end < 0:
                    raise _parse_error(f"Unclosed start tag at byte offset {tag_offset}")
                value = _HTML_CHARREF.sub(
                    lambda m: _decode_charref(m) or m.group(0), src[j + 1 : end]
                )
                j = end + 1
            else:
                k = j
                while k < n and (src[k].isalnum() or src[k] in ".-"):
                    k += 1
                value = src[j:k].lower()
                if k < n and not src[k].isspace() and src[k] != ">":
                    raise _parse_error(f"Unexpected end of name token at byte offset {tag_offset}")
                j = k
        attrs[attr] = value


def _close_html_entity(
    tag: _OpenTag, stack: list[_OpenTag], out: list[str], u16: int, entities: list[dict[str, Any]]
) -> None:
    """Turn a closed tag into a MessageEntity, like Telegram does (empty ones are dropped)."""
    if tag.name == "code" and stack and stack[-1].name == "pre":
        klass = tag.attrs.get("class", "")
        if klass.startswith("language-"):
            stack[-1].language = klass.removeprefix("language-")
            return
    if u16 <= tag.offset:
        return
    entity: dict[str, Any] = {
        "type": _HTML_ENTITY_TYPES[tag.name],
        "offset": tag.offset,
        "length": u16 - tag.offset,
    }
    if tag.name == "a":
        url = tag.attrs.get("href") or "".join(out[tag.text_start :])
        entity["url"] = url
    elif tag.name == "pre" and tag.language:
        entity["language"] = tag.language
    elif tag.name == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "tg-emoji":
        emoji_id = tag.attrs.get("emoji-id", "")
        if not emoji_id.isdigit():
            raise _parse_error("Invalid custom emoji identifier specified")
        entity["custom_emoji_id"] = emoji_id
    entities.append(entity)


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")


def check_markdown_v2(text: str) -> str:
    """Validate MarkdownV2 the cheap way and return an approximate plain text.

    Catches the classic bug: a reserved character (``. ! - + = # { } ( ) >`` ...) outside any
    markup and not escaped with ``\\``, which Telegram rejects with "Character '.' is reserved
    and must be escaped with the preceding '\\'". Also catches unterminated code/pre/link URLs.
    Markup balance (``*``, ``_``, ``~``, ``||``) is not checked and no entities are produced.
    """
    out: list[str] = []
    n = len(text)
    link_depth = 0
    line_start = 0

    def byte_offset(pos: int) -> int:
        return len(text[:pos].encode("utf-8"))

    def find_unescaped(target: str, pos: int) -> int:
        while pos < n:
            if text[pos] == "\\":
                pos += 2
                continue
            if text.startswith(target, pos):
                return pos
            pos += 1
        return -1

    i = 0
    while i < n:
        ch = text[i]
        if ch == "\n":
            line_start = i + 1
        if ch == "\\" and i + 1 < n:
            out.append(text[i + 1])
            i += 2
            continue
        if text.startswith("```", i):
            end = find_unescaped("```", i + 3)
            if end < 0:
                raise _parse_error(f"Can't find end of Pre entity at byte offset {byte_offset(i)}")
            out.append(re.sub(r"\\(.)", r"\1", text[i + 3 : end]))
            i = end + 3
            continue
        if ch == "`":
            end = find_unescaped("`", i + 1)
            if end < 0:
                raise _parse_error(f"Can't find end of Code entity at byte offset {byte_offset(i)}")
            out.append(re.sub(r"\\(.)", r"\1", text[i + 1 : end]))
            i = end + 1
            continue
        if ch == "[":
            link_depth += 1
            i += 1
            continue
        if ch == "]" and link_depth:
            link_depth -= 1
            if i + 1 < n and text[i + 1] == "(":
                end = find_unescaped(")", i + 2)
                if end < 0:
                    raise _parse_error(f"Can't find end of a URL at byte offset {byte_offset(i)}")
                i = end + 1
                continue
            i += 1
            continue
        if ch == "!" and i + 1 < n and text[i + 1] == "[":  # custom emoji ![x](tg://emoji?id=)
            i += 1
            continue
        if ch == ">" and text[line_start:i] in ("", "**"):  # block quotation
            i += 1
            continue
        if ch in "*_~|":
            i += 1
            continue
        if ch in _MDV2_RESERVED:
            raise _parse_error(
                f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
            )
        out.append(ch)
        i += 1
    return "".join(out)


def _check_reply_markup(markup: Any) -> None:
    """Reject keyboards Telegram rejects: bad callback_data, text-only inline buttons, >100."""
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise _bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
            )
        buttons = [b for row in rows for b in row]
        if len(buttons) > MAX_BUTTONS:
            raise _bad_request("reply markup is too long")
        for button in buttons:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise _bad_request("can't parse inline keyboard button: Text must be a String")
            if not any(key in button for key in _INLINE_BUTTON_ACTIONS):
                raise _bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not (
                    1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
                ):
                    raise _bad_request("BUTTON_DATA_INVALID")
            if "url" in button and not button["url"]:
                raise _bad_request("BUTTON_URL_INVALID")
    elif "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise _bad_request(
                'field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays'
            )
    elif not ({"remove_keyboard", "force_reply"} & markup.keys()):
        raise _bad_request("can't parse reply keyboard markup JSON object")


# --------------------------------------------------------------------------------------------
# Incoming-message entity detection (Telegram computes these server-side)
# --------------------------------------------------------------------------------------------

_AUTO_ENTITY_PATTERNS = (
    ("bot_command", re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b")),
    ("url", re.compile(r"https?://[^\s<>\"]+")),
)


def detect_entities(text: str) -> list[dict[str, Any]]:
    """bot_command / mention / url entities with UTF-16 offsets, as Telegram adds them."""
    found = []
    for kind, pattern in _AUTO_ENTITY_PATTERNS:
        for match in pattern.finditer(text):
            found.append(
                {
                    "type": kind,
                    "offset": utf16_len(text[: match.start()]),
                    "length": utf16_len(match.group(0)),
                }
            )
    found.sort(key=lambda e: e["offset"])
    return found


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------

Handler = Callable[["FakeBotAPI", dict[str, Any], _Ctx], Any]


class FakeBotAPI:
    """A Telegram Bot API server double on ``127.0.0.1:<random port>``.

    Construct, :meth:`start` (or use as a context manager, sync or async) and give PTB
    ``base_url=server.base_url``. All public methods are thread-safe and may be called from the
    test's event loop while PTB talks to the server from the same loop: they never block on HTTP.

    Args:
        token: the only token accepted; anything else gets Telegram's 401.
        username / first_name: what ``getMe`` reports for the bot.
        max_long_poll: upper bound in seconds for one ``getUpdates`` wait, whatever ``timeout``
            the client asks for, so no test can hang on a long poll.
        strict_html_ampersand: reject a bare ``&`` in HTML text (see :func:`parse_html`).
        auto_create_chats: messages to never-seen chat ids succeed (a positive id is a private
            chat, ``-100...`` a supergroup, other negatives a group). If False they get
            "chat not found" unless the chat appeared in a scripted update.
        port: fixed port; 0 picks a free one (a restart reuses the port picked first).
        latency: a simulated network round trip in seconds, as between a real server and
            Telegram: every request takes effect half of it after it arrives here (so the
            rate limits and ``message_times`` see it then) and is answered the other half
            later. See :meth:`set_latency`.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = "visit_test_bot",
        first_name: str = "Visit Test Bot",
        max_long_poll: float = 5.0,
        strict_html_ampersand: bool = True,
        auto_create_chats: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
    ) -> None:
        self.token = token
        self.latency = latency
        self.username = username
        self.first_name = first_name
        self.max_long_poll = max_long_poll
        self.strict_html_ampersand = strict_html_ampersand
        self.auto_create_chats = auto_create_chats
        self.host = host
        self.port = port
        prefix = token.split(":", 1)[0]
        self.bot_id = int(prefix) if prefix.isdigit() else 123456789
        self.bot_user = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }

        self._cond = threading.Condition(threading.RLock())
        self._stop_event = threading.Event()
        self._stopping = False
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._methods: dict[str, tuple[str, Handler]] = {}
        for name, handler in _BUILTIN_METHODS.items():
            self.register_method(name, handler)
        self._reset_state()

    def _reset_state(self) -> None:
        # Recording
        self._calls: list[Call] = []
        self._outbox: list[dict[str, Any]] = []
        self._cursors: dict[Any, int] = {}
        self._fault_log: list[dict[str, Any]] = []
        self._sent_counts: collections.Counter[int] = collections.Counter()
        self._sent_times: dict[int, list[float]] = collections.defaultdict(list)
        self._all_sent_times: list[float] = []
        # Conversation state
        self._chats: dict[int, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._next_message_id: dict[int, int] = collections.defaultdict(lambda: 1)
        self._callback_queries: dict[str, dict[str, Any] | None] = {}
        self._inline_queries: dict[str, dict[str, Any] | None] = {}
        self._query_ids = itertools.count(4_382_000_000_000_000_001)
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._menu_buttons: dict[int | None, dict[str, Any]] = {}
        self._descriptions: dict[tuple[str, str], str] = {}  # (kind, language_code) -> text
        self._webhook: dict[str, Any] = {}
        # Updates
        self._updates: collections.deque[dict[str, Any]] = collections.deque()
        self._next_update_id = 100_000_001
        self._allowed_updates: set[str] | None = None
        self._poll_generation = 0
        self._waiting_polls = 0
        # Faults
        self._faults: dict[str, collections.deque[_Fault]] = collections.defaultdict(
            collections.deque
        )
        self._blocked: set[int] = set()
        self._gone: set[int] = set()
        self._rate_limit: tuple[int | None, int | None] | None = None
        self._rl_global: collections.deque[float] = collections.deque()
        self._rl_chat: dict[int, collections.deque[float]] = collections.defaultdict(
            collections.deque
        )
        # Groups: who administers them (getChatMember), and which became supergroups
        self._chat_roles: dict[int, dict[int, str]] = collections.defaultdict(dict)
        self._migrated: dict[int, int] = {}

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> FakeBotAPI:
        """Bind and serve in a daemon thread. Idempotent; returns ``self``."""
        if self._httpd is not None:
            return self
        with self._cond:
            self._stopping = False
        self._stop_event.clear()
        httpd = _HTTPServer((self.host, self.port), self)
        self.port = httpd.server_address[1]
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.01},  # how long stop() waits for the loop
            name=f"FakeBotAPI:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: wake long polls and delays, close every open connection. Quick."""
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._stop_event.set()
        httpd.shutdown()
        httpd.close_all_connections()
        httpd.server_close()
        if thread is not None:
            thread.join(timeout=2.0)
        self._httpd = None
        self._thread = None

    @property
    def running(self) -> bool:
        return self._httpd is not None

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> FakeBotAPI:
        return self.start()

    async def __aexit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For PTB's ``base_url``: PTB appends the token, so requests hit ``/bot<TOKEN>/<m>``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    def method_url(self, method: str, token: str | None = None) -> str:
        """Full URL of one method, for raw HTTP clients (benchmarks)."""
        return f"{self.base_url}{self.token if token is None else token}/{method}"

    # ---------------------------------------------------------------- extension

    def register_method(self, name: str, handler: Handler) -> None:
        """Add or replace a Bot API method. ``handler(server, params, ctx)`` runs under the
        server lock, returns the ``result`` or raises :class:`ApiError`. Names are matched
        case-insensitively, as Telegram does."""
        self._methods[name.lower()] = (name, handler)

    # ---------------------------------------------------------------- recording

    def calls(self, method: str | None = None) -> list[Call]:
        """Every request received so far (optionally of one method), oldest first."""
        with self._cond:
            if method is None:
                return list(self._calls)
            wanted = method.lower()
            return [c for c in self._calls if c.method.lower() == wanted]

    def mark(self) -> int:
        """Index of the next call to be recorded; pass as ``since=`` to ignore history."""
        with self._cond:
            return len(self._calls)

    def sent_messages(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """What users saw, oldest first: successful sendMessage / editMessageText /
        editMessageReplyMarkup (and sendPhoto / sendDocument / sendLocation). Each entry has
        ``method, chat_id, message_id, text`` (as sent, markup included; the caption for
        media), ``plain_text`` (as displayed), ``parse_mode``, ``entities``, ``reply_markup``
        (parsed dict or None), ``date``, ``at`` and the raw ``params``."""
        with self._cond:
            return [dict(m) for m in self._outbox if chat_id is None or m["chat_id"] == chat_id]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """Current state of a message in a chat (after edits), or None if unknown/deleted."""
        with self._cond:
            msg = self._messages.get((chat_id, message_id))
            return dict(msg) if msg is not None else None

    def callback_answer(self, callback_query_id: str) -> dict[str, Any] | None:
        """The params of answerCallbackQuery for this query id, or None if unanswered."""
        with self._cond:
            return self._callback_queries.get(callback_query_id)

    def inline_answer(self, inline_query_id: str) -> dict[str, Any] | None:
        """The params of answerInlineQuery for this query id, or None if unanswered."""
        with self._cond:
            return self._inline_queries.get(inline_query_id)

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list:
        with self._cond:
            return list(self._commands.get(_commands_key(scope, language_code), []))

    def description(self, language_code: str = "", *, short: bool = False) -> str:
        """The bot's description (``short``: short description) for ``language_code`` as
        set with setMyDescription / setMyShortDescription ("" when none is set)."""
        with self._cond:
            return self._descriptions.get((_description_kind(short), language_code), "")

    def faults(self, method: str | None = None) -> list[dict[str, Any]]:
        """Log of every fault the server injected (scripted or rate-limit mode)."""
        with self._cond:
            return [
                dict(f)
                for f in self._fault_log
                if method is None or f["method"].lower() == method.lower()
            ]

    def clear(self) -> None:
        """Forget recorded history (calls, sent messages, counts, fault log, read cursors).
        Chats, stored messages, pending updates and scripted faults are kept."""
        with self._cond:
            self._calls.clear()
            self._outbox.clear()
            self._cursors.clear()
            self._fault_log.clear()
            self._sent_counts.clear()
            self._sent_times.clear()
            self._all_sent_times.clear()

    # ---------------------------------------------------------------- counting

    def message_counts(self) -> dict[int, int]:
        """Successful sendMessage (and other send*) calls per chat id: exactly-once checks."""
        with self._cond:
            return dict(self._sent_counts)

    def message_times(self, chat_id: int | None = None) -> list[float]:
        """``time.monotonic()`` arrival times of successful sendMessage calls."""
        with self._cond:
            if chat_id is None:  # sorted: with a latency, threads may record out of order
                return sorted(self._all_sent_times)
            return sorted(self._sent_times.get(chat_id, []))

    def send_rate(self, chat_id: int | None = None) -> float:
        """Average achieved sendMessage rate (messages/s) between first and last message."""
        times = self.message_times(chat_id)
        if len(times) < 2 or times[-1] <= times[0]:
            return 0.0
        return (len(times) - 1) / (times[-1] - times[0])

    def max_in_window(self, window: float = 1.0, chat_id: int | None = None) -> int:
        """Most sendMessage calls that landed inside any ``window``-second interval."""
        times = self.message_times(chat_id)
        best = left = 0
        for right, t in enumerate(times):
            while t - times[left] >= window:
                left += 1
            best = max(best, right - left + 1)
        return best

    # ---------------------------------------------------------------- waiting

    def _scan(
        self, predicate: Callable[[Call], bool] | None, method: str | None, start: int
    ) -> tuple[Call | None, int]:
        wanted = method.lower() if method else None
        calls = self._calls
        for index in range(start, len(calls)):
            call = calls[index]
            if wanted is not None and call.method.lower() != wanted:
                continue
            if predicate is None or predicate(call):
                return call, index + 1
        return None, len(calls)

    def _wait_until(self, check: Callable[[], Any], timeout: float, what: str) -> Any:
        """Block (on the condition, never spinning) until ``check()`` returns a value."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = check()
                if found is not None:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
        raise self._timeout_error(what, timeout)

    def _timeout_error(self, what: str, timeout: float) -> TimeoutError:
        with self._cond:
            recent = self._calls[-15:]
            pending = len(self._updates)
            faults = self._fault_log[-5:]
        lines = [f"FakeBotAPI: no {what} within {timeout:.2f}s."]
        lines.append(f"  pending (unconfirmed) updates: {pending}")
        lines.append(f"  recent calls ({len(recent)} shown, newest last):")
        lines.extend(f"    {c!r}" for c in recent)
        if faults:
            lines.append(f"  recent injected faults: {faults}")
        return TimeoutError("\n".join(lines))

    def wait_for(
        self,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
        *,
        method: str | None = None,
        since: int = 0,
    ) -> Call:
        """Block until a recorded call (at index >= ``since``) matches; return it.

        Raises TimeoutError listing recent calls. Condition-variable based: no polling sleeps.
        Don't call it from the event loop that runs PTB (it would block PTB); use
        :meth:`await_for` there.
        """
        index = since

        def scan() -> Call | None:
            nonlocal index
            found, index = self._scan(predicate, method, index)
            return found

        return self._wait_until(scan, timeout, f"call matching method={method!r} predicate")

    async def await_for(
        self,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
        *,
        method: str | None = None,
        since: int = 0,
    ) -> Call:
        """Async :meth:`wait_for`: polls every 5 ms so the event loop (and PTB) keeps running."""
        deadline = time.monotonic() + timeout
        index = since
        while True:
            with self._cond:
                found, index = self._scan(predicate, method, index)
            if found is not None:
                return found
            if time.monotonic() >= deadline:
                raise self._timeout_error(f"call matching method={method!r} predicate", timeout)
            await asyncio.sleep(0.005)

    def _next_outbox(self, chat_id: int | None, include_edits: bool) -> dict[str, Any] | None:
        key = chat_id
        start = self._cursors.get(key, 0)
        for index in range(start, len(self._outbox)):
            entry = self._outbox[index]
            if chat_id is not None and entry["chat_id"] != chat_id:
                continue
            if not include_edits and not entry["method"].startswith("send"):
                continue
            self._cursors[key] = index + 1
            return dict(entry)
        return None

    def wait_for_message(
        self, chat_id: int | None = None, timeout: float = 5.0, *, include_edits: bool = False
    ) -> dict[str, Any]:
        """Next message to ``chat_id`` (None: any chat) not yet returned by this helper.

        Each chat has a read cursor, so successive calls walk the conversation in order and
        nothing is missed or returned twice. Edits count only with ``include_edits``; skipped
        edits are passed over. Returns a :meth:`sent_messages` entry.
        """
        return self._wait_until(
            lambda: self._next_outbox(chat_id, include_edits),
            timeout,
            f"new message to chat {chat_id}",
        )

    async def await_message(
        self, chat_id: int | None = None, timeout: float = 5.0, *, include_edits: bool = False
    ) -> dict[str, Any]:
        """Async :meth:`wait_for_message`."""
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                entry = self._next_outbox(chat_id, include_edits)
            if entry is not None:
                return entry
            if time.monotonic() >= deadline:
                raise self._timeout_error(f"new message to chat {chat_id}", timeout)
            await asyncio.sleep(0.005)

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by a later getUpdates offset."""
        with self._cond:
            return len(self._updates)

    @property
    def long_polls_waiting(self) -> int:
        """getUpdates requests currently parked waiting for updates."""
        with self._cond:
            return self._waiting_polls

    def wait_for_confirmed(self, timeout: float = 5.0) -> None:
        """Block until every queued update was confirmed (the bot polled past it)."""
        self._wait_until(
            lambda: True if not self._updates else None, timeout, "confirmation of all updates"
        )

    async def await_confirmed(self, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while self.pending_updates:
            if time.monotonic() >= deadline:
                raise self._timeout_error("confirmation of all updates", timeout)
            await asyncio.sleep(0.005)

    # ---------------------------------------------------------------- faults

    def _add_fault(self, method: str, fault: _Fault) -> None:
        with self._cond:
            self._faults[method.lower()].append(fault)

    def fail_next(
        self,
        method: str,
        status: int = 500,
        count: int = 1,
        *,
        description: str | None = None,
        body: str | None = None,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` ("*" = any) with an error status.

        PTB maps 500/502/other to NetworkError, 400 BadRequest, 403 Forbidden, 401/404
        InvalidToken, 409 Conflict. ``body`` sends a raw non-JSON body (e.g. a proxy's HTML).
        """
        self._add_fault(
            method,
            _Fault(
                "fail",
                count,
                status=status,
                description=description or _HTTP_PHRASES.get(status, "Error"),
                body=body,
            ),
        )

    def rate_limit_next(self, method: str, retry_after: int = 1, count: int = 1) -> None:
        """Answer 429 "Too Many Requests: retry after N" with ``parameters.retry_after``."""
        self._add_fault(method, _Fault("rate_limit", count, status=429, retry_after=retry_after))

    def delay_next(self, method: str, seconds: float, count: int = 1) -> None:
        """Hold the answer back ``seconds``. The request still takes effect first, as on real
        Telegram where a client-side timeout does not mean the message was not sent."""
        self._add_fault(method, _Fault("delay", count, seconds=seconds))

    def set_latency(self, seconds: float) -> None:
        """Simulate a network ``seconds`` long, round trip, for every later request (the
        request takes effect after half of it, the answer arrives after the rest)."""
        with self._cond:
            self.latency = max(0.0, seconds)

    def disconnect_next(self, method: str, count: int = 1) -> None:
        """Drop the connection without answering (PTB: NetworkError). No effect is applied."""
        self._add_fault(method, _Fault("disconnect", count))

    def clear_faults(self) -> None:
        """Remove scripted faults, blocked/gone chats and rate-limit mode."""
        with self._cond:
            self._faults.clear()
            self._blocked.clear()
            self._gone.clear()
            self._rate_limit = None

    def block_chat(self, chat_id: int) -> None:
        """The user blocked the bot: any call for this chat gets 403
        "Forbidden: bot was blocked by the user" ("kicked from the group chat" for groups)."""
        with self._cond:
            self._blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        with self._cond:
            self._blocked.discard(chat_id)

    def gone_chat(self, chat_id: int) -> None:
        """The chat no longer exists: 400 "Bad Request: chat not found"."""
        with self._cond:
            self._gone.add(chat_id)

    def enable_rate_limit(
        self, global_per_second: int | None = 30, per_chat_per_second: int | None = 1
    ) -> None:
        """Answer 429 to send* calls beyond ``global_per_second`` overall or
        ``per_chat_per_second`` to one chat in any sliding 1 s window (Telegram's documented
        broadcast limits). Only accepted messages count. Off by default."""
        with self._cond:
            self._rate_limit = (global_per_second, per_chat_per_second)
            self._rl_global.clear()
            self._rl_chat.clear()

    def disable_rate_limit(self) -> None:
        with self._cond:
            self._rate_limit = None

    def _take_fault(self, method: str) -> _Fault | None:
        for key in (method.lower(), "*"):
            queue = self._faults.get(key)
            if queue:
                fault = queue[0]
                fault.count -= 1
                if fault.count <= 0:
                    queue.popleft()
                return fault
        return None

    def _log_fault(self, ctx: _Ctx, kind: str, **details: Any) -> None:
        ctx.fault = kind
        self._fault_log.append({"method": ctx.method, "kind": kind, "at": ctx.at, **details})

    def _check_rate(self, ctx: _Ctx, chat_id: int) -> None:
        if self._rate_limit is None:
            return
        global_max, chat_max = self._rate_limit
        now = ctx.at
        for limit, queue, kind in (
            (global_max, self._rl_global, "global_rate_limit"),
            (chat_max, self._rl_chat[chat_id], "chat_rate_limit"),
        ):
            while queue and queue[0] <= now - 1.0:
                queue.popleft()
            if limit is not None and len(queue) >= limit:
                retry = max(1, math.ceil(queue[0] + 1.0 - now))
                self._log_fault(ctx, kind, status=429, chat_id=chat_id, retry_after=retry)
                raise ApiError(
                    429, f"Too Many Requests: retry after {retry}", {"retry_after": retry}
                )
        self._rl_global.append(now)
        self._rl_chat[chat_id].append(now)

    # ---------------------------------------------------------------- groups

    def set_chat_admins(
        self, chat_id: int, admins: Iterable[int] = (), *, owner: int | None = None
    ) -> None:
        """Who getChatMember reports as ``administrator`` (and ``creator``) of a chat; every
        other user is a ``member``. Replaces what was set for the chat before."""
        with self._cond:
            roles = {user: "administrator" for user in admins}
            if owner is not None:
                roles[owner] = "creator"
            self._chat_roles[chat_id] = roles

    def migrate_chat(
        self, old: int, new: int, *, announce: bool = True, user_id: int = DEFAULT_USER_ID
    ) -> None:
        """Group ``old`` becomes supergroup ``new``, as Telegram does it: from now on calls
        for ``old`` get 400 "group chat was upgraded to a supergroup chat" with
        ``parameters.migrate_to_chat_id`` (PTB: ``ChatMigrated``). With ``announce`` the two
        service messages Telegram sends are queued: ``migrate_to_chat_id`` in the old group
        and ``migrate_from_chat_id`` in the supergroup. Admins carry over."""
        with self._cond:
            user = self._users.get(user_id) or self._user(user_id)
            title = self._chats.get(old, {}).get("title")
            group = self._chat_for(old, "group", user, title)
            supergroup = self._chat_for(new, "supergroup", user, title)
            self._chat_roles[new] = dict(self._chat_roles.get(old, {}))
            if announce:
                for chat, content in (
                    (group, {"migrate_to_chat_id": new}),
                    (supergroup, {"migrate_from_chat_id": old}),
                ):
                    msg = {
                        "message_id": self._take_message_id(chat["id"]),
                        "from": user,
                        "chat": chat,
                        "date": int(time.time()),
                        **content,
                    }
                    self._messages[(chat["id"], msg["message_id"])] = msg
                    self.push_update({"message": msg})
            self._migrated[old] = new

    # ---------------------------------------------------------------- scripting updates

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue any Update JSON for getUpdates; an ``update_id`` is assigned if missing.
        Returns the queued update (with its ``update_id``)."""
        with self._cond:
            if "update_id" in update:
                uid = int(update["update_id"])
                body = {k: v for k, v in update.items() if k != "update_id"}
            else:
                uid, body = self._next_update_id, update
            self._next_update_id = max(self._next_update_id, uid + 1)
            queued = {"update_id": uid, **body}
            self._updates.append(queued)
            self._cond.notify_all()
            return queued

    def _user(
        self,
        user_id: int,
        username: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        language_code: str | None = "en",
    ) -> dict[str, Any]:
        known = self._users.get(user_id, {})
        user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name or known.get("first_name") or f"User{user_id}",
        }
        if last_name or known.get("last_name"):
            user["last_name"] = last_name or known["last_name"]
        if username or known.get("username"):
            user["username"] = username or known["username"]
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        return user

    def _chat_for(
        self, chat_id: int, chat_type: str, user: dict[str, Any], title: str | None
    ) -> dict[str, Any]:
        if chat_type == "private":
            chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
            for key in ("last_name", "username"):
                if key in user:
                    chat[key] = user[key]
        elif chat_type in ("group", "supergroup", "channel"):
            known = self._chats.get(chat_id, {})
            chat = {"id": chat_id, "type": chat_type}
            chat["title"] = title or known.get("title") or f"Test {chat_type} {abs(chat_id)}"
        else:
            raise ValueError(f"unknown chat_type {chat_type!r}")
        self._chats[chat_id] = chat
        return chat

    def _incoming(
        self,
        content: dict[str, Any],
        *,
        chat_id: int | None,
        user_id: int,
        chat_type: str,
        username: str | None,
        first_name: str | None,
        title: str | None,
        reply_to_message: Any,
        language_code: str | None = "en",
    ) -> dict[str, Any]:
        """Build and queue a user's message in a chat, sharing the chat's message-id counter
        with the bot's messages like Telegram does."""
        with self._cond:
            user = self._user(user_id, username, first_name, None, language_code)
            if chat_id is None:
                chat_id = {
                    "private": user_id,
                    "group": DEFAULT_GROUP_ID,
                    "supergroup": DEFAULT_SUPERGROUP_ID,
                }.get(chat_type, DEFAULT_SUPERGROUP_ID)
            chat = self._chat_for(chat_id, chat_type, user, title)
            message_id = self._take_message_id(chat_id)
            msg: dict[str, Any] = {
                "message_id": message_id,
                "from": user,
                "chat": chat,
                "date": int(time.time()),
            }
            if reply_to_message is not None:
                ref = self._message_ref(reply_to_message, chat_id)
                original = self._messages.get(ref)
                if original is None:
                    raise ValueError(f"reply_to_message {ref} is not a known message")
                msg["reply_to_message"] = _without_reply(original)
            if content.pop(_AS_CHAT, False):
                msg["sender_chat"] = chat
                msg["from"] = {**user, "is_bot": True}
            msg.update(content)
            self._messages[(chat_id, message_id)] = msg
            return self.push_update({"message": msg})

    def send_text(
        self,
        text: str,
        chat_id: int | None = None,
        *,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
        username: str | None = "tester",
        first_name: str | None = "Test",
        title: str | None = None,
        language_code: str | None = "en",
        reply_to_message: Any = None,
        entities: list[dict[str, Any]] | None = None,
        mention_bot: bool = False,
        anonymous_admin: bool = False,
    ) -> dict[str, Any]:
        """A user writes ``text``. Returns the queued update (``update["message"]``).

        ``chat_id`` defaults to ``user_id`` for private chats and to :data:`DEFAULT_GROUP_ID` /
        :data:`DEFAULT_SUPERGROUP_ID` for groups. Without ``entities`` they are detected like
        Telegram does (bot_command, mention, url; UTF-16 offsets). ``mention_bot`` prefixes
        ``@<bot username>`` (a mention entity) unless the text already mentions the bot.
        ``reply_to_message`` is any message reference (see :meth:`press_button`).
        ``anonymous_admin`` posts as the group itself, as Telegram shows an anonymous admin:
        ``sender_chat`` is the chat and ``from`` is @GroupAnonymousBot.
        """
        if mention_bot and f"@{self.username}".lower() not in text.lower():
            text = f"@{self.username} {text}"
        content: dict[str, Any] = {"text": text}
        found = detect_entities(text) if entities is None else entities
        if found:
            content["entities"] = found
        if anonymous_admin:
            content[_AS_CHAT] = True
            user_id, username, first_name = ANONYMOUS_ADMIN_ID, "GroupAnonymousBot", "Group"
        return self._incoming(
            content,
            chat_id=chat_id,
            user_id=user_id,
            chat_type=chat_type,
            username=username,
            first_name=first_name,
            title=title,
            reply_to_message=reply_to_message,
            language_code=language_code,
        )

    def send_command(
        self,
        command: str,
        args: str = "",
        chat_id: int | None = None,
        *,
        addressed: bool | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """A user sends ``/command args`` (a bot_command entity at offset 0).

        ``addressed`` appends ``@<bot username>`` (default: only in groups)."""
        chat_type = kwargs.get("chat_type", "private")
        if addressed is None:
            addressed = chat_type != "private"
        text = "/" + command.lstrip("/")
        if addressed:
            text += f"@{self.username}"
        if args:
            text += f" {args}"
        return self.send_text(text, chat_id, **kwargs)

    def _who(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        base = {
            "chat_id": None,
            "user_id": DEFAULT_USER_ID,
            "chat_type": "private",
            "username": "tester",
            "first_name": "Test",
            "title": None,
            "reply_to_message": None,
        }
        unknown = set(kwargs) - set(base)
        if unknown:
            raise TypeError(f"unexpected arguments: {sorted(unknown)}")
        base.update(kwargs)
        return base

    def _file_ids(self, kind: str) -> tuple[str, str]:
        n = next(self._query_ids)
        return f"{kind}-file-{n}", f"{kind}-uniq-{n}"

    def send_sticker(self, emoji: str = "👍", **who: Any) -> dict[str, Any]:
        """A user sends a sticker. ``who``: chat_id, user_id, chat_type, username, ..."""
        file_id, unique = self._file_ids("sticker")
        sticker = {
            "file_id": file_id,
            "file_unique_id": unique,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "TestStickers",
            "file_size": 24_000,
        }
        return self._incoming({"sticker": sticker}, **self._who(who))

    def send_photo(self, caption: str | None = None, **who: Any) -> dict[str, Any]:
        """A user sends a photo (three PhotoSize entries, like Telegram)."""
        file_id, unique = self._file_ids("photo")
        sizes = [
            {
                "file_id": f"{file_id}-{w}",
                "file_unique_id": f"{unique}-{w}",
                "width": w,
                "height": w * 3 // 4,
                "file_size": w * 90,
            }
            for w in (90, 320, 1280)
        ]
        content: dict[str, Any] = {"photo": sizes}
        if caption:
            content["caption"] = caption
            found = detect_entities(caption)
            if found:
                content["caption_entities"] = found
        return self._incoming(content, **self._who(who))

    def send_location(
        self, latitude: float = 51.1282, longitude: float = 71.4304, **who: Any
    ) -> dict[str, Any]:
        """A user shares a location (default: Astana)."""
        return self._incoming(
            {"location": {"latitude": latitude, "longitude": longitude}}, **self._who(who)
        )

    def send_voice(self, duration: int = 3, **who: Any) -> dict[str, Any]:
        """A user sends a voice note."""
        file_id, unique = self._file_ids("voice")
        voice = {
            "file_id": file_id,
            "file_unique_id": unique,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": 4_000 * duration,
        }
        return self._incoming({"voice": voice}, **self._who(who))

    def edit_text(
        self, message: Any, text: str, *, entities: list[dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        """A user edits one of their earlier messages: queues an ``edited_message`` update."""
        with self._cond:
            ref = self._message_ref(message)
            original = self._messages.get(ref)
            if original is None:
                raise ValueError(f"message {ref} is not known to the server")
            if original["from"].get("is_bot"):
                raise ValueError("edit_text edits a user's message; bots edit via editMessageText")
            edited = {**original, "text": text, "edit_date": int(time.time())}
            found = detect_entities(text) if entities is None else entities
            edited.pop("entities", None)
            if found:
                edited["entities"] = found
            self._messages[ref] = edited
            return self.push_update({"edited_message": edited})

    def press_button(
        self,
        message: Any,
        data: str | None = None,
        *,
        text: str | None = None,
        user_id: int | None = None,
        strict: bool = True,
    ) -> dict[str, Any]:
        """A user taps an inline button on a message the bot sent; queues a callback_query.

        ``message`` may be a :meth:`sent_messages`/:meth:`wait_for_message` entry, a Message
        JSON dict, an update dict, a ``telegram.Message`` or a ``(chat_id, message_id)`` pair.
        Choose the button by ``data`` or by its label ``text``. With ``strict`` the button must
        exist on the message's *current* keyboard, like in a real client.
        """
        with self._cond:
            ref = self._message_ref(message)
            stored = self._messages.get(ref)
            if stored is None:
                raise ValueError(f"message {ref} is not known to the server")
            buttons = [
                b for row in stored.get("reply_markup", {}).get("inline_keyboard", []) for b in row
            ]
            if text is not None:
                matching = [b for b in buttons if b.get("text") == text]
                if not matching or "callback_data" not in matching[0]:
                    raise ValueError(f"no callback button labelled {text!r} on message {ref}")
                data = matching[0]["callback_data"]
            if data is None:
                raise ValueError("press_button needs data= or text=")
            if strict and data not in [b.get("callback_data") for b in buttons]:
                offered = [b.get("callback_data") for b in buttons]
                raise ValueError(f"message {ref} has no button with data {data!r}; has {offered}")
            chat = stored["chat"]
            if user_id is None:
                user_id = chat["id"] if chat["type"] == "private" else DEFAULT_USER_ID
            user = self._users.get(user_id) or self._user(user_id)
            query_id = str(next(self._query_ids))
            self._callback_queries[query_id] = None
            query = {
                "id": query_id,
                "from": user,
                "message": stored,
                "chat_instance": str(7_000_000_000_000_000_000 + abs(chat["id"])),
                "data": data,
            }
            return self.push_update({"callback_query": query})

    def inline_query(
        self,
        query: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        offset: str = "",
        chat_type: str | None = "sender",
        username: str | None = "tester",
        language_code: str | None = "en",
    ) -> dict[str, Any]:
        """A user types ``@bot query`` in some chat; queues an inline_query update."""
        with self._cond:
            user = self._user(user_id, username, language_code=language_code)
            query_id = str(next(self._query_ids))
            self._inline_queries[query_id] = None
            body: dict[str, Any] = {"id": query_id, "from": user, "query": query, "offset": offset}
            if chat_type:
                body["chat_type"] = chat_type
            return self.push_update({"inline_query": body})

    def _message_ref(self, message: Any, chat_id: int | None = None) -> tuple[int, int]:
        if isinstance(message, int) and not isinstance(message, bool):
            if chat_id is None:
                raise TypeError("a bare message_id needs the chat_id")
            return chat_id, message
        if isinstance(message, tuple) and len(message) == 2:
            return int(message[0]), int(message[1])
        if isinstance(message, dict):
            if "update_id" in message:
                for key in ("message", "edited_message", "channel_post"):
                    if key in message:
                        return self._message_ref(message[key])
                if "callback_query" in message:
                    return self._message_ref(message["callback_query"]["message"])
            if "message_id" in message and "chat" in message:
                return int(message["chat"]["id"]), int(message["message_id"])
            if "message_id" in message and "chat_id" in message:
                return int(message["chat_id"]), int(message["message_id"])
        if hasattr(message, "chat_id") and hasattr(message, "message_id"):
            return int(message.chat_id), int(message.message_id)
        raise TypeError(f"cannot tell which message {message!r} is")

    # ---------------------------------------------------------------- request handling

    def _take_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id[chat_id]
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _canonical(self, name: str) -> str:
        entry = self._methods.get(name.lower())
        return entry[0] if entry else name

    def _record(self, call: Call) -> None:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()

    def _serve_http(
        self,
        http_method: str,
        raw_path: str,
        content_type: str,
        body: bytes,
        at: float | None = None,
    ) -> _Reply:
        """Turn one HTTP request into a reply (taking effect ``at``, default now). Runs on
        the connection's thread."""
        at = time.monotonic() if at is None else at
        split = urlsplit(raw_path)
        match = _PATH_RE.fullmatch(split.path)
        meta = {"at": at, "http_method": http_method, "content_type": content_type}
        error: ApiError | None = None
        params: dict[str, Any] = {}
        files: dict[str, Any] = {}
        if not match:
            method, token = split.path, self.token
            error = ApiError(404, "Not Found")
        else:
            token, name = match.groups()
            method = self._canonical(name)
            try:
                params, files = parse_request(split.query, content_type, body)
            except ValueError as exc:
                error = _bad_request(f"can't parse request body: {exc}")
        if error is None and token != self.token:
            error = ApiError(401, "Unauthorized")
        ctx = _Ctx(method=method, at=at, files=files)
        reply = _Reply(200, b"")
        result: Any = None
        with self._cond:
            fault = self._take_fault(method) if error is None else None
            if fault is not None:
                self._log_fault(ctx, fault.kind, status=fault.status, seconds=fault.seconds)
                if fault.kind == "delay":
                    reply.delay = fault.seconds
                elif fault.kind == "disconnect":
                    reply.disconnect = True
                    error = ApiError(0, "connection dropped (injected)")
                elif fault.kind == "rate_limit":
                    n = fault.retry_after
                    error = ApiError(429, f"Too Many Requests: retry after {n}", {"retry_after": n})
                else:
                    error = ApiError(fault.status, fault.description or "Error")
                    if fault.body is not None:
                        reply.body = fault.body.encode("utf-8")
            if error is None:
                entry = self._methods.get(method.lower())
                try:
                    if entry is None:
                        raise ApiError(404, "Not Found")
                    result = entry[1](self, params, ctx)
                except ApiError as exc:
                    error = exc
                except Exception as exc:  # a bug in a handler: say so instead of hanging up
                    ctx.fault = "handler_crash"
                    error = ApiError(500, f"Internal Server Error: FakeBotAPI {method}: {exc!r}")
            if error is None:
                reply.body = _dump({"ok": True, "result": result})
            else:
                reply.status = error.code
                if not reply.body:
                    reply.body = _dump(error.payload())
            self._record(
                Call(
                    method,
                    params,
                    status=reply.status,
                    result=result if error is None else None,
                    description=None if error is None else error.description,
                    fault=ctx.fault,
                    **meta,
                )
            )
        return reply

    # ---------------------------------------------------------------- helpers for handlers

    def _resolve_chat(self, ctx: _Ctx, ref: Any) -> dict[str, Any]:
        """chat_id parameter -> chat object, applying blocked/gone scripting."""
        if ref is None or ref == "":
            raise _bad_request("chat_id is empty")
        chat_id: int | None = None
        if isinstance(ref, str):
            if re.fullmatch(r"-?\d+", ref):
                chat_id = int(ref)
            else:
                name = ref.removeprefix("@").lower()
                for chat in self._chats.values():
                    if str(chat.get("username", "")).lower() == name:
                        chat_id = chat["id"]
                        break
        elif isinstance(ref, int) and not isinstance(ref, bool):
            chat_id = ref
        if chat_id is None:
            raise _bad_request("chat not found")
        if chat_id in self._migrated:
            new = self._migrated[chat_id]
            self._log_fault(ctx, "migrated", status=400, chat_id=chat_id, migrate_to_chat_id=new)
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": new},
            )
        if chat_id in self._gone:
            self._log_fault(ctx, "gone", status=400, chat_id=chat_id)
            raise _bad_request("chat not found")
        chat = self._chats.get(chat_id)
        if chat_id in self._blocked:
            self._log_fault(ctx, "blocked", status=403, chat_id=chat_id)
            if chat_id > 0:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            raise ApiError(403, "Forbidden: bot was kicked from the group chat")
        if chat is None:
            if not self.auto_create_chats:
                raise _bad_request("chat not found")
            if chat_id > 0:
                chat = {"id": chat_id, "type": "private", "first_name": f"User{chat_id}"}
            elif str(chat_id).startswith("-100"):
                chat = {"id": chat_id, "type": "supergroup", "title": f"Supergroup {chat_id}"}
            else:
                chat = {"id": chat_id, "type": "group", "title": f"Group {chat_id}"}
            self._chats[chat_id] = chat
        return chat

    def _render_text(
        self, text: Any, parse_mode: Any, entities: Any, *, limit: int, kind: str
    ) -> tuple[str, list[dict[str, Any]]]:
        """Validate text/caption like Telegram; return displayed text and entities."""
        if not isinstance(text, str) or not text.strip():
            raise _bad_request("message text is empty" if kind == "text" else "caption is empty")
        plain, found = text, []
        if isinstance(entities, list) and entities:
            found = entities
        elif parse_mode:
            mode = str(parse_mode).lower()
            if mode == "html":
                plain, found = parse_html(text, strict_ampersand=self.strict_html_ampersand)
            elif mode == "markdownv2":
                plain = check_markdown_v2(text)
            elif mode != "markdown":
                raise _bad_request("unsupported parse_mode")
        if not plain.strip():
            raise _bad_request("text must be non-empty")
        if utf16_len(plain) > limit:  # the stricter reading: an emoji counts 2, as in offsets
            raise _bad_request(
                "message is too long" if kind == "text" else "message caption is too long"
            )
        return plain, found

    def _reply_target(self, chat: dict[str, Any], params: dict[str, Any]) -> dict[str, Any] | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id, allow = reply.get("message_id"), reply.get("allow_sending_without_reply")
            target_chat = reply.get("chat_id", chat["id"])
        elif params.get("reply_to_message_id") is not None:
            message_id = params["reply_to_message_id"]
            allow = params.get("allow_sending_without_reply")
            target_chat = chat["id"]
        else:
            return None
        original = self._messages.get((_as_int(target_chat, chat["id"]), _as_int(message_id, 0)))
        if original is None:
            if allow:
                return None
            raise _bad_request("message to be replied not found")
        return _without_reply(original)

    def _store_bot_message(
        self,
        ctx: _Ctx,
        chat: dict[str, Any],
        content: dict[str, Any],
        params: dict[str, Any],
    ) -> dict[str, Any]:
        markup = params.get("reply_markup")
        _check_reply_markup(markup)
        reply_to = self._reply_target(chat, params)
        self._check_rate(ctx, chat["id"])
        message_id = self._take_message_id(chat["id"])
        msg: dict[str, Any] = {
            "message_id": message_id,
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
        }
        if reply_to is not None:
            msg["reply_to_message"] = reply_to
        msg.update(content)
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            msg["reply_markup"] = markup  # Message.reply_markup only ever holds inline keyboards
        self._messages[(chat["id"], message_id)] = msg
        return msg

    def _note_sent(self, ctx: _Ctx, msg: dict[str, Any], params: dict[str, Any]) -> None:
        chat_id = msg["chat"]["id"]
        self._sent_counts[chat_id] += 1
        self._sent_times[chat_id].append(ctx.at)
        self._all_sent_times.append(ctx.at)
        self._to_outbox(ctx, msg, params)

    def _to_outbox(self, ctx: _Ctx, msg: dict[str, Any], params: dict[str, Any]) -> None:
        self._outbox.append(
            {
                "method": ctx.method,
                "chat_id": msg["chat"]["id"],
                "message_id": msg["message_id"],
                "text": params.get("text", params.get("caption", msg.get("text"))),
                "plain_text": msg.get("text", msg.get("caption")),
                "parse_mode": params.get("parse_mode"),
                "entities": msg.get("entities", []),
                "reply_markup": params.get("reply_markup"),
                "date": msg.get("edit_date", msg["date"]),
                "at": ctx.at,
                "params": params,
            }
        )

    def _editable(self, ctx: _Ctx, params: dict[str, Any]) -> tuple[int, int, dict[str, Any]]:
        chat = self._resolve_chat(ctx, params.get("chat_id"))
        key = (chat["id"], _as_int(params.get("message_id"), 0))
        msg = self._messages.get(key)
        if msg is None:
            raise _bad_request("message to edit not found")
        if not msg["from"].get("is_bot"):
            raise _bad_request("message can't be edited")
        return key[0], key[1], msg


def _without_reply(message: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in message.items() if k != "reply_to_message"}


def _as_int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
    scope = scope if isinstance(scope, dict) and scope else {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(language_code or "")


def _dump(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --------------------------------------------------------------------------------------------
# Method handlers: (server, params, ctx) -> result, run under the server lock
# --------------------------------------------------------------------------------------------


def _m_get_me(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    return {
        **s.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": True,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def _m_get_updates(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    """Long polling: confirm by offset, return <= limit updates, else wait (bounded)."""
    if s._webhook.get("url"):
        raise ApiError(409, _CONFLICT_WEBHOOK)
    offset = _as_int(p.get("offset"), 0)
    limit = min(100, max(1, _as_int(p.get("limit"), 100)))
    try:
        timeout = max(0.0, float(p.get("timeout") or 0))
    except (TypeError, ValueError):
        timeout = 0.0
    if "allowed_updates" in p:
        allowed = p["allowed_updates"]
        s._allowed_updates = set(allowed) if isinstance(allowed, list) and allowed else None
    # A newer getUpdates terminates an older one still waiting (Telegram answers it 409).
    s._poll_generation += 1
    generation = s._poll_generation
    s._cond.notify_all()
    if offset > 0:
        while s._updates and s._updates[0]["update_id"] < offset:
            s._updates.popleft()
    elif offset < 0:
        while len(s._updates) > -offset:
            s._updates.popleft()
    s._cond.notify_all()
    deadline = ctx.at + min(timeout, s.max_long_poll)
    s._waiting_polls += 1
    try:
        while True:
            batch = _allowed_batch(s, limit)
            if batch or s._stopping:
                return batch
            if s._poll_generation != generation:
                raise ApiError(409, _CONFLICT_OTHER_POLL)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            s._cond.wait(remaining)
    finally:
        s._waiting_polls -= 1


def _allowed_batch(s: FakeBotAPI, limit: int) -> list[dict[str, Any]]:
    allowed = s._allowed_updates
    kept: collections.deque[dict[str, Any]] = collections.deque()
    for update in s._updates:
        kind = next((k for k in update if k != "update_id"), "")
        if (kind in allowed) if allowed is not None else (kind not in _DEFAULT_EXCLUDED_UPDATES):
            kept.append(update)
    s._updates = kept  # Telegram drops update types the bot did not ask for
    return list(itertools.islice(kept, limit))


def _m_set_webhook(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    url = p.get("url") or ""
    if url and not str(url).startswith("https://"):
        raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if p.get("drop_pending_updates"):
        s._updates.clear()
    s._webhook = {"url": url, **{k: p[k] for k in ("max_connections", "ip_address") if k in p}}
    if "allowed_updates" in p:
        s._webhook["allowed_updates"] = p["allowed_updates"]
    s._poll_generation += 1  # a waiting long poll is cut off, as on Telegram
    s._cond.notify_all()
    return True


def _m_delete_webhook(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    if p.get("drop_pending_updates"):
        s._updates.clear()
    s._webhook = {}
    return True


def _m_get_webhook_info(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    info = {
        "url": s._webhook.get("url", ""),
        "has_custom_certificate": False,
        "pending_update_count": len(s._updates),
    }
    if info["url"]:
        info["max_connections"] = s._webhook.get("max_connections", 40)
        for key in ("ip_address", "allowed_updates"):
            if key in s._webhook:
                info[key] = s._webhook[key]
    return info


_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


def _m_set_my_commands(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    commands = p.get("commands")
    if not isinstance(commands, list):
        raise _bad_request('parameter "commands" can\'t be parsed')
    if len(commands) > 100:
        raise _bad_request("too many commands")
    for cmd in commands:
        if not isinstance(cmd, dict) or not _COMMAND_RE.fullmatch(str(cmd.get("command", ""))):
            raise _bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(cmd.get("description", ""))) <= 256:
            raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    key = _commands_key(p.get("scope"), p.get("language_code"))
    s._commands[key] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


def _m_get_my_commands(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    return list(s._commands.get(_commands_key(p.get("scope"), p.get("language_code")), []))


def _m_delete_my_commands(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    s._commands.pop(_commands_key(p.get("scope"), p.get("language_code")), None)
    return True


_DESCRIPTION_LIMITS = {"description": 512, "short_description": 120}


def _description_kind(short: bool) -> str:
    return "short_description" if short else "description"


def _check_language_code(code: Any) -> str:
    code = str(code or "")
    if code and not re.fullmatch(r"[a-z]{2}", code):
        raise _bad_request("language code is invalid")
    return code


def _setter(kind: str) -> Handler:
    def set_text(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
        text = str(p.get(kind) or "")
        if len(text) > _DESCRIPTION_LIMITS[kind]:
            raise _bad_request(f"{kind} is too long")
        code = _check_language_code(p.get("language_code"))
        if text:
            s._descriptions[(kind, code)] = text
        else:
            s._descriptions.pop((kind, code), None)
        return True

    return set_text


def _getter(kind: str) -> Handler:
    def get_text(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
        code = _check_language_code(p.get("language_code"))
        return {kind: s._descriptions.get((kind, code), "")}

    return get_text


def _m_send_message(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    chat = s._resolve_chat(ctx, p.get("chat_id"))
    plain, entities = s._render_text(
        p.get("text"), p.get("parse_mode"), p.get("entities"), limit=MAX_TEXT_LENGTH, kind="text"
    )
    content: dict[str, Any] = {"text": plain}
    if entities:
        content["entities"] = entities
    msg = s._store_bot_message(ctx, chat, content, p)
    s._note_sent(ctx, msg, p)
    return msg


def _media_caption(s: FakeBotAPI, p: dict[str, Any]) -> dict[str, Any]:
    if p.get("caption") in (None, ""):
        return {}
    plain, entities = s._render_text(
        p["caption"],
        p.get("parse_mode"),
        p.get("caption_entities"),
        limit=MAX_CAPTION_LENGTH,
        kind="caption",
    )
    return {"caption": plain, **({"caption_entities": entities} if entities else {})}


def _upload_info(value: Any, kind: str, s: FakeBotAPI) -> tuple[str, str, int, str | None]:
    file_id, unique = s._file_ids(kind)
    if isinstance(value, dict):  # an uploaded file part
        return file_id, unique, int(value.get("size", 0)), value.get("filename")
    if isinstance(value, str) and value:
        return (value if not value.startswith("http") else file_id), unique, 0, None
    raise _bad_request(f"there is no {kind} in the request")


def _m_send_document(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    chat = s._resolve_chat(ctx, p.get("chat_id"))
    file_id, unique, size, filename = _upload_info(p.get("document"), "document", s)
    document: dict[str, Any] = {"file_id": file_id, "file_unique_id": unique}
    if filename:
        document["file_name"] = filename
    if size:
        document["file_size"] = size
    msg = s._store_bot_message(ctx, chat, {"document": document, **_media_caption(s, p)}, p)
    s._note_sent(ctx, msg, p)
    return msg


def _m_send_photo(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    chat = s._resolve_chat(ctx, p.get("chat_id"))
    file_id, unique, size, _ = _upload_info(p.get("photo"), "photo", s)
    photo = [{"file_id": file_id, "file_unique_id": unique, "width": 1280, "height": 960}]
    if size:
        photo[0]["file_size"] = size
    msg = s._store_bot_message(ctx, chat, {"photo": photo, **_media_caption(s, p)}, p)
    s._note_sent(ctx, msg, p)
    return msg


def _m_send_location(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    chat = s._resolve_chat(ctx, p.get("chat_id"))
    try:
        location = {"latitude": float(p["latitude"]), "longitude": float(p["longitude"])}
    except (KeyError, TypeError, ValueError):
        raise _bad_request("wrong latitude or longitude specified") from None
    msg = s._store_bot_message(ctx, chat, {"location": location}, p)
    s._note_sent(ctx, msg, p)
    return msg


def _m_edit_message_text(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    plain, entities = s._render_text(
        p.get("text"), p.get("parse_mode"), p.get("entities"), limit=MAX_TEXT_LENGTH, kind="text"
    )
    markup = p.get("reply_markup")
    _check_reply_markup(markup)
    if p.get("inline_message_id"):
        return True
    chat_id, message_id, msg = s._editable(ctx, p)
    new_markup = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
    if (
        msg.get("text") == plain
        and msg.get("entities", []) == entities
        and msg.get("reply_markup") == new_markup
    ):
        raise _bad_request(_NOT_MODIFIED)
    # Copy-on-write: a dict once returned or queued is never mutated.
    edited = {
        k: v for k, v in msg.items() if k not in ("text", "entities", "reply_markup", "edit_date")
    }
    edited["text"] = plain
    if entities:
        edited["entities"] = entities
    if new_markup is not None:  # editing without reply_markup removes the keyboard
        edited["reply_markup"] = new_markup
    edited["edit_date"] = int(time.time())
    s._messages[(chat_id, message_id)] = edited
    s._to_outbox(ctx, edited, p)
    return edited


def _m_edit_message_reply_markup(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    markup = p.get("reply_markup")
    _check_reply_markup(markup)
    if p.get("inline_message_id"):
        return True
    chat_id, message_id, msg = s._editable(ctx, p)
    new_markup = markup if isinstance(markup, dict) and markup.get("inline_keyboard") else None
    if msg.get("reply_markup") == new_markup:
        raise _bad_request(_NOT_MODIFIED)
    edited = {k: v for k, v in msg.items() if k not in ("reply_markup", "edit_date")}
    if new_markup is not None:
        edited["reply_markup"] = new_markup
    edited["edit_date"] = int(time.time())
    s._messages[(chat_id, message_id)] = edited
    s._to_outbox(ctx, edited, p)
    return edited


def _m_delete_message(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    chat = s._resolve_chat(ctx, p.get("chat_id"))
    key = (chat["id"], _as_int(p.get("message_id"), 0))
    if s._messages.pop(key, None) is None:
        raise _bad_request("message to delete not found")
    return True


def _m_answer_callback_query(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    query_id = str(p.get("callback_query_id", ""))
    if query_id not in s._callback_queries or s._callback_queries[query_id] is not None:
        raise _bad_request(_QUERY_TOO_OLD)
    s._callback_queries[query_id] = dict(p)
    return True


def _m_answer_inline_query(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    query_id = str(p.get("inline_query_id", ""))
    if query_id not in s._inline_queries or s._inline_queries[query_id] is not None:
        raise _bad_request(_QUERY_TOO_OLD)
    results = p.get("results")
    if not isinstance(results, list):
        raise _bad_request('parameter "results" can\'t be parsed')
    if len(results) > MAX_INLINE_RESULTS:
        raise _bad_request("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        if not isinstance(result, dict) or "type" not in result:
            raise _bad_request("RESULT_TYPE_INVALID")
        result_id = str(result.get("id", ""))
        if not 1 <= len(result_id.encode("utf-8")) <= 64:
            raise _bad_request("RESULT_ID_INVALID")
        if result_id in seen:
            raise _bad_request("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        _check_reply_markup(result.get("reply_markup"))
        content = result.get("input_message_content")
        if isinstance(content, dict) and "message_text" in content:
            s._render_text(
                content["message_text"],
                content.get("parse_mode"),
                content.get("entities"),
                limit=MAX_TEXT_LENGTH,
                kind="text",
            )
    s._inline_queries[query_id] = dict(p)
    return True


def _m_send_chat_action(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    s._resolve_chat(ctx, p.get("chat_id"))
    if p.get("action") not in _CHAT_ACTIONS:
        raise _bad_request("wrong parameter action in request")
    return True


_ADMIN_RIGHTS = (
    "can_be_edited",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)


def _m_get_chat_member(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    """A ChatMember: ``creator``/``administrator`` as set with ``set_chat_admins``, else
    ``member`` (in a private chat, its user is a member of it)."""
    chat = s._resolve_chat(ctx, p.get("chat_id"))
    user_id = _as_int(p.get("user_id"), 0)
    if user_id <= 0:
        raise _bad_request("invalid user_id specified")
    user = s._users.get(user_id) or {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
    role = s._chat_roles.get(chat["id"], {}).get(user_id, "member")
    if role == "creator":
        return {"status": "creator", "user": user, "is_anonymous": False}
    if role == "administrator":
        rights = dict.fromkeys(_ADMIN_RIGHTS, True)
        return {"status": "administrator", "user": user, "is_anonymous": False, **rights}
    return {"status": "member", "user": user}


def _m_set_chat_menu_button(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    chat_id = None
    if p.get("chat_id") is not None:
        chat_id = s._resolve_chat(ctx, p["chat_id"])["id"]
    button = p.get("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("commands", "web_app", "default"):
        raise _bad_request("can't parse menu button")
    s._menu_buttons[chat_id] = button
    return True


def _m_get_chat_menu_button(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    chat_id = None
    if p.get("chat_id") is not None:
        chat_id = s._resolve_chat(ctx, p["chat_id"])["id"]
    button = s._menu_buttons.get(chat_id) or s._menu_buttons.get(None) or {"type": "commands"}
    return button if button.get("type") != "default" else {"type": "commands"}


def _m_true(s: FakeBotAPI, p: dict[str, Any], ctx: _Ctx) -> Any:
    return True


_BUILTIN_METHODS: dict[str, Handler] = {
    "getMe": _m_get_me,
    "getUpdates": _m_get_updates,
    "setWebhook": _m_set_webhook,
    "deleteWebhook": _m_delete_webhook,
    "getWebhookInfo": _m_get_webhook_info,
    "setMyCommands": _m_set_my_commands,
    "getMyCommands": _m_get_my_commands,
    "deleteMyCommands": _m_delete_my_commands,
    "setMyDescription": _setter("description"),
    "getMyDescription": _getter("description"),
    "setMyShortDescription": _setter("short_description"),
    "getMyShortDescription": _getter("short_description"),
    "sendMessage": _m_send_message,
    "sendDocument": _m_send_document,
    "sendPhoto": _m_send_photo,
    "sendLocation": _m_send_location,
    "editMessageText": _m_edit_message_text,
    "editMessageReplyMarkup": _m_edit_message_reply_markup,
    "deleteMessage": _m_delete_message,
    "answerCallbackQuery": _m_answer_callback_query,
    "answerInlineQuery": _m_answer_inline_query,
    "sendChatAction": _m_send_chat_action,
    "getChatMember": _m_get_chat_member,
    "setChatMenuButton": _m_set_chat_menu_button,
    "getChatMenuButton": _m_get_chat_menu_button,
    "logOut": _m_true,
    "close": _m_true,
}


# --------------------------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------------------------


class _HTTPServer(http.server.ThreadingHTTPServer):
    """Thread-per-connection server that can close its live connections on stop."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 512  # a burst of 50+ connects must not overflow the listen backlog

    def __init__(self, address: tuple[str, int], fake: FakeBotAPI) -> None:
        self.fake = fake
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _RequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), a reverse DNS lookup that can stall.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]  # type: ignore[assignment]

    def track(self, connection: socket.socket, alive: bool) -> None:
        with self._connections_lock:
            if alive:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def close_all_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients (PTB cancelling a long poll, timeouts) hang up all the time; that's normal.
        pass


class _RequestHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeBotAPI/1.0"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = 120  # idle keep-alive connections; stop() closes them anyway
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep pytest output clean; the server records calls instead

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        fake = self.server.fake
        try:
            body = self._read_body()
        except (OSError, ValueError):
            self.close_connection = True
            return
        half_trip = fake.latency / 2
        at = None
        if half_trip > 0:  # the request travelling to "Telegram"
            # It arrives exactly half a round trip after it was sent: the thread's wake-up
            # (late by the GIL and the machine's load) is not part of a fixed round trip.
            at = time.monotonic() + half_trip
            fake._stop_event.wait(half_trip)
        reply = fake._serve_http(
            self.command, self.path, self.headers.get("Content-Type", ""), body, at
        )
        if reply.delay + half_trip > 0:  # held back, then the answer travelling back
            fake._stop_event.wait(reply.delay + half_trip)
        if reply.disconnect:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        phrase = _HTTP_PHRASES.get(reply.status, "Unknown")
        head = (
            f"HTTP/1.1 {reply.status} {phrase}\r\n"
            f"Server: {self.server_version}\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(reply.body)}\r\n"
        )
        if self.close_connection:
            head += "Connection: close\r\n"
        try:
            self.wfile.write(head.encode("latin-1") + b"\r\n" + reply.body)
        except OSError:  # the client gave up (timeout, cancelled long poll)
            self.close_connection = True


# --------------------------------------------------------------------------------------------
# python-telegram-bot conveniences (telegram is imported lazily: the server is stdlib-only)
# --------------------------------------------------------------------------------------------


def application_builder(
    server: FakeBotAPI,
    *,
    read_timeout: float = 2.0,
    get_updates_read_timeout: float = 1.0,
    connection_pool_size: int = 64,
) -> Any:
    """An ``ApplicationBuilder`` wired to ``server`` with test-sized timeouts.

    httpx is told to ignore ``HTTP(S)_PROXY``/``ALL_PROXY`` (``trust_env=False``) so traffic
    always reaches 127.0.0.1 directly. Add handlers/options and call ``.build()``.
    """
    from telegram.ext import ApplicationBuilder
    from telegram.request import HTTPXRequest

    no_env = {"trust_env": False}
    return (
        ApplicationBuilder()
        .token(server.token)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .request(
            HTTPXRequest(
                connection_pool_size=connection_pool_size,
                read_timeout=read_timeout,
                httpx_kwargs=no_env,
            )
        )
        .get_updates_request(
            HTTPXRequest(read_timeout=get_updates_read_timeout, httpx_kwargs=no_env)
        )
    )


@contextlib.asynccontextmanager
async def running(
    application: Any,
    *,
    poll_timeout: float = 1.0,
    drop_pending_updates: bool = False,
    allowed_updates: Iterable[str] | None = None,
) -> AsyncIterator[Any]:
    """Initialise, start and poll ``application``; stop and shut it down on exit.

    ``poll_timeout`` is the getUpdates long-poll ``timeout``; stopping does not wait for it
    (PTB cancels the in-flight poll and sends a final ``getUpdates`` with ``timeout=0`` to
    confirm what it fetched).
    """
    async with application:
        await application.start()
        await application.updater.start_polling(
            poll_interval=0.0,
            timeout=poll_timeout,
            drop_pending_updates=drop_pending_updates,
            allowed_updates=list(allowed_updates) if allowed_updates is not None else None,
        )
        try:
            yield application
        finally:
            if application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
