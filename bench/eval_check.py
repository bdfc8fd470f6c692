"""查重 accuracy on reuse cases from real documents: PAN precision, recall, granularity, plagdet, and the recall
on exactly copied runs of >= 13 characters, by edit kind. Also the near-duplicate verdicts on the corpus pairs.

    .venv/bin/python bench/eval_check.py [--submissions 400]

Builds a fresh library in bench/.cache/eval-check (SQLite): the 58 speeches, the 2015–2024 reports and 300 news
articles; writes bench/results/check_accuracy.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DATA = REPO / "bench" / ".cache" / "eval-check"
CORPUS = Path(os.environ.get("WENKU_CORPUS", REPO.parent / "shared" / "corpus"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=400)
    args = parser.parse_args()
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    os.environ.update({"WENKU_DATA_DIR": str(DATA), "DATABASE_URL": "", "DJANGO_SETTINGS_MODULE": "wenku.settings"})
    import django

    django.setup()
    from django.core.management import call_command

    from tests.checking.corpus_records import all_records, write_jsonl
    from tests.checking.reuse_cases import detections, evaluate, host_lines, library_records, make_submissions
    from wenku.ingest.importer import import_paths
    from wenku.search import indexing

    call_command("migrate", verbosity=0)
    chosen = library_records(all_records(CORPUS))
    import_paths([write_jsonl(DATA / "library.jsonl", chosen)])
    indexing.apply_pending()
    sources = [r["text"] for r in chosen if not r["id"].startswith("pd-")]
    submissions = make_submissions(sources, host_lines(CORPUS), count=args.submissions, seed=11)

    started = time.perf_counter()
    measured = evaluate(submissions, detections)
    measured["seconds"] = round(time.perf_counter() - started, 1)
    measured["library_documents"] = len(chosen)
    print(json.dumps(measured, ensure_ascii=False, indent=2))
    out = REPO / "bench" / "results" / "check_accuracy.json"
    out.write_text(json.dumps(measured, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
