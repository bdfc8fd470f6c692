"""Run headless LibreOffice to convert one Office file, fenced in: a time limit, a memory limit, its own temp dir,
and no network.

Each conversion gets a fresh directory holding the input, the output, LibreOffice's user profile and its TMPDIR,
so parallel conversions (gunicorn workers and threads, `wenku import`) never share a profile lock or a file name,
and nothing is left behind. LibreOffice runs in its own process group: on timeout the whole group is killed,
including the soffice.bin that the soffice launcher starts, and the directory goes only once the group is gone.

The limits are set by programs that then exec LibreOffice, not by Python code between fork and exec (a
``preexec_fn`` can deadlock the child of a threaded server): ``prlimit --as`` sets the address-space limit, and
``unshare --net`` gives LibreOffice a network namespace of its own with only a loopback interface that is down, so
a document that links a remote image or style sheet (an .odt, a Word 2003 XML or MHTML file) cannot make the
server fetch a URL, on the internet or on the server's own network. Where the OS refuses a network namespace
(a container without the privilege, user namespaces switched off) conversions still run, with network access,
and a warning says so once per process.
"""

from __future__ import annotations

import contextlib
import logging
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_noop

from wenku.ingest.errors import ImportRefused

log = logging.getLogger(__name__)

# Ways to start a program in a new network namespace, tried in this order: as any user where unprivileged user
# namespaces are allowed (the program runs as root of its own user namespace, with no privilege outside it), and
# as root where they are not.
_NETWORK_ISOLATION = (("--net", "--map-root-user"), ("--net",))
_isolation_lock = threading.Lock()
_isolation: list[str] | None = None  # the command prefix found; [] when none works; None before the first look

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
            gettext_noop(
                "cannot read %(source_ext)s files: LibreOffice is not installed (install the "
                "Debian package %(package)s, or set WENKU_SOFFICE to the soffice program)"
            ),
            source_ext=source_ext,
            package=package,
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
        returncode = _run(network_isolation() + command, root)
        result = out / f"input.{target_ext}"
        if result.is_file() and result.stat().st_size > 0:
            return result.read_bytes()
        output = (root / "log").read_text(encoding="utf-8", errors="replace")
    raise _failure(source_ext, returncode, output)


def network_isolation() -> list[str]:
    """The command prefix that runs a program without network access (``unshare --net ...``), found once per
    process by trying each way in turn; empty, with a warning logged once, when the OS allows none."""
    global _isolation
    with _isolation_lock:
        if _isolation is None:
            _isolation = _find_isolation()
            if not _isolation:
                log.warning(
                    "LibreOffice conversions run WITH network access: this system does not allow a network "
                    "namespace (unshare --net failed, or util-linux's unshare is missing); a document that links "
                    "a remote image can make the server fetch that URL"
                )
        return list(_isolation)


def _find_isolation() -> list[str]:
    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    for options in _NETWORK_ISOLATION:
        prefix = [unshare, *options, "--"]
        try:
            probe = subprocess.run(
                [*prefix, unshare, "--help"], stdin=subprocess.DEVNULL, capture_output=True, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return prefix
    return []


def _memory_limit(megabytes: int) -> list[str]:
    """``prlimit --as=...`` (util-linux), which sets the limit and execs the program; empty when missing."""
    prlimit = shutil.which("prlimit")
    if prlimit is None:
        return []
    limit = megabytes * 1024 * 1024
    return [prlimit, f"--as={limit}:{limit}", "--"]


def _run(command: list[str], root: Path) -> int:
    """Run LibreOffice in a new process group; kill the group on timeout or when it leaves children behind."""
    timeout = settings.WENKU_OFFICE_TIMEOUT
    megabytes = settings.WENKU_OFFICE_MEMORY_MB
    limiter = _memory_limit(megabytes)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(root),
        "TMPDIR": str(root / "tmp"),
        "LANG": "C.UTF-8",
        "SAL_USE_VCLPLUGIN": "svp",  # no display, ever
    }
    with open(root / "log", "wb") as log_file:
        process = subprocess.Popen(
            limiter + command,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=root,
            env=env,
            start_new_session=True,  # setsid() in the child: no Python code runs between fork and exec
        )
        try:
            if not limiter:  # no prlimit program: set the limit from here, a moment after the start
                limit = megabytes * 1024 * 1024
                with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
                    resource.prlimit(process.pid, resource.RLIMIT_AS, (limit, limit))
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process.pid)
            process.wait()
            raise ImportRefused(
                gettext_noop(
                    "LibreOffice did not finish converting within %(timeout)s s "
                    "(WENKU_OFFICE_TIMEOUT); the file is too large or too complex"
                ),
                timeout=timeout,
            ) from None
        finally:
            _kill_group(process.pid)
            if process.returncode is None:
                process.kill()
                process.wait()
            _wait_for_group_end(process.pid)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _wait_for_group_end(pgid: int, seconds: float = 5.0) -> None:
    """Wait until no live process of the group is left (killed ones take a moment to go), so that none still writes
    into the conversion directory when it is removed."""
    deadline = time.monotonic() + seconds
    while _group_alive(pgid) and time.monotonic() < deadline:
        _kill_group(pgid)
        time.sleep(0.02)


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group is running (zombies, which write nothing, do not count: in a container
    whose first process does not reap orphans they would stay for good)."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
            return True
    return False


def _failure(source_ext: str, returncode: int, log: str) -> ImportRefused:
    if "could not be loaded" in log:
        return ImportRefused(
            gettext_noop(
                "LibreOffice could not open the %(ext)s file: it is damaged, protected with a password, "
                "or not really a %(ext)s file"
            ),
            ext=source_ext,
        )
    if returncode < 0 or returncode > 128 or "Fatal exception" in log or "failed to map" in log:
        return ImportRefused(
            gettext_noop(
                "LibreOffice crashed converting the %(ext)s file (exit status %(status)s); it may need more "
                "memory than WENKU_OFFICE_MEMORY_MB=%(memory_mb)s allows, or the file is damaged"
            ),
            ext=source_ext,
            status=returncode,
            memory_mb=settings.WENKU_OFFICE_MEMORY_MB,
        )
    detail = " ".join(line for line in log.splitlines() if "javaldx" not in line).strip()[:200]
    return ImportRefused(
        gettext_noop("LibreOffice could not convert the %(ext)s file (exit status %(status)s): %(detail)s"),
        ext=source_ext,
        status=returncode,
        detail=detail or "no output",
    )
