"""Every setting the code reads from the environment is documented."""

from __future__ import annotations

import re

from tests.conftest import REPO


def test_every_environment_setting_is_in_docs_settings_md():
    sources = [*(REPO / "wenku").rglob("*.py")]
    names = set()
    for source in sources:
        text = source.read_text(encoding="utf-8")
        names |= set(re.findall(r"env_[a-z_]+\(\s*\"([A-Z_]+)\"", text))
        names |= set(re.findall(r"environ\.get\(\s*\"((?:WENKU|DATABASE|SECRET)[A-Z_]*)\"", text))
    documented = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
    assert names, "no settings found: the pattern is out of date"
    missing = sorted(name for name in names if f"`{name}`" not in documented)
    assert not missing, f"undocumented settings: {missing}"
