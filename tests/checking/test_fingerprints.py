"""Fingerprints: the winnowing guarantee on real text, offsets back into the original, and batch winnowing
equal to one text at a time."""

from __future__ import annotations

import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from wenku.checking.fingerprints import stream_of, window_for, winnow, winnow_many

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
