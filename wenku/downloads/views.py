"""GET /d/<id>/download/<format>/: the original file, or .txt/.docx/.epub generated from the text (and kept on disk,
see cache.py)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from wenku.accounts.auth import accepts_bearer_token
from wenku.downloads import exporters
from wenku.downloads.cache import open_export
from wenku.downloads.filenames import content_disposition
from wenku.downloads.links import original_extension
from wenku.downloads.permissions import decide, has_original
from wenku.ingest import formats
from wenku.library.models import Document


@require_safe
@accepts_bearer_token  # the API's download URLs work with the token that listed them
def download(request, document_id: int, fmt: str):
    if fmt != "original" and fmt not in exporters.FORMATS:
        raise Http404("no such download format")
    document = get_object_or_404(Document.objects.openable_at(request.user, document_id))  # an id, or a key
    decision = decide(request.user, document)
    if not decision.allowed:
        if decision.login_helps:
            return redirect_to_login(request.get_full_path())
        return _refused(request, document, decision.message, status=403)
    if fmt == "original":
        return _original(request, document)
    spec = exporters.FORMATS[fmt]
    response = FileResponse(open_export(fmt, document), content_type=spec.content_type)  # made once, then kept
    return _as_attachment(response, document, spec.extension)


def _original(request, document: Document):
    if not has_original(document):
        message = "这篇文档来自一个包含多篇文档的文件，原文件不单独提供下载；可以下载 TXT、Word 或 EPUB。"
        return _refused(request, document, message, status=404)
    data_dir = Path(settings.DATA_DIR).resolve()
    path = (data_dir / document.original_file).resolve()
    if not path.is_relative_to(data_dir) or not path.is_file():
        return _refused(request, document, "原文件已不在服务器上，可以下载 TXT、Word 或 EPUB。", status=404)
    extension = original_extension(document)
    content_type = formats.mime_type_of(extension)
    response = FileResponse(path.open("rb"), content_type=content_type)
    return _as_attachment(response, document, extension)


def _as_attachment(response, document: Document, extension: str):
    response["Content-Disposition"] = content_disposition(document.title, extension, f"document-{document.pk}")
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private"
    return response


def _refused(request, document: Document, message: str, status: int):
    return render(request, "downloads/refused.html", {"document": document, "message": message}, status=status)
