"""Plain-text claim files: every paragraph (a run of non-blank lines) is a claim, its text
kept as written so that every offset maps back to the file; ``_block_claim`` is shared with
the Markdown reader.
"""
from __future__ import annotations

from typing import Iterator

from ..model import Claim
from .common import _Defaults, _has_words, _lines, _make, _read_text


def _block_claim(path: str, first: int, lines: list[str], d: _Defaults,
                 kind: str | None = None) -> Claim | None:
    """A claim from consecutive lines (0-based index of the first); text kept as written.

    Trailing blanks of each line are dropped and leading blanks of the block skipped, so the
    text starts at its first visible character; the lines keep their positions, so any offset
    in the text maps back to the file.
    """
    lines = [ln.rstrip() for ln in lines]
    while lines and not lines[0].strip():
        lines.pop(0)
        first += 1
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return None
    lead = len(lines[0]) - len(lines[0].lstrip())
    text = "\n".join(lines)[lead:]
    if not _has_words(text):
        return None
    return _make(path, text, first + 1, lead + 1, d, kind)


def _read_txt(path: str) -> Iterator[Claim]:
    lines = _lines(_read_text(path))
    d = _Defaults()
    block: list[str] = []
    start = 0
    for idx, line in enumerate(lines + [""]):
        if line.strip():
            if not block:
                start = idx
            block.append(line)
        elif block:
            claim = _block_claim(path, start, block, d)
            if claim:
                yield claim
            block = []
