"""The way around without typing: the Topics menu and the rest of a long answer.

Every answer's keyboard has "Topics" (``t:all``): a new message with one button per group
of the record's menu (``knowledge/visit.yaml`` ``menu``); a group (``t:g.<id>``) turns the
menu into that group's questions, "back" (``t:back``) into the groups again, and "Start"
(``t:start``) into the welcome with the example questions, so no button path ends. A long
answer's "More" (``p:m.<n>``) sends its next page with the answer's buttons, which leave the
page before. Each action has its own handler (``pattern=``), before the general one.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler

from bot.keyboards import MENU_BACK, MENU_ROOT, MENU_START, PAGE, TOPICS, remembered
from handlers.common import (
    EXPIRED,
    CallbackCtx,
    Rest,
    answer_press,
    button_memory,
    reply_to,
    send_page,
    services,
    speech_for,
    state_of,
)
from handlers.views import View, topics_group, topics_menu, welcome

log = logging.getLogger(__name__)

TOPICS_PATTERN = rf"^{TOPICS}:"
PAGE_PATTERN = rf"^{PAGE}:"


def _view(update: Update, context: CallbackCtx, data: str) -> View | None:
    brain = services(context).brain
    speech = speech_for(update, context)
    if data in (MENU_ROOT, MENU_BACK):
        return topics_menu(brain, speech)
    if data == MENU_START:
        user = update.effective_user
        return welcome(speech, user.first_name if user else None)
    group = data.removeprefix(f"{TOPICS}:g.")
    return topics_group(brain, speech, group) if group != data else None


async def topics_pressed(update: Update, context: CallbackCtx) -> None:
    """ "Topics" under an answer opens the menu in a message of its own; the menu's own
    buttons (a group, back, start) turn that message into the next view."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return
    message = query.message
    view = _view(update, context, query.data or "")
    if view is None:
        await answer_press(context, query, speech_for(update, context).text(EXPIRED))
        return
    await answer_press(context, query)
    if query.data != MENU_ROOT:  # a button of the menu itself: the menu changes in place
        try:
            await message.edit_text(view.text, reply_markup=view.keyboard)
            return
        except BadRequest as error:  # too old to edit, or pressed twice: send it instead
            log.info("could not edit the topics menu: %s", error)
    await context.bot.send_message(
        message.chat_id,
        view.text,
        reply_markup=view.keyboard,
        reply_parameters=reply_to(message),
    )


async def page_pressed(update: Update, context: CallbackCtx) -> None:
    """ "More": the next page of the answer, with its buttons (they leave the page above)."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return
    message = query.message
    rest = remembered(query.data or "", PAGE, button_memory(context.chat_data))
    if not isinstance(rest, Rest) or not rest.pages:
        await answer_press(context, query, speech_for(update, context).text(EXPIRED))
        return
    await answer_press(context, query)
    async with state_of(context.bot_data).chat_lock(message.chat_id):
        try:
            await message.edit_reply_markup(None)
        except BadRequest as error:  # too old to edit: the next page still follows
            log.info("could not take the buttons off an answer's page: %s", error)
        await send_page(context, message.chat_id, rest)


def register(application: Any) -> None:
    """The Topics menu's and "More"'s buttons (before the general button handler)."""
    application.add_handler(CallbackQueryHandler(topics_pressed, pattern=TOPICS_PATTERN))
    application.add_handler(CallbackQueryHandler(page_pressed, pattern=PAGE_PATTERN))
