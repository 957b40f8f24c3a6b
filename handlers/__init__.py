"""Telegram handlers: thin translations between Telegram updates and the brain.

They are registered in one place, ``bot.application.build_application``.
"""
