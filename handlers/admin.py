"""/stats for admins: how many questions were asked and which ones went unanswered.

Admins are the user ids in VISITBOT_ADMIN_IDS; anyone else is told the command is not for
them (it is not in the public menu).
"""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.questionlog import question_stats
from handlers.common import CallbackCtx, reply_to, services

NOT_ADMIN = "This command is for the bot's admins."


async def stats(update: Update, context: CallbackCtx) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None:
        return
    svc = services(context)
    reply = reply_to(message)
    if not svc.is_admin(user.id if user else None):
        await context.bot.send_message(message.chat_id, NOT_ADMIN, reply_parameters=reply)
        return
    found = question_stats(svc.db)
    lines = [
        "<b>Questions</b>",
        f"Asked: {found.asked}; answered: {found.answered} ({found.share_answered:.0%})",
    ]
    if found.top_unanswered:
        lines.append("\n<b>Most asked without an answer</b>")
        lines += [f"{n}\u00d7 {escape(q, quote=False)}" for q, n in found.top_unanswered]
    await context.bot.send_message(message.chat_id, "\n".join(lines), reply_parameters=reply)
