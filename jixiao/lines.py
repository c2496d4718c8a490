"""Messages of one line: a file's reason in `sources.error`, a log line. A
light module (the CLI imports it before anything heavy)."""
from __future__ import annotations


def escaped(text: str) -> str:
    """Text for one line of a log: control characters (a newline in a file
    name) shown escaped, so that they can't forge a line."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def one_line(exc: BaseException) -> str:
    msg = " ".join(str(exc).split()) or exc.__class__.__name__
    return f"{exc.__class__.__name__}: {msg}"[:300]
