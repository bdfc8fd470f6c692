"""Decode the bytes of a plain-text file in any common Chinese encoding.

Order: a byte-order mark; strict UTF-8; then GB18030 and Big5, which accept much of each other's byte sequences,
so when both decode strictly the one whose characters look like real Chinese wins; then a detector, whose
"gb2312"/"gbk" guesses are decoded as GB18030 (its superset).
"""

from __future__ import annotations

import codecs
import re
from functools import cache

from django.utils.translation import gettext_noop

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_GB_FAMILY = {"gb2312", "gbk", "cp936", "gb18030", "hz", "euc_cn", "euccn"}
_SAMPLE_CHARS = 4000
# Control characters that no text file holds in quantity (tab, line breaks and form feed excepted).
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


class UndecodableText(ValueError):
    """Why bytes are not text; like ImportRefused, a message id with fields, said in the reader's language."""

    def __init__(self, message: str, **params: str) -> None:
        super().__init__(message)
        self.message, self.params = message, params

    def __str__(self) -> str:
        from wenku.ingest.errors import translated

        return translated(self.message, self.params)


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name) for ``data``; raises UndecodableText when nothing fits, or when what fits is full of
    control characters (binary data that happens to decode, such as ASCII-range binary as UTF-8)."""
    text, encoding = _decode(data)
    sample = text[:_SAMPLE_CHARS]
    controls = len(_BINARY_CONTROL.findall(sample))
    if controls > 8 and controls > 0.05 * len(sample):
        raise UndecodableText(gettext_noop("binary data, not text (full of control characters)"))
    return text, encoding


def decoded_within_limits(data: bytes) -> str:
    """The text of a plain-text file, refused (ImportRefused) when it cannot be decoded or passes the text limits;
    what the 查重 reader runs in the parse sandbox for a .txt file."""
    from wenku.ingest import limits
    from wenku.ingest.errors import ImportRefused

    try:
        text, _encoding = decode_text(data)
    except UndecodableText as exc:
        raise ImportRefused(gettext_noop("cannot decode the text: %(exc)s"), exc=exc) from None
    limits.check_text(text)
    return text


def _decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise UndecodableText(
                    gettext_noop("starts with a %(encoding)s byte-order mark but is not %(encoding)s"),
                    encoding=encoding,
                ) from exc
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for encoding in ("gb18030", "big5"):
        try:
            candidates.append((data.decode(encoding), encoding))
        except UnicodeDecodeError:
            continue
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        return max(candidates, key=lambda c: (_plausibility(c[0]), c[1] == "gb18030"))
    return _detect(data)


def _utf16_without_bom(data: bytes) -> str | None:
    """The UTF-16 codec when the bytes look like mostly-ASCII UTF-16 without a BOM (every other byte zero)."""
    sample = data[: 2 * _SAMPLE_CHARS]
    if len(sample) < 8 or len(sample) % 2:
        return None
    odd_zeros, even_zeros = sample[1::2].count(0), sample[0::2].count(0)
    half = len(sample) // 2
    if odd_zeros > 0.6 * half and even_zeros < 0.05 * half:
        return "utf-16-le"
    if even_zeros > 0.6 * half and odd_zeros < 0.05 * half:
        return "utf-16-be"
    return None


def _detect(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UndecodableText(gettext_noop("not text in any encoding we recognise"))
    encoding = best.encoding.lower().replace("-", "_")
    if encoding in _GB_FAMILY:
        encoding = "gb18030"
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise UndecodableText(
            gettext_noop("looks like %(encoding)s but does not decode as it"), encoding=encoding
        ) from exc


def _plausibility(text: str) -> float:
    """Share of Han characters that are common ones (GB2312 level 1, after traditional→simplified)."""
    sample = text[:_SAMPLE_CHARS]
    han = [c for c in sample if "\u4e00" <= c <= "\u9fff"]
    if not han:
        return 0.0
    simplified = _to_simplified("".join(han))
    common = _common_hanzi()
    return sum(1 for c in simplified if c in common) / len(han)


@cache
def _common_hanzi() -> frozenset[str]:
    """The 3,755 level-1 characters of GB2312, the most frequent in modern Chinese."""
    chars = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


def _to_simplified(text: str) -> str:
    from wenku.text.normalize import to_simplified

    return to_simplified(text)
