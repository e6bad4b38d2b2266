"""URLs built on the server, so that every state of a page is a link (Datasette-style)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

SEARCH_KEYS = ("q", "region", "leader", "paper", "year", "from", "to", "sort", "per_page", "hist")


def search_items(args: MultiDict) -> list[tuple[str, str]]:
    """The search state of a request (known keys only, in a stable order, no page)."""
    return [(k, v) for k in SEARCH_KEYS for v in args.getlist(k) if v != ""]


def url_with(args: MultiDict, path: str = "/", **changes: Any) -> str:
    """``path`` with the current search state, some parameters replaced (None removes);
    the page resets to 1."""
    items = [(k, v) for k, v in search_items(args) if k not in changes]
    for k, v in changes.items():
        if v is None:
            continue
        for one in v if isinstance(v, list) else [v]:
            items.append((k, str(one)))
    return path + ("?" + urlencode(items) if items else "")


def toggle_url(args: MultiDict, param: str, value: str, path: str = "/") -> str:
    current = args.getlist(param)
    new = [v for v in current if v != value] if value in current else [*current, value]
    return url_with(args, path, **{param: new})


def page_url(args: MultiDict, page: int) -> str:
    items = search_state(args, page)
    return "/?" + items if items else "/"


def search_state(args: MultiDict, page: int = 1) -> str:
    """The search's state as a query string (filters, sort and page): carried by the links to
    the articles, so that an article's "返回检索" goes back to the same page of the same search."""
    items = search_items(args)
    if page > 1:
        items.append(("page", str(page)))
    return urlencode(items)


def requested_page(args: MultiDict) -> int:
    """The ``page`` a link carried (1 when absent or not a page number: it only picks where
    "返回检索" leads, so a bad value is not an error)."""
    raw = args.get("page", "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


def search_url(pairs: Iterable[tuple[str, str]]) -> str:
    return "/?" + urlencode(list(pairs))
