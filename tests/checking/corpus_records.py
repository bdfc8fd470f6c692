"""Documents of the development corpus by their ids (gwr-YYYY, govcn-YYYY, pd-…, xi2020-…, npc-res-…), written
to JSONL files that the real importer reads."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

JSONL_FILES = (
    "near_duplicates/gov_work_reports_govcn_scrape.jsonl",
    "official/npc_resolutions_on_gov_work_reports.jsonl",
    "speeches/xi_speeches_2020.jsonl",
    "news/peoples_daily_2019-10.jsonl",
    "news/peoples_daily_2020-01.jsonl",
    "news/peoples_daily_2020-05.jsonl",
)


@cache
def all_records(corpus: Path) -> dict[str, dict]:
    records: dict[str, dict] = {}
    for name in JSONL_FILES:
        with open(corpus / name, encoding="utf-8") as file:
            for line in file:
                record = json.loads(line)
                records[record["id"]] = {"id": record["id"], "title": record["title"], "text": record["text"]}
    for path in sorted((corpus / "official" / "gov_work_reports").glob("*.txt")):
        title, _, text = path.read_text(encoding="utf-8").partition("\n")
        records[f"gwr-{path.stem}"] = {"id": f"gwr-{path.stem}", "title": title, "text": text}
    return records


def write_jsonl(path: Path, records: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8") as file:
        for record in records:
            file.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def pairs(corpus: Path, name: str) -> list[dict]:
    with open(corpus / "near_duplicates" / name, encoding="utf-8") as file:
        return [json.loads(line) for line in file]
