"""Finding feature mentions: one multi-pattern scan, then a fuzzy pass for typos.

The exact stage is a leftmost-longest Aho-Corasick scan over the normalised sentence (a
compiled, character-wise double-array automaton from daachorse, see automaton.py: the cost
grows with the text, not with the number of aliases). Latin aliases must sit on word boundaries, which is
checked on the matches only (`\\b` fails beside CJK).

The fuzzy stage does no Python work per character: one more compiled automaton finds, in one
call per sentence, the pieces that can anchor a typo, and only those are verified.

* Pigeonhole pieces: an alias that allows k edits is cut into k+1 pieces, one of which a typo
  leaves intact; around an intact piece the alias's left and right parts are aligned with the
  text next to it (rapidfuzz edit distances with a cut-off, after a one-call lower bound that
  rejects most pieces, and word-boundary checks first for Latin aliases).
* A short Chinese alias (3-5 characters) allows one same-sounding character and nothing else:
  its halves are pieces, and the other half is looked up by its sound (天慕 sounds as 天幕);
  when it has too few characters for halves, its typos themselves (each character replaced by
  the common characters that sound the same) are patterns.
* Text inside exact mentions is blanked out for the piece scan, and the longer aliases an exact
  mention is part of are tried from the mention itself: "panoramc sunroof" around "sunroof".

A fuzzy window loses to an exact mention it overlaps, unless the mention lies inside it and the
rest of the window carries the typo (see _blocked); a window that is as close to another
feature's alias is not a mention at all, nor is another form of a word ("drive" for "driver").
For Chinese, a wrong character that sounds the same (天慕 for 天幕, the usual input-method typo)
costs half an edit, so it wins over a confusable that differs by a different-sounding one.
"""
from __future__ import annotations

import re
from collections.abc import Container
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Hamming, Levenshtein

from .automaton import leftmost_longest, overlapping
from .model import Hit  # not defined here: the compiled copy (speedups.py) must make the same class
from .normalise import _HAS_CJK, is_cjk  # _HAS_CJK: the ranges of is_cjk, as one regex


_new = object.__new__


def _hit(feature_id: str, start: int, end: int, alias: str, score: float, method: str) -> Hit:
    """Hit(...) without the six frozen-dataclass __setattr__ calls (the exact scan's hot path;
    here, not in model.py, so that it is compiled with the scan)."""
    h = _new(Hit)
    d = h.__dict__
    d["feature_id"] = feature_id
    d["start"] = start
    d["end"] = end
    d["alias"] = alias
    d["score"] = score
    d["method"] = method
    return h


_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _is_word(ch: str) -> bool:
    return ch in _WORD


def _plural_ok(text: str, end: int) -> bool:
    # allow a plural: "sunroofs", "heated seats" for "heated seat"
    rest = text[end:end + 3]
    for suffix in ("es", "s"):
        if rest.startswith(suffix) and (len(rest) == len(suffix) or rest[len(suffix)] not in _WORD):
            return True
    return False


def _left_ok(text: str, start: int, alias: str) -> bool:
    return not (alias[0] in _WORD and start > 0 and text[start - 1] in _WORD)


def _right_ok(text: str, end: int, alias: str) -> bool:
    if alias[-1] in _WORD and end < len(text) and text[end] in _WORD:
        return _plural_ok(text, end)
    return True


def _boundary_ok(text: str, start: int, end: int, alias: str) -> bool:
    return _left_ok(text, start, alias) and _right_ok(text, end, alias)


# -- sounds -----------------------------------------------------------------------------------

_TONES = str.maketrans({"ā": "a", "á": "a", "ǎ": "a", "à": "a", "ē": "e", "é": "e", "ě": "e", "è": "e",
                        "ī": "i", "í": "i", "ǐ": "i", "ì": "i", "ō": "o", "ó": "o", "ǒ": "o", "ò": "o",
                        "ū": "u", "ú": "u", "ǔ": "u", "ù": "u", "ǖ": "v", "ǘ": "v", "ǚ": "v", "ǜ": "v",
                        "ü": "v", "ḿ": "m", "ń": "n", "ň": "n", "ǹ": "n", "ê": "e", "ế": "e", "ề": "e",
                        "\u0304": None, "\u0301": None, "\u030c": None, "\u0300": None})


@lru_cache(maxsize=1)
def _sound_table() -> dict[str, str]:
    """Every Chinese character -> its first reading without tone (pypinyin's table, read once)."""
    return {chr(cp): v.split(",", 1)[0].translate(_TONES) for cp, v in _pinyin_dict().items()}


def _pinyin_dict() -> dict[int, str]:
    # pypinyin's character table alone: importing the package also loads its phrase
    # dictionary and trains a segmenter (~0.3 s per process), which a character lookup does not need
    import importlib.util
    import os

    try:
        spec = importlib.util.find_spec("pypinyin")
        path = os.path.join(list(spec.submodule_search_locations)[0], "pinyin_dict.py")
        module_spec = importlib.util.spec_from_file_location("_specaudit_pinyin_dict", path)
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
        return module.pinyin_dict
    except Exception:  # pragma: no cover - a different pypinyin layout: the ordinary import
        try:
            from pypinyin.pinyin_dict import pinyin_dict
        except ImportError:
            return {}
        return pinyin_dict


@lru_cache(maxsize=1)
def _common_homophones() -> dict[str, tuple[str, ...]]:
    """reading -> the common characters (GB2312 level 1) that have it: an input method's first offers."""
    out: dict[str, list[str]] = {}
    for ch, sound in _sound_table().items():
        try:
            code = ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if 0xB0 <= code[0] <= 0xD7:  # level 1: the 3,755 common characters an input method offers first
            out.setdefault(sound, []).append(ch)
    return {s: tuple(sorted(chars)) for s, chars in out.items()}


@lru_cache(maxsize=8192)
def _pinyin(ch: str) -> str:
    sound = _sound_table().get(ch)
    if sound is not None:
        return sound
    try:
        from pypinyin import lazy_pinyin
    except ImportError:  # pragma: no cover - pypinyin is a declared dependency
        return ch
    return lazy_pinyin(ch)[0]


@lru_cache(maxsize=1)
def _sound_keys() -> dict[int, str]:
    """A str.translate table: each Chinese character to its reading, marked off."""
    return {ord(ch): "\x02" + sound + "\x03" for ch, sound in _sound_table().items() if is_cjk(ch)}


def _sound_key(text: str) -> str:
    """Chinese characters by their reading, everything else as written: 天慕 and 天幕 alike."""
    return text.translate(_sound_keys())


def _same_sound(a: str, b: str) -> bool:
    return is_cjk(a) and is_cjk(b) and _pinyin(a) == _pinyin(b)


def _substitution_cost(alias: str, window: str) -> float:
    """Equal lengths: 1 per differing character, 0.5 when both are Chinese and sound the same."""
    cost = 0.0
    for a, b in zip(alias, window):
        if a != b:
            cost += 0.5 if _same_sound(a, b) else 1.0
    return cost


def _edit_cost(alias: str, window: str) -> float:
    """Levenshtein distance where a same-sounding Chinese character costs half an edit."""
    d = float(Levenshtein.distance(alias, window))
    if len(alias) == len(window) and d > 0:
        return min(d, _substitution_cost(alias, window))
    return d


def max_edits(alias: str) -> float:
    """How far a typo may stray: none for short aliases, more for long ones."""
    letters = alias.replace(" ", "")
    if any(map(str.isdigit, letters)):
        return 0.0  # "800V" is not "1000V": figures inside names are never approximate
    if _HAS_CJK.search(letters) is not None:
        n = len(letters)
        return 0.0 if n < 3 else 0.5 if n < 6 else 1.0
    n = len(letters)
    # an edit in a short English word makes another word ("width" -> "with")
    return 0.0 if n < 6 else 1.0 if n < 12 else 2.0


def plausible_typo(alias: str, window: str) -> bool:
    """A fuzzy window must look like a slip on the alias, not like other words: the same script,
    and for a phrase the same first letters of the first and last words ("available now" is not
    "available on")."""
    if alias.isascii() != window.isascii():
        return False
    words_a, words_w = alias.split(), window.split()
    if alias.isascii() and words_a and words_w and words_a[0][:1] != words_w[0][:1]:
        return False  # a typo seldom hits the first letter; "bridge" is not "fridge"
    if len(words_a) >= 2:
        if len(words_w) < 2:
            return False
        # first letters, not two: a dropped second letter ("lka uard", "snse fast") is a slip
        if words_a[0][:1] != words_w[0][:1] or words_a[-1][:1] != words_w[-1][:1]:
            return False
        if len(words_a) == len(words_w):
            # a short word edited is another word ("top speed" -> "to speed")
            if any(a != w and len(a) < 4 for a, w in zip(words_a, words_w)):
                return False
    return True


def _anchors(alias: str, offset: int, length: int, k: int) -> tuple | None:
    """The letters plausible_typo requires of a window, placed relative to a piece of `alias`
    (offset, length): the first letter of a Latin alias or of a phrase, and the first letter of
    a phrase's last word (with the space before it). Each is (the text to find, where it would
    be with no edit: from the piece's start (True) or end (False), and that distance). Only the
    ones outside the piece are kept: the piece is intact, so the others are there. None when
    there are none, so the scan skips the check at once; else a chain (needle, from the start?,
    shift, k + its length, the next anchor or None). k: the alias's whole edits."""
    out = []
    words = alias.split()
    if not words or alias != alias.strip():
        return None
    if (alias.isascii() or len(words) >= 2) and offset > 0:
        out.append((alias[0], True, -offset))  # the window's first letter, before the piece
    if len(words) >= 2:
        last = alias.rfind(" ") + 1
        if last < offset:
            out.append((" " + alias[last], True, last - 1 - offset))
        elif last >= offset + length:
            out.append((" " + alias[last], False, last - 1 - (offset + length)))
        elif last == offset:  # the piece starts with the last word: the space before it
            out.append((" " + alias[last], True, -1))
    if not out:
        return None
    # the first, unpacked for the scan's inline check: needle, from the start?, shift, how far
    # past its place it may start (k) plus its length; then the rest, or None
    anchors = None
    for needle, from_start, shift in reversed(out):
        anchors = (needle, from_start, shift, k + len(needle), anchors)
    return anchors


def _piece_entry(alias_info: tuple, ai: int, offset: int, kind: int, length: int) -> tuple:
    """What the fuzzy scan needs of a piece of one alias (see MentionIndex._pieces)."""
    alias, _, K, word_start, word_end = alias_info
    anchors = _anchors(alias, offset, length, K)
    needle, from_start, shift, reach, more = anchors if anchors is not None else (None, True, 0, 0, None)
    return (needle, from_start, shift, reach, more, K,
            (kind, ai, alias, offset, alias[:offset], alias[offset + length:], word_start, word_end))


def _by_length(table: dict[str, list]) -> tuple[tuple[int, dict[str, list]], ...]:
    """{characters: parents} split by the length of the characters, longest first."""
    lengths = sorted({len(key) for key in table}, reverse=True)
    return tuple((n, {key: v for key, v in table.items() if len(key) == n}) for n in lengths)


def _fits(text: str, anchors: tuple, pstart: int, pend: int, k: int) -> bool:
    """Each anchor's text is within k characters of where it would be with no edit, for a piece
    found at text[pstart:pend]. (The scan inlines the first test: most pieces stop there.)"""
    while anchors is not None:
        needle, from_start, shift, reach, anchors = anchors
        at = (pstart if from_start else pend) + shift
        if text.find(needle, at - k if at > k else 0, at + reach) < 0:
            return False
    return True


def _inside(lo: int, hi: int, spans) -> bool:
    for s, e in spans:
        if s <= lo and hi <= e:
            return True
    return False


def _nested_aliases(patterns: list[str]):
    """alias -> the spans of the other aliases inside it ("sunroof" in "panoramic sunroof")."""
    if not patterns:
        return lambda alias: []
    find = overlapping(patterns)

    def nested(alias: str) -> list[tuple[int, int]]:
        n = len(alias)
        return [(s, e) for s, e, _ in find(alias) if e - s < n]
    return nested


def _pigeonhole(alias: str, m: int, nested: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """m disjoint pieces covering `alias`, each with two or more letters: at most m-1 edits leave
    one intact. Equal lengths (the longer ones last: endings such as -ing, -ed are the common
    part of a word), unless a piece would lie inside another alias: an exact mention of that
    alias would then wake the piece up everywhere, so cuts that avoid it are preferred."""
    n = len(alias)
    size, extra = divmod(n, m)
    parts, lo = [], 0
    for i in range(m):
        hi = lo + size + (1 if i >= m - extra else 0)
        parts.append((lo, hi))
        lo = hi
    if not nested or not any(_inside(a, b, nested) for a, b in parts):
        return [(a, b) for a, b in parts if len(alias[a:b].strip()) >= 2]
    from itertools import combinations

    best = None
    for cuts in combinations(range(2, n - 1), m - 1):
        bounds = (0, *cuts, n)
        cand = list(zip(bounds, bounds[1:]))
        if any(len(alias[a:b].strip()) < 2 for a, b in cand):
            continue
        score = (sum(1 for a, b in cand if _inside(a, b, nested)), -min(b - a for a, b in cand))
        if best is None or score < best[0]:
            best = (score, cand)
    return best[1] if best else [(a, b) for a, b in parts if len(alias[a:b].strip()) >= 2]


_ENDINGS = frozenset(("s", "es", "d", "ed", "r", "er"))


def _word_form(alias: str, window: str) -> bool:
    """A Latin window that is another form of the alias's word ("drive" for "driver", "heater"
    for "heated") is that other word, not a typo: a slip rarely makes a real ending."""
    if " " in alias or " " in window or not (alias.isascii() and window.isascii()):
        return False
    if alias.startswith(window):
        return alias[len(window):] in _ENDINGS
    if window.startswith(alias):
        return window[len(alias):] in _ENDINGS
    return len(alias) == len(window) and alias[:-1] == window[:-1] and alias[-1] in "dsr" and window[-1] in "dsr"


_distance = Levenshtein.distance
_hamming = Hamming.distance


def _blocked(start: int, end: int, exact, cost: float) -> bool:
    """A fuzzy window loses to an exact mention it overlaps, unless the mentions lie inside it
    and the rest of the window carries the typo with three or more characters per edit:
    "panoramc sunroof" is a typo of "panoramic sunroof", not a mention of "sunroof", but
    "后排座椅加热" is "座椅加热", not a typo of "前排座椅加热"."""
    inside = 0
    for s, e in exact:
        if s < end and start < e:
            if start <= s and e <= end:
                inside += e - s
            else:
                return True
    return inside > 0 and end - start - inside < 3 * cost


def _best_end(right: str, text: str, pend: int, budget: int, word_end: bool, n_text: int) -> tuple[int, int]:
    """Where a window that continues with `right` after a piece ending at `pend` ends best:
    (end, edits), or (-1, budget + 1) when no end is within the budget. Moving the end by d
    changes the distance by at most d, so one distance at the unshifted end, more than twice
    the budget, rejects the piece at once (most do)."""
    base = pend + len(right)
    if base <= n_text and _distance(right, text[pend:base], score_cutoff=2 * budget) > 2 * budget:
        return -1, budget + 1
    e, cost = -1, budget + 1
    for en in range(max(pend + 1, base - budget), min(n_text, base + budget) + 1):
        if text[en - 1] == " " or (word_end and (text[en - 1] not in _WORD or en < n_text and text[en] in _WORD
                                                 and not _plural_ok(text, en))):
            continue
        c = _distance(right, text[pend:en], score_cutoff=budget)
        if c < cost or (c == cost and abs(en - base) < abs(e - base)):
            e, cost = en, c
    return e, cost


def _best_start(left: str, text: str, pstart: int, budget: int, word_start: bool) -> tuple[int, int]:
    """The mirror of _best_end: where a window that has `left` before a piece starting at
    `pstart` starts best."""
    base = pstart - len(left)
    if base >= 0 and _distance(left, text[base:pstart], score_cutoff=2 * budget) > 2 * budget:
        return -1, budget + 1
    s, cost = -1, budget + 1
    for st in range(max(0, base - budget), min(pstart - 1, base + budget) + 1):
        if text[st] == " " or (word_start and (text[st] not in _WORD or st and text[st - 1] in _WORD)):
            continue
        c = _distance(left, text[st:pstart], score_cutoff=budget)
        if c < cost or (c == cost and abs(st - base) < abs(s - base)):
            s, cost = st, c
    return s, cost


def _verify(alias: str, K: int, word_start: bool, word_end: bool, text: str, n_text: int,
            pstart: int, pend: int, offset: int) -> tuple[int, int, float]:
    """The best window around an intact piece of `alias` found at text[pstart:pend]: the alias's
    parts left and right of the piece are aligned with the text next to it independently (each
    window end within K of where no edit would put it; a window neither starts nor ends with a
    space, and a Latin end sits on a word boundary). (-1, -1, 0) when no window is within K.

    Moving a window end by d changes the distance by at most d, so one distance at the
    unshifted end, more than twice the budget, rejects the piece at once (most do)."""
    n_left = offset
    n_right = len(alias) - offset - (pend - pstart)
    if n_left == 0:
        s, cost_l = pstart, 0
    else:
        s, cost_l = _best_start(alias[:n_left], text, pstart, K, word_start)
        if cost_l > K:
            return -1, -1, 0.0
    budget = K - cost_l
    if n_right == 0:
        if word_end and pend < n_text and text[pend] in _WORD and not _plural_ok(text, pend):
            return -1, -1, 0.0
        e, cost_r = pend, 0
    else:
        e, cost_r = _best_end(alias[len(alias) - n_right:], text, pend, budget, word_end, n_text)
        if cost_r > budget:
            return -1, -1, 0.0
    cost = float(cost_l + cost_r)
    if cost == 0:
        return -1, -1, 0.0  # the alias itself: the exact stage has decided about it
    if e - s == len(alias) and cost >= 1:
        cost = min(cost, _substitution_cost(alias, text[s:e]))
    return s, e, cost


_CLAUSE_END = re.compile(r"[，,。；;！!？?：:]")
_FORWARD = re.compile(r"\s*(?:和|与|及|、|/|\+|＋|&|以及)\s*(?P<chunk>[\u3400-\u9fff]{1,6})")
_FORWARD_CONNECTOR = re.compile(r"[和与及、/+＋&]")
_BACKWARD = re.compile(r"(?P<word>[a-z][a-z\-]{2,})\s*(?:,\s*|\s+and\s+|\s*&\s*|\s*/\s*)(?:[a-z][a-z\-]+\s*(?:,\s*|\s+and\s+))?$")

# piece kinds of the fuzzy automaton
_SUBST = 0   # half of a short Chinese alias: one same-sounding substitution, window fixed
_VARIANT = 4  # a short Chinese alias with one character replaced by a common homophone
_EDITS = 1   # a pigeonhole piece of an alias that allows k >= 1 edits
_PREFIX = 2  # ... that starts the alias, which must start a word: the text before it decides
_SUFFIX = 3  # ... that ends the alias, which must end a word: the text after it decides


class MentionIndex:
    """Aliases -> feature ids, compiled once; `scan` finds the mentions in a normalised text."""

    def __init__(self, aliases: dict[str, set[str]], after_number: dict[str, set[str]] | None = None,
                 confusable=lambda a, b: False, fuzzy: bool = True, fuzzy_threshold: float = 0.0):
        # sorted: the alias order decides ties further on, and callers build their tables from
        # sets, whose order changes with the hash seed (a report must not)
        self.targets: dict[str, tuple[str, ...]] = {a: tuple(sorted(ids)) for a, ids in sorted(aliases.items()) if a}
        self.after_number: dict[str, tuple[str, ...]] = {
            a: tuple(sorted(ids)) for a, ids in sorted((after_number or {}).items()) if a and a not in self.targets}
        self.confusable = confusable
        self.fuzzy_threshold = fuzzy_threshold
        patterns = sorted(self.targets.keys() | self.after_number.keys())
        self.patterns = patterns
        targets, after = self.targets, self.after_number
        # per pattern: alias, feature ids (None: after-number only), needs a word boundary left/right
        self._meta = [(a, targets.get(a), a[0] in _WORD, a[-1] in _WORD, after.get(a)) for a in patterns]
        self._find = leftmost_longest(patterns) if patterns else None
        self._pieces = None
        self._find_pieces = None
        if fuzzy:
            self._build_fuzzy()

    # -- exact -------------------------------------------------------------------------------
    def scan_nested(self, text: str) -> list[Hit]:
        """Every alias occurrence, nested ones included ("自适应巡航" inside "全速域自适应巡航");
        for reading spec labels, not copy (built on first use)."""
        if not self.patterns:
            return []
        if getattr(self, "_nested", None) is None:
            self._nested = overlapping(self.patterns)
        hits = []
        for start, end, idx in self._nested(text):
            alias = self.patterns[idx]
            if _boundary_ok(text, start, end, alias):
                for fid in self.targets.get(alias) or self.after_number.get(alias, ()):
                    hits.append(Hit(fid, start, end, alias, 100.0, "exact"))
        return hits

    def scan_exact(self, text: str, number_ends: Container[int] = frozenset()) -> list[Hit]:
        find = self._find
        if find is None:
            return []
        matches = find(text)
        if not matches:
            return []
        hits: list[Hit] = []
        meta = self._meta
        n = len(text)
        for start, end, idx in matches:
            alias, ids, left, right, after = meta[idx]
            if left and start and text[start - 1] in _WORD and not (ids is None and text[start - 1].isdigit()):
                continue  # ("51.9kwh": an after-number alias may touch its figure)
            if right and end < n and text[end] in _WORD and not _plural_ok(text, end):
                continue
            if ids is None:  # an after-number alias: "4,790 mm long", "14-speaker"
                j = start
                while j > 0 and text[j - 1] in " -":
                    j -= 1
                if j not in number_ends:
                    continue
                ids = after
            for fid in ids:
                hits.append(_hit(fid, start, end, alias, 100.0, "exact"))
        return hits

    # -- fuzzy -------------------------------------------------------------------------------
    def _build_fuzzy(self) -> None:
        pieces: dict[str, list[tuple[int, int, int]]] = {}  # piece -> [(alias index, offset, kind)]
        aliases: list[tuple[str, float, int, bool, bool]] = []  # (alias, k, whole edits, word start, word end)
        homophones = None
        subst: dict[str, dict] = {}  # piece -> {(side, length): {sound of the other half: [(alias, offset)]}}
        nested_in = _nested_aliases(list(self.targets))
        # exact mentions inside longer aliases: alias -> ([(parent, offset)] of short Chinese
        # parents, {2 characters before it in the parent: [(parent, offset)]}, {... after it})
        parents: dict[str, tuple[list, dict, dict]] = {}
        for alias in self.targets:
            k = max_edits(alias)
            if k <= 0:
                continue
            ai = len(aliases)
            aliases.append((alias, k, int(k), alias[0] in _WORD, alias[-1] in _WORD))
            n = len(alias)
            nested = nested_in(alias)
            for ns, ne in nested:
                short, before, after = parents.setdefault(alias[ns:ne], ([], {}, {}))
                if k < 1:
                    short.append((ai, ns))
                    continue
                if n - (ne - ns) <= 4 or _HAS_CJK.search(alias):
                    # little around it (Chinese, mostly): the typo is likely next to it, try it always
                    before.setdefault(None, []).append((ai, ns, alias[:ns], alias[ne:]))
                    continue
                anchors = _anchors(alias, ns, ne - ns, int(k))
                if ns:
                    before.setdefault(alias[max(0, ns - 3):ns], []).append((ai, ns, anchors))
                if ne < n:
                    after.setdefault(alias[ne:ne + 3], []).append((ai, ns, anchors))
            if k < 1:
                # 3-5 letters with Chinese: one same-sounding character and nothing else
                cjk = [i for i, c in enumerate(alias) if is_cjk(c)]
                variants = cjk
                if len(cjk) >= 4:  # two halves of two or more characters: one stays intact
                    cut = cjk[len(cjk) // 2]
                    variants = []
                    for lo, hi, other in ((0, cut, [i for i in cjk if i >= cut]), (cut, n, [i for i in cjk if i < cut])):
                        if _inside(lo, hi, nested):
                            variants += other  # a half that is another alias: its typos instead
                        else:
                            # the other half, with one same-sounding character: found by its sound
                            side, rest = (1, alias[hi:]) if lo == 0 else (-1, alias[:lo])
                            pieces.setdefault(alias[lo:hi], [])
                            subst.setdefault(alias[lo:hi], {}).setdefault((side, len(rest)), {}).setdefault(
                                _sound_key(rest), []).append((ai, lo))
                # fewer: the typos themselves, with the common characters that sound the same
                if variants and homophones is None:
                    homophones = _common_homophones()
                for i in variants:
                    for h in homophones.get(_pinyin(alias[i]), ()):
                        if h != alias[i]:
                            pieces.setdefault(alias[:i] + h + alias[i + 1:], []).append((ai, 0, _VARIANT))
                continue
            for lo, hi in _pigeonhole(alias, int(k) + 1, ()):
                kind = _EDITS
                if lo == 0 and alias[0] in _WORD:
                    kind = _PREFIX
                elif hi == n and alias[-1] in _WORD:
                    kind = _SUFFIX
                pieces.setdefault(alias[lo:hi], []).append((ai, lo, kind))
        self._aliases = aliases
        # alias -> (short Chinese parents, parents tried always, by the 3 characters before it,
        # after it); those two as ((length, {characters: parents}), ...) for the lengths there
        # are (fewer than 3 where the mention is near the parent's end): one lookup per length
        self._parents = {b: (short, before.pop(None, ()), _by_length(before), _by_length(after))
                         for b, (short, before, after) in parents.items()}
        self._piece_list = sorted(pieces)
        # per piece, per alias it is part of: the first anchor unpacked (see _anchors; needle
        # None when there is none), the next ones, whole edits allowed, then the rest, unpacked
        # only past the anchors (most stop there): (kind, alias index, alias, offset, alias
        # text left of the piece, right of it, Latin start, Latin end)
        self._pieces = [tuple(_piece_entry(aliases[ai], ai, off, kind, len(p)) for ai, off, kind in pieces[p])
                        for p in self._piece_list]
        self._find_pieces = overlapping(self._piece_list) if pieces else None
        self._subst = [tuple((side, length, table) for (side, length), table in subst[p].items()) if p in subst else ()
                       for p in self._piece_list]

    def scan_fuzzy(self, text: str, covered: list[tuple[int, int]]) -> list[Hit]:
        find = self._find_pieces
        if find is None:
            return []
        if covered:
            # no piece inside an exact mention counts (a window there would overlap it): blank
            # them out (same length, same offsets); the longer aliases an exact mention may be
            # part of, with a typo next to it, are tried from the mention itself (_swallow)
            masked = text
            for cs, ce in covered:
                masked = masked[:cs] + "\x00" * (ce - cs) + masked[ce:]
            found = find(masked)
        else:
            found = find(text)
        candidates: dict[tuple[int, int], list[tuple[float, int]]] = {}
        if covered and self._parents:
            self._swallow(text, covered, candidates)
        if not found:
            return self._resolve(text, candidates) if candidates else []
        n_text = len(text)
        piece_info = self._pieces
        subst = self._subst
        aliases = self._aliases
        for pstart, pend, pi in found:
            for side, length, table in subst[pi]:
                # half of a short Chinese alias: the other half must sound the same as the text
                # next to it, with exactly one character written differently (天慕 for 天幕)
                part = text[pend:pend + length] if side > 0 else text[max(0, pstart - length):pstart]
                if len(part) < length:
                    continue
                for ai, offset in table.get(_sound_key(part), ()):
                    alias = aliases[ai][0]
                    s = pstart - offset
                    e = s + len(alias)
                    if _hamming(alias, text[s:e], score_cutoff=1) != 1 or not _boundary_ok(text, s, e, alias) or (
                            covered and _blocked(s, e, covered, 0.5)):
                        continue
                    candidates.setdefault((s, e), []).append((0.5, ai))
            for needle, from_start, shift, reach, more, K, entry in piece_info[pi]:
                if needle is not None:
                    # a letter plausible_typo insists on must be within K of where it would be
                    # (one str.find; most pieces stop here): _fits, inlined
                    at = (pstart if from_start else pend) + shift
                    if text.find(needle, at - K if at > K else 0, at + reach) < 0 or (
                            more is not None and not _fits(text, more, pstart, pend, K)):
                        continue
                kind, ai, alias, offset, left, right, word_start, word_end = entry
                if kind == _PREFIX:  # the window starts with the piece: find its end
                    if pstart and text[pstart - 1] in _WORD:
                        continue  # the alias would start inside a word
                    s = pstart
                    e, cost = _best_end(right, text, pend, K, word_end, n_text)
                    if not 0 < cost <= K:
                        continue
                elif kind == _SUFFIX:  # the window ends with the piece: find its start
                    if pend < n_text and text[pend] in _WORD and not _plural_ok(text, pend):
                        continue  # the alias would end inside a word
                    e = pend
                    s, cost = _best_start(left, text, pstart, K, word_start)
                    if not 0 < cost <= K:
                        continue
                elif kind == _EDITS:  # a middle piece: both sides
                    s, e, cost = _verify(alias, K, word_start, word_end, text, n_text, pstart, pend, offset)
                    if s < 0:
                        continue
                else:  # _VARIANT: the whole alias with one same-sounding character
                    s, e, cost = pstart, pend, 0.5
                    if (word_start and s and text[s - 1] in _WORD) or (
                            word_end and e < n_text and text[e] in _WORD and not _plural_ok(text, e)) or (
                            covered and _blocked(s, e, covered, 0.5)):
                        continue
                if kind == _PREFIX or kind == _SUFFIX or kind == _EDITS:
                    if kind != _EDITS and e - s == len(alias):  # a same-sounding character costs half
                        cost = min(cost, _substitution_cost(alias, text[s:e]))
                    if covered and _blocked(s, e, covered, cost):
                        continue
                candidates.setdefault((s, e), []).append((cost, ai))
        if not candidates:
            return []
        return self._resolve(text, candidates)

    def _swallow(self, text: str, covered: list[tuple[int, int]], candidates) -> None:
        """Longer aliases around exact mentions: "panoramc sunroof" around "sunroof"."""
        parents = self._parents
        aliases = self._aliases
        n_text = len(text)
        for cs, ce in covered:
            entry = parents.get(text[cs:ce])
            if entry is None:
                continue
            short, direct, before, after = entry
            for ai, offset in short:  # a short Chinese parent: one same-sounding character
                alias = aliases[ai][0]
                s = cs - offset
                e = s + len(alias)
                if s < 0 or e > n_text:
                    continue
                window = text[s:e]
                if _hamming(alias, window, score_cutoff=1) != 1:
                    continue
                i = 0
                while alias[i] == window[i]:
                    i += 1
                if _same_sound(alias[i], window[i]) and _boundary_ok(text, s, e, alias) and not _blocked(s, e, covered, 0.5):
                    candidates.setdefault((s, e), []).append((0.5, ai))
            for ai, offset, left, right in direct:
                # short parts around the mention: with one edit, one of two parts is intact
                # (or, when the mention ends the parent, the one part is close)
                alias, k, K, word_start, word_end = aliases[ai]
                if left and right:
                    if not (text.startswith(right, ce) or text.endswith(left, 0, cs)
                            or text.startswith(right, ce + 1) or text.startswith(right, ce - 1)
                            or text.endswith(left, 0, cs - 1) or text.endswith(left, 0, cs + 1)):
                        continue
                elif left:
                    if cs < len(left) - K or _distance(left, text[max(0, cs - len(left)):cs], score_cutoff=2 * K) > 2 * K:
                        continue
                elif ce + len(right) - K > n_text or _distance(right, text[ce:ce + len(right)], score_cutoff=2 * K) > 2 * K:
                    continue
                s, e, cost = _verify(alias, K, word_start, word_end, text, n_text, cs, ce, offset)
                if s >= 0 and not _blocked(s, e, covered, cost):
                    candidates.setdefault((s, e), []).append((cost, ai))
            if not (before or after):
                continue
            # the parent's characters next to the mention must be there (the typo is further off)
            tried = set()
            for found in [table.get(text[cs - length:cs]) for length, table in before if cs >= length] + [
                          table.get(text[ce:ce + length]) for length, table in after if ce + length <= n_text]:
                for ai, offset, anchors in found or ():
                    if (ai, offset) in tried:
                        continue
                    tried.add((ai, offset))
                    alias, k, K, word_start, word_end = aliases[ai]
                    if anchors is not None and not _fits(text, anchors, cs, ce, K):
                        continue
                    s, e, cost = _verify(alias, K, word_start, word_end, text, n_text, cs, ce, offset)
                    if s >= 0 and not _blocked(s, e, covered, cost):
                        candidates.setdefault((s, e), []).append((cost, ai))

    def _resolve(self, text: str, candidates) -> list[Hit]:
        """Keep each window's closest alias, unless a different feature is as close."""
        aliases = self._aliases
        targets = self.targets
        hits: list[Hit] = []
        others = {ai for options in candidates.values() for _, ai in options}
        for (s, e), options in sorted(candidates.items()):
            options.sort()
            cost, ai = options[0]
            alias = aliases[ai][0]
            window = text[s:e]
            if len(options) > 1 and options[1][0] == cost:
                # aliases as close as each other ("alloy wheel", "alloy wheels" for "alloy whees"):
                # the most similar one, as fuzz.ratio scores it, then the first in order
                tied = [bi for c, bi in options if c == cost]
                ai = max(tied, key=lambda bi: (fuzz.ratio(aliases[bi][0], window), -bi))
                alias = aliases[ai][0]
            ids = targets[alias]
            rival = False
            for bi in others:
                if bi == ai:
                    continue
                other = aliases[bi][0]
                if targets[other] != ids and abs(len(other) - len(window)) <= cost and _edit_cost(other, window) <= cost:
                    rival = True  # as close to another feature: ambiguous, not a mention
                    break
            if rival or not plausible_typo(alias, window) or _word_form(alias, window):
                continue
            score = fuzz.ratio(alias, window)
            if score < self.fuzzy_threshold:
                continue
            for fid in ids:
                hits.append(_hit(fid, s, e, alias, float(score), "fuzzy"))
        if len(hits) <= 1:
            return hits
        # overlapping fuzzy windows: keep the best-scoring, earliest
        hits.sort(key=lambda h: (-h.score, h.start))
        kept: list[Hit] = []
        for h in hits:
            if all(h.end <= k.start or h.start >= k.end or (h.start, h.end) == (k.start, k.end) for k in kept):
                kept.append(h)
        return sorted(kept, key=lambda h: (h.start, h.end, h.feature_id))

    # -- coordination ------------------------------------------------------------------------
    def expand_coordination(self, text: str, hits: list[Hit]) -> list[Hit]:
        """Features named by ellipsis: "座椅加热和通风" names 座椅通风 too, "heated and
        ventilated front seats" names heated front seats. Only spans next to a found alias,
        joined by a connector, are tried, and only forms that are aliases themselves count."""
        found: list[Hit] = []
        if not hits:
            return found
        # both patterns need a connector: without one in the text neither can match
        forward = _FORWARD_CONNECTOR.search(text) is not None
        backward = "," in text or "&" in text or "/" in text or "and" in text
        if not (forward or backward):
            return found
        taken = [(h.start, h.end) for h in hits]
        for h in hits:
            a = h.alias
            m = _FORWARD.match(text, h.end) if forward and _HAS_CJK.search(a) else None
            if m:
                chunk = m.group("chunk")
                for k in range(len(a) - 1, 0, -1):
                    hit = self._first_alias(a[:k], chunk, m.start("chunk"), prefix=True)
                    if hit and hit.feature_id != h.feature_id and not any(hit.start < e and s < hit.end for s, e in taken):
                        found.append(hit)
                        taken.append((hit.start, hit.end))
                        break
            # (_BACKWARD ends with a connector: ",", "&", "/" or " and ", then spaces)
            b = _BACKWARD.search(text, 0, h.start) if backward and " " in a and text[:h.start].rstrip().endswith(
                (",", "&", "/", "and")) else None
            if b:
                word = b.group("word")
                for k in range(1, len(a)):
                    if a[k] != " ":
                        continue
                    cand = word + a[k:]
                    ids = self.targets.get(cand)
                    if ids and h.feature_id not in ids:
                        ws = b.start("word")
                        if not any(ws < e and s < ws + len(word) for s, e in taken):
                            for fid in ids:
                                found.append(Hit(fid, ws, ws + len(word), cand, 100.0, "exact"))
                            taken.append((ws, ws + len(word)))
                        break
        return found

    def _first_alias(self, head: str, chunk: str, chunk_start: int, prefix: bool) -> Hit | None:
        for m in range(len(chunk), 0, -1):
            cand = head + chunk[:m]
            ids = self.targets.get(cand)
            if ids:
                fid = ids[0]
                return Hit(fid, chunk_start, chunk_start + m, cand, 100.0, "exact")
        return None

    # -- split aliases -------------------------------------------------------------------------
    def _build_heads(self) -> None:
        """Chinese aliases made of a head noun and an attribute ("座椅" + "加热"), where the
        attribute is one several heads take and the head takes several: in copy the head may
        stand apart from its attributes."""
        by_head: dict[str, dict[str, str]] = {}
        for alias in self.targets:
            if len(alias) < 4 or not all(is_cjk(c) for c in alias):
                continue
            for k in range(2, len(alias) - 1):
                by_head.setdefault(alias[:k], {})[alias[k:]] = alias
        # attributes that several heads share ("加热", "通风", "质保"), on heads that take two or more
        shared: dict[str, int] = {}
        for tails in by_head.values():
            for t in tails:
                shared[t] = shared.get(t, 0) + 1
        heads = {h: {t: a for t, a in tails.items() if shared[t] >= 2} for h, tails in by_head.items()}
        self._heads = {h: tails for h, tails in heads.items() if len(tails) >= 2}
        self._head_list = sorted(self._heads)
        self._head_tails = [sorted(self._heads[h], key=len, reverse=True) for h in self._head_list]
        self._find_heads = overlapping(self._head_list) if self._heads else None
        # every attribute, every occurrence: a text with none outside the mentions found has
        # nothing to expand (most texts)
        tails = sorted({t for tails in self._heads.values() for t in tails})
        self._find_tails = overlapping(tails) if tails else None

    def expand_split(self, text: str, hits: list[Hit]) -> list[Hit]:
        """"主驾座椅支持加热和通风" names 座椅加热 and 座椅通风: after a head that no mention
        covers, each attribute of it within the clause (up to 8 characters on) is a mention."""
        if getattr(self, "_heads", None) is None:
            self._build_heads()
        if self._find_heads is None or text.isascii():
            return []
        attributes = self._find_tails(text)
        if not attributes:
            return []
        taken = [(h.start, h.end) for h in hits]
        # an attribute inside a mention is never read as split off its head (each head's window
        # stops at the next mention): "标配座椅加热" has nothing to expand
        free = [a_start for a_start, a_end, _ in attributes if not _inside(a_start, a_end, taken)]
        if not free:
            return []
        found: list[Hit] = []
        for start, end, idx in self._find_heads(text):
            if not any(end <= f < end + 8 for f in free) or any(s < end and start < e for s, e in taken):
                continue  # no attribute in reach, or the head is part of a mention
            stop = min([s for s, _ in taken if s >= end] + [len(text), end + 8])
            m = _CLAUSE_END.search(text, end, stop)
            window = text[end:m.start() if m else stop]
            ordered = [t for t in self._head_tails[idx] if t in window]
            if not ordered:
                continue
            tails = self._heads[self._head_list[idx]]
            i = 0
            while i < len(window):
                tail = next((t for t in ordered if window.startswith(t, i)), None)
                if tail is None:
                    i += 1
                    continue
                for fid in self.targets[tails[tail]]:
                    found.append(Hit(fid, end + i, end + i + len(tail), tails[tail], 100.0, "exact"))
                taken.append((end + i, end + i + len(tail)))
                i += len(tail)
        return found

    def scan(self, text: str, number_ends: Container[int] = frozenset()) -> list[Hit]:
        exact = self.scan_exact(text, number_ends)
        split = self.expand_split(text, exact)
        if split:
            exact = sorted(exact + split, key=_order)
        if exact:
            more = self.expand_coordination(text, exact)
            while more:  # "座椅按摩+通风+加热": each expansion may continue the chain
                exact = sorted(exact + more, key=_order)
                more = [h for h in self.expand_coordination(text, more)
                        if not any(h.start < e.end and e.start < h.end for e in exact)]
        # (exact hits come sorted: leftmost-longest matches do not overlap, ids are sorted)
        fuzzy = self.scan_fuzzy(text, [(h.start, h.end) for h in exact]) if self._find_pieces is not None else None
        if not fuzzy:
            return exact
        # exact mentions a fuzzy window has taken in (see _blocked) give way to it
        exact = [h for h in exact if not any(f.start <= h.start and h.end <= f.end for f in fuzzy)]
        return sorted(exact + fuzzy, key=_order)


def _order(h: Hit):
    return (h.start, h.end, h.feature_id)
