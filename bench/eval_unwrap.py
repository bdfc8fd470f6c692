"""Measure how well hard-wrapped and stray-broken plain text is joined back into paragraphs (wenku/text/unwrap.py).

Real paragraphed texts of the development corpus (People's Daily articles, speeches, CPC congress reports: one
paragraph per line in the corpus) are written as .txt files the way hard-wrapped Chinese texts are found, then read
back by Wenku's own .txt converter, beside the converter's old behaviour (every line a paragraph) as the baseline:

- ``chars``: cut every ``W`` characters (W drawn from 30–40 per text), no blank lines, no indent (the hard case:
  only a line ending short of the width marks a paragraph end);
- ``indent``: the same with each paragraph indented by two full-width spaces (　　), as Chinese texts are;
- ``blank``: the same with a blank line between paragraphs;
- ``columns``: cut at 2·W display columns (a Chinese character two, a Latin letter or digit one), with 禁则:
  a closing mark never starts a line, the character before it goes down with it;
- ``stray-k``: the text kept one paragraph per line, with ``k`` breaks put inside paragraphs at random points
  (as in the bundled government work reports, cut by a scrape).

And ``original``: the texts unchanged, where every join is a mistake.

Measured: paragraph boundaries (precision, recall, F1 over every place between two characters where one
paragraph ends), whether a text was taken as hard-wrapped, that no character was changed, and the phrases across
former breaks (the 3 characters before and after each break inside a paragraph) found inside one paragraph,
which is what a phrase search needs (the search never matches across paragraphs).

And through the real importer and search: ``--search N`` texts of the ``chars`` style are written as .txt files,
imported by ``import_paths`` into a fresh data dir (under bench/.cache) and every phrase across a former break of
theirs (unless it cuts a number or a Latin word, which the index holds whole) is searched for as a quoted phrase;
found when the search returns its document. (The baseline, every line a
paragraph, finds them only where the phrase also stands inside one line: the index never matches across
paragraphs, as the import test in tests/test_unwrap.py shows for 全员劳动生产率.)

    python bench/eval_unwrap.py [--corpus PATH] [--news 400] [--seed 12] [--search 40]

writes bench/results/unwrap.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
DEFAULT_CORPUS = Path(os.environ.get("WENKU_CORPUS", REPO.parent / "shared" / "corpus"))
RESULTS = BENCH_DIR / "results" / "unwrap.json"
NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’．,.;:?!)]}%～")
PHRASE_SIDE = 3


@dataclass
class Tally:
    texts: int = 0
    true_bounds: int = 0
    found_bounds: int = 0
    right_bounds: int = 0
    taken_as_wrapped: int = 0
    changed_text: int = 0
    phrases: int = 0
    phrases_found: int = 0
    phrases_found_before: int = 0
    seconds: float = 0.0
    baseline: dict = field(default_factory=lambda: {"found_bounds": 0, "right_bounds": 0})

    def result(self) -> dict:
        def prf(found: int, right: int) -> dict:
            p = right / found if found else 1.0
            r = right / self.true_bounds if self.true_bounds else 1.0
            return {
                "precision": round(p, 4),
                "recall": round(r, 4),
                "f1": round(2 * p * r / (p + r), 4) if p + r else 0,
            }

        return {
            "texts": self.texts,
            "paragraph_ends": self.true_bounds,
            "unwrap": prf(self.found_bounds, self.right_bounds),
            "baseline_every_line_a_paragraph": prf(self.baseline["found_bounds"], self.baseline["right_bounds"]),
            "taken_as_hard_wrapped": self.taken_as_wrapped,
            "texts_with_a_character_changed": self.changed_text,
            "phrases_across_breaks": self.phrases,
            "phrases_found": self.phrases_found,
            "phrases_found_baseline": self.phrases_found_before,
            "seconds": round(self.seconds, 3),
        }


def load_texts(corpus: Path, news: int, seed: int) -> list[list[str]]:
    """Paragraph lists of real texts: a sample of news articles (≥ 4 paragraphs, ≥ 400 characters), all
    speeches and CPC congress reports."""
    texts: list[list[str]] = []
    candidates = []
    for path in sorted((corpus / "news").glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            record = json.loads(line)
            paragraphs = [p.strip() for p in record["text"].split("\n") if p.strip()]
            if len(paragraphs) >= 4 and sum(map(len, paragraphs)) >= 400:
                candidates.append([record["title"].strip(), *paragraphs])
    texts += random.Random(seed).sample(candidates, min(news, len(candidates)))
    for name in ("speeches/xi_speeches_2020.jsonl", "official/cpc_congress_reports.jsonl"):
        for line in (corpus / name).open(encoding="utf-8"):
            record = json.loads(line)
            texts.append([record["title"].strip(), *[p.strip() for p in record["text"].split("\n") if p.strip()]])
    return texts


def columns(c: str) -> int:
    from wenku.text.unwrap import columns as width

    return width(c)


def wrap_chars(paragraph: str, width: int) -> list[str]:
    return [paragraph[i : i + width] for i in range(0, len(paragraph), width)] or [""]


def wrap_columns(paragraph: str, width: int) -> list[str]:
    """Cut at ``width`` display columns with 禁则: a closing mark is never the first character of a line."""
    lines: list[str] = []
    current: list[str] = []
    used = 0
    for char in paragraph:
        w = columns(char)
        if used + w > width and current:
            if char in NO_LINE_START and len(current) > 1:
                pulled = current.pop()
                lines.append("".join(current))
                current, used = [pulled], columns(pulled)
            else:
                lines.append("".join(current))
                current, used = [], 0
        current.append(char)
        used += w
    lines.append("".join(current))
    return lines


def write_wrapped(paragraphs: list[str], style: str, width: int) -> tuple[str, list[int]]:
    """The text as a wrapped .txt file, and the offsets (in the text without breaks) of breaks inside paragraphs."""
    out: list[str] = []
    inner: list[int] = []
    offset = 0
    for index, paragraph in enumerate(paragraphs):
        if index == 0:  # the title line
            out.append(paragraph)
            offset += len(solid(paragraph))
            continue
        source = "\u3000\u3000" + paragraph if style == "indent" else paragraph
        lines = wrap_columns(source, 2 * width) if style == "columns" else wrap_chars(source, width)
        if style == "blank":
            out.append("")
        position = offset  # offsets in the text without whitespace (see solid), where the indent is nothing
        for line in lines[:-1]:
            position += len(solid(line))
            inner.append(position)
        out.extend(lines)
        offset += len(solid(paragraph))
    return "\n".join(out) + "\n", inner


def write_stray(paragraphs: list[str], breaks: int, rng: random.Random) -> tuple[str, list[int]]:
    """One paragraph per line, with ``breaks`` line breaks put at random points inside paragraphs."""
    long = [i for i, p in enumerate(paragraphs) if i > 0 and len(p) >= 60]
    chosen: dict[int, list[int]] = {}
    for _ in range(breaks):
        if not long:
            break
        i = rng.choice(long)
        chosen.setdefault(i, []).append(rng.randrange(20, len(paragraphs[i]) - 5))
    out: list[str] = []
    inner: list[int] = []
    offset = 0
    for i, paragraph in enumerate(paragraphs):
        cuts = sorted(set(chosen.get(i, [])))
        pieces = [paragraph[a:b] for a, b in zip([0, *cuts], [*cuts, len(paragraph)], strict=True)]
        inner += [offset + len(solid(paragraph[:c])) for c in cuts]
        out.extend(pieces)
        offset += len(solid(paragraph))
    return "\n".join(out) + "\n", inner


def solid(text: str) -> str:
    """The text without whitespace: offsets that stripping or joining lines cannot shift."""
    return "".join(text.split())


def bounds(paragraphs: list[str]) -> set[int]:
    ends, offset = set(), 0
    for paragraph in paragraphs[:-1]:
        offset += len(solid(paragraph))
        ends.add(offset)
    return ends


def measure(
    tally: Tally, truth: list[str], text: str, inner: list[int], convert, baseline, wrapped_by
) -> list[tuple[str, str]]:
    """Add one text's figures to ``tally``; returns the paragraph ends missed or made up (for the report)."""
    started = time.perf_counter()
    got = convert(text)
    tally.seconds += time.perf_counter() - started
    before = baseline(text)
    whole = solid("".join(truth))
    tally.texts += 1
    if solid("".join(got)) != whole:
        tally.changed_text += 1
    tally.taken_as_wrapped += wrapped_by(text)
    true_ends, got_ends, before_ends = bounds(truth), bounds(got), bounds(before)
    tally.true_bounds += len(true_ends)
    tally.found_bounds += len(got_ends)
    tally.right_bounds += len(true_ends & got_ends)
    tally.baseline["found_bounds"] += len(before_ends)
    tally.baseline["right_bounds"] += len(true_ends & before_ends)
    for offset in inner:
        if any(offset - PHRASE_SIDE < end < offset + PHRASE_SIDE for end in true_ends):
            continue  # the phrase would run into the next paragraph: no search finds it
        phrase = whole[max(0, offset - PHRASE_SIDE) : offset + PHRASE_SIDE]
        tally.phrases += 1
        tally.phrases_found += any(phrase in solid(p) for p in got)
        tally.phrases_found_before += any(phrase in solid(p) for p in before)
    errors = [("missed", whole[e - 12 : e] + "¶" + whole[e : e + 8]) for e in sorted(true_ends - got_ends)]
    errors += [("made up", whole[e - 12 : e] + "¶" + whole[e : e + 8]) for e in sorted(got_ends - true_ends)]
    return errors


def _cuts_a_word(edge: str) -> bool:
    return edge.isascii() and edge.isalnum()


def _cache_dir() -> Path:
    folder = BENCH_DIR / ".cache"
    folder.mkdir(exist_ok=True)
    return folder


def measure_search(texts: list[list[str]], rng: random.Random, data_dir: Path) -> dict:
    """Import the texts wrapped (style ``chars``) through the real importer, then search every phrase across a
    former break (inside one paragraph) as a quoted phrase: found when its document is among the hits."""
    from django.core.management import call_command

    from wenku.ingest.importer import ImportOptions, import_paths
    from wenku.search import indexing
    from wenku.search.service import search

    call_command("migrate", verbosity=0)
    folder = data_dir / "in"
    folder.mkdir()
    wanted: list[tuple[str, list[str]]] = []
    for index, truth in enumerate(texts):
        text, inner = write_wrapped(truth, "chars", rng.randint(30, 40))
        path = folder / f"{index:03}.txt"
        path.write_text(text, encoding="utf-8")
        whole, ends = solid("".join(truth)), bounds(truth)
        phrases = [
            whole[o - PHRASE_SIDE : o + PHRASE_SIDE]
            for o in inner
            if not any(o - PHRASE_SIDE < e < o + PHRASE_SIDE for e in ends) and o >= PHRASE_SIDE
        ]
        # A phrase cut inside a number or a Latin word ("2018年1" of 2018年12月) is no search term: the index
        # holds numbers and words whole.
        phrases = [p for p in phrases if not (_cuts_a_word(p[0]) or _cuts_a_word(p[-1]))]
        wanted.append((str(path), phrases))
    results = import_paths([path for path, _ in wanted], ImportOptions())
    indexing.apply_pending()
    found = total = 0
    for result, (_, phrases) in zip(results, wanted, strict=True):
        if result.status != "imported":
            continue
        for phrase in phrases:
            total += 1
            found += result.id in {hit.document.pk for hit in search(f'"{phrase}"', size=50).hits}
    return {
        "texts": len(texts),
        "imported": sum(r.status == "imported" for r in results),
        "phrases": total,
        "found": found,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--news", type=int, default=400, help="news articles sampled")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--search", type=int, default=40, help="texts imported and searched (0: none)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    data_dir = Path(tempfile.mkdtemp(prefix="unwrap-", dir=_cache_dir()))
    os.environ["WENKU_DATA_DIR"] = str(data_dir)  # a fresh library for the search measurement
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenku.settings")
    import django

    django.setup()
    from wenku.ingest.converters import txt
    from wenku.ingest.extracted import paragraphs_from_plain_text
    from wenku.text.unwrap import analyse, split_lines

    def convert(text: str) -> list[str]:
        return txt.extract(text.encode("utf-8"), "t.txt")[0].paragraphs

    def baseline(text: str) -> list[str]:
        return paragraphs_from_plain_text(text).paragraphs

    def wrapped_by(text: str) -> bool:
        return analyse(split_lines(text)).wrapped

    texts = load_texts(args.corpus, args.news, args.seed)
    rng = random.Random(args.seed)
    styles = ["original", "chars", "indent", "blank", "columns", "stray-1", "stray-3", "stray-8"]
    tallies = {style: Tally() for style in styles}
    examples: dict[str, list] = {style: [] for style in styles}
    for truth in texts:
        width = rng.randint(30, 40)
        for style in styles:
            if style == "original":
                text, inner = "\n".join(truth) + "\n", []
            elif style.startswith("stray"):
                text, inner = write_stray(truth, int(style.split("-")[1]), rng)
            else:
                text, inner = write_wrapped(truth, style, width)
            errors = measure(tallies[style], truth, text, inner, convert, baseline, wrapped_by)
            examples[style] += errors[: max(0, 12 - len(examples[style]))]
    results = {style: tally.result() for style, tally in tallies.items()}
    searched = measure_search(texts[: args.search], rng, data_dir) if args.search else None
    shutil.rmtree(data_dir, ignore_errors=True)
    chars = sum(len("".join(t)) for t in texts)
    summary = {
        "corpus": str(args.corpus),
        "texts": len(texts),
        "characters": chars,
        "news_sampled": args.news,
        "seed": args.seed,
        "widths": "30-40 characters (60-80 columns) per text",
        "styles": results,
        "real_search": searched,
        "error_examples": examples,
    }
    for style, result in results.items():
        u, b = result["unwrap"], result["baseline_every_line_a_paragraph"]
        print(
            f"{style:9} P {u['precision']:.4f} R {u['recall']:.4f} F1 {u['f1']:.4f}"
            f"  (baseline P {b['precision']:.4f} R {b['recall']:.4f})"
            f"  wrapped {result['taken_as_hard_wrapped']}/{result['texts']}"
            f"  phrases {result['phrases_found']}/{result['phrases_across_breaks']}"
            f" (baseline {result['phrases_found_baseline']})  changed {result['texts_with_a_character_changed']}"
        )
    if searched:
        print(
            f"search    {searched['found']}/{searched['phrases']} phrases across former breaks found by the real"
            f" search in {searched['texts']} imported texts ({searched['imported']} imported)"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"written {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
