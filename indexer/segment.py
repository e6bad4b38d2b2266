"""The one place where jieba is loaded.

jieba's module-level default tokenizer is global state that loads lazily on first use
and cannot be told apart from other configurations. jinbao instead builds one
``jieba.Tokenizer`` explicitly, with the user dictionary the index was built with
(gazetteer names, officials), via :func:`configure`, and the analyzers look it up
with :func:`current`. Indexing and querying therefore segment text the same way.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import jieba
import numpy as np

from . import normalize

_lock = threading.Lock()
_current: Segmenter | None = None


MAX_NATIVE_ENDS = 12
"""jieba-next's native DAG keeps at most this many word ends per position."""


class NativeRouteTokenizer(jieba.Tokenizer):
    """jieba 0.42.1's own tokenizer — dictionary, ``add_word``/``suggest_freq``, the block
    loop of ``cut``, ``tokenize``, the HMM for unknown runs — with only each block's word
    graph and best route (``get_DAG`` + ``calc``, most of jieba's time) computed natively by
    jieba-next's ``PrefixDict``, which breaks ties as jieba does (the largest end).

    Why not jieba-next's own ``cut``: it differs from jieba on some texts; this keeps every
    other step jieba's. :func:`native_route_available` says when it may be used (installed,
    and no entry of the dictionary has more word prefixes than the native graph keeps);
    tests assert it gives jieba's tokens on the sample, development and bench pages."""

    def initialize(self, dictionary=None):
        super().initialize(dictionary)
        self._prefix_dict = None

    def add_word(self, word, freq=None, tag=None):
        super().add_word(word, freq, tag)
        self._prefix_dict = None  # rebuilt on the next cut

    def warm(self):
        """The native word graph for the dictionary as it is now (built once; rebuilt after
        ``add_word``). Called before forking workers, so that they share one copy (~60 MB,
        ~0.4 s) instead of each building its own at its first cut."""
        pd = getattr(self, "_prefix_dict", None)
        if pd is None:
            from jieba_next import jieba_next_rust

            self.check_initialized()
            pd = self._prefix_dict = jieba_next_rust.PrefixDict(self.FREQ, float(self.total))
        return pd

    def _route(self, sentence: str) -> list[int]:
        return self.warm().get_dag_and_calc(sentence)

    def _Tokenizer__cut_DAG(self, sentence: str):  # jieba 0.42.1's __cut_DAG, route from _route
        route = self._route(sentence)
        x, n, buf = 0, len(sentence), ""
        while x < n:
            y = route[x] + 1
            word = sentence[x:y]
            if y - x == 1:
                buf += word
            else:
                if buf:
                    yield from self._single_characters(buf)
                    buf = ""
                yield word
            x = y
        if buf:
            yield from self._single_characters(buf)

    def _single_characters(self, buf: str):
        """A run of one-character words, as jieba yields it: the HMM finds words in a run
        that is not itself a dictionary entry."""
        if len(buf) == 1:
            yield buf
        elif not self.FREQ.get(buf):
            yield from jieba.finalseg.cut(buf)
        else:
            yield from buf


def native_route_available(tokenizer: jieba.Tokenizer | None = None) -> bool:
    """jieba-next is installed and (for ``tokenizer``) its dictionary has no entry with more
    than :data:`MAX_NATIVE_ENDS` word prefixes (only entries longer than that can)."""
    try:
        from jieba_next import jieba_next_rust  # noqa: F401
    except ImportError:
        return False
    if tokenizer is None:
        return True
    freq = tokenizer.FREQ
    return all(sum(1 for i in range(1, len(k) + 1) if freq.get(k[:i])) <= MAX_NATIVE_ENDS
               for k in freq if len(k) > MAX_NATIVE_ENDS)


class FrozenFreq:
    """jieba's dictionary (``Tokenizer.FREQ``: word or word prefix -> frequency) read from two
    memory-mapped arrays — the keys as sorted UTF-8 (code point order), their frequencies —
    with the index's own words in a small dict on top.

    Why: building jieba's dict of ~500,000 entries costs a server 1.2–1.5 s at start, most of
    its first answer, and a server only segments queries (and an article for more-like-this).
    It answers exactly the three questions jieba's route asks (``in``, ``[]``, ``get``), ~5 µs a
    lookup, and takes ``add_word``'s writes, so the tokens are jieba's (tested)."""

    def __init__(self, keys: np.ndarray, freqs: np.ndarray) -> None:
        self.keys, self.freqs = keys, freqs
        self.overlay: dict[str, int] = {}

    def _base(self, word: str) -> int | None:
        key = word.encode("utf-8")
        i = int(np.searchsorted(self.keys, key))
        return int(self.freqs[i]) if i < len(self.keys) and self.keys[i] == key else None

    def get(self, word: str, default: int | None = None) -> int | None:
        found = self.overlay.get(word)
        if found is None:
            found = self._base(word)
        return default if found is None else found

    def __contains__(self, word: str) -> bool:
        return word in self.overlay or self._base(word) is not None

    def __getitem__(self, word: str) -> int:
        found = self.get(word)
        if found is None:
            raise KeyError(word)
        return found

    def __setitem__(self, word: str, freq: int) -> None:
        self.overlay[word] = freq


def _dictionary_source() -> str:
    """Which jieba dictionary a frozen copy was made from (version and dict.txt size)."""
    path = Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME)
    return f"{jieba.__version__}:{path.stat().st_size if path.exists() else 0}"


def write_base(folder: Path) -> None:
    """Freeze jieba's own dictionary (before any user word) into ``folder``, once."""
    if load_base(folder) is not None:
        return
    tok = jieba.Tokenizer()
    tok.initialize()
    words = list(tok.FREQ)
    encoded = [w.encode("utf-8") for w in words]
    keys = np.array(encoded, dtype=f"S{max(map(len, encoded))}")
    order = np.argsort(keys, kind="stable")
    freqs = np.fromiter((tok.FREQ[w] for w in words), dtype=np.int64, count=len(words))
    tmp = folder.with_name(f"{folder.name}.tmp{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    np.save(tmp / "keys.npy", keys[order], allow_pickle=False)
    np.save(tmp / "freqs.npy", freqs[order], allow_pickle=False)
    (tmp / "base.json").write_text(json.dumps({"total": tok.total, "source": _dictionary_source()}), encoding="utf-8")
    if folder.exists():
        shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)


def load_base(folder: Path) -> tuple[FrozenFreq, int] | None:
    """The frozen dictionary and its total, if ``folder`` holds one of this jieba's."""
    try:
        meta = json.loads((folder / "base.json").read_text(encoding="utf-8"))
        if meta.get("source") != _dictionary_source():
            return None
        keys = np.load(folder / "keys.npy", mmap_mode="r", allow_pickle=False)
        freqs = np.load(folder / "freqs.npy", mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError, AttributeError):
        return None
    if len(keys) != len(freqs):
        return None
    return FrozenFreq(keys, freqs), int(meta["total"])


class Segmenter:
    """A configured jieba tokenizer plus the fingerprint of its user dictionary.

    Each user word is added with a frequency high enough that jieba cuts it whole
    (``max(suggest_freq, 1000)``), computed once — when the word first joins an index's
    dictionary — and kept with it (:attr:`freqs`, written to the index's ``userdict.txt``): the
    frequency ``suggest_freq`` gives depends on the words added before, so a server or a later
    run that recomputed them could cut text differently from the run that indexed it, and
    recomputing thousands costs seconds at start-up."""

    def __init__(self, user_words: Iterable[str] | Mapping[str, int | None] = (), native: bool = False,
                 base: Path | None = None) -> None:
        given = dict(user_words) if isinstance(user_words, Mapping) else {w: None for w in user_words}
        known = {w.strip(): f for w, f in given.items() if w and w.strip()}
        jieba.setLogLevel(logging.WARNING)
        self._tokenizer = NativeRouteTokenizer() if native and native_route_available() else jieba.Tokenizer()
        # a server (``base``: a frozen dictionary) whose words all come with their frequencies
        # needs no dictionary build; anything else (the indexer, suggest_freq) uses jieba's own
        frozen = load_base(base) if base is not None and not native and \
            all(f is not None for f in known.values()) else None
        if frozen is not None:
            self._tokenizer.FREQ, self._tokenizer.total = frozen
            self._tokenizer.initialized = True
        else:
            self._tokenizer.initialize()
        self.freqs: dict[str, int] = {}
        for word in sorted(w for w, f in known.items() if f is not None):  # (order-free: fixed frequencies)
            self._add(word, known[word])
        for word in sorted(w for w, f in known.items() if f is None):
            self._add(word, None)
        self.user_words = sorted(self.freqs)
        self.fingerprint = self.fingerprint_of(self.user_words)
        self._check_native(self.user_words)

    def _check_native(self, added: Iterable[str]) -> None:
        """Back to jieba's own route when a word made the native graph too small (see
        :func:`native_route_available`); the class swap keeps the dictionary as it is."""
        if isinstance(self._tokenizer, NativeRouteTokenizer) and any(len(w) > MAX_NATIVE_ENDS for w in added) \
                and not native_route_available(self._tokenizer):
            self._tokenizer.__class__ = jieba.Tokenizer

    @property
    def native(self) -> bool:
        """Whether each block's route is computed by jieba-next (same tokens, ~2.5× faster)."""
        return isinstance(self._tokenizer, NativeRouteTokenizer)

    def _add(self, word: str, freq: int | None) -> None:
        if freq is None:
            freq = max(self._tokenizer.suggest_freq(word), 1000)
        self._tokenizer.add_word(word, freq=freq)
        self.freqs[word] = freq

    @staticmethod
    def fingerprint_of(user_words: Iterable[str]) -> str:
        words = sorted({w.strip() for w in user_words if w and w.strip()})
        return hashlib.sha256("\n".join(words).encode("utf-8")).hexdigest()[:16]

    def warm(self) -> None:
        """Build what the first cut would build (the native route's graph) now: before a fork."""
        if isinstance(self._tokenizer, NativeRouteTokenizer):
            self._tokenizer.warm()

    @property
    def jieba(self) -> jieba.Tokenizer:
        """The underlying jieba tokenizer (for POS tagging in the extractors)."""
        return self._tokenizer

    def add_words(self, words: Iterable[str] | Mapping[str, int | None]) -> list[str]:
        """Add words to the live dictionary (new officials found while indexing; a newer
        dictionary's words with their frequencies); returns those added."""
        given = dict(words) if isinstance(words, Mapping) else {w: None for w in words}
        added = []
        for word in sorted({w.strip() for w in given if w and w.strip()} - self.freqs.keys()):
            self._add(word, given.get(word))
            added.append(word)
        if added:
            self.user_words = sorted(self.freqs)
            self.fingerprint = self.fingerprint_of(self.user_words)
            self._check_native(added)
        return added

    def tokenize(self, text: str) -> Iterator[tuple[str, int, int]]:
        """(word, start, end) for every segment of ``text``, offsets into ``text``."""
        return self._tokenizer.tokenize(text, HMM=True)

    def words(self, text: str) -> list[str]:
        """The words of ``text`` (the words :meth:`tokenize` gives, without offsets)."""
        return self._tokenizer.lcut(text, HMM=True)

    def cut(self, text: str) -> list[str]:
        return [w for w, _, _ in self.tokenize(text)]


def configure(user_words: Iterable[str] | Mapping[str, int | None] = (), native: bool = False,
              base: Path | None = None) -> Segmenter:
    """Build the process-wide segmenter (replacing any earlier one) and return it; ``native``:
    with jieba-next's route where available (the indexer's choice: it segments whole archives)."""
    global _current
    normalize.load_tables()
    segmenter = Segmenter(user_words, native=native, base=base)
    with _lock:
        _current = segmenter
    return segmenter


def ensure(user_words: Iterable[str] | Mapping[str, int | None], native: bool = False,
           base: Path | None = None) -> Segmenter:
    """The process-wide segmenter with at least ``user_words`` in its dictionary: loads
    jieba the first time (from the frozen copy in ``base`` where it can), afterwards only
    adds missing words (cheap)."""
    if _current is None:
        return configure(user_words, native=native, base=base)
    _current.add_words(user_words)
    return _current


def current() -> Segmenter:
    """The configured segmenter; raises if :func:`configure` was never called."""
    if _current is None:
        raise RuntimeError("jieba is not configured: call indexer.segment.configure() first")
    return _current


def is_configured(fingerprint: str | None = None) -> bool:
    return _current is not None and (fingerprint is None or _current.fingerprint == fingerprint)
