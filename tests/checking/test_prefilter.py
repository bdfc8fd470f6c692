"""The near-duplicate review's prefilter answers exactly what compare()'s seed filter would: a document skipped
by it has no candidate original, and a document with a candidate is never skipped; for a batch of documents at
once it finds the very candidates, ranked as compare() ranks them."""

from __future__ import annotations

import numpy as np
import pytest

from tests.checking.corpus_records import all_records, pairs
from tests.checking.test_near_duplicates import import_records
from wenku.checking.duplicates import _COMMON_FOR_DUPLICATES, threshold
from wenku.checking.fingerprints import stream_of, winnow
from wenku.checking.matching import find_seeds, rank_candidates
from wenku.checking.prefilter import look_up, may_have_original, older_candidates
from wenku.checking.registry import get_index, window
from wenku.library.models import Document
from wenku.search import indexing

pytestmark = pytest.mark.django_db


def test_the_prefilter_skips_exactly_the_documents_without_a_candidate(corpus, tmp_path):
    records = all_records(corpus)
    truth = pairs(corpus, "pairs_govcn_vs_wikisource.jsonl")
    import_records(tmp_path, "gwr", [records[p["b"]] for p in truth])
    import_records(tmp_path, "govcn", [records[p["a"]] for p in truth])
    indexing.apply_pending()
    answers = []
    documents = list(Document.objects.order_by("pk"))
    fingerprints = {d.pk: winnow(stream_of(d.full_text()), window()) for d in documents}
    batched = older_candidates(fingerprints, threshold() / 2, _COMMON_FOR_DUPLICATES)  # one lookup for all
    for document in documents:
        query = stream_of(document.full_text())
        seeds = find_seeds(query, get_index(), window(), _COMMON_FOR_DUPLICATES, {document.pk})
        seeds.by_document = {d: p for d, p in seeds.by_document.items() if d < document.pk}
        ranked = rank_candidates(seeds, len(documents), min_share=threshold() / 2)
        answers.append(bool(ranked))
        assert may_have_original(query, document.pk, threshold() / 2, _COMMON_FOR_DUPLICATES) == bool(ranked)
        assert batched[document.pk] == ranked  # the same documents in the same order
    assert True in answers and False in answers  # both answers were checked


def test_a_batch_lookup_answers_each_document_as_the_index_does(corpus, tmp_path):
    records = all_records(corpus)
    truth = pairs(corpus, "pairs_govcn_vs_wikisource.jsonl")[:6]
    import_records(tmp_path, "gwr", [records[p["b"]] for p in truth])
    import_records(tmp_path, "govcn", [records[p["a"]] for p in truth])
    indexing.apply_pending()
    documents = list(Document.objects.order_by("pk"))
    fingerprints = {d.pk: winnow(stream_of(d.full_text()), window()) for d in documents}
    looked_up = look_up(fingerprints, _COMMON_FOR_DUPLICATES)
    index = get_index()
    for document in documents:
        hashes = np.unique(fingerprints[document.pk].hashes)
        for asked in (hashes, hashes[::3], np.append(hashes, 12345)):  # all, some, and one the batch lacks
            assert _postings(looked_up.lookup(asked, _COMMON_FOR_DUPLICATES)) == _postings(
                index.lookup(asked, _COMMON_FOR_DUPLICATES)
            )
    some = np.unique(fingerprints[documents[0].pk].hashes)
    assert _postings(looked_up.lookup(some, 3)) == _postings(index.lookup(some, 3))  # another limit: the index's
    assert any(len(looked_up.lookup(np.unique(f.hashes), _COMMON_FOR_DUPLICATES).query) for f in fingerprints.values())


def _postings(postings) -> tuple:
    rows = sorted(zip(postings.query.tolist(), postings.documents.tolist(), postings.positions.tolist(), strict=True))
    return postings.counts.tolist(), rows
