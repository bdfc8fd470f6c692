"""The built wheel carries everything the package reads at run time: the sample library (.txt, .jsonl and its
SOURCE.md), templates, static files and the compiled translations."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

from tests.conftest import REPO


def test_the_wheel_holds_the_sample_library_and_translations(tmp_path):
    source = tmp_path / "source"  # a copy: building in the shared tree would leave build/ and egg-info behind
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "run.py"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "wenku", source / "wenku", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(source)],
        check=True,
        timeout=600,
    )
    (wheel,) = out.glob("wenku-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    library = REPO / "wenku" / "sample_library"
    wanted = [p for p in library.rglob("*") if p.is_file()]
    assert any(p.suffix == ".jsonl" for p in wanted)
    missing = [str(p.relative_to(REPO)) for p in wanted if str(p.relative_to(REPO)) not in names]
    assert not missing, missing
    for catalog in (REPO / "wenku").rglob("locale/*/LC_MESSAGES/django.mo"):
        assert str(catalog.relative_to(REPO)) in names
    assert any(n.startswith("wenku/web/templates/") for n in names)
