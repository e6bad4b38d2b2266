"""Every match of a query with its exact Whoosh score, a posting block at a time.

Whoosh evaluates a query document-at-a-time: a tree of matcher objects advances posting
by posting, with several Python method calls per document and node. The engine needs
*every* match of a query (counts and facets are exact), so for a common word that is
tens of thousands of documents, most of the query's time. Here the same query is
evaluated term-at-a-time: each term's postings are read block by block (the ids and
weights arrays Whoosh decodes anyway) and scored in one comprehension with the same
scorer, and the boolean nodes combine per-term dicts and sets. Scores equal Whoosh's:
``Or``/``And`` add their children's scores, ``AndMaybe`` adds the optional part where it
matches, ``AndNot`` keeps the positive score, ``ConstantScoreQuery`` sets one, boosts
multiply where Whoosh applies them (tested against Whoosh's own matchers). Exact strings
take their candidates the same way (the segment's rarest bigrams) and check the stored
text of those only; any other query type runs through its Whoosh matcher, so nothing is
ever left unanswered.

The posting-block walk reads attributes of ``whoosh.codec.whoosh3.W3LeafMatcher`` (the
pinned whoosh-reloaded 2.7.5); another matcher class falls back to the generic path.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher
from whoosh.searching import Searcher

from .exact import TEXTS, ExactString


class OutOfTime(Exception):
    """The deadline passed; the caller reports the answer as incomplete."""


class Evaluator:
    """Scores and document sets of queries over one searcher (all its segments)."""

    def __init__(self, searcher: Searcher, deadline: float | None = None,
                 ranges: Callable[[wq.TermRange], set[int] | None] | None = None) -> None:
        """``ranges`` may answer a range query from elsewhere (the engine answers date
        ranges from its per-generation table); None from it means "ask the index"."""
        self.leaves: list[tuple[Searcher, int]] = list(searcher.subsearchers or [(searcher, 0)])
        self.deadline = deadline
        self.ranges = ranges
        self._known: dict[wq.Query, set[int]] = {}  # match sets computed so far (this request)

    def _check_time(self) -> None:
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise OutOfTime()

    # --- scores -------------------------------------------------------------------------

    def scores(self, q: wq.Query, within: set[int] | None = None) -> dict[int, float]:
        """docnum -> score of every document ``q`` matches (among ``within`` when given:
        costly parts are then only asked about those documents, as Whoosh's intersection
        would)."""
        if within is None:
            out = self._scores(q, None)
            self._known.setdefault(q, set(out))
            return out
        return self._scores(q, within)

    def _scores(self, q: wq.Query, within: set[int] | None) -> dict[int, float]:
        if isinstance(q, wq.Term):
            out = self._term(q)
            return out if within is None else _restrict(out, within)
        if type(q) is wq.Or and not q.minmatch and q.scale is None:
            out = {}
            for sub in q.subqueries:
                _add_into(out, self._scores(sub, within))
        elif type(q) is wq.And:
            if not q.subqueries:
                return {}
            parts: list[dict[int, float]] = []
            candidates = within
            for sub in sorted(q.subqueries, key=_cost):
                part = self._scores(sub, candidates)
                parts.append(part)
                candidates = set(part) if candidates is None else candidates.intersection(part)
                if not candidates:
                    return {}
            out = {d: sum(p[d] for p in parts) for d in candidates or ()}
        elif type(q) is wq.AndNot:
            out = self._scores(q.a, within)
            if out:
                for d in self._lookup(q.b, set(out)):
                    del out[d]
            return out  # Whoosh applies no boost here
        elif type(q) is wq.AndMaybe:
            out = self._scores(q.a, within)
            if out:
                optional = self._scores(q.b, set(out))
                for d, score in optional.items():
                    out[d] += score
            return out  # Whoosh applies no boost here
        elif type(q) is wq.ConstantScoreQuery:
            return dict.fromkeys(self._lookup(q.child, within), q.score)  # Whoosh ignores the boost here too
        elif isinstance(q, ExactString):
            return self._exact(q, within, scored=True)
        else:
            return self._generic(q, True, within)
        # as in Whoosh: a compound's boost applies when it has more than one part (its
        # tree of matchers is wrapped)
        if len(q.subqueries) > 1 and q.boost != 1.0:
            out = {d: s * q.boost for d, s in out.items()}
        return out

    def _term(self, q: wq.Term) -> dict[int, float]:
        out: dict[int, float] = {}
        for leaf, offset in self.leaves:
            found = _postings(leaf, q)
            if found is None:
                continue
            m, deleted = found
            scorer = getattr(m, "scorer", None)
            score_fn, length_of = getattr(scorer, "_score", None), getattr(scorer, "dfl", None)
            if type(m) is not W3LeafMatcher or score_fn is None or length_of is None:
                out.update(self._leaf_generic(leaf, offset, q, True, None))
                continue
            boost = q.boost
            while m.is_active():
                self._check_time()
                ids, weights = _block(m)
                scored = map(score_fn, weights, map(length_of, ids))
                if boost != 1.0:
                    scored = (s * boost for s in scored)
                block = dict(zip(ids if not offset else [d + offset for d in ids], scored, strict=True))
                if deleted:
                    for d in deleted.intersection(ids):
                        del block[d + offset]
                out.update(block)  # a term occurs once per document: no sums needed
                m._next_block()
        return out

    # --- document sets ------------------------------------------------------------------

    def docs(self, q: wq.Query, within: set[int] | None = None) -> set[int]:
        """Every document ``q`` matches, no scores (among ``within`` when given)."""
        found = self._lookup(q, within)
        if within is None:
            self._known.setdefault(q, set(found))
        return found

    def _lookup(self, q: wq.Query, within: set[int] | None) -> set[int]:
        """A match set computed earlier in this request, or computed now (not kept)."""
        known = self._known.get(q)
        if known is not None:
            return set(known) if within is None else known & within
        return self._docs(q, within)

    def _docs(self, q: wq.Query, within: set[int] | None) -> set[int]:
        if isinstance(q, wq.Term):
            out: set[int] = set()
            for leaf, offset in self.leaves:
                out |= self._term_ids(leaf, offset, q)
            return out if within is None else out & within
        if type(q) is wq.Or and not q.minmatch:
            return set().union(*(self._lookup(sub, within) for sub in q.subqueries))
        if type(q) is wq.And:
            candidates = within
            for sub in sorted(q.subqueries, key=_cost):
                found = self._lookup(sub, candidates)
                candidates = found if candidates is None else candidates & found
                if not candidates:
                    return set()
            return candidates or set()
        if type(q) is wq.AndNot:
            positive = self._lookup(q.a, within)
            return positive - self._lookup(q.b, positive) if positive else positive
        if type(q) is wq.AndMaybe:
            return self._lookup(q.a, within)
        if type(q) is wq.ConstantScoreQuery:
            return self._lookup(q.child, within)
        if isinstance(q, ExactString):
            return set(self._exact(q, within, scored=False))
        if type(q) is wq.TermRange:
            answered = self.ranges(q) if self.ranges is not None else None
            if answered is not None:
                return answered if within is None else answered & within
            out = set()
            for leaf, offset in self.leaves:
                for text in q._btexts(leaf.reader()):
                    out |= self._term_ids(leaf, offset, wq.Term(q.fieldname, text))
            return out if within is None else out & within
        return set(self._generic(q, False, within))

    def _term_ids(self, leaf: Searcher, offset: int, q: wq.Term) -> set[int]:
        found = _postings(leaf, q)
        if found is None:
            return set()
        m, deleted = found
        if type(m) is not W3LeafMatcher:
            return set(self._leaf_generic(leaf, offset, q, False, None))
        out: set[int] = set()
        while m.is_active():
            self._check_time()
            ids, _weights = _block(m, weights=False)
            out.update(ids if not offset else [d + offset for d in ids])
            m._next_block()
        if deleted:
            out -= {d + offset for d in deleted}
        return out

    # --- exact strings ----------------------------------------------------------------------

    def _exact(self, q: ExactString, within: set[int] | None, scored: bool) -> dict[int, float]:
        """As :meth:`ExactString.matcher` does it, segment by segment: the rarest bigrams
        of *that* segment give the candidates and their score, the stored text decides."""
        out: dict[int, float] = {}
        for leaf, offset in self.leaves:
            one = Evaluator(leaf, self.deadline)
            one.leaves = [(leaf, offset)]
            local_within = None if within is None else {d for d in within if offset <= d < offset + leaf.doc_count_all()}
            candidates_query = q._candidates(leaf.reader())
            found = one._scores(candidates_query, local_within) if scored else \
                dict.fromkeys(one._lookup(candidates_query, local_within), 0.0)
            if q.verify and found:
                needle, part = q.needle, q.part
                for n, docnum in enumerate(sorted(found), 1):
                    if needle not in TEXTS.get(leaf, docnum - offset, part):
                        del found[docnum]
                    if not n % 256:
                        self._check_time()
            out.update(found)
        return out

    # --- anything else: Whoosh's own matcher ------------------------------------------------

    def _generic(self, q: wq.Query, scored: bool, within: set[int] | None) -> dict[int, float]:
        out: dict[int, float] = {}
        for leaf, offset in self.leaves:
            out.update(self._leaf_generic(leaf, offset, q, scored, within))
        return out

    def _leaf_generic(self, leaf: Searcher, offset: int, q: wq.Query, scored: bool,
                      within: set[int] | None) -> dict[int, float]:
        """The query's own matcher on one segment: every match, or (with ``within``) only
        the candidates, skipping from one to the next."""
        out: dict[int, float] = {}
        m = q.matcher(leaf, leaf.context())
        n = 0
        if within is None:
            while m.is_active():
                out[m.id() + offset] = m.score() if scored else 0.0
                m.next()
                n += 1
                if not n % 512:
                    self._check_time()
            return out
        end = offset + leaf.doc_count_all()
        local = sorted(d - offset for d in within if offset <= d < end)
        found = scores_at(m, local, scored, self._check_time)
        return {d + offset: score for d, score in found.items()}


def scores_at(m, docnums: list[int], scored: bool = True, check=None) -> dict[int, float]:
    """The matcher's score at each of ``docnums`` (ascending) it matches, skipping from
    one to the next instead of visiting every match in between."""
    out: dict[int, float] = {}
    for n, docnum in enumerate(docnums, 1):
        if not m.is_active():
            break
        if m.id() < docnum:
            m.skip_to(docnum)
            if not m.is_active():
                break
        if m.id() == docnum:
            out[docnum] = m.score() if scored else 0.0
        if check is not None and not n % 512:
            check()
    return out


def _cost(q: wq.Query) -> int:
    """Order of evaluation inside an ``And``: postings only (0) before Whoosh matchers
    (1) before exact strings that read stored text (2), so the costly ones see few
    candidates."""
    if isinstance(q, wq.Term | wq.TermRange):
        return 0
    if type(q) in (wq.Or, wq.And, wq.AndNot, wq.AndMaybe, wq.ConstantScoreQuery):
        children = q.subqueries if isinstance(q, wq.CompoundQuery) else \
            [q.child] if isinstance(q, wq.ConstantScoreQuery) else [q.a, q.b]
        return max((_cost(c) for c in children), default=0)
    if isinstance(q, ExactString):
        return 2 if q.verify else 0
    return 1


def _restrict(scores: dict[int, float], within: set[int]) -> dict[int, float]:
    return {d: scores[d] for d in within.intersection(scores)}


def _postings(leaf: Searcher, q: wq.Term) -> tuple[Any, set[int] | frozenset] | None:
    """The term's matcher with Whoosh's scorer (as ``Term.matcher`` builds it, unboosted)
    and the segment's deleted documents it would skip (its deletion filter is taken off:
    the block walk drops those documents itself); None when the term is not there."""
    if q.fieldname not in leaf.schema:
        return None
    try:
        text = leaf.schema[q.fieldname].to_bytes(q.text)
    except ValueError:
        return None
    if (q.fieldname, text) not in leaf.reader():
        return None
    m = leaf.postings(q.fieldname, text, weighting=leaf.weighting)
    if isinstance(m, FilterMatcher) and m._exclude:
        return m.child, m._ids
    return m, frozenset()


def _block(m: W3LeafMatcher, weights: bool = True) -> tuple[Iterable[int], Iterable[float]]:
    """The current block's ids (and weights) from the matcher's position on."""
    if m._ids is None:
        m._read_ids()
    ids = m._ids
    w = None
    if weights:
        if m._weights is None:
            m._read_weights()
        w = m._weights
    i = m._i
    if i:
        ids = ids[i:]
        w = w[i:] if w is not None else None
    return ids, w  # type: ignore[return-value]


def _add_into(total: dict[int, float], part: dict[int, float]) -> None:
    """total += part, key by key."""
    if not total:
        total.update(part)
        return
    get = total.get
    for d, s in part.items():
        total[d] = get(d, 0.0) + s
