"""One module per kind of page (search, article, official/region, browse, feeds)."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from . import article, browse, entities, errors, feeds, search

    for module in (search, article, entities, browse, feeds, errors):
        app.register_blueprint(module.bp)
