"""What a click on a facet value does, so that the count shown next to it is what it returns.

Values of one facet combine with OR (two papers, two officials, two counties that are not one
inside the other), facets with AND. The region facet is a hierarchy (prefecture › county): a
county chosen under a chosen city *narrows* — the county replaces its city in the filter —
and the URL keeps the city as a crumb of the trail (``region=晋中市&region=左权县``), so the
chip reads 晋中市 › 左权县 and removing the county goes back to the city. Choosing a city
above a chosen county broadens back to the city.

The selection is the list of ``region`` parameters in the order chosen; its *effective*
regions are those with no chosen region inside them. Everything here is about lists of
names and the gazetteer's parent relation; the counting is the engine's
(:meth:`search_app.engine.Engine._facets`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Parent = Callable[[str], "str | None"]


def effective_regions(regions: Sequence[str], parent: Parent) -> list[str]:
    """The chosen regions that filter: a region with a chosen region inside it is only a
    crumb of the trail (``[晋中市, 左权县]`` filters by 左权县)."""
    chosen = list(dict.fromkeys(regions))
    return [r for r in chosen if not any(parent(other) == r for other in chosen if other != r)]


def crumbs(region: str, regions: Sequence[str], parent: Parent) -> list[str]:
    """The chosen regions above ``region`` (its trail, outermost first), for its chip."""
    above = parent(region)
    return [above] if above is not None and above in regions else []


def click_regions(regions: Sequence[str], value: str, parent: Parent) -> list[str]:
    """The ``region`` parameters after a click on ``value`` in the facet:

    - an effective region: removed (its crumbs stay: back to the city);
    - a crumb (a chosen city with a chosen county inside): broadens to it (its counties go);
    - a region inside an effective one: added, narrowing (the outer one becomes a crumb);
    - a region containing effective ones: broadens to it (they are replaced);
    - any other: added (OR)."""
    chosen = list(dict.fromkeys(regions))
    effective = effective_regions(chosen, parent)
    if value in effective:
        return [r for r in chosen if r != value]
    if value in chosen:  # a crumb
        return [r for r in chosen if parent(r) != value]
    inside = [r for r in effective if parent(r) == value]
    if inside:
        return [r for r in chosen if r not in inside] + [value]
    return [*chosen, value]

