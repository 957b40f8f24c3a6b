#!/usr/bin/env python3
"""Set up and run visitbot on a fresh machine with only Python 3.11+ and pip.

    python3 dev.py run     # create .venv, install, run the bot (console chat without a token)
    python3 dev.py test    # create .venv, install with test tools, run lint, types and tests
    python3 dev.py bench   # run the benchmarks and print their figures

Re-installs only when pyproject.toml changed, so repeated runs start fast.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_venv(extras: str) -> None:
    if not PYTHON.exists():
        print("dev.py: creating .venv", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / ".visitbot-installed"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    print(f"dev.py: installing visitbot{extras} into .venv", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f".{extras}"], check=True, cwd=ROOT)
    stamp.write_text(wanted)


def run(*args: str) -> int:
    return subprocess.run([str(a) for a in args], cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit(f"visitbot needs Python 3.11 or newer (this is {sys.version.split()[0]})")
    command = argv[0] if argv else "run"
    rest = argv[1:]
    if command == "run":
        ensure_venv("")
        return run(BIN / "visitbot", *rest)
    if command == "test":
        ensure_venv("[test]")
        steps = [
            (
                BIN / "ruff",
                "check",
                "bot",
                "knowledge",
                "handlers",
                "tests",
                "benchmarks",
                "dev.py",
            ),
            (
                BIN / "ruff",
                "format",
                "--check",
                "bot",
                "knowledge",
                "handlers",
                "tests",
                "benchmarks",
            ),
            (BIN / "mypy",),
            (PYTHON, "-m", "pytest", *rest),
        ]
        for step in steps:
            print(
                "dev.py: "
                + " ".join(
                    Path(str(step[0])).name if i == 0 else str(s) for i, s in enumerate(step)
                ),
                flush=True,
            )
            code = run(*step)
            if code:
                return code
        return 0
    if command == "bench":
        ensure_venv("[test]")
        for script in sorted((ROOT / "benchmarks").glob("*.py")):
            print(f"== {script.name}", flush=True)
            code = run(PYTHON, script)
            if code:
                return code
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
