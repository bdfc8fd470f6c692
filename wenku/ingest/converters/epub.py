"""EPUB (2 and 3): the chapters in reading (spine) order, headings kept; title from the book's metadata.

Read with the standard library's zipfile and lxml: META-INF/container.xml names the package document (OPF), whose
manifest lists the files and whose spine gives their reading order. Every zip entry has been inflated once under
the zip-safety limits (wenku/ingest/zipsafety.py) before anything is read, and each chapter goes through the same
HTML reader as .html files (its element and text limits included).
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext_noop
from lxml import etree

from wenku.ingest.converters._html_text import collect_blocks, parse_html
from wenku.ingest.converters._titles import useful_title
from wenku.ingest.errors import ImportRefused
from wenku.ingest.extracted import Extracted, ParagraphBuilder
from wenku.ingest.zipsafety import open_checked_zip

CONTAINER = "META-INF/container.xml"
_CONTAINER_NS = "urn:oasis:names:tc:opendocument:xmlns:container"
_OPF_NS = "http://www.idpf.org/2007/opf"
_DC_NS = "http://purl.org/dc/elements/1.1/"
_DOCUMENT_TYPES = frozenset(["application/xhtml+xml", "text/html"])
_MAX_PACKAGE_BYTES = 16 * 1024 * 1024  # container.xml and the OPF: metadata, far smaller in any real book


@dataclass(frozen=True)
class Item:
    path: str  # the entry's name in the zip
    media_type: str
    properties: frozenset[str]


@dataclass(frozen=True)
class Package:
    """What the OPF says: the book's title and the files in reading order."""

    path: str
    title: str | None
    manifest: dict[str, Item]
    spine: list[Item]

    @property
    def documents(self) -> list[Item]:
        """The spine's (X)HTML files, without the EPUB 3 navigation document (a table of contents, not text)."""
        return [i for i in self.spine if i.media_type in _DOCUMENT_TYPES and "nav" not in i.properties]

    @property
    def nav(self) -> Item | None:
        return next((i for i in self.manifest.values() if "nav" in i.properties), None)


def extract(data: bytes, name: str) -> list[Extracted]:
    archive = open_checked_zip(data, ".epub")
    package = read_package(archive)
    builder = ParagraphBuilder()
    for item in package.documents:
        content = _read(archive, item.path)
        if content is None or not content.strip():
            continue  # a spine entry without its file: the rest of the book is still readable
        body = parse_html(content).find("body")
        if body is not None:
            collect_blocks(body, builder)
    return [builder.build(useful_title(package.title or "") or PurePath(name).stem)]


def read_package(archive: zipfile.ZipFile) -> Package:
    """The package document named by META-INF/container.xml, its manifest and spine resolved to zip entries."""
    container = _xml(archive, CONTAINER)
    rootfile = container.find(f".//{{{_CONTAINER_NS}}}rootfile")
    if rootfile is None:
        rootfile = next((e for e in container.iter() if _local(e) == "rootfile"), None)
    full_path = rootfile.get("full-path") if rootfile is not None else None
    if not full_path:
        raise ImportRefused(
            gettext_noop("not a valid .epub file (%(container)s names no package document)"), container=CONTAINER
        )
    opf_path = _resolve("", full_path)
    opf = _xml(archive, opf_path)
    base = posixpath.dirname(opf_path)
    manifest: dict[str, Item] = {}
    for element in _children(opf, "manifest", "item"):
        item_id, href = element.get("id"), element.get("href")
        if item_id and href and item_id not in manifest:
            manifest[item_id] = Item(
                path=_resolve(base, href),
                media_type=(element.get("media-type") or "").strip().lower(),
                properties=frozenset((element.get("properties") or "").split()),
            )
    spine_ids = (e.get("idref") for e in _children(opf, "spine", "itemref"))
    # each file once: a hostile spine naming one large chapter 10,000 times would be parsed 10,000 times
    spine = list({manifest[ref].path: manifest[ref] for ref in spine_ids if ref in manifest}.values())
    titles = [e for e in opf.iter(f"{{{_DC_NS}}}title") if "".join(e.itertext()).strip()]
    title = " ".join("".join(titles[0].itertext()).split()) if titles else None
    return Package(path=opf_path, title=title, manifest=manifest, spine=spine)


def _xml(archive: zipfile.ZipFile, path: str) -> etree._Element:
    data = _read(archive, path)
    if data is None:
        raise ImportRefused(gettext_noop("not a valid .epub file (%(path)s is missing)"), path=path)
    if len(data) > _MAX_PACKAGE_BYTES:
        raise ImportRefused(
            gettext_noop("not a valid .epub file (%(path)s is %(size_mb)s MB)"),
            path=path,
            size_mb=len(data) // (1024 * 1024),
        )
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        lenient = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=True)
        try:  # many books in the wild have small XML errors in their metadata (a stray &, an unclosed tag)
            root = etree.fromstring(data, lenient)
        except etree.XMLSyntaxError as exc:
            raise ImportRefused(
                gettext_noop("not a valid .epub file (%(path)s: %(exc)s)"), path=path, exc=exc
            ) from None
    if root is None:
        raise ImportRefused(gettext_noop("not a valid .epub file (%(path)s holds no XML)"), path=path)
    return root


def _read(archive: zipfile.ZipFile, path: str) -> bytes | None:
    try:
        return archive.read(path)
    except KeyError:
        return None


def _children(root: etree._Element, parent: str, child: str) -> list[etree._Element]:
    """``<parent><child/>…`` elements, in the OPF namespace or (in sloppy books) in none."""
    found = root.findall(f"{{{_OPF_NS}}}{parent}/{{{_OPF_NS}}}{child}")
    return found or [e for p in root if _local(p) == parent for e in p if _local(e) == child]


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _resolve(base: str, href: str) -> str:
    """The zip entry an href relative to ``base`` names (percent-escapes decoded, any #fragment dropped)."""
    path = unquote(urlsplit(href.strip()).path)
    return posixpath.normpath(posixpath.join(base, path)).lstrip("/")
