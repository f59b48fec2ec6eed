"""Finding feature mentions: one multi-pattern scan, then a fuzzy pass for typos.

The exact stage is a leftmost-longest Aho-Corasick scan over the normalised sentence (a
compiled automaton: cost grows with the text, not with the number of aliases). Latin aliases
must sit on word boundaries, which is checked on the matches only (`\\b` fails beside CJK).

The fuzzy stage is pigeonhole filtering: an alias with at most k edits keeps at least one of
its k+1 pieces intact, so the pieces are found exactly with a second automaton and only those
candidate windows are verified with an edit distance. A fuzzy hit loses to any exact mention,
and a window that is as close to a confusable feature's alias is not a mention at all. For
Chinese, a wrong character that sounds the same (天慕 for 天幕, the usual input-method typo)
costs half an edit, so it wins over a confusable that differs by a different-sounding one.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import ahocorasick_rs
from rapidfuzz.distance import Levenshtein
from rapidfuzz import fuzz

from .normalise import is_cjk


@dataclass(frozen=True)
class Hit:
    """A mention in normalised text (the judge maps spans back to the original)."""

    feature_id: str
    start: int
    end: int
    alias: str
    score: float
    method: str  # exact | fuzzy


def _is_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _boundary_ok(text: str, start: int, end: int, alias: str) -> bool:
    if _is_word(alias[0]) and start > 0 and _is_word(text[start - 1]):
        return False
    if _is_word(alias[-1]) and end < len(text) and _is_word(text[end]):
        # allow a plural: "sunroofs", "heated seats" for "heated seat"
        rest = text[end:end + 3]
        for suffix in ("es", "s"):
            if rest.startswith(suffix) and (len(rest) == len(suffix) or not _is_word(rest[len(suffix)])):
                return True
        return False
    return True


@lru_cache(maxsize=4096)
def _pinyin(ch: str) -> str:
    try:
        from pypinyin import lazy_pinyin
    except ImportError:  # pragma: no cover - pypinyin is a declared dependency
        return ch
    return lazy_pinyin(ch)[0]


def _edit_cost(alias: str, window: str) -> float:
    """Levenshtein distance where a same-sounding Chinese character costs half an edit."""
    if len(alias) == len(window):
        cost = 0.0
        for a, b in zip(alias, window):
            if a != b:
                cost += 0.5 if is_cjk(a) and is_cjk(b) and _pinyin(a) == _pinyin(b) else 1.0
        return cost
    return float(Levenshtein.distance(alias, window))


def max_edits(alias: str) -> float:
    """How far a typo may stray: none for short aliases, more for long ones."""
    letters = alias.replace(" ", "")
    if any(is_cjk(c) for c in letters):
        n = len(letters)
        return 0.0 if n < 3 else 0.5 if n < 6 else 1.0
    n = len(letters)
    return 0.0 if n < 5 else 1.0 if n < 10 else 2.0


class MentionIndex:
    """Aliases -> feature ids, compiled once; `scan` finds the mentions in a normalised text."""

    def __init__(self, aliases: dict[str, set[str]], after_number: dict[str, set[str]] | None = None,
                 confusable=lambda a, b: False, fuzzy: bool = True, fuzzy_threshold: float = 0.0):
        self.targets: dict[str, tuple[str, ...]] = {a: tuple(sorted(ids)) for a, ids in aliases.items() if a}
        self.after_number: dict[str, tuple[str, ...]] = {
            a: tuple(sorted(ids)) for a, ids in (after_number or {}).items() if a and a not in self.targets}
        self.confusable = confusable
        self.fuzzy_threshold = fuzzy_threshold
        patterns = sorted(set(self.targets) | set(self.after_number))
        self.patterns = patterns
        self._ac = ahocorasick_rs.AhoCorasick(patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest) if patterns else None
        self._pieces = None
        if fuzzy:
            self._build_fuzzy()

    # -- exact -------------------------------------------------------------------------------
    def scan_exact(self, text: str, number_ends: frozenset[int] = frozenset()) -> list[Hit]:
        if self._ac is None:
            return []
        hits: list[Hit] = []
        for idx, start, end in self._ac.find_matches_as_indexes(text):
            alias = self.patterns[idx]
            if not _boundary_ok(text, start, end, alias):
                continue
            ids = self.targets.get(alias)
            if ids is None:  # an after-number alias: "4,790 mm long", "14-speaker"
                j = start
                while j > 0 and text[j - 1] in " -":
                    j -= 1
                if j not in number_ends:
                    continue
                ids = self.after_number[alias]
            for fid in ids:
                hits.append(Hit(fid, start, end, alias, 100.0, "exact"))
        return hits

    # -- fuzzy -------------------------------------------------------------------------------
    def _build_fuzzy(self) -> None:
        pieces: dict[str, list[tuple[str, int]]] = {}
        for alias in self.targets:
            k = max_edits(alias)
            if k <= 0:
                continue
            n_pieces = int(k) + 1 if k >= 1 else 2
            size = max(1, len(alias) // n_pieces)
            for i in range(n_pieces):
                lo = i * size
                hi = len(alias) if i == n_pieces - 1 else lo + size
                piece = alias[lo:hi]
                if len(piece.strip()) >= 2:
                    pieces.setdefault(piece, []).append((alias, lo))
        self._piece_list = sorted(pieces)
        self._pieces = pieces
        self._piece_ac = ahocorasick_rs.AhoCorasick(self._piece_list, matchkind=ahocorasick_rs.MatchKind.Standard) if pieces else None

    def scan_fuzzy(self, text: str, covered: list[tuple[int, int]]) -> list[Hit]:
        if not self._pieces or self._piece_ac is None:
            return []
        seen: set[tuple[str, int]] = set()
        candidates: dict[tuple[int, int], list[tuple[float, str, str]]] = {}
        for idx, pstart, _pend in self._piece_ac.find_matches_as_indexes(text, overlapping=True):
            for alias, offset in self._pieces[self._piece_list[idx]]:
                anchor = pstart - offset
                if (alias, anchor) in seen:
                    continue
                seen.add((alias, anchor))
                k = max_edits(alias)
                slack = int(k + 0.5) or 1
                lo, hi = max(0, anchor - slack), min(len(text), anchor + len(alias) + slack)
                best = self._best_window(alias, text, lo, hi, k)
                if best is None:
                    continue
                s, e, cost = best
                if any(s < ce and cs < e for cs, ce in covered):
                    continue
                candidates.setdefault((s, e), []).append((cost, alias, text[s:e]))
        return self._resolve(candidates)

    def _best_window(self, alias: str, text: str, lo: int, hi: int, k: float):
        best = None
        n = len(alias)
        for s in range(lo, hi):
            for e in range(max(s + 1, s + n - int(k) - 1), min(hi, s + n + int(k) + 1) + 1):
                window = text[s:e]
                if window == alias or window.strip() != window:
                    continue
                cost = _edit_cost(alias, window)
                if cost > k or cost == 0:
                    continue
                if not _boundary_ok(text, s, e, alias):
                    continue
                if best is None or cost < best[2]:
                    best = (s, e, cost)
        return best

    def _resolve(self, candidates) -> list[Hit]:
        """Keep each window's closest alias, unless a different feature is as close."""
        hits: list[Hit] = []
        for (s, e), options in sorted(candidates.items()):
            options.sort()
            cost, alias, window = options[0]
            ids = set(self.targets[alias])
            rivals = [o for o in options[1:] if o[0] == cost and set(self.targets[o[1]]) != ids]
            if rivals:
                continue  # as close to another feature: ambiguous, not a mention
            score = fuzz.ratio(alias, window)
            if score < self.fuzzy_threshold:
                continue
            for fid in sorted(ids):
                hits.append(Hit(fid, s, e, alias, float(score), "fuzzy"))
        # overlapping fuzzy windows: keep the best-scoring, earliest
        hits.sort(key=lambda h: (-h.score, h.start))
        kept: list[Hit] = []
        for h in hits:
            if all(h.end <= k.start or h.start >= k.end or (h.start, h.end) == (k.start, k.end) for k in kept):
                kept.append(h)
        return sorted(kept, key=lambda h: (h.start, h.end, h.feature_id))

    def scan(self, text: str, number_ends: frozenset[int] = frozenset()) -> list[Hit]:
        exact = self.scan_exact(text, number_ends)
        covered = [(h.start, h.end) for h in exact]
        fuzzy = self.scan_fuzzy(text, covered) if self._pieces else []
        return sorted(exact + fuzzy, key=lambda h: (h.start, h.end, h.feature_id))
