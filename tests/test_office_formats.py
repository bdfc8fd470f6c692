"""Office formats through headless LibreOffice: real .doc .wps .rtf .odt .pptx .ppt .odp files import with their text
exactly, and hostile ones (damaged, password-protected, zip bombs, too slow, too big) fail alone with a clear reason.

The files are written at test time from the bundled government work reports: a .docx by python-docx, or a flat
ODF presentation (.fodp) written here, then converted by LibreOffice itself (`soffice --convert-to`), as the files
people upload were saved by an office suite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from html import escape
from pathlib import Path

import pytest

from tests import samples
from tests.conftest import assert_refused, require, stored_originals
from wenku.ingest import converters
from wenku.library.models import Document, Page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]  # reasons as written

NEEDS = "LibreOffice (apt-get install libreoffice-writer-nogui libreoffice-impress-nogui)"


@pytest.fixture
def soffice(settings) -> str:
    path = shutil.which("soffice")
    require(path is not None, f"no soffice: {NEEDS}")
    settings.WENKU_SOFFICE = path
    settings.WENKU_OFFICE_TIMEOUT = 120
    return path


def soffice_convert(source: Path, target: str, tmp_path: Path) -> Path:
    """``source`` saved by LibreOffice as ``target`` ("doc", "odt", ...), next to it; a private profile."""
    profile = tmp_path / f"profile-{target}"
    options = ["--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}"]
    subprocess.run(
        ["soffice", *options, "--convert-to", target, "--outdir", str(source.parent), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    converted = source.with_suffix("." + target.split(":")[0])
    assert converted.is_file(), f"soffice did not write {converted.name}"
    return converted


def assert_nothing_stored(data_dir: Path) -> None:
    assert Document.objects.count() == 0
    assert Page.objects.count() == 0
    assert stored_originals(data_dir) == []


# --- word processing ---------------------------------------------------------------------------------------------


@pytest.fixture
def word_sample(r2024, tmp_path):
    """The report as Word users write it (title, a Heading 2 section, a table with a merged cell)."""
    return samples.write_docx(tmp_path / "政府工作报告.docx", r2024, paragraphs=40)


@pytest.mark.parametrize("fmt", ["doc", "rtf", "odt"])
def test_word_processing_formats_keep_text_headings_and_title(
    fmt, soffice, word_sample, tmp_path, import_one, data_dir
):
    path = soffice_convert(word_sample.path, fmt, tmp_path)
    started = time.monotonic()
    result = import_one(path)
    elapsed = time.monotonic() - started
    assert result.status == "imported", result.reason
    document = Document.objects.get(pk=result.id)
    assert document.full_text() == word_sample.text
    assert document.heading_offsets == word_sample.heading_offsets
    assert document.title == word_sample.title
    assert document.source_format == fmt
    assert (data_dir / document.original_file).read_bytes() == path.read_bytes()
    assert document.original_file.endswith(f".{fmt}")
    assert elapsed < 30, f"{fmt}: {elapsed:.1f} s"


def test_wps_is_read_like_the_doc_it_usually_is(soffice, word_sample, tmp_path, import_one):
    """Many .wps files in the wild are Word 97-2003 documents that WPS Office saved under its own extension; LibreOffice
    reads .wps but cannot write it, so the test file is a real .doc renamed."""
    wps = tmp_path / "工作报告.wps"
    shutil.copy(soffice_convert(word_sample.path, "doc", tmp_path), wps)
    result = import_one(wps)
    assert result.status == "imported", result.reason
    document = Document.objects.get(pk=result.id)
    assert document.full_text() == word_sample.text
    assert document.source_format == "wps"


def test_a_doc_from_the_corpus_imports_with_its_text(soffice, corpus, tmp_path, import_one):
    """A longer real text from the development corpus (many pages) through .doc."""
    import docx

    source = sorted((corpus / "official").rglob("*.txt"))[0]
    paragraphs = [line.strip() for line in source.read_text(encoding="utf-8").splitlines() if line.strip()][:400]
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    written = tmp_path / "corpus.docx"
    document.save(written)
    result = import_one(soffice_convert(written, "doc", tmp_path))
    assert result.status == "imported", result.reason
    assert Document.objects.get(pk=result.id).full_text() == "\n".join(paragraphs)


# --- presentations -------------------------------------------------------------------------------------------------


def write_fodp(path: Path, title: str, slides: list[tuple[str, list[str]]]) -> Path:
    """A flat ODF presentation: each slide a title placeholder and an outline placeholder with bullet points."""

    def frame(kind: str, y: int, body: str) -> str:
        return (
            f'<draw:frame presentation:class="{kind}" presentation:style-name="pr1" svg:x="1cm" svg:y="{y}cm" '
            f'svg:width="26cm" svg:height="{3 if kind == "title" else 14}cm"><draw:text-box>{body}</draw:text-box>'
            "</draw:frame>"
        )

    pages = []
    for number, (heading, points) in enumerate(slides, start=1):
        items = "".join(f"<text:list-item><text:p>{escape(p)}</text:p></text:list-item>" for p in points)
        pages.append(
            f'<draw:page draw:name="page{number}" draw:master-page-name="Default" '
            'presentation:presentation-page-layout-name="AL1T1">'
            f"{frame('title', 1, f'<text:p>{escape(heading)}</text:p>')}"
            f"{frame('outline', 5, f'<text:list>{items}</text:list>')}</draw:page>"
        )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
        'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3" '
        'office:mimetype="application/vnd.oasis.opendocument.presentation">'
        f"<office:meta><dc:title>{escape(title)}</dc:title></office:meta>"
        '<office:automatic-styles><style:style style:name="pr1" style:family="presentation"/></office:automatic-styles>'
        '<office:master-styles><style:master-page style:name="Default"/></office:master-styles>'
        f"<office:body><office:presentation>{''.join(pages)}</office:presentation></office:body></office:document>",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def slides(r2024):
    """Four slides: a heading of the report each, with three of its paragraphs as the bullet points."""
    body = r2024.body(count=12)
    headings = ["一、2023年工作回顾", "二、2024年经济社会发展总体要求", "三、2024年政府工作任务", "四、政府自身建设"]
    return [(heading, body[3 * i : 3 * i + 3]) for i, heading in enumerate(headings)]


def expected_slide_text(slides) -> tuple[str, list[int]]:
    paragraphs, headings = [], []
    for heading, points in slides:
        headings.append(sum(len(p) + 1 for p in paragraphs))
        paragraphs += [heading, *points]
    return "\n".join(paragraphs), headings


@pytest.mark.parametrize("fmt", ["pptx", "ppt", "odp"])
def test_presentations_give_slide_text_with_titles_as_headings(fmt, soffice, slides, tmp_path, import_one):
    fodp = write_fodp(tmp_path / "汇报.fodp", "2024年政府工作报告要点", slides)
    pptx = soffice_convert(fodp, "pptx", tmp_path)
    path = pptx if fmt == "pptx" else soffice_convert(pptx if fmt == "ppt" else fodp, fmt, tmp_path)
    result = import_one(path)
    assert result.status == "imported", result.reason
    document = Document.objects.get(pk=result.id)
    text, headings = expected_slide_text(slides)
    assert document.full_text() == text
    assert document.heading_offsets == headings
    assert document.title == "2024年政府工作报告要点"
    assert document.source_format == fmt


def test_odp_needs_no_libreoffice(slides, tmp_path, import_one, settings, soffice):
    odp = soffice_convert(write_fodp(tmp_path / "汇报.fodp", "要点", slides), "odp", tmp_path)
    settings.WENKU_SOFFICE = str(tmp_path / "no-such-soffice")
    result = import_one(odp)
    assert result.status == "imported", result.reason


# --- LibreOffice missing --------------------------------------------------------------------------------------------


def test_without_libreoffice_office_files_name_the_package_and_the_rest_imports(
    settings, tmp_path, import_one, reports_dir, data_dir
):
    settings.WENKU_SOFFICE = str(tmp_path / "nowhere" / "soffice")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)  # what a .doc or .ppt starts with
    (tmp_path / "a.doc").write_bytes(ole)
    (tmp_path / "b.ppt").write_bytes(ole)
    assert_refused(import_one(tmp_path / "a.doc"), "LibreOffice is not installed", "libreoffice-writer-nogui")
    assert_refused(import_one(tmp_path / "b.ppt"), "LibreOffice is not installed", "libreoffice-impress-nogui")
    assert_nothing_stored(data_dir)
    assert import_one(reports_dir / "2024.txt").status == "imported"


def test_office_extensions_are_offered_on_the_upload_page(client, django_user_model):
    for ext in (".doc", ".wps", ".rtf", ".odt", ".pptx", ".ppt", ".odp"):
        assert ext in converters.SUPPORTED_EXTENSIONS
    user = django_user_model.objects.create_user("reader", password="pw-long-enough-1")
    client.force_login(user)
    html = client.get("/upload/").content.decode()
    assert ".doc," in html and ".pptx" in html


# --- hostile files -------------------------------------------------------------------------------------------------


def test_random_bytes_named_doc_are_refused_without_running_libreoffice(tmp_path, import_one, data_dir, settings):
    import random

    settings.WENKU_SOFFICE = str(tmp_path / "no-such-soffice")  # proves LibreOffice is never asked
    path = tmp_path / "报告.doc"
    path.write_bytes(random.Random(6).randbytes(40_000))
    assert_refused(import_one(path), "not a valid .doc file")
    (tmp_path / "x.rtf").write_bytes(b"just some text, not rtf")
    assert_refused(import_one(tmp_path / "x.rtf"), "not a valid .rtf file")
    assert_nothing_stored(data_dir)


def test_a_damaged_doc_fails_with_a_reason(soffice, word_sample, tmp_path, import_one, data_dir):
    """A real .doc with its inside overwritten (the OLE header kept, so LibreOffice is asked and fails)."""
    data = bytearray(soffice_convert(word_sample.path, "doc", tmp_path).read_bytes())
    data[512:] = bytes(len(data) - 512)
    path = tmp_path / "坏的.doc"
    path.write_bytes(bytes(data))
    started = time.monotonic()
    result = import_one(path)
    assert time.monotonic() - started < 60
    assert_refused(result, "LibreOffice could not open the .doc file")
    assert_nothing_stored(data_dir)


def test_a_zip_bomb_named_odt_is_refused_before_libreoffice(tmp_path, import_one, data_dir):
    bomb = samples.write_zip(
        tmp_path / "bomb.odt",
        [("mimetype", b"application/vnd.oasis.opendocument.text"), samples.Zeros("content.xml", 1024 * 1024 * 1024)],
    )
    assert_refused(import_one(bomb), "zip bomb")
    assert_nothing_stored(data_dir)


def test_a_zip_that_is_not_an_odt(tmp_path, import_one, data_dir, r2024):
    epub = samples.write_epub(tmp_path / "book.epub", r2024, r2024, paragraphs=2, book_title="书")
    shutil.copy(epub.path, tmp_path / "book.odt")
    assert_refused(import_one(tmp_path / "book.odt"), "not a valid .odt file")
    assert_nothing_stored(data_dir)


_PASSWORD_SCRIPT = """
import os, subprocess, sys, time, uno
from com.sun.star.beans import PropertyValue

def prop(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p

source, profile, pipe, outputs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
office = subprocess.Popen(["soffice", "--headless", "--norestore", "-env:UserInstallation=" + profile,
                           "--accept=pipe,name=%s;urp;" % pipe], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
for _ in range(300):
    try:
        remote = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
        break
    except Exception:
        time.sleep(0.1)
desktop = remote.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", remote)
document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, (prop("Hidden", True),))
for output in outputs:
    path, filter_name = output.split("|")
    document.storeToURL(uno.systemPathToFileUrl(path), (prop("FilterName", filter_name), prop("Password", "mima")))
document.close(True)
try:
    desktop.terminate()
except Exception:
    pass
office.wait(timeout=60)
"""


def write_password_protected(source: Path, tmp_path: Path, outputs: dict[str, str]) -> None:
    """Save ``source`` with an opening password through LibreOffice's own API (Debian's python3-uno)."""
    python = "/usr/bin/python3"
    has_uno = Path(python).exists() and not subprocess.run([python, "-c", "import uno"], capture_output=True).returncode
    require(has_uno, "no python3-uno (apt-get install python3-uno) to write password-protected files")
    script = tmp_path / "protect.py"
    script.write_text(_PASSWORD_SCRIPT, encoding="utf-8")
    profile = (tmp_path / "uno-profile").as_uri()
    args = [f"{path}|{name}" for path, name in outputs.items()]
    subprocess.run([python, str(script), str(source), profile, f"wenku{os.getpid()}", *args], check=True, timeout=120)


def test_password_protected_odt_and_doc_are_refused_with_the_reason(
    soffice, word_sample, tmp_path, import_one, data_dir
):
    odt, doc = tmp_path / "加密.odt", tmp_path / "加密.doc"
    write_password_protected(word_sample.path, tmp_path, {str(odt): "writer8", str(doc): "MS Word 97"})
    odt_result = import_one(odt)
    assert_refused(odt_result, "protected with a password")
    started = time.monotonic()
    doc_result = import_one(doc)
    assert time.monotonic() - started < 60
    assert_refused(doc_result, "password")
    assert_nothing_stored(data_dir)


def write_big_rtf(path: Path, paragraphs: list[str], copies: int) -> Path:
    """An RTF of ``copies`` times the paragraphs, Chinese written as \\uN escapes as Word writes it."""

    def rtf(text: str) -> str:
        return "".join(c if ord(c) < 128 and c not in "\\{}" else f"\\u{_signed16(ord(c))}?" for c in text)

    body = "".join(f"\\pard {rtf(p)}\\par\n" for p in paragraphs)
    path.write_text("{\\rtf1\\ansi\\deff0\n" + body * copies + "}", encoding="ascii")
    return path


def _signed16(code: int) -> int:
    return code - 65536 if code > 32767 else code


@pytest.fixture
def conversions_dir(tmp_path, monkeypatch) -> Path:
    """Where this test's conversions make their private directories (so checks ignore other test runs)."""
    directory = tmp_path / "conversions"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    monkeypatch.setenv("TMPDIR", str(directory))
    return directory


def test_a_conversion_past_the_time_limit_is_killed_with_its_whole_process_group(
    soffice, r2024, tmp_path, import_one, data_dir, settings, conversions_dir
):
    settings.WENKU_OFFICE_TIMEOUT = 1
    path = write_big_rtf(tmp_path / "长.rtf", r2024.body(), copies=150)
    started = time.monotonic()
    result = import_one(path)
    elapsed = time.monotonic() - started
    assert_refused(result, "did not finish converting within 1 s", "WENKU_OFFICE_TIMEOUT")
    assert elapsed < 15, elapsed
    assert_nothing_stored(data_dir)
    time.sleep(0.5)
    assert leftover_conversions(conversions_dir) == []
    assert list(conversions_dir.iterdir()) == []


def leftover_conversions(directory: Path) -> list[str]:
    """Command lines of live processes working in a conversion directory under ``directory`` (not zombies)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if f"{directory}/wenku-office-" in command and state != "Z":
            found.append(command)
    return found


def test_a_conversion_past_the_memory_limit_fails_with_a_reason(
    soffice, word_sample, tmp_path, import_one, settings, conversions_dir
):
    settings.WENKU_OFFICE_MEMORY_MB = 256  # below what LibreOffice needs to start
    result = import_one(soffice_convert(word_sample.path, "doc", tmp_path))
    assert_refused(result, "LibreOffice")
    assert "WENKU_OFFICE_MEMORY_MB" in result.reason or "could not" in result.reason, result.reason
    assert leftover_conversions(conversions_dir) == []


def test_parallel_conversions_do_not_collide(soffice, word_sample, tmp_path, conversions_dir):
    """Each conversion has its own profile and directory: four at once all succeed (threads, as in gunicorn)."""
    from concurrent.futures import ThreadPoolExecutor

    from wenku.ingest.converters import office_text

    data = soffice_convert(word_sample.path, "odt", tmp_path).read_bytes()
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: office_text.extract(data, "x.odt")[0], range(4)))
    assert all("\n".join(r.paragraphs) == word_sample.text for r in results)
    assert list(conversions_dir.iterdir()) == []  # each conversion's directory removed


def test_upload_of_a_bad_office_file_shows_the_reason_not_an_error(client, django_user_model, tmp_path):
    user = django_user_model.objects.create_user("uploader", password="pw-long-enough-1")
    client.force_login(user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("坏的.ppt", b"not a presentation at all" * 100)
    response = client.post("/upload/", {"visibility": "public", "files": [upload]})
    assert response.status_code == 200
    assert "不是有效的 .ppt 文件" in response.content.decode()
    assert Document.objects.count() == 0


def test_no_conversion_leaves_a_directory_or_profile_behind(
    soffice, word_sample, r2024, tmp_path, import_one, settings, conversions_dir
):
    """After a success, a failure (damaged file, memory limit) and a timeout, the temp root is as it was."""
    doc = soffice_convert(word_sample.path, "doc", tmp_path)
    assert import_one(doc).status == "imported"
    assert list(conversions_dir.iterdir()) == []
    damaged = bytearray(doc.read_bytes())
    damaged[512:] = bytes(len(damaged) - 512)
    (tmp_path / "坏的.doc").write_bytes(bytes(damaged))
    assert_refused(import_one(tmp_path / "坏的.doc"), "LibreOffice could not open")
    assert list(conversions_dir.iterdir()) == []
    settings.WENKU_OFFICE_MEMORY_MB = 256
    assert_refused(import_one(soffice_convert(word_sample.path, "odt", tmp_path)), "LibreOffice")
    assert list(conversions_dir.iterdir()) == []
    settings.WENKU_OFFICE_MEMORY_MB = 2048
    settings.WENKU_OFFICE_TIMEOUT = 1
    assert_refused(import_one(write_big_rtf(tmp_path / "长.rtf", r2024.body(), copies=150)), "did not finish")
    assert list(conversions_dir.iterdir()) == []
    assert leftover_conversions(conversions_dir) == []


# --- no network for LibreOffice ------------------------------------------------------------------------------------


@pytest.fixture
def web_server():
    """A web server on 127.0.0.1 recording every request it gets (a document must make none)."""
    import http.server
    import threading

    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def handle_one_request(self):
            super().handle_one_request()
            if getattr(self, "command", None):
                requests.append(f"{self.command} {self.path}")

        def __getattr__(self, name):
            if name.startswith("do_"):
                return self._answer
            raise AttributeError(name)

        def _answer(self):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.requests = requests
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def assert_no_requests(server) -> None:
    time.sleep(0.3)  # a request made at the very end would still be on its way
    assert server.requests == [], server.requests


@pytest.mark.parametrize("libreoffice", ["installed", "missing"])
def test_a_web_page_saved_as_doc_is_read_as_html_and_fetches_nothing(
    libreoffice, soffice, web_server, tmp_path, import_one, settings, r2024
):
    """Word's "save as web page" under .doc: our HTML converter reads it (LibreOffice would fetch the image)."""
    if libreoffice == "missing":
        settings.WENKU_SOFFICE = str(tmp_path / "no-such-soffice")  # proves LibreOffice is not asked
    paragraphs = r2024.body(count=5)
    page = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset="utf-8">'
        f"<title>{escape(r2024.title)}</title></head><body>"
        f"<h1>{escape(r2024.title)}</h1>"
        + "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        + f'<p><img src="{web_server.url}/html.png"></p>'
        f'<link rel="stylesheet" href="{web_server.url}/style.css"></body></html>'
    )
    for ext in ("doc", "wps"):
        path = tmp_path / f"网页.{ext}"
        path.write_text(page, encoding="utf-8")
        result = import_one(path)
        assert result.status == "imported", result.reason
        document = Document.objects.get(pk=result.id)
        assert document.full_text() == "\n".join([r2024.title, *paragraphs])
        assert document.title == r2024.title
        assert document.source_format == ext
        document.delete()
    assert_no_requests(web_server)


def odt_linking_an_image(path: Path, text: str, image_url: str) -> Path:
    """An .odt whose image is a link to ``image_url`` (LibreOffice loads linked images when it converts)."""
    import zipfile

    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3">'
        f"<office:body><office:text><text:p>{escape(text)}</text:p><text:p>"
        '<draw:frame draw:name="i1" text:anchor-type="as-char" svg:width="1cm" svg:height="1cm">'
        f'<draw:image xlink:href="{escape(image_url)}" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/>'
        "</draw:frame></text:p></office:text></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def word_2003_xml_linking_an_image(path: Path, text: str, image_url: str) -> Path:
    """A Word 2003 XML document saved as .doc (as Word allows), with a linked picture."""
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><?mso-application progid="Word.Document"?>'
        '<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><w:body>'
        f"<w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p>"
        f'<w:p><w:r><w:pict><v:shape style="width:10pt;height:10pt"><v:imagedata src="{escape(image_url)}"/>'
        "</v:shape></w:pict></w:r></w:p></w:body></w:wordDocument>",
        encoding="utf-8",
    )
    return path


def test_libreoffice_has_no_network_access(soffice, web_server, tmp_path, import_one, r2024):
    """Files that LibreOffice does read, linking remote images on a server of our own: nothing is fetched, the
    text still imports."""
    from wenku.ingest import office

    require(bool(office.network_isolation()), "this system allows no network namespace (unshare --net)")
    text = r2024.body(count=1)[0]
    files = [
        odt_linking_an_image(tmp_path / "链接图片.odt", text, f"{web_server.url}/odt.png"),
        word_2003_xml_linking_an_image(tmp_path / "链接图片.doc", text, f"{web_server.url}/wordml.png"),
    ]
    for path in files:
        result = import_one(path)
        assert result.status == "imported", (path.name, result.reason)
        document = Document.objects.get(pk=result.id)
        assert document.full_text() == text
        document.delete()
    assert_no_requests(web_server)


def test_libreoffice_sees_only_a_loopback_and_cannot_connect(soffice, web_server):
    """The namespace LibreOffice runs in: no interface but lo, and not even the server's own 127.0.0.1 answers."""
    import sys

    from wenku.ingest import office

    prefix = office.network_isolation()
    require(bool(prefix), "this system allows no network namespace (unshare --net)")
    listing = subprocess.run([*prefix, "cat", "/proc/net/dev"], capture_output=True, text=True, check=True).stdout
    assert [line.split(":")[0].strip() for line in listing.splitlines()[2:]] == ["lo"]
    port = web_server.url.rsplit(":", 1)[1]
    probe = f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=5)"
    outside = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    inside = subprocess.run([*prefix, sys.executable, "-c", probe], capture_output=True, text=True)
    assert outside.returncode == 0, outside.stderr
    assert inside.returncode != 0, inside.stderr  # refused: the loopback is down


def test_without_network_namespaces_conversions_still_run_and_say_so_once(
    soffice, word_sample, tmp_path, import_one, monkeypatch, caplog
):
    """A system without util-linux's unshare (PATH here lacks it): LibreOffice runs as before; one warning."""
    from wenku.ingest import office

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for directory in os.environ.get("PATH", "/usr/bin:/bin").split(":"):
        for program in Path(directory).glob("*") if Path(directory).is_dir() else []:
            target = bin_dir / program.name
            if program.name != "unshare" and not target.exists():
                target.symlink_to(program)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr(office, "_isolation", None)  # forget what this process found (it looks once)
    doc = soffice_convert(word_sample.path, "doc", tmp_path)
    with caplog.at_level("WARNING", logger="wenku.ingest.office"):
        for name in ("a.doc", "b.doc"):
            shutil.copy(doc, tmp_path / name)
            result = import_one(tmp_path / name)
            assert result.status == "imported", result.reason
            Document.objects.get(pk=result.id).delete()
    warnings = [r for r in caplog.records if "WITH network access" in r.getMessage()]
    assert len(warnings) == 1
    monkeypatch.setattr(office, "_isolation", None)
