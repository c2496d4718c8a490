"""jieba's tokenizer with its whole dictionary, loaded a first character at a time.

jieba reads its prefix dictionary (half a million entries) into one dict
before the first cut: 0.3-0.7 s in every process, for the few dozen header
cells a file holds. A cut only ever looks up substrings of the sentence, and
each lookup starts with the substring's first character. So the dictionary is
kept as one marshalled block per first character (cached on disk once, built
from jieba's own dict.txt) and a block is unpacked when a sentence first needs
it. Every lookup returns what jieba's own table holds, and the total the
probabilities divide by is jieba's, so every cut is the cut jieba makes.
"""
from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jieba is imported on the first cut (`_jieba`): 30-40 ms a process
    import jieba


def _jieba() -> Any:
    """jieba, imported without setuptools' pkg_resources: jieba imports it
    only to open its own data files, and opens them itself where it is
    missing (the same files). pkg_resources' import is most of jieba's:
    70 ms in every process, for nothing."""
    if "jieba" not in sys.modules and "pkg_resources" not in sys.modules:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # `import pkg_resources` raises ImportError
        try:
            import jieba
        finally:
            del sys.modules["pkg_resources"]
    import jieba

    return jieba


class LazyFreq:
    """The mapping jieba's Tokenizer reads as FREQ (`in`, `[]`, `get`, and
    `[]=` from add_word), filled one first character at a time."""

    def __init__(self, blocks: dict[str, bytes]):
        self._blocks = blocks
        self._open: dict[str, dict[str, int]] = {}

    def _block(self, key: str) -> dict[str, int]:
        ch = key[:1]
        d = self._open.get(ch)
        if d is None:
            packed = self._blocks.get(ch)
            d = self._open[ch] = marshal.loads(packed) if packed else {}
        return d

    def __contains__(self, key: str) -> bool:
        return key in self._block(key)

    def __getitem__(self, key: str) -> int:
        return self._block(key)[key]

    def get(self, key: str, default: int | None = None) -> int | None:
        return self._block(key).get(key, default)

    def __setitem__(self, key: str, freq: int) -> None:
        self._block(key)[key] = freq


def _cache_dir() -> Path:
    """JIXIAO_CACHE_DIR, else the user's cache folder (XDG) / jixiao, else (no
    home at all: a service account) the temporary folder."""
    if os.environ.get("JIXIAO_CACHE_DIR"):
        return Path(os.environ["JIXIAO_CACHE_DIR"])
    try:
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "jixiao"
    except (RuntimeError, KeyError):
        return Path(tempfile.gettempdir()) / "jixiao"


def _build(tok: jieba.Tokenizer) -> bytes:
    freq, total = tok.gen_pfdict(tok.get_dict_file())
    blocks: dict[str, dict[str, int]] = {}
    for word, n in freq.items():
        blocks.setdefault(word[:1], {})[word] = n
    return marshal.dumps((total, {ch: marshal.dumps(d) for ch, d in blocks.items()}))


def _dictionary(tok: jieba.Tokenizer) -> tuple[int, dict[str, bytes]]:
    """(total, blocks) of jieba's default dictionary: from the cache, or built
    and cached (written to a temporary file and renamed, so two processes
    building at once never read half a file). An unwritable cache only costs
    the build."""
    with tok.get_dict_file() as fh:
        key = hashlib.sha256(fh.read()).hexdigest()[:16]
    jieba = _jieba()
    path = _cache_dir() / f"jieba-{jieba.__version__}-{key}.marshal"
    try:
        return _unpack(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    data = _build(tok)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except OSError:
        pass
    return _unpack(data)


def _unpack(data: bytes) -> tuple[int, dict[str, bytes]]:
    """(total, blocks) from a cache file's bytes; ValueError for anything else."""
    got = marshal.loads(data)
    if not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[0], int) and isinstance(got[1], dict)):
        raise ValueError("not a jixiao jieba cache")
    return got[0], got[1]


def tokenizer(words: list[str] | tuple[str, ...] = (), freq: int = 200000) -> jieba.Tokenizer:
    """A jieba Tokenizer over the default dictionary, loaded lazily, with
    `words` added at `freq` (as `add_word` adds them)."""
    jieba = _jieba()
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    total, blocks = _dictionary(tok)
    tok.FREQ, tok.total, tok.initialized = LazyFreq(blocks), total, True
    for w in words:
        tok.add_word(w, freq=freq)
    return tok
