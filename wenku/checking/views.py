"""/check/: paste text or upload a file, see which passages are already in the library; /check/report/ returns
the same result as a downloadable HTML file.

Nothing is stored: the file is read in memory and the text comes back in the result page's form, so that the
download button posts it again (the check is re-run, it is quick) instead of the server keeping it. Only 同时加入文库,
for signed-in users, imports it, through the upload path.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from wenku.checking.adding import add_to_library
from wenku.checking.display import view_of
from wenku.checking.forms import CheckForm
from wenku.checking.reportfile import report_response
from wenku.checking.running import Refusal, admit, run_check, too_long
from wenku.checking.submission import CHECKABLE_EXTENSIONS, SubmissionError
from wenku.uploads import limits
from wenku.web.absolute import absolute_url

FILE_FIELD = "file"


@csrf_exempt  # checked in _received, once the file size limit is in place: checking CSRF reads the body
@require_http_methods(["GET", "POST"])
def check(request):
    if request.method != "POST":
        return _page(request, CheckForm(user=request.user))
    return _receive(request, download=False)


@csrf_exempt
@require_POST
def report(request):
    return _receive(request, download=True)


def _receive(request, download: bool):
    handler = limits.install(request, max_files=1)
    try:
        request.POST, request.FILES  # noqa: B018  (read the body now, under the limit)
    except RequestDataTooBig:
        return _error(request, "提交的内容太长，请缩短文本或改为上传文件。", 413)
    except (TooManyFieldsSent, TooManyFilesSent, MultiPartParserError):
        return _error(request, "提交的数据不完整，请重新提交。", 400)
    return _received(request, handler, download)


@csrf_protect
def _received(request, handler: limits.SizeLimitHandler, download: bool):
    """Cheap refusals first (too many files, too large, too long, too many checks), then the file is read."""
    if handler.too_many:
        return _error(request, "一次只能上传一个文件。", 400)
    form = CheckForm(request.POST, request.FILES, user=request.user)
    if handler.too_large(FILE_FIELD):
        return _page(request, form, error=f"文件太大（上限 {settings.WENKU_MAX_FILE_MB} MB）", status=413)
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    upload = data.get("file")
    refusal = (None if upload else too_long(len(data["text"]))) or admit(request)
    if refusal is not None:
        return _page(request, form, error=refusal.message, status=refusal.status)
    if upload:
        try:
            form.read_file()
        except SubmissionError as exc:
            form.add_error(None, str(exc))
            return _page(request, form, status=exc.status)
    text = data["text"]
    result = run_check(request, text, admitted=True)
    if isinstance(result, Refusal):
        return _page(request, form, error=result.message, status=result.status)
    if download:
        return report_response(request, view_of(result, partial(absolute_url, request)))
    added = []
    if data["add_to_library"]:
        added = add_to_library(request.user, text, upload.name if upload else "", form.file_bytes)
    again = CheckForm(initial={"text": text}, user=request.user)  # the text, for the download button
    return _page(request, again, view=view_of(result), added=added)


def _error(request, message: str, status: int):
    return _page(request, CheckForm(user=request.user), error=message, status=status)


def _page(request, form: CheckForm, status: int = 200, **context):
    context.update(
        form=form,
        extensions=CHECKABLE_EXTENSIONS,
        max_mb=settings.WENKU_MAX_FILE_MB,
        max_chars=settings.WENKU_CHECK_MAX_CHARS,
        min_run=settings.WENKU_CHECK_MIN_RUN,
        common_docs=settings.WENKU_CHECK_COMMON_DOCS,
    )
    return render(request, "checking/check.html", context, status=status)
