"""``visitbot run`` as a user starts it: a separate process configured only through the
environment, talking to the Bot API stand-in, stopped with SIGTERM.

These tests prove the parts in-process tests cannot: settings from the environment, the
real ``run_polling``/``run_webhook`` with their signal handling, the exit code, and that the
token never reaches the process's log output.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fake_botapi import FakeBotAPI

USER = 6161
START_TIMEOUT = 30.0  # a cold start imports PTB and builds the store; bounded all the same


@pytest.fixture
def server() -> Any:
    with FakeBotAPI(max_long_poll=2.0) as srv:
        yield srv


def bot_env(server: FakeBotAPI, tmp_path: Path, token: str | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.upper().endswith("_PROXY") and not k.startswith(("TELEGRAM_", "VISITBOT_"))
    }
    env.update(
        TELEGRAM_BOT_TOKEN=token or server.token,
        TELEGRAM_API_BASE_URL=server.base_url,
        VISITBOT_STORE=str(tmp_path / "visitbot.db"),
        VISITBOT_LOG_LEVEL="INFO",
        NO_PROXY="127.0.0.1,localhost",
    )
    return env


def start(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        cwd=cwd,  # no .env of the repository is read
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def stop(process: subprocess.Popen[str], timeout: float = 15.0) -> tuple[int, str]:
    """SIGTERM, then wait (bounded) for a clean exit; kill only if it hangs."""
    process.send_signal(signal.SIGTERM)
    try:
        _, err = await asyncio.to_thread(process.communicate, timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
        pytest.fail(f"the bot did not stop within {timeout}s of SIGTERM:\n{err}")
    return process.returncode, err


async def test_run_polls_answers_and_stops_cleanly_on_sigterm(
    server: FakeBotAPI, tmp_path: Path
) -> None:
    process = start(["run"], bot_env(server, tmp_path), tmp_path)
    try:
        server.send_text("was there a railway deal?", chat_id=USER, user_id=USER)
        reply = await server.await_message(USER, timeout=START_TIMEOUT)
    finally:
        code, err = await stop(process)

    assert "railway" in reply["plain_text"].lower()
    assert server.commands()  # the menu was registered at start-up
    assert code == 0, err
    assert "stopped" in err
    assert server.token.split(":")[1] not in err


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def post_update(url: str, update: dict[str, Any], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    async with httpx.AsyncClient(trust_env=False, timeout=5.0) as client:
        for _ in range(50):  # the listener may come up a moment after setWebhook
            try:
                response = await client.post(url, content=json.dumps(update), headers=headers)
                return response.status_code
            except httpx.ConnectError:
                await asyncio.sleep(0.1)
    raise AssertionError(f"nothing listens on {url}")


@pytest.mark.parametrize("secret_from", ["flag", "environment"])
async def test_run_webhook_sets_the_webhook_and_answers_posted_updates(
    server: FakeBotAPI, tmp_path: Path, secret_from: str
) -> None:
    port, secret = free_port(), "s3cret-token_1"
    public = "https://bot.example.test/tg/hook"
    args = ["run", "--webhook-url", public, "--listen", "127.0.0.1", "--port", str(port)]
    env = bot_env(server, tmp_path)
    if secret_from == "flag":
        args += ["--secret", secret]
    else:  # kept out of the process list (issue 8 item 15)
        env["VISITBOT_WEBHOOK_SECRET"] = secret
    process = start(args, env, tmp_path)
    try:
        set_hook = await server.await_for(method="setWebhook", timeout=START_TIMEOUT)
        local = f"http://127.0.0.1:{port}/tg/hook"
        spoofed = server.send_text("what is the trade target?", chat_id=USER + 1, user_id=USER + 1)
        assert await post_update(local, spoofed, "wrong") == 403
        update = server.send_text("was there a railway deal?", chat_id=USER, user_id=USER)
        assert await post_update(local, update, secret) == 200
        reply = await server.await_message(USER, timeout=10)
    finally:
        code, err = await stop(process)

    assert set_hook.params["url"] == public
    assert set_hook.params["secret_token"] == secret
    assert "railway" in reply["plain_text"].lower()
    assert USER + 1 not in server.message_counts()  # the spoofed post was refused
    assert code == 0, err
    assert secret not in err and server.token.split(":")[1] not in err


async def test_run_with_a_token_telegram_refuses_exits_1_without_leaking_it(
    server: FakeBotAPI, tmp_path: Path
) -> None:
    wrong = "123456789:WRONG-token-that-is-refused-by-telegram"
    process = start(["run"], bot_env(server, tmp_path, token=wrong), tmp_path)
    try:
        _, err = await asyncio.to_thread(process.communicate, timeout=START_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("the bot kept running with a refused token")
    assert process.returncode == 1, err
    assert "TELEGRAM_BOT_TOKEN" in err
    assert "WRONG-token-that-is-refused" not in err
