"""/healthz: can this process answer? The database, the search index, the 查重 index, the disk and the
background worker's lag, as JSON;
200 when all are ok, 503 otherwise (for a load balancer or a monitor)."""

from __future__ import annotations

import logging
import shutil
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from wenku.checking.index.base import IndexUnavailable
from wenku.search.backends.base import REINDEX_HINT, SearchUnavailable
from wenku.search.registry import forget_backend, get_backend

log = logging.getLogger(__name__)
MIN_FREE_MB = 100  # less free space than this in the data dir is not ok: imports and index commits would fail


def search_index_state() -> tuple[str, str]:
    """The search index's state as its backend reports it (see TantivyBackend.state)."""
    try:
        state = get_backend().state()
    except (SearchUnavailable, DatabaseError, OSError, ValueError) as exc:
        state = ("damaged", str(exc))
    if state[0] != "ok":
        forget_backend()  # opened afresh next time: `wenku reindex` in another process may have repaired it
    return state


def check_index_state() -> tuple[str, str]:
    """The 查重 fingerprint index: ok, or stale/missing/damaged (both need `wenku reindex`)."""
    from wenku.checking.registry import get_index

    try:
        index = get_index()
        if index.needs_rebuild():
            return "stale", "查重索引缺失、损坏或由另一版本建立"
        return "ok", f"{index.document_count()} 篇文档"
    except (IndexUnavailable, DatabaseError, OSError, ValueError) as exc:
        return "damaged", str(exc)


def _database() -> tuple[str, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return "ok", connection.vendor
    except DatabaseError as exc:
        return "error", str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def _disk() -> tuple[str, str, int]:
    try:
        free_mb = shutil.disk_usage(settings.DATA_DIR).free // (1024 * 1024)
    except OSError as exc:
        return "error", str(exc), 0
    return ("ok" if free_mb >= MIN_FREE_MB else "low"), f"{free_mb} MB", free_mb


def _shared_store() -> tuple[str, str]:
    """The store every process counts throttles in (a database table, or Redis with WENKU_REDIS_URL)."""
    from django.core.cache import caches

    try:
        caches["shared"].get("wenku:healthz")
    except Exception as exc:  # Redis away: limited actions wait (lib/ratelimit.py) until it is back
        return "error", f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
    return "ok", "redis" if settings.WENKU_REDIS_URL else "database"


def _worker() -> dict:
    """Background work: live workers (a heartbeat in the last minute) and the age of the oldest waiting work.
    Not ok when work has waited longer than WENKU_WORKER_MAX_LAG seconds (no worker, or too few)."""
    from wenku.jobs import follow_ups
    from wenku.jobs.models import WorkerBeat

    now = timezone.now()
    alive = WorkerBeat.objects.filter(seen__gte=now - timedelta(minutes=1)).count()
    oldest = follow_ups.oldest_waiting()
    lag = max(0, int((now - oldest).total_seconds())) if oldest is not None else 0
    ok = lag <= settings.WENKU_WORKER_MAX_LAG
    return {
        "ok": ok,
        "state": "ok" if ok else "behind",
        "workers": alive,
        "lag_seconds": lag,
        "waiting": follow_ups.waiting(),
    }


@never_cache
def healthz(request):
    database = _database()
    search = search_index_state() if database[0] == "ok" else ("unknown", "数据库不可用")
    check = check_index_state() if database[0] == "ok" else ("unknown", "数据库不可用")
    disk = _disk()
    store = _shared_store() if database[0] == "ok" or settings.WENKU_REDIS_URL else ("unknown", "数据库不可用")
    worker = _worker() if database[0] == "ok" else {"ok": False, "state": "unknown"}
    body = {
        "ok": all(part[0] == "ok" for part in (database, search, check, disk, store)) and worker["ok"],
        "database": {"ok": database[0] == "ok", "state": database[0], "detail": database[1]},
        "search_index": {"ok": search[0] == "ok", "state": search[0], "detail": search[1]},
        "check_index": {"ok": check[0] == "ok", "state": check[0], "detail": check[1]},
        "disk": {"ok": disk[0] == "ok", "state": disk[0], "free_mb": disk[2]},
        "worker": worker,
        "shared_store": {"ok": store[0] == "ok", "state": store[0], "detail": store[1]},
    }
    if search[0] != "ok" or check[0] != "ok":
        body["hint"] = REINDEX_HINT
    if not body["ok"]:
        log.warning("healthz not ok: %s", body)
    return JsonResponse(body, status=200 if body["ok"] else 503, json_dumps_params={"ensure_ascii": False})
