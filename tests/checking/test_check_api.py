"""POST /api/check: the report as JSON, offsets into the text as sent, and clear errors."""

from __future__ import annotations

import json

import pytest

from tests.checking.check_helpers import core, page_text
from wenku.checking.service import check_text
from wenku.library.models import Document, Page

pytestmark = pytest.mark.django_db


def post(client, body, **headers):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body, ensure_ascii=False)
    return client.post("/api/check", data, content_type="application/json", **headers)


def test_the_report_as_json(client, library, submission):
    text = submission.text
    response = post(client, {"text": text})
    assert response.status_code == 200
    body = response.json()
    assert body == check_text(text).to_json()  # exactly the report's JSON
    assert "\\u" not in response.content.decode()  # Chinese stays readable

    assert 0 < body["copied_chars"] <= body["chars"]
    assert 0 < body["ratio_excluding_quotes"] < body["ratio"] <= 1
    assert body["settings"]["min_run"] >= 8

    # The largest source is the 2024 report; its passage is exactly the copied text, on the page it names.
    first = body["sources"][0]
    assert first["id"] == library[2024].pk and first["title"] == library[2024].title
    assert [s["copied_chars"] for s in body["sources"]] == sorted(
        (s["copied_chars"] for s in body["sources"]), reverse=True
    )
    match = first["matches"][0]
    assert text[match["start"] : match["end"]] == core(submission.copied)
    assert core(submission.original_copied) in page_text(first["id"], match["page"])
    assert first["url"] == f"/d/{first['id']}/"

    # The quoted passage comes from the 1998 report.
    quoted = next(s for s in body["sources"] if s["id"] == library[1998].pk)
    spans = [(m["start"], m["end"]) for m in quoted["matches"]]
    assert (text.index(submission.quoted), text.index(submission.quoted) + len(core(submission.quoted))) in spans
    assert core(submission.quoted) in page_text(quoted["id"], quoted["matches"][0]["page"])


def test_quotation_marks_lower_only_the_ratio_excluding_quotes(client, library, submission):
    quoted = post(client, {"text": submission.text}).json()
    plain = post(client, {"text": submission.without_quotes()}).json()
    assert plain["ratio_excluding_quotes"] == plain["ratio"]
    assert quoted["ratio_excluding_quotes"] < plain["ratio_excluding_quotes"]
    assert quoted["copied_chars"] == plain["copied_chars"]


def test_offsets_count_characters_beyond_the_basic_plane(client, library, submission):
    """Offsets are in characters of the text as decoded (Python str indices), not UTF-16 units or bytes."""
    text = "𠀀𠀁𠀂 emoji 😀😀 " + submission.copied
    body = post(client, {"text": text}).json()
    match = body["sources"][0]["matches"][0]
    assert text[match["start"] : match["end"]] == core(submission.copied)


def test_nothing_is_stored(client, library, submission, data_dir):
    documents, pages = Document.objects.count(), Page.objects.count()
    before = {p for p in data_dir.rglob("*") if p.is_file()}
    assert post(client, {"text": submission.text}).status_code == 200
    assert Document.objects.count() == documents and Page.objects.count() == pages
    assert {p for p in data_dir.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"text": ""}, 400, "没有可查重的文字"),
        ({"text": "，。！？"}, 400, "没有可查重的文字"),
    ],
)
def test_errors(client, library, body, status, message):
    response = post(client, body)
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_malformed_requests_are_client_errors(client, library):
    assert post(client, {}).status_code in (400, 422)
    assert post(client, {"text": 12}).status_code in (400, 422)
    assert post(client, "{not json").status_code in (400, 422)
    assert post(client, b"\xff\xfe garbage").status_code in (400, 422)


def test_too_long(client, library, submission, settings):
    settings.WENKU_CHECK_MAX_CHARS = 1000
    response = post(client, {"text": submission.text * 10})
    assert response.status_code == 413
    assert "文本过长" in response.json()["detail"]


def test_throttled(client, library, submission, settings):
    settings.WENKU_CHECK_ANONYMOUS_LIMIT = 1
    assert post(client, {"text": submission.text}).status_code == 200
    response = post(client, {"text": submission.text})
    assert response.status_code == 429
    assert "查重过于频繁" in response.json()["detail"]


def test_in_the_openapi_schema(client):
    schema = client.get("/api/openapi.json").json()
    assert "post" in schema["paths"]["/api/check"]


def test_a_body_over_django_s_limit(client, library, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = post(client, {"text": "字" * 10_000})
    assert response.status_code == 413
    assert response.json()["detail"] == "请求内容过大"
