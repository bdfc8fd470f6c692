"""/upload/: one or many files through the importer, a result line per file.

With JavaScript the page posts with XMLHttpRequest (for the progress bar) and gets back only the results
fragment; without it the form posts normally and the whole page comes back with the results.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from wenku.ingest.converters import SUPPORTED_EXTENSIONS
from wenku.jobs.models import ImportJob
from wenku.library.models import Status
from wenku.uploads import limits, quotas
from wenku.uploads.forms import VISIBILITY_HELP, UploadForm
from wenku.uploads.importing import Outcome, job_outcomes, options_for, queue_upload, refused_for_size, settle

FIELD = "files"
KEPT_BACK = "too_large"  # empty stand-ins, named as the files the script did not send for their size (upload.js)


@csrf_exempt  # checked in _receive, once the size limit is in place: checking CSRF reads the request body
@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    if request.method != "POST":
        return _page(request, UploadForm())
    handler = limits.install(request)
    try:
        request.POST, request.FILES  # noqa: B018  (read the body now, under the limit)
    except TooManyFilesSent:
        return _error(request, f"一次最多上传 {settings.DATA_UPLOAD_MAX_NUMBER_FILES} 个文件，请分批上传。")
    except (RequestDataTooBig, TooManyFieldsSent):
        return _error(request, "表单内容太长（文件以外的部分），请缩短简介。")
    except MultiPartParserError:
        return _error(request, "上传的数据不完整，请重新上传。")
    return _receive(request, handler)


@csrf_protect
def _receive(request, handler: limits.SizeLimitHandler):
    form = UploadForm(request.POST)
    arrivals = _in_order(request, handler)
    if not form.is_valid():
        return _respond(request, form, [], status=400)
    if not arrivals:
        return _respond(request, form, [], status=400, error="请选择要上传的文件。")
    received = [a for a in arrivals if not isinstance(a, str)]
    over_quota = quotas.refusal(request.user, len(received), sum(f.size or 0 for f in received)) if received else None
    if over_quota:
        return _respond(request, form, [], status=429, error=over_quota)
    data = form.cleaned_data
    options = options_for(
        request.user,
        title=data["title"] if len(arrivals) == 1 else "",
        category=form.category_name(),
        description=data["description"],
        visibility=data["visibility"],
    )
    queued = [
        refused_for_size(arrival) if isinstance(arrival, str) else queue_upload(arrival, options, request.user)
        for arrival in arrivals
    ]
    return _respond(request, form, settle(queued, request.user))


@login_required
@require_http_methods(["GET"])
def jobs(request):
    """/upload/jobs/?ids=…: the results of the uploader's own import jobs, polled while some are unfinished."""
    ids = [int(part) for part in request.GET.get("ids", "").split(",") if part.isascii() and part.isdigit()][:100]
    found = {job.pk: job for job in ImportJob.objects.filter(pk__in=ids, user=request.user)}
    outcomes = [line for i in ids if i in found for line in job_outcomes(found[i], request.user)]
    return _respond(request, UploadForm(), outcomes)


def _in_order(request, handler: limits.SizeLimitHandler) -> list:
    """The uploaded files, and the names of those dropped or kept back as too large, in the order sent."""
    files = request.FILES.getlist(FIELD)
    arrived = [(field, name, dropped) for field, name, dropped in handler.arrived if field in (FIELD, KEPT_BACK)]
    if sum(field == FIELD and not dropped for field, _, dropped in arrived) != len(files):
        # the limit came too late to watch the files arrive: no order to follow
        kept_back = [f.name for f in request.FILES.getlist(KEPT_BACK)]
        return [*files, *handler.too_large(FIELD), *kept_back]
    remaining = iter(files)
    return [next(remaining) if field == FIELD and not dropped else name for field, name, dropped in arrived]


def _respond(request, form, outcomes: list[Outcome], status: int = 200, error: str = ""):
    context = {
        "error": error,
        "outcomes": outcomes,
        "form": form,
        "pending": any(o.status == "imported" and o.document and o.document.status == Status.PENDING for o in outcomes),
        "counts": {s: sum(o.status == s for o in outcomes) for s in ("imported", "duplicate", "failed")},
        "unfinished": ",".join(str(o.job.pk) for o in outcomes if o.job is not None),
    }
    if _wants_fragment(request):
        response = render(request, "uploads/includes/results.html", context, status=status)
        response["X-Wenku-Upload"] = "results"  # the script checks it (a login page would lack it)
        return response
    del context["form"]
    return _page(request, form, status=status, **context)


def _error(request, message: str):
    """A request that could not be read at all: the message, and the form again."""
    return _respond(request, UploadForm(), [], status=400, error=message)


def _wants_fragment(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _page(request, form, status: int = 200, **context):
    context.update(
        form=form,
        max_mb=settings.WENKU_MAX_FILE_MB,
        max_bytes=limits.max_bytes(),
        max_files=settings.DATA_UPLOAD_MAX_NUMBER_FILES,
        extensions=SUPPORTED_EXTENSIONS,
        accept=",".join(SUPPORTED_EXTENSIONS),
        visibility_help=VISIBILITY_HELP,
        staff=request.user.is_staff,
    )
    return render(request, "uploads/upload.html", context, status=status)
