"""wenku serve [--demo] [--host] [--port]: migrate, collect static files, then serve with gunicorn."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenku.search.backends.base import REINDEX_HINT, SearchUnavailable
from wenku.search.indexing import apply_pending
from wenku.search.registry import forget_backend, get_backend
from wenku.web import hosts

SAMPLE_LIBRARY = Path(__file__).resolve().parents[3] / "sample_library"
SAMPLE_CATEGORIES = {
    "gov_work_reports": "政府工作报告",
    "npc_resolutions_on_gov_work_reports.jsonl": "人大决议",
}


class Command(BaseCommand):
    help = gettext_lazy("Serve the site with a production WSGI server (gunicorn) and static files (whitenoise).")
    examples = gettext_lazy(
        "  wenku serve                          http://127.0.0.1:8000/\n"
        "  wenku serve --host 0.0.0.0 --port 80   for everyone on the network\n"
        "  wenku serve --demo                   first import the bundled sample library"
    )

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help=_("first import the bundled sample library"))
        parser.add_argument(
            "--host", default=os.environ.get("WENKU_HOST", "127.0.0.1"), help=_("address to listen on (WENKU_HOST)")
        )
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("WENKU_PORT", "8000")), help=_("port (WENKU_PORT)")
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WENKU_WORKERS", "0")),
            help=_("worker processes (default: 2 per CPU core, at least 2)"),
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            default=os.environ.get("WENKU_SERVE_WORKER", "1") == "0",
            help=_("do not start a background worker (run `wenku worker` separately; WENKU_SERVE_WORKER=0)"),
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("WENKU_THREADS", "4")),
            help=_("threads per worker process (WENKU_THREADS)"),
        )

    def handle(self, *args, demo: bool, host: str, port: int, workers: int, threads: int, no_worker: bool, **options):
        if demo:
            hosts.serve_demo(host)
        else:  # refuse to start answering to any host, or unconfigured, and say what to set (web/hosts.py)
            self.check(tags=[hosts.TAG], include_deployment_checks=True)
        self.stdout.write(_("Data dir: %(path)s") % {"path": settings.DATA_DIR})
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if demo:
            self.import_sample_library()
        self.check_search_index()
        connections.close_all()  # workers fork from this process; they open their own connections
        if not no_worker:
            from wenku.jobs.supervisor import WorkerProcess

            WorkerProcess().start()  # imports of uploads, index, reviews, download files (wenku worker)
        workers = workers or max(2, 2 * (os.cpu_count() or 1))
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
        self.stdout.write(_("Wenku at %(url)s") % {"url": url})
        run_gunicorn(f"{host}:{port}" if ":" not in host else f"[{host}]:{port}", workers, threads)

    def check_search_index(self) -> None:
        """Find a damaged index before serving: say so (searches answer 503 until `wenku reindex`) rather than
        let requests find it. A missing or outdated one is (re)built here, never inside a request."""
        state, detail = get_backend().state()
        if state == "damaged":
            forget_backend()
            self.stderr.write(
                _("Search index damaged: %(detail)s") % {"detail": detail}
                + f"\n{REINDEX_HINT}. "
                + _("Searches answer 503 until then.")
            )
            return
        if state in ("missing", "stale"):
            message = _("Search index %(state)s (%(detail)s): building it now, as `wenku reindex` does.")
            self.stdout.write(message % {"state": state, "detail": detail})
        try:
            applied = apply_pending()  # repairs what a crash between database and index commits left behind
        except SearchUnavailable as exc:
            forget_backend()
            self.stderr.write(_("Search index unusable: %(error)s") % {"error": exc})
            return
        if applied:
            self.stdout.write(_("Search index: %(count)d documents brought up to date.") % {"count": applied})

    def import_sample_library(self) -> None:
        from wenku.ingest.importer import ImportOptions
        from wenku.jobs import pipeline

        imported = 0
        for entry, category in SAMPLE_CATEGORIES.items():
            results = pipeline.import_files([SAMPLE_LIBRARY / entry], ImportOptions(category=category)).results
            imported += sum(1 for r in results if r.status == "imported")
        message = _("Sample library: %(count)d documents imported (already there: the rest).")
        self.stdout.write(message % {"count": imported})


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
            # The scheme and client address behind a proxy are wenku.web.proxies' to decide (WENKU_TRUSTED_PROXIES):
            # gunicorn must not take X-Forwarded-Proto from loopback peers by itself.
            self.cfg.set("secure_scheme_headers", {})
            self.cfg.set("forwarded_allow_ips", ",".join(str(n) for n in settings.WENKU_TRUSTED_PROXIES))

        def load(self):
            return application

    WenkuServer().run()
