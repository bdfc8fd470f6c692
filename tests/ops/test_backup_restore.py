"""`wenku backup` then `wenku restore` into a new data dir (and database) gives back the same documents, pages,
original files, secret key and search results; on SQLite and on PostgreSQL, through the real commands.

Each site runs as its own `wenku` processes, with its own WENKU_DATA_DIR and DATABASE_URL."""

from __future__ import annotations

import json
import subprocess
import tarfile
import time
from pathlib import Path
from urllib.parse import urlunsplit

import pytest
from django.conf import settings as django_settings

from tests.ops.cli import ON_POSTGRES, SQLITE_PASS, WENKU, Wenku, originals

QUERIES = ["经济", '"人民代表大会"', "农业 -工业 决议"]
REPORT_YEARS = ("1954", "1978", "1998", "2008", "2024")


def fill(site: Wenku, corpus: Path) -> None:
    """Real documents: government work reports (txt) in a category, the NPC resolutions (JSONL, many records),
    an administrator, and one document made private (it must come back, and stay out of search)."""
    reports = [str(corpus / "official" / "gov_work_reports" / f"{year}.txt") for year in REPORT_YEARS]
    site.run("import", "--category", "政府工作报告", *reports)
    site.run("import", str(corpus / "official" / "npc_resolutions_on_gov_work_reports.jsonl"))
    site.run(
        "createsuperuser",
        "--noinput",
        "--username",
        "admin",
        "--email",
        "a@example.com",
        DJANGO_SUPERUSER_PASSWORD="a long enough password 42",
    )
    site.run(
        "shell",
        "-c",
        "from wenku.library.models import Document as D; d = D.objects.order_by('id')[1]; "
        "d.visibility = 'private'; d.save()",
    )
    site.run("reindex")  # the change above reaches the index (a worker would do it; none runs here)


def assert_same_site(before: Wenku, after: Wenku) -> None:
    library = before.library()
    assert len(library) > 20 and any(d["visibility"] == "private" for d in library)
    assert after.library() == library  # ids, titles, categories, keys, every page's offset, text and 字
    assert originals(after.data_dir) == originals(before.data_dir)
    assert after.secret_key() == before.secret_key()
    for query in QUERIES:
        found = before.search(query)
        assert found["total"] > 0, query
        assert after.search(query) == found, query
    users = (
        "from django.contrib.auth.models import User; print(list(User.objects.values_list('username', 'is_superuser')))"
    )
    assert after.shell(users) == before.shell(users)


@SQLITE_PASS
def test_sqlite_backup_restores_the_same_library(tmp_path, corpus):
    source = Wenku(tmp_path / "site")
    fill(source, corpus)
    archive = tmp_path / "backups" / "site.tar"
    done = source.run("backup", str(archive))
    assert "已备份到" in done.stdout
    with tarfile.open(archive) as opened:
        names = opened.getnames()
        manifest = json.load(opened.extractfile("manifest.json"))
    assert names[0] == "manifest.json" and "database.sqlite3" in names and "secret_key" in names
    assert manifest["engine"] == "sqlite" and manifest["version"] == 1 and manifest["missing_originals"] == []
    assert manifest["counts"]["documents"] == len(source.library())
    assert manifest["originals"]["files"] == len(originals(source.data_dir)) == 6
    assert archive.stat().st_mode & 0o777 == 0o600

    restored = Wenku(tmp_path / "restored")
    done = restored.run("restore", str(archive))
    assert "已恢复" in done.stdout
    assert_same_site(source, restored)
    assert (restored.data_dir / "search-index").is_dir() and (restored.data_dir / "check-index").is_dir()

    # A second restore would overwrite: refused, and nothing changed; --force replaces.
    refused = restored.run("restore", str(archive), check=False)
    assert refused.returncode != 0 and "拒绝覆盖非空的数据目录" in refused.stderr and "--force" in refused.stderr
    restored.run("restore", "--force", str(archive))
    assert_same_library_only(source, restored)


@SQLITE_PASS
def test_a_backup_directory_restores_too_and_checks_its_counts(tmp_path, corpus):
    source = Wenku(tmp_path / "site")
    source.run("import", str(corpus / "official" / "gov_work_reports" / "1975.txt"))
    folder = tmp_path / "backup-dir"
    source.run("backup", str(folder))
    assert {p.name for p in folder.iterdir()} == {"manifest.json", "database.sqlite3", "secret_key", "originals"}
    assert folder.stat().st_mode & 0o777 == 0o700
    assert all(p.stat().st_mode & 0o077 == 0 for p in folder.rglob("*"))
    restored = Wenku(tmp_path / "restored")
    restored.run("migrate")  # a database only migrated (a first `wenku serve`) holds nothing: no --force needed
    restored.run("restore", str(folder))
    assert_same_library_only(source, restored)

    # A manifest that does not match its database (a damaged or mixed-up backup) is found out.
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["counts"]["documents"] += 1
    (folder / "manifest.json").write_text(json.dumps(manifest))
    bad = Wenku(tmp_path / "bad").run("restore", str(folder), check=False)
    assert bad.returncode != 0 and "恢复的数据库与备份不符" in bad.stderr


def assert_same_library_only(before: Wenku, after: Wenku) -> None:
    assert after.library() == before.library()
    assert originals(after.data_dir) == originals(before.data_dir)


@SQLITE_PASS
def test_a_backup_taken_during_an_import_is_consistent(tmp_path, corpus):
    """The site keeps writing while the backup runs: the snapshot is one state (every document whole, with its
    pages and original), and the restore checks its counts against the manifest."""
    source = Wenku(tmp_path / "site")
    source.run("import", str(corpus / "official" / "gov_work_reports" / "1954.txt"))
    writer = subprocess.Popen(
        [WENKU, "import", str(corpus / "official" / "gov_work_reports")],
        env=source.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        archives = []
        for number in range(2):
            time.sleep(0.5)
            archive = tmp_path / f"during-{number}.tar"
            source.run("backup", str(archive))
            archives.append(archive)
    finally:
        writer.wait(timeout=600)
    for archive in archives:
        restored = Wenku(tmp_path / f"restored-{archive.stem}")
        restored.run("restore", str(archive))
        for document in restored.library():
            assert len(document["pages"]) == document["page_count"] > 0
            assert (restored.data_dir / document["original_file"]).is_file()


@SQLITE_PASS
def test_restore_refuses_what_is_not_a_backup(tmp_path):
    not_backup = tmp_path / "nothing"
    not_backup.mkdir()
    done = Wenku(tmp_path / "site").run("restore", str(not_backup), check=False)
    assert done.returncode != 0 and "不是文库备份" in done.stderr


# -- PostgreSQL ----------------------------------------------------------------------------------------------------
def _server_url(name: str) -> str:
    """The URL of database ``name`` on the test suite's PostgreSQL server."""
    database = django_settings.DATABASES["default"]
    user = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    netloc = f"{user}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    return urlunsplit(("postgres", netloc, f"/{name}", "", ""))


@pytest.fixture
def pg_databases():
    """Two new, empty databases on the test server, dropped afterwards."""
    import psycopg

    base = django_settings.DATABASES["default"]["NAME"]
    names = [f"{base}_ops_src", f"{base}_ops_dst"]
    admin_url = _server_url("postgres")

    def recreate(drop_only: bool = False) -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                if not drop_only:
                    conn.execute(f'CREATE DATABASE "{name}"')

    recreate()
    yield [_server_url(name) for name in names]
    recreate(drop_only=True)


@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL as the suite's database (DATABASE_URL=postgres://…)")
def test_postgres_backup_restores_the_same_library(tmp_path, corpus, pg_databases):
    source_url, target_url = pg_databases
    source = Wenku(tmp_path / "site", source_url)
    fill(source, corpus)
    archive = tmp_path / "site.tar.gz"
    source.run("backup", str(archive))
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
        assert "database.pgdump" in opened.getnames()
    assert manifest["engine"] == "postgresql"

    # Across engines: refused with the reason, before anything is written.
    sqlite_site = Wenku(tmp_path / "sqlite-site")
    crossed = sqlite_site.run("restore", str(archive), check=False)
    assert crossed.returncode != 0 and "不支持跨数据库恢复" in crossed.stderr

    restored = Wenku(tmp_path / "restored", target_url)
    restored.run("restore", str(archive))
    assert_same_site(source, restored)
    refused = restored.run("restore", str(archive), check=False)
    assert refused.returncode != 0 and "拒绝覆盖" in refused.stderr
    restored.run("restore", "--force", str(archive))
    assert_same_library_only(source, restored)


@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL as the suite's database (DATABASE_URL=postgres://…)")
def test_postgres_backup_says_when_pg_dump_is_missing(tmp_path, pg_databases):
    site = Wenku(tmp_path / "site", pg_databases[0])
    site.run("migrate")
    done = site.run("backup", str(tmp_path / "b.tar"), check=False, PATH="/nonexistent")
    assert done.returncode != 0 and "找不到 pg_dump" in done.stderr
