"""One normal form for copy, lexicon aliases and spec labels, with a map back to the original.

Steps: Unicode NFKC (full-width digits and letters become ASCII, ㎞ becomes km), case folding,
traditional -> simplified Chinese (OpenCC t2s, plus a few Japanese variant forms such as 窓),
whitespace collapsed and removed between two CJK characters ("全景天 窗" -> "全景天窗").
Every normalised character remembers the original index it came from, so a match in the
normal form is reported at its place in the text the user wrote.
"""
from __future__ import annotations

import re
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


# OpenCC t2s phrase entries (TSPhrases) whose characters are each left alone by a character
# conversion, but which convert as a phrase ("瞭解" -> "了解", "藉口" -> "借口", "打坏" -> "打坯").
_T2S_PHRASE_ONLY = (
    "一坏 一目瞭然 不瞭解 么麽 二噁英 以免藉口 以功覆過 侔德覆載 傷亡枕藉 凌藉 出醜狼藉 函覆 反反覆覆 反覆 名覆金甌 回覆 土坏 "
    "坏土 坏子 坏布 坏戶 彷彿 憑藉 憑藉着 打坏 找藉口 拉坏 拜覆 捏坏 據瞭解 文錦覆阱 明瞭 明覆 毛坏 沈沒 沈積 沈船 沈默 "
    "滑藉 牴牾 牴觸 狐藉虎威 申覆 發覆 瞭如 瞭如指掌 瞭然 瞭然於心 瞭若指掌 瞭解 瞭解到 磚坏 示覆 稟覆 答覆 篤麼 簡單明瞭 "
    "素藉 脫坏 茵藉 蒜薹 蕓薹 蕩覆 藉代 藉以 藉助 藉助於 藉卉 藉口 藉喻 藉寇兵 藉手 藉據 藉故 藉故推辭 藉方 藉條 藉槁 藉機 "
    "藉此 藉此機會 藉甚 藉由 藉着 藉端 藉端生事 藉箸代籌 藉草枕塊 藉詞 藉讀 藉資 衹得 衹見樹木 覆上 覆住 覆信 覆冒 覆呈 "
    "覆命 覆墓 覆宗 覆帳 覆幬 覆成 覆按 覆文 覆杯 覆校 覆瓿 覆盂 覆育 覆蕉尋鹿 覆逆 覆醢 覆醬瓿 覆電 覆露 覆鹿尋蕉 覆鹿遺蕉 "
    "覆鼎 見覆 貂覆額 買臣覆水 踅門瞭戶 躪藉 醞藉 重覆 鈞覆 鋼坏 鑿坏 陶坏 雁杳魚沈 雖覆能復 電覆 露覆 頗覆 麼些族 傢俱 "
    "鉸鍊 鉅子 鉅萬 鉅防 甚鉅 畢昇 計畫 籌畫 無序"
).split()


@lru_cache(maxsize=1)
def _specials() -> re.Pattern:
    """Punctuation to straighten, variant forms, and characters t2s may change, in one class."""
    body = _t2s_changes().pattern[1:-1]
    return re.compile("[" + _HAS_PUNCT.pattern[1:-1] + _HAS_VARIANT.pattern[1:-1] + body + "]")


@lru_cache(maxsize=1)
def _t2s_changes() -> re.Pattern:
    """Characters the t2s conversion may change: those it converts on their own, those a phrase
    entry converts, and everything outside the BMP. A text without them is left as it is, so
    it skips the conversion call (most copy is written in simplified characters already)."""
    convert = _t2s().convert
    ranges = (range(0x3400, 0xA000), range(0xF900, 0xFB00))
    block = "".join(chr(cp) for r in ranges for cp in r)
    # one call for the whole block, a line per character, so no two characters form a phrase
    out = convert("\n".join(block)).split("\n")
    changes = set()
    if len(out) == len(block):
        changes = {ord(c) for c, o in zip(block, out) if o != c}
    else:  # pragma: no cover - a converter that merges lines: ask character by character
        changes = {ord(c) for c in block if convert(c) != c}
    for phrase in _T2S_PHRASE_ONLY:
        converted = convert(phrase)
        changes.update(ord(a) for a, b in zip(phrase, converted) if a != b)
    return re.compile(f"[{_char_class(changes)}\\U00010000-\\U0010ffff]")


# Fast paths: most copy is already NFKC, has no full-width punctuation, no variant forms and
# single spaces only; each step below runs only when a C-level check says it would change
# something, so a plain sentence costs a few regex searches and no Python loop per character.
_CJK_CLASS = "\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f\u3040-\u30ff"
_HAS_CJK = re.compile(f"[{_CJK_CLASS}]")
_HAS_PUNCT = re.compile("[" + re.escape("".join(chr(c) for c in PUNCT)) + "]")
_HAS_VARIANT = re.compile("[" + "".join(chr(c) for c, v in VARIANTS.items() if chr(c) != v) + "]")
# whitespace that _squeeze_spaces would change: anything but one plain space between two
# characters that are not both CJK (three searches: an alternation with look-arounds is slow)
_ODD_SPACE = re.compile("[" + "".join(re.escape(chr(c)) for c in range(0x3001) if chr(c).isspace() and c != 32) + "]")
_CJK_SPACE_CJK = re.compile(f" (?<=[{_CJK_CLASS}] )(?=[{_CJK_CLASS}])")


def _squeezes(s: str, cjk: bool) -> bool:
    # (every character _ODD_SPACE finds is a separator or a control character, which
    # isprintable() refuses: a printable text, most copy, needs no search)
    return (s[0] == " " or s[-1] == " " or "  " in s or (not s.isprintable() and _ODD_SPACE.search(s) is not None)
            or (cjk and _CJK_SPACE_CJK.search(s) is not None))


# the full-width punctuation of Chinese copy, each with its NFKC form
_FULL_WIDTH_PUNCT = tuple((wide, unicodedata.normalize("NFKC", wide)) for wide in "，：；（）！？")

_IDENTITY: list[tuple[int, ...]] = []
_new = object.__new__


def _char_class(cps) -> str:
    ranges: list[list[int]] = []
    for cp in sorted(cps):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


@lru_cache(maxsize=1)
def _nfkc_tables() -> tuple[re.Pattern, re.Pattern, dict[str, str]]:
    """NFKC char by char, without a Python loop over the text: `multi` finds the chars whose
    NFKC is not exactly one char (㎞ -> km; those need the offset map) and everything outside
    the BMP; `single` finds the chars that NFKC replaces by one other char (full-width
    punctuation, digits and letters), which `table` maps."""
    table: dict[str, str] = {}
    multi: list[int] = []
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        if unicodedata.is_normalized("NFKC", c):
            continue
        n = unicodedata.normalize("NFKC", c)
        if len(n) == 1:
            table[c] = n
        elif n != c:
            multi.append(cp)
    multi_re = re.compile(f"[{_char_class(multi)}\\U00010000-\\U0010ffff]")
    single_re = re.compile(f"[{_char_class(ord(c) for c in table)}]")
    return multi_re, single_re, table


def _identity(n: int) -> tuple[int, ...]:
    """offsets for a text whose normal form has the same length: 0..n (shared, immutable)."""
    if n < 512:
        while len(_IDENTITY) <= n:
            _IDENTITY.append(tuple(range(len(_IDENTITY) + 1)))
        return _IDENTITY[n]
    return tuple(range(n + 1))


def _make(text: str, offsets: tuple[int, ...]) -> "Normalised":
    obj = _new(Normalised)  # a frozen dataclass built without its per-field __setattr__ calls
    d = obj.__dict__
    d["text"] = text
    d["offsets"] = offsets
    return obj


def normalise(text: str) -> Normalised:
    if text.isascii():
        s = text.lower()
        if " " not in s and "\t" not in s and "\n" not in s or not _squeezes(s, False):
            return _make(s, _identity(len(s)))
        return _normalise_slow(text, s, list(range(len(text))))
    s = text
    offsets = None
    if not unicodedata.is_normalized("NFKC", s):
        # full-width punctuation, in nearly every Chinese sentence, is replaced first (each is
        # one char for one char, as the tables below would), so most text needs no table search
        for wide, narrow in _FULL_WIDTH_PUNCT:
            if wide in s:
                s = s.replace(wide, narrow)
        if not unicodedata.is_normalized("NFKC", s):
            multi, single, table = _nfkc_tables()
            if multi.search(s) is None:  # every char maps to one char: replace each kind once
                for c in set(single.findall(s)):
                    s = s.replace(c, table[c])
            else:
                s, offsets = _per_char(s, list(range(len(text))), lambda c: unicodedata.normalize("NFKC", c))
    folded = s.casefold()
    if len(folded) == len(s):
        s = folded
    else:
        s, offsets = _per_char(s, offsets or list(range(len(text))), str.casefold)
    cjk = None  # whether there is CJK text: asked only when a step below needs to know
    if _specials().search(s) is not None:  # one search for the three kinds of change below
        cjk = _HAS_CJK.search(s) is not None
        if _HAS_PUNCT.search(s) is not None:
            s = s.translate(PUNCT)
        if cjk:
            if _HAS_VARIANT.search(s) is not None:
                s = s.translate(VARIANTS)
            converted = _t2s_convert(s) if _t2s_changes().search(s) is not None else s
            if len(converted) == len(s):
                s = converted
            else:  # a phrase conversion changed the length: convert char by char instead
                s, offsets = _per_char(s, offsets or list(range(len(text))),
                                       lambda c: _t2s_convert(c) if is_cjk(c) else c)
    if offsets is None and (" " not in s and "\t" not in s and "\n" not in s and "\u3000" not in s
                            or not _squeezes(s, cjk if cjk is not None else _HAS_CJK.search(s) is not None)):
        return _make(s, _identity(len(s)))
    return _normalise_slow(text, s, offsets if offsets is not None else list(range(len(text))))


def _normalise_slow(text: str, s: str, offsets: list[int]) -> Normalised:
    s, offsets = _squeeze_spaces(s, offsets)
    offsets.append(offsets[-1] + 1 if offsets else 0)
    if len(text) and offsets[-1] > len(text):
        offsets[-1] = len(text)
    return _make(s, tuple(offsets))


_SPACE_RUN = re.compile(r"\s+")  # \s is str.isspace(): the same characters


def _squeeze_spaces(s: str, offsets: list[int]) -> tuple[str, list[int]]:
    """Runs of whitespace become one space, or none at either end and between two CJK
    characters; offsets follow. Copied a run of text at a time, not a character at a time."""
    if " " not in s and "\t" not in s and "\n" not in s and "\u3000" not in s:
        return s, offsets
    out: list[str] = []
    new: list[int] = []
    n = len(s)
    pos = 0
    for m in _SPACE_RUN.finditer(s):
        i, j = m.span()
        if i > pos:
            out.append(s[pos:i])
            new.extend(offsets[pos:i])
        prev = out[-1][-1] if out else ""
        nxt = s[j] if j < n else ""
        if prev and nxt and not (is_cjk(prev) and is_cjk(nxt)):
            out.append(" ")
            new.append(offsets[i])
        pos = j
    if pos < n:
        out.append(s[pos:])
        new.extend(offsets[pos:])
    return "".join(out), new


def norm(text: str) -> str:
    """The normal form alone, for keys and aliases."""
    return normalise(text).text
