"""jinbao's web app: the search page, article pages and the JSON API.

``create_app`` is the only entry point; it opens the index (and configures jieba with
the index's dictionary) once, when the app is created, never at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Application factory. ``config["INDEX_DIR"]`` names the index directory;
    ``config["QUERY_CACHE"]`` how many search answers to keep (0: none); ``config["BASE_URL"]``
    the public address used in absolute links."""
    from .cache import DEFAULT_SIZE as DEFAULT_CACHE_SIZE
    from .engine import Engine
    from .views import register

    app = Flask(__name__)
    # BASE_URL: the public address for absolute links (jinbao serve --base-url; never the Host header)
    app.config.update(INDEX_DIR="index", JSON_AS_ASCII=False, QUERY_CACHE=DEFAULT_CACHE_SIZE,
                      BASE_URL="http://127.0.0.1:5000")
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["jinbao_engine"] = Engine(Path(app.config["INDEX_DIR"]), query_cache=int(app.config["QUERY_CACHE"]))
    register(app)
    app.after_request(security_headers)
    return app


CSP = ("default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def security_headers(response):
    """No inline scripts anywhere, no sniffing, no referrer leaks, no framing."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response
