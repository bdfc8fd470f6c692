"""Both fingerprint indexes hold to one contract: add, replace, delete, many commits (merges), and a second
reader seeing what a writer committed."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection

from wenku.checking.fingerprints import stream_of, window_for, winnow
from wenku.checking.index.base import current_version
from wenku.checking.index.files import MAX_SEGMENTS, FileFingerprintIndex

pytestmark = pytest.mark.django_db(transaction=True)
VERSION = current_version(window_for(13))


def make_index(kind: str, tmp_path):
    if kind == "files":
        return lambda: FileFingerprintIndex(tmp_path / "check-index", VERSION)
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL index runs in the PostgreSQL pass")
    from wenku.checking.index.postgres import PostgresFingerprintIndex

    return lambda: PostgresFingerprintIndex(VERSION)


def fingerprints(text: str):
    f = winnow(stream_of(text), window_for(13))
    return f.hashes, f.positions


def documents_holding(index, text: str) -> set[int]:
    """Documents holding most of the text's fingerprints (reports share some stock phrases with each other)."""
    hashes = np.unique(fingerprints(text)[0])
    postings = index.lookup(hashes, 10_000)
    held: dict[int, set[int]] = {}
    for query, document in zip(postings.query.tolist(), postings.documents.tolist(), strict=True):
        held.setdefault(document, set()).add(query)
    return {document for document, queries in held.items() if len(queries) > len(hashes) / 2}


@pytest.mark.parametrize("kind", ["files", "postgres"])
def test_add_replace_delete_and_a_second_reader(kind, tmp_path, reports_dir):
    opener = make_index(kind, tmp_path)
    writer, reader = opener(), opener()
    writer.clear()
    texts = {year: (reports_dir / f"{year}.txt").read_text(encoding="utf-8") for year in (2019, 2022, 2023, 2024)}
    for number, year in enumerate(texts, start=1):
        writer.add(number, *fingerprints(texts[year]))
    writer.commit()
    assert documents_holding(reader, texts[2023][500:900]) == {3}
    assert reader.document_count() == 4
    writer.add(3, *fingerprints(texts[2019]))  # document 3 now holds the 2019 text
    writer.delete([4])
    writer.commit()
    assert documents_holding(reader, texts[2023][500:900]) == set()
    assert documents_holding(reader, texts[2019][500:900]) == {1, 3}
    assert documents_holding(reader, texts[2024][500:900]) == set()
    assert reader.document_count() == 3


def test_many_commits_merge_segments_and_drop_dead_postings(tmp_path, reports_dir):
    index = FileFingerprintIndex(tmp_path / "check-index", VERSION)
    text = (reports_dir / "2024.txt").read_text(encoding="utf-8")
    for round_ in range(MAX_SEGMENTS * 3):
        index.add(1, *fingerprints(text))  # replaced every time
        index.add(100 + round_, *fingerprints(text[round_ * 100 : round_ * 100 + 2000]))
        index.commit()
    segments = list((tmp_path / "check-index").glob("seg-*.hashes.npy"))
    assert len(segments) <= MAX_SEGMENTS + 1
    query = np.unique(fingerprints(text[3000:3400])[0])
    postings = index.lookup(query, 10_000)
    once = np.isin(fingerprints(text)[0], query).sum()  # what one copy of the text holds
    assert (postings.documents == 1).sum() == once  # the 23 replaced copies left nothing behind
    assert index.document_count() == 1 + MAX_SEGMENTS * 3


def test_a_common_hash_gives_only_its_count(tmp_path):
    index = FileFingerprintIndex(tmp_path / "check-index", VERSION)
    phrase = "以习近平新时代中国特色社会主义思想为指导"
    for number in range(1, 31):
        index.add(number, *fingerprints(f"第{number}篇。{phrase}。"))
    index.commit()
    hashes = np.unique(fingerprints(phrase)[0])
    postings = index.lookup(hashes, 20)
    assert postings.counts.max() == 30 and len(postings.documents) < 30 * len(hashes)
