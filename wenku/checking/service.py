"""check_text(): the one entry point for a 查重 check, used by the web page, the API and the CLI.

The submitted text is never stored here; adding it to the library is a separate, explicit import.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
from django.conf import settings

from wenku.checking.extension import widen
from wenku.checking.fingerprints import K, Stream, same_folded, stream_of
from wenku.checking.index.base import FingerprintIndex, IndexUnavailable
from wenku.checking.matching import JOIN_GAP, Run, find_seeds, grow_runs, rank_candidates
from wenku.checking.models import NearDuplicate
from wenku.checking.quotations import quotation_spans
from wenku.checking.registry import get_index, window
from wenku.checking.report import CheckReport, Match, Source
from wenku.checking.sources import SourceText, load_sources, page_url
from wenku.checking.spans import chars_in, subtract, union
from wenku.text.counting import count_chars

MAX_CANDIDATES = 40


class CheckError(ValueError):
    """The submission cannot be checked (empty, too long); the message says why, for the user."""


class CheckUnavailable(CheckError):
    """The fingerprint index is missing, damaged or being rebuilt: no check can run now (not the user's fault)."""

    MESSAGE = "查重索引暂不可用（需要重建），请稍后再试；管理员可运行 wenku reindex。"


def check_text(
    text: str,
    *,
    exclude: set[int] = frozenset(),
    common_docs: int | None = None,
    max_candidates: int = MAX_CANDIDATES,
) -> CheckReport:
    """Which passages of ``text`` (as decoded; offsets refer to it) already exist in the library."""
    limit = settings.WENKU_CHECK_MAX_CHARS
    if len(text) > limit:
        raise CheckError(f"文本过长：{len(text)} 个字符，查重上限为 {limit} 个字符（WENKU_CHECK_MAX_CHARS）")
    query = stream_of(text)
    if not len(query):
        raise CheckError("没有可查重的文字")
    common_docs = settings.WENKU_CHECK_COMMON_DOCS if common_docs is None else common_docs
    if get_index().needs_rebuild():  # a missing index would say "0% copied": refuse instead
        raise CheckUnavailable(CheckUnavailable.MESSAGE)
    try:
        return compare(text, query, exclude=set(exclude), common_docs=common_docs, max_candidates=max_candidates)
    except IndexUnavailable as exc:
        raise CheckUnavailable(CheckUnavailable.MESSAGE) from exc


def compare(
    text: str,
    query: Stream,
    *,
    exclude: set[int],
    common_docs: int,
    max_candidates: int,
    before: int | None = None,
    min_seed_share: float = 0.0,
    join_gap: int = JOIN_GAP,
    min_run: int | None = None,
    only: Collection[int] | None = None,
    loaded: Mapping[int, SourceText] | None = None,
    index: FingerprintIndex | None = None,
) -> CheckReport:
    """The report for ``text`` against the index, without the limits a user-facing check has.

    ``before``: only documents with smaller ids (older ones) are sources. ``min_seed_share``: only documents
    sharing at least this share of the text's fingerprints are read (a cheap filter for near-duplicates).
    ``join_gap``: passages of one source this close together are one match (0: count exact passages only).
    ``min_run``: the shortest passage counted (default WENKU_CHECK_MIN_RUN). ``only``: no other documents can
    be candidates (the near-duplicate review's prefilter found them), so no other seeds are built. ``loaded``:
    sources already loaded (a review loads those of a whole batch at once: copies of one original share it).
    ``index``: what to look the fingerprints up in, if not the index itself (a review's lookup of its batch)."""
    chars = count_chars(text)
    min_run = min_run or settings.WENKU_CHECK_MIN_RUN
    seeds = find_seeds(query, index or get_index(), window(), common_docs, exclude, only)
    if before is not None:
        seeds.by_document = {d: pairs for d, pairs in seeds.by_document.items() if d < before}
    ranked = rank_candidates(seeds, 4 * max_candidates, min_share=min_seed_share)
    if before is None:  # a user's check: a recorded copy adds nothing when its original is a candidate too
        ranked = _without_copies(ranked)
    candidates = load_sources(ranked[:max_candidates], loaded)
    offsets = query.offsets

    sources: list[Source] = []
    covered_all: list[tuple[int, int]] = []
    common_before = _common_prefix_counts(len(query), seeds.common_positions)
    for document_id, source in candidates.items():
        runs = grow_runs(query, source.stream, seeds.by_document[document_id], min_run, join_gap)
        # A run that is a stock phrase plus a few characters is not copying: count it only when at least
        # min_run of its characters lie outside the library's common k-grams.
        runs = [r for r in runs if r.q_end - r.q_start - (common_before[r.q_end] - common_before[r.q_start]) >= min_run]
        if not runs:
            continue
        matches = []
        for run in runs:
            start, end, source_start, source_end = _span_of(run, text, query, source.text, source.stream)
            matches.append(
                Match(
                    start,
                    end,
                    source.page_at(source_start),
                    source_start,
                    source_end,
                    source.text[source_start:source_end],
                )
            )
        covered = union([(m.start, m.end) for m in matches])
        covered_all += covered
        copied = chars_in(text, covered)
        sources.append(Source(document_id, source.title, page_url(document_id, 1), copied, copied / chars, matches))
    sources.sort(key=lambda s: (-s.copied_chars, s.id))
    covered = union(covered_all)
    quotations = quotation_spans(text)
    common = [(int(offsets[p]), int(offsets[min(p + K, len(offsets)) - 1]) + 1) for p in seeds.common_positions]
    return CheckReport(
        text=text,
        chars=chars,
        copied_chars=chars_in(text, covered),
        copied_chars_excluding_quotes=chars_in(text, subtract(covered, quotations)),
        sources=sources,
        quotations=quotations,
        common_phrases=subtract(union(common), covered),
        min_run=min_run,
        common_docs=common_docs,
    )


def _span_of(run: Run, text: str, query: Stream, source_text: str, source: Stream) -> tuple[int, int, int, int]:
    """The run's passage in both texts, with the punctuation both share at its ends (a copied page's last 。)."""

    def span_and_room(stream: Stream, start: int, end: int, length: int) -> tuple[tuple[int, int], tuple[int, int]]:
        offsets = stream.offsets
        span = (int(offsets[start]), int(offsets[end - 1]) + 1)
        room = (int(offsets[start - 1]) + 1 if start else 0, int(offsets[end]) if end < len(offsets) else length)
        return span, room

    q_span, q_room = span_and_room(query, run.q_start, run.q_end, len(text))
    s_span, s_room = span_and_room(source, run.s_start, run.s_end, len(source_text))
    return widen(text, q_span, q_room, source_text, s_span, s_room, same_folded)


def _common_prefix_counts(length: int, common_positions) -> np.ndarray:
    """counts[i] = how many of the first i query characters lie in a k-gram too common to count."""
    mask = np.zeros(length + 1, dtype=np.int64)
    if len(common_positions):
        np.add.at(mask, np.minimum(common_positions, length), 1)
        np.add.at(mask, np.minimum(common_positions + K, length), -1)
    covered = np.cumsum(mask[:length]) > 0
    return np.concatenate([[0], np.cumsum(covered)])


def _without_copies(ranked: list[int]) -> list[int]:
    """Drop documents recorded as near-duplicates of another candidate, so that copies of one report do not
    fill the slots that other sources need."""
    copies = NearDuplicate.objects.filter(document_id__in=ranked, original_id__in=ranked)
    dropped = set(copies.values_list("document_id", flat=True))
    return [d for d in ranked if d not in dropped]
