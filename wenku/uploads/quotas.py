"""Per-user daily upload quotas for everyone but staff: files, megabytes and new documents per day (0: no limit).

Files and bytes are counted when an upload is received, before anything is written: each upload request that
may go ahead leaves an accounts.UploadUsage row. The row is written *before* the day's total is summed, so that
concurrent uploads of one user cannot all pass on the same remaining quota (the k-th row written sees at least
k-1 others); a refused upload's row is deleted again. New documents are the user's documents created today, so
a JSONL file of many records counts each record that became a document (documents_left, for the importer).

A day is the calendar day in the site's time zone (WENKU_TIME_ZONE): quotas refill at midnight.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.utils import timezone

from wenku.accounts.models import UploadUsage
from wenku.library.models import Document

MB = 1024 * 1024


def refusal(user, files: int, nbytes: int) -> str | None:
    """Count an upload of ``files`` files and ``nbytes`` bytes by ``user`` against today's quotas: None when it
    may go ahead (and it is counted), else why not, in Chinese (and nothing is counted)."""
    if _exempt(user):
        return None
    if documents_left(user.pk) == 0:
        limit = settings.WENKU_UPLOAD_DOCUMENTS_PER_DAY
        return f"今天上传的文档已达上限（每天 {limit} 篇），请明天再上传。"
    files_limit, mb_limit = settings.WENKU_UPLOAD_FILES_PER_DAY, settings.WENKU_UPLOAD_MB_PER_DAY
    if not files_limit and not mb_limit:
        return None
    start = _start_of_today()
    UploadUsage.objects.filter(created__lt=start - timedelta(days=1)).delete()
    row = UploadUsage.objects.create(user=user, files=files, bytes=nbytes)
    used = UploadUsage.objects.filter(user=user, created__gte=start).aggregate(files=Sum("files"), bytes=Sum("bytes"))
    reason = None
    if files_limit and used["files"] > files_limit:
        left = max(0, files_limit - (used["files"] - files))
        reason = f"今天还可上传 {left} 个文件（每天最多 {files_limit} 个），这次上传了 {files} 个，请明天再上传其余的。"
    elif mb_limit and used["bytes"] > mb_limit * MB:
        left = max(0, mb_limit * MB - (used["bytes"] - nbytes))
        reason = (
            f"今天还可上传 {left / MB:.1f} MB（每天最多 {mb_limit} MB），"
            f"这次上传的文件共 {nbytes / MB:.1f} MB，请明天再上传。"
        )
    if reason:
        row.delete()
    return reason


def documents_left(user_id: int) -> int | None:
    """How many more documents the user may add today (0: none), or None when there is no limit for them.

    For the importer: a file of many records (JSONL) stops adding documents past this many."""
    limit = settings.WENKU_UPLOAD_DOCUMENTS_PER_DAY
    if not limit:
        return None
    user = get_user_model().objects.filter(pk=user_id).only("is_staff").first()
    if user is None or _exempt(user):
        return None
    made = Document.objects.filter(uploader_id=user_id, created__gte=_start_of_today()).count()
    return max(0, limit - made)


def _exempt(user) -> bool:
    return bool(user.is_staff)


def _start_of_today() -> datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
