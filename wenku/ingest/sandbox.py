"""Run a parser on an untrusted file in a child process with a wall-time and a memory limit.

A converter library can spend minutes or gigabytes on a small hostile file (a PDF whose pages share one huge
content stream, deeply nested markup). So each parse runs in a child forked from a small server process
(wenku/ingest/sandbox_server.py) that the first parse in each process starts: the child limits its address space
(WENKU_PARSE_MEMORY_MB) and CPU time, and this side kills it when WENKU_PARSE_TIMEOUT seconds of wall time have
passed. A child that runs out of memory, is killed or crashes becomes ImportRefused with the reason. The cost per
file is a fork of the small server and the copy of the file's bytes through a socket (a few milliseconds).

Safe under gunicorn's threads (each request talks to its own child over its own socket; only handing the socket
to the server takes a lock) and after a fork (a forked process starts a server of its own).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

from django.utils.translation import gettext_noop

from wenku.ingest import limits
from wenku.ingest.errors import ImportRefused
from wenku.ingest.sandbox_server import LENGTH, receive_exactly

DEFAULT_TIMEOUT = 20
DEFAULT_MEMORY_MB = 1024


@dataclass
class RunStats:
    """What the last parse in this thread cost (tests and benchmarks read it)."""

    seconds: float
    max_rss_kb: int | None  # the child's peak resident memory; None when it was killed before it could say
    outcome: str  # "ok" | "refused" | "timeout" | "memory" | "crashed" | "error"


_local = threading.local()
_lock = threading.Lock()
_server: _Server | None = None


def last_stats() -> RunStats | None:
    return getattr(_local, "stats", None)


def run(
    function,
    *args,
    parse_limits: limits.ParseLimits | None = None,
    timeout: float | None = None,
    memory_mb: int | None = None,
):
    """``function(*args)`` in a sandboxed child; its result must be plain data (``marshal``-able). ImportRefused
    raised in the child is raised here; so is any other failure, with a reason for the user."""
    took_too_long = (  # the setting's limit, or the caller's own
        gettext_noop(
            "parsing took longer than %(timeout)s s (limit WENKU_PARSE_TIMEOUT): the file is too large or too complex"
        )
        if timeout is None
        else gettext_noop("parsing took longer than %(timeout)s s: the file is too large or too complex")
    )
    timeout, memory_mb = _configured(timeout, memory_mb)
    parse_limits = parse_limits or limits.active()
    request = pickle.dumps(
        (function, args, parse_limits, memory_mb * 1024 * 1024, int(timeout) + 1),
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    started = time.monotonic()
    outcome, value, max_rss = _exchange(request, timeout, _answer_limit(parse_limits))
    _local.stats = RunStats(time.monotonic() - started, max_rss, outcome)
    if outcome == "ok":
        return value
    if outcome == "refused":
        raise ImportRefused.from_plain(value)
    if outcome == "timeout":
        raise ImportRefused(
            took_too_long,
            timeout=f"{timeout:g}",
        )
    if outcome == "memory":
        raise ImportRefused(
            gettext_noop("parsing needed more than %(memory_mb)s MB of memory (limit WENKU_PARSE_MEMORY_MB)"),
            memory_mb=memory_mb,
        )
    if outcome == "crashed":
        raise ImportRefused(
            gettext_noop(
                "the parser crashed on this file (%(value)s); it is damaged, or needs more than "
                "%(memory_mb)s MB of memory (WENKU_PARSE_MEMORY_MB)"
            ),
            value=value,
            memory_mb=memory_mb,
        )
    raise ImportRefused(gettext_noop("cannot read the file: %(value)s"), value=value)


def _configured(timeout: float | None, memory_mb: int | None) -> tuple[float, int]:
    from django.conf import settings

    configured = settings.configured
    if timeout is None:
        timeout = getattr(settings, "WENKU_PARSE_TIMEOUT", DEFAULT_TIMEOUT) if configured else DEFAULT_TIMEOUT
    if memory_mb is None:
        memory_mb = getattr(settings, "WENKU_PARSE_MEMORY_MB", DEFAULT_MEMORY_MB) if configured else DEFAULT_MEMORY_MB
    return float(timeout), int(memory_mb)


def _answer_limit(parse_limits: limits.ParseLimits) -> int:
    """The most bytes a child's answer can need within ``parse_limits`` (UTF-8 text, per-paragraph overhead, and
    room to spare): a larger announced size means the child is broken, and nothing that large is allocated here."""
    return 8 * parse_limits.chars + 64 * max(parse_limits.paragraphs, parse_limits.lines) + (64 << 20)


def _exchange(request: bytes, timeout: float, max_answer: int) -> tuple[str, object, int | None]:
    deadline = time.monotonic() + timeout
    ours, theirs = socket.socketpair()
    with ours:
        try:
            _hand_over(theirs)
        finally:
            theirs.close()
        ours.settimeout(max(0.1, deadline - time.monotonic()))
        child = None
        try:
            child = _Child(LENGTH.unpack(receive_exactly(ours, LENGTH.size))[0])
            ours.sendall(LENGTH.pack(len(request)))
            ours.sendall(request)
            ours.settimeout(max(0.01, deadline - time.monotonic()))
            size = LENGTH.unpack(receive_exactly(ours, LENGTH.size))[0]
            if size > max_answer:
                child.kill()
                return "crashed", f"it announced an answer of {size} bytes", None
            ours.settimeout(max(5.0, deadline - time.monotonic()))  # the answer is on its way: let it arrive
            payload = receive_exactly(ours, size)
        except TimeoutError:
            if child:
                child.kill()
            return "timeout", None, None
        except (EOFError, ConnectionError):  # killed by its CPU limit, or a library aborted or crashed
            return "crashed", "it stopped without an answer", None
        finally:
            if child:
                child.close()
    try:
        outcome, value, max_rss = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return "crashed", "its answer could not be read", None
    return outcome, value, max_rss


class _Child:
    """A child of the server (not ours): killed through a pidfd, so that a recycled pid is never hit."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.pidfd: int | None = None
        with contextlib.suppress(AttributeError, OSError):
            self.pidfd = os.pidfd_open(pid)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, OSError):
            if self.pidfd is not None:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            else:
                os.kill(self.pid, signal.SIGKILL)

    def close(self) -> None:
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None


class _Server:
    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command = [
            sys.executable,
            "-c",
            "import sys; sys.path[:0] = sys.argv[2:]; from wenku.ingest.sandbox_server import main; "
            "main(int(sys.argv[1]))",
            str(theirs.fileno()),
            *[p for p in sys.path if p],
        ]
        self.process = subprocess.Popen(
            command,
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            close_fds=True,
            start_new_session=True,  # Ctrl-C and a gunicorn worker's signals are not its business
        )
        theirs.close()
        self.control = ours
        self.pid = os.getpid()

    def hand_over(self, sock: socket.socket) -> None:
        socket.send_fds(self.control, [b"1"], [sock.fileno()])

    def alive(self) -> bool:
        return self.pid == os.getpid() and self.process.poll() is None

    def stop(self) -> None:
        self.control.close()
        if self.pid == os.getpid():
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)


def _hand_over(sock: socket.socket) -> None:
    """Give the server one end of a new socket pair: it forks a child that talks to us over it."""
    global _server
    with _lock:
        for attempt in (1, 2):
            if _server is None or not _server.alive():
                _server = _Server()
            try:
                _server.hand_over(sock)
                return
            except OSError:
                if attempt == 2:
                    raise ImportRefused(gettext_noop("cannot start the parser process")) from None
                _server = None


def _forget_after_fork() -> None:
    """A forked process (a gunicorn worker) starts its own server: the inherited one belongs to the parent."""
    global _server, _lock
    _lock = threading.Lock()
    if _server is not None:
        with contextlib.suppress(OSError):
            _server.control.close()
        _server = None


os.register_at_fork(after_in_child=_forget_after_fork)
