"""Official and county pages, and the officials register as JSON."""

from __future__ import annotations

from collections import Counter

from flask import abort, jsonify, render_template, request

from ..params import BadParameter
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


def initial(name: str) -> str:
    """The first letter of a name's pinyin (A–Z), for the register's index; ``#`` otherwise."""
    from pypinyin import Style, lazy_pinyin

    letters = lazy_pinyin(name[:1], style=Style.FIRST_LETTER, errors="ignore")
    first = letters[0][:1].upper() if letters and letters[0] else ""
    return first if "A" <= first <= "Z" else "#"


@bp.route("/officials")
def officials_page():
    """The officials register: names by number of articles, narrowed by a region (an entry
    counts when one of its articles names it) and by the first letter of the pinyin."""
    region = request.args.get("region", "").strip()[:MAX_NAME]
    letter = request.args.get("letter", "").strip().upper()
    if letter and not (len(letter) == 1 and ("A" <= letter <= "Z" or letter == "#")):
        raise BadParameter("letter", f"应为一个拼音首字母 A–Z，收到 “{letter[:10]}”")
    everyone = engine().officials()
    for entry in everyone:
        entry["initial"] = initial(entry["name"])
    letters = sorted({e["initial"] for e in everyone})
    shown = [e for e in everyone
             if (not letter or e["initial"] == letter)
             and (not region or any(r["region"] == region for r in e.get("regions", [])))]
    regions = Counter(r["region"] for e in everyone for r in e.get("regions", []))
    return render_template("officials.html", officials=shown, total=len(everyone), letters=letters,
                           letter=letter, region=region, regions=sorted(regions, key=lambda r: (-regions[r], r)))


@bp.route("/regions")
def regions_page():
    """The region tree (cities, their counties) with the articles that name each."""
    table = engine().table(searcher())
    counts = table.count(table.live_ids(), "region")
    gazetteer = engine().gazetteer
    tree: dict[str, dict] = {}
    for name, count in counts.items():
        parent = gazetteer.parent(name)
        city = parent or name
        node = tree.setdefault(city, {"name": city, "count": counts.get(city, 0), "children": []})
        if parent:
            node["children"].append({"name": name, "count": count})
    for node in tree.values():
        node["children"].sort(key=lambda c: (-c["count"], c["name"]))
    cities = sorted(tree.values(), key=lambda n: (-n["count"], n["name"]))
    return render_template("regions.html", cities=cities)


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
