"""Measure article detection (汇编 → 篇目) on compilations built from real documents of the development corpus.

Each compilation concatenates real documents under their titles, is written as a real file (.txt in UTF-8 or
GB18030, .docx with titles as Heading 1 or as plain paragraphs, .html with <h1>/<h2>), read back by Wenku's own
converter, and run through wenku.text.articles.detect_articles. An article counts as found when its start paragraph
is right (boundary) and, for titles, when the title is exactly the real one too. Single documents (every
government work report, the speeches, the news articles used) must yield no articles; whatever they yield counts
as false positives.

Titles: news and government work reports keep their real titles. The speeches' titles in the corpus are
synthesized (date + opening clause), so the speeches here carry titles written by us after the real pattern
(the known titles of those speeches, "在…上的讲话/致辞", "…的回信"); see SPEECH_TITLES.

    .venv/bin/python bench/eval_articles.py [--corpus PATH]

prints precision, recall and F1 and the remaining errors, and writes bench/results/articles.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
DEFAULT_CORPUS = Path(os.environ.get("WENKU_CORPUS", REPO.parent / "shared" / "corpus"))
REFERENCE_PAGE = REPO.parent / "shared" / "seed" / "reference-page.txt"
RESULTS = BENCH_DIR / "results" / "articles.json"

# Titles written for the speeches (the corpus synthesizes them): (corpus record index, title lines).
SPEECH_TITLES: dict[int, list[str]] = {
    0: ["习近平回信勉励北京科技大学巴基斯坦留学生"],
    2: ["携手抗疫 共克时艰", "——在二十国集团领导人应对新冠肺炎特别峰会上的发言", "（2020年3月26日，北京）"],
    3: ["习近平给北京大学援鄂医疗队全体“90后”党员的回信"],
    4: ["在决战决胜脱贫攻坚座谈会上的讲话", "（2020年3月6日）"],
    9: ["在中缅建交70周年庆祝活动暨中缅文化旅游年启动仪式上的致辞"],
    10: ["在“不忘初心、牢记使命”主题教育总结大会上的讲话", "（2020年1月8日）"],
    26: ["在亚洲基础设施投资银行第五届理事会年会视频会议开幕式上的致辞"],
    33: ["团结合作战胜疫情 共同构建人类卫生健康共同体", "——在第73届世界卫生大会视频会议开幕式上的致辞"],
}
SPEECH_OWN_TITLE = (7,)  # its first line is the real title: "在中央政治局常委会会议…的讲话（2020年2月3日）习近平"


@dataclass
class Piece:
    title_lines: list[str]  # the title first, then any subtitle or date line
    body: list[str]
    section_headings: set[int] = field(default_factory=set)  # body lines that are in-text headings ("一、…")

    @property
    def title(self) -> str:
        return self.title_lines[0]


@dataclass
class Compilation:
    name: str
    title: str
    pieces: list[Piece]

    def paragraphs(self) -> tuple[list[str], list[int], set[int]]:
        """All paragraphs, the gold title indices, and the indices of in-text section headings."""
        paragraphs = [self.title]
        gold, sections = [], set()
        for piece in self.pieces:
            gold.append(len(paragraphs))
            paragraphs.extend(piece.title_lines)
            sections.update(len(paragraphs) + i for i in piece.section_headings)
            paragraphs.extend(piece.body)
        return paragraphs, gold, sections


# ---- the development set ---------------------------------------------------------------------------------------


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _sections(body: list[str]) -> set[int]:
    from wenku.text.articles import is_section_heading

    return {i for i, line in enumerate(body) if len(line) <= 40 and is_section_heading(line)}


def speeches(corpus: Path) -> list[Piece]:
    rows = _jsonl(corpus / "speeches" / "xi_speeches_2020.jsonl")
    pieces = []
    for index, title_lines in SPEECH_TITLES.items():
        body = _lines(rows[index]["text"])
        pieces.append(Piece(title_lines, body, _sections(body)))
    for index in SPEECH_OWN_TITLE:
        lines = _lines(rows[index]["text"])
        pieces.append(Piece(lines[:1], lines[1:], _sections(lines[1:])))
    return pieces


def reports(corpus: Path, years: list[int]) -> list[Piece]:
    pieces = []
    for year in years:
        lines = _lines((corpus / "official" / "gov_work_reports" / f"{year}.txt").read_text(encoding="utf-8"))
        pieces.append(Piece(lines[:1], lines[1:], _sections(lines[1:])))
    return pieces


def news(corpus: Path, month: str, count: int, seed: int) -> list[Piece]:
    """A seeded random sample of one month's articles of 300–6,000 characters (no picture captions, no repeats)."""
    rows = _jsonl(corpus / "news" / f"peoples_daily_{month}.jsonl")
    seen, eligible = set(), []
    for row in rows:
        body = _lines(row["text"])
        if row["title"] in seen or not 300 <= len(row["text"]) <= 6000 or len(body) < 3 or "图片" in row["title"]:
            continue
        seen.add(row["title"])
        eligible.append(Piece([row["title"].strip()], body, _sections(body)))
    return random.Random(seed).sample(eligible, count)


def reference_page() -> tuple[list[str], list[int]]:
    """The body of the reference page (site furniture above and below left out) and its two article starts."""
    lines = _lines(REFERENCE_PAGE.read_text(encoding="utf-8"))
    body = lines[lines.index(next(x for x in lines if x.startswith("为民"))) : lines.index("221381")]
    gold = [
        body.index("镇党委书记参加主题教育座谈会发言材料"),
        body.index("市委书记在中心组专题学习党的主题教育工作会议精神时的交流发言"),
    ]
    return body, gold


def compilations(corpus: Path) -> list[tuple[Compilation, str, str]]:
    """(compilation, format, set) triples. "dev" documents are in the training split of bench/train_articles.py
    (the model learnt from other compilations of them) and the tests hold them to F1 >= 0.95; they include news
    concatenated as plain text (no heading markup), where a headline and a news article's own unnumbered subheads
    ("畅通道路销路", "亲历者说") look alike. "held-out" documents are all in the trainer's held-out split, never
    trained or tuned on: another month of news (2020-05), other report years, other compilation titles."""
    speech = Compilation("speeches", "习近平2020年重要讲话、致辞、回信汇编-9篇", speeches(corpus))
    report = Compilation(
        "reports", "历年政府工作报告汇编（2015—2019年）", reports(corpus, [2015, 2016, 2017, 2018, 2019])
    )
    old_reports = Compilation("reports-old", "政府工作报告选编-4篇", reports(corpus, [1978, 1985, 1994, 2003]))
    news1 = Compilation("news-2019-10", "人民日报文章汇编（2019年10月）-12篇", news(corpus, "2019-10", 12, seed=1))
    news2 = Compilation("news-2020-01", "人民日报2020年1月文章选编", news(corpus, "2020-01", 10, seed=2))
    news4 = Compilation("news-2019-10b", "人民日报报道选编", news(corpus, "2019-10", 15, seed=5))
    news5 = Compilation("news-2020-01b", "人民日报1月报道精选（12篇）", news(corpus, "2020-01", 12, seed=6))
    # held out
    news3 = Compilation("news-2020-05", "人民日报文章精选-15篇", news(corpus, "2020-05", 15, seed=3))
    news6 = Compilation("news-2020-05b", "人民日报五月文章汇编", news(corpus, "2020-05", 20, seed=7))
    news7 = Compilation("news-2020-05c", "人民日报2020年5月报道汇编-10篇", news(corpus, "2020-05", 10, seed=8))
    new_reports = Compilation("reports-held", "政府工作报告汇编-5篇", reports(corpus, [1980, 1993, 2008, 2013, 2022]))
    return [
        (speech, "txt", "dev"),
        (speech, "txt-gb18030", "dev"),
        (speech, "docx-heading", "dev"),
        (speech, "html", "dev"),
        (report, "txt-gb18030", "dev"),
        (report, "docx-heading", "dev"),
        (report, "html", "dev"),
        (old_reports, "txt", "dev"),
        (old_reports, "docx-plain", "dev"),
        (news1, "docx-heading", "dev"),
        (news2, "html", "dev"),
        (news1, "txt", "dev"),
        (news2, "txt-gb18030", "dev"),
        (news4, "docx-plain", "dev"),
        (news5, "txt", "dev"),
        (news3, "docx-plain", "held-out"),
        (news3, "txt", "held-out"),
        (news6, "txt", "held-out"),
        (news7, "txt-gb18030", "held-out"),
        (news6, "html", "held-out"),
        (new_reports, "txt", "held-out"),
        (new_reports, "docx-plain", "held-out"),
    ]


def news_as_plain_text(compilation: Compilation, fmt: str) -> bool:
    """News without heading markup: the part of the set where headlines and subheads look alike."""
    return compilation.name.startswith("news") and fmt in ("txt", "txt-gb18030", "docx-plain")


def single_documents(corpus: Path) -> Iterator[tuple[str, list[str], set[int]]]:
    """Every government work report, the speeches and a sample of news, each as its own .txt file."""
    for path in sorted((corpus / "official" / "gov_work_reports").glob("*.txt")):
        yield from _converted(f"report {path.stem}", "txt", path.read_bytes())
    pieces = speeches(corpus) + news(corpus, "2020-05", 40, seed=4)
    for piece in pieces:
        data = "\n".join(piece.title_lines + piece.body).encode("utf-8")
        yield from _converted(f"single {piece.title[:20]}", "txt", data)


# ---- files: written as a user would have them, read back by Wenku's converters ---------------------------------


def render(compilation: Compilation, fmt: str) -> tuple[str, bytes]:
    """(file name, bytes) of the compilation in ``fmt``."""
    paragraphs, gold, sections = compilation.paragraphs()
    if fmt == "txt":
        return "compilation.txt", "\n".join(paragraphs).encode("utf-8")
    if fmt == "txt-gb18030":
        return "compilation.txt", "\r\n".join(paragraphs).encode("gb18030")
    if fmt.startswith("docx"):
        return "compilation.docx", _docx(paragraphs, set(gold), sections, headings=fmt == "docx-heading")
    if fmt == "html":
        return "compilation.html", _html(paragraphs, set(gold))
    raise ValueError(fmt)


def _docx(paragraphs: list[str], titles: set[int], sections: set[int], headings: bool) -> bytes:
    """Titles as Heading 1 and sections as Heading 2, or titles as bold plain paragraphs (headings=False)."""
    import docx

    document = docx.Document()
    for index, text in enumerate(paragraphs):
        if index == 0 and headings:
            document.add_heading(text, level=0)
        elif headings and index in titles:
            document.add_heading(text, level=1)
        elif headings and index in sections:
            document.add_heading(text, level=2)
        elif index in titles or index == 0:
            document.add_paragraph().add_run(text).bold = True
        else:
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _html(paragraphs: list[str], titles: set[int]) -> bytes:
    from html import escape

    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>", escape(paragraphs[0]), "</title></head>"]
    parts.append(f"<body><article><h1>{escape(paragraphs[0])}</h1>")
    for index, text in enumerate(paragraphs[1:], start=1):
        tag = "h2" if index in titles else "p"
        parts.append(f"<{tag}>{escape(text)}</{tag}>")
    parts.append("</article></body></html>")
    return "".join(parts).encode("utf-8")


def _converted(name: str, fmt: str, data: bytes) -> Iterator[tuple[str, list[str], set[int]]]:
    from wenku.ingest import converters

    ext = {"txt": ".txt", "docx": ".docx", "html": ".html"}[fmt]
    for entry in converters.converter_for(converters.format_of("x" + ext)).extract(data, "x" + ext):
        yield name, entry.paragraphs, set(entry.headings)


# ---- measuring -------------------------------------------------------------------------------------------------


@dataclass
class Score:
    gold: int = 0
    predicted: int = 0
    boundaries: int = 0
    titles: int = 0
    errors: list[dict] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.boundaries += other.boundaries
        self.titles += other.titles
        self.errors.extend(other.errors)

    def prf(self, hits: int) -> dict[str, float]:
        precision = hits / self.predicted if self.predicted else 1.0
        recall = hits / self.gold if self.gold else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}

    def summary(self) -> dict:
        return {
            "gold": self.gold,
            "predicted": self.predicted,
            "boundaries": self.prf(self.boundaries),
            "titles": self.prf(self.titles),
        }


def score(name: str, paragraphs: list[str], headings: set[int], gold: list[tuple[int, str]]) -> Score:
    from wenku.text.articles import detect_articles

    predicted = detect_articles(paragraphs, headings)
    result = Score(gold=len(gold), predicted=len(predicted))
    gold_at = dict(gold)
    predicted_at = dict(predicted)
    for index, title in predicted:
        if index in gold_at:
            result.boundaries += 1
            if title == gold_at[index]:
                result.titles += 1
            else:
                result.errors.append({"in": name, "kind": "wrong title", "got": title, "want": gold_at[index]})
        else:
            result.errors.append({"in": name, "kind": "false article", "got": title, "paragraph": index})
    for index, title in gold:
        if index not in predicted_at:
            result.errors.append({"in": name, "kind": "missed", "want": title, "paragraph": index})
    return result


def gold_in(paragraphs: list[str], compilation: Compilation) -> list[tuple[int, str]]:
    """Where each piece's title landed in the converted paragraphs (converters may drop or merge lines)."""

    def squeezed(text: str) -> str:
        return "".join(text.split())  # .html collapses runs of spaces ("立足本土  深耕沃土")

    keys = [squeezed(p) for p in paragraphs]
    wanted, at = [], 1
    for piece in compilation.pieces:
        at = keys.index(squeezed(piece.title), at)
        wanted.append((at, paragraphs[at]))
        at += 1
    return wanted


def evaluate(corpus: Path) -> dict:
    """Scores: "development" (dev compilations, the reference page and the single documents), its part
    "development_news_plain" (news as .txt/.docx without heading markup), "held_out" and its part
    "held_out_news_plain", and "single_documents"."""
    dev, dev_news, held, held_news, singles = Score(), Score(), Score(), Score(), Score()
    per_set: dict[str, dict] = {}
    body, gold = reference_page()
    reference = score("reference page", body, set(), [(i, body[i]) for i in gold])
    dev.add(reference)
    per_set["reference page (txt, dev)"] = reference.summary()
    for compilation, fmt, part in compilations(corpus):
        _name, data = render(compilation, fmt)
        kind = fmt.split("-")[0]
        for _, paragraphs, headings in _converted(compilation.name, kind, data):
            label = f"{compilation.name} ({fmt}, {part})"
            result = score(label, paragraphs, headings, gold_in(paragraphs, compilation))
            (dev if part == "dev" else held).add(result)
            if news_as_plain_text(compilation, fmt):
                (dev_news if part == "dev" else held_news).add(Score(**{**vars(result), "errors": []}))
            per_set[label] = result.summary()
    single_count = wrongly_split = 0
    for name, paragraphs, headings in single_documents(corpus):
        result = score(name, paragraphs, headings, [])
        single_count += 1
        wrongly_split += result.predicted > 0
        singles.add(result)
    dev.add(singles)
    return {
        "development": dev.summary(),
        "development_news_plain": dev_news.summary(),
        "held_out": held.summary(),
        "held_out_news_plain": held_news.summary(),
        "single_documents": {
            "documents": single_count,
            "wrongly_split": wrongly_split,
            "false_articles": singles.predicted,
        },
        "per_set": per_set,
        "errors": dev.errors,
        "held_out_errors": held.errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenku.settings")  # the converters' messages are translatable
    report = evaluate(args.corpus)
    parts = ["development", "development_news_plain", "held_out", "held_out_news_plain"]
    for label, summary in [(part, report[part]) for part in parts]:
        b, t = summary["boundaries"], summary["titles"]
        print(
            f"{label:22} gold {summary['gold']:4} predicted {summary['predicted']:4} | "
            f"boundaries P {b['precision']:.3f} R {b['recall']:.3f} F1 {b['f1']:.3f} | "
            f"titles P {t['precision']:.3f} R {t['recall']:.3f} F1 {t['f1']:.3f}"
        )
    singles = report["single_documents"]
    print(f"single documents: {singles['wrongly_split']} of {singles['documents']} wrongly split")
    for name, summary in report["per_set"].items():
        print(f"  {name:40} F1 {summary['boundaries']['f1']:.3f} / {summary['titles']['f1']:.3f}")
    for key in ("errors", "held_out_errors"):
        print(f"{len(report[key])} {key.replace('_', ' ')}:")
        for error in report[key]:
            print("  ", json.dumps(error, ensure_ascii=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
