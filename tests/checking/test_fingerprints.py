"""Fingerprints: the winnowing guarantee on real text, offsets back into the original, and batch winnowing
equal to one text at a time."""

from __future__ import annotations

import json
import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from wenku.checking.fingerprints import (
    RecentFingerprints,
    distinct,
    stream_digest,
    stream_of,
    window_for,
    winnow,
    winnow_many,
    winnow_many_with_digests,
)

WINDOW = window_for(13)
REPORT = (REPO / "wenku" / "sample_library" / "gov_work_reports" / "2024.txt").read_text(encoding="utf-8")


def kept(f) -> set[tuple[int, int]]:
    return set(zip(f.hashes.tolist(), f.positions.tolist(), strict=True))


@settings(max_examples=200, derandomize=True)
@given(start=st.integers(0, len(REPORT) - 400), length=st.integers(13, 300), other=st.integers(0, len(REPORT) - 400))
def test_every_shared_run_of_13_shares_a_fingerprint(start, length, other):
    run = REPORT[start : start + length]
    if len(stream_of(run)) < 13:
        return
    host = REPORT[other : other + 200] + run + "。今天的会议到此结束。"
    shared = {h for h, _ in kept(winnow(stream_of(run), WINDOW))}  # what the run alone keeps...
    assert {h for h, _ in kept(winnow(stream_of(host), WINDOW))} & shared  # ...meets what the host keeps


def test_offsets_point_into_the_original_text():
    text = "第一，ＡＢＣ經濟\u3000发展😀𠀀。"
    stream = stream_of(text)
    assert "".join(text[i] for i in stream.offsets) == "第一ＡＢＣ經濟发展𠀀"


def test_batch_winnowing_equals_one_text_at_a_time():
    rng = random.Random(3)
    records = REPO.parent / "shared" / "corpus" / "news" / "peoples_daily_2020-01.jsonl"
    texts = [json.loads(line)["text"] for line in records.open(encoding="utf-8")][:300] if records.exists() else []
    texts = [t[(a := rng.randrange(len(t))) : a + rng.choice([0, 3, 12, 13, 14, 20, 300, 5000])] for t in texts]
    texts += [REPORT[i : i + n] for i, n in ((0, 5), (10, 13), (100, 18), (0, len(REPORT)))] + ["", "。。", "ab"]
    for text, batched in zip(texts, winnow_many(texts, WINDOW), strict=True):
        assert kept(batched) == kept(winnow(stream_of(text), WINDOW)), text[:40]


def test_distinct_is_numpys_unique():
    rng = np.random.default_rng(5)
    for values in (np.zeros(0, dtype=np.int64), rng.integers(-50, 50, 1000), np.sort(rng.integers(0, 9, 30))):
        assert np.array_equal(distinct(values), np.unique(values))


def test_the_review_reuses_what_the_index_winnowed_only_for_the_same_text():
    texts = [REPORT[:3000], REPORT[3000:5000], REPORT[5000:9000]]
    recent = RecentFingerprints(max_fingerprints=2000)
    for document_id, (fingerprints, digest) in enumerate(winnow_many_with_digests(texts, WINDOW)):
        assert digest == stream_digest(stream_of(texts[document_id]).codes)
        recent.remember(document_id, digest, WINDOW, 8, fingerprints)
    assert winnow_many_with_digests([], WINDOW) == []
    held = dict(recent._entries)
    assert 0 not in held and 1 in held and 2 in held  # bounded: the oldest went
    # Whitespace and punctuation do not change the stream: the same fingerprints, handed out once.
    again = recent.take(1, stream_of(texts[1].replace("。", "。\n")), WINDOW)
    assert again is held[1][3] and 1 not in recent._entries
    # A changed text (or another window) is winnowed afresh.
    changed = texts[2].replace("发展", "發達", 1)
    assert kept(recent.take(2, stream_of(changed), WINDOW)) == kept(winnow(stream_of(changed), WINDOW))
    assert kept(recent.take(0, stream_of(texts[0]), WINDOW + 1)) == kept(winnow(stream_of(texts[0]), WINDOW + 1))
