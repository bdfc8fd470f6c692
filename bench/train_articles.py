"""Train the article detector's model (wenku/text/article_model.json) and measure it against the hand-tuned rules.

Compilations (汇编) are built deterministically (seeded) from real documents of the development corpus, written as
real files (.txt UTF-8 / GB18030, .docx with or without heading styles, .html) and read back by Wenku's converters,
as bench/eval_articles.py does. Every candidate title line that wenku.text.articles proposes becomes one training
row (its features, and whether a real article starts there).

The split is by source document, never by row, so no document is on both sides:

- train: People's Daily 2019-10 and 2020-01, the speeches with known titles, government work reports and CPC / NPC
  documents of a seeded half of the years (always including those bench/eval_articles.py uses as "dev");
- held-out: People's Daily 2020-05 (less any article that is a near-duplicate of a training one, per
  near_duplicates/measured_pairs_dev.jsonl), the other reports and CPC / NPC documents. It is used once, for the
  final figures, never for choosing features, model or threshold.

Model choice (logistic regression or gradient-boosted trees of depth 3 or 4, see SETTINGS) and the decision threshold
are picked by 2-fold cross-validation inside the training split (fold = news month), on end-to-end boundary F1: the
simplest setting within TIE of the best. The chosen model is fit on all training rows and written as JSON; inference
is pure Python in wenku/text/articles.py. Work on features with --cross-validate-only, which never builds the
held-out split; a full run measures the held-out split once, for the final figures.

    .venv/bin/python bench/train_articles.py [--corpus PATH] [--model-out PATH] [--out PATH] [--cross-validate-only]

needs scikit-learn (the [train] extra); writes the model and bench/results/articles-model.json (figures: held-out and
training-set precision / recall / F1 of the model and of the rules, measured in this run, per format, and timing).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenku.settings")  # the converters' messages are translatable

from wenku.text import articles  # noqa: E402

DEFAULT_OUT = BENCH_DIR / "results" / "articles-model.json"
SEED = 12

Detector = Callable[[list[str], set[int]], list[tuple[int, str]]]


def _module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


ev = _module("eval_articles", BENCH_DIR / "eval_articles.py")
rules = _module("articles_rules", BENCH_DIR / "articles_rules.py")
Piece = ev.Piece


@dataclass
class Compilation(ev.Compilation):
    """A compilation whose first article may follow some text: the tail of another piece, as in a page copied
    from a website (then, sometimes, with no compilation title at all: the file starts mid-text)."""

    preamble: list[str] = field(default_factory=list)

    def paragraphs(self) -> tuple[list[str], list[int], set[int]]:
        paragraphs, gold, sections = super().paragraphs()
        shift = len(self.preamble)
        paragraphs = paragraphs[:1] + self.preamble + paragraphs[1:]
        return paragraphs, [i + shift for i in gold], {i + shift for i in sections}


# ---- pools of source documents, split by document -------------------------------------------------------------

EVAL_DEV_YEARS = [2015, 2016, 2017, 2018, 2019, 1978, 1985, 1994, 2003]
EVAL_HELD_YEARS = [1980, 1993, 2008, 2013, 2022]
TRAIN_SIZES = (120, 10000)  # characters of a news article in training compilations


@dataclass
class Pools:
    news: dict[str, list[Piece]]  # by month
    official: list[Piece]  # reports, CPC congress reports, NPC resolutions
    speeches: list[Piece]
    ids: set[str]  # source document ids, to prove the split


def _news_pieces(
    corpus: Path, month: str, drop: set[str], sizes: tuple[int, int] = (300, 6000), least: int = 3
) -> list[tuple[str, Piece]]:
    """Articles of 300-6,000 characters with at least 3 paragraphs (as bench/eval_articles.py picks them), no picture
    pages, no repeated titles."""
    seen, pieces = set(), []
    for row in ev._jsonl(corpus / "news" / f"peoples_daily_{month}.jsonl"):
        body = ev._lines(row["text"])
        title = row["title"].strip()
        if title in seen or row["id"] in drop or not sizes[0] <= len(row["text"]) <= sizes[1] or len(body) < least:
            continue
        if "图片" in title:
            continue
        seen.add(title)
        pieces.append((row["id"], Piece([title], body, ev._sections(body))))
    return pieces


def _titled(rows: list[dict], strip_suffix: bool = False) -> list[tuple[str, Piece]]:
    pieces = []
    for row in rows:
        title = row["title"].strip()
        if strip_suffix and title.endswith(")") and " (" in title:
            title = title[: title.rindex(" (")]
        body = ev._lines(row["text"])
        if body and body[0].replace(" ", "") == title.replace(" ", ""):
            body = body[1:]
        if len(body) >= 2:
            pieces.append((row["id"], Piece([title], body, ev._sections(body))))
    return pieces


def _report_pieces(corpus: Path, years: list[int]) -> list[tuple[str, Piece]]:
    return [(f"gwr-{year}", piece) for year, piece in zip(years, ev.reports(corpus, years), strict=True)]


def pools(corpus: Path) -> tuple[Pools, Pools]:
    """(train, held-out) pools of source documents."""
    rng = random.Random(SEED)
    years = sorted(int(p.stem) for p in (corpus / "official" / "gov_work_reports").glob("*.txt"))
    rest = [y for y in years if y not in EVAL_DEV_YEARS + EVAL_HELD_YEARS]
    rng.shuffle(rest)
    train_years = EVAL_DEV_YEARS + rest[: len(rest) // 2]
    held_years = EVAL_HELD_YEARS + rest[len(rest) // 2 :]
    cpc = _titled(ev._jsonl(corpus / "official" / "cpc_congress_reports.jsonl"), strip_suffix=True)
    npc = _titled(ev._jsonl(corpus / "official" / "npc_resolutions_on_gov_work_reports.jsonl"))
    other = cpc + npc
    rng.shuffle(other)
    half = len(other) // 2

    # training also sees short briefs and long features: a trained model does not extrapolate
    train_news = {m: _news_pieces(corpus, m, set(), TRAIN_SIZES, 2) for m in ("2019-10", "2020-01")}
    train_ids = {i for pieces in train_news.values() for i, _ in pieces}
    near = set()
    for line in (corpus / "near_duplicates" / "measured_pairs_dev.jsonl").read_text(encoding="utf-8").splitlines():
        pair = json.loads(line)
        if pair["a"] in train_ids:
            near.add(pair["b"])
        if pair["b"] in train_ids:
            near.add(pair["a"])
    held_news = _news_pieces(corpus, "2020-05", near)
    speech_pieces = [(f"xi-{i}", p) for i, p in enumerate(ev.speeches(corpus))]

    def pool(news: dict[str, list], official: list, speech: list) -> Pools:
        ids = {i for pieces in news.values() for i, _ in pieces} | {i for i, _ in official} | {i for i, _ in speech}
        return Pools(
            {m: [p for _, p in pieces] for m, pieces in news.items()},
            [p for _, p in official],
            [p for _, p in speech],
            ids,
        )

    train = pool(train_news, _report_pieces(corpus, train_years) + other[:half], speech_pieces)
    held = pool({"2020-05": held_news}, _report_pieces(corpus, held_years) + other[half:], [])
    assert not train.ids & held.ids
    return train, held


# ---- compilations ------------------------------------------------------------------------------------------------

NEWS_TITLES = [
    "人民日报文章汇编",
    "人民日报报道选编",
    "新闻稿件汇编",
    "媒体报道精选",
    "学习资料汇编",
    "文章选编",
    "资料汇编",
]
OFFICIAL_TITLES = ["政府工作报告汇编", "重要文献选编", "讲话材料汇编", "学习材料汇编", "文件汇编"]
FORMATS = ["txt", "txt", "txt-gb18030", "docx-plain", "docx-plain", "docx-heading", "html"]
NUMBERINGS = ["第{n}篇 ", "【篇{c}】", "材料{n}："]  # "1." would be an in-text heading
_CHINESE = "一二三四五六七八九十"


def _count_label(n: int) -> str:
    return _CHINESE[n - 1] if n <= 10 else ("十" + _CHINESE[n - 11] if n < 20 else str(n))


def _numbered(piece: Piece, number: int, style: str) -> Piece:
    label = style.format(n=number, c=_count_label(number))
    return Piece([label + piece.title, *piece.title_lines[1:]], piece.body, piece.section_headings)


def compilations(
    pool: Pools, count: int, seed: int, group: str, preambles: bool = False
) -> list[tuple[Compilation, str, str]]:
    """``count`` seeded compilations of ``pool``: (compilation, format, group). Mostly news (what users compile and
    where headlines and subheads look alike), some official documents and speeches, some mixed. With
    ``preambles`` (training), a quarter start with the tail of another piece."""
    rng = random.Random(seed)
    months = sorted(pool.news)
    out = []
    for number in range(count):
        kind = rng.choices(["news", "official", "mixed"], weights=[7, 2, 1])[0]
        news = pool.news[months[number % len(months)]]
        if kind == "news":
            pieces = rng.sample(news, rng.randint(2, 25))
            title = rng.choice(NEWS_TITLES)
        elif kind == "official":
            others = pool.official + pool.speeches
            pieces = rng.sample(others, min(len(others), rng.randint(2, 7)))
            title = rng.choice(OFFICIAL_TITLES)
        else:
            others = pool.official + pool.speeches
            pieces = rng.sample(news, rng.randint(2, 10)) + rng.sample(others, rng.randint(1, 3))
            rng.shuffle(pieces)
            title = rng.choice(NEWS_TITLES + OFFICIAL_TITLES)
        if rng.random() < 0.1:
            style = rng.choice(NUMBERINGS)
            pieces = [_numbered(p, i, style) for i, p in enumerate(pieces, start=1)]
        if rng.random() < 0.4:
            title += rng.choice(["-{n}篇", "（{n}篇）", "{c}篇"]).format(n=len(pieces), c=_count_label(len(pieces)))
        preamble = []
        if preambles and rng.random() < 0.25:
            tail = rng.choice(news).body
            preamble = tail[-rng.randint(1, min(3, len(tail))) :]
            if rng.random() < 0.4:
                title, preamble = preamble[0], preamble[1:]
        fmt = rng.choice(FORMATS)
        out.append((Compilation(f"{group}-{number}", title, pieces, preamble), fmt, group))
    return out


@dataclass
class File:
    name: str
    fmt: str
    group: str
    paragraphs: list[str]
    headings: set[int]
    gold: list[tuple[int, str]]


def singles(pool: Pools, count: int, seed: int) -> list[File]:
    """Single documents as .txt files: what they yield is all false articles."""
    rng = random.Random(seed)
    news = [p for pieces in pool.news.values() for p in pieces]
    chosen = pool.official + pool.speeches + rng.sample(news, count)
    out = []
    for number, piece in enumerate(chosen):
        data = "\n".join(piece.title_lines + piece.body).encode("utf-8")
        for _, paragraphs, headings in ev._converted(f"single-{number}", "txt", data):
            out.append(File(f"single-{number}", "txt", "single", paragraphs, headings, []))
    return out


def files(built: list[tuple[Compilation, str, str]]) -> list[File]:
    out = []
    for compilation, fmt, group in built:
        _, data = ev.render(compilation, fmt)
        for _, paragraphs, headings in ev._converted(compilation.name, fmt.split("-")[0], data):
            out.append(File(compilation.name, fmt, group, paragraphs, headings, _gold(paragraphs, compilation)))
    return out


def _gold(paragraphs: list[str], compilation: Compilation) -> list[tuple[int, str]]:
    """Where each piece's title landed (as bench/eval_articles.py's gold_in); -1 for a title the converter joined
    to the text around it (plain-text unwrapping may), which then counts as missed."""
    keys = ["".join(p.split()) for p in paragraphs]
    wanted, at = [], 1
    for piece in compilation.pieces:
        key = "".join(piece.title.split())
        if key in keys[at:]:
            at = keys.index(key, at)
            wanted.append((at, paragraphs[at]))
            at += 1
        else:
            wanted.append((-1, piece.title))
    return wanted


# ---- rows and models ---------------------------------------------------------------------------------------------


def rows(file: File) -> tuple[list, list[dict[str, float]], list[int]]:
    candidates, features = articles.candidate_features(file.paragraphs, file.headings)
    starts = {i for i, _ in file.gold}
    return candidates, features, [int(c.index in starts) for c in candidates]


def _matrix(features: list[dict[str, float]], names: list[str]):
    import numpy as np

    return np.array([[row[n] for n in names] for row in features], dtype=float)


def fit(kind: str, x, y, setting: float) -> dict:
    """A model as the JSON that wenku.text.articles reads (threshold filled in later)."""
    if kind == "logistic":
        from sklearn.linear_model import LogisticRegression

        mean, std = x.mean(axis=0), x.std(axis=0)
        std[std == 0] = 1
        model = LogisticRegression(C=setting, max_iter=5000, class_weight="balanced")
        model.fit((x - mean) / std, y)
        weights = model.coef_[0] / std
        bias = float(model.intercept_[0] - (model.coef_[0] * mean / std).sum())
        return {"kind": kind, "bias": bias, "weights": [round(float(w), 6) for w in weights]}
    from sklearn.ensemble import GradientBoostingClassifier

    depth = 4 if kind == "deep trees" else 3
    model = GradientBoostingClassifier(
        n_estimators=int(setting), max_depth=depth, learning_rate=0.1, subsample=0.8, random_state=SEED
    )
    model.fit(x, y)
    trees = []
    for estimator in model.estimators_[:, 0]:
        t = estimator.tree_
        nodes = []
        for node in range(t.node_count):
            leaf = t.children_left[node] < 0
            nodes.append(
                [
                    -1 if leaf else int(t.feature[node]),
                    0.0 if leaf else round(float(t.threshold[node]), 6),
                    int(t.children_left[node]),
                    int(t.children_right[node]),
                    round(float(t.value[node][0][0]) * model.learning_rate, 6) if leaf else 0.0,
                ]
            )
        trees.append(nodes)
    first = x[:1]
    bias = float(model.decision_function(first)[0]) - sum(
        model.learning_rate * float(e.predict(first)[0]) for e in model.estimators_[:, 0]
    )
    return {"kind": kind, "bias": bias, "trees": trees}


def fit_stack(kind: str, setting: float, items: list[File], names: list[str]) -> dict:
    """A first model on every row, and a context model on the rows plus how likely the first model finds their
    neighbours, where those likelihoods come from a first model that did not see the file (2 halves, by parity)."""
    table = [(f, *rows(f)) for f in items]
    first = fit(kind, _matrix([r for _, _, fs, _ in table for r in fs], names), _labels(table), setting)
    first |= {"features": names, "threshold": 0.5}
    halves = [table[0::2], table[1::2]]
    stacked = []
    for half, other in ((halves[0], halves[1]), (halves[1], halves[0])):
        helper = fit(kind, _matrix([r for _, _, fs, _ in other for r in fs], names), _labels(other), setting)
        helper = articles.model_from_json(helper | {"features": names, "threshold": 0.5})
        for f, candidates, features, labels in half:
            guess = [helper.probability(r) for r in features]
            around = articles.context_features(f.paragraphs, candidates, guess)
            stacked.append((f, candidates, [r | x for r, x in zip(features, around, strict=True)], labels))
    wide = names + list(articles.context_features(["x", "y"], [articles.Candidate(0, "x", 1)], [0.5])[0])
    second = fit(kind, _matrix([r for _, _, fs, _ in stacked for r in fs], wide), _labels(stacked), setting)
    return first | {"context": second | {"features": wide, "threshold": 0.5}}


def _labels(table: list) -> list[int]:
    return [y for *_, labels in table for y in labels]


def detector(data: dict) -> Detector:
    model = articles.model_from_json(data)
    return lambda paragraphs, headings: articles.detect_articles(paragraphs, headings, model=model)


# ---- measuring ---------------------------------------------------------------------------------------------------


def measure(detect: Detector, items: list[File], single: list[File]) -> dict:
    gold = predicted = hits = titles = 0
    by_format: dict[str, list[int]] = {}
    errors = []
    for f in items:
        found = detect(f.paragraphs, f.headings)
        want = dict(f.gold)
        ok = sum(i in want for i, _ in found)
        good_titles = sum(want.get(i) == t for i, t in found)
        gold, predicted, hits, titles = gold + len(want), predicted + len(found), hits + ok, titles + good_titles
        counts = by_format.setdefault(f.fmt, [0, 0, 0])
        counts[0], counts[1], counts[2] = counts[0] + len(want), counts[1] + len(found), counts[2] + ok
        got = dict(found)
        errors += [{"in": f.name, "fmt": f.fmt, "false": t} for i, t in found if i not in want]
        errors += [{"in": f.name, "fmt": f.fmt, "missed": t} for i, t in f.gold if i not in got]
    split = false_in_singles = 0
    for f in single:
        found = detect(f.paragraphs, f.headings)
        split += bool(found)
        false_in_singles += len(found)
    return {
        "gold": gold,
        "predicted": predicted,
        "boundaries": _prf(hits, predicted, gold),
        "titles": _prf(titles, predicted, gold),
        "by_format": {k: _prf(v[2], v[1], v[0]) | {"gold": v[0]} for k, v in sorted(by_format.items())},
        "with_single_documents": _prf(hits, predicted + false_in_singles, gold),
        "single_documents": {"documents": len(single), "wrongly_split": split, "false_articles": false_in_singles},
        "errors": errors[:60],
    }


def _prf(hits: int, predicted: int, gold: int) -> dict[str, float]:
    precision = hits / predicted if predicted else 1.0
    recall = hits / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def rules_detector(paragraphs: list[str], headings: set[int]) -> list[tuple[int, str]]:
    return rules.detect_articles(paragraphs, headings)


def timing(detect: Detector, items: list[File], rounds: int = 5) -> dict:
    """Milliseconds per file and per 100 paragraphs (median of ``rounds`` passes over all files)."""
    paragraphs = sum(len(f.paragraphs) for f in items)
    passes = []
    for _ in range(rounds):
        began = time.perf_counter()
        for f in items:
            detect(f.paragraphs, f.headings)
        passes.append(time.perf_counter() - began)
    median = statistics.median(passes)
    return {
        "files": len(items),
        "paragraphs": paragraphs,
        "ms_per_file": round(1000 * median / len(items), 3),
        "ms_per_100_paragraphs": round(1000 * median / paragraphs * 100, 3),
        "spread_ms_per_file": [round(1000 * p / len(items), 3) for p in (min(passes), max(passes))],
    }


# ---- choosing and training ---------------------------------------------------------------------------------------

# From the simplest to the largest: the simplest one within TIE of the best cross-validated F1 is taken.
SETTINGS = [
    ("logistic", 1.0, False),
    ("trees", 150, False),
    ("deep trees", 150, False),
    ("trees", 300, False),
    ("deep trees", 300, False),
    ("trees", 150, True),
]
TIE = 0.002
THRESHOLDS = [round(0.05 * i, 2) for i in range(2, 19)]


def train(kind: str, setting: float, stacked: bool, items: list[File], names: list[str]) -> dict:
    if stacked:
        return fit_stack(kind, setting, items, names)
    table = [(f, *rows(f)) for f in items]
    return fit(kind, _matrix([r for _, _, fs, _ in table for r in fs], names), _labels(table), setting) | {
        "features": names
    }


def cross_validate(folds: dict[str, list[File]], names: list[str]) -> tuple[tuple, float, list[dict]]:
    """Pick the model kind, setting, stacking and threshold by end-to-end boundary F1 over 2 folds (one per news
    month): trained on one, measured on the other."""
    table = []
    for kind, setting, stacked in SETTINGS:
        fold_models = {}
        for key in folds:
            others = [f for other, items in folds.items() if other != key for f in items]
            fold_models[key] = train(kind, setting, stacked, others, names)
        scored = []  # per file: its candidates and how likely the fold's model finds each
        for key, items in folds.items():
            model = articles.model_from_json(fold_models[key] | {"threshold": 0.5})
            for f in items:
                candidates, features = articles.candidate_features(f.paragraphs, f.headings)
                scored.append((f, candidates, articles.chances(model, f.paragraphs, candidates, features)))
        for threshold in THRESHOLDS:
            hits = predicted = gold = 0
            for f, candidates, likelihoods in scored:
                found = articles.decide(f.paragraphs, candidates, likelihoods, threshold) if candidates else []
                want = {i for i, _ in f.gold}
                hits += sum(i in want for i, _ in found)
                predicted += len(found)
                gold += len(want)
            row = {"kind": kind, "setting": setting, "stacked": stacked, "threshold": threshold}
            table.append(row | _prf(hits, predicted, gold))
    top = max(r["f1"] for r in table)
    simplest = next(s for s in SETTINGS if any(_setting(r) == s and r["f1"] >= top - TIE for r in table))
    best = max((r for r in table if _setting(r) == simplest), key=lambda r: (r["f1"], -abs(r["threshold"] - 0.5)))
    return simplest, best["threshold"], table


def _setting(row: dict) -> tuple:
    return row["kind"], row["setting"], row["stacked"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ev.DEFAULT_CORPUS)
    parser.add_argument("--model-out", type=Path, default=articles.MODEL_PATH)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--train-compilations", type=int, default=1600)
    parser.add_argument("--held-compilations", type=int, default=120)
    parser.add_argument(
        "--cross-validate-only",
        action="store_true",
        help="build the training split only and print the cross-validation table: for working on features",
    )
    args = parser.parse_args(argv)
    began = time.perf_counter()

    train_pool, held_pool = pools(args.corpus)
    fold_pools = {
        month: Pools({month: train_pool.news[month]}, train_pool.official, train_pool.speeches, set())
        for month in sorted(train_pool.news)
    }
    folds = {
        month: files(compilations(pool, args.train_compilations // 2, SEED + n, f"train-{month}", preambles=True))
        for n, (month, pool) in enumerate(fold_pools.items())
    }
    train_files = [f for items in folds.values() for f in items]
    if args.cross_validate_only:
        names = list(rows(train_files[0])[1][0])
        choice, threshold, table = cross_validate(folds, names)
        for row in table:
            print(json.dumps(row, ensure_ascii=False))
        print(f"chosen by cross-validation: {choice} threshold {threshold}")
        return 0
    train_singles = singles(train_pool, 60, seed=SEED)
    built = files(compilations(held_pool, args.held_compilations, seed=SEED + 100, group="held-out"))
    held_singles = singles(held_pool, 60, seed=SEED + 100)
    print(f"built {len(train_files)} training and {len(built)} held-out files in {time.perf_counter() - began:.0f} s")

    names = list(rows(train_files[0])[1][0])
    choice, threshold, table = cross_validate(folds, names)
    print(f"chosen by cross-validation: {choice} threshold {threshold}")
    model = train(*choice, train_files + train_singles, names)
    model |= {"threshold": threshold, "trained_on": f"{len(train_files)} compilations, {len(train_singles)} singles"}

    model_detect = detector(model)
    report = {
        "model": {
            "kind": model["kind"],
            "setting": choice[1],
            "stacked": choice[2],
            "threshold": threshold,
            "sha256": hashlib.sha256(_dump(model).encode()).hexdigest(),
        },
        "split": {
            "train_documents": len(train_pool.ids),
            "held_out_documents": len(held_pool.ids),
            "overlap": len(train_pool.ids & held_pool.ids),
            "train_files": len(train_files),
            "held_out_files": len(built),
        },
        "held_out": {
            "model": measure(model_detect, built, held_singles),
            "rules": measure(rules_detector, built, held_singles),
        },
        "held_out_news_plain_text": {
            "model": measure(model_detect, [f for f in built if f.fmt.startswith("txt")], []),
            "rules": measure(rules_detector, [f for f in built if f.fmt.startswith("txt")], []),
        },
        "train": {
            "model": measure(model_detect, train_files, train_singles),
            "rules": measure(rules_detector, train_files, train_singles),
        },
        "timing": {
            "compilations": {"model": timing(model_detect, built), "rules": timing(rules_detector, built)},
            "single_documents": {
                "model": timing(model_detect, held_singles),
                "rules": timing(rules_detector, held_singles),
            },
        },
        "cross_validation": table,
    }
    args.model_out.write_text(_dump(model), encoding="utf-8")
    args.model_out.chmod(0o644)  # shipped in the package
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for part in ("held_out", "held_out_news_plain_text", "train"):
        for who in ("rules", "model"):
            b = report[part][who]["boundaries"]
            print(f"{part:26} {who:6} P {b['precision']:.3f} R {b['recall']:.3f} F1 {b['f1']:.3f}")
    print(json.dumps(report["timing"]))
    print(f"wrote {args.model_out} and {args.out} in {time.perf_counter() - began:.0f} s")
    return 0


def _dump(model: dict) -> str:
    return json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
