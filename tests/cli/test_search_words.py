"""`wenku search 高质量发展 -农村`, the README's own example: a word starting with "-" is part of the query."""

from __future__ import annotations

import json

import pytest

from wenku.cli.words import options_first


def test_the_readme_example_excludes_the_word(wenku, reports_dir):
    wenku("import", str(reports_dir / "2021.txt"), str(reports_dir / "1978.txt"))

    done = wenku("search", "高质量发展", "-农村", check=False)  # exactly as the README shows it
    assert done.returncode == 0, done.stderr
    assert "篇文档" in done.stdout

    with_farms = json.loads(wenku("search", "--json", "高质量发展").stdout)
    assert with_farms["total"] == 1  # the 2021 report, which speaks of 农村 too
    without = json.loads(wenku("search", "高质量发展", "-农村", "--json").stdout)  # an option after the words
    assert without["total"] == 0
    unknown = json.loads(wenku("search", "--json", "高质量发展", "-没有这个词语").stdout)
    assert unknown["total"] == 1  # the minus word was taken as an exclusion, not dropped


def test_words_after_double_dash_are_words(wenku, reports_dir):
    wenku("import", str(reports_dir / "2021.txt"))
    plain = json.loads(wenku("search", "--json", "发展", "-农村").stdout)
    dashed = json.loads(wenku("search", "--json", "--", "发展", "-农村").stdout)
    assert plain == dashed


def test_check_takes_a_file_named_with_a_leading_minus(wenku, r2024):
    draft = wenku.cwd / "-草稿.txt"
    draft.write_text("\n".join(r2024.body(count=5)), encoding="utf-8")
    done = wenku("check", "-草稿.txt")
    assert "总文字复制比 0" in done.stdout and "没有找到相同的文字" in done.stdout
    missing = wenku("check", "-没有这个文件.txt", check=False)
    assert missing.returncode == 1 and "不是文件：-没有这个文件.txt" in missing.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["高质量发展", "-农村"], ["--", "高质量发展", "-农村"]),
        (["-农村", "--json", "发展"], ["--json", "--", "-农村", "发展"]),
        (["--size", "3", "-x", "发展"], ["--size", "3", "--", "-x", "发展"]),
        (["--size=3", "发展"], ["--size=3", "--", "发展"]),
        (["--page", "-1", "发展"], ["--page", "-1", "--", "发展"]),  # an option's value, whatever it looks like
        (["发展", "--", "--json"], ["--", "发展", "--json"]),
        (["--json"], ["--json"]),
    ],
)
def test_options_first(args, expected):
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("query", nargs="+")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--page", type=int)
    parser.add_argument("--size", type=int)
    assert options_first(parser, args) == expected
