"""Winnowing fingerprints of text, with every fingerprint's place in the original text.

Matching works on a *stream*: the text normalised for matching (wenku.text.analysis.normalize: traditional to
simplified, full width to half width, lower case) with everything but letters and digits dropped, so punctuation
and whitespace never break or make a match. ``Stream.offsets[i]`` is where stream character ``i`` stands in the
original text, so matches map back to exactly what the user sees.

Winnowing (Schleimer, Wilkerson, Aiken 2003): hash every k-gram of the stream, and in every window of ``w``
consecutive hashes keep the smallest (the rightmost on ties). Any run shared by two texts that is at least
``t = k + w - 1`` stream characters long shares a kept hash, so it is found; runs shorter than ``k`` never are.
Everything here is vectorised with numpy: no Python loop runs per character.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from wenku.text.analysis import normalize

K = 8  # noise threshold: shared runs shorter than this are never found
_BASE = np.uint64(0x100000001B3)


@cache
def _tables() -> tuple[np.ndarray, np.ndarray]:
    """Per BMP code point: the folded code point, and whether it is matched at all (letters and digits)."""
    all_bmp = "".join(chr(cp) for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF)
    folded = normalize(all_bmp)
    fold = np.arange(0x10000, dtype=np.uint32)
    keep = np.zeros(0x10000, dtype=bool)
    points = [cp for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF]
    fold[points] = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32)
    keep[points] = [ch.isalnum() for ch in folded]
    return fold, keep


@dataclass(frozen=True)
class Stream:
    codes: np.ndarray  # uint32 folded code points of the matched characters
    offsets: np.ndarray  # int64 offset of each in the original text

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def key(self) -> bytes:
        """The stream as bytes (4 per character), for fast slice comparisons while extending matches."""
        return self.codes.tobytes()


# Beyond the BMP only the CJK extension planes hold characters that are matched (Han extensions B–H); emoji,
# mathematical letters and other symbols there are dropped like punctuation, so inserting them hides nothing.
_ASTRAL_HAN = (0x20000, 0x3FFFF)


def stream_of(text: str) -> Stream:
    fold, keep = _tables()
    # surrogatepass: a lone surrogate (possible in JSON) becomes a code point that is simply not matched.
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    bmp = codes < 0x10000
    index = np.where(bmp, codes, 0)
    folded = np.where(bmp, fold[index], codes)
    kept = np.where(bmp, keep[index], (codes >= _ASTRAL_HAN[0]) & (codes <= _ASTRAL_HAN[1]))
    offsets = np.flatnonzero(kept)
    return Stream(codes=folded[offsets], offsets=offsets)


def same_folded(a: str, b: str) -> bool:
    """Whether two characters are one once folded as the stream folds them (， and , are; 。 and ． are not)."""
    fold, _ = _tables()
    return (fold[ord(a)] if ord(a) < 0x10000 else ord(a)) == (fold[ord(b)] if ord(b) < 0x10000 else ord(b))


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: polynomial hashes have structured low bits, minima need uniform ones."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def kgram_hashes(codes: np.ndarray, k: int = K) -> np.ndarray:
    """uint64 hash of every k-gram (len(codes) - k + 1 of them)."""
    n = len(codes) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    values = codes.astype(np.uint64)
    with np.errstate(over="ignore"):
        h = np.zeros(n, dtype=np.uint64)
        for j in range(k):
            h = h * _BASE + values[j : j + n]
        return _mix(h)


@dataclass(frozen=True)
class Fingerprints:
    hashes: np.ndarray  # int64 (the uint64 hash's bits), one per kept k-gram
    positions: np.ndarray  # int32 stream position of that k-gram


def winnow(stream: Stream, window: int, k: int = K) -> Fingerprints:
    """The kept fingerprints of a stream: the rightmost minimum of every ``window`` consecutive k-gram hashes."""
    hashes = kgram_hashes(stream.codes, k)
    if len(hashes) == 0:
        return Fingerprints(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32))
    if len(hashes) <= window:
        chosen = np.array([len(hashes) - 1 - int(np.argmin(hashes[::-1]))])
    else:
        windows = sliding_window_view(hashes, window)
        rightmost = window - 1 - np.argmin(windows[:, ::-1], axis=1)
        chosen = distinct(np.arange(len(windows)) + rightmost)
    return Fingerprints(hashes=hashes[chosen].view(np.int64), positions=chosen.astype(np.int32))


def distinct(values: np.ndarray) -> np.ndarray:
    """np.unique(values) (sorted, each once), by sorting: numpy 2.4's hash-based np.unique is up to 20 times
    slower on these arrays of positions and keys."""
    values = np.sort(values)
    return values[np.concatenate([[True], values[1:] != values[:-1]])] if len(values) else values


def window_for(min_run: int, k: int = K) -> int:
    """The winnowing window that guarantees every shared run of ``min_run`` stream characters is found."""
    return max(1, min_run - k + 1)


def winnow_many(texts: list[str], window: int, k: int = K) -> list[Fingerprints]:
    """``winnow(stream_of(text))`` for many texts at once, in one pass of numpy over their concatenation, which
    is several times faster for many short documents (poems, news briefs).

    Only windows lying inside one text count, so the result is exactly ``winnow``'s for each text (a text with
    fewer than ``window`` k-grams keeps its minimum, as there); tests/checking/test_fingerprints.py checks it.
    """
    return _winnow_many(texts, window, k)[0]


def winnow_many_with_digests(texts: list[str], window: int, k: int = K) -> list[tuple[Fingerprints, bytes]]:
    """winnow_many, each with the ``stream_digest`` of its text's stream (the key for ``recent``)."""
    fingerprints, codes, first = _winnow_many(texts, window, k)
    ends = [*first[1:].tolist(), len(codes)][: len(first)]
    return [
        (f, stream_digest(codes[begin:end])) for f, begin, end in zip(fingerprints, first.tolist(), ends, strict=True)
    ]


def _winnow_many(texts: list[str], window: int, k: int) -> tuple[list[Fingerprints], np.ndarray, np.ndarray]:
    """winnow_many's fingerprints, the joined stream's codes and each text's first position in them."""
    if not texts:
        return [], np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int64)
    starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    stream = stream_of("\n".join(texts))
    owner = np.searchsorted(starts, stream.offsets, side="right") - 1  # which text each stream character is in
    first = np.searchsorted(owner, np.arange(len(texts)), side="left")  # each text's first stream position
    hashes = kgram_hashes(stream.codes, k)
    if len(hashes) == 0:
        empty = [Fingerprints(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)) for _ in texts]
        return empty, stream.codes, first
    valid = owner[: len(hashes)] == owner[k - 1 :]  # the k-gram lies inside one text
    if len(hashes) <= window:
        picked = np.zeros(0, dtype=np.int64)
    else:
        windows = sliding_window_view(hashes, window)
        inside = owner[: len(windows)] == owner[window + k - 2 :]  # the whole window lies inside one text
        starts_inside = np.flatnonzero(inside)
        rightmost = window - 1 - np.argmin(windows[starts_inside, ::-1], axis=1)
        picked = distinct(starts_inside + rightmost)
    # Texts with fewer than `window` k-grams have no window of their own: keep their rightmost minimum.
    counts = np.bincount(owner[: len(hashes)][valid], minlength=len(texts))
    extra = []
    for text_index in np.flatnonzero((counts > 0) & (counts < window)):
        begin = first[text_index]
        own = hashes[begin : begin + counts[text_index]]
        extra.append(begin + len(own) - 1 - int(np.argmin(own[::-1])))
    if extra:
        picked = distinct(np.concatenate([picked, np.array(extra, dtype=np.int64)]))
    by_text = owner[picked]
    bounds = np.searchsorted(by_text, np.arange(len(texts) + 1), side="left")
    result = []
    for text_index in range(len(texts)):
        mine = picked[bounds[text_index] : bounds[text_index + 1]]
        result.append(
            Fingerprints(hashes=hashes[mine].view(np.int64), positions=(mine - first[text_index]).astype(np.int32))
        )
    return result, stream.codes, first


def stream_digest(codes: np.ndarray) -> bytes:
    """What a stream's fingerprints depend on, in 16 bytes: two texts with one digest winnow alike."""
    return hashlib.blake2b(np.ascontiguousarray(codes, dtype=np.uint32).tobytes(), digest_size=16).digest()


class RecentFingerprints:
    """The fingerprints this process computed lately, by document: the 查重 index follower winnows a newly
    imported document and its near-duplicate review, moments later, needs the same fingerprints. Keyed by the
    stream's digest and the window, so a changed text (or another window) is never answered from here; bounded
    by the number of fingerprints held (the oldest go first), and an entry is handed out once."""

    def __init__(self, max_fingerprints: int) -> None:
        self.max_fingerprints = max_fingerprints
        self._entries: OrderedDict[int, tuple[bytes, int, int, Fingerprints]] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()

    def remember(self, document_id: int, digest: bytes, window: int, k: int, fingerprints: Fingerprints) -> None:
        size = len(fingerprints.hashes)
        with self._lock:
            self._drop(document_id)
            if size > self.max_fingerprints:
                return
            self._entries[document_id] = (digest, window, k, fingerprints)
            self._held += size
            while self._held > self.max_fingerprints:
                self._drop(next(iter(self._entries)))

    def take(self, document_id: int, stream: Stream, window: int, k: int = K) -> Fingerprints:
        """``winnow(stream, window, k)``, from what was remembered for this document when it is the same."""
        with self._lock:
            entry = self._drop(document_id)
        if entry is not None and entry[1:3] == (window, k) and entry[0] == stream_digest(stream.codes):
            return entry[3]
        return winnow(stream, window, k)

    def _drop(self, document_id: int) -> tuple[bytes, int, int, Fingerprints] | None:
        entry = self._entries.pop(document_id, None)
        if entry is not None:
            self._held -= len(entry[3].hashes)
        return entry


# About 12 bytes a fingerprint: at most ~50 MB, enough for an import of ~15 M characters to be reviewed from it.
recent = RecentFingerprints(max_fingerprints=1 << 22)
