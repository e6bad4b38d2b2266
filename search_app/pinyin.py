"""Names typed in pinyin: ``liuxing``, ``Liu Xing``, ``Pingyao`` find 刘星 and 平遥县.

A reader who cannot type the characters (or does not know them) types the name's pinyin.
Chinese text holds no pinyin, so a pinyin term that is the toneless pinyin of an official in
the register or of a place in the gazetteer searches that name too, and the page says so
(同时检索：刘星（liuxing 的拼音）). Only whole names of two characters or more are matched:
a syllable or two of English must not turn into a name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from pypinyin import Style, pinyin

_LATIN = re.compile(r"[a-zü:]+( [a-zü:]+)*")
MIN_LETTERS = 4
"""The shortest pinyin key matched (two syllables of a two-character name: 'lixi' is four)."""


def pinyin_key(text: str) -> str | None:
    """The key a typed string is looked up by: lower case, tone marks and spaces removed,
    ü/u:/v read as v (吕 is 'lv'); None when it is not Latin letters only."""
    folded = unicodedata.normalize("NFD", text.strip().lower()).replace("u\u0308", "v")  # ü, ǚ
    folded = "".join(c for c in folded if not unicodedata.combining(c)).replace("u:", "v")
    folded = re.sub(r"\s+", " ", folded)
    if not _LATIN.fullmatch(folded):
        return None
    key = folded.replace(" ", "").replace("ü", "v")
    return key if len(key) >= MIN_LETTERS else None


MAX_READINGS = 32
"""Readings of one name kept (each character's heteronyms multiply: 尧都 yaodu / yaodou)."""


def keys_of(name: str) -> set[str]:
    """The keys a name is found by: its toneless pinyin in every reading of its characters
    (佛 fo / fu, 都 du / dou: pypinyin's first reading is not always the name's), also with u
    for v (吕梁 'lvliang', readers type 'luliang')."""
    keys = [""]
    for readings in pinyin(name, style=Style.NORMAL, heteronym=True):
        keys = [k + r.lower() for k in keys for r in dict.fromkeys(readings)][:MAX_READINGS]
    return {v for k in keys if k.isascii() and k.isalpha() for v in (k, k.replace("v", "u"))}


class PinyinNames:
    """Names (officials, places) by their pinyin keys; built once per register/gazetteer."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        """``entries``: (written form whose pinyin is the key, name to search), e.g.
        (平遥, 平遥县) and (平遥县, 平遥县)."""
        self.by_key: dict[str, list[str]] = {}
        for written, name in entries:
            if len(written) < 2:
                continue
            for key in keys_of(written):
                found = self.by_key.setdefault(key, [])
                if name not in found:
                    found.append(name)

    def names(self, typed: str) -> list[str]:
        key = pinyin_key(typed)
        return list(self.by_key.get(key, [])) if key else []
