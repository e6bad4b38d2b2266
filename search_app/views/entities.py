"""Official and county pages, and the officials register as JSON."""

from __future__ import annotations

from flask import abort, jsonify, render_template

from .common import blueprint, engine, searcher

bp = blueprint("entities")

MAX_NAME = 40


@bp.route("/api/officials")
def api_officials():
    return jsonify({"officials": engine().officials()})


@bp.route("/api/officials/<name>")
def api_official(name: str):
    entry = engine().official(name[:MAX_NAME])
    if entry is None:
        return jsonify({"error": f"官员名录中没有“{name[:20]}”"}), 404
    return jsonify(entry)


@bp.route("/official/<name>")
def official_page(name: str):
    entry = engine().official(name[:MAX_NAME])
    if entry is None:
        abort(404)
    stats = engine().entity_stats("leaders", entry["name"], searcher())
    return render_template("official.html", entry=entry, stats=stats)


@bp.route("/region/<name>")
def region_page(name: str):
    gazetteer = engine().gazetteer
    division = gazetteer.get(name[:MAX_NAME])
    if division is None or division.level == "province":
        abort(404)
    chain = []
    parent = gazetteer.parent_division(division)
    while parent is not None:
        chain.insert(0, parent)
        parent = gazetteer.parent_division(parent)
    stats = engine().entity_stats("region_path", division.name, searcher())
    return render_template("region.html", division=division, chain=chain, stats=stats,
                           children=gazetteer.children(division.name))
