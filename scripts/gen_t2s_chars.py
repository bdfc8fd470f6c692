"""Regenerate wenku/text/_t2s_chars.json: OpenCC's traditional→simplified mapping, character by character.

Matching needs a context-free, length-preserving fold so that a substring normalises the same way alone as inside
its document (OpenCC's phrase tables could convert a character differently depending on its neighbours).
tests/test_analysis.py checks the file against the installed OpenCC.
"""

from __future__ import annotations

import json
from pathlib import Path

CJK_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF))


def char_map() -> dict[str, str]:
    import opencc

    converter = opencc.OpenCC("t2s")
    mapping = {}
    for low, high in CJK_BLOCKS:
        for cp in range(low, high + 1):
            char = chr(cp)
            simplified = converter.convert(char)
            if simplified != char and len(simplified) == 1:
                mapping[char] = simplified
    return mapping


def main() -> None:
    target = Path(__file__).resolve().parent.parent / "wenku" / "text" / "_t2s_chars.json"
    target.write_text(json.dumps(char_map(), ensure_ascii=False, sort_keys=True, indent=0), encoding="utf-8")


if __name__ == "__main__":
    main()
