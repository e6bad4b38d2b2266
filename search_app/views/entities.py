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
    name = name[:MAX_NAME]
    division = gazetteer.get(name)
    typed_former = None
    if division is None:  # a former name: the division it became, or (split, abolished) its history
        ended = gazetteer.former_changes(name)
        if not ended:
            abort(404)
        resolved = gazetteer.resolve_place(name)
        if resolved is None or resolved[0].name == name:
            return render_template("region_history.html", name=name, changes=ended,
                                   change_label=CHANGE_LABEL)
        division, typed_former = resolved[0], name
    if division.level == "province":
        abort(404)
    chain = []
    parent = gazetteer.parent_division(division)
    while parent is not None:
        chain.insert(0, parent)
        parent = gazetteer.parent_division(parent)
    stats = engine().entity_stats("region_path", division.name, searcher())
    return render_template("region.html", division=division, chain=chain, stats=stats,
                           children=gazetteer.children(division.name), typed_former=typed_former,
                           changes=gazetteer.changes_of(division), change_label=CHANGE_LABEL)


CHANGE_LABEL = {"rename": "更名", "upgrade": "改设", "merge": "合并", "split": "拆分", "abolish": "撤销",
                "establish": "设立", "transfer": "划归"}
"""The kinds of change in :mod:`indexer.history`, as the region pages name them."""
