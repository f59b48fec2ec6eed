"""Multi-pattern search: one compiled automaton per pattern set (daachorse's character-wise
double-array Aho-Corasick), so a scan costs time in the text, not in the number of patterns.
Offsets are in characters, as Python slices them."""
from __future__ import annotations

import daachorse


def leftmost_longest(patterns: list[str]):
    """text -> [(start, end, pattern index)]: at each place the longest pattern, no overlaps."""
    return daachorse.CharwiseDoubleArrayAhoCorasick(patterns, match_kind=daachorse.MATCH_KIND_LEFTMOST_LONGEST).find


def overlapping(patterns: list[str]):
    """text -> [(start, end, pattern index)]: every occurrence of every pattern."""
    return daachorse.CharwiseDoubleArrayAhoCorasick(patterns).find_overlapping
