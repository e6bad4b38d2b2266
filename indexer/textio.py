"""Decode page files whatever encoding the scanner or the operator saved them in.

Archives collected over years mix UTF-8 (with and without BOM) and the GB family
(GBK/GB18030) that Chinese Windows tools still write. We try the strict decoders in
order and refuse binary junk instead of indexing mojibake.
"""

from __future__ import annotations

from pathlib import Path

MAX_PAGE_BYTES = 8 * 1024 * 1024
"""A newspaper page is ~5–30 KB of text; anything far larger is not a page."""


class PageReadError(ValueError):
    """A page file that cannot be read as text; the message says why."""


def decode_page(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)`` for the raw bytes of a page file.

    Raises :class:`PageReadError` for binary data or undecodable bytes.
    """
    if b"\x00" in data[:4096]:
        raise PageReadError("binary file (contains NUL bytes), not a text page")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise PageReadError(f"invalid UTF-8 after BOM at byte {exc.start + 3}") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise PageReadError(
                f"neither UTF-8 (bad byte at offset {utf8_error.start}) nor GB18030"
            ) from utf8_error
        if _looks_like_chinese(text):
            return text, "gb18030"
        raise PageReadError(
            f"invalid UTF-8 at byte offset {utf8_error.start} and not plausible GB18030 text"
        ) from utf8_error


def _looks_like_chinese(text: str) -> bool:
    """GB18030 decodes almost any byte string; accept it only when most letters are common Han."""
    letters = [c for c in text if not c.isspace() and not c.isascii()]
    if not letters:
        return True
    common = sum(1 for c in letters if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef")
    return common / len(letters) >= 0.9


def read_page(path: Path) -> tuple[str, str]:
    """Read and decode one page file; errors name the reason (the caller adds the path)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PageReadError(f"cannot stat: {exc.strerror or exc}") from exc
    if size > MAX_PAGE_BYTES:
        raise PageReadError(f"file too large for a page ({size} bytes > {MAX_PAGE_BYTES})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PageReadError(f"cannot read: {exc.strerror or exc}") from exc
    return decode_page(data)
