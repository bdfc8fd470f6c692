"""The data dir never depends on the current folder by surprise, and the commands say which one they use."""

from __future__ import annotations

import importlib.util
import shutil

from tests.conftest import REPO
from wenku import config


def test_a_command_run_elsewhere_uses_the_configured_data_dir_and_says_so(wenku, reports_dir):
    done = wenku("import", str(reports_dir / "1975.txt"))
    assert f"数据目录：{wenku.data_dir}" in done.stderr
    assert not (wenku.cwd / "wenku-data").exists()  # nothing made in the current folder
    assert (wenku.data_dir / "wenku.sqlite3").exists()

    where = wenku("where").stdout
    assert f"数据目录：{wenku.data_dir}  (由 WENKU_DATA_DIR 指定)" in where
    assert f"数据库：SQLite {wenku.data_dir / 'wenku.sqlite3'}" in where
    assert f"搜索索引：tantivy {wenku.data_dir / 'search-index'}" in where


def test_an_old_data_dir_in_the_current_folder_is_pointed_out(wenku):
    old = wenku.cwd / "wenku-data"
    old.mkdir()
    (old / "wenku.sqlite3").write_bytes(b"")
    done = wenku("where")
    assert f"注意：没有使用 {old}；数据目录是 {wenku.data_dir}" in done.stderr


def test_without_the_setting_a_checkout_keeps_its_data_beside_itself(monkeypatch, tmp_path):
    monkeypatch.delenv("WENKU_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert config.data_dir_choice() == (REPO / "wenku-data", "checkout")


def test_an_installed_copy_keeps_its_data_in_the_users_data_folder(monkeypatch, tmp_path):
    """config.py as a wheel installs it: in a site-packages folder, with no checkout around it."""
    site = tmp_path / "site-packages" / "wenku"
    site.mkdir(parents=True)
    shutil.copy2(REPO / "wenku" / "config.py", site / "config.py")
    spec = importlib.util.spec_from_file_location("installed_config", site / "config.py")
    installed = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(installed)
    monkeypatch.delenv("WENKU_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert installed.data_dir_choice() == (tmp_path / "xdg" / "wenku", "user")
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert installed.data_dir_choice() == (tmp_path / "home" / ".local" / "share" / "wenku", "user")
    monkeypatch.setenv("WENKU_DATA_DIR", "relative/data")
    assert installed.data_dir_choice() == (tmp_path / "relative" / "data", "WENKU_DATA_DIR")
