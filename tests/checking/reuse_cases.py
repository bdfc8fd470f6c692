"""Text-reuse cases from real documents, and PAN's measures of how well a checker finds them.

A submission is a stretch of real text that is in no library (SIGHAN 2005 MSR test text, 1990s news) with
passages of 13–500 characters copied from library documents, each lightly edited in one way: not at all,
punctuation changed, full/half width swapped, traditional characters, a word inserted, a word deleted, or its
clauses reordered. Measures are character-level on the matching stream (letters and digits), as in
Potthast et al. 2010: precision (micro), recall (macro over cases), granularity, plagdet = F1 / log2(1 + gran),
plus the recall on the exactly copied runs of >= 13 characters that the issue's guarantee is about.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from wenku.checking.fingerprints import stream_of

KINDS = ("none", "punctuation", "width", "traditional", "insert", "delete", "reorder")
LENGTHS = ((13, 30), (30, 100), (100, 500))


@dataclass
class Case:
    start: int  # the inserted passage in the submission (end exclusive)
    end: int
    kind: str
    runs: list[tuple[int, int]]  # its pieces copied exactly (submission offsets)


@dataclass
class Submission:
    text: str
    cases: list[Case] = field(default_factory=list)


def library_records(records: dict[str, dict]) -> list[dict]:
    """The library the cases are drawn from: the 58 speeches, the 2015–2024 reports and 300 news articles (the
    news bring stock phrases)."""
    chosen = [r for i, r in records.items() if i.startswith("xi2020-")]
    chosen += [records[f"gwr-{year}"] for year in range(2015, 2025) if f"gwr-{year}" in records]
    chosen += [r for i, r in records.items() if i.startswith("pd-202001")][:300]
    return chosen


def detections(text: str) -> list[tuple[int, int, int]]:
    """What the checker reports for ``text``, as ``evaluate`` wants it: (start, end, source id)."""
    from wenku.checking.service import check_text

    report = check_text(text)
    return [(m.start, m.end, s.id) for s in report.sources for m in s.matches]


def host_lines(corpus: Path) -> list[str]:
    path = corpus / "segmentation" / "sighan2005" / "msr_test.utf8"
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 20]


def _traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


def _width(text: str) -> str:
    def swap(c: str) -> str:
        if "!" <= c <= "~":
            return chr(ord(c) + 0xFEE0)
        if "\uff01" <= c <= "\uff5e":
            return chr(ord(c) - 0xFEE0)
        return c

    return "".join(swap(c) for c in text)


def _edit(passage: str, kind: str, rng: random.Random) -> list[str]:
    """The edited passage as its exactly copied pieces, in order (inserted text between them)."""
    if kind == "punctuation":
        table = str.maketrans({"，": ",", "。": ".", "、": ",", "；": ";", "：": ":", "“": '"', "”": '"'})
        return [passage.translate(table)]
    if kind == "width":
        return [_width(passage)]
    if kind == "traditional":
        return [_traditional(passage)]
    if kind in ("insert", "delete") and len(passage) >= 6:
        cut = rng.randrange(3, len(passage) - 2)
        if kind == "insert":
            return [passage[:cut], "确实", passage[cut:]]
        return [passage[: cut - 1], passage[cut + 1 :]]
    if kind == "reorder":
        clauses = [c for c in passage.replace("。", "。|").replace("，", "，|").split("|") if c]
        if len(clauses) >= 2:
            order = list(range(len(clauses)))
            while order == sorted(order):
                rng.shuffle(order)
            return [clauses[i] for i in order]
    return [passage]


def make_submissions(sources: list[str], hosts: list[str], count: int, seed: int = 7) -> list[Submission]:
    rng = random.Random(seed)
    paragraphs = [p for text in sources for p in text.split("\n") if len(p) >= 13]
    submissions = []
    for n in range(count):
        start = rng.randrange(len(hosts) - 40)
        host = hosts[start : start + rng.randint(10, 30)]
        text_parts: list[str] = []
        cases: list[Case] = []
        insert_at = set(rng.sample(range(len(host)), k=min(len(host), rng.randint(1, 4))))
        position = 0
        for i, line in enumerate(host):
            text_parts.append(line)
            position += len(line)
            if i in insert_at:
                low, high = LENGTHS[rng.randrange(len(LENGTHS))]
                paragraph = rng.choice([p for p in rng.sample(paragraphs, 50) if len(p) >= low] or paragraphs)
                length = min(rng.randint(low, high), len(paragraph))
                offset = rng.randrange(len(paragraph) - length + 1)
                kind = KINDS[(n + i) % len(KINDS)]
                pieces = _edit(paragraph[offset : offset + length], kind, rng)
                runs, case_start = [], position
                for j, piece in enumerate(pieces):
                    if kind == "insert" and j == 1:
                        position += len(piece)
                        text_parts.append(piece)
                        continue
                    runs.append((position, position + len(piece)))
                    text_parts.append(piece)
                    position += len(piece)
                cases.append(Case(case_start, position, kind, runs))
            text_parts.append("\n")
            position += 1
        submissions.append(Submission("".join(text_parts), cases))
    return submissions


def _stream_set(offsets: np.ndarray, spans: list[tuple[int, int]]) -> set[int]:
    chosen: set[int] = set()
    for start, end in spans:
        lo, hi = np.searchsorted(offsets, start), np.searchsorted(offsets, end)
        chosen.update(range(int(lo), int(hi)))
    return chosen


def evaluate(submissions: list[Submission], check, min_run: int = 13) -> dict:
    """PAN measures for ``check(text) -> list of detected (start, end, source id)`` over the submissions.
    Granularity counts, for each case, the detections of the source that covers most of it (a passage that is
    in several library documents is rightly reported once per document)."""
    detected_chars = correct_chars = 0
    recalls: list[float] = []
    by_kind: dict[str, list[float]] = defaultdict(list)
    granularity: list[int] = []
    run_total = run_found = 0
    for submission in submissions:
        offsets = stream_of(submission.text).offsets
        detections = check(submission.text)
        detected = _stream_set(offsets, [(start, end) for start, end, _ in detections])
        case_sets = [_stream_set(offsets, [(c.start, c.end)]) for c in submission.cases]
        all_cases = set().union(*case_sets) if case_sets else set()
        detected_chars += len(detected)
        correct_chars += len(detected & all_cases)
        for case, chars in zip(submission.cases, case_sets, strict=True):
            if not chars:
                continue
            recall = len(chars & detected) / len(chars)
            recalls.append(recall)
            by_kind[case.kind].append(recall)
            per_source: dict[int, list[int]] = defaultdict(list)
            for start, end, source in detections:
                overlap = len(_stream_set(offsets, [(start, end)]) & chars)
                if overlap:
                    per_source[source].append(overlap)
            if per_source:
                granularity.append(len(max(per_source.values(), key=sum)))
            for run in case.runs:
                run_chars = _stream_set(offsets, [run])
                if len(run_chars) >= min_run:
                    run_total += len(run_chars)
                    run_found += len(run_chars & detected)
    precision = correct_chars / detected_chars if detected_chars else 1.0
    recall = sum(recalls) / len(recalls) if recalls else 1.0
    gran = sum(granularity) / len(granularity) if granularity else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "submissions": len(submissions),
        "cases": len(recalls),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "granularity": round(gran, 4),
        "plagdet": round(f1 / math.log2(1 + gran), 4),
        "run_recall_13": round(run_found / run_total, 4) if run_total else 1.0,
        "recall_by_kind": {k: round(sum(v) / len(v), 4) for k, v in sorted(by_kind.items())},
    }
