#!/usr/bin/env python3
"""Set up Wenku in a virtual environment and run it, with nothing but python3.

    python3 run.py demo    set up, then serve the site with the sample library at http://127.0.0.1:8000/
    python3 run.py test    set up (with test tools), then run the linter and the tests on SQLite and PostgreSQL

Only the standard library is used here: this file runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("WENKU_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
POSTGRES_URL = os.environ.get("WENKU_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wenku")
REQUIRE_ALL = os.environ.get("WENKU_REQUIRE_ALL") == "1"
BROWSER_PACKAGES = ["chromium", "fonts-noto-cjk", "zbar-tools"]
OFFICE_PACKAGES = ["libreoffice-writer-nogui", "libreoffice-impress-nogui", "python3-uno"]  # .doc .ppt … imports


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    if command == "demo":
        setup(extras="")
        return run([str(BIN / "wenku"), "serve", "--demo", *argv[1:]])
    if command == "test":
        setup(extras="[test]")
        return test(argv[1:])
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


def setup(extras: str) -> None:
    """Create .venv and install the project into it, unless it is already installed from this pyproject."""
    if not PYTHON.exists():
        say(f"Creating a virtual environment in {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".wenku-installed{extras or '[app]'}"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    say("Installing Wenku and its dependencies (first run only)")
    check([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    check([str(PYTHON), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}{extras}"])
    stamp.write_text(wanted)


def test(pytest_args: list[str]) -> int:
    ensure_test_packages()
    env = dict(os.environ)
    env.setdefault("WENKU_DATA_DIR", str(ROOT / ".test-data"))
    lint_paths = [p for p in ("wenku", "tests", "bench", "scripts", "run.py") if (ROOT / p).exists()]
    status = run([str(BIN / "ruff"), "check", *lint_paths])
    if status:
        return status
    say("Tests on SQLite")
    status = run([str(PYTHON), "-m", "pytest", *pytest_args], env={**env, "DATABASE_URL": ""})
    if status:
        return status
    if not reachable("127.0.0.1", 5432):
        message = "PostgreSQL is not running on 127.0.0.1:5432: the PostgreSQL pass is skipped"
        if REQUIRE_ALL:
            say(message.replace("is skipped", "cannot run") + " (WENKU_REQUIRE_ALL=1)")
            return 1
        say(message)
        return 0
    say(f"Tests on PostgreSQL ({POSTGRES_URL})")
    return run(
        [str(PYTHON), "-m", "pytest", "-m", "not browser", *pytest_args], env={**env, "DATABASE_URL": POSTGRES_URL}
    )


def ensure_test_packages() -> None:
    """Browser tests drive Debian's chromium, Office-format tests Debian's LibreOffice: install what is missing
    when we may (root with apt-get), in one apt-get run; else those tests skip."""
    missing = []
    if not Path("/usr/bin/chromium").exists():
        missing += BROWSER_PACKAGES
    if not shutil.which("soffice"):
        missing += OFFICE_PACKAGES
    if not missing:
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        say(f"Installing Debian packages for the browser and Office-format tests: {' '.join(missing)}")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        check(["apt-get", "update", "-qq"], env=env)
        check(["apt-get", "install", "-y", "-qq", *missing], env=env)
    else:
        say(f"Missing Debian packages (apt-get install {' '.join(missing)}): the tests needing them will be skipped")


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def run(command: list[str], env: dict | None = None) -> int:
    return subprocess.call(command, cwd=ROOT, env=env)


def check(command: list[str], env: dict | None = None) -> None:
    status = run(command, env=env)
    if status:
        sys.exit(f"failed ({status}): {' '.join(command)}")


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
