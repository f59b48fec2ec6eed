"""Which trims a piece of copy speaks of.

Trim names in copy rarely equal the column headers ("Max版" for "买断Max版", "LR" for both
Long Range columns), so each header yields a set of short forms: the header, the header
without 版/trim, each word found in that header only ("Max"), each phrase shared by several
headers (for all of them: "Long Range" -> RWD and AWD), and its initials ("LR"). Tier words
(高配 / top trim -> the dearest column, 入门 / base -> the cheapest) and configured trim aliases
come on top. Every resolution carries a sentence saying how it was made, for `explain`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


from .automaton import leftmost_longest
from .language import words
from .normalise import is_cjk, norm


@dataclass(frozen=True)
class TrimRef:
    trims: tuple[str, ...]
    start: int
    end: int
    text: str
    how: str


_NAME_REACH = 22  # how far before its cue word a trim-like name can start (21, and a margin)
_TRIM_CUE = re.compile(r"版|款|车型| trim| edition| version")  # (find_fuzzy spells these out again)
_TRIM_WORD = re.compile(r"(?P<name>[\u3400-\u9fffa-z0-9][\u3400-\u9fffa-z0-9 \-]{1,14}?)(?:版|款|车型)"
                        r"|(?P<name2>[a-z0-9][a-z0-9\- ]{1,20}?) (?:trim|edition|version)\b")


_MEMO_LIMIT = 4096  # trim phrases remembered per resolver (they are short; memory stays small)
_YEAR = re.compile(r"^(?:(?:19|20)\d{2}|\d{2})(?:款|年款|年|my)?$|^my\d{2}$")


def _tokens(header: str) -> list[str]:
    """Words of a header as written (split at spaces before normalising, which would join
    "2025款 长续航"), each cut into Chinese and Latin runs; model years are left out."""
    out = []
    for part in header.split():
        for t in re.findall(r"[a-z0-9]+|[\u3400-\u9fff]+", norm(part)):
            if t and not _YEAR.match(t):
                out.append(t)
    return out


def _start(ref) -> int:
    return ref.start


class TrimResolver:
    def __init__(self, trims: tuple[str, ...], aliases: dict[str, list[str]] | None = None,
                 derived: dict[str, tuple[set[str], str]] | None = None):
        self.trims = tuple(trims)
        table: dict[str, tuple[set[str], str]] = {}
        fixed: set[str] = set()  # header names and configured aliases: never merged

        def add(alias: str, trim_set, how: str, override: bool = False):
            alias = norm(alias).strip()
            if len(alias) < 2 and not any(is_cjk(c) for c in alias):
                return
            if alias in fixed and not override:
                return
            if override:
                fixed.add(alias)
            if alias in table and not override:
                old, _ = table[alias]
                if old != set(trim_set):
                    table[alias] = (old | set(trim_set), f"{alias!r} names several trims")
                return
            table[alias] = (set(trim_set), how)

        suffixes = words("trim_suffixes")
        generic = set(words("generic_trim_words"))
        normed = {t: norm(t) for t in self.trims}
        for trim, h in normed.items():
            add(h, {trim}, f"{trim!r} (the column header)", override=True)
            for suf in suffixes:
                short = h[: -len(suf)].strip() if h.endswith(suf) else ""
                if len(short) >= 3 or (short and not any(is_cjk(c) for c in short) and len(short) >= 2):
                    add(short, {trim}, f"{trim!r} without {suf!r}")
        # words and phrases of the headers
        phrase_trims: dict[str, set[str]] = {}
        for trim, h in normed.items():
            toks = _tokens(trim)
            for i in range(len(toks)):
                for j in range(i + 1, len(toks) + 1):
                    phrase = " ".join(toks[i:j]) if all(t.isascii() for t in toks[i:j]) else "".join(toks[i:j])
                    phrase_trims.setdefault(phrase, set()).add(trim)
            # initials of leading words: "Long Range AWD" -> "lra", "lr", "lr awd"
            for k in range(2, len(toks) + 1):
                lead = toks[:k]
                if all(t.isascii() and t.isalpha() for t in lead):
                    initials = "".join(t[0] for t in lead)
                    phrase_trims.setdefault(initials, set()).add(trim)
                    if k < len(toks):
                        phrase_trims.setdefault(initials + " " + " ".join(toks[k:]), set()).add(trim)
        for phrase, trim_set in sorted(phrase_trims.items()):
            if phrase in generic or phrase in normed.values() or len(trim_set) == len(self.trims):
                continue
            cjk = any(is_cjk(c) for c in phrase)
            if cjk:
                base = phrase
                for suf in suffixes:
                    if base.endswith(suf) and len(base) > len(suf):
                        base = base[: -len(suf)]
                if len(base) < 2:
                    continue
                how = f"{phrase!r} is part of {' / '.join(sorted(trim_set, key=self.trims.index))}"
                for suf in (x for x in suffixes if any(is_cjk(c) for c in x)):
                    add(base + suf, trim_set, how)
                if len(base) >= 3:
                    add(base, trim_set, how)
            elif len(phrase) >= 2 and not phrase.isdigit():
                how = f"{phrase!r} is part of {' / '.join(sorted(trim_set, key=self.trims.index))}"
                add(phrase, trim_set, how)
                for suf in ("版", "车型"):
                    add(phrase + suf, trim_set, how)
        # tiers
        if len(self.trims) > 1:
            for w in words("scope.top"):
                add(w, {self.trims[-1]}, f"{w!r} means the top trim, {self.trims[-1]!r}")
            for w in words("scope.base"):
                add(w, {self.trims[0]}, f"{w!r} means the entry trim, {self.trims[0]!r}")
            if len(self.trims) % 2 == 1 and len(self.trims) >= 3:
                mid = self.trims[len(self.trims) // 2]
                for w in words("scope.mid"):
                    add(w, {mid}, f"{w!r} means the middle trim, {mid!r}")
        for alias, (trim_set, how) in sorted((derived or {}).items()):
            add(alias, trim_set, how)
        for alias, targets in (aliases or {}).items():
            known = [t for t in targets if t in self.trims]
            if known:
                add(alias, set(known), f"{alias!r} is a configured trim alias for {', '.join(known)}", override=True)
        self.table = {a: (tuple(t for t in self.trims if t in s), how) for a, (s, how) in table.items()}
        self.patterns = sorted(self.table)
        self._find = leftmost_longest(self.patterns) if self.patterns else None
        self._headers = {norm(t): t for t in self.trims}  # for the fuzzy header match
        self._closest_memo: dict[str, tuple[str, float] | None] = {}

    def find(self, text: str) -> list[TrimRef]:
        if self._find is None:
            return []
        refs = []
        for start, end, idx in self._find(text):
            alias = self.patterns[idx]
            if alias[0].isascii() and alias[0].isalnum() and start > 0 and text[start - 1].isascii() and text[start - 1].isalnum():
                continue
            if alias[-1].isascii() and alias[-1].isalnum() and end < len(text) and text[end].isascii() and text[end].isalnum():
                continue
            trims, how = self.table[alias]
            refs.append(TrimRef(trims, start, end, text[start:end], how))
        fuzzy = self.find_fuzzy(text, [(r.start, r.end) for r in refs] if refs else ())
        if not fuzzy:
            return refs  # (leftmost-longest matches come in order)
        return sorted(refs + fuzzy, key=_start)

    def find_fuzzy(self, text: str, taken: list[tuple[int, int]]) -> list[TrimRef]:
        """Trim-like words no short form covers ("长续航Pro版" for "长续航 Pro"), matched to the
        closest header when the match is clear."""
        refs = []
        # checked first, before any other work: most sentences name no trim at all (six
        # substring tests are cheaper than the alternation, which is tried at every character)
        if not ("版" in text or "款" in text or "车型" in text or " trim" in text or " edition" in text
                or " version" in text):
            return refs  # no 版/款/车型/trim/edition/version: _TRIM_WORD cannot match
        cues = [m.span() for m in _TRIM_CUE.finditer(text)]
        # every match ends with a cue word and starts at most 21 characters before it: the
        # pattern (lazy, tried at every character) need not run over the rest of the text
        # (one character past the last cue, for its word boundary)
        for m in _TRIM_WORD.finditer(text, max(0, cues[0][0] - _NAME_REACH), min(len(text), cues[-1][1] + 1)):
            group = "name" if m.group("name") else "name2"
            s, e = m.span(group)
            if any(s < te and ts < e for ts, te in taken):
                continue
            name = m.group(group).strip()
            found = self._closest_header(name)
            if found is not None:
                header, score = found
                refs.append(TrimRef((header,), s, e, text[s:e],
                                    f"{name!r} is closest to the header {header!r} (fuzzy score {score:.0f})"))
        return refs

    def _closest_header(self, name: str) -> tuple[str, float] | None:
        """The header `name` clearly means, if any. Copy repeats its trim wording ("every trim",
        "this version") across a catalogue, so answers are kept, up to a bound."""
        memo = self._closest_memo
        if name in memo:
            return memo[name]
        from rapidfuzz import fuzz, process

        headers = self._headers
        best = process.extract(name, list(headers), scorer=fuzz.WRatio, limit=2)
        found = None
        if best and best[0][1] >= 85 and not (len(best) > 1 and best[0][1] - best[1][1] < 5):
            found = (headers[best[0][0]], best[0][1])
        if len(memo) < _MEMO_LIMIT:
            memo[name] = found
        return found

    def from_onwards(self, trims: tuple[str, ...]) -> tuple[str, ...]:
        """'X起' / 'from X up': X and every dearer trim (columns are cheapest first)."""
        first = min(self.trims.index(t) for t in trims)
        return self.trims[first:]
