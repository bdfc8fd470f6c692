"""The worker that `wenku serve` starts beside its web processes, so that one command runs a whole site.

It is a child process (`wenku worker`), started again if it dies, stopped when the server stops. A site that
runs its workers separately (several machines, systemd units, compose services) passes `--no-worker`.
"""

from __future__ import annotations

import atexit
import logging
import signal
import subprocess
import sys
import threading
import time

log = logging.getLogger(__name__)
RESTART_DELAY = 2.0  # seconds before a dead worker is started again (a crash loop must not spin)


class WorkerProcess:
    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.stopping = threading.Event()
        self.watchdog = threading.Thread(target=self._watch, name="wenku-worker-watchdog", daemon=True)

    def start(self) -> WorkerProcess:
        self._spawn()
        self.watchdog.start()
        atexit.register(self.stop)
        return self

    def _spawn(self) -> None:
        command = [sys.executable, "-c", "from wenku.cli.main import main; main()", "worker"]
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, preexec_fn=die_with_parent)

    def _watch(self) -> None:
        while not self.stopping.wait(1.0):
            if self.process is not None and self.process.poll() is not None:
                log.warning("worker exited with %s; starting it again", self.process.returncode)
                time.sleep(RESTART_DELAY)
                if not self.stopping.is_set():
                    self._spawn()

    def stop(self) -> None:
        self.stopping.set()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # the worker finishes the job in hand
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def die_with_parent() -> None:
    """In the child, before it runs: SIGTERM when the server process dies, even by SIGKILL (Linux only)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
