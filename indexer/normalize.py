"""Character normalisation shared by indexing, querying, highlighting and extraction.

It is length-preserving (one character in, one character out) so that character
offsets found in the normalised text are valid in the original text: highlights are
placed on the stored text without re-mapping. It maps full-width ASCII to half-width,
upper to lower case and, once :func:`load_tables` has run, traditional Han characters to
simplified ones (OpenCC's ``t2s`` applied character by character), so that 環境保護
finds 环境保护 and ＧＤＰ finds GDP.
"""

from __future__ import annotations

import re
import threading

_FULLWIDTH_TABLE: dict[int, int | str] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH_TABLE[0x3000] = 0x20  # ideographic space

_lock = threading.Lock()
_T2S: dict[int, str] | None = None

_Replacer = tuple[re.Pattern[str], dict[str, str]]


def _replacer(t2s: dict[int, str] | None) -> _Replacer:
    """One pattern matching every character that changes, and what it changes into
    (full-width -> half-width, then traditional -> simplified)."""
    keys = set(_FULLWIDTH_TABLE) | set(t2s or {})
    table: dict[str, str] = {}
    for cp in keys:
        ch = chr(cp).translate(_FULLWIDTH_TABLE)
        table[chr(cp)] = ch.translate(t2s) if t2s else ch
    pattern = re.compile("[" + "".join(re.escape(c) for c in sorted(table)) + "]")
    return pattern, table


_REPLACE: _Replacer = _replacer(None)


def load_tables() -> None:
    """Build the traditional -> simplified table from OpenCC (once per process, ~0.1 s).

    Called by :func:`indexer.segment.configure`, the one place where text-processing
    resources are loaded.
    """
    global _T2S, _REPLACE, _T2S_RE
    with _lock:
        if _T2S is not None:
            return
        import opencc

        converter = opencc.OpenCC("t2s")
        chars = "".join(chr(c) for c in range(0x3400, 0xA000))
        table: dict[int, str] = {}
        for ch in chars:
            out = converter.convert(ch)
            if out != ch and len(out) == 1:
                table[ord(ch)] = out
        _REPLACE = _replacer(table)
        _T2S_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(table)) + "]")
        _T2S = table


def tables_loaded() -> bool:
    return _T2S is not None


_T2S_RE: re.Pattern[str] | None = None


def to_simplified(text: str) -> str:
    """Traditional -> simplified, character by character (identity before :func:`load_tables`).
    Only the characters that change are looked up (one regular-expression pass)."""
    if not _T2S or _T2S_RE is None:
        return text
    table = _T2S
    return _T2S_RE.sub(lambda m: table[ord(m.group())], text)


def normalize(text: str) -> str:
    """Full-width ASCII -> half-width, traditional -> simplified, lower case, pinyin glosses
    blanked (:func:`blank_glosses`); same length as the input.

    The characters that change (full-width punctuation, traditional characters) are a
    few percent of a page: a regular expression finds them and only they are looked up,
    ~20x faster than ``str.translate`` with a dict table, which looks up every character."""
    pattern, table = _REPLACE
    out = pattern.sub(lambda m: table[m.group()], blank_glosses(text))
    lowered = out.lower()
    if len(lowered) != len(out):  # a few characters (e.g. 'İ') lower to two code points
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in out)
    return lowered


# --- pinyin glosses -------------------------------------------------------------------------
# Traditional-character mirrors of news sites print a pinyin gloss after characters inside
# words: 經(jīng)濟, 領(lǐng)導(dǎo). A gloss is a parenthesised pinyin syllable right after a Han
# character; it carries a tone mark (toneless syllables are left alone: a word such as
# 'de' in parentheses is too ambiguous to drop).
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
GLOSS_RE = re.compile(rf"(?<=[\u3400-\u9fff\uf900-\ufaff])[(（](?=[a-zü{_TONED}]*[{_TONED}])[a-zü{_TONED}]{{1,7}}[)）]")


def strip_glosses(text: str) -> str:
    """``經(jīng)濟`` -> ``經濟``: pinyin glosses removed (not length-preserving)."""
    return GLOSS_RE.sub("", text) if "(" in text or "（" in text else text


def blank_glosses(text: str) -> str:
    """``經(jīng)濟`` -> ``經      濟``: glosses replaced by spaces, so that offsets still hold and
    whitespace-insensitive matching (bigrams, exact strings, highlights) reads the word whole."""
    if "(" not in text and "（" not in text:
        return text
    return GLOSS_RE.sub(lambda m: " " * len(m.group()), text)


def plain(text: str) -> str:
    """The text the parser's rules read: glosses removed, traditional -> simplified
    (punctuation and width untouched, so the rules' full-width marks still apply)."""
    return to_simplified(strip_glosses(text))
