"""Decode page files whatever encoding the scanner or the operator saved them in.

Archives collected over years mix UTF-8 (with and without BOM) and the GB family
(GBK/GB18030) that Chinese Windows tools still write. We try the strict decoders in
order, accept UTF-8 with a few corrupt bytes (replaced by U+FFFD and reported, so one
bad byte doesn't lose a page), and refuse binary junk instead of indexing mojibake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MAX_PAGE_BYTES = 2 * 1024 * 1024
"""A newspaper page is ~5–30 KB of text (the largest seen ~100 KB); 2 MB is twenty times that,
so a larger file is a dump or a mistake, not a page."""
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(text: str) -> tuple[str, int]:
    """C0 control characters other than tab, line feed and carriage return (and DEL) removed:
    they are no text and make XML (feeds, OpenSearch) invalid. Returns (text, how many)."""
    cleaned, count = CONTROL_RE.subn("", text)
    return cleaned, count
MAX_BAD_BYTE_SHARE = 0.01
"""UTF-8 files with at most this share of undecodable bytes are read with replacements."""


class PageReadError(ValueError):
    """A page file that cannot be read as text; the message says why."""


@dataclass
class DecodedPage:
    text: str
    encoding: str
    warning: str | None = None  # something was repaired (reported, page still indexed)


def decode_page(data: bytes) -> DecodedPage:
    """Decode the raw bytes of a page file; raises :class:`PageReadError` for binary or junk.
    Control characters are removed and reported (:func:`strip_controls`)."""
    page = _decode(data)
    text, controls = strip_controls(page.text)
    if controls:
        note = f"{controls} control character(s) removed"
        page = DecodedPage(text, page.encoding, f"{page.warning}; {note}" if page.warning else note)
    return page


def _decode(data: bytes) -> DecodedPage:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return DecodedPage(data.decode("utf-16"), "utf-16")  # the BOM says which byte order
        except UnicodeDecodeError as exc:
            raise PageReadError(f"UTF-16 (byte-order mark) but not valid UTF-16 at byte {exc.start}") from exc
    if b"\x00" in data[:4096]:
        raise PageReadError("binary file (contains NUL bytes; UTF-16 text needs a byte-order mark), not a text page")
    body, encoding = (data[3:], "utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else (data, "utf-8")
    try:
        return DecodedPage(body.decode("utf-8"), encoding)
    except UnicodeDecodeError as utf8_error:
        first_bad = utf8_error.start + (3 if encoding == "utf-8-sig" else 0)
    # mostly valid UTF-8 with a few corrupt bytes: repair (GB18030 text fails UTF-8 everywhere)
    repaired = body.decode("utf-8", errors="replace")
    bad = repaired.count("\ufffd")
    if bad <= max(8, len(body) * MAX_BAD_BYTE_SHARE) and _looks_like_chinese(repaired.replace("\ufffd", "")):
        return DecodedPage(repaired, encoding,
                           f"invalid UTF-8 at byte {first_bad} ({bad} bad sequence(s) replaced by U+FFFD)")
    if encoding == "utf-8":
        try:
            text = data.decode("gb18030")
            if _looks_like_chinese(text):
                return DecodedPage(text, "gb18030")
        except UnicodeDecodeError:
            pass
    raise PageReadError(f"neither UTF-8 (bad byte at offset {first_bad}) nor GB18030 text")


def _looks_like_chinese(text: str) -> bool:
    """GB18030 decodes almost any byte string; accept it only when most letters are common Han."""
    letters = [c for c in text if not c.isspace() and not c.isascii()]
    if not letters:
        return True
    common = sum(1 for c in letters if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"
                 or c in "“”‘’—…·")
    return common / len(letters) >= 0.9


def read_page(path: Path) -> DecodedPage:
    """Read and decode one page file; errors name the reason (the caller adds the path)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise PageReadError("file disappeared before it could be read") from None
    except OSError as exc:
        raise PageReadError(f"cannot stat: {exc.strerror or exc}") from exc
    if size > MAX_PAGE_BYTES:
        raise PageReadError(f"file too large for a page ({size} bytes > {MAX_PAGE_BYTES})")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PageReadError("file disappeared before it could be read") from None
    except OSError as exc:
        raise PageReadError(f"cannot read: {exc.strerror or exc}") from exc
    page = decode_page(data)
    if not page.text.strip():
        raise PageReadError("empty page (no text)")
    return page
