"""Cue words (negation, option, scope, comparators) loaded from data/language.yaml.

All cues are compiled into one automaton; `find_cues` returns every cue in a normalised text
with its class ("negation_before", "comparators.ge_before", "scope.top", ...).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from .automaton import overlapping
from .lexicon import SAFE_LOADER
from .normalise import norm


@dataclass(frozen=True)
class Cue:
    kind: str
    start: int
    end: int
    text: str


def _is_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@lru_cache(maxsize=1)
def language() -> dict:
    text = resources.files("specaudit.data").joinpath("language.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=SAFE_LOADER)  # libyaml's safe loader, as for the lexicon


def words(kind: str) -> list[str]:
    """The cue words of one class, e.g. words('scope.top')."""
    node = language()
    for part in kind.split("."):
        node = node.get(part, {})
    out: list[str] = []
    for lang in ("zh", "en"):
        out.extend(norm(str(w)) for w in (node.get(lang) or []))
    return out


def _cue_classes() -> list[str]:
    data = language()
    classes = []
    for key, node in data.items():
        if key in ("trim_suffixes", "generic_trim_words"):
            continue
        if isinstance(node, dict) and ("zh" in node or "en" in node):
            classes.append(key)
        elif isinstance(node, dict):
            classes.extend(f"{key}.{sub}" for sub in node)
    return classes


@lru_cache(maxsize=1)
def _automaton():
    table: dict[str, list[str]] = {}
    for kind in _cue_classes():
        for w in words(kind):
            if w:
                table.setdefault(w, []).append(kind)
    patterns = sorted(table)
    return overlapping(patterns), patterns, table


_new = object.__new__


def find_cues(text: str) -> list[Cue]:
    """Every cue occurrence (overlapping allowed: "最高" inside "最高车速" is masked later)."""
    find, patterns, table = _automaton()
    cues: list[Cue] = []
    for start, end, idx in find(text):
        w = patterns[idx]
        if _is_word(w[0]) and start > 0 and _is_word(text[start - 1]):
            continue
        if _is_word(w[-1]) and end < len(text) and _is_word(text[end]):
            continue
        for kind in table[w]:
            cue = _new(Cue)  # Cue(...) without its four frozen-field __setattr__ calls
            cue.__dict__.update(kind=kind, start=start, end=end, text=w)
            cues.append(cue)
    cues.sort(key=lambda c: (c.start, -(c.end - c.start), c.kind))
    return cues
