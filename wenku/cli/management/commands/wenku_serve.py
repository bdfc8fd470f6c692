"""wenku serve [--demo] [--host] [--port]: migrate, collect static files, then serve with gunicorn."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from wenku.search.backends.base import REINDEX_HINT, SearchUnavailable
from wenku.search.indexing import apply_pending
from wenku.search.registry import forget_backend, get_backend

SAMPLE_LIBRARY = Path(__file__).resolve().parents[3] / "sample_library"
SAMPLE_CATEGORIES = {
    "gov_work_reports": "政府工作报告",
    "npc_resolutions_on_gov_work_reports.jsonl": "人大决议",
}


class Command(BaseCommand):
    help = "Serve the site with a production WSGI server (gunicorn) and static files (whitenoise)."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="first import the bundled sample library")
        parser.add_argument("--host", default=os.environ.get("WENKU_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("WENKU_PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WENKU_WORKERS", "0")),
            help="worker processes (default: 2 per CPU core, at least 2)",
        )
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WENKU_THREADS", "4")))

    def handle(self, *args, demo: bool, host: str, port: int, workers: int, threads: int, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if demo:
            self.import_sample_library()
        self.check_search_index()
        connections.close_all()  # workers fork from this process; they open their own connections
        workers = workers or max(2, 2 * (os.cpu_count() or 1))
        self.stdout.write(f"Wenku at http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/")
        run_gunicorn(f"{host}:{port}" if ":" not in host else f"[{host}]:{port}", workers, threads)

    def check_search_index(self) -> None:
        """Find a damaged index before serving: say so (searches answer 503 until `wenku reindex`) rather than
        let requests find it. A missing or outdated one is (re)built here, never inside a request."""
        state, detail = get_backend().state()
        if state == "damaged":
            forget_backend()
            self.stderr.write(f"Search index damaged: {detail}\n{REINDEX_HINT}. Searches answer 503 until then.")
            return
        if state in ("missing", "stale"):
            self.stdout.write(f"Search index {state} ({detail}): building it now, as `wenku reindex` does.")
        try:
            applied = apply_pending()  # repairs what a crash between database and index commits left behind
        except SearchUnavailable as exc:
            forget_backend()
            self.stderr.write(f"Search index unusable: {exc}")
            return
        if applied:
            self.stdout.write(f"Search index: {applied} documents brought up to date.")

    def import_sample_library(self) -> None:
        from wenku.ingest.importer import ImportOptions, import_paths

        imported = 0
        for entry, category in SAMPLE_CATEGORIES.items():
            results = import_paths([SAMPLE_LIBRARY / entry], ImportOptions(category=category))
            imported += sum(1 for r in results if r.status == "imported")
        self.stdout.write(f"Sample library: {imported} documents imported (already there: the rest).")


def run_gunicorn(bind: str, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    from wenku.wsgi import application

    class WenkuServer(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread" if threads > 1 else "sync")
            self.cfg.set("timeout", 60)
            self.cfg.set("keepalive", 5)
            self.cfg.set("accesslog", os.environ.get("WENKU_ACCESS_LOG") or None)
            # gunicorn's control socket lives in one place per user: two sites would take it from each other.
            self.cfg.set("control_socket_disable", True)

        def load(self):
            return application

    WenkuServer().run()
