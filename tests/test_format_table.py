"""One format table (wenku/ingest/formats.py): the converters, the upload page, the search filter (site and API),
downloads and the CLI's help all follow it; and the search filter finds the documents of each format, imported
from real files (the bundled reports written as .md, .docx, .html, .pdf, .epub, .odp; .doc when LibreOffice is
installed)."""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from tests import hostile, samples
from tests.conftest import REPO
from wenku.cli import main as cli
from wenku.ingest import converters, formats
from wenku.search import indexing

QUERY = "政府"  # in every report


def test_every_extension_has_one_format_and_a_converter():
    assert tuple(sorted(formats.BY_EXTENSION)) == converters.SUPPORTED_EXTENSIONS
    for spec in formats.FORMATS:
        assert spec.extensions and all(e.startswith(".") and e == e.lower() for e in spec.extensions)
        for extension in spec.extensions:
            assert converters.format_of(f"文件{extension.upper()}") == spec.key
        assert callable(converters.converter_for(spec.key).extract)
        assert "/" in spec.mime_type
    assert len(formats.BY_EXTENSION) == sum(len(f.extensions) for f in formats.FORMATS)  # no extension twice
    assert converters.format_of("a.md") == "markdown" and converters.format_of("a.xyz") is None


def test_old_links_with_an_extension_still_filter():
    assert formats.filter_key("md") == formats.filter_key(".MD") == formats.filter_key("markdown") == "markdown"
    assert formats.filter_key("") is None and formats.filter_key("exe") is None


def test_the_pages_the_api_and_the_cli_list_every_format(client, db, capsys):
    upload = client.get("/upload/")
    if upload.status_code == 302:  # the upload page is for users who are logged in
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.create_user("writer", password="x" * 12))
        upload = client.get("/upload/")
    accept = re.search(r'accept="([^"]*)"', upload.content.decode()).group(1)
    assert set(accept.split(",")) == set(formats.SUPPORTED_EXTENSIONS)

    page = client.get("/search/").content.decode()
    select = re.search(r'<select name="format">(.*?)</select>', page, re.S).group(1)
    options = dict(re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', select))
    assert options == formats.FILTER_CHOICES

    schema = client.get("/api/openapi.json").json()
    parameters = schema["paths"]["/api/search"]["get"]["parameters"]
    fmt = next(p for p in parameters if p["name"] == "format")
    assert set(re.findall(r'"([a-z]+)"', str(fmt["schema"]).replace("'", '"'))) >= set(formats.BY_KEY)

    with pytest.raises(SystemExit):
        cli.run(["help", "import"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert " ".join(formats.USUAL_EXTENSIONS) in help_text

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert all(f"`{ext}`" in readme for ext in formats.USUAL_EXTENSIONS)


@pytest.fixture
def one_of_each(reports_dir, tmp_path, settings, import_one) -> dict[str, int]:
    """Documents imported from files of each format (each a different report): format key → document id."""
    report = lambda year: samples.report(reports_dir, year)  # noqa: E731
    files = {
        "txt": reports_dir / "1978.txt",
        "markdown": samples.write_markdown(tmp_path / "报告.md", report(2024), paragraphs=12).path,
        "docx": samples.write_docx(tmp_path / "报告.docx", report(2023), paragraphs=12).path,
        "html": samples.write_html(tmp_path / "报告.html", report(2008), paragraphs=12).path,
        "pdf": samples.write_pdf(tmp_path / "报告.pdf", report(1998).title, report(1998).body(count=6)).path,
        "epub": samples.write_epub(
            tmp_path / "报告.epub", report(1984), report(1985), paragraphs=4, book_title="八十年代报告两篇"
        ).path,
    }
    slides = [report(2015).title, *report(2015).body(count=8)]
    odp = tmp_path / "报告.odp"
    odp.write_bytes(hostile.zipped(hostile.odp_parts("".join(hostile.slide(s) for s in slides))))
    files["odp"] = odp
    soffice = shutil.which("soffice")
    if soffice:  # an Office format LibreOffice converts, as tests/test_office_formats.py does
        from tests.test_office_formats import soffice_convert

        settings.WENKU_SOFFICE, settings.WENKU_OFFICE_TIMEOUT = soffice, 120
        (tmp_path / "word").mkdir()
        word = samples.write_docx(tmp_path / "word" / "旧报告.docx", report(2010), paragraphs=12).path
        files["doc"] = soffice_convert(word, "doc", tmp_path)
    ids = {}
    for key, path in files.items():
        result = import_one(Path(path))
        assert result.status == "imported", (key, result.reason)
        ids[key] = result.id
    indexing.apply_pending()
    return ids


def _site_hits(client, **params) -> list[int]:
    page = client.get("/search/", {"q": QUERY, **params})
    assert page.status_code == 200
    links = re.findall(r'<a class="doc-title" href="/d/(\d+)/', unescape(page.content.decode()))
    return [int(i) for i in links]


def test_each_format_filter_finds_its_documents_on_the_site_and_in_the_api(client, one_of_each):
    assert sorted(_site_hits(client)) == sorted(one_of_each.values())  # without a filter: all of them
    for key, document_id in one_of_each.items():
        assert _site_hits(client, format=key) == [document_id], key
        api = client.get("/api/search", {"q": QUERY, "format": key})
        assert api.status_code == 200, api.content
        assert [hit["id"] for hit in api.json()["hits"]] == [document_id], key
    assert _site_hits(client, format="md") == [one_of_each["markdown"]]  # what the filter used to send
    assert client.get("/api/search", {"q": QUERY, "format": "exe"}).status_code == 422


def test_an_office_format_is_a_filter_choice_even_without_documents(client, db):
    page = client.get("/search/", {"q": QUERY, "format": "doc"}).content.decode()
    assert re.search(r'<option value="doc" selected>', page)
    assert {"doc", "wps", "rtf", "odt", "ppt", "pptx", "odp"} <= set(formats.FILTER_CHOICES)


def test_an_original_is_downloaded_with_the_tables_content_type(client, one_of_each):
    for key in ("markdown", "docx", "odp"):
        response = client.get(f"/d/{one_of_each[key]}/download/original/")
        assert response.status_code == 200, key
        assert response["Content-Type"] == formats.BY_KEY[key].mime_type


def test_the_readme_has_the_formats_that_need_libreoffice_together():
    """The README says which formats need LibreOffice: the table's office formats."""
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    sentence = readme[readme.index("with LibreOffice installed") :][:300]
    for spec in formats.FORMATS:
        if spec.office:
            assert f"`{spec.extensions[0]}`" in sentence, spec.key
