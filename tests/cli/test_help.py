"""`wenku help`: our own commands, found from the wenku_* management commands, each with its usage and examples."""

from __future__ import annotations

import subprocess

import pytest

from tests.cli.conftest import WENKU
from wenku.cli import catalog


def test_help_lists_every_command_of_ours_and_not_djangos_internals(wenku):
    for args in ([], ["help"], ["--help"], ["-h"]):
        done = wenku(*args)
        assert done.stdout == wenku("help").stdout
    text = wenku("help").stdout
    names = list(catalog.ours())
    for expected in ("import", "search", "serve", "check", "dict", "reindex", "token", "where"):
        assert expected in names
    for name in names:
        assert f"\n  {name} " in text, name
    assert "wenku_" not in text
    assert "makemigrations" not in text and "sqlflush" not in text  # Django's own stay reachable, unlisted
    assert "createsuperuser" in text.split("\n\n")[-2]  # named after ours, for the site owner
    assert f"数据目录：{wenku.data_dir}" in text


@pytest.mark.parametrize("name", ["import", "search", "check", "serve", "where"])
def test_help_command_is_the_commands_own_help(wenku, name):
    via_help = wenku("help", name)
    via_option = wenku(name, "--help")
    assert via_help.stdout == via_option.stdout
    assert via_help.stdout.startswith(f"usage: wenku {name} ")
    assert "wenku_" not in via_help.stdout
    assert "示例：\n  wenku " in via_help.stdout


def test_every_command_of_ours_has_examples(db):
    """Commands added later (wenku worker, backup, restore, export…) appear by themselves; they need examples."""
    missing = []
    for name, entry in catalog.ours().items():
        command = catalog.load(entry.app, entry.django_name)
        examples = str(getattr(command, "examples", "") or "")  # text, or a list of lines
        if f"wenku {name}" not in examples:
            missing.append(name)
    assert not missing, f"give these commands an `examples` text: {missing}"


def test_djangos_commands_still_run(wenku):
    done = wenku("help", "--django")
    assert "makemigrations" in done.stdout
    assert wenku("createsuperuser", "--help").stdout.startswith("usage: wenku createsuperuser")


def test_an_unknown_command_says_so_in_one_line(wenku):
    done = wenku("imprt", check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == "wenku：没有 imprt 这个命令（wenku help 列出所有命令）"


@pytest.mark.parametrize("args", [["help"], ["search", "发展"], ["help", "search"]])
def test_a_closed_pipe_ends_quietly(wenku, args):
    """`wenku search x | head -1`: the reader is gone before we write; no traceback."""
    child = subprocess.Popen(
        [*WENKU, *args], cwd=wenku.cwd, env=wenku.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    child.stdout.close()
    stderr = child.stderr.read().decode()
    assert child.wait(timeout=120) in (0, 141)  # argparse swallows the error itself when printing help
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
