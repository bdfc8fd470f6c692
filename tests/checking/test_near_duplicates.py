"""Near-duplicates on real pairs: the gov.cn scrape of each government work report against its Wikisource text
(must be flagged), and the pairs measured as only partly overlapping (must not be)."""

from __future__ import annotations

import pytest

from tests.checking.corpus_records import all_records, pairs, write_jsonl
from wenku.checking.duplicates import review_new_documents
from wenku.checking.models import NearDuplicate
from wenku.ingest.importer import import_paths
from wenku.library.models import Document, Status
from wenku.search import indexing

pytestmark = pytest.mark.django_db


def import_records(tmp_path, name: str, records: list[dict]) -> dict[str, int]:
    """Import records in order; returns record id -> document id."""
    results = import_paths([write_jsonl(tmp_path / f"{name}.jsonl", records)])
    assert all(r.status == "imported" for r in results), [r.describe() for r in results if r.status != "imported"]
    assert len(results) == len(records)
    return {record["id"]: r.id for record, r in zip(records, results, strict=True)}


def test_every_govcn_copy_of_a_report_is_a_near_duplicate_of_its_wikisource_text(corpus, tmp_path):
    records = all_records(corpus)
    truth = pairs(corpus, "pairs_govcn_vs_wikisource.jsonl")
    wikisource = import_records(tmp_path, "gwr", [records[p["b"]] for p in truth])
    govcn = import_records(tmp_path, "govcn", [records[p["a"]] for p in truth])
    indexing.apply_pending()
    findings = {f.document_id: f for f in review_new_documents(list(govcn.values()))}
    missed = []
    for pair in truth:
        finding = findings.get(govcn[pair["a"]])
        if finding is None or finding.original_id != wikisource[pair["b"]]:
            missed.append(pair["year"])
    assert not missed, f"not flagged: {missed}"
    assert NearDuplicate.objects.count() == len(truth)
    # The Wikisource texts themselves are older: none of them is a copy.
    assert not review_new_documents(list(wikisource.values()))


# Labelled partial_overlap by the corpus's 10-character shingle measure (punctuation kept), but copies by ours:
# the README itself names the first as the 2020 NPC resolution and its People's Daily printing (100% here), and
# the news report of the 2020 Spring Festival reception prints 81% of the speech in passages of 50+ characters.
COPIES_AFTER_ALL = {("npc-res-05", "pd-20200529-04-03"), ("pd-20200124-01-02", "pd-20200124-01-03")}


def test_pairs_that_only_partly_overlap_are_not_near_duplicates(corpus, tmp_path):
    records = all_records(corpus)
    partial = [
        p
        for p in pairs(corpus, "measured_pairs_dev.jsonl")
        if p["relation"] == "partial_overlap" and (p["a"], p["b"]) not in COPIES_AFTER_ALL
    ]
    ids = list(dict.fromkeys(i for p in partial for i in (p["a"], p["b"])))
    imported = import_records(tmp_path, "partial", [records[i] for i in ids])
    indexing.apply_pending()
    found = {(f.document_id, f.original_id) for f in review_new_documents(list(imported.values()))}
    wrongly = [
        (p["a"], p["b"])
        for p in partial
        if (imported[p["a"]], imported[p["b"]]) in found or (imported[p["b"]], imported[p["a"]]) in found
    ]
    assert not wrongly, f"partial overlaps flagged as near-duplicates: {wrongly}"


@pytest.mark.parametrize("policy", ["accept", "flag", "reject"])
def test_the_policy_decides_what_happens_to_a_copy(corpus, tmp_path, settings, policy):
    settings.WENKU_DUPLICATE_POLICY = policy
    records = all_records(corpus)
    original = import_records(tmp_path, "a", [records["gwr-2015"]])["gwr-2015"]
    indexing.apply_pending()
    copy = import_records(tmp_path, "b", [records["govcn-2015"]])["govcn-2015"]
    [finding] = review_new_documents([copy])
    assert finding.original_id == original and finding.share >= 0.8
    assert finding.describe().startswith("near-duplicate of 《2015年中华人民共和国国务院政府工作报告》 (")
    if policy == "reject":
        assert not Document.objects.filter(pk=copy).exists()
    else:
        assert NearDuplicate.objects.get(document_id=copy).original_id == original
        expected = Status.PENDING if policy == "flag" else Status.PUBLISHED
        assert Document.objects.get(pk=copy).status == expected
