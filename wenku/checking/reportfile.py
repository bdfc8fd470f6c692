"""The downloadable report: one self-contained UTF-8 HTML file (inline CSS, no scripts, images or fonts to fetch),
with the same content as the result page and a header giving the date and the settings used."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from wenku.checking.adding import short_name
from wenku.checking.display import ReportView
from wenku.downloads.filenames import content_disposition
from wenku.web.absolute import absolute_url

STYLESHEET = Path(__file__).parent / "static" / "checking" / "check.css"


@cache
def _css() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def file_stem(text: str) -> str:
    return f"查重报告-{short_name(text, 12)}"


def report_response(request, view: ReportView) -> HttpResponse:
    """The report as an attachment; links to the library's pages are absolute, so they work from a saved file."""
    html = render_to_string(
        "checking/report_file.html",
        {"view": view, "css": _css(), "created": timezone.localtime(), "site_url": absolute_url(request, "/")},
        request=request,
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = content_disposition(file_stem(view.report.text), ".html", "report")
    response["X-Content-Type-Options"] = "nosniff"
    return response
