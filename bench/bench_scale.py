#!/usr/bin/env python3
"""Scale-out on PostgreSQL under a mixed load, with kill -9 of web and worker processes (issue 10, section 5).

Set-up, once: a fresh PostgreSQL database and data dir; `wenku import` of the bundled sample library, the corpus
speeches and a slice of People's Daily (the starting library); `wenku worker --once` to settle it; a staff user
and an API token. That database is then the template of one fresh copy per configuration, so every configuration
starts from the same library; every database is dropped at the end.

Per configuration (1, 2 and 4 web processes by default, M `wenku worker`s): `wenku serve --no-worker --workers N`
and M `wenku worker` on loopback, then a bounded closed-loop load from threads of this process (http.client,
keep-alive): reading pages, searches (/search/), 查重 (POST /api/check) and uploads (POST /api/documents: news
articles not in the library with a unique marker line, and near-duplicates of library documents). Meanwhile a chaos
thread kill -9s a random gunicorn worker (gunicorn starts another) and a random `wenku worker` (restarted at once)
every few seconds. Then, with the kills stopped, it waits (bounded) until the queue and outboxes drain and checks:
every upload answered 201/202 has a job that is done and a document in the database that /api/search finds by its
marker; no outbox rows left; each near-duplicate upload recorded in checking_nearduplicate against its original.

Errors are statuses >= 500 and connection errors. A connection error that ends within KILL_BLAME_S of a kill of a
web process (or whose request was in flight across one) is counted as caused by the kills, separately; 429s are
counted apart too (the 查重 limits are raised for the run).

    .venv/bin/python bench/bench_scale.py                        # 1, 2, 4 web processes, 2 workers, 60 s each
    .venv/bin/python bench/bench_scale.py --webs 2 --duration 20 --no-kills
    .venv/bin/python bench/bench_scale.py --soak 30              # one configuration for 30 min, PSS every 30 s

Needs a PostgreSQL server (--pg, a superuser URL without a database name) and psycopg (installed with Wenku).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from benchlib import (
    CLOCK_TICKS,
    DEFAULT_CORPUS,
    RESULTS_DIR,
    SAMPLE_LIBRARY,
    child_env,
    default_wenku,
    exit_cleanly_on_sigterm,
    machine_busy_s,
    machine_info,
    print_table,
    tail,
)

HOST = "127.0.0.1"
KILL_BLAME_S = 2.0  # a connection error this soon after a web process was killed is blamed on the kill
TYPES = ("read", "search", "check", "upload")
SEARCH_WORDS = (
    "经济", "改革开放", "人民代表大会", "科技创新", "脱贫攻坚", "生态环境", "国有企业", "教育", "农业", "文化",
    "社会主义 现代化", "就业 收入", "\"高质量发展\"", "医疗 -教育", "一带一路", "乡村振兴", "香港 澳门", "财政 赤字",
)  # fmt: skip
WARM_UP_S = 60.0  # the soak's memory comparison starts after this (caches and imports fill up first)
UPLOAD_NEAR_SHARE = 0.2  # of uploads: near-duplicates of library documents; the rest are new documents


# --- PostgreSQL --------------------------------------------------------------------------------------------------


class Pg:
    """Create, copy and drop databases, and read the ones the benchmark made (psycopg, autocommit)."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def db_url(self, name: str) -> str:
        return f"{self.url}/{name}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.db_url("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def create(self, name: str, template: str | None = None) -> None:
        self.drop(name)
        self.admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))

    def drop(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def query(self, name: str, sql: str, params: tuple = ()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.db_url(name)) as conn:
            return conn.execute(sql, params).fetchall()


# --- processes ---------------------------------------------------------------------------------------------------


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Site:
    """Where one configuration lives: its database, data dir, port, and the environment of its processes."""

    wenku: str
    data_dir: Path
    db: str
    db_url: str
    port: int = 0
    extra_env: dict[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        env = child_env(self.data_dir)
        env.update(
            DATABASE_URL=self.db_url,
            WENKU_ALLOWED_HOSTS=f"{HOST},localhost",
            WENKU_SITE_URL=f"http://{HOST}:{self.port}",
            # gunicorn's control socket is disabled by `wenku serve`, but keep anything per-user in our dir
            XDG_RUNTIME_DIR=str(self.data_dir),
            # the 查重 limits, raised so that the load measures the checks (a 429 is still counted apart)
            WENKU_CHECK_ANONYMOUS_LIMIT="1000000",
            WENKU_CHECK_USER_LIMIT="1000000",
        )
        env.update(self.extra_env)
        return env

    def run(self, *args: str, timeout: float = 1800) -> str:
        done = subprocess.run(
            [self.wenku, *args], env=self.env(), capture_output=True, text=True, timeout=timeout, check=False
        )
        if done.returncode not in (0, 1) or (done.returncode == 1 and args[0] != "import"):
            raise RuntimeError(f"wenku {' '.join(args)} exited {done.returncode}:\n{tail(done.stderr or done.stdout)}")
        return done.stdout


def _proc_stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None


def _all_pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]


def group_pids(pgid: int) -> list[int]:
    """Live processes of a process group (zombies left out)."""
    found = []
    for pid in _all_pids():
        fields = _proc_stat(pid)
        if fields and int(fields[2]) == pgid and fields[0] != "Z":
            found.append(pid)
    return found


def children_of(parent: int) -> list[int]:
    found = []
    for pid in _all_pids():
        fields = _proc_stat(pid)
        if fields and int(fields[1]) == parent and fields[0] != "Z":
            found.append(pid)
    return found


def pss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def stop_group(process: subprocess.Popen, grace: float = 15) -> None:
    """SIGTERM to the process's whole group, SIGKILL to what is left after ``grace`` seconds."""
    pgid = process.pid
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and group_pids(pgid):
            if process.poll() is None:
                with suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=0.2)
            else:
                time.sleep(0.2)
        if not group_pids(pgid):
            break
    if process.poll() is None:
        process.wait(timeout=5)


class Processes:
    """`wenku serve --no-worker` (gunicorn master + N workers) and M `wenku worker`s, each in its own group."""

    def __init__(self, site: Site, webs: int, workers: int, threads: int) -> None:
        self.site, self.webs, self.workers, self.threads = site, webs, workers, threads
        self.web: subprocess.Popen | None = None
        self.worker_procs: list[subprocess.Popen] = []
        self.retired: list[subprocess.Popen] = []  # killed workers, their groups checked for leftovers at the end
        self.exited_by_themselves: list[int] = []  # return codes of workers that stopped without being killed
        self.lock = threading.Lock()

    def start(self) -> None:
        with (self.site.data_dir / "serve.log").open("ab") as log:
            self.web = subprocess.Popen(
                [
                    self.site.wenku,
                    "serve",
                    "--no-worker",
                    "--host",
                    HOST,
                    "--port",
                    str(self.site.port),
                    "--workers",
                    str(self.webs),
                    "--threads",
                    str(self.threads),
                ],
                env=self.site.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        for _ in range(self.workers):
            self.worker_procs.append(self._start_worker())
        self._wait_ready(180)

    def _start_worker(self) -> subprocess.Popen:
        with (self.site.data_dir / "worker.log").open("ab") as log:
            return subprocess.Popen(
                [self.site.wenku, "worker"], env=self.site.env(), stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.web.poll() is not None:
                raise RuntimeError(f"wenku serve exited {self.web.returncode}:\n{self.log_tail('serve.log')}")
            if len(self.web_children()) >= self.webs:
                try:
                    status, _ = request(self.site.port, "GET", "/robots.txt", timeout=5)
                    if status == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.3)
        raise RuntimeError(f"wenku serve did not answer within {timeout:.0f} s:\n{self.log_tail('serve.log')}")

    def log_tail(self, name: str) -> str:
        return tail((self.site.data_dir / name).read_text(encoding="utf-8", errors="replace"), 30)

    def web_children(self) -> list[int]:
        return children_of(self.web.pid) if self.web else []

    def kill_web(self, rng: random.Random) -> int | None:
        children = self.web_children()
        if not children:
            return None
        pid = rng.choice(children)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return None
        return pid

    def kill_worker(self, rng: random.Random) -> int | None:
        """kill -9 one `wenku worker` (only it, as the OOM killer would), and start another in its place."""
        with self.lock:
            if not self.worker_procs:
                return None
            index = rng.randrange(len(self.worker_procs))
            victim = self.worker_procs[index]
            with suppress(ProcessLookupError):
                os.kill(victim.pid, signal.SIGKILL)
            victim.wait()
            self.retired.append(victim)
            self.worker_procs[index] = self._start_worker()
            return victim.pid

    def workers_alive(self) -> list[int]:
        with self.lock:
            return [p.pid for p in self.worker_procs if p.poll() is None]

    def pss(self) -> dict[str, dict[int, int]]:
        """PSS in kB of every live process: the web group (master and workers) and each worker's group."""
        web = {pid: kb for pid in group_pids(self.web.pid) if (kb := pss_kb(pid)) is not None} if self.web else {}
        worker = {}
        with self.lock:
            for proc in self.worker_procs:
                for pid in group_pids(proc.pid):
                    if (kb := pss_kb(pid)) is not None:
                        worker[pid] = kb
        return {"web": web, "worker": worker}

    def leftovers(self) -> list[int]:
        """Processes still running in the groups of killed workers (children a kill -9 orphaned)."""
        return [pid for proc in self.retired for pid in group_pids(proc.pid)]

    def stop(self) -> dict[str, object]:
        """Stop everything; what was found on the way (dead workers, orphans)."""
        found = {
            "workers_exited_by_themselves": self.exited_by_themselves
            + [p.returncode for p in self.worker_procs if p.poll() is not None],
            "orphans_of_killed_workers": self.leftovers(),
        }
        for proc in [*self.worker_procs, *self.retired]:
            stop_group(proc)
        if self.web is not None:
            stop_group(self.web)
        return found


# --- HTTP --------------------------------------------------------------------------------------------------------


def request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 60
) -> tuple[int, bytes]:
    """One request on a new connection (set-up and verification)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def request_json(port: int, method: str, path: str, token: str | None = None, tries: int = 5, **kw) -> tuple[int, dict]:
    headers = dict(kw.pop("headers", {}))
    if token:
        headers["Authorization"] = f"Bearer {token}"
    for attempt in range(tries):
        try:
            status, data = request(port, method, path, headers=headers, **kw)
        except OSError:
            if attempt == tries - 1:
                raise
            time.sleep(1)
            continue
        try:
            return status, json.loads(data)
        except ValueError:
            return status, {"raw": data[:300].decode("utf-8", "replace")}
    raise AssertionError("unreachable")


def multipart(filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


# --- the library and what the load sends -------------------------------------------------------------------------


def read_jsonl(path: Path, limit: int | None = None) -> list[dict]:
    records = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record.get("text"):
                records.append(record)
            if limit and len(records) >= limit:
                break
    return records


@dataclass
class Material:
    """What the load generator sends: reading paths, check passages, new documents, near-duplicate sources."""

    reading_paths: list[str]
    check_texts: list[str]
    new_docs: list[dict]  # corpus news records not in the library
    near_sources: list[tuple[int, str, str]]  # (document id, title, text) of library documents


def build_library(site: Site, corpus: Path, news_count: int) -> None:
    """The starting library: sample library, speeches, a slice of People's Daily; then settled by a worker."""
    news = read_jsonl(corpus / "news" / "peoples_daily_2019-10.jsonl", limit=news_count)
    news_file = site.data_dir / "bench-news-2019-10.jsonl"
    news_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in news), encoding="utf-8")
    sources = [SAMPLE_LIBRARY, corpus / "speeches", news_file]
    site.run("import", *map(str, sources))
    site.run("worker", "--once")
    site.run("createsuperuser", "--noinput", "--username", "boss", "--email", "boss@example.org")


def make_token(site: Site) -> str:
    out = site.run("token", "boss").split()
    token = next((w for w in out if w.startswith("wk_")), out[-1] if out else "")
    if not token:
        raise RuntimeError("wenku token printed no token")
    return token


def load_material(pg: Pg, db: str, corpus: Path, seed: int) -> Material:
    rng = random.Random(seed)
    rows = pg.query(
        db, "SELECT id, page_count FROM library_document WHERE status = 'published' AND visibility = 'public'"
    )
    paths = [f"/d/{i}/" if n == 1 else f"/d/{i}/{n}/" for i, count in rows for n in range(1, count + 1)]
    rng.shuffle(paths)
    near_rows = pg.query(
        db,
        "SELECT d.id, d.title, string_agg(p.text, '' ORDER BY p.number) FROM library_document d "
        "JOIN library_page p ON p.document_id = d.id WHERE d.status = 'published' AND d.text_length BETWEEN 800 "
        "AND 6000 GROUP BY d.id, d.title ORDER BY d.id",
    )
    near = [(i, t, text) for i, t, text in near_rows if text.count("\n") >= 3]
    rng.shuffle(near)
    news = read_jsonl(corpus / "news" / "peoples_daily_2020-01.jsonl") + read_jsonl(
        corpus / "news" / "peoples_daily_2020-05.jsonl"
    )
    rng.shuffle(news)
    checks = []
    for record in [*news[:40], *[{"text": t} for _, _, t in near[:40]]]:  # unknown texts and library texts
        text = record["text"]
        start = rng.randrange(max(1, len(text) - 1500))
        checks.append(text[start : start + rng.choice((300, 800, 1500))])
    # documents uploaded during the run are not used for checks or near-duplicates: each configuration's own
    return Material(paths, checks, news[40:], near)


# --- the load ----------------------------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    start: float
    end: float
    status: int  # 0: connection error
    error: str = ""
    path: str = ""


@dataclass
class Upload:
    marker: str
    kind: str  # new | near
    source_id: int | None
    status: int = 0
    document_id: int | None = None
    job_id: int | None = None
    answer: dict = field(default_factory=dict)


class Load:
    """Closed-loop load: ``clients`` threads, each with a keep-alive connection, until the deadline."""

    def __init__(self, port: int, token: str, material: Material, tag: str, weights: dict[str, int], seed: int):
        self.port, self.token, self.material, self.tag = port, token, material, tag
        self.kinds = [k for k in TYPES for _ in range(weights.get(k, 0))]
        self.seed = seed
        self.samples: list[Sample] = []
        self.uploads: list[Upload] = []
        self.lock = threading.Lock()
        self.counter = 0
        self.new_index = 0
        self.near_index = 0

    def run(self, clients: int, duration: float, t0: float) -> float:
        self.t0 = t0
        deadline = self.t0 + duration
        threads = [threading.Thread(target=self._client, args=(i, deadline), daemon=True) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=duration + 120)
        return time.monotonic() - self.t0

    def _client(self, number: int, deadline: float) -> None:
        rng = random.Random(self.seed * 1000 + number)
        conn = None
        while time.monotonic() < deadline:
            kind = rng.choice(self.kinds)
            method, path, body, headers, upload = self._next(kind, rng)
            if conn is None:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=90)
            start = time.monotonic()
            status, error, data = 0, "", b""
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as exc:
                error = type(exc).__name__
                conn.close()
                conn = None
            end = time.monotonic()
            if status >= 500:
                error = data[:300].decode("utf-8", "replace")
            with self.lock:
                self.samples.append(Sample(kind, start - self.t0, end - self.t0, status, error, path))
                if upload is not None:
                    upload.status = status
                    self._read_upload_answer(upload, status, data)
                    self.uploads.append(upload)
        if conn is not None:
            conn.close()

    def _next(self, kind: str, rng: random.Random):
        m = self.material
        if kind == "read":
            return "GET", rng.choice(m.reading_paths), None, {}, None
        if kind == "search":
            return "GET", "/search/?q=" + quote(rng.choice(SEARCH_WORDS)), None, {}, None
        if kind == "check":
            body = json.dumps({"text": rng.choice(m.check_texts)}, ensure_ascii=False).encode()
            return "POST", "/api/check", body, {"Content-Type": "application/json"}, None
        with self.lock:
            self.counter += 1
            marker = f"bm{self.tag}n{self.counter:06d}"
            near = rng.random() < UPLOAD_NEAR_SHARE and m.near_sources
            if near:
                source_id, title, text = m.near_sources[self.near_index % len(m.near_sources)]
                self.near_index += 1
            else:
                record = m.new_docs[self.new_index % len(m.new_docs)]
                self.new_index += 1
        if near:
            paragraphs = text.split("\n")
            text = "\n".join(paragraphs[: max(2, len(paragraphs) - 1)])  # the last paragraph left out
            content = f"{title}\n压测标记 {marker}\n{text}\n"
            upload = Upload(marker, "near", source_id)
        else:
            content = f"{record['title']}\n压测标记 {marker}\n{record['text']}\n"
            upload = Upload(marker, "new", None)
        body, ctype = multipart(f"{marker}.txt", content.encode("utf-8"))
        headers = {"Content-Type": ctype, "Authorization": f"Bearer {self.token}"}
        return "POST", "/api/documents", body, headers, upload

    @staticmethod
    def _read_upload_answer(upload: Upload, status: int, data: bytes) -> None:
        try:
            answer = json.loads(data) if data else {}
        except ValueError:
            answer = {}
        upload.answer = answer if isinstance(answer, dict) else {}
        if status in (200, 201):
            upload.document_id = upload.answer.get("id")
        elif status == 202:
            upload.job_id = upload.answer.get("id")


class Chaos:
    """kill -9 a random gunicorn worker every ``web_every`` s and a random `wenku worker` every ``worker_every`` s."""

    def __init__(self, procs: Processes, web_every: float, worker_every: float, t0: float, seed: int) -> None:
        self.procs, self.web_every, self.worker_every, self.t0 = procs, web_every, worker_every, t0
        self.rng = random.Random(seed)
        self.kills: list[tuple[float, str, int]] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=30)

    def _run(self) -> None:
        next_web = time.monotonic() + self.web_every
        next_worker = time.monotonic() + self.worker_every / 2
        while not self.stopping.wait(0.2):
            now = time.monotonic()
            if self.web_every and now >= next_web:
                at = time.monotonic() - self.t0  # before the kill: a client can see the reset before we note it
                pid = self.procs.kill_web(self.rng)
                if pid:
                    self.kills.append((at, "web", pid))
                next_web = now + self.web_every
            if self.worker_every and now >= next_worker:
                pid = self.procs.kill_worker(self.rng)
                if pid:
                    self.kills.append((time.monotonic() - self.t0, "worker", pid))
                next_worker = now + self.worker_every


class CpuAccount:
    """Where the CPU time of a run went: the load generator (this process), the web processes, the workers, our
    PostgreSQL backends, and everything else on the machine (other benchmarks, other users: noise).

    Live processes are read from /proc (utime + stime + the children they reaped: gunicorn reaps its killed
    workers); killed `wenku worker`s are reaped by this process and show in RUSAGE_CHILDREN. PostgreSQL backends
    come and go (Django closes a connection after CONN_MAX_AGE): they are read every second, so a backend's last
    second before it ends is missed and "other" is slightly overstated."""

    def __init__(self, procs: Processes, pg: Pg, db: str) -> None:
        self.procs, self.pg, self.db = procs, pg, db
        self.backends: dict[tuple[int, str], list[int]] = {}  # (pid, start time): [ticks first seen, ticks last seen]
        self.stopping = threading.Event()
        self.start = self._snapshot()
        self._watch_backends(first=True)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.wait(1.0):
            self._watch_backends()

    def _watch_backends(self, first: bool = False) -> None:
        try:
            rows = self.pg.query("postgres", "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.db,))
        except Exception:  # an accounting aid: the run goes on without it
            return
        for (pid,) in rows:
            started, ticks = _ticks(pid)
            if not started:
                continue
            seen = self.backends.setdefault((pid, started), [ticks if first else 0, ticks])
            seen[1] = ticks

    def _snapshot(self) -> dict:
        roles: dict[str, dict[int, tuple[str, int]]] = {"web": {}, "worker": {}}
        groups = [("web", self.procs.web.pid)] if self.procs.web else []
        with self.procs.lock:
            groups += [("worker", p.pid) for p in self.procs.worker_procs]
        for role, pgid in groups:
            for pid in group_pids(pgid):
                roles[role][pid] = _ticks(pid)
        self_usage = resource.getrusage(resource.RUSAGE_SELF)
        child_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {
            "roles": roles,
            "self": self_usage.ru_utime + self_usage.ru_stime,
            "reaped": child_usage.ru_utime + child_usage.ru_stime,
            "busy": machine_busy_s(),
        }

    def seconds(self) -> dict[str, float | None]:
        self.stopping.set()
        self.thread.join(timeout=10)
        self._watch_backends()
        end = self._snapshot()
        out: dict[str, float | None] = {}
        for role, pids in end["roles"].items():
            before = self.start["roles"][role]
            ticks = 0
            for pid, (started, value) in pids.items():
                old = before.get(pid)
                ticks += value - (old[1] if old and old[0] == started else 0)
            out[role] = ticks / CLOCK_TICKS
        out["worker"] = (out["worker"] or 0) + end["reaped"] - self.start["reaped"]  # killed workers
        out["postgres"] = sum(last - first for first, last in self.backends.values()) / CLOCK_TICKS
        out["load_generator"] = end["self"] - self.start["self"]
        if end["busy"] is None or self.start["busy"] is None:
            out["other"] = None
        else:
            ours = sum(v for v in out.values() if v is not None)
            out["other"] = max(0.0, end["busy"] - self.start["busy"] - ours)
        return out


def _ticks(pid: int) -> tuple[str, int]:
    """(start time, utime + stime + cutime + cstime) of a process; start time tells a reused pid apart."""
    fields = _proc_stat(pid)
    if not fields:
        return ("", 0)
    return (fields[19], sum(int(f) for f in fields[11:15]))


# --- measuring and checking --------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summarize(samples: list[Sample], kills: list[tuple[float, str, int]], wall: float) -> dict:
    web_kills = [t for t, what, _ in kills if what == "web"]

    def blamed(s: Sample) -> bool:
        return any(s.start - 0.05 <= k <= s.end or 0 <= s.end - k <= KILL_BLAME_S for k in web_kills)

    per_type = {}
    for kind in TYPES:
        mine = [s for s in samples if s.kind == kind]
        ok = [s for s in mine if 0 < s.status < 500]
        latencies = [(s.end - s.start) * 1000 for s in ok]
        conn = [s for s in mine if s.status == 0]
        per_type[kind] = {
            "requests": len(mine),
            "per_s": len(mine) / wall if wall else 0.0,
            "p50_ms": percentile(latencies, 0.50),
            "p99_ms": percentile(latencies, 0.99),
            "max_ms": max(latencies) if latencies else None,
            "statuses": dict(sorted(Counter(str(s.status) for s in mine).items())),
            "http_5xx": sum(1 for s in mine if s.status >= 500),
            "http_429": sum(1 for s in mine if s.status == 429),
            "connection_errors": len(conn),
            "connection_errors_blamed_on_kills": sum(1 for s in conn if blamed(s)),
        }
    ok_all = [(s.end - s.start) * 1000 for s in samples if 0 < s.status < 500]
    conn_all = [s for s in samples if s.status == 0]
    blamed_n = sum(1 for s in conn_all if blamed(s))
    server_errors = [s for s in samples if s.status >= 500]
    delays = [min((s.end - k for k in web_kills if k <= s.end), default=None) for s in conn_all]
    known = sorted(d for d in delays if d is not None)
    return {
        "wall_s": wall,
        "requests": len(samples),
        "per_s": len(samples) / wall if wall else 0.0,
        "answered_below_500_per_s": len(ok_all) / wall if wall else 0.0,
        "p50_ms": percentile(ok_all, 0.50),
        "p99_ms": percentile(ok_all, 0.99),
        "http_5xx": len(server_errors),
        "http_429": sum(1 for s in samples if s.status == 429),
        "connection_errors": len(conn_all),
        "connection_errors_blamed_on_kills": blamed_n,
        "connection_errors_unexplained": len(conn_all) - blamed_n,
        "connection_error_kinds": dict(Counter(s.error for s in conn_all)),
        # how long after the latest web kill each connection error ended: clustered near 0 when the kills cause them
        "connection_error_s_after_kill": {
            "p50": percentile(known, 0.5),
            "p90": percentile(known, 0.9),
            "max": known[-1] if known else None,
            "before_any_kill": len(delays) - len(known),
        },
        "errors_not_429": len(server_errors) + len(conn_all) - blamed_n,
        "server_error_examples": [
            {"kind": s.kind, "path": s.path[:120], "status": s.status, "at_s": round(s.start, 2), "body": s.error}
            for s in server_errors[:10]
        ],
        "kills": {"web": len(web_kills), "worker": sum(1 for _, what, _ in kills if what == "worker")},
        "per_type": per_type,
    }


def outstanding(pg: Pg, db: str) -> dict[str, int]:
    (row,) = pg.query(
        db,
        "SELECT (SELECT count(*) FROM jobs_importjob WHERE state IN ('queued', 'running')), "
        "(SELECT count(*) FROM library_documentchange), "
        "(SELECT count(*) FROM library_followup WHERE step = 'review'), "
        "(SELECT count(*) FROM library_followup)",
    )
    return dict(zip(("jobs", "index_outbox", "review_followups", "all_followups"), row, strict=True))


def drain(pg: Pg, db: str, procs: Processes, timeout: float) -> tuple[float, dict[str, int], bool]:
    """Wait until no job and no outbox row is left (bounded); restart any `wenku worker` that died meanwhile."""
    start = time.monotonic()
    while True:
        left = outstanding(pg, db)
        if not any(left.values()):
            return time.monotonic() - start, left, True
        if time.monotonic() - start > timeout:
            return time.monotonic() - start, left, False
        with procs.lock:
            for i, proc in enumerate(procs.worker_procs):
                if proc.poll() is not None:
                    print(f"  a wenku worker exited by itself ({proc.returncode}); restarted", file=sys.stderr)
                    procs.retired.append(proc)
                    procs.exited_by_themselves.append(proc.returncode)
                    procs.worker_procs[i] = procs._start_worker()
        time.sleep(2)


def verify(pg: Pg, db: str, port: int, token: str, uploads: list[Upload]) -> dict:
    """Every acknowledged upload: its job done, its document stored and found by its marker; near-duplicates
    recorded against their original."""
    acked = [u for u in uploads if u.status in (200, 201, 202)]
    problems: list[dict] = []
    lost = unindexed = unreviewed = jobs_not_done = 0
    near_missed = near_ok = unexpected_near = near_other = 0
    near_rows = dict(pg.query(db, "SELECT document_id, original_id FROM checking_nearduplicate"))
    review_left = {r[0] for r in pg.query(db, "SELECT document_id FROM library_followup WHERE step = 'review'")}
    marker_docs: dict[str, list[int]] = defaultdict(list)
    for doc_id, text in pg.query(db, "SELECT document_id, text FROM library_page WHERE text LIKE '%%压测标记 bm%%'"):
        for word in text.split():
            if word.startswith("bm"):
                marker_docs[word].append(doc_id)
    for upload in acked:
        doc_id = upload.document_id
        if upload.status == 202:
            status, job = request_json(port, "GET", f"/api/jobs/{upload.job_id}", token)
            if status != 200 or job.get("state") != "done":
                jobs_not_done += 1
                problems.append({"marker": upload.marker, "job": upload.job_id, "state": job.get("state")})
            docs = job.get("documents") or []
            doc_id = docs[0]["id"] if docs else None
        stored = marker_docs.get(upload.marker, [])
        if doc_id is None or doc_id not in stored:
            lost += 1
            problems.append({"marker": upload.marker, "lost": True, "answer_id": doc_id, "stored": stored})
            continue
        status, found = request_json(port, "GET", f"/api/search?q={upload.marker}")
        if status != 200 or doc_id not in [h["id"] for h in found.get("hits", [])]:
            unindexed += 1
            problems.append({"marker": upload.marker, "unindexed": doc_id, "search": status})
        if doc_id in review_left:
            unreviewed += 1
        if upload.kind == "near":
            if doc_id in near_rows:
                near_ok += 1
                copies = [u for u in acked if u.source_id == upload.source_id and marker_docs.get(u.marker)]
                family = {upload.source_id, *(marker_docs[u.marker][0] for u in copies)}
                near_other += near_rows[doc_id] not in family
            else:
                near_missed += 1
                problems.append({"marker": upload.marker, "near_not_recorded": doc_id, "original": upload.source_id})
        elif doc_id in near_rows:
            unexpected_near += 1
    unacked = [u for u in uploads if u.status not in (200, 201, 202)]
    return {
        "uploads": len(uploads),
        "acknowledged": len(acked),
        "answered": dict(Counter(str(u.status) for u in uploads)),
        "jobs_not_done": jobs_not_done,
        "documents_lost": lost,
        "documents_unindexed": unindexed,
        "documents_unreviewed": unreviewed,
        "near_duplicates_uploaded": sum(1 for u in acked if u.kind == "near"),
        "near_duplicates_recorded": near_ok,
        "near_duplicates_missed": near_missed,
        "near_duplicates_recorded_against_another_document": near_other,
        "new_documents_recorded_as_near_duplicates": unexpected_near,
        "unacknowledged_uploads_stored_anyway": sum(1 for u in unacked if marker_docs.get(u.marker)),
        "problems": problems[:30],
    }


# --- one configuration -------------------------------------------------------------------------------------------


@dataclass
class Options:
    wenku: str
    pg: Pg
    base_db: str
    base_dir: Path
    token: str
    material: Material
    workers: int
    threads: int
    clients: int
    weights: dict[str, int]
    kill_web_every: float
    kill_worker_every: float
    drain_timeout: float
    run_id: str
    extra_env: dict[str, str]


def run_configuration(opts: Options, webs: int, duration: float, soak: bool = False) -> dict:
    name = f"{opts.base_db}_w{webs}" + ("_soak" if soak else "")
    data_dir = opts.base_dir.parent / (f"{opts.base_dir.name}-w{webs}" + ("-soak" if soak else ""))
    shutil.rmtree(data_dir, ignore_errors=True)
    shutil.copytree(opts.base_dir, data_dir, symlinks=True)
    opts.pg.create(name, template=opts.base_db)
    site = Site(opts.wenku, data_dir, name, opts.pg.db_url(name), port=free_port(), extra_env=opts.extra_env)
    procs = Processes(site, webs, opts.workers, opts.threads)
    result: dict = {"web_processes": webs, "wenku_workers": opts.workers, "threads_per_web": opts.threads}
    try:
        procs.start()
        print(f"  {webs} web process(es), {opts.workers} workers up on port {site.port}", file=sys.stderr)
        tag = f"{opts.run_id}w{webs}"
        load = Load(site.port, opts.token, opts.material, tag, opts.weights, seed=webs)
        cpu = CpuAccount(procs, opts.pg, name)
        t0 = time.monotonic()
        chaos = Chaos(procs, opts.kill_web_every, opts.kill_worker_every, t0, seed=webs)
        sampler = PssSampler(procs, t0, 30.0) if soak else None
        chaos.start()
        if sampler:
            sampler.start()
        wall = load.run(opts.clients, duration, t0)
        chaos.stop()
        if sampler:
            sampler.stop()
        cpu_s = cpu.seconds()
        result["load"] = summarize(load.samples, chaos.kills, wall)
        result["cpu_s_per_s"] = {role: None if v is None else v / wall for role, v in cpu_s.items()}
        result["other_cpu_s_per_s"] = result["cpu_s_per_s"]["other"]
        drain_s, left, drained = drain(opts.pg, name, procs, opts.drain_timeout)
        result["drain"] = {"seconds": drain_s, "drained": drained, "left": left}
        result["verify"] = verify(opts.pg, name, site.port, opts.token, load.uploads)
        result["server_log_errors"] = log_errors(data_dir)
        if sampler:
            result["memory"] = sampler.report()
    finally:
        result["processes"] = procs.stop()
        opts.pg.drop(name)
        shutil.rmtree(data_dir, ignore_errors=True)
    return result


def log_errors(data_dir: Path) -> dict[str, list[str]]:
    """Tracebacks and ERROR lines of the server and worker logs (the first lines of each, to read)."""
    found = {}
    for name in ("serve.log", "worker.log"):
        path = data_dir / name
        if not path.exists():
            continue
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        hits = []
        for i, line in enumerate(lines):
            if "Traceback" in line or " ERROR " in line or "CRITICAL" in line:
                hits.append("\n".join(lines[i : i + 25]) if "Traceback" in line else line)
        found[name] = {"count": len(hits), "first": hits[:8]}
    return found


class PssSampler:
    """PSS of every web and worker process every ``every`` seconds (the soak)."""

    def __init__(self, procs: Processes, t0: float, every: float) -> None:
        self.procs, self.t0, self.every = procs, t0, every
        self.samples: list[dict] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=30)
        self._sample()

    def _run(self) -> None:
        self._sample()
        while not self.stopping.wait(self.every):
            self._sample()

    def _sample(self) -> None:
        pss = self.procs.pss()
        sample = {
            "t_s": round(time.monotonic() - self.t0, 1),
            "web_kb": sum(pss["web"].values()),
            "worker_kb": sum(pss["worker"].values()),
            "per_pid_kb": {role: {str(p): kb for p, kb in d.items()} for role, d in pss.items()},
        }
        self.samples.append(sample)
        log = self.procs.site.data_dir.parent / f"{self.procs.site.data_dir.name}-pss.jsonl"
        with log.open("a") as handle:
            handle.write(json.dumps(sample) + "\n")

    def report(self) -> dict:
        warm = [s for s in self.samples if s["t_s"] >= WARM_UP_S] or self.samples  # start-up memory left out
        quarter = max(1, len(warm) // 4)
        first, last = warm[:quarter], warm[-quarter:]
        out: dict = {"samples": self.samples, "every_s": self.every}
        for role in ("web_kb", "worker_kb"):
            a = statistics.median(s[role] for s in first)
            b = statistics.median(s[role] for s in last)
            out[role.replace("_kb", "")] = {
                "first_quarter_median_mb": a / 1024,
                "last_quarter_median_mb": b / 1024,
                "growth": (b - a) / a if a else None,
            }
        growths = [out[r]["growth"] for r in ("web", "worker") if out[r]["growth"] is not None]
        out["steady"] = bool(growths) and max(growths) <= 0.10
        out["steady_rule"] = (
            f"after the first {WARM_UP_S:.0f} s: last-quarter median PSS within +10 % of the first-quarter median, "
            "web and workers"
        )
        return out


# --- main --------------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--webs", default="1,2,4", help="web processes per configuration (comma-separated)")
    parser.add_argument("--workers", type=int, default=2, help="`wenku worker` processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per web process (gunicorn gthread)")
    parser.add_argument("--clients", type=int, default=16, help="load generator threads (closed loop)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load per configuration")
    parser.add_argument("--mix", default="read=55,search=20,check=15,upload=10", help="request weights")
    parser.add_argument("--kill-web-every", type=float, default=5, help="s between kill -9 of a gunicorn worker")
    parser.add_argument("--kill-worker-every", type=float, default=10, help="s between kill -9 of a wenku worker")
    parser.add_argument("--no-kills", action="store_true", help="no kill -9 at all")
    parser.add_argument("--drain-timeout", type=float, default=300, help="s to wait for the queue to drain")
    parser.add_argument("--news", type=int, default=300, help="People's Daily articles in the starting library")
    parser.add_argument("--soak", type=float, metavar="MINUTES", help="one configuration for this long, PSS sampled")
    parser.add_argument("--soak-webs", type=int, default=2, help="web processes in the soak")
    parser.add_argument("--soak-kills", action="store_true", help="keep the kills on in the soak (off by default: a "
                        "restarted process starts with fresh memory, which would hide a leak)")  # fmt: skip
    parser.add_argument("--job-lease", type=int, help="WENKU_JOB_LEASE for the run (default: Wenku's)")
    parser.add_argument("--pg", default=os.environ.get("WENKU_BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--db-prefix", default="wenku_bench_scale", help="names of the databases made (and dropped)")
    parser.add_argument("--work-dir", type=Path, default=None, help="where data dirs go (default bench/.cache)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--wenku", default=None, help="the `wenku` command (default: .venv's)")
    parser.add_argument("--out", type=Path, default=None, help="result file (default bench/results/scale.json)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    exit_cleanly_on_sigterm()
    wenku = args.wenku or default_wenku()
    pg = Pg(args.pg)
    run_id = uuid.uuid4().hex[:6]
    base_db = f"{args.db_prefix}_{run_id}"
    work = args.work_dir or (Path(__file__).resolve().parent / ".cache")
    work.mkdir(parents=True, exist_ok=True)
    base_dir = work / f"scale-{run_id}"
    base_dir.mkdir()
    weights = {k: int(v) for k, v in (part.split("=") for part in args.mix.split(","))}
    extra_env = {"WENKU_JOB_LEASE": str(args.job_lease)} if args.job_lease else {}
    results: dict = {"machine": machine_info(), "args": {k: str(v) for k, v in vars(args).items()}}
    out = args.out or RESULTS_DIR / ("soak.json" if args.soak else "scale.json")
    try:
        pg.create(base_db)
        site = Site(wenku, base_dir, base_db, pg.db_url(base_db), port=free_port(), extra_env=extra_env)
        started = time.monotonic()
        print(f"building the starting library in {base_db} ...", file=sys.stderr)
        build_library(site, args.corpus, args.news)
        token = make_token(site)
        material = load_material(pg, base_db, args.corpus, seed=1)
        (count,) = pg.query(base_db, "SELECT count(*) FROM library_document")[0]
        results["library"] = {"documents": count, "reading_paths": len(material.reading_paths),
                              "setup_s": time.monotonic() - started}  # fmt: skip
        print(f"  {count} documents, {len(material.reading_paths)} reading pages", file=sys.stderr)
        opts = Options(
            wenku, pg, base_db, base_dir, token, material, args.workers, args.threads, args.clients, weights,
            0 if args.no_kills else args.kill_web_every, 0 if args.no_kills else args.kill_worker_every,
            args.drain_timeout, run_id, extra_env,
        )  # fmt: skip
        if args.soak:
            if not args.soak_kills:
                opts.kill_web_every = opts.kill_worker_every = 0
            print(f"soak: {args.soak_webs} web processes for {args.soak} min", file=sys.stderr)
            results["soak"] = run_configuration(opts, args.soak_webs, args.soak * 60, soak=True)
        else:
            results["configurations"] = []
            for webs in (int(w) for w in args.webs.split(",")):
                print(f"configuration: {webs} web process(es) for {args.duration:.0f} s", file=sys.stderr)
                results["configurations"].append(run_configuration(opts, webs, args.duration))
                write(out, results)  # what is done so far survives a crash of a later configuration
    finally:
        pg.drop(base_db)
        shutil.rmtree(base_dir, ignore_errors=True)
    write(out, results)
    report(results)
    print(f"\nresults: {out}")
    return 0


def write(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    temp.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    temp.replace(path)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def report(results: dict) -> None:
    configs = results.get("configurations") or [results["soak"]]
    print(f"\n{os.cpu_count()} CPUs on this machine; the load generator, PostgreSQL, web and workers share them.")
    headers = ["config / type", "req", "req/s", "p50 ms", "p99 ms", "5xx", "429", "conn err (kills)"]
    rows = []
    for config in configs:
        load = config["load"]
        label = f"{config['web_processes']} web, {config['wenku_workers']} workers"
        rows.append([label, f"{load['requests']}", f"{load['per_s']:.1f}", _ms(load["p50_ms"]), _ms(load["p99_ms"]),
                     f"{load['http_5xx']}", f"{load['http_429']}",
                     f"{load['connection_errors']} ({load['connection_errors_blamed_on_kills']})"])  # fmt: skip
        for kind, t in load["per_type"].items():
            rows.append([f"  {kind}", f"{t['requests']}", f"{t['per_s']:.1f}", _ms(t["p50_ms"]), _ms(t["p99_ms"]),
                         f"{t['http_5xx']}", f"{t['http_429']}",
                         f"{t['connection_errors']} ({t['connection_errors_blamed_on_kills']})"])  # fmt: skip
    print_table(headers, rows)
    print()
    headers = ["config", "kills web/wrk", "errors≠429", "uploads ack", "lost", "unindexed", "unreviewed",
               "near rec/up", "drain s", "other CPU/s"]  # fmt: skip
    rows = []
    for config in configs:
        load, v, d = config["load"], config["verify"], config["drain"]
        rows.append([
            f"{config['web_processes']} web", f"{load['kills']['web']}/{load['kills']['worker']}",
            f"{load['errors_not_429']}", f"{v['acknowledged']}/{v['uploads']}", f"{v['documents_lost']}",
            f"{v['documents_unindexed']}", f"{v['documents_unreviewed']}",
            f"{v['near_duplicates_recorded']}/{v['near_duplicates_uploaded']}",
            f"{d['seconds']:.0f}{'' if d['drained'] else ' (NOT drained)'}",
            "-" if config["other_cpu_s_per_s"] is None else f"{config['other_cpu_s_per_s']:.2f}",
        ])  # fmt: skip
    print_table(headers, rows)
    print("\nCPU seconds per second of load (2.0 = both cores of a 2-core machine):")
    for config in configs:
        cpu = config.get("cpu_s_per_s", {})
        parts = ", ".join(f"{role} {v:.2f}" for role, v in cpu.items() if v is not None)
        print(f"  {config['web_processes']} web: {parts}")
    memory = configs[0].get("memory")
    if memory:
        print()
        for role in ("web", "worker"):
            m = memory[role]
            print(f"PSS {role}: first quarter {m['first_quarter_median_mb']:.0f} MB, last quarter "
                  f"{m['last_quarter_median_mb']:.0f} MB ({m['growth']:+.1%})")  # fmt: skip
        print(f"memory steady: {memory['steady']} ({memory['steady_rule']})")


if __name__ == "__main__":
    sys.exit(main())
