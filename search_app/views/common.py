"""What every view needs: the engine and one searcher per request."""

from __future__ import annotations

from flask import Blueprint, current_app, g
from whoosh.searching import Searcher

from ..engine import Engine


def engine() -> Engine:
    return current_app.extensions["jinbao_engine"]


def searcher() -> Searcher:
    """One searcher per request (a consistent snapshot), borrowed from the engine's pool
    and handed back at teardown."""
    if "searcher" not in g:
        g.searcher = engine().borrow()
    return g.searcher


def close_searcher(_exc: BaseException | None) -> None:
    s = g.pop("searcher", None)
    if s is not None:
        engine().give_back(s)


def blueprint(name: str) -> Blueprint:
    bp = Blueprint(name, __name__)
    bp.teardown_app_request(close_searcher)
    return bp


def base_url() -> str:
    """The configured public address (``jinbao serve --base-url``): absolute links never echo the
    request's Host header."""
    return current_app.config["BASE_URL"].rstrip("/")
