"""One normal form for copy, lexicon aliases and spec labels, with a map back to the original.

Steps: Unicode NFKC (full-width digits and letters become ASCII, ㎞ becomes km), case folding,
traditional -> simplified Chinese (OpenCC t2s, plus a few Japanese variant forms such as 窓),
whitespace collapsed and removed between two CJK characters ("全景天 窗" -> "全景天窗").
Every normalised character remembers the original index it came from, so a match in the
normal form is reported at its place in the text the user wrote.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Japanese shinjitai and other variant forms that OpenCC's t2s leaves alone but copy uses.
VARIANTS = str.maketrans({"窓": "窗", "転": "转", "両": "两", "気": "气", "灯": "灯", "駆": "驱",
                          "価": "价", "図": "图", "帯": "带", "軽": "轻", "経": "经", "検": "检"})
PUNCT = str.maketrans({"–": "-", "—": "-", "―": "-", "−": "-", "～": "~", "・": "·", "•": "·",
                       "﹣": "-", "‐": "-", "‑": "-", "’": "'", "‘": "'", "“": '"', "”": '"'})


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FA1F or 0x3040 <= o <= 0x30FF


@dataclass(frozen=True)
class Normalised:
    text: str
    offsets: tuple[int, ...]  # offsets[i]: index in the original of normalised char i; one extra at the end

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) that normalised [start, end) came from."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1


def _per_char(text: str, offsets: list[int], fn) -> tuple[str, list[int]]:
    out: list[str] = []
    new: list[int] = []
    for ch, off in zip(text, offsets):
        r = fn(ch)
        out.append(r)
        new.extend([off] * len(r))
    return "".join(out), new


def _t2s_convert(text: str) -> str:
    return _t2s().convert(text)


def normalise(text: str) -> Normalised:
    offsets = list(range(len(text)))
    if text.isascii():
        s = text.lower()
    else:
        s = text
        if not unicodedata.is_normalized("NFKC", s):
            s, offsets = _per_char(s, offsets, lambda c: unicodedata.normalize("NFKC", c))
        folded = s.casefold()
        if len(folded) == len(s):
            s = folded
        else:
            s, offsets = _per_char(s, offsets, str.casefold)
        s = s.translate(PUNCT)
        if any(is_cjk(c) for c in s):
            s = s.translate(VARIANTS)
            converted = _t2s_convert(s)
            if len(converted) == len(s):
                s = converted
            else:  # a phrase conversion changed the length: convert char by char instead
                s, offsets = _per_char(s, offsets, lambda c: _t2s_convert(c) if is_cjk(c) else c)
    s, offsets = _squeeze_spaces(s, offsets)
    offsets.append(offsets[-1] + 1 if offsets else 0)
    if len(text) and offsets[-1] > len(text):
        offsets[-1] = len(text)
    return Normalised(s, tuple(offsets))


def _squeeze_spaces(s: str, offsets: list[int]) -> tuple[str, list[int]]:
    if " " not in s and "\t" not in s and "\n" not in s and "\u3000" not in s:
        return s, offsets
    out: list[str] = []
    new: list[int] = []
    n = len(s)
    i = 0
    while i < n:
        ch = s[i]
        if ch.isspace():
            j = i
            while j < n and s[j].isspace():
                j += 1
            prev = out[-1] if out else ""
            nxt = s[j] if j < n else ""
            if prev and nxt and not (is_cjk(prev) and is_cjk(nxt)):
                out.append(" ")
                new.append(offsets[i])
            i = j
            continue
        out.append(ch)
        new.append(offsets[i])
        i += 1
    return "".join(out), new


def norm(text: str) -> str:
    """The normal form alone, for keys and aliases."""
    return normalise(text).text
