"""Normalisation for matching only (displayed text is never changed): 繁→简 and full/half width."""

from __future__ import annotations

from functools import cache


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)
