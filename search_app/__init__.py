"""jinbao's web app: the search page, article pages and the JSON API.

``create_app`` is the only entry point; it opens the index (and configures jieba with
the index's dictionary) once, when the app is created, never at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Application factory. ``config["INDEX_DIR"]`` names the index directory."""
    from .engine import Engine
    from .views import register

    app = Flask(__name__)
    app.config.update(INDEX_DIR="index", JSON_AS_ASCII=False)
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["jinbao_engine"] = Engine(Path(app.config["INDEX_DIR"]))
    register(app)
    return app
