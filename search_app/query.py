"""The reader's query language, parsed into Whoosh query objects we build ourselves.

Syntax (documented on the search page):

* ``刘星 生态环境`` — every word must match (AND);
* ``"正确政绩观"`` (or “…”) — an exact string;
* ``榆次 OR 太谷`` — either;
* ``-督察`` — exclude;
* ``标题:政绩观`` / ``title:…`` — search headlines only.

No raw Whoosh syntax reaches the engine: wildcards, fuzzy terms, field names other
than 标题/title and ranges are just text. Each unquoted chunk matches an article if
the chunk occurs there as an exact string (character bigrams) *or* if all its jieba
words occur (word field or exact string). So whatever jieba does with a name, a string
that is in the article finds it; and a query of several words typed without spaces
still finds articles that use the words apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from whoosh import query as wq

from indexer import segment

from .abbreviations import Expansion, Form
from .exact import ExactString, SlotString
from indexer.analysis import bigrams_of, char_units, is_han
from indexer.normalize import normalize

MAX_QUERY_CHARS = 200
MAX_TERMS = 12

_TOKEN_RE = re.compile(r'(-?)(?:(标题|title)[:：])?(?:"([^"]*)"?|“([^”]*)”?|(\S+))', re.IGNORECASE)


@dataclass
class QueryHints:
    """What the engine knows about query words: places (gazetteer) and officials (register).

    ``place(term)`` returns ``(canonical name, unambiguous)`` or None; ``official(term)``
    says whether the term is a name in the officials register.
    """

    place: Callable[[str], tuple[str, bool] | None] = lambda _term: None
    official: Callable[[str], bool] = lambda _term: False
    abbreviations: Callable[[str], list[Expansion]] = lambda _term: []
    char_terms: Callable[[str, str], list[str]] = lambda _char, _field: []
    """The bigram terms of a field that hold a character (:mod:`search_app.chargrams`)."""
    pinyin: Callable[[str], list[str]] = lambda _term: []
    """The names (officials, places) whose pinyin a term is (:mod:`search_app.pinyin`)."""


NO_HINTS = QueryHints()

LEAD_BOOST = 1.5
ADJACENCY_BOOST = 1.0
OFFICIAL_BOOST = 2.0
REGION_BOOST = 1.5


class QueryError(ValueError):
    """A query the reader must fix (too long, too many terms)."""


@dataclass
class Term:
    text: str  # normalised text
    exact: bool = False
    title_only: bool = False
    negated: bool = False
    words: list[str] = field(default_factory=list)  # jieba words used for matching/highlighting


@dataclass
class ParsedQuery:
    groups: list[list[Term]]  # AND of OR-groups
    excluded: list[Term]

    @property
    def empty(self) -> bool:
        return not self.groups

    def tokens(self) -> list[str]:
        """How the query was understood, for display (检索词切分为 …)."""
        out: list[str] = []
        for group in self.groups:
            parts = []
            for t in group:
                prefix = "标题:" if t.title_only else ""
                parts.append(prefix + (f"“{t.text}”" if t.exact else "/".join(t.words or [t.text])))
            out.append(" OR ".join(parts))
        out.extend("-" + t.text for t in self.excluded)
        return out

    def highlight_strings(self) -> list[str]:
        """Strings to mark in snippets: whole exact strings and the matching words."""
        strings: set[str] = set()
        for group in self.groups:
            for t in group:
                strings.add(t.text)
                strings.update(w for w in t.words if len(w) > 1 or not is_han(w))
        return sorted((s for s in strings if s.strip()), key=len, reverse=True)


def _words(text: str) -> list[str]:
    """Significant jieba words of a chunk: single Han characters are dropped when longer words exist."""
    words = [w.strip() for w in segment.current().cut(text)]
    words = [w for w in words if w and any(c.isalnum() for c in w)]
    long_words = [w for w in words if len(w) > 1 or not is_han(w)]
    return long_words or words


def parse_query(q: str) -> ParsedQuery:
    """Parse the reader's query string; raises :class:`QueryError` for abusive input."""
    q = q.strip()
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"检索词过长（{len(q)} 字），最多 {MAX_QUERY_CHARS} 字")
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = False
    count = 0
    for m in _TOKEN_RE.finditer(normalize(q)):
        neg, field_name, quoted1, quoted2, bare = m.groups()
        quoted = quoted1 if quoted1 is not None else quoted2
        if quoted is None and bare == "or" and not neg and not field_name:
            pending_or = bool(groups)
            continue
        text = (quoted if quoted is not None else bare or "").strip()
        if not text or not any(c.isalnum() for c in text):
            continue
        count += 1
        if count > MAX_TERMS:
            raise QueryError(f"检索词过多，最多 {MAX_TERMS} 个")
        term = Term(text=text, exact=quoted is not None, title_only=bool(field_name), negated=bool(neg))
        term.words = [text] if term.exact else _words(text)
        if term.negated:
            excluded.append(term)
            pending_or = False
            continue
        if pending_or and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
    return ParsedQuery(groups, excluded)


def _latin(group: list[Term]) -> str | None:
    t = group[0]
    if len(group) == 1 and not t.exact and not t.negated and t.text.isascii() and t.text.isalpha():
        return t.text
    return None


def join_pinyin(parsed: ParsedQuery, hints: QueryHints = NO_HINTS) -> ParsedQuery:
    """Latin words typed apart that together are a name's pinyin (``Liu Xing``, ``cui shao
    min``) become one term, so that :func:`term_query` reads them as the name."""
    groups = parsed.groups
    out: list[list[Term]] = []
    i = 0
    while i < len(groups):
        joined = None
        if _latin(groups[i]) is not None:
            for j in range(len(groups), i + 1, -1):
                words = [_latin(g) for g in groups[i:j]]
                if all(words) and hints.pinyin(" ".join(words)):  # type: ignore[arg-type]
                    text = " ".join(words)  # type: ignore[arg-type]
                    joined = ([Term(text=text, title_only=groups[i][0].title_only, words=[text])], j)
                    break
        if joined is None:
            out.append(groups[i])
            i += 1
        else:
            out.append(joined[0])
            i = joined[1]
    return parsed if len(out) == len(groups) else ParsedQuery(out, parsed.excluded)


# --- to Whoosh -----------------------------------------------------------------------


_PART_OF_FIELD = {"chars": "all", "title_chars": "title"}


def exact_query(text: str, fieldname: str) -> wq.Query | None:
    """Exact-string match: the bigrams' postings narrow the candidates, the stored text decides."""
    grams = bigrams_of(text)
    if not grams:
        return None
    if len(grams) == 1:
        return wq.Term(fieldname, grams[0])
    return ExactString(fieldname, text, _PART_OF_FIELD[fieldname])


def tokens_query(word: str, title_only: bool = False) -> wq.Query:
    """A jieba word as a word token of the headline (or body): cheap postings, BM25F-ranked."""
    if title_only:
        return wq.Term("title", word)
    return wq.Or([wq.Term("title", word), wq.Term("body", word)])


def _exact_rest(text: str, fieldname: str, covered: wq.Query) -> wq.Query | None:
    """Articles that contain ``text`` as an exact string but are not already matched by
    ``covered`` (its word tokens). The exact check reads stored text, so it is only asked
    about the few articles that have all of the string's bigrams but not its words; the
    intersection makes it skip straight to them."""
    grams = bigrams_of(text)
    if not grams:
        return None
    if len(grams) == 1:
        return wq.Term(fieldname, grams[0])
    part = _PART_OF_FIELD[fieldname]
    candidates = wq.AndNot(ExactString(fieldname, text, part, verify=False), covered)
    return wq.And([candidates, ExactString(fieldname, text, part)])


def word_query(word: str, title_only: bool = False) -> wq.Query:
    """One jieba word: as a word token or, where jieba cut the text differently, as an exact string."""
    tokens = tokens_query(word, title_only)
    units = list(char_units(word))
    if len(units) > 1 or (units and not is_han(units[0][0][0])):
        rest = _exact_rest(word, "title_chars" if title_only else "chars", tokens)
        if rest is not None:
            return wq.Or([tokens, rest])
    return tokens


def form_query(form: Form, fieldname: str = "chars") -> wq.Query | None:
    """One form of a body's name (:mod:`search_app.abbreviations`) as an exact string, or
    its parts in order where it has a gap."""
    if form.gapped:
        return SlotString(fieldname, form.text, form.parts, form.pattern(), _PART_OF_FIELD[fieldname])
    return exact_query(form.text, fieldname)


def abbreviation_expansions(term: Term, hints: QueryHints = NO_HINTS) -> dict[str, list[Expansion]]:
    """The other forms a term also searches: of the whole term (key ``""``) and of each of
    its words (a short form jieba cut out of a longer term: 市发改委 → 发改委). Quoted
    strings are searched as typed."""
    if term.exact:
        return {}
    out: dict[str, list[Expansion]] = {}
    whole = hints.abbreviations(term.text)
    if whole:
        out[""] = whole
    if term.words != [term.text]:
        for w in term.words:
            found = hints.abbreviations(w)
            if found:
                out[w] = found
    return out


def _with_forms(query: wq.Query, expansions: list[Expansion], fieldname: str) -> wq.Query:
    forms = [q for e in expansions if (q := form_query(e.form, fieldname)) is not None]
    return wq.Or([query, *forms]) if forms else query


INSIDE_WORD_SCORE = 0.001
"""The weight of the bigram terms that hold a one-character query (晋 in 晋城): an article
holding it only inside words ranks by how often it does, after every article where the
character stands as a word (their BM25F and word-use boost are above 0.1)."""


def is_single_char(text: str) -> bool:
    return len(text) == 1 and is_han(text)


def char_query(char: str, title_only: bool, hints: QueryHints = NO_HINTS) -> wq.Query:
    """A one-character term: every article holding the character (the bigram terms that
    start or end with it, :mod:`search_app.chargrams`), those where it stands as a jieba
    word ranked first by BM25F, the others after them (:data:`INSIDE_WORD_SCORE`)."""
    fieldname = "title_chars" if title_only else "chars"
    grams = hints.char_terms(char, fieldname)
    tokens = tokens_query(char, title_only)
    if not grams:
        return tokens
    inside = wq.Or([wq.Term(fieldname, g) for g in grams], boost=INSIDE_WORD_SCORE) if len(grams) > 1 \
        else wq.Term(fieldname, grams[0], boost=INSIDE_WORD_SCORE)
    return wq.Or([tokens, inside])


def term_query(term: Term, hints: QueryHints = NO_HINTS) -> wq.Query:
    """What must match for one reader's term."""
    chars_field = "title_chars" if term.title_only else "chars"
    if is_single_char(term.text):
        return char_query(term.text, term.title_only, hints)
    if term.exact:
        exact = exact_query(term.text, chars_field)
        return exact if exact is not None else word_query(term.text, term.title_only)
    names = hints.pinyin(term.text)
    if names:  # liuxing: the name's articles (the Latin string itself too, as typed)
        named = [term_query(Term(text=n, words=_words(n), title_only=term.title_only), hints) for n in names]
        return wq.Or([word_query(term.text, term.title_only), *named])
    forms = abbreviation_expansions(term, hints)
    word_parts = [_with_forms(word_query(w, term.title_only), forms.get(w, []), chars_field) for w in term.words]
    by_words: wq.Query = word_parts[0] if len(word_parts) == 1 else wq.And(word_parts)
    options: list[wq.Query] = [by_words]
    if any(len(w) == 1 and is_han(w) for w in term.words) and len(term.text) > 1:
        # single characters are not indexed as such: the exact string is the only way to them
        cheap = [tokens_query(w, term.title_only) for w in term.words]
        rest = _exact_rest(term.text, chars_field, cheap[0] if len(cheap) == 1 else wq.And(cheap))
        if rest is not None:
            options.append(rest)
    for e in forms.get("", []):
        if (q := form_query(e.form, chars_field)) is not None:
            options.append(q)
    place = hints.place(term.text)
    if place and place[0] != term.text:
        # a short name (榆次) also matches the full name as a word (榆次区 is one token)
        options.append(tokens_query(place[0], term.title_only))
    if place and place[1] and not term.title_only:
        # 榆次区 also finds articles that say 榆次 (or 我区 in its own paper): the region tag
        options.append(wq.Term("regions", place[0]))
    return options[0] if len(options) == 1 else wq.Or(options)


def boost_query(term: Term, hints: QueryHints = NO_HINTS) -> list[wq.Query]:
    """Cheap optional clauses (plain terms) that rank articles *about* the term above
    passing mentions: the term is an official or a region the article is tagged with."""
    out: list[wq.Query] = []
    if hints.official(term.text):
        out.append(wq.Term("leaders", term.text, boost=OFFICIAL_BOOST))
    place = hints.place(term.text)
    if place:
        out.append(wq.Term("regions", place[0], boost=REGION_BOOST))
    return out


def _expanded_chunks(term: Term, hints: QueryHints) -> list[wq.Query]:
    """A term's other forms as whole strings (太原市委 for 中国共产党太原市委员会, 监察委员会主任
    for 监委主任): an article printing one of them holds the term as the reader meant it."""
    fieldname = "title_chars" if term.title_only else "chars"
    out: list[wq.Query | None] = []
    for scope, forms in abbreviation_expansions(term, hints).items():
        for e in forms:
            if not scope:
                out.append(form_query(e.form, fieldname))
            elif not e.form.gapped and scope in term.text:
                out.append(exact_query(term.text.replace(scope, e.form.text, 1), fieldname))
    return [q for q in out if q is not None]


def rerank_queries(parsed: ParsedQuery, hints: QueryHints = NO_HINTS) -> list[wq.Query]:
    """Positional boosts, scored only for the top candidates (phrase matching is costly):
    the term in the headline or lead, and a chunk's words next to each other as typed (or
    as its other forms write it: :mod:`search_app.abbreviations`)."""
    out: list[wq.Query] = []
    for group in parsed.groups:
        for term in group:
            if bigrams_of(term.text) and not is_single_char(term.text):
                # headline + lead: candidates from the text's bigrams, the stored lead decides
                # (a character's one "bigram" is the character standing between punctuation:
                # a rare term whose score would outweigh everything; see search_app.standalone)
                out.append(ExactString("chars", term.text, "lead", boost=LEAD_BOOST))
            if term.exact:
                continue
            adjacent = [exact_query(term.text, "title_chars" if term.title_only else "chars")] \
                if len(term.words) > 1 else []
            for q in [*adjacent, *_expanded_chunks(term, hints)]:
                if q is not None:
                    q.boost = ADJACENCY_BOOST
                    out.append(q)
    return out


def group_query(group: list[Term], hints: QueryHints = NO_HINTS) -> wq.Query:
    """One AND clause of a parsed query: its term, or its OR-ed terms."""
    options = [term_query(t, hints) for t in group]
    return options[0] if len(options) == 1 else wq.Or(options)


def to_whoosh(parsed: ParsedQuery, hints: QueryHints = NO_HINTS) -> wq.Query:
    """The Whoosh query for a parsed query (``Every`` when there are no positive terms);
    see :func:`rerank_queries` for the boosts applied to the top candidates."""
    clauses: list[wq.Query] = []
    boosts: list[wq.Query] = []
    for group in parsed.groups:
        clauses.append(group_query(group, hints))
        for t in group:
            boosts += boost_query(t, hints)
    positive: wq.Query = wq.Every() if not clauses else clauses[0] if len(clauses) == 1 else wq.And(clauses)
    if boosts:
        positive = wq.AndMaybe(positive, wq.Or(boosts))
    if parsed.excluded:
        negative = wq.Or([term_query(t, hints) for t in parsed.excluded])
        return wq.AndNot(positive, negative)
    return positive
