"""The parse sandbox's server and its children (the parent's side is wenku/ingest/sandbox.py).

The server is a fresh, single-threaded Python process that imports the converters once and then forks one child
per file: forking it is cheap (no interpreter start, no imports) and safe (no other thread can hold a lock in it,
which a fork of a threaded gunicorn worker could not promise). Each child limits its own address space and CPU
time, reads one request from the socket it was given, runs it and writes back the result as ``marshal`` data
(plain values only: a parser subverted by a hostile file cannot make the parent run code by unpickling).
"""

from __future__ import annotations

import contextlib
import importlib
import marshal
import os
import pickle
import resource
import signal
import socket
import struct
import sys

# What the children use, imported once here so that forking is all a child costs.
PRELOAD = (
    "wenku.ingest.converters",
    "wenku.ingest.converters.txt",
    "wenku.ingest.converters.markdown",
    "wenku.ingest.converters.html",
    "wenku.ingest.converters.docx",
    "wenku.ingest.converters.pdf",
    "wenku.ingest.converters.epub",
    "wenku.ingest.converters.jsonl",
    "wenku.ingest.converters.presentation",
    "wenku.ingest.decoding",
    "markdown_it",
    "docx",
    "docx.opc.exceptions",
    "docx.table",
    "docx.text.paragraph",
    "pypdfium2",
    "pypdfium2.raw",
    "charset_normalizer",
    "lxml.html",
)
LENGTH = struct.Struct("<Q")


def main(control_fd: int) -> None:
    for name in PRELOAD:
        with contextlib.suppress(ImportError):  # a missing optional library fails later, in the child, with a reason
            importlib.import_module(name)
    with contextlib.suppress(Exception):
        from wenku.ingest.decoding import _common_hanzi

        _common_hanzi()  # a table every decode of GB18030/Big5 text needs
    with contextlib.suppress(Exception):
        from wenku.text.unwrap import load_segmenter

        load_segmenter()  # what unwrapping a hard-wrapped text needs
    signal.signal(signal.SIGCHLD, _reap)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group; the parent decides
    control = socket.socket(fileno=control_fd)
    while True:
        try:
            message, fds, _flags, _address = socket.recv_fds(control, 16, 1)
        except OSError:
            break
        if not message:
            break  # the parent is gone
        if not fds:
            continue
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            control.close()
            code = 0
            try:
                _child(fds[0])
            except BaseException:
                code = 1
            os._exit(code)
        os.close(fds[0])
    os._exit(0)


def _reap(_signum, _frame) -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _child(fd: int) -> None:
    sock = socket.socket(fileno=fd)
    sock.sendall(LENGTH.pack(os.getpid()))
    function, args, parse_limits, memory_bytes, cpu_seconds = pickle.loads(_receive(sock))
    _limit_resources(memory_bytes, cpu_seconds)
    from wenku.ingest import limits
    from wenku.ingest.errors import ImportRefused

    limits.use(parse_limits)
    try:
        outcome = ("ok", function(*args))
    except ImportRefused as exc:
        outcome = ("refused", exc.as_plain())
    except MemoryError:
        outcome = ("memory", None)
    except RecursionError:
        outcome = ("error", "RecursionError: nested too deeply")
    except Exception as exc:
        outcome = ("error", f"{type(exc).__name__}: {exc}"[:300])
    try:
        payload = marshal.dumps((*outcome, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    except MemoryError:
        payload = marshal.dumps(("memory", None, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    except ValueError as exc:  # not plain data: a bug in the caller's function, said as such
        payload = marshal.dumps(("error", f"unmarshallable result: {exc}", 0))
    sock.sendall(LENGTH.pack(len(payload)))
    sock.sendall(payload)
    sock.close()


def _limit_resources(memory_bytes: int, cpu_seconds: int) -> None:
    """An address-space limit on top of what the child has at the start (the interpreter and the preloaded
    libraries), and a CPU limit a little above the parent's wall-time limit (its kill comes first)."""
    if memory_bytes:
        with open("/proc/self/statm") as statm:
            base = int(statm.read().split()[0]) * resource.getpagesize()
        limit = base + memory_bytes
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if cpu_seconds:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def _receive(sock: socket.socket) -> bytes:
    header = receive_exactly(sock, LENGTH.size)
    return receive_exactly(sock, LENGTH.unpack(header)[0])


def receive_exactly(sock: socket.socket, size: int) -> bytearray:
    """``size`` bytes from ``sock`` (both ends of the sandbox's sockets use it); EOFError when it closes first."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        n = sock.recv_into(view[got:])
        if not n:
            raise EOFError("the parent closed the connection")
        got += n
    return buffer


if __name__ == "__main__":
    main(int(sys.argv[1]))
