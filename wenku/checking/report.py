"""The result of a check, as the web page, the downloadable report, the API and the CLI all show it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Match:
    start: int  # offsets in the submitted text as decoded: 0-based, end exclusive
    end: int
    page: int  # the source page where the passage starts
    source_start: int  # offsets in the source document's text
    source_end: int
    source_text: str = ""  # the source passage as displayed there


@dataclass
class Source:
    id: int
    title: str
    url: str
    copied_chars: int
    share: float  # copied_chars / the submission's chars
    matches: list[Match] = field(default_factory=list)


@dataclass
class CheckReport:
    text: str
    chars: int
    copied_chars: int
    copied_chars_excluding_quotes: int
    sources: list[Source]
    quotations: list[tuple[int, int]]
    common_phrases: list[tuple[int, int]]  # found in too many documents to count as copying
    min_run: int
    common_docs: int

    @property
    def ratio(self) -> float:
        return self.copied_chars / self.chars if self.chars else 0.0

    @property
    def ratio_excluding_quotes(self) -> float:
        return self.copied_chars_excluding_quotes / self.chars if self.chars else 0.0

    @property
    def largest_share(self) -> float:
        """单篇最大文字复制比."""
        return max((s.share for s in self.sources), default=0.0)

    def to_json(self) -> dict:
        return {
            "chars": self.chars,
            "copied_chars": self.copied_chars,
            "ratio": round(self.ratio, 4),
            "ratio_excluding_quotes": round(self.ratio_excluding_quotes, 4),
            "copied_chars_excluding_quotes": self.copied_chars_excluding_quotes,
            "sources": [
                {
                    "id": s.id,
                    "title": s.title,
                    "url": s.url,
                    "copied_chars": s.copied_chars,
                    "share": round(s.share, 4),
                    "matches": [
                        {
                            "start": m.start,
                            "end": m.end,
                            "page": m.page,
                            "source_start": m.source_start,
                            "source_end": m.source_end,
                        }
                        for m in s.matches
                    ],
                }
                for s in self.sources
            ],
            "quotations": [{"start": a, "end": b} for a, b in self.quotations],
            "common_phrases": [{"start": a, "end": b} for a, b in self.common_phrases],
            "settings": {"min_run": self.min_run, "common_docs": self.common_docs},
        }
