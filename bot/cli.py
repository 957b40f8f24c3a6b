"""The ``visitbot`` command: ask, chat, kb (build, check, path, misses), eval, run, digest,
backup, doctor.

Telegram is imported only by the commands that talk to Telegram, and ``ask`` and ``chat``
read only the paths they need (bot.paths, not pydantic-settings), so ``visitbot ask`` starts
fast enough to be used in scripts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.paths import SettingsError

if TYPE_CHECKING:
    from bot.brain import Brain
    from bot.paths import HasPaths
    from bot.settings import Settings


LANG_HELP = (
    "the chat's language (en, ur, ur-Latn, ru, kk): replies to messages that do not tell "
    "their own language are in it"
)


def _brain(settings: HasPaths) -> Brain:
    from bot.brain import Brain

    brain = Brain.open(settings.store_path, settings.record_path, settings.language_path)
    if brain.warning:
        print(
            f"visitbot: warning: knowledge not rebuilt, using the last good store: {brain.warning}",
            file=sys.stderr,
        )
    return brain


def cmd_ask(args: argparse.Namespace, settings: HasPaths) -> int:
    from bot.brain import Context
    from bot.formatting import plain

    brain = _brain(settings)
    questions: Sequence[str]
    if args.question:
        questions = [" ".join(args.question)]
    else:
        questions = (line.rstrip("\n") for line in sys.stdin)  # type: ignore[assignment]
    out = sys.stdout
    for question in questions:
        if args.explain:
            out.write(brain.explain(question, Context()) + "\n")
            continue
        answer = brain.answer(question, Context(), args.lang)
        if args.json:
            out.write(json.dumps(answer.to_json(question), ensure_ascii=False) + "\n")
        elif args.question:
            out.write(plain(answer, brain.speeches.get(answer.lang, brain.speech)) + "\n")
        else:
            out.write(answer.text.replace("\n", " ") + "\n")
        out.flush()
    return 0


def cmd_chat(args: argparse.Namespace, settings: HasPaths) -> int:
    from bot.console import chat

    return chat(
        _brain(settings), json_lines=getattr(args, "json", False), lang=getattr(args, "lang", None)
    )


def cmd_kb(args: argparse.Namespace, settings: Settings) -> int:
    from knowledge.loading import KnowledgeError, load_files
    from knowledge.store import open_store

    try:
        if args.action == "check":
            from bot.curation import warnings

            knowledge = load_files(settings.record_path, settings.language_path)
            record = knowledge.record
            print(
                f"ok: {settings.record_path} ({len(record.askables())} topics, "
                f"{len(record.agreements.named)} named areas, every source sentence found in "
                f"{record.source_file})"
            )
            from bot.translations import missing_languages, problems

            wrong = problems(knowledge)
            for line in wrong:
                print(f"error: {line}")
            found = [*missing_languages(knowledge), *warnings(knowledge)]
            for line in found:
                print(f"warning: {line}")
            return 1 if wrong or (found and args.strict) else 0
        if args.action == "path":
            print(settings.store_path)
            return 0
        if args.action == "misses":
            return kb_misses(args, settings)
        store = open_store(
            settings.store_path, settings.record_path, settings.language_path, force=True
        )
        print(f"built {settings.store_path} from {settings.record_path}")
        store.close()
        return 0
    except KnowledgeError as err:
        print(f"visitbot: knowledge error: {err}", file=sys.stderr)
        print("visitbot: the last good store (if any) was left as it was", file=sys.stderr)
        return 1


def kb_misses(args: argparse.Namespace, settings: Settings) -> int:
    """The declined and 👎 questions of the log as a labelled file to complete (stdout, or
    ``--out``); it reads the store's logs only, so it never rebuilds the knowledge."""
    import datetime as dtm
    import sqlite3

    from bot.misses import find_misses, parse_since, skeleton
    from knowledge.storefile import describe, open_database

    now = dtm.datetime.now(dtm.UTC)
    try:
        since = parse_since(args.since, now)
    except ValueError as err:
        print(f"visitbot: {err}", file=sys.stderr)
        return 2
    if not settings.store_path.exists():
        print(f"visitbot: no store at {settings.store_path}: nothing asked yet", file=sys.stderr)
        return 1
    db, _ = open_database(settings.store_path)
    try:
        misses = find_misses(db, since)
    except sqlite3.Error as err:
        raise describe(settings.store_path, err) from None
    finally:
        db.close()
    text = skeleton(misses, since, now.date())
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {len(misses)} questions to {args.out}; complete them, then: visitbot "
              f"eval {args.out}", file=sys.stderr)  # fmt: skip
    else:
        sys.stdout.write(text)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.evaluation import evaluate_file, format_report

    report = evaluate_file(_brain(settings), Path(args.file))
    print(format_report(report, show_misses=not args.quiet))
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.application import run

    try:
        return run(
            settings,
            webhook_url=args.webhook_url,
            listen=args.listen,
            port=args.port,
            secret=args.secret or settings.secret,
        )
    except SettingsError as err:
        print(f"visitbot: {err}", file=sys.stderr)
        return 2


def cmd_digest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.digest_cli import digest_command

    return int(digest_command(args, settings))


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from bot.backup import backup_store

    done = backup_store(settings.store_path, Path(args.path))
    print(
        f"backed up {settings.store_path} to {done.path} "
        f"({done.size // 1024} KB, {done.tables} tables, integrity ok)"
    )
    return 0


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    from bot.doctor import run_checks

    checks = run_checks(settings)
    for check in checks:
        print(check.line())
    return 0 if all(c.ok for c in checks) else 1


def cmd_default(args: argparse.Namespace, settings: Settings) -> int:
    if settings.token:
        return cmd_run(
            argparse.Namespace(webhook_url=None, listen=None, port=None, secret=None), settings
        )
    print(
        "visitbot: no TELEGRAM_BOT_TOKEN set, starting the console chat "
        "(set it in the environment or .env to run the Telegram bot)",
        file=sys.stderr,
    )
    return cmd_chat(args, settings)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="visitbot",
        description="Answers questions about President Tokayev's visit to Islamabad, with sources.",
    )
    p.set_defaults(func=cmd_default)
    sub = p.add_subparsers(dest="command")

    ask = sub.add_parser("ask", help="answer a question (or one per line from stdin)")
    ask.add_argument("question", nargs="*", help="the question; none = read stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument(
        "--explain",
        action="store_true",
        help="show concepts, unknown words, the top topic scores and the rule that decided",
    )
    ask.add_argument("--lang", help=LANG_HELP)
    ask.set_defaults(func=cmd_ask)

    chat = sub.add_parser("chat", help="console chat with conversation context")
    chat.add_argument(
        "--json", action="store_true", help="read turns from stdin, one JSON object per turn"
    )
    chat.add_argument("--lang", help=LANG_HELP)
    chat.set_defaults(func=cmd_chat)

    kb = sub.add_parser("kb", help="knowledge store: build, check, path, misses")
    kb.add_argument("action", choices=["build", "check", "path", "misses"])
    kb.add_argument("--strict", action="store_true", help="check: exit 1 on warnings too")
    kb.add_argument("--out", help="misses: write the labelled question file here (default: stdout)")
    kb.add_argument(
        "--since", help="misses: only the last N days (7, 7d) or since a date (2026-11-01)"
    )
    kb.set_defaults(func=cmd_kb)

    ev = sub.add_parser("eval", help="grade the brain on a labelled question file")
    ev.add_argument("file")
    ev.add_argument("--quiet", action="store_true", help="no list of misses")
    ev.set_defaults(func=cmd_eval)

    run = sub.add_parser("run", help="run the Telegram bot (long polling, or a webhook)")
    run.add_argument("--webhook-url", help="public HTTPS URL Telegram should post updates to")
    run.add_argument("--listen", default=None, help="webhook: address to listen on")
    run.add_argument("--port", type=int, default=None, help="webhook: port to listen on")
    run.add_argument(
        "--secret",
        default=None,
        help="webhook: secret token Telegram sends (better: VISITBOT_WEBHOOK_SECRET, which "
        "does not show in the process list)",
    )
    run.set_defaults(func=cmd_run)

    digest = sub.add_parser("digest", help="print the digest, or 'send' due deliveries")
    digest.add_argument("action", nargs="?", choices=["show", "send"], default="show")
    digest.add_argument("--html", action="store_true", help="print the Telegram HTML")
    digest.set_defaults(func=cmd_digest)

    backup = sub.add_parser("backup", help="copy the live store safely (SQLite online backup)")
    backup.add_argument("path", help="the copy to write (a folder: a dated file inside it)")
    backup.set_defaults(func=cmd_backup)

    doctor = sub.add_parser("doctor", help="check token, webhook, store, record, time zones")
    doctor.set_defaults(func=cmd_doctor)
    return p


def _settings(args: argparse.Namespace) -> HasPaths | Settings:
    """The paths alone for ``ask`` and ``chat`` (see bot.paths), else every setting checked."""
    if args.func in (cmd_ask, cmd_chat):
        from bot.paths import load_paths

        paths = load_paths()
        if paths is not None:
            return paths
    from bot.settings import load_settings

    return load_settings()


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = _settings(args)
    except SettingsError as err:
        print(f"visitbot: {err}", file=sys.stderr)
        return 2
    from knowledge.basics import KnowledgeError
    from knowledge.storefile import StoreError

    try:
        return int(args.func(args, settings))
    except KnowledgeError as err:
        print(f"visitbot: knowledge error: {err}", file=sys.stderr)
        return 1
    except StoreError as err:
        print(f"visitbot: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `visitbot kb check | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
