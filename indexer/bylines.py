"""Reporters named in a lead or a credit: ``本报讯（记者 张三 李四）``, ``（通讯员 王五）``,
``记者 冯静宁``, ``（记者 李娟）``, ``作者：太报全媒体记者 李楠``.

Reporters are not officials and not body text; the reader filters and cites by them. The
rule: a reporter role word (记者, 通讯员, 见习记者 …) followed by names of two to four Han
characters separated by spaces or 、, inside the lead's parentheses or on a credit line; a
credit with names only (``李茜 赵素宾``) names reporters too. Photographers (``X 摄``) are not
reporters.
"""

from __future__ import annotations

import re

from .normalize import plain

HAN = "\u4e00-\u9fff"
_ROLE = r"(?:本报|本台|本刊|新华社|特约|融媒|全媒体|太报全媒体)?(?:见习记者|特约记者|首席记者|摄影记者|记者|通讯员|实习生)"
_LEAD_PARENS_RE = re.compile(r"^[^（(]{0,16}[（(](?P<inner>[^（）()]{2,40})[）)]")
_NAMES_ONLY_RE = re.compile(rf"^(?P<names>[{HAN}·]{{2,4}}(?:\s*[、 ]\s*[{HAN}·]{{2,4}})*)$")
_NOT_NAMES = {"报道", "摄影", "通讯", "记者", "本报", "综合", "整理", "编辑", "实习", "全媒体"}


_ROLE_RE = re.compile(_ROLE)


def _names_after_roles(chunk: str, names_only: bool = False) -> list[str]:
    """Names that follow a role word in ``chunk`` (``记者 张三 李四 通讯员 王五``, spaces optional
    around the role words); with ``names_only`` a chunk without a role word is names too."""
    spaced = _ROLE_RE.sub(lambda m: f" {m.group()} ", chunk)
    tokens = [t for t in re.split(r"[\s、，,]+", spaced) if t]
    has_role = any(_ROLE_RE.fullmatch(t) for t in tokens)
    if not has_role and not (names_only and _NAMES_ONLY_RE.match(chunk.strip())):
        return []
    out: list[str] = []
    active = not has_role
    for t in tokens:
        if _ROLE_RE.fullmatch(t):
            active = True
            continue
        name = re.sub(r"(?:报道|摄)$", "", t)
        if active and 2 <= len(name) <= 4 and name not in _NOT_NAMES and re.fullmatch(rf"[{HAN}·]+", name):
            out.append(name)
        else:
            active = False
    return out


def reporters_of(texts: list[str]) -> list[str]:
    """Reporters in the lead's parentheses and in credit lines, in order, once each.

    ``texts``: the article's first paragraph (as printed, spaces kept), then its bylines and credits."""
    found: list[str] = []
    for k, raw in enumerate(texts):
        text = plain(raw or "").strip()
        if not text or re.search(r"摄(?:影)?\s*$", text):
            continue
        if k == 0:
            m = _LEAD_PARENS_RE.match(text)
            chunks = [m.group("inner")] if m else []
            head = re.match(rf"^(?:本报讯|[^，。]{{0,12}}讯)\s*{_ROLE}\s*(?P<names>[{HAN}]{{2,4}})(?:报道)?[：:，,\s]", text)
            if head:
                chunks.append("记者 " + head.group("names"))
        else:
            chunks = [text.strip("（）() ")]
        for chunk in chunks:
            for n in _names_after_roles(chunk, names_only=k > 0):
                if n not in found:
                    found.append(n)
    return found
