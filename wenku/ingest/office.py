"""Run headless LibreOffice to convert one Office file, fenced in: a time limit, a memory limit, its own temp dir.

Each conversion gets a fresh directory holding the input, the output, LibreOffice's user profile and its TMPDIR,
so parallel conversions (gunicorn workers and threads, `wenku import`) never share a profile lock or a file name,
and nothing is left behind. LibreOffice runs in its own process group: on timeout the whole group is killed,
including the soffice.bin that the soffice launcher starts.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

from wenku.ingest.errors import ImportRefused

# Which Debian package brings the LibreOffice part that reads a format (named in the "not installed" message).
WRITER_PACKAGE = "libreoffice-writer-nogui"
IMPRESS_PACKAGE = "libreoffice-impress-nogui"


def soffice_path() -> str | None:
    """The LibreOffice executable (WENKU_SOFFICE: a name looked up on PATH, or a path), or None when missing."""
    return shutil.which(settings.WENKU_SOFFICE)


def convert(data: bytes, source_ext: str, target: str, package: str) -> bytes:
    """The bytes of ``data`` (a ``source_ext`` file) converted by LibreOffice to ``target``, e.g.
    ``"docx:MS Word 2007 XML"``. Refuses with a reason when LibreOffice is missing, fails, or runs out of time."""
    executable = soffice_path()
    if executable is None:
        raise ImportRefused(
            f"cannot read {source_ext} files: LibreOffice is not installed "
            f"(install the Debian package {package}, or set WENKU_SOFFICE to the soffice program)"
        )
    target_ext = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="wenku-office-") as work:
        root = Path(work)
        source = root / f"input{source_ext}"
        source.write_bytes(data)
        (root / "tmp").mkdir()
        out = root / "out"
        command = [
            executable,
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"-env:UserInstallation={(root / 'profile').as_uri()}",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ]
        returncode = _run(command, root)
        result = out / f"input.{target_ext}"
        if result.is_file() and result.stat().st_size > 0:
            return result.read_bytes()
        log = (root / "log").read_text(encoding="utf-8", errors="replace")
    raise ImportRefused(_failure(source_ext, returncode, log))


def _run(command: list[str], root: Path) -> int:
    """Run LibreOffice in a new process group; kill the group on timeout or when it leaves children behind."""
    timeout = settings.WENKU_OFFICE_TIMEOUT
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(root),
        "TMPDIR": str(root / "tmp"),
        "LANG": "C.UTF-8",
        "SAL_USE_VCLPLUGIN": "svp",  # no display, ever
    }
    with open(root / "log", "wb") as log:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=root,
            env=env,
            start_new_session=True,
            preexec_fn=_memory_limiter(settings.WENKU_OFFICE_MEMORY_MB),  # only a setrlimit call
        )
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process.pid)
            process.wait()
            raise ImportRefused(
                f"LibreOffice did not finish converting within {timeout} s (WENKU_OFFICE_TIMEOUT); "
                "the file is too large or too complex"
            ) from None
        finally:
            _kill_group(process.pid)


def _memory_limiter(megabytes: int):
    limit = megabytes * 1024 * 1024

    def limit_memory() -> None:  # runs in the child between fork and exec: nothing but the system call
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return limit_memory


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _failure(source_ext: str, returncode: int, log: str) -> str:
    if "could not be loaded" in log:
        return (
            f"LibreOffice could not open the {source_ext} file: it is damaged, protected with a password, "
            f"or not really a {source_ext} file"
        )
    if returncode < 0 or returncode > 128 or "Fatal exception" in log or "failed to map" in log:
        return (
            f"LibreOffice crashed converting the {source_ext} file (exit status {returncode}); it may need more "
            f"memory than WENKU_OFFICE_MEMORY_MB={settings.WENKU_OFFICE_MEMORY_MB} allows, or the file is damaged"
        )
    detail = " ".join(line for line in log.splitlines() if "javaldx" not in line).strip()[:200]
    return f"LibreOffice could not convert the {source_ext} file (exit status {returncode}): {detail or 'no output'}"
