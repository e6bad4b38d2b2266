"""Every match of a query with its exact Whoosh score, in numpy arrays.

The engine needs *every* match of a query (counts and facets are exact), so a common word
means hundreds of thousands of postings on a large archive. Here a query is evaluated
term-at-a-time on arrays: each term's posting list is decoded whole
(:func:`indexer.codec.decode_postings`), scored with BM25F in array arithmetic (the same
operations in the same order as Whoosh's ``bm25``, so the same floats), and the boolean
nodes combine sorted id arrays (small sets by bisection, large ones through a boolean
table over the segment's documents). Scores equal Whoosh's: ``Or``/``And`` add their
children's scores, ``AndMaybe`` adds the optional part where it matches, ``AndNot`` keeps
the positive score, ``ConstantScoreQuery`` sets one, boosts multiply where Whoosh applies
them (tested against Whoosh's own matchers). Exact strings take their candidates the same
way (the segment's rarest bigrams) and check the stored text of those only. Any other
query type runs through its Whoosh matcher, so nothing is ever left unanswered.

A result is a :class:`Hits`: ascending global document numbers and their scores.
``docs``/``scores`` give the same answers as sets and dicts (the interface of the
term-at-a-time evaluator this replaced).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25FScorer
from whoosh.searching import Searcher

from indexer.codec import matcher_postings, unfiltered

from .exact import ExactString, TextCache, texts_of
from .postings import PostingCache

EMPTY_IDS = np.empty(0, dtype=np.int64)
EMPTY_SCORES = np.empty(0, dtype=np.float64)


class OutOfTime(Exception):
    """The deadline passed; the caller reports the answer as incomplete."""


@dataclass(frozen=True)
class Hits:
    """Matches of a query: ascending document numbers and (when scored) their scores."""

    ids: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def as_dict(self) -> dict[int, float]:
        return dict(zip(self.ids.tolist(), self.scores.tolist(), strict=True))


NO_HITS = Hits(EMPTY_IDS, EMPTY_SCORES)


def positions_in(a: np.ndarray, b: np.ndarray, size: int) -> np.ndarray:
    """Boolean mask over ``a``: which of its ids are in ``b`` (both ascending, unique,
    below ``size``). Few against many: bisection; otherwise a table of ``size`` flags."""
    if not len(a) or not len(b):
        return np.zeros(len(a), dtype=bool)
    if len(a) * 24 < len(b) + (size >> 4):
        at = np.searchsorted(b, a)
        at[at == len(b)] = 0
        return b[at] == a
    table = np.zeros(size, dtype=bool)
    table[b] = True
    return table[a]


VERIFY_BATCH = 4096
"""Candidates of an exact string checked between two looks at the deadline."""


class VectorEvaluator:
    """Scores and document sets of queries over one searcher (all its segments)."""

    def __init__(self, searcher: Searcher, postings: PostingCache | None = None, deadline: float | None = None,
                 ranges: Callable[[wq.TermRange], np.ndarray | None] | None = None,
                 lengths: Callable[[object, str], np.ndarray | None] | None = None,
                 texts: TextCache | None = None) -> None:
        """``ranges`` may answer a range query from elsewhere (the engine answers date ranges
        from its columns; None from it means "ask the index"); ``lengths`` gives a segment's
        field lengths as a float array (:class:`search_app.scoring.SegmentLengths`)."""
        self.searcher = searcher
        self.leaves: list[tuple[Searcher, int]] = list(searcher.subsearchers or [(searcher, 0)])
        self.size = searcher.doc_count_all()
        self.postings = postings if postings is not None else PostingCache(0)
        self.deadline = deadline
        self.ranges = ranges
        self.lengths = lengths
        self.texts = texts if texts is not None else texts_of(searcher)
        self._known: dict[wq.Query, np.ndarray] = {}  # match sets computed so far (this request)
        self._deleted: dict[int, np.ndarray] = {}

    def _check_time(self) -> None:
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise OutOfTime()

    # --- sets and dicts (tests, callers outside the search path) ------------------------------

    def scores(self, q: wq.Query, within: set[int] | None = None) -> dict[int, float]:
        return self.hits(q, _as_ids(within)).as_dict()

    def docs(self, q: wq.Query, within: set[int] | None = None) -> set[int]:
        return set(self.ids(q, _as_ids(within)).tolist())

    # --- arrays -------------------------------------------------------------------------------

    def hits(self, q: wq.Query, within: np.ndarray | None = None) -> Hits:
        """Every match of ``q`` with its score (among ``within`` when given: costly parts are
        then only asked about those documents)."""
        found = self._hits(q, within)
        if within is None:
            self._known.setdefault(q, found.ids)
        return found

    def ids(self, q: wq.Query, within: np.ndarray | None = None) -> np.ndarray:
        """Every document ``q`` matches, ascending, no scores (among ``within`` when given)."""
        found = self._lookup(q, within)
        if within is None:
            self._known.setdefault(q, found)
        return found

    def _lookup(self, q: wq.Query, within: np.ndarray | None) -> np.ndarray:
        known = self._known.get(q)
        if known is not None:
            return known if within is None else known[positions_in(known, within, self.size)]
        return self._ids(q, within)

    def _restrict(self, found: Hits, within: np.ndarray | None) -> Hits:
        if within is None:
            return found
        keep = positions_in(found.ids, within, self.size)
        return Hits(found.ids[keep], found.scores[keep])

    def _hits(self, q: wq.Query, within: np.ndarray | None) -> Hits:
        if isinstance(q, wq.Term):
            return self._restrict(self._term(q), within)
        if type(q) is wq.Or and not q.minmatch and q.scale is None:
            out = self._union([self._hits(sub, within) for sub in q.subqueries])
        elif type(q) is wq.And:
            if not q.subqueries:
                return NO_HITS
            parts: list[Hits] = []
            candidates = within
            for sub in sorted(q.subqueries, key=_cost):
                part = self._hits(sub, candidates)
                parts.append(part)
                candidates = part.ids if candidates is None else \
                    part.ids[positions_in(part.ids, candidates, self.size)]
                if not len(candidates):
                    return NO_HITS
            total = np.zeros(len(candidates))
            for part in parts:
                total += part.scores[np.searchsorted(part.ids, candidates)]
            out = Hits(candidates, total)
        elif type(q) is wq.AndNot:
            found = self._hits(q.a, within)
            if len(found):
                negative = self._lookup(q.b, found.ids)
                if len(negative):
                    keep = ~positions_in(found.ids, negative, self.size)
                    found = Hits(found.ids[keep], found.scores[keep])
            return found  # Whoosh applies no boost here
        elif type(q) is wq.AndMaybe:
            found = self._hits(q.a, within)
            if len(found):
                optional = self._hits(q.b, found.ids)
                if len(optional):
                    scores = found.scores.copy()
                    scores[np.searchsorted(found.ids, optional.ids)] += optional.scores
                    found = Hits(found.ids, scores)
            return found  # Whoosh applies no boost here
        elif type(q) is wq.ConstantScoreQuery:
            ids = self._lookup(q.child, within)  # Whoosh ignores the boost here too
            return Hits(ids, np.full(len(ids), float(q.score)))
        elif isinstance(q, ExactString):
            return self._exact(q, within, scored=True)
        elif isinstance(q, wq.Every):
            return self._restrict(self._every(), within)
        else:
            return self._generic(q, True, within)
        # as in Whoosh: a compound's boost applies when it has more than one part
        if len(q.subqueries) > 1 and q.boost != 1.0:
            out = Hits(out.ids, out.scores * q.boost)
        return out

    def _ids(self, q: wq.Query, within: np.ndarray | None) -> np.ndarray:
        if isinstance(q, wq.Term):
            ids = self._term(q, scored=False).ids
        elif type(q) is wq.Or and not q.minmatch:
            ids = self._union_ids([self._lookup(sub, within) for sub in q.subqueries])
            return ids
        elif type(q) is wq.And:
            candidates = within
            for sub in sorted(q.subqueries, key=_cost):
                candidates = self._lookup(sub, candidates)
                if not len(candidates):
                    return EMPTY_IDS
            return EMPTY_IDS if candidates is None else candidates
        elif type(q) is wq.AndNot:
            positive = self._lookup(q.a, within)
            if not len(positive):
                return positive
            negative = self._lookup(q.b, positive)
            return positive[~positions_in(positive, negative, self.size)] if len(negative) else positive
        elif type(q) is wq.AndMaybe:
            return self._lookup(q.a, within)
        elif type(q) is wq.ConstantScoreQuery:
            return self._lookup(q.child, within)
        elif isinstance(q, ExactString):
            return self._exact(q, within, scored=False).ids
        elif isinstance(q, wq.Every):
            ids = self._every().ids
        elif type(q) is wq.TermRange:
            answered = self.ranges(q) if self.ranges is not None else None
            if answered is not None:
                ids = answered
            else:
                parts = [self._term(wq.Term(q.fieldname, text), scored=False, leaf_only=(leaf, offset)).ids
                         for leaf, offset in self.leaves for text in q._btexts(leaf.reader())]
                ids = self._union_ids(parts)
        else:
            ids = self._generic(q, False, within).ids
        return ids if within is None else ids[positions_in(ids, within, self.size)]

    # --- combining ------------------------------------------------------------------------------

    def _union(self, parts: list[Hits]) -> Hits:
        parts = [p for p in parts if len(p)]
        if not parts:
            return NO_HITS
        if len(parts) == 1:
            return parts[0]
        total = sum(len(p) for p in parts)
        if total * 16 < self.size:  # few postings: sort them
            ids = np.concatenate([p.ids for p in parts])
            unique, inverse = np.unique(ids, return_inverse=True)
            # bincount adds in input order, i.e. child by child, as the sum does
            return Hits(unique, np.bincount(inverse, weights=np.concatenate([p.scores for p in parts]),
                                            minlength=len(unique)))
        scores = np.zeros(self.size)
        seen = np.zeros(self.size, dtype=bool)
        for p in parts:
            scores[p.ids] += p.scores  # a part's ids are unique
            seen[p.ids] = True
        ids = np.flatnonzero(seen)
        return Hits(ids, scores[ids])

    def _union_ids(self, parts: list[np.ndarray]) -> np.ndarray:
        parts = [p for p in parts if len(p)]
        if not parts:
            return EMPTY_IDS
        if len(parts) == 1:
            return parts[0]
        if sum(len(p) for p in parts) * 16 < self.size:
            return np.unique(np.concatenate(parts))
        seen = np.zeros(self.size, dtype=bool)
        for p in parts:
            seen[p] = True
        return np.flatnonzero(seen)

    # --- postings -------------------------------------------------------------------------------

    def _deleted_of(self, leaf: Searcher, offset: int) -> np.ndarray | None:
        reader = leaf.reader()
        if not reader.has_deletions():
            return None
        found = self._deleted.get(offset)
        if found is None:
            found = self._deleted[offset] = np.fromiter(sorted(reader.deleted_docs_set), dtype=np.int64)
        return found

    def _term(self, q: wq.Term, scored: bool = True, leaf_only: tuple[Searcher, int] | None = None) -> Hits:
        id_parts: list[np.ndarray] = []
        score_parts: list[np.ndarray] = []
        for leaf, offset in [leaf_only] if leaf_only else self.leaves:
            self._check_time()
            found = self._leaf_term(leaf, offset, q, scored)
            if found is not None and len(found):
                id_parts.append(found.ids)
                score_parts.append(found.scores)
        if not id_parts:
            return NO_HITS
        if len(id_parts) == 1:
            return Hits(id_parts[0], score_parts[0])
        return Hits(np.concatenate(id_parts), np.concatenate(score_parts))

    def _leaf_term(self, leaf: Searcher, offset: int, q: wq.Term, scored: bool) -> Hits | None:
        if q.fieldname not in leaf.schema:
            return None
        try:
            text = leaf.schema[q.fieldname].to_bytes(q.text)
        except ValueError:
            return None
        reader = leaf.reader()
        if (q.fieldname, text) not in reader:
            return None
        segment = reader.segment() if hasattr(reader, "segment") else None
        key = (segment.segment_id(), q.fieldname, text) if segment is not None else None
        decoded = self.postings.get(key) if key is not None else None
        m = None
        if decoded is None:
            # the deleted documents are dropped below
            m = unfiltered(leaf.postings(q.fieldname, text, weighting=leaf.weighting))
            decoded = matcher_postings(m)
            if decoded is None:  # a matcher this module cannot read: Whoosh's own walk
                return self._leaf_generic(leaf, offset, q, scored, None)
            if key is not None:
                self.postings.put(key, decoded)
        ids, weights = decoded
        scores = self._bm25(leaf, q, text, ids, weights, m) if scored else None
        deleted = self._deleted_of(leaf, offset)
        if deleted is not None:
            keep = ~np.isin(ids, deleted, assume_unique=True)
            ids = ids[keep]
            scores = scores[keep] if scores is not None else None
        if scores is None:
            scores = np.zeros(len(ids))
        return Hits(ids + offset if offset else ids, scores)

    def _bm25(self, leaf: Searcher, q: wq.Term, text: bytes, ids: np.ndarray, weights: np.ndarray,
              m) -> np.ndarray:
        """Whoosh's score of each posting: ``bm25(idf, tf, fl, avgfl, B, K1)`` term by term."""
        scorer = m.scorer if m is not None else leaf.weighting.scorer(leaf, q.fieldname, text)
        lengths = self.lengths(leaf.reader(), q.fieldname) if self.lengths is not None else None
        if type(scorer) is BM25FScorer and lengths is not None:
            tf = weights.astype(np.float64)
            fl = lengths[ids]
            idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
            scores = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
        else:  # another weighting: its own scorer, posting by posting
            score_fn = getattr(scorer, "_score", None)
            if score_fn is None:
                scores = weights.astype(np.float64)
            else:
                reader = leaf.reader()
                scores = np.fromiter((score_fn(float(w), reader.doc_field_length(int(d), q.fieldname, 1))
                                      for d, w in zip(ids, weights, strict=True)), dtype=np.float64, count=len(ids))
        return scores * q.boost if q.boost != 1.0 else scores

    def _every(self) -> Hits:
        parts = []
        for leaf, offset in self.leaves:
            ids = np.arange(leaf.doc_count_all(), dtype=np.int64)
            deleted = self._deleted_of(leaf, offset)
            if deleted is not None:
                ids = ids[~np.isin(ids, deleted, assume_unique=True)]
            parts.append(ids + offset)
        ids = np.concatenate(parts) if parts else EMPTY_IDS
        return Hits(ids, np.ones(len(ids)))  # Whoosh's Every scores 1 (its matcher's default)

    # --- exact strings ----------------------------------------------------------------------

    def _exact(self, q: ExactString, within: np.ndarray | None, scored: bool) -> Hits:
        """As :meth:`ExactString.matcher` does it, segment by segment: the rarest bigrams of
        *that* segment give the candidates and their score, the stored text decides."""
        id_parts, score_parts = [], []
        for leaf, offset in self.leaves:
            end = offset + leaf.doc_count_all()
            local_within = None if within is None else within[(within >= offset) & (within < end)]
            if local_within is not None and not len(local_within):
                continue
            one = VectorEvaluator(leaf, self.postings, self.deadline, lengths=self.lengths, texts=self.texts)
            one.leaves, one.size, one._deleted = [(leaf, offset)], self.size, self._deleted
            candidates_query = q._candidates(leaf.reader())
            found = one._hits(candidates_query, local_within) if scored else \
                (lambda ids: Hits(ids, np.zeros(len(ids))))(one._lookup(candidates_query, local_within))
            if q.verify and len(found):
                keep = np.zeros(len(found), dtype=bool)
                for start in range(0, len(found), VERIFY_BATCH):
                    batch = found.ids[start:start + VERIFY_BATCH] - offset
                    keep[start:start + len(batch)] = q.check(self.texts, leaf, batch)
                    self._check_time()
                found = Hits(found.ids[keep], found.scores[keep])
            id_parts.append(found.ids)
            score_parts.append(found.scores)
        if not id_parts:
            return NO_HITS
        return Hits(np.concatenate(id_parts), np.concatenate(score_parts))

    # --- anything else: Whoosh's own matcher ------------------------------------------------

    def _generic(self, q: wq.Query, scored: bool, within: np.ndarray | None) -> Hits:
        parts = [self._leaf_generic(leaf, offset, q, scored, within) for leaf, offset in self.leaves]
        parts = [p for p in parts if len(p)]
        if not parts:
            return NO_HITS
        return Hits(np.concatenate([p.ids for p in parts]), np.concatenate([p.scores for p in parts]))

    def _leaf_generic(self, leaf: Searcher, offset: int, q: wq.Query, scored: bool,
                      within: np.ndarray | None) -> Hits:
        """The query's own matcher on one segment: every match, or (with ``within``) only the
        candidates, skipping from one to the next."""
        m = q.matcher(leaf, leaf.context())
        ids: list[int] = []
        scores: list[float] = []
        if within is None:
            n = 0
            while m.is_active():
                ids.append(m.id() + offset)
                scores.append(m.score() if scored else 0.0)
                m.next()
                n += 1
                if not n % 512:
                    self._check_time()
        else:
            end = offset + leaf.doc_count_all()
            local = [d - offset for d in within.tolist() if offset <= d < end]
            for docnum, score in scores_at(m, local, scored, self._check_time).items():
                ids.append(docnum + offset)
                scores.append(score)
        return Hits(np.asarray(ids, dtype=np.int64), np.asarray(scores, dtype=np.float64))


def scores_at(m, docnums: list[int], scored: bool = True, check=None) -> dict[int, float]:
    """The matcher's score at each of ``docnums`` (ascending) it matches, skipping from one
    to the next instead of visiting every match in between."""
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


def _as_ids(within: set[int] | None) -> np.ndarray | None:
    if within is None:
        return None
    return np.array(sorted(within), dtype=np.int64)


def _cost(q: wq.Query) -> int:
    """Order of evaluation inside an ``And``: postings only (0) before Whoosh matchers (1)
    before exact strings that read stored text (2), so the costly ones see few candidates."""
    if isinstance(q, wq.Term | wq.TermRange):
        return 0
    if type(q) in (wq.Or, wq.And, wq.AndNot, wq.AndMaybe, wq.ConstantScoreQuery):
        children = q.subqueries if isinstance(q, wq.CompoundQuery) else \
            [q.child] if isinstance(q, wq.ConstantScoreQuery) else [q.a, q.b]
        return max((_cost(c) for c in children), default=0)
    if isinstance(q, ExactString):
        return 2 if q.verify else 0
    return 1
